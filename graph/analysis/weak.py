"""Weak links (DOMAIN.md "Weak links"): low metrics against the district's 25th percentile."""

from __future__ import annotations

import pandas as pd

WEAK_METRICS = (
    "coverage_index",
    "reach",
    "co_building_units",
    "reporting_members_per_1000",
    "volunteers_per_1000",
    "closure_rate",
)
NO_CORE = "no_core"
NO_CORE_PENALTY = 2
WEAK_AT = 2


def low_flags(df: pd.DataFrame) -> pd.DataFrame:
    """Per community and metric: null, or ≤ the 25th percentile of its district's values."""
    district = df["district_id"].astype(object).fillna("")
    out = pd.DataFrame(index=df.index)
    for m in WEAK_METRICS:
        values = df[m].astype("Float64").astype(float)  # NA → NaN, which quantile skips
        q = values.groupby(district).transform(lambda s: s.quantile(0.25))
        out[m] = (values.isna() | (values <= q)).astype(bool)
    return out


def weak_columns(df: pd.DataFrame) -> pd.DataFrame:
    """`weak_score`, `weak` and `reasons` for the communities table."""
    low = low_flags(df)
    no_core = ~df["has_core"].astype(bool)
    score = low.sum(axis=1) + NO_CORE_PENALTY * no_core.astype(int)
    names = list(low.columns)
    flags = low.to_numpy()
    reasons = [
        [m for m, f in zip(names, row, strict=True) if f] + ([NO_CORE] if nc else [])
        for row, nc in zip(flags, no_core.to_numpy(), strict=True)
    ]
    return pd.DataFrame(
        {
            "weak_score": score.astype("Int64"),
            "weak": (score >= WEAK_AT).astype(bool),
            "reasons": reasons,
        },
        index=df.index,
    )
