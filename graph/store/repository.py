"""One repository layer: a ``Network`` into a Cypher graph database and back.

Writes are portable openCypher: batched ``UNWIND $rows AS row MERGE (n:Label {id: row.id})
SET n = row.props`` per (label, kind label), and relationships merged on (source id, target
id, type, ``key``) where ``key`` is the NetworkX edge key, so loading the same ledger twice
changes nothing. Labels and relationship types cannot be Cypher parameters: only names
checked against ``graph.schema`` are ever put into query text; every value is a parameter.

A ``:GovnetMeta {id: 'load'}`` node records the load: ``complete = false`` before the first
batch, ``true`` after the last. ``read()`` refuses a graph whose load never finished, and
a re-run of the same load completes it (every statement is an idempotent MERGE).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from graph.network import Network, second_label
from graph.schema import (
    KIND_LABELS,
    LABELS,
    ORG_KINDS,
    PLACE_KINDS,
    REL_TYPES,
    RESOURCE_KINDS,
    pascal,
)
from graph.store.backend import META_LABEL, Backend, OnBatch, Statement, rows_count
from graph.store.config import DbConfig, resolve
from graph.store.errors import IncompleteLoadError, StoreError
from graph.store.readonly import check_read_only

META_ID = "load"
NODE_BATCH = 5000
EDGE_BATCH = 5000

# Every kind label of a main label: a node's stale kind label is removed when its kind changes.
KIND_LABELS_OF: dict[str, tuple[str, ...]] = {
    "Place": tuple(pascal(k) for k in PLACE_KINDS),
    "Organization": tuple(pascal(k) for k in ORG_KINDS),
    "Resource": tuple(pascal(k) for k in RESOURCE_KINDS),
}
# schema.KIND_LABELS covers place and organization kinds; resources carry a kind label too.
KIND_NAMES: frozenset[str] = frozenset(KIND_LABELS).union(*KIND_LABELS_OF.values())


def _label(name: str) -> str:
    """A main label, checked against the schema before it goes into query text."""
    if name not in LABELS:
        raise StoreError(f"not a govnet label: {name!r}")
    return name


def _kind_label(name: str) -> str:
    if name not in KIND_NAMES:
        raise StoreError(f"not a govnet kind label: {name!r}")
    return name


def _rel_type(name: str) -> str:
    if name not in REL_TYPES:
        raise StoreError(f"not a govnet relationship type: {name!r}")
    return name


def _batches(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def node_statements(g: nx.MultiDiGraph, batch: int = NODE_BATCH) -> list[Statement]:
    """MERGE statements for every node, grouped by main label and kind label."""
    groups: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    for nid, attrs in g.nodes(data=True):
        label, kind = attrs["label"], attrs["kind"]
        props = {k: v for k, v in attrs.items() if k != "label"}
        props["id"] = nid
        groups[(label, second_label(label, kind))].append({"id": nid, "props": props})
    out: list[Statement] = []
    for (label, kind_label), rows in sorted(groups.items(), key=lambda kv: str(kv[0])):
        text = f"UNWIND $rows AS row MERGE (n:{_label(label)} {{id: row.id}}) SET n = row.props"
        if kind_label:
            others = [_kind_label(k) for k in KIND_LABELS_OF[label] if k != kind_label]
            text += f" REMOVE n:{':'.join(others)} SET n:{_kind_label(kind_label)}"
        out.extend((text, {"rows": chunk}) for chunk in _batches(rows, batch))
    return out


def edge_statements(g: nx.MultiDiGraph, batch: int = EDGE_BATCH) -> list[Statement]:
    """MERGE statements for every edge, keyed on (source, target, type, edge key)."""
    labels = {nid: attrs["label"] for nid, attrs in g.nodes(data=True)}
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for u, v, key, attrs in g.edges(keys=True, data=True):
        props = {k: val for k, val in attrs.items() if k != "type"}
        props["key"] = key
        groups[(attrs["type"], labels[u], labels[v])].append({"s": u, "t": v, "props": props})
    out: list[Statement] = []
    for (type_, a, b), rows in sorted(groups.items()):
        text = (
            f"UNWIND $rows AS row MATCH (a:{_label(a)} {{id: row.s}}) "
            f"MATCH (b:{_label(b)} {{id: row.t}}) "
            f"MERGE (a)-[r:{_rel_type(type_)} {{key: row.props.key}}]->(b) SET r = row.props"
        )
        out.extend((text, {"rows": chunk}) for chunk in _batches(rows, batch))
    return out


@dataclass(frozen=True)
class LoadSummary:
    """What a ``write`` did, for the CLI to report."""

    nodes: int
    relationships: int
    statements: int
    replaced: bool
    resumed: bool


class GraphStore:
    """A govnet district in one graph database: write, read back, query read-only."""

    def __init__(self, backend: Backend, cfg: DbConfig) -> None:
        self.backend = backend
        self.cfg = cfg
        self.node_batch = NODE_BATCH
        self.edge_batch = EDGE_BATCH

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GraphStore({self.cfg.safe_uri})"

    # -- writing -------------------------------------------------------------------------
    def statements(self, network: Network) -> list[Statement]:
        """Every statement of one load, meta marker first and last."""
        g = network.graph
        start = (
            f"MERGE (m:{META_LABEL} {{id: $id}}) SET m.complete = false, "
            "m.started_at = timestamp(), m.nodes = $nodes, m.relationships = $relationships",
            {"id": META_ID, "nodes": g.number_of_nodes(), "relationships": g.number_of_edges()},
        )
        finish = (
            f"MATCH (m:{META_LABEL} {{id: $id}}) SET m.complete = true, "
            "m.finished_at = timestamp()",
            {"id": META_ID},
        )
        return [
            start,
            *node_statements(g, self.node_batch),
            *edge_statements(g, self.edge_batch),
            finish,
        ]

    def write(
        self,
        network: Network,
        replace: bool = False,
        progress: bool = False,
        on_batch: OnBatch | None = None,
    ) -> LoadSummary:
        """Load a network; ``replace`` swaps the whole graph only once the load is complete.

        ``on_batch(rows)`` is called after each committed statement (progress bars, and the
        hook tests use to interrupt a load halfway).
        """
        before = None if replace else self.status()
        resumed = before is not None and not before["complete"]
        stmts = self.statements(network)
        callback = on_batch
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=sum(rows_count(p) for _, p in stmts), unit="rows", desc="load")

            def callback(rows: int) -> None:
                bar.update(rows)
                if on_batch:
                    on_batch(rows)

        labels = [*LABELS, META_LABEL]
        try:
            self.backend.load(labels, stmts, replace=replace, on_batch=callback)
        finally:
            if bar is not None:
                bar.close()
        g = network.graph
        return LoadSummary(g.number_of_nodes(), g.number_of_edges(), len(stmts), replace, resumed)

    # -- reading -------------------------------------------------------------------------
    def status(self) -> dict[str, Any] | None:
        """The load marker (``complete``, ``nodes``, ``relationships``), None if never loaded."""
        if not self.backend.exists():
            return None
        cols, rows = self.backend.read(
            f"MATCH (m:{META_LABEL} {{id: $id}}) RETURN m.complete, m.nodes, m.relationships",
            {"id": META_ID},
        )
        if not rows:
            return None
        complete, nodes, rels = rows[0]
        return {"complete": bool(complete), "nodes": nodes, "relationships": rels}

    def read_graph(self) -> nx.MultiDiGraph:
        """The stored district as the MultiDiGraph ``Network.from_graph`` takes."""
        status = self.status()
        if status is not None and not status["complete"]:
            raise IncompleteLoadError(
                f"graph {self.cfg.graph!r} holds a load that did not finish; "
                "run the same `govnet load` again to complete it"
            )
        g = nx.MultiDiGraph()
        if not self.backend.exists():
            return g
        for label in LABELS:
            _, rows = self.backend.read(f"MATCH (n:{_label(label)}) RETURN properties(n)", {})
            g.add_nodes_from((p.pop("id"), {"label": label, **p}) for (p,) in rows)
        for type_ in REL_TYPES:
            _, rows = self.backend.read(
                f"MATCH (a)-[r:{_rel_type(type_)}]->(b) RETURN a.id, b.id, properties(r)", {}
            )
            g.add_edges_from((s, t, p.pop("key"), {"type": type_, **p}) for s, t, p in rows)
        return g

    def read(self) -> Network:
        """The stored district as a ``Network`` (equal to the one written)."""
        return Network.from_graph(self.read_graph())

    def query(self, cypher: str, **params: Any) -> pd.DataFrame:
        """Run a read-only Cypher query; one row per result, nodes/relationships as dicts."""
        check_read_only(cypher)
        columns, rows = self.backend.read(cypher, params, plain_values=True)
        return pd.DataFrame(rows, columns=columns)

    # -- housekeeping --------------------------------------------------------------------
    def delete(self) -> None:
        """Remove the stored district."""
        self.backend.delete_graph()

    def close(self) -> None:
        self.backend.close()


def _backend(cfg: DbConfig) -> Backend:
    if cfg.backend == "falkor":
        from graph.store.falkor import FalkorBackend

        return FalkorBackend(cfg)
    from graph.store.neo4j_backend import Neo4jBackend

    return Neo4jBackend(cfg)


def open_store(
    uri: str | None = None,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> GraphStore:
    """Connect to the database a URI names (or the configured one); see ``config.resolve``."""
    cfg = resolve(uri, graph, user, password)
    return GraphStore(_backend(cfg), cfg)


def query(
    cypher: str, uri: str | None = None, graph: str | None = None, **params: Any
) -> pd.DataFrame:
    """Read-only query against the configured database (env / config file when no URI)."""
    with open_store(uri, graph) as store:
        return store.query(cypher, **params)
