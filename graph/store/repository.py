"""One repository layer: a ``Network`` into a Cypher graph database and back.

Writes are portable openCypher: batched ``UNWIND $rows AS row MERGE (n:Label:Kind {id:
row.id}) SET n = row.props`` per (label, kind label), and relationships merged on (source
id, target id, type, ``key``) where ``key`` is the NetworkX edge key, so loading the same
ledger twice changes nothing. Into an empty graph the same batches use CREATE (faster).
Labels and relationship types cannot be Cypher parameters: only names checked against
``graph.schema`` are ever put into query text; every value is a parameter.

A first load into a new graph, and a ``replace``, go through the database's bulk insert
when it has one (FalkorDB ``GRAPH.BULK``, ``falkor_bulk``): the same nodes, labels,
properties and relationships, several times faster, built aside and moved in whole. The
UNWIND path stays for loads into an existing graph (incremental, resumable).

A load makes the graph equal to the ledger: before the batches, a sync pass deletes nodes
and relationships the ledger no longer has and swaps kind labels that changed. It commits
batch by batch, so readers may see it half done; ``replace=True`` builds the new graph
aside and swaps it in whole (see the backends).

A ``:GovnetMeta {id: 'load'}`` node records the load: ``complete = false`` and a fresh
``load_id`` before the first batch, ``complete = true`` after the last. ``read()`` refuses
a graph whose load never finished, and re-running the same load completes it. Reads are
several queries; they start over when ``load_id`` changed meanwhile (a ``--replace``).
"""

from __future__ import annotations

import contextlib
import gc
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph import config
from graph.network import NODE_KIND_COLUMN, Network, second_label
from graph.schema import (
    IMPLICIT_EDGES,
    LABEL_TABLE,
    LABELS,
    LINK_RULES,
    LINK_TYPES,
    REL_TYPES,
    TABLES,
)
from graph.store.backend import META_ID, META_LABEL, Backend, OnBatch, Statement, rows_count
from graph.store.config import DbConfig, resolve
from graph.store.errors import IncompleteLoadError, StoreError
from graph.store.names import KIND_NAMES, labels_pattern, safe_kind, safe_label, safe_type
from graph.store.readonly import check_read_only

READ_ATTEMPTS = 5
READ_THREADS = 3
NODE_BATCH = 5000
EDGE_BATCH = 5000
BULK_BYTES = 16_000_000  # per GRAPH.BULK request: far below Redis' 512 MB argument limit
BULK_ENTITIES = 200_000


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small containers are made:
    each full collection walks every object of a large graph, and they come often."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batches(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def node_statements(
    g: nx.MultiDiGraph, batch: int = NODE_BATCH, fresh: bool = False
) -> list[Statement]:
    """MERGE statements for every node, grouped by main label and kind label.

    Both labels are in the MERGE pattern: setting a label after the MERGE is an order of
    magnitude slower on FalkorDB. A node whose kind changed is relabelled beforehand by
    ``sync_statements``, so the pattern always finds it.
    """
    groups: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    for nid, attrs in g.nodes(data=True):
        label, kind = attrs["label"], attrs["kind"]
        props = {k: v for k, v in attrs.items() if k != "label"}
        props["id"] = nid
        groups[(label, second_label(label, kind))].append({"id": nid, "props": props})
    out: list[Statement] = []
    for (label, kind_label), rows in sorted(groups.items(), key=lambda kv: str(kv[0])):
        text = (
            f"UNWIND $rows AS row CREATE (n:{labels_pattern(label, kind_label)}) SET n = row.props"
            if fresh
            else f"UNWIND $rows AS row MERGE (n:{labels_pattern(label, kind_label)} "
            "{id: row.id}) SET n = row.props"
        )
        out.extend((text, {"rows": chunk}) for chunk in _batches(rows, batch))
    return out


EdgeKey = tuple[str, str, str, str]  # source id, target id, type, key


