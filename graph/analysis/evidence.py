"""Evidence: the ids behind every metric, as one long table (community_id, metric, part, id).

Metrics are counted from the evidence, and ``Analysis.explain`` reads the same rows, so an
explanation can never disagree with the number it explains.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["community_id", "metric", "part", "id"]
NUM, DEN = "numerator", "denominator"


def rows(df: pd.DataFrame, metric: str, part: str, cid: str = "community_id", id_: str = "id"):
    """Evidence rows from a frame with a community column and an id column (distinct pairs)."""
    out = df[[cid, id_]].dropna().astype(object).drop_duplicates()
    out.columns = ["community_id", "id"]
    out.insert(1, "metric", metric)
    out.insert(2, "part", part)
    return out[COLUMNS]


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All evidence in one frame."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS, dtype=object)
    return pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)


def tally(evidence: pd.DataFrame) -> pd.Series:
    """How many ids each (metric, part, community) has: one groupby for every count and share."""
    return evidence.groupby(["metric", "part", "community_id"]).size()


def count(tally: pd.Series, unit_ids: pd.Index, metric: str, part: str = NUM) -> pd.Series:
    """How many evidence ids each community has for one metric part (0 when none)."""
    try:
        sel = tally.loc[(metric, part)]
    except KeyError:
        sel = pd.Series(dtype="int64")
    return sel.reindex(unit_ids, fill_value=0).astype("Int64")


def share(tally: pd.Series, unit_ids: pd.Index, metric: str) -> pd.Series:
    """numerator / denominator per community; NA when the denominator is 0."""
    num = count(tally, unit_ids, metric, NUM).astype("Float64")
    den = count(tally, unit_ids, metric, DEN).astype("Float64")
    return (num / den).where(den > 0, pd.NA).astype("Float64")
