"""The FalkorDB bulk load (``GRAPH.BULK``) against a real server: it stores exactly what
the UNWIND path stores, its requests stay bounded, and no failure leaves a half graph
under the graph's name."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import numpy as np
import pytest

from graph.network import Network
from graph.store import StoreError, open_store
from graph.store.falkor_bulk import _column, _table, plan, value
from graph.store.repository import GraphStore
from loaders.ledger import read_ledger
from tests.conftest import ROOT
from tests.ledgers import network_tables

SMALL = ROOT / "tests" / "fixtures" / "small"


def assert_nothing_left(store: GraphStore) -> None:
    """A refused or interrupted bulk load left neither a graph nor a staging graph."""
    assert not store.backend.exists()
    assert store.backend.staging_keys() == []


class Interrupt(Exception):
    """Raised from the batch hook: a load stopped between two bulk requests."""


@pytest.fixture
def stores(falkor_server) -> Iterator[tuple[GraphStore, GraphStore]]:
    """Two fresh graphs on the session server, dropped afterwards."""
    opened = [
        open_store(falkor_server.uri, graph=f"bulk_{uuid.uuid4().hex[:10]}") for _ in range(2)
    ]
    yield opened[0], opened[1]
    for store in opened:
        store.delete()
        store.close()


def dump(store: GraphStore) -> dict[str, list[str]]:
    """Everything a graph holds, in a comparable form: every node with its labels and
    properties, every relationship with its ends, type and properties, the load marker's
    properties (timestamps and load id left out), indexes and constraints."""
    nodes = store.query(
        "MATCH (n) WHERE NOT n:GovnetMeta RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels = store.query(
        "MATCH (a)-[r]->(b) RETURN a.id AS s, b.id AS t, type(r) AS type, properties(r) AS props"
    )
    meta = store.query("MATCH (m:GovnetMeta) RETURN properties(m) AS props")["props"]
    indexes = store.query("CALL db.indexes() YIELD label, properties, types")
    constraints = store.query("CALL db.constraints()")
    return {
        "nodes": sorted(
            repr((sorted(r.labels), sorted(r.props.items()))) for r in nodes.itertuples()
        ),
        "rels": sorted(
            repr((r.s, r.t, r.type, sorted(r.props.items()))) for r in rels.itertuples()
        ),
        "meta": [
            repr(sorted((k, v) for k, v in p.items() if not k.endswith("_at") and k != "load_id"))
            for p in meta
        ],
        "meta_keys": [repr(sorted(p)) for p in meta],
        "indexes": sorted(repr(list(r)) for r in indexes.itertuples(index=False)),
        "constraints": sorted(repr(list(r)) for r in constraints.itertuples(index=False)),
    }


def test_bulk_and_unwind_store_the_same_graph(stores: tuple[GraphStore, GraphStore]) -> None:
    bulk, unwind = stores
    net = read_ledger(SMALL)
    bulk.bulk_entities = 7  # several requests, a label and a type cut between two
    assert bulk.write(net).statements > 3
    unwind.write(net, bulk=False)
    a, b = dump(bulk), dump(unwind)
    assert len(a["nodes"]) == net.graph.number_of_nodes()
    assert len(a["rels"]) == net.graph.number_of_edges()
    assert len(a["constraints"]) == 6 and "OPERATIONAL" in a["constraints"][0]
    assert a == b
    assert bulk.read().equals(net)
    assert bulk.read().equals(unwind.read())


def test_bulk_from_tables_stores_what_the_graph_holds(
    stores: tuple[GraphStore, GraphStore],
) -> None:
    """The bulk path encodes the tables, the UNWIND path walks ``Network.graph``: the same
    graph either way for a timestamp with a time of day, a duplicate link (edge key #1),
    an extra conditions column and missing optional values."""
    bulk, unwind = stores
    net = Network(network_tables())
    bulk.write(net)
    unwind.write(net, bulk=False)
    a, b = dump(bulk), dump(unwind)
    assert len(a["rels"]) == net.graph.number_of_edges()
    assert any("2024-01-02T09:30:00" in n for n in a["nodes"])
    assert any("LEADS#1" in r for r in a["rels"])
    assert a == b


def test_requests_stay_within_their_bounds(falkor_server) -> None:
    net = read_ledger(SMALL)
    g = net.graph
    requests = plan(net.tables, max_bytes=600, max_entities=9)
    assert len(requests) > 5
    assert all(r.nodes + r.edges <= 9 for r in requests)
    # a request's bytes: its rows plus one header per token (600 unless one row is bigger)
    assert all(sum(map(len, r.node_tokens + r.edge_tokens)) <= 600 for r in requests)
    assert sum(r.nodes for r in requests) == g.number_of_nodes()
    assert sum(r.edges for r in requests) == g.number_of_edges()
    # every node before any relationship
    firsts = [i for i, r in enumerate(requests) if r.edges]
    assert all(not r.nodes for r in requests[firsts[0] + 1 :])


def test_an_interrupted_bulk_load_leaves_no_graph(stores) -> None:
    store, _ = stores
    store.bulk_entities = 5
    calls = []

    def crash_after_two(rows: int) -> None:
        calls.append(rows)
        if len(calls) == 2:
            assert store.backend.staging_keys()  # the bulk load is under way, aside
            raise Interrupt

    with pytest.raises(Interrupt):
        store.write(read_ledger(SMALL), on_batch=crash_after_two)
    assert_nothing_left(store)


def test_an_interrupted_bulk_replace_keeps_the_old_graph(stores) -> None:
    store, _ = stores
    old = Network(network_tables())
    store.write(old)
    store.bulk_entities = 5

    def crash(_rows: int) -> None:
        raise Interrupt

    with pytest.raises(Interrupt):
        store.write(read_ledger(SMALL), replace=True, on_batch=crash)
    assert store.read().equals(old)
    assert store.backend.staging_keys() == []


def test_a_graph_created_meanwhile_is_never_overwritten(stores, falkor_server) -> None:
    store, _ = stores
    other = Network(network_tables())
    net = read_ledger(SMALL)
    created = []

    def someone_else_loads(_rows: int) -> None:
        if not created:
            with open_store(falkor_server.uri, graph=store.cfg.graph) as rival:
                rival.write(other, bulk=False)
            created.append(True)

    with pytest.raises(StoreError, match="created by someone else"):
        store.write(net, on_batch=someone_else_loads)
    assert store.read().equals(other)
    assert store.backend.staging_keys() == []


def test_a_value_the_format_cannot_carry_is_refused_before_any_write(stores) -> None:
    store, _ = stores
    tables = network_tables()
    people = tables["people"].copy()
    people.loc[people.index[0], "roles"] = "volunteer\x00x"
    tables["people"] = people
    bad = people.loc[people.index[0], "id"]
    with pytest.raises(StoreError, match=f"node '?{bad}'?: property 'roles' holds a NUL"):
        store.write(Network(tables))
    assert_nothing_left(store)


def test_bulk_needs_a_new_graph_or_replace(stores) -> None:
    store, _ = stores
    net = Network(network_tables())
    store.write(net)
    with pytest.raises(StoreError, match="exists: a bulk load builds a new graph"):
        store.write(net, bulk=True)
    summary = store.write(net, replace=True, bulk=True)
    assert summary.replaced and store.read().equals(net)


def test_a_fixed_batch_size_selects_the_statement_path(
    falkor_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GOVNET_DB_BATCH asks for UNWIND statements of that many rows, committed one by one
    (what the database-fault tests kill halfway); a bulk load would ignore it."""
    monkeypatch.setenv("GOVNET_DB_BATCH", "4")
    net = Network(network_tables())
    seen = []
    with open_store(falkor_server.uri, graph=f"bulk_{uuid.uuid4().hex[:10]}") as store:
        store.write(net, on_batch=seen.append)
        try:
            assert max(seen) <= 4
            assert store.read().equals(net)
        finally:
            store.delete()


def test_the_bulk_reply_counts_are_checked(stores) -> None:
    """A request whose rows do not match its declared counts is caught by the count check
    (the server's reply only echoes the declared numbers)."""
    store, _ = stores
    net = read_ledger(SMALL)
    requests = plan(net.tables, 10**6, 10**6)
    assert len(requests) == 1
    requests[0].edge_tokens.pop()  # one type's relationships declared, never sent
    backend = store.backend
    with pytest.raises(StoreError, match="expected"):
        backend.bulk_load([], requests, [], replace=False, on_batch=None)
    assert_nothing_left(store)


COLUMNS = [
    ["a", "社区", "", "x" * 300],
    ["a", None, "é", None],
    [1, None, -(2**63), 2**63 - 1],
    [0.5, None, -1e300, float("nan")],
    [True, None, False, True],
    [None, None, None, None],
    [1, 2.5, "x", None],
    [[1, 2], None, ["a", 3.0], []],
]


@pytest.mark.parametrize("values", COLUMNS, ids=range(len(COLUMNS)))
def test_a_column_encodes_as_its_values_one_by_one(values: list) -> None:
    """The whole-column encoding lays out exactly the bytes of the per-value encoder,
    interleaved with another column row by row, and knows which rows have a value."""
    ids = [f"n{i}" for i in range(len(values))]
    encoded = _table({"id": ids, "v": values}, str, "node")
    assert encoded.present[:, 1].tolist() == [v is not None for v in values]
    group = encoded.group("N", np.arange(len(values)), first=2)
    data, ends = group.data, group.ends
    expected = [value(i) + value(v) for i, v in zip(ids, values, strict=True)]
    starts = [0, *ends[:-1].tolist()]
    assert [data[a:b] for a, b in zip(starts, ends.tolist(), strict=True)] == expected


@pytest.mark.parametrize(
    ("values", "problem"),
    [(["a", "b\x00c"], "NUL"), ([1, 2**63], "beyond 64 bits"), (["a", "\ud800"], "surrogates")],
)
def test_a_column_refuses_what_the_format_cannot_carry(values: list, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        _column(values)