def sync_statements(
    g: nx.MultiDiGraph,
    nodes: dict[str, tuple[str, str | None]],
    edges: set[EdgeKey],
    batch: int = NODE_BATCH,
) -> list[Statement]:
    """Make a stored graph (``nodes``: id → (label, kind); ``edges``) ready to take ``g``.

    Nodes and relationships no longer in the ledger are deleted, a node that moved to
    another table is deleted (and created anew), a node whose kind changed swaps its kind
    label. Afterwards the stored graph is a subset of ``g`` and the MERGE batches finish it.
    """
    gone: dict[str, list[str]] = defaultdict(list)
    relabel: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for nid, (label, kind) in nodes.items():
        new = g.nodes.get(nid)
        if new is None or new["label"] != label:
            gone[label].append(nid)
        elif new["kind"] != kind:
            old = second_label(label, kind) if kind else None
            old = old if old in KIND_NAMES else None
            relabel[(label, old or "", second_label(label, new["kind"]) or "")].append(nid)
    stale: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for s, t, type_, key in edges:
        if s in nodes and t in nodes and not g.has_edge(s, t, key):
            stale[(type_, nodes[s][0], nodes[t][0])].append({"s": s, "t": t, "k": key})
    out: list[Statement] = []
    for (type_, a, b), rows in sorted(stale.items()):
        text = (
            f"UNWIND $rows AS row MATCH (a:{safe_label(a)} {{id: row.s}})"
            f"-[r:{safe_type(type_)} {{key: row.k}}]->(b:{safe_label(b)} {{id: row.t}}) DELETE r"
        )
        out.extend((text, {"rows": chunk}) for chunk in _batches(rows, batch))
    for label, ids in sorted(gone.items()):
        text = f"UNWIND $rows AS id MATCH (n:{safe_label(label)} {{id: id}}) DETACH DELETE n"
        out.extend((text, {"rows": chunk}) for chunk in _batches(ids, batch))
    for (label, old, new), ids in sorted(relabel.items()):
        text = f"UNWIND $rows AS id MATCH (n:{safe_label(label)} {{id: id}})"
        if old:
            text += f" REMOVE n:{safe_kind(old)}"
        if new:
            text += f" SET n:{safe_kind(new)}"
        out.extend((text, {"rows": chunk}) for chunk in _batches(ids, batch))
    return out


def edge_statements(
    g: nx.MultiDiGraph, batch: int = EDGE_BATCH, fresh: bool = False
) -> list[Statement]:
    """MERGE statements for every edge, keyed on (source, target, type, edge key).

    ``fresh``: the graph held no govnet node when the load began, so plain CREATE is safe
    (and about twice as fast); a re-run after a crash finds nodes and merges again.
    """
    labels = {nid: attrs["label"] for nid, attrs in g.nodes(data=True)}
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for u, v, key, attrs in g.edges(keys=True, data=True):
        props = {k: val for k, val in attrs.items() if k != "type"}
        props["key"] = key
        groups[(attrs["type"], labels[u], labels[v])].append({"s": u, "t": v, "props": props})
    out: list[Statement] = []
    for (type_, a, b), rows in sorted(groups.items()):
        text = (
            f"UNWIND $rows AS row MATCH (a:{safe_label(a)} {{id: row.s}}) "
            f"MATCH (b:{safe_label(b)} {{id: row.t}}) "
            + (
                f"CREATE (a)-[r:{safe_type(type_)}]->(b) SET r = row.props"
                if fresh
                else f"MERGE (a)-[r:{safe_type(type_)} {{key: row.props.key}}]->(b) "
                "SET r = row.props"
            )
        )
        out.extend((text, {"rows": chunk}) for chunk in _batches(rows, batch))
    return out


PropertyTypes = list[tuple[str, str]]
_READ_TYPES = {"int": "int", "float": "float", "bool": "bool"}


def node_properties(label: str) -> PropertyTypes:
    """The properties a node of ``label`` may carry, with their types, from the schema."""
    table = LABEL_TABLE[label]
    refs = {col for (t, col) in IMPLICIT_EDGES if t == table}
    props = [
        (c.key, _READ_TYPES.get(c.type, "str"))
        for c in TABLES[table].columns
        if c.key != "id" and c.key not in refs
    ]
    if "kind" not in {name for name, _ in props}:
        props.append(("kind", "str"))
    if table == "places":
        props.append(("conditions", "str"))  # yearly conditions as one JSON string
    return props


