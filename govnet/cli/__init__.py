"""The ``govnet`` command line: one module per group of commands."""
