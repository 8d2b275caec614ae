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

Everything is encoded before the first request (a value the format cannot carry is an
error naming the node or relationship, and nothing is written); requests are bounded in
bytes and entities, far below Redis' 512 MB argument and 1M-argument limits.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

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
_ENDS = struct.Struct("=QQ").pack


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
    """The entities of one token stream: same labels (or type), same property names."""

    header: bytes
    rows: list[bytes]


@dataclass
class Request:
    """One ``GRAPH.BULK`` call: counts and the tokens of nodes, then of relationships."""

    nodes: int = 0
    edges: int = 0
    node_tokens: list[bytes] = field(default_factory=list)
    edge_tokens: list[bytes] = field(default_factory=list)
    size: int = 0

    def add(self, is_edge: bool, parts: list[bytes], count: int, size: int) -> None:
        (self.edge_tokens if is_edge else self.node_tokens).append(b"".join(parts))
        if is_edge:
            self.edges += count
        else:
            self.nodes += count
        self.size += size

    def args(self, begin: bool) -> list[Any]:
        head = ["BEGIN"] if begin else []
        counts = [self.nodes, self.edges, len(self.node_tokens), len(self.edge_tokens)]
        return [*head, *counts, *self.node_tokens, *self.edge_tokens]


def _text(v: Any) -> str:
    """``value(v)`` as text whose ``encode("utf-8", "surrogateescape")`` gives it back:
    rows are assembled as text and encoded once, bytes ≥ 0x80 riding as surrogates."""
    return value(v).decode("ascii", "surrogateescape")


def _column(values: list[Any]) -> list[str]:
    """One property of every row of a group, encoded (as ``_text``).

    Strings, the bulk of a ledger, take a fast path: the whole column is checked at once
    (no NUL, valid UTF-8: a lone surrogate would otherwise ride through the encoding
    as a raw byte), then framed in one comprehension.
    """
    types = set(map(type, values))
    if types <= {str, type(None)}:
        strings = [v for v in values if v is not None] if type(None) in types else values
        joined = "".join(strings)
        if "\x00" in joined:
            raise ValueError("a NUL character")
        joined.encode()  # UnicodeEncodeError (a ValueError) for a lone surrogate
        if type(None) in types:
            return ["\x00" if v is None else "\x03" + v + "\x00" for v in values]
        return ["\x03" + v + "\x00" for v in values]
    return [_text(v) for v in values]


def _rows(
    keys: list[str], columns: dict[str, list[Any]], name: Callable[[int], str], what: str
) -> list[bytes]:
    """The encoded property values of each row; an error names the row and property."""
    encoded = []
    for key in keys:
        values = columns[key]
        try:
            encoded.append(_column(values))
        except ValueError:
            i = next(i for i, v in enumerate(values) if _problem(v))
            raise StoreError(
                f"{what} {name(i)}: property {key!r} holds {_problem(values[i])}; "
                "FalkorDB cannot store it"
            ) from None
    if not encoded:
        return [b""] * len(next(iter(columns.values()), []))
    return ["".join(t).encode("utf-8", "surrogateescape") for t in zip(*encoded, strict=True)]


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


def node_groups(g: nx.MultiDiGraph) -> tuple[list[Group], dict[str, int]]:
    """Nodes grouped by main + kind label (both checked against the schema), with the
    number the server will give each node: its position in the order sent."""
    members: dict[tuple[str, str], list[tuple[str, dict]]] = defaultdict(list)
    for nid, attrs in g.nodes(data=True):
        members[(attrs["label"], attrs["kind"])].append((nid, attrs))
    by_labels: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for (label, kind), rows in members.items():
        by_labels[labels_pattern(label, second_label(label, kind))].extend(rows)
    groups, number = [], {}
    for labels, rows in sorted(by_labels.items()):
        ids = [nid for nid, _ in rows]
        attrs = [a for _, a in rows]
        keys = _keys(attrs, "id", "label")
        columns = {k: [a.get(k) for a in attrs] for k in keys if k != "id"}
        columns["id"] = ids
        number.update(zip(ids, range(len(number), len(number) + len(ids)), strict=True))
        groups.append(Group(header(labels, keys), _rows(keys, columns, ids.__getitem__, "node")))
    return groups, number


def edge_groups(g: nx.MultiDiGraph, number: dict[str, int]) -> list[Group]:
    """Relationships grouped by type, each row its two node numbers and its properties
    (``key`` is the NetworkX edge key, as the UNWIND path stores it)."""
    members: dict[str, list[tuple]] = defaultdict(list)
    for u, nbrs in g._succ.items():
        for v, keyed in nbrs.items():
            for key, attrs in keyed.items():
                members[attrs["type"]].append((u, v, key, attrs))
    groups = []
    for type_, edges in sorted(members.items()):
        attrs = [e[3] for e in edges]
        keys = _keys(attrs, "key", "type")
        columns = {k: [a.get(k) for a in attrs] for k in keys if k != "key"}
        columns["key"] = [e[2] for e in edges]
        props = _rows(keys, columns, lambda i, e=edges: f"{e[i][0]}->{e[i][1]}", safe_type(type_))
        rows = [_ENDS(number[e[0]], number[e[1]]) + p for e, p in zip(edges, props, strict=True)]
        groups.append(Group(header(type_, keys), rows))
    return groups


def requests(
    nodes: list[Group],
    edges: list[Group],
    max_bytes: int,
    max_entities: int,
) -> list[Request]:
    """Split the groups into requests of at most ``max_bytes`` (unless one row alone is
    larger) and ``max_entities``; a group cut between requests repeats its header. All
    nodes go before any relationship, so a relationship never precedes its ends."""
    req = Request()
    out = [req]
    for is_edge, groups in ((False, nodes), (True, edges)):
        for group in groups:
            parts, count, size = [group.header], 0, len(group.header)
            for row in group.rows:
                held = req.nodes + req.edges + count
                full = held >= max_entities or req.size + size + len(row) > max_bytes
                if full and held:
                    if count:
                        req.add(is_edge, parts, count, size)
                    req = Request()
                    out.append(req)
                    parts, count, size = [group.header], 0, len(group.header)
                parts.append(row)
                count += 1
                size += len(row)
            if count:
                req.add(is_edge, parts, count, size)
    return [r for r in out if r.nodes or r.edges]


def plan(g: nx.MultiDiGraph, max_bytes: int, max_entities: int) -> list[Request]:
    """Every request of a bulk load of ``g``, encoded and checked before any is sent."""
    nodes, number = node_groups(g)
    return requests(nodes, edge_groups(g, number), max_bytes, max_entities)
