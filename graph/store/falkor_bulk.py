"""A whole network into a new FalkorDB graph through ``GRAPH.BULK`` (the bulk insert).

Why not Cypher: an UNWIND/CREATE batch is parsed, planned and matched id by id on the
server; the bulk insert takes entities as packed binary rows, and relationships by the
server's own node numbers, so a large first load runs several times faster.

Why not the ``falkordb-bulk-loader`` package: it reads only CSV files (one per label,
opened by path, types inferred from text, ``sys.exit`` on a duplicate id), so a network
would be written to disk and parsed back. This module speaks the same wire format from
the NetworkX graph directly. The format (FalkorDB ``src/bulk_insert``, and the loader's
``entity_file.py``): each token is one entity "file" — a header (labels or type joined
by ``:`` and NUL-terminated, a 4-byte property count, NUL-terminated property names) then
rows; a node row is its property values, a relationship row is two 8-byte node numbers
then its values; a value is a type byte and a payload (NULL: none, BOOL: 1 byte, DOUBLE
and LONG: 8 bytes, STRING: NUL-terminated UTF-8, ARRAY: 8-byte length and values).
A request is ``GRAPH.BULK name [BEGIN] nodes edges node_tokens edge_tokens tokens…``;
``BEGIN`` (first request) fails if the key exists. Nodes are numbered in the order they
are sent, from 0, which is why the bulk insert only ever builds a new graph.

Requests are encoded one by one while the server stores the one before (a value the
format cannot carry is an error naming the node or relationship, and the staging graph
is dropped, so nothing is written under the name); requests are bounded in
bytes and entities, far below Redis' 512 MB argument and 1M-argument limits. Encoding
goes column by column (a city has millions of values: per-value Python was most of a
load's time): strings framed by one join, numbers packed by numpy, then the columns
interleaved into rows by one numpy gather.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.network import (
    FIXED_KIND,
    NODE_KIND_COLUMN,
    conditions_json,
    link_key,
    link_numbers,
    plain_values,
    second_label,
)
from graph.schema import IMPLICIT_EDGES, NODE_TABLES, TABLES
from graph.store.errors import StoreError
from graph.store.names import labels_pattern, safe_type
from graph.tables import Tables

_NULL = b"\x00"
_TRUE = b"\x01\x01"
_FALSE = b"\x01\x00"
_DOUBLE = struct.Struct("=Bd").pack
_LONG = struct.Struct("=Bq").pack
_ARRAY = struct.Struct("=Bq").pack
_STRING, _ARRAY_TYPE, _DOUBLE_TYPE, _LONG_TYPE = 3, 5, 2, 4
_U32 = struct.Struct("=I").pack


def value(v: Any) -> bytes:
    """One property value in the bulk format; ValueError for what it cannot carry."""
    kind = type(v)
    if kind is str:
        if "\x00" in v:
            raise ValueError("a NUL character")
        return b"\x03" + v.encode() + b"\x00"
    if v is None:
        return _NULL
    if kind is float:
        return _DOUBLE(_DOUBLE_TYPE, v)
    if kind is bool:
        return _TRUE if v else _FALSE
    if kind is int:
        try:
            return _LONG(_LONG_TYPE, v)
        except struct.error:
            raise ValueError(f"the integer {v} (beyond 64 bits)") from None
    if kind is list or kind is tuple:
        return _ARRAY(_ARRAY_TYPE, len(v)) + b"".join(value(x) for x in v)
    raise ValueError(f"a {kind.__name__} value")


def header(name: str, keys: list[str]) -> bytes:
    """A token's header: labels (or type), property count, property names."""
    out = [name.encode() + b"\x00", _U32(len(keys))]
    for key in keys:
        if not key or "\x00" in key:
            raise StoreError(f"bad property name {key!r}")
        out.append(key.encode() + b"\x00")
    return b"".join(out)


