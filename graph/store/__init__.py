"""Cypher graph databases (Neo4j, FalkorDB) behind one repository layer.

``open_store(uri)`` connects (``falkor://`` → FalkorDB native client, ``bolt://`` /
``neo4j://`` → Neo4j driver); ``query(cypher, **params)`` runs a read-only query against
the configured database and returns a DataFrame. ``local.local_store(network)`` needs no
database at all: a private FalkorDB, loaded with the network, stopped on close.
``templates.TEMPLATES`` holds ready research questions.
"""

from graph.store.config import DbConfig, configured_uri, resolve
from graph.store.errors import IncompleteLoadError, ReadOnlyError, StoreError
from graph.store.repository import GraphStore, LoadSummary, open_store, query

__all__ = [
    "DbConfig",
    "GraphStore",
    "IncompleteLoadError",
    "LoadSummary",
    "ReadOnlyError",
    "StoreError",
    "configured_uri",
    "open_store",
    "query",
    "resolve",
]
