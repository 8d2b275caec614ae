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
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import networkx as nx
import numpy as np

from graph.network import second_label
from graph.store.errors import StoreError
from graph.store.names import labels_pattern, safe_type

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


# A column encoded whole: its values' bytes, and where each row's value starts and how long
# it is in them (a missing value points at one shared NULL byte).
Column = tuple[bytes, np.ndarray, np.ndarray]

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
        return _NULL, np.zeros(n, np.int64), np.ones(n, np.int64)
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
        return data, starts, lengths
    all_starts = np.full(n, len(data), np.int64)  # the NULL byte appended below
    all_lengths = np.ones(n, np.int64)
    all_starts[present] = starts
    all_lengths[present] = lengths
    return data + _NULL, all_starts, all_lengths


_GATHER_ROWS = 1 << 16  # rows interleaved at once: bounds the index arrays' memory


def _interleave(columns: list[Column], n: int) -> tuple[bytes, np.ndarray]:
    """Rows of ``n`` values each, one per column, laid out row after row: one numpy
    gather instead of a join per row. Returns the bytes and each row's end."""
    if not columns:
        return b"", np.zeros(n, np.int64)
    source = np.frombuffer(b"".join(c[0] for c in columns), np.uint8)
    bases = np.cumsum([0] + [len(c[0]) for c in columns[:-1]])
    starts = np.stack([c[1] + b for c, b in zip(columns, bases, strict=True)], axis=1)
    lengths = np.stack([c[2] for c in columns], axis=1)
    ends = np.cumsum(lengths.sum(axis=1))
    parts = []
    for lo in range(0, n, _GATHER_ROWS):
        s = starts[lo : lo + _GATHER_ROWS].ravel()
        ln = lengths[lo : lo + _GATHER_ROWS].ravel()
        out_starts = np.cumsum(ln) - ln
        index = np.repeat(s - out_starts, ln) + np.arange(int(ln.sum()), dtype=np.int64)
        parts.append(source[index].tobytes())
    return b"".join(parts), ends


def _encode(
    columns: list[list[Any]], keys: list[str], name: Callable[[int], str], what: str
) -> list[Column]:
    """Every property column encoded; an error names the row and the property."""
    encoded = []
    for key, values in zip(keys, columns, strict=True):
        try:
            encoded.append(_column(values))
        except ValueError:
            i = next(i for i, v in enumerate(values) if _problem(v))
            raise StoreError(
                f"{what} {name(i)}: property {key!r} holds {_problem(values[i])}; "
                "FalkorDB cannot store it"
            ) from None
    return encoded


def _problem(v: Any) -> str | None:
    """Why ``value`` refuses ``v`` (None when it does not)."""
    try:
        value(v)
    except ValueError as exc:
        return str(exc) if not isinstance(exc, UnicodeError) else "text that is not UTF-8"
    return None


def _keys(rows: list[dict], first: str, skip: str) -> list[str]:
    """Property names of a group, sorted (``first`` leading, ``skip`` left out)."""
    names = set().union(*rows) - {first, skip}
    return [first, *sorted(names)]


def _values(rows: list[dict], key: str) -> list[Any]:
    """One property of every row (None where a row lacks it), in C-level loops."""
    return list(map(dict.get, rows, repeat(key)))


def node_groups(g: nx.MultiDiGraph, number: dict[str, int]) -> Iterator[Group]:
    """Nodes grouped by main + kind label (both checked against the schema), each group
    encoded when asked for; ``number`` is filled with the number the server will give
    each node: its position in the order sent."""
    members: dict[tuple[str, str], list[tuple[str, dict]]] = defaultdict(list)
    for nid, attrs in g.nodes(data=True):
        members[(attrs["label"], attrs["kind"])].append((nid, attrs))
    by_labels: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for (label, kind), rows in members.items():
        by_labels[labels_pattern(label, second_label(label, kind))].extend(rows)
    for labels, rows in sorted(by_labels.items()):
        ids = [nid for nid, _ in rows]
        attrs = [a for _, a in rows]
        keys = _keys(attrs, "id", "label")
        columns = [ids, *(_values(attrs, k) for k in keys[1:])]
        number.update(zip(ids, range(len(number), len(number) + len(ids)), strict=True))
        encoded = _encode(columns, keys, ids.__getitem__, "node")
        yield Group(header(labels, keys), *_interleave(encoded, len(ids)))


def edge_groups(g: nx.MultiDiGraph, number: dict[str, int]) -> Iterator[Group]:
    """Relationships grouped by type, each row its two node numbers and its properties
    (``key`` is the NetworkX edge key, as the UNWIND path stores it); each group is
    encoded when asked for."""
    members: dict[str, list[tuple]] = defaultdict(list)
    for u, nbrs in g._succ.items():
        for v, keyed in nbrs.items():
            for key, attrs in keyed.items():
                members[attrs["type"]].append((u, v, key, attrs))
    for type_, edges in sorted(members.items()):
        sources, targets, edge_keys, attrs = map(list, zip(*edges, strict=True))
        keys = _keys(attrs, "key", "type")
        columns = [edge_keys, *(_values(attrs, k) for k in keys[1:])]
        ends = np.empty((len(edges), 2), np.uint64)
        ends[:, 0] = list(map(number.__getitem__, sources))
        ends[:, 1] = list(map(number.__getitem__, targets))
        width = ends.itemsize * 2
        numbers = (
            ends.tobytes(),
            np.arange(len(edges), dtype=np.int64) * width,
            np.full(len(edges), width, np.int64),
        )
        encoded = _encode(
            columns, keys, lambda i, e=edges: f"{e[i][0]}->{e[i][1]}", safe_type(type_)
        )
        yield Group(header(type_, keys), *_interleave([numbers, *encoded], len(edges)))


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


def stream(g: nx.MultiDiGraph, max_bytes: int, max_entities: int) -> Iterator[Request]:
    """The requests of a bulk load of ``g``, each encoded when it is asked for."""
    number: dict[str, int] = {}
    return requests(node_groups(g, number), lambda: edge_groups(g, number), max_bytes, max_entities)


def plan(g: nx.MultiDiGraph, max_bytes: int, max_entities: int) -> list[Request]:
    """Every request of a bulk load of ``g``, encoded and checked."""
    return list(stream(g, max_bytes, max_entities))