@dataclass
class Group:
    """The entities of one token stream: same labels (or type), same property names.

    ``data`` holds every row back to back; row ``i`` is ``data[ends[i-1]:ends[i]]``.
    """

    header: bytes
    data: bytes
    ends: np.ndarray  # int64, cumulative row ends in ``data``


@dataclass
class Request:
    """One ``GRAPH.BULK`` call: counts and the tokens of nodes, then of relationships."""

    nodes: int = 0
    edges: int = 0
    node_tokens: list[bytes] = field(default_factory=list)
    edge_tokens: list[bytes] = field(default_factory=list)
    size: int = 0

    def add(self, is_edge: bool, token: bytes, count: int) -> None:
        (self.edge_tokens if is_edge else self.node_tokens).append(token)
        if is_edge:
            self.edges += count
        else:
            self.nodes += count
        self.size += len(token)

    def args(self, begin: bool) -> list[Any]:
        head = ["BEGIN"] if begin else []
        counts = [self.nodes, self.edges, len(self.node_tokens), len(self.edge_tokens)]
        return [*head, *counts, *self.node_tokens, *self.edge_tokens]


# A column encoded whole: its values' bytes, where each row's value starts and how long it is
# in them (a missing value points at one shared NULL byte), and which rows have a value.
Column = tuple[bytes, np.ndarray, np.ndarray, np.ndarray]

_FIXED = {
    int: (np.dtype([("t", "u1"), ("v", "=i8")]), _LONG_TYPE),
    float: (np.dtype([("t", "u1"), ("v", "=f8")]), _DOUBLE_TYPE),
    bool: (np.dtype([("t", "u1"), ("v", "u1")]), 1),
}


def _strings(values: list[str]) -> tuple[bytes, np.ndarray]:
    """Strings framed ``\\x03 … \\x00`` in one join and one encode; the NULs (no value may
    hold one) mark where each ends."""
    data = ("\x03" + "\x00\x03".join(values) + "\x00").encode()  # lone surrogate: ValueError
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 0) + 1
    if len(ends) != len(values):
        raise ValueError("a NUL character")
    return data, ends


def _column(values: list[Any]) -> Column:
    """One property of every row of a group, encoded at once: strings through one join,
    numbers and booleans packed by numpy; anything else (arrays, mixed types) value by
    value. ValueError for a value the format cannot carry."""
    n = len(values)
    types = set(map(type, values))
    nulls = type(None) in types
    types.discard(type(None))
    if nulls:
        present = np.array([v is not None for v in values], dtype=bool)
        given = [v for v in values if v is not None]
    else:
        present = None
        given = values
    if not types:
        return _NULL, np.zeros(n, np.int64), np.ones(n, np.int64), np.zeros(n, bool)
    if types == {str}:
        data, ends = _strings(given)
        lengths = np.diff(ends, prepend=0)
        starts = ends - lengths
    elif len(types) == 1 and (kind := next(iter(types))) in _FIXED:
        dtype, code = _FIXED[kind]
        packed = np.empty(len(given), dtype)
        packed["t"] = code
        try:
            packed["v"] = given
        except OverflowError:
            raise ValueError("an integer beyond 64 bits") from None
        data = packed.tobytes()
        lengths = np.full(len(given), dtype.itemsize, np.int64)
        starts = np.arange(len(given), dtype=np.int64) * dtype.itemsize
    else:
        encoded = [value(v) for v in given]
        data = b"".join(encoded)
        lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
        starts = np.cumsum(lengths) - lengths
    if present is None:
        return data, starts, lengths, np.ones(n, bool)
    all_starts = np.full(n, len(data), np.int64)  # the NULL byte appended below
    all_lengths = np.ones(n, np.int64)
    all_starts[present] = starts
    all_lengths[present] = lengths
    return data + _NULL, all_starts, all_lengths, present


_GATHER_ROWS = 1 << 16  # rows interleaved at once: bounds the index arrays' memory


