"""govnet's graph side: the schema, the network model, stores and analysis."""