def edge_properties(type_: str) -> PropertyTypes:
    """The properties besides ``key`` a relationship of ``type_`` may carry."""
    if type_ not in LINK_TYPES:
        return []
    fixed = {"source_id", "target_id", "type"}
    return [
        (c.key, _READ_TYPES.get(c.type, "str"))
        for c in TABLES["links"].columns
        if c.key not in fixed
    ]


def _columns(rows: list[list], width: int) -> list[tuple]:
    """A reply's rows as columns (``width`` of them, empty when there are no rows)."""
    return list(zip(*rows, strict=True)) if rows else [()] * width


def _text(values: Sequence[str | None]) -> pd.api.extensions.ExtensionArray:
    """Text values as the ledger's string column, through Arrow directly (pandas' own
    conversion of a list checks and copies every value first: twice as slow)."""
    return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()))


def _node_table(table: str, props: PropertyTypes, rows: list[list]) -> pd.DataFrame:
    """The rows of one label (decoded by ``read_typed``) as its table's columns, as
    ``graph_to_tables`` makes them; yearly conditions stay in a ``conditions`` column of
    JSON text."""
    ids, *values = _columns(rows, 1 + len(props))
    data: dict[str, Any] = {"id": _text(ids)}
    for (name, type_), column in zip(props, values, strict=True):
        if name == "kind" and table not in NODE_KIND_COLUMN:
            continue  # people and matters: the label's own kind, no column
        key = NODE_KIND_COLUMN.get(table, name) if name == "kind" else name
        data[key] = _text(column) if type_ == "str" else column
    return pd.DataFrame(data)


def _conditions(places: pd.DataFrame) -> pd.DataFrame:
    """The conditions table from the places' JSON ``conditions`` property."""
    held = places.loc[places["conditions"].notna(), ["id", "conditions"]]
    rows = [
        {"place_id": nid, "year": int(year), **values}
        for nid, text in zip(held["id"], held["conditions"], strict=True)
        for year, values in json.loads(text).items()
    ]
    return pd.DataFrame(rows)


def _references(ids: pd.Series, owners: pa.Array, targets: pa.Array) -> pd.Series:
    """Each id's target among (owner, target) pairs, the last pair of an owner winning
    (one Arrow hash lookup, not a pandas index checked for uniqueness)."""
    last_first = pa.array(np.arange(len(owners) - 1, -1, -1))
    at = pc.index_in(pa.array(ids.array), value_set=owners.take(last_first))
    found = targets.take(last_first).take(at)
    return pd.Series(pd.arrays.ArrowStringArray(found), index=ids.index)


# One read's relationships as columns: the two ends as Arrow text, then a link's properties.
Part = tuple[pa.Array, pa.Array, *tuple[tuple, ...]]


def _part(rows: list[list], width: int) -> Part:
    """A relationship read's rows as columns, made as each reply comes in."""
    sources, targets, *props = _columns(rows, width)
    return pa.array(sources, pa.large_string()), pa.array(targets, pa.large_string()), *props


