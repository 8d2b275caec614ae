"""Weak links (docs/metrics.md "Weak links"): low metrics against the district's 25th percentile.

A null metric is *unknown*, not low: the ledger lacks what it needs (no population, no
grids, no matters). It is listed in ``data_gaps`` and never counted, so a thin ledger
does not make a community look weak.
"""

from __future__ import annotations

import pandas as pd

from graph.analysis.rubric import Rubric

WEAK_METRICS = (
    "coverage_index",
    "reach",
    "co_building_units",
    "reporting_members_per_1000",
    "volunteers_per_1000",
    "closure_rate",
)
WEAK_COLUMNS = ("weak_score", "weak", "reasons", "data_gaps", "completeness")
NO_CORE = "no_core"
NO_CORE_PENALTY = 2


def _values(df: pd.DataFrame) -> pd.DataFrame:
    """The weak-link metrics as floats, NA → NaN (which quantile skips)."""
    return pd.DataFrame({m: df[m].astype("Float64").astype(float) for m in WEAK_METRICS})


def low_flags(df: pd.DataFrame, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per community and metric: known and ≤ the 25th percentile of its district's values.

    ``values``: ``_values(df)`` when the caller has it already."""
    values = _values(df) if values is None else values
    if df.empty:  # pandas' groupby-transform cannot concatenate no groups
        return values.astype(bool)
    district = df["district_id"].astype(object).fillna("")
    if district.nunique() == 1:  # one district (a city's ledger): no groups to split
        q = values.quantile(0.25)
    else:
        q = values.groupby(district).transform(lambda s: s.quantile(0.25))
    return (values.notna() & (values <= q)).astype(bool)


def _named(flags: pd.DataFrame) -> list[list[str]]:
    names = list(flags.columns)
    return [[m for m, f in zip(names, row, strict=True) if f] for row in flags.to_numpy()]


def weak_columns(df: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """`weak_score`, `weak`, `reasons`, `data_gaps` and `completeness` for the table.

    ``weak`` when ``weak_score`` reaches the ``weak_min`` setting of the row's kind.
    """
    values = _values(df)
    low = low_flags(df, values)
    gaps = values.isna()
    no_core = ~df["has_core"].astype(bool)
    score = low.sum(axis=1) + NO_CORE_PENALTY * no_core.astype(int)
    kinds = {k: rubric.for_kind(k).settings.weak_min for k in df["kind"].unique()}
    weak_min = df["kind"].map(kinds).astype(int)
    reasons = [
        r + ([NO_CORE] if nc else []) for r, nc in zip(_named(low), no_core.to_numpy(), strict=True)
    ]
    return pd.DataFrame(
        {
            "weak_score": score.astype("Int64"),
            "weak": (score >= weak_min).astype(bool),
            "reasons": reasons,
            "data_gaps": _named(gaps),
            "completeness": (1 - gaps.mean(axis=1)).astype("Float64"),
        },
        index=df.index,
    )
