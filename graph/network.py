"""The network model: validated ledger tables and the graph built from them.

A ``Network`` holds the seven tables and, built on first use, a NetworkX
``MultiDiGraph``: one node per place, organization, person, matter and resource (attribute
``label`` and ``kind``), one edge per link (attribute ``type``, ``weight``, ``since``,
``until``) plus the implicit edges made by columns (PART_OF, LOCATED_IN, PROVIDES, HANDLES).
``Network.from_graph`` turns such a graph back into the same tables: a graph edited in
NetworkX (a notebook's what-if) becomes a network again, and the round trip shows the graph
loses nothing of the ledger.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from graph.schema import IMPLICIT_EDGES, LABEL_TABLE, NODE_TABLES, TABLES, pascal
from graph.tables import Tables, canonical, coerce, tables_equal

if TYPE_CHECKING:  # imported when a graph is built: reading tables does not need NetworkX
    import networkx as nx

NODE_KIND_COLUMN = {"places": "kind", "organizations": "kind", "resources": "kind"}
FIXED_KIND = {"people": "person", "matters": "matter"}


def node_kind(table: str, row: dict) -> str:
    """The ``kind`` attribute of a node: its kind column, or the label's own kind."""
    return row[NODE_KIND_COLUMN[table]] if table in NODE_KIND_COLUMN else FIXED_KIND[table]


def second_label(label: str, kind: str) -> str | None:
    """The PascalCase kind label a graph database stores beside the main label."""
    return pascal(kind) if label in ("Place", "Organization", "Resource") else None


def plain_values(s: pd.Series) -> list:
    """A table column as the graph holds it: plain Python values, None where missing,
    timestamps as ISO text (a date alone at midnight). The one conversion for
    ``Network.graph`` and the database bulk load, so both store the same values."""
    if pd.api.types.is_datetime64_any_dtype(s):
        v = s.to_numpy("datetime64[ns]")
        day = v.astype("datetime64[D]")
        text = np.where(
            day == v,
            np.datetime_as_string(day),
            np.datetime_as_string(v.astype("datetime64[s]")),
        )
        s = pd.Series(text, index=s.index).where(s.notna())
    return s.astype(object).where(s.notna(), None).tolist()


def _records(table: str, df: pd.DataFrame, skip: set[str]) -> Iterator[dict]:
    """Rows as dicts of plain Python values, missing values left out (graph-friendly)."""
    cols = [c for c in df.columns if c not in skip]
    data = {c: plain_values(df[c]) for c in cols}
    for i in range(len(df)):
        yield {c: data[c][i] for c in cols if data[c][i] is not None}


def link_key(type_: str, n: int) -> str:
    """The edge key of the n-th link of one type between the same two nodes."""
    return f"{type_}#{n}"


def link_numbers(links: pd.DataFrame) -> np.ndarray:
    """Each link's n for ``link_key``: how many links of its type between the same two
    nodes come before it (the graph and the FalkorDB bulk load must number them alike)."""
    keys = ["source_id", "target_id", "type"]
    return links.groupby(keys, sort=False, dropna=False).cumcount().to_numpy()


class Network:
    """A district's ledger as tables and as a graph."""

    def __init__(self, tables: Tables, warnings: list | None = None) -> None:
        empty = pd.DataFrame()  # coerce adds a missing table's columns (40 ms for all seven)
        self.tables: Tables = {k: coerce(k, tables.get(k, empty)) for k in TABLES}
        self.warnings = list(warnings or [])

    # -- graph ---------------------------------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        return build_graph(self.tables)

    @classmethod
    def from_graph(cls, g: nx.MultiDiGraph) -> Network:
        return cls(graph_to_tables(g))

    # -- conveniences --------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        """Years the ledger speaks of: conditions years and matter submission years."""
        years = set(self.tables["conditions"]["year"].dropna().astype(int))
        years |= set(self.tables["matters"]["submitted_at"].dropna().dt.year.astype(int))
        return sorted(years)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.tables.items()}

    def equals(self, other: Network) -> bool:
        return tables_equal(self.tables, other.tables)

    def canonical(self) -> Tables:
        return canonical(self.tables)