def _tables(
    frames: dict[str, pd.DataFrame], edges: dict[str, list[Part]]
) -> dict[str, pd.DataFrame]:
    """The ledger tables from each label's node table (``_node_table``) and the
    relationships of each type: the inverse of ``Network.graph``, column by column instead
    of node by node. Types govnet does not know are dropped."""
    tables = {LABEL_TABLE[label]: df for label, df in frames.items()}
    places = tables["places"]
    tables["conditions"] = _conditions(places)
    tables["places"] = places.drop(columns="conditions")
    ends = {
        type_: tuple(pa.concat_arrays([p[j] for p in parts]) for j in (0, 1))
        for type_, parts in edges.items()
        if parts
    }
    nothing = pa.array([], pa.large_string())
    for (table, col), (type_, direction) in IMPLICIT_EDGES.items():
        sources, targets = ends.get(type_, (nothing, nothing))
        owner, target = (sources, targets)[:: 1 if direction == "out" else -1]
        df = tables[table]
        df[col] = _references(df["id"], owner, target)
    link_props = edge_properties(next(iter(LINK_TYPES)))
    types = [t for t in LINK_TYPES if t in ends]
    parts = [p for t in types for p in edges[t]]
    data = {
        "source_id": pd.arrays.ArrowStringArray(
            pa.concat_arrays([ends[t][0] for t in types] or [nothing])
        ),
        "target_id": pd.arrays.ArrowStringArray(
            pa.concat_arrays([ends[t][1] for t in types] or [nothing])
        ),
        "type": _text(np.repeat(types, [len(ends[t][0]) for t in types])),
    }
    for j, (name, _type) in enumerate(link_props, start=2):
        data[name] = (
            np.concatenate([np.array(p[j], dtype=object) for p in parts])
            if parts
            else np.array([], dtype=object)
        )
    tables["links"] = pd.DataFrame(data)
    return tables


STATUS_QUERY = (
    f"MATCH (m:{META_LABEL} {{id: $id}}) RETURN m.complete, m.nodes, m.relationships, m.load_id"
)


def marker_statements(g: nx.MultiDiGraph) -> tuple[Statement, Statement]:
    """The load marker's first statement (incomplete, fresh ``load_id``) and its last."""
    return load_marker(g.number_of_nodes(), g.number_of_edges())


def load_marker(nodes: int, relationships: int) -> tuple[Statement, Statement]:
    """The load marker's statements for a load of so many nodes and relationships."""
    start = (
        f"MERGE (m:{META_LABEL} {{id: $id}}) SET m.complete = false, "
        "m.started_at = timestamp(), m.load_id = $load_id, m.nodes = $nodes, "
        "m.relationships = $relationships",
        {
            "id": META_ID,
            "load_id": uuid.uuid4().hex,
            "nodes": nodes,
            "relationships": relationships,
        },
    )
    finish = (
        f"MATCH (m:{META_LABEL} {{id: $id}}) SET m.complete = true, m.finished_at = timestamp()",
        {"id": META_ID},
    )
    return start, finish


def stored_nodes_query(label: str) -> str:
    """Ids and kinds of the stored nodes of one label (what a load syncs against)."""
    return f"MATCH (n:{safe_label(label)}) RETURN n.id, n.kind"


def stored_edges_query(type_: str) -> str:
    """Ends and keys of the stored relationships of one type."""
    return f"MATCH (a)-[r:{safe_type(type_)}]->(b) RETURN a.id, b.id, r.key"


Read = tuple[str, list[str]]  # a whole-table read: its Cypher and its columns' types


def node_reads() -> list[Read]:
    """One read per label, in schema order (as ``_tables`` takes them)."""
    return [
        (
            f"MATCH (n:{safe_label(label)}) RETURN n.id"
            + "".join(f", n.{name}" for name, _ in props),
            ["str", *(t for _, t in props)],
        )
        for label, props in ((label, node_properties(label)) for label in LABELS)
    ]


def _start_labels(type_: str) -> list[tuple[str, str]]:
    """Where the reads of ``type_`` start: (label, end) pairs, ``end`` being "a" (the
    source has the label) or "b" (the target has it)."""
    if type_ in LINK_RULES:
        return [(label, "a") for label in dict.fromkeys(e.label for e in LINK_RULES[type_].sources)]
    return [
        (TABLES[table].label, "a" if direction == "out" else "b")
        for (table, _col), (t, direction) in IMPLICIT_EDGES.items()
        if t == type_
    ]


