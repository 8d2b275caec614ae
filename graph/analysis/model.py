"""The Analysis object: the tables of one analyzed year, its explanations and its JSON form."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pandas as pd

from graph.analysis.explain import explain as _explain
from graph.analysis.metrics import COMMUNITY_METRICS, DISTRICT_METRICS, STREET_METRICS
from graph.analysis.rubric import Rubric


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
        return _records(row)[0]


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


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: plain(v) for k, v in rec.items()} for rec in df.to_dict("records")]


def _details(detail: pd.DataFrame, id_col: str) -> dict[str, list[dict]]:
    """Long rule detail → per id a list of rules, each with its criteria.

    One ``to_dict`` of the whole table, grouped in Python: a pandas groupby with a small
    DataFrame per (id, star) cost seconds on a district (thousands of groups)."""
    crit = ["metric", "op", "required", "actual", "met"]
    recs = _records(detail[[id_col, "star", "key", "name", "earned", *crit]])
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


def to_json(a: Analysis) -> dict:
    """One JSON object: year, communities (with star_detail), streets, district, suggestions."""
    stars = _details(a.star_detail, "community_id")
    goods = _details(a.goods, "street_id")
    flag = _details(a.red_flag, "district_id")
    keep = ["id", "name", "kind", "street_id", "district_id", "core", "population"]
    keep += [*COMMUNITY_METRICS, "stars"]
    communities = [
        {**rec, "star_detail": stars.get(rec["id"], [])} for rec in _records(a.communities[keep])
    ]
    street_cols = ["id", "name", "kind", "district_id", *STREET_METRICS]
    streets = [
        {**rec, "goods_detail": goods.get(rec["id"], [])}
        for rec in _records(a.streets[street_cols])
    ]
    district_cols = ["id", "name", *DISTRICT_METRICS, "red_flag"]
    districts = [
        {**rec, "red_flag_detail": flag.get(rec["id"], [])}
        for rec in _records(a.district[district_cols])
    ]
    return {
        "year": a.year,
        "communities": communities,
        "streets": streets,
        "district": districts[0] if len(districts) == 1 else None,
        "districts": districts,
        "suggestions": _records(a.suggestions),
    }
