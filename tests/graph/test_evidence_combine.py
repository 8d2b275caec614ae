"""``evidence.combine`` tells rows apart by integer codes; the definition it must keep is the
plain pandas one: the pieces end to end, rows without a community or an id dropped, then
distinct (community_id, metric, part, id) rows in order of first appearance."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis import evidence as ev

VALUES = st.sampled_from(["c1", "c2", "p1", "p2", "x|y", None, np.nan])
PARTS = st.sampled_from([("reach", ev.NUM), ("reach", ev.DEN), ("bridges", ev.NUM)])


def reference(pieces: list[ev.Piece]) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "community_id": p.community_id.to_numpy(object),
                "metric": p.metric,
                "part": p.part,
                "id": p.id.to_numpy(object),
            },
            dtype=object,
        )
        for p in pieces
    ]
    if not frames:
        return pd.DataFrame(columns=ev.COLUMNS, dtype=object)
    out = pd.concat(frames, ignore_index=True)
    out = out[out["community_id"].notna() & out["id"].notna()]
    return out.drop_duplicates(ignore_index=True)


@st.composite
def pieces(draw) -> list[ev.Piece]:
    out = []
    for _ in range(draw(st.integers(0, 5))):
        rows = draw(st.lists(st.tuples(VALUES, VALUES), max_size=12))
        metric, part = draw(PARTS)
        dtype = draw(st.sampled_from([object, "string"]))
        cid = pd.Series([c for c, _ in rows], dtype=dtype)
        ids = pd.Series([i for _, i in rows], dtype=dtype)
        out.append(ev.Piece(cid, ids, metric, part))
    return out


@settings(max_examples=200, deadline=None)
@given(pieces())
def test_combine_is_distinct_present_rows_in_order(ps: list[ev.Piece]) -> None:
    got = ev.combine(ps)
    want = reference(ps)
    assert list(got.columns) == ev.COLUMNS
    assert all(pd.api.types.is_object_dtype(d) for d in got.dtypes)
    assert got.fillna("∅").values.tolist() == want.fillna("∅").values.tolist()
