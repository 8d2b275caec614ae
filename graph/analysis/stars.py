"""Stars, goods and the red flag: rubric rules checked against actual values (对照标准找差距)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.analysis.rubric import Rubric, Rule
from graph.schema import COMMUNITY_KINDS

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


def _plain_column(table: pd.DataFrame, metric: str) -> list[object]:
    """A column's cells as plain Python values (None for missing or absent columns)."""
    if metric not in table.columns:
        return [None] * len(table)
    return [_plain(v) for v in table[metric].astype(object).tolist()]


def evaluate(table: pd.DataFrame, id_col: str, out_id: str, rules: list[Rule]) -> pd.DataFrame:
    """Long detail: one row per (row, rule, criterion) with required and actual values.

    Built column by column (a criterion's actual values are one table column), not row by
    row: a district re-scored for every what-if scenario has thousands of rows.
    """
    cols = [out_id, "star", "key", *DETAIL_COLUMNS[1:]]
    crit = [(i, rule, c) for i, rule in enumerate(rules, start=1) for c in rule.criteria]
    n, k = len(table), len(crit)
    if not n or not k:
        out = pd.DataFrame([], columns=cols)
        return out.astype({"star": int, "earned": bool, "met": bool, "unknown": bool})
    actual = np.empty((k, n), dtype=object)
    met = np.zeros((k, n), dtype=bool)
    for j, (_i, _rule, c) in enumerate(crit):
        values = _plain_column(table, c.metric)
        actual[j] = values
        met[j] = [c.holds(a) for a in values]
    rule_of = np.array([i for i, _r, _c in crit])
    earned = np.empty((k, n), dtype=bool)
    for i in set(rule_of.tolist()):
        earned[rule_of == i] = met[rule_of == i].all(axis=0)

    def per_row(x: list) -> list:  # one value per criterion, repeated for every row
        return np.tile(np.array(x, dtype=object), n).tolist()

    flat = actual.T.ravel()
    out = pd.DataFrame(
        {
            out_id: np.repeat(np.array(_plain_column(table, id_col), dtype=object), k).tolist(),
            "star": per_row([i for i, _r, _c in crit]),
            "key": per_row([r.key for _i, r, _c in crit]),
            "name": per_row([r.name for _i, r, _c in crit]),
            "earned": earned.T.ravel().tolist(),
            "metric": per_row([c.metric for _i, _r, c in crit]),
            "op": per_row([c.op for _i, _r, c in crit]),
            "required": per_row([c.value for _i, _r, c in crit]),
            "actual": flat.tolist(),
            "met": met.T.ravel().tolist(),
            "unknown": [a is None for a in flat.tolist()],
        },
        columns=cols,
    )
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
        for kind in COMMUNITY_KINDS
    ]
    return pd.concat(parts, ignore_index=True)