def build_graph(tables: Tables) -> nx.MultiDiGraph:
    """Tables → MultiDiGraph with implicit edges; ids are node keys."""
    import networkx as nx

    g = nx.MultiDiGraph()
    ref_cols = {col for (_t, col) in IMPLICIT_EDGES}
    for table in NODE_TABLES:
        label = TABLES[table].label
        df = tables[table]
        skip = {"id"} | (ref_cols & set(df.columns))
        ids = df["id"].tolist()
        g.add_nodes_from(
            (
                nid,
                {"label": label, "kind": node_kind(table, attrs), **attrs},
            )
            for nid, attrs in zip(ids, _records(table, df, skip), strict=True)
        )
    _add_conditions(g, tables["conditions"])
    for (table, col), (type_, direction) in IMPLICIT_EDGES.items():
        df = tables[table]
        sub = df.loc[df[col].notna(), ["id", col]]
        pairs = zip(sub["id"].tolist(), sub[col].tolist(), strict=True)
        if direction == "out":
            g.add_edges_from((a, b, type_, {"type": type_}) for a, b in pairs)
        else:
            g.add_edges_from((b, a, type_, {"type": type_}) for a, b in pairs)
    links = tables["links"]
    for rec, n in zip(_records("links", links, set()), link_numbers(links), strict=True):
        s, t = rec.pop("source_id"), rec.pop("target_id")
        g.add_edge(s, t, key=link_key(rec["type"], int(n)), **rec)
    return g


def conditions_json(conditions: pd.DataFrame) -> dict[str, str]:
    """Yearly conditions of each place as the one JSON property ``conditions`` the graph
    (and a database) gives it."""
    by_place: dict[str, dict[str, dict]] = {}
    for rec in _records("conditions", conditions, set()):
        place = rec.pop("place_id")
        by_place.setdefault(place, {})[str(rec.pop("year"))] = rec
    return {
        place: json.dumps(years, ensure_ascii=False, sort_keys=True)
        for place, years in by_place.items()
    }


def _add_conditions(g: nx.MultiDiGraph, conditions: pd.DataFrame) -> None:
    """Yearly conditions go on their place as one JSON property ``conditions``."""
    for place, text in conditions_json(conditions).items():
        g.nodes[place]["conditions"] = text


def graph_to_tables(g: nx.MultiDiGraph) -> Tables:
    """MultiDiGraph → tables: the inverse of ``build_graph``."""
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for nid, attrs in g.nodes(data=True):
        table = LABEL_TABLE[attrs["label"]]
        row = {k: v for k, v in attrs.items() if k not in ("label", "kind", "conditions")}
        if table in NODE_KIND_COLUMN:
            row[NODE_KIND_COLUMN[table]] = attrs["kind"]
        row["id"] = nid
        rows[table].append(row)
        if "conditions" in attrs:
            for year, values in json.loads(attrs["conditions"]).items():
                rows["conditions"].append({"place_id": nid, "year": int(year), **values})
    implicit = {type_: (col, d) for (_table, col), (type_, d) in IMPLICIT_EDGES.items()}
    by_id: dict[str, dict] = {}
    for table in NODE_TABLES:
        for row in rows[table]:
            by_id[row["id"]] = row
    for u, v, attrs in g.edges(data=True):
        type_ = attrs["type"]
        if type_ in implicit:
            col, direction = implicit[type_]
            owner, target = (u, v) if direction == "out" else (v, u)
            by_id[owner][col] = target
        else:
            rows["links"].append({"source_id": u, "target_id": v, **attrs})
    return {t: coerce(t, pd.DataFrame(rows[t])) for t in TABLES}