def edge_reads() -> list[tuple[str, Read]]:
    """The relationships, one read per type and label its schema rule starts from (a link's
    source labels; a reference column's table): (type, read). Rows: ends, then a link's
    properties.

    A pattern with a labelled end scans that label only, and a typed one reads no type: on
    the city 7 s of server CPU against 10 s for one untyped ``MATCH (a)-[r]->(b)``, and a
    third less to parse; the reads also spread over the client's threads. A typed pattern
    with unlabelled ends would scan every node once per type (15 s).
    """
    out = []
    for type_ in REL_TYPES:
        props = "".join(f", r.{name}" for name, _ in edge_properties(type_))
        types = ["str", "str", *(t for _, t in edge_properties(type_))]
        for label, end in _start_labels(type_):
            a = f"a:{safe_label(label)}" if end == "a" else "a"
            b = f"b:{safe_label(label)}" if end == "b" else "b"
            cypher = f"MATCH ({a})-[r:{safe_type(type_)}]->({b}) RETURN a.id, b.id{props}"
            out.append((type_, (cypher, types)))
    return out


def untyped_edge_read() -> Read:
    """Every relationship in one read, each row naming its type: for a graph whose
    relationships the schema's reads do not all find (edited outside govnet)."""
    props = edge_properties(next(iter(LINK_TYPES)))
    return (
        "MATCH (a)-[r]->(b) RETURN a.id, b.id, type(r)"
        + "".join(f", r.{name}" for name, _ in props),
        ["str", "str", "str", *(t for _, t in props)],
    )


# The graph's relationships, counted (the load marker has none): what the reads must find.
RELATIONSHIPS_COUNT: Read = ("MATCH ()-[r]->() RETURN count(r)", ["int"])


def read_queries() -> list[Read]:
    """Every read ``read()`` may run (the Cypher front end checks them all)."""
    return [
        *node_reads(),
        *(read for _, read in edge_reads()),
        RELATIONSHIPS_COUNT,
        untyped_edge_read(),
    ]


def by_type(rows: list[list]) -> dict[str, list[list]]:
    """The untyped read's rows by type, without the type column; for a type that is not a
    link, just the ends (as ``edge_reads`` gives them)."""
    out: dict[str, list[list]] = defaultdict(list)
    for s, t, type_, *props in rows:
        out[type_].append([s, t, *props] if type_ in LINK_TYPES else [s, t])
    return out


@dataclass(frozen=True)
class LoadSummary:
    """What a ``write`` did, for the CLI to report."""

    nodes: int
    relationships: int
    statements: int
    replaced: bool
    resumed: bool  # the graph held an interrupted load, now completed
    merged: bool  # the graph already held a complete load: rows were added or updated


