"""Stars, goods and the red flag: rubric rules checked against actual values (对照标准找差距)."""

from __future__ import annotations

import pandas as pd

from graph.analysis.rubric import Rubric, Rule

# `unknown`: the actual value is null (a data gap): not met, yet not shown as failed
DETAIL_COLUMNS = [
    "star",
    "name",
    "earned",
    "metric",
    "op",
    "required",
    "actual",
    "met",
    "unknown",
]


def _plain(v: object) -> object:
    """A table cell as a plain Python value (None for missing)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def evaluate(table: pd.DataFrame, id_col: str, out_id: str, rules: list[Rule]) -> pd.DataFrame:
    """Long detail: one row per (row, rule, criterion) with required and actual values."""
    recs = []
    for row in table.to_dict("records"):
        for i, rule in enumerate(rules, start=1):
            checks = [(c, _plain(row.get(c.metric))) for c in rule.criteria]
            earned = all(c.holds(a) for c, a in checks)
            recs += [
                {
                    out_id: row[id_col],
                    "star": i,
                    "key": rule.key,
                    "name": rule.name,
                    "earned": earned,
                    "metric": c.metric,
                    "op": c.op,
                    "required": c.value,
                    "actual": a,
                    "met": c.holds(a),
                    "unknown": a is None,
                }
                for c, a in checks
            ]
    cols = [out_id, "star", "key", *DETAIL_COLUMNS[1:]]
    out = pd.DataFrame(recs, columns=cols)
    return out.astype({"star": int, "earned": bool, "met": bool, "unknown": bool})


def earned_counts(detail: pd.DataFrame, out_id: str, index: pd.Index) -> pd.Series:
    """How many rules each row earned."""
    per_rule = detail.drop_duplicates([out_id, "star"])
    return (
        per_rule[per_rule["earned"]].groupby(out_id).size().reindex(index, fill_value=0).astype(int)
    )


def community_stars(communities: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """star_detail for every community and village, each by the rubric of its kind."""
    parts = [
        evaluate(
            communities[communities["kind"] == kind],
            "id",
            "community_id",
            rubric.for_kind(kind).stars,
        )
        for kind in ("community", "village")
    ]
    return pd.concat(parts, ignore_index=True)
