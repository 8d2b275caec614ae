"""The Analysis object: the tables of one analyzed year, its explanations and its JSON form."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from graph.analysis.explain import explain as _explain
from graph.analysis.metrics import COMMUNITY_METRICS, DISTRICT_METRICS, METRICS, STREET_METRICS
from graph.analysis.rubric import Rubric
from graph.tables import isin


@dataclass
class Analysis:
    """Tables of a district as of ``year``; attributes other than year/rubric are DataFrames."""

    year: int
    communities: pd.DataFrame
    streets: pd.DataFrame
    district: pd.DataFrame
    suggestions: pd.DataFrame
    star_detail: pd.DataFrame
    goods: pd.DataFrame
    red_flag: pd.DataFrame
    evidence: pd.DataFrame
    rubric: Rubric

    def explain(self, community_id: str, metric: str) -> dict:
        """The ids counted in a metric's numerator and denominator for one community."""
        return _explain(self.evidence, pd.Index(self.communities["id"]), community_id, metric)

    def community(self, community_id: str) -> dict:
        """One community's row as plain JSON-ready values."""
        row = self.communities[self.communities["id"] == community_id]
        if row.empty:
            raise KeyError(f"unknown community or village {community_id!r}")
        return records(row)[0]


# Node rows of a Measured and the ledger table whose ids own them (see Measured.own).
NODE_ROWS = {
    "open_matters": ("matters", "id"),
    "spare": ("resources", "id"),
    "units": ("organizations", "id"),
    "places": ("places", "id"),
}
# Community rows and the column naming their community or village.
COMMUNITY_ROWS = {"communities": "id", "evidence": "community_id", "co_builders": "community_id"}


@dataclass
class Measured:
    """What ``measure`` read off the graph for one year: everything ``score`` needs.

    Community rows (one community or village each, or tagged with one):
    ``communities`` (ids, population and every raw metric, no weak/star columns),
    ``evidence`` (the ids behind each metric; empty when dropped) and ``co_builders``
    (community_id, id of its co-building units). Node rows, for the district-wide
    suggestions and roll-ups: ``open_matters`` (unclosed, unfulfilled; id, domain,
    submitted_at and their community/street/district), ``spare`` (resources with spare
    capacity; id, domain, spare and loc_community/street/district_id), ``units`` (id,
    street_id of units that may co-build) and ``places`` (id, name, kind of streets,
    towns and districts).

    ``own`` is None for a whole-district measure. A partial one (``measure(...,
    communities=…)`` or ``own=…``) maps ledger tables to the ids it speaks for: its
    community rows are those of the communities/villages among ``own["places"]``, its
    node rows those whose id is in ``own`` of their table. ``combine`` joins disjoint
    partial measures, ``update`` swaps a partial one into a cached whole.

    ``flows``: a whole measure's resource suggestions (``resource_suggestions`` of its
    open matters and spare resources), solved while its graph metrics ran in another
    process; None where ``score`` is to solve them (a partial or combined measure).
    """

    year: int
    communities: pd.DataFrame
    evidence: pd.DataFrame
    co_builders: pd.DataFrame
    open_matters: pd.DataFrame
    spare: pd.DataFrame
    units: pd.DataFrame
    places: pd.DataFrame
    own: Mapping[str, frozenset[str]] | None = None
    flows: pd.DataFrame | None = None

    def only(self, own: Mapping[str, Collection[str]]) -> Measured:
        """The rows owned by ``own`` (ledger table → ids), marked as a partial measure."""
        return replace(self, **self._rows(own, keep=True), own=_frozen(own), flows=None)

    def _rows(self, own: Mapping[str, Collection[str]], keep: bool) -> dict[str, pd.DataFrame]:
        """Every row table with the rows owned by ``own`` kept (or, keep=False, dropped)."""
        own = _frozen(own)
        out = {}
        for name, col in COMMUNITY_ROWS.items():
            df = getattr(self, name)
            out[name] = df[isin(df[col], own["places"]) == keep].reset_index(drop=True)
        for name, (table, col) in NODE_ROWS.items():
            df = getattr(self, name)
            out[name] = df[isin(df[col], own[table]) == keep].reset_index(drop=True)
        return out

    @staticmethod
    def combine(parts: list[Measured]) -> Measured:
        """Disjoint partial measures (e.g. groups of streets) as one; communities by id."""
        if not parts:
            raise ValueError("nothing measured")
        kw: dict = {name: _concat([getattr(p, name) for p in parts]) for name in _ROW_TABLES}
        kw["communities"] = kw["communities"].sort_values("id", kind="stable")
        kw["communities"] = kw["communities"].reset_index(drop=True)
        owns = [p.own for p in parts]
        kw["own"] = (
            None
            if any(o is None for o in owns)
            else {t: frozenset().union(*(o[t] for o in owns)) for t in owns[0]}
        )
        return replace(parts[0], **kw, flows=None)

    def update(self, fresh: Measured) -> Measured:
        """This (cached) measure with ``fresh``'s rows in place of the ones it owns.

        ``fresh`` is a partial measure of the same year and rubric settings: re-measure
        every community an edit touches (``measure(network, communities=…)``), ``update``
        the cache, then ``score`` the result to re-rate the whole district. Rows outside
        those communities (e.g. a street's own resources) stay as cached.
        """
        if fresh.own is None:
            return fresh
        if fresh.year != self.year:
            raise ValueError(f"cannot update year {self.year} with a measure of {fresh.year}")
        stale = replace(self, **self._rows(fresh.own, keep=False))
        return Measured.combine([stale, fresh])