class GraphStore:
    """A govnet district in one graph database: write, read back, query read-only."""

    def __init__(self, backend: Backend, cfg: DbConfig) -> None:
        self.backend = backend
        self.cfg = cfg
        batch = config.get("db.batch")  # a positive int or None (ConfigError otherwise)
        self.node_batch = batch or NODE_BATCH
        self.edge_batch = batch or EDGE_BATCH
        # A fixed batch size asks for the statement path, committed batch by batch.
        self.bulk = batch is None
        self.bulk_bytes = BULK_BYTES
        self.bulk_entities = BULK_ENTITIES

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GraphStore({self.cfg.safe_uri})"

    # -- writing -------------------------------------------------------------------------
    def _stored(self) -> tuple[dict[str, tuple[str, str | None]], set[EdgeKey]]:
        """Ids with (label, kind) and edge keys already in the graph (for ``sync_statements``)."""
        nodes: dict[str, tuple[str, str | None]] = {}
        edges: set[EdgeKey] = set()
        if not self.backend.exists():
            return nodes, edges
        for label in LABELS:
            rows = self.backend.read_typed(stored_nodes_query(label), {}, ["str", "str"])
            nodes.update((nid, (label, kind)) for nid, kind in rows)
        for type_ in REL_TYPES:
            rows = self.backend.read_typed(stored_edges_query(type_), {}, ["str", "str", "str"])
            edges.update((s, t, type_, k) for s, t, k in rows)
        return nodes, edges

    def statements(self, network: Network, replace: bool = False) -> list[Statement]:
        """Every statement of one load: meta marker, sync, nodes, relationships, marker."""
        g = network.graph
        stored_nodes, stored_edges = ({}, set()) if replace else self._stored()
        fresh = not stored_nodes
        sync = sync_statements(g, stored_nodes, stored_edges, self.node_batch)
        start, finish = marker_statements(g)
        return [
            start,
            *sync,
            *node_statements(g, self.node_batch, fresh),
            *edge_statements(g, self.edge_batch, fresh),
            finish,
        ]

    def write(
        self,
        network: Network,
        replace: bool = False,
        progress: bool = False,
        on_batch: OnBatch | None = None,
        bulk: bool | None = None,
    ) -> LoadSummary:
        """Load a network; ``replace`` swaps the whole graph only once the load is complete.

        ``bulk``: build the graph with the database's bulk insert (FalkorDB ``GRAPH.BULK``),
        possible for a new graph or a ``replace``. By default it is used whenever possible,
        unless the ``db.batch`` setting fixes the rows per UNWIND statement. Otherwise the
        idempotent UNWIND/MERGE statements run one by one (incremental loads, resumable).
        ``on_batch(rows)`` is called after each committed statement or bulk request
        (progress bars, and the hook tests use to interrupt a load halfway).
        """
        if self._use_bulk(bulk, replace):
            from graph.store.falkor_bulk import counts, stream

            nodes, rels = counts(network.tables)
            with (
                paused_gc(),
                self._progress(progress, nodes + rels + 2, on_batch) as cb,
            ):
                sent = self.backend.bulk_load(
                    [*LABELS, META_LABEL],
                    stream(network.tables, self.bulk_bytes, self.bulk_entities),
                    load_marker(nodes, rels),
                    replace=replace,
                    on_batch=cb,
                )
            return LoadSummary(nodes, rels, sent + 2, replace, False, False)
        g = network.graph
        before = None if replace else self.status()
        resumed = before is not None and not before["complete"]
        merged = before is not None and before["complete"]
        stmts = self.statements(network, replace)
        with self._progress(progress, sum(rows_count(p) for _, p in stmts), on_batch) as cb:
            self.backend.load([*LABELS, META_LABEL], stmts, replace=replace, on_batch=cb)
        return LoadSummary(
            g.number_of_nodes(), g.number_of_edges(), len(stmts), replace, resumed, merged
        )

    def _use_bulk(self, bulk: bool | None, replace: bool) -> bool:
        able = hasattr(self.backend, "bulk_load")
        if bulk is None:
            return able and self.bulk and (replace or not self.backend.exists())
        if bulk and not able:
            raise StoreError(f"{self.backend.name} has no bulk insert; load without --bulk")
        if bulk and not replace and self.backend.exists():
            raise StoreError(
                f"graph {self.cfg.graph!r} exists: a bulk load builds a new graph "
                "(use --replace, or load without --bulk to merge into it)"
            )
        return bulk

    @contextlib.contextmanager
    def _progress(
        self, show: bool, total: int, on_batch: OnBatch | None
    ) -> Iterator[OnBatch | None]:
        """``on_batch``, plus a progress bar over ``total`` rows when ``show``."""
        if not show:
            yield on_batch
            return
        from tqdm import tqdm

        with tqdm(total=total, unit="rows", desc="load") as bar:

            def callback(rows: int) -> None:
                bar.update(rows)
                if on_batch:
                    on_batch(rows)

            yield callback

    # -- reading -------------------------------------------------------------------------
    def status(self) -> dict[str, Any] | None:
        """The load marker (``complete``, ``nodes``, ``relationships``), None if never loaded."""
        if not self.backend.exists():
            return None
        rows = self.backend.read_typed(STATUS_QUERY, {"id": META_ID}, ["bool", "int", "int", "str"])
        if not rows:
            return None
        complete, nodes, rels, load_id = rows[0]
        return {
            "complete": bool(complete),
            "nodes": nodes,
            "relationships": rels,
            "load_id": load_id,
        }

    def read(self) -> Network:
        """The stored district as a ``Network`` (equal to the one written).

        It takes several queries; when the load marker's ``load_id`` differs after them a
        ``--replace`` swapped the graph meanwhile, and the read starts over, so the result
        is always one whole load.
        """
        for _attempt in range(READ_ATTEMPTS):
            before = self.status()
            if before is not None and not before["complete"]:
                raise IncompleteLoadError(
                    f"graph {self.cfg.graph!r} holds a load that did not finish; "
                    "run the same `govnet load` again to complete it"
                )
            with paused_gc():
                network = Network(self._read_tables())
            if self.status() == before:
                return network
        raise StoreError("the graph kept changing while it was read; try again")

    def _read_tables(self) -> dict[str, pd.DataFrame]:
        """The ledger tables, built column by column from whole-table replies (no graph:
        making millions of NetworkX dicts was most of a read's time). When the schema's
        reads find fewer relationships than the graph holds (edited outside govnet), one
        untyped read takes them all instead."""
        if not self.backend.exists():
            return {}
        labels, edges = node_reads(), edge_reads()
        reads = [*labels, *(read for _, read in edges), RELATIONSHIPS_COUNT]
        frames: dict[str, pd.DataFrame] = {}
        found: dict[str, list[Part]] = defaultdict(list)
        # Fetched in parallel, each reply made into columns as it comes in: the server
        # works on some reads while the replies of others are parsed and converted.
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            fetches = {
                pool.submit(self.backend.read_typed, cypher, {}, types): i
                for i, (cypher, types) in enumerate(reads)
            }
            for fetched in as_completed(fetches):
                i, rows = fetches[fetched], fetched.result()
                if i < len(labels):
                    label = LABELS[i]
                    table = LABEL_TABLE[label]
                    frames[label] = _node_table(table, node_properties(label), rows)
                elif i < len(reads) - 1:
                    type_, (_cypher, types) = edges[i - len(labels)]
                    found[type_].append(_part(rows, len(types)))
                else:
                    [[relationships]] = rows
        if sum(len(p[0]) for parts in found.values() for p in parts) != relationships:
            cypher, types = untyped_edge_read()
            found = defaultdict(list)
            for type_, rows in by_type(self.backend.read_typed(cypher, {}, types)).items():
                found[type_].append(_part(rows, 2 + len(edge_properties(type_))))
        return _tables({label: frames[label] for label in LABELS}, found)

    def query(self, cypher: str, **params: Any) -> pd.DataFrame:
        """Run a read-only Cypher query; one row per result, nodes/relationships as dicts."""
        check_read_only(cypher)
        columns, rows = self.backend.read(cypher, params)
        return pd.DataFrame(rows, columns=columns)

    def query_bounded(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float, max_rows: int
    ) -> tuple[pd.DataFrame, bool]:
        """A query typed by a user of a shared server (the app's Cypher box): read-only,
        stopped by the server after ``timeout`` seconds, at most ``max_rows`` rows kept;
        the flag says whether rows were cut off."""
        check_read_only(cypher)
        columns, rows = self.backend.read(cypher, params or {}, timeout=timeout)
        return pd.DataFrame(rows[:max_rows], columns=columns), len(rows) > max_rows

    # -- housekeeping --------------------------------------------------------------------
    def delete(self) -> None:
        """Remove the stored district."""
        self.backend.delete_graph()

    def close(self) -> None:
        self.backend.close()


def connect(cfg: DbConfig) -> GraphStore:
    """A store on the database a resolved configuration names."""
    if cfg.backend == "falkor":
        from graph.store.falkor import FalkorBackend

        return GraphStore(FalkorBackend(cfg), cfg)
    from graph.store.neo4j_backend import Neo4jBackend

    return GraphStore(Neo4jBackend(cfg), cfg)


def open_store(
    uri: str | None = None,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> GraphStore:
    """Connect to the database a URI names (or the configured one); see ``config.resolve``."""
    return connect(resolve(uri, graph, user, password))


def query(
    cypher: str, uri: str | None = None, graph: str | None = None, **params: Any
) -> pd.DataFrame:
    """Read-only query against the configured database (env / config file when no URI)."""
    with open_store(uri, graph) as store:
        return store.query(cypher, **params)
