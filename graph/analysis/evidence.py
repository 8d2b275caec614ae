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
    pieces in order, ids present, every column of Python objects.

    Rows are told apart by integer codes (each piece's metric and part, and the factorized
    community and id): a ``drop_duplicates`` hashed all four text columns of a city's
    million rows again."""
    pieces = [p for p in pieces if len(p.id)]
    if not pieces:
        return pd.DataFrame(columns=COLUMNS, dtype=object)
    sizes = [len(p.id) for p in pieces]
    cid = _objects([p.community_id for p in pieces])
    ids = _objects([p.id for p in pieces])
    kind, _kinds = pd.factorize(pd.Series([(p.metric, p.part) for p in pieces], dtype=object))
    c_code, c_names = pd.factorize(cid)  # missing → -1
    i_code, i_names = pd.factorize(ids)
    present = np.flatnonzero((c_code >= 0) & (i_code >= 0))
    key = np.repeat(kind, sizes)[present] * len(c_names) + c_code[present]
    key = key * len(i_names) + i_code[present]
    rows = present[~pd.Series(key).duplicated().to_numpy()]
    if not len(rows):
        return pd.DataFrame(columns=COLUMNS, dtype=object)
    return pd.DataFrame(
        {
            "community_id": cid[rows],
            "metric": np.repeat(np.array([p.metric for p in pieces], object), sizes)[rows],
            "part": np.repeat(np.array([p.part for p in pieces], object), sizes)[rows],
            "id": ids[rows],
        },
        dtype=object,  # as they are: pandas would infer Arrow strings, a copy of every id
    )


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