_ROW_TABLES = (*COMMUNITY_ROWS, *NODE_ROWS)
_OWN_TABLES = ("places", "matters", "resources", "organizations")


def _frozen(own: Mapping[str, Collection[str]]) -> dict[str, frozenset[str]]:
    return {t: frozenset(own.get(t, ())) for t in _OWN_TABLES}


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames stacked; an empty one keeps the columns of the first."""
    full = [f for f in frames if len(f)]
    if not full:
        return frames[0].iloc[:0].reset_index(drop=True)
    return pd.concat(full, ignore_index=True)


def plain(v: object) -> object:
    """A cell as a JSON value: None for NA/NaN, Python scalars, lists kept."""
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _column(s: pd.Series) -> list:
    """A column's cells as JSON values: NumPy integers and booleans hold no missing value
    and NumPy floats only NaN, so only the other columns go cell by cell through ``plain``."""
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "biu":
        return s.tolist()
    if isinstance(s.dtype, np.dtype) and s.dtype.kind == "f":
        return [None if v != v else v for v in s.tolist()]
    return [plain(v) for v in s.tolist()]


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of ``df`` as dicts of JSON values (``plain``), built column by column."""
    columns = [_column(df.iloc[:, i]) for i in range(df.shape[1])]
    names = df.columns.tolist()  # once: an Arrow-backed index is slow to iterate row by row
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _details(detail: pd.DataFrame, id_col: str) -> dict[str, list[dict]]:
    """Long rule detail → per id a list of rules, each with its criteria.

    One ``to_dict`` of the whole table, grouped in Python: a pandas groupby with a small
    DataFrame per (id, star) cost seconds on a district (thousands of groups)."""
    crit = ["metric", "op", "required", "actual", "met", "unknown"]
    recs = records(detail[[id_col, "star", "key", "name", "earned", *crit]])
    # as groupby(sort=True, dropna=True): ordered by (id, star), rows in table order within
    recs = sorted((r for r in recs if r[id_col] is not None), key=lambda r: (r[id_col], r["star"]))
    out: dict[str, list[dict]] = {}
    for (oid, star), rows in itertools.groupby(recs, key=lambda r: (r[id_col], r["star"])):
        rows = list(rows)
        out.setdefault(oid, []).append(
            {
                "star": int(star),
                "key": rows[0]["key"],
                "name": rows[0]["name"],
                "earned": bool(rows[0]["earned"]),
                "criteria": [{c: r[c] for c in crit} for r in rows],
            }
        )
    return out


def json_text(data: Mapping[str, object]) -> str:
    """``data`` (an analysis's ``to_json``, a what-if's) as JSON text, one record a line.

    ``json.dumps`` with an indent runs its pure-Python encoder (0.4 s for a district's
    analysis); without, its C encoder writes each top-level value and each list's items.

    Examples
    --------
    >>> print(json_text({"year": 2024, "rows": [{"id": "C1"}, {"id": "C2"}], "none": []}))
    {
     "year": 2024,
     "rows": [
      {"id": "C1"},
      {"id": "C2"}
     ],
     "none": []
    }
    """

    def dumps(v: object) -> str:
        return json.dumps(v, ensure_ascii=False, allow_nan=False)

    def value(v: object) -> str:
        if isinstance(v, list) and v:
            return "[\n  " + ",\n  ".join(map(dumps, v)) + "\n ]"
        return dumps(v)

    return "{\n" + ",\n".join(f" {dumps(k)}: {value(v)}" for k, v in data.items()) + "\n}"


def to_json(a: Analysis) -> dict:
    """One JSON object: year, communities (with star_detail), streets, district, suggestions.

    ``metrics`` gives every metric column's labels and format from the registry.
    """
    stars = _details(a.star_detail, "community_id")
    goods = _details(a.goods, "street_id")
    flag = _details(a.red_flag, "district_id")
    keep = ["id", "name", "kind", "street_id", "district_id", "core", "population"]
    keep += [*COMMUNITY_METRICS, "stars"]
    communities = [
        {**rec, "star_detail": stars.get(rec["id"], [])} for rec in records(a.communities[keep])
    ]
    street_cols = ["id", "name", "kind", "district_id", *STREET_METRICS]
    streets = [
        {**rec, "goods_detail": goods.get(rec["id"], [])} for rec in records(a.streets[street_cols])
    ]
    district_cols = ["id", "name", *DISTRICT_METRICS, "red_flag"]
    districts = [
        {**rec, "red_flag_detail": flag.get(rec["id"], [])}
        for rec in records(a.district[district_cols])
    ]
    return {
        "year": a.year,
        "communities": communities,
        "streets": streets,
        "district": districts[0] if len(districts) == 1 else None,
        "districts": districts,
        "suggestions": records(a.suggestions),
        "metrics": {
            n: {"zh": METRICS[n].zh, "en": METRICS[n].en, "format": METRICS[n].format}
            for n in dict.fromkeys([*keep, *street_cols, *district_cols])
            if n in METRICS
        },
    }
