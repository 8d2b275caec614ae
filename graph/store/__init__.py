"""Cypher graph databases (Neo4j, FalkorDB) behind one repository layer."""
