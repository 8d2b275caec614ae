"""Follow-ups of the store: two ``--replace`` loads of one FalkorDB graph at the same time
each build their own staging graph, and ``delete`` turns driver failures into StoreError
on both backends."""

from __future__ import annotations

import uuid

import pytest
import redis

from graph.network import Network
from graph.store import StoreError, open_store
from graph.store.config import parse_uri
from graph.store.neo4j_backend import Neo4jBackend
from graph.store.server import FalkorServer, free_port
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


def test_two_concurrent_replaces_never_share_a_staging_graph(falkor_server) -> None:
    """Load B (without one link) runs whole while load A is between two batches:
    A still finishes complete and is what readers see; no staging graph is left."""
    a = read_ledger(SMALL)
    tables = dict(a.tables)
    tables["links"] = tables["links"].iloc[:-1]
    b = Network(tables)
    assert not b.equals(a)
    target = {"uri": falkor_server.uri, "graph": f"rep_{uuid.uuid4().hex[:10]}"}
    staged: list[list[str]] = []

    def meanwhile(_rows: int) -> None:
        if not staged:
            with open_store(**target) as other:
                staged.append(other.backend.staging_keys())  # A's, under way
                other.write(b, replace=True)

    with open_store(**target) as store:
        store.node_batch = store.edge_batch = 3  # many batches, so B runs mid-way
        store.write(a, replace=True, on_batch=meanwhile)
        assert store.read().equals(a)
        assert store.backend.staging_keys() == []
        store.delete()
    assert len(staged[0]) == 1


def test_a_killed_replace_leaves_an_orphan_the_next_one_removes(falkor_server) -> None:
    network = read_ledger(SMALL)
    target = {"uri": falkor_server.uri, "graph": f"orph_{uuid.uuid4().hex[:10]}"}
    client = redis.Redis(port=falkor_server.port)
    orphan = f"{target['graph']}__staging_deadbeef0000"
    client.execute_command("GRAPH.QUERY", orphan, "CREATE (:Place {id: 'x'})")
    with open_store(**target) as store:
        store.write(network, replace=True)
        assert not client.exists(orphan)  # no live load holds its lease
        store.delete()


def test_delete_wraps_falkordb_errors() -> None:
    server = FalkorServer().start()
    store = open_store(server.uri, "g")
    server.stop()
    with pytest.raises(StoreError, match="cannot reach FalkorDB"):
        store.delete()
    store.close()


def test_delete_wraps_neo4j_driver_errors() -> None:
    """A real driver on a port nobody listens on: the failure is a StoreError."""
    from neo4j import GraphDatabase

    cfg = parse_uri(f"bolt://127.0.0.1:{free_port()}")
    backend = Neo4jBackend.__new__(Neo4jBackend)
    backend.cfg = cfg
    # no retrying for 30 s: the test is about how the failure is reported
    backend.driver = GraphDatabase.driver(
        cfg.address, connection_timeout=2, max_transaction_retry_time=0
    )
    try:
        with pytest.raises(StoreError, match="Neo4j"):
            backend.delete_graph()
    finally:
        backend.close()