def _gather(
    source: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[bytes, np.ndarray]:
    """Rows laid out one after another, row ``i`` being the pieces ``source[starts[i, j]:
    starts[i, j] + lengths[i, j]]`` for every column ``j``: one numpy gather instead of a
    join per row. Returns the bytes and each row's end."""
    n = len(starts)
    if not starts.shape[1]:
        return b"", np.zeros(n, np.int64)
    ends = np.cumsum(lengths.sum(axis=1))
    parts = []
    for lo in range(0, n, _GATHER_ROWS):
        s = starts[lo : lo + _GATHER_ROWS].ravel()
        ln = lengths[lo : lo + _GATHER_ROWS].ravel()
        out_starts = np.cumsum(ln) - ln
        index = np.repeat(s - out_starts, ln) + np.arange(int(ln.sum()), dtype=np.int64)
        parts.append(source[index].tobytes())
    return b"".join(parts), ends


def _problem(v: Any) -> str | None:
    """Why ``value`` refuses ``v`` (None when it does not)."""
    try:
        value(v)
    except ValueError as exc:
        return str(exc) if not isinstance(exc, UnicodeError) else "text that is not UTF-8"
    return None


@dataclass
class Encoded:
    """The property columns of one node table or relationship list, encoded whole (once,
    whatever the groups cut from it): ``keys[j]`` is column ``j``; row ``i``'s value of it
    is ``source[starts[i, j]:][:lengths[i, j]]``; ``present[i, j]`` says it is not missing."""

    keys: list[str]
    source: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    present: np.ndarray

    def group(self, head: str, rows: np.ndarray, first: int = 0) -> Group:
        """The rows ``rows`` as one token stream: the first ``first`` columns always, the
        others (names sorted) where some row of the group has a value."""
        present = self.present[rows].any(axis=0)
        present[:first] = True
        cols = [j for j in range(first)] + sorted(
            (j for j in range(first, len(self.keys)) if present[j]), key=self.keys.__getitem__
        )
        keys = [self.keys[j] for j in cols if self.keys[j]]  # "" names the node numbers
        starts = self.starts[np.ix_(rows, cols)]
        lengths = self.lengths[np.ix_(rows, cols)]
        return Group(header(head, keys), *_gather(self.source, starts, lengths))


def _table(
    columns: dict[str, list[Any] | Column], name: Callable[[int], str], what: str
) -> Encoded:
    """Every column encoded (a list of plain values, or a Column already encoded); an
    error names the row and the property."""
    encoded: list[Column] = []
    for key, values in columns.items():
        if isinstance(values, tuple):
            encoded.append(values)
            continue
        try:
            encoded.append(_column(values))
        except ValueError:
            i = next(i for i, v in enumerate(values) if _problem(v))
            raise StoreError(
                f"{what} {name(i)}: property {key!r} holds {_problem(values[i])}; "
                "FalkorDB cannot store it"
            ) from None
    source = np.frombuffer(b"".join(c[0] for c in encoded), np.uint8)
    bases = np.cumsum([0] + [len(c[0]) for c in encoded[:-1]])
    starts = np.stack([c[1] + b for c, b in zip(encoded, bases, strict=True)], axis=1)
    lengths = np.stack([c[2] for c in encoded], axis=1)
    present = np.stack([c[3] for c in encoded], axis=1)
    return Encoded(list(columns), source, starts, lengths, present)


def _constant(text: str, n: int) -> Column:
    """The same string value on ``n`` rows, encoded once."""
    encoded = value(text)
    return encoded, np.zeros(n, np.int64), np.full(n, len(encoded), np.int64), np.ones(n, bool)


def counts(tables: Tables) -> tuple[int, int]:
    """Nodes and relationships of a network, from its tables."""
    nodes = sum(len(tables[t]) for t in NODE_TABLES)
    implicit = sum(int(tables[t][c].notna().sum()) for (t, c) in IMPLICIT_EDGES)
    return nodes, implicit + len(tables["links"])


def node_groups(tables: Tables) -> tuple[pa.Array, Iterator[Group]]:
    """The node ids in the order they are sent (a node's position is the number the server
    gives it), and the node groups, one per main + kind label (both checked against the
    schema), each encoded when asked for. Properties as ``Network.graph`` gives them:
    every column but the references, ``kind``, and a place's yearly ``conditions``."""
    order: list[tuple[str, str, np.ndarray]] = []
    for table in NODE_TABLES:
        df = tables[table]
        label = TABLES[table].label
        kinds = df["kind"] if table in NODE_KIND_COLUMN else pd.Series(FIXED_KIND[table], df.index)
        if kinds.isna().any():
            raise StoreError(f"{table} row {int(np.argmax(kinds.isna()))}: no kind")
        codes, names = pd.factorize(kinds, sort=True)
        by_kind = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[by_kind], np.arange(len(names) + 1))
        for k, kind in enumerate(names):
            labels = labels_pattern(label, second_label(label, kind))
            order.append((table, labels, by_kind[bounds[k] : bounds[k + 1]]))
    table_ids = {t: _arrow(tables[t]["id"]) for t in NODE_TABLES}  # once, not per kind
    ids = pa.concat_arrays(
        [table_ids[t].take(pa.array(r, pa.int64())) for t, _, r in order]
        or [pa.array([], pa.large_string())]
    )
    if ids.null_count:
        raise StoreError("a node without an id")
    if pc.count_distinct(ids).as_py() != len(ids):
        seen = pd.Index(ids.to_pylist())
        raise StoreError(f"node {seen[seen.duplicated()][0]!r} is in the ledger twice")

    def groups() -> Iterator[Group]:
        encoded: dict[str, Encoded] = {}
        for table, labels, rows in order:
            if table not in encoded:
                encoded[table] = _node_table(table, tables)
            yield encoded[table].group(labels, rows, first=1)

    return ids, groups()


