"""Evidence: the ids behind every metric, as one long table (community_id, metric, part, id).

Metrics are counted from the evidence, and ``Analysis.explain`` reads the same rows, so an
explanation can never disagree with the number it explains.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

COLUMNS = ["community_id", "metric", "part", "id"]
NUM, DEN = "numerator", "denominator"


class Piece(NamedTuple):
    """One metric part's (community, id) columns, kept as they are until ``combine``."""

    community_id: pd.Series
    id: pd.Series
    metric: str
    part: str


def rows(df: pd.DataFrame, metric: str, part: str, cid: str = "community_id", id_: str = "id"):
    """Evidence rows from a frame with a community column and an id column.

    Only the two columns are taken here: a measure makes ~32 pieces, and dropping missing
    ids, converting to Python objects and keeping distinct rows is done once for all of
    them in ``combine`` (each is row-wise, so the result is the same)."""
    return Piece(df[cid], df[id_], metric, part)


def combine(pieces: list[Piece]) -> pd.DataFrame:
    """All evidence in one frame: distinct (community_id, metric, part, id) rows of the
    pieces in order, ids present, every column of Python objects."""
    pieces = [p for p in pieces if len(p.id)]
    if not pieces:
        return pd.DataFrame(columns=COLUMNS, dtype=object)
    sizes = [len(p.id) for p in pieces]
    out = pd.DataFrame(
        {
            "community_id": _objects([p.community_id for p in pieces]),
            "metric": np.repeat(np.array([p.metric for p in pieces], object), sizes),
            "part": np.repeat(np.array([p.part for p in pieces], object), sizes),
            "id": _objects([p.id for p in pieces]),
        },
        dtype=object,  # as they are: pandas would infer Arrow strings, a copy of every id
    )
    out = out[out["community_id"].notna().to_numpy() & out["id"].notna().to_numpy()]
    if not len(out):
        return pd.DataFrame(columns=COLUMNS, dtype=object)
    return out.drop_duplicates(ignore_index=True)


def _objects(columns: list[pd.Series]) -> np.ndarray:
    """The columns end to end as one array of Python objects (None where missing)."""
    return np.concatenate([c.to_numpy(object) for c in columns])


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