def _node_table(table: str, tables: Tables) -> Encoded:
    df = tables[table]
    refs = {col for (_t, col) in IMPLICIT_EDGES}
    ids = df["id"].tolist()
    columns: dict[str, Any] = {"id": ids}
    columns.update((c, plain_values(df[c])) for c in df.columns if c != "id" and c not in refs)
    if table not in NODE_KIND_COLUMN:
        columns["kind"] = _constant(FIXED_KIND[table], len(df))
    if table == "places" and len(tables["conditions"]):
        by_place = conditions_json(tables["conditions"])
        columns["conditions"] = list(map(by_place.get, ids))
    return _table(columns, ids.__getitem__, "node")


def _arrow(s: pd.Series) -> pa.Array:
    """A text column as one Arrow array: no Python string per value."""
    arr = pa.array(s.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def edge_groups(tables: Tables, ids: pa.Array) -> Iterator[Group]:
    """Relationships by type, each row its two node numbers (positions in ``ids``) and its
    properties: ``key`` (the edge key ``Network.graph`` gives it, as the UNWIND path
    stores it) and a link's own columns; each group is encoded when asked for. Every end
    is looked up in one Arrow hash of the ids (a lookup per group rebuilt it each time)."""
    parts: list[tuple[str, pa.Array, pa.Array, Callable[[], dict[str, Any]]]] = []
    for (table, col), (type_, direction) in IMPLICIT_EDGES.items():
        df = tables[table]
        held = pa.array(df[col].notna().to_numpy())
        own, other = _arrow(df["id"]).filter(held), _arrow(df[col]).filter(held)
        ends = (own, other) if direction == "out" else (other, own)
        key = _constant(type_, len(own))
        parts.append((type_, *ends, lambda key=key: {"key": key}))
    links = tables["links"]
    if len(links):
        n = link_numbers(links)
        sources, targets = _arrow(links["source_id"]), _arrow(links["target_id"])
        for type_, rows in sorted(links.groupby("type", sort=False).indices.items()):
            at = pa.array(rows, pa.int64())

            def props(type_: str = type_, rows: np.ndarray = rows) -> dict[str, Any]:
                part = links.iloc[rows]
                keys = [link_key(type_, int(i)) for i in n[rows]]
                return {"key": keys} | {
                    c: plain_values(part[c]) for c in part.columns if c not in _LINK_ENDS
                }

            parts.append((safe_type(type_), sources.take(at), targets.take(at), props))
    every = [end for _, s, t, _ in parts for end in (s, t)]
    if not every:
        return
    found = pc.index_in(pa.concat_arrays(every), value_set=ids).fill_null(-1).to_numpy()
    offset = 0
    for type_, s, t, props in parts:
        ends = found[offset : offset + 2 * len(s)].reshape(2, -1).T
        offset += 2 * len(s)
        yield _edges(type_, s, t, ends, props())


_LINK_ENDS = ("source_id", "target_id", "type")


def _edges(
    type_: str, sources: pa.Array, targets: pa.Array, ends: np.ndarray, props: dict[str, Any]
) -> Group:
    """One type's relationships (``ends``: node numbers, -1 for an unknown id) as a group."""
    if (ends < 0).any():
        i, j = np.argwhere(ends < 0)[0]
        s, t = sources[int(i)].as_py(), targets[int(i)].as_py()
        raise StoreError(f"{type_} {s}->{t}: no node {(s, t)[j]!r}")
    width = 16
    numbers = (
        np.ascontiguousarray(ends, dtype=np.uint64).tobytes(),
        np.arange(len(ends), dtype=np.int64) * width,
        np.full(len(ends), width, np.int64),
        np.ones(len(ends), bool),
    )

    def name(i: int) -> str:
        return f"{sources[i].as_py()}->{targets[i].as_py()}"

    table = _table({"": numbers, **props}, name, type_)
    return table.group(type_, np.arange(len(ends)), first=2)


def requests(
    nodes: Iterable[Group],
    edges: Callable[[], Iterable[Group]],
    max_bytes: int,
    max_entities: int,
) -> Iterator[Request]:
    """Split the groups into requests of at most ``max_bytes`` (unless one row alone is
    larger) and ``max_entities``; a group cut between requests repeats its header. All
    nodes go before any relationship, so a relationship never precedes its ends; a
    request is yielded as soon as it is full, while the groups after it are still to be
    encoded (``edges`` is called once every node group is out).

    Rows are never looked at one by one: how many fit is a search in the row ends."""
    req = Request()
    for is_edge, groups in ((False, nodes), (True, edges)):
        for group in groups if not is_edge else groups():
            done, n = 0, len(group.ends)
            while done < n:
                base = int(group.ends[done - 1]) if done else 0
                room = max_bytes - req.size - len(group.header) + base
                fit = int(np.searchsorted(group.ends, room, side="right")) - done
                take = min(n - done, max_entities - req.nodes - req.edges, fit)
                if take <= 0 and (req.nodes or req.edges):
                    yield req
                    req = Request()
                    continue
                take = max(take, 1)  # one row larger than a request goes alone
                stop = done + take
                token = group.header + group.data[base : int(group.ends[stop - 1])]
                req.add(is_edge, token, take)
                done = stop
    if req.nodes or req.edges:
        yield req


def stream(tables: Tables, max_bytes: int, max_entities: int) -> Iterator[Request]:
    """The requests of a bulk load of a network's tables, each encoded when asked for."""
    ids, nodes = node_groups(tables)
    return requests(nodes, lambda: edge_groups(tables, ids), max_bytes, max_entities)


def plan(tables: Tables, max_bytes: int, max_entities: int) -> list[Request]:
    """Every request of a bulk load of a network's tables, encoded and checked."""
    return list(stream(tables, max_bytes, max_entities))
