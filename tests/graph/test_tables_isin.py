"""``graph.tables.isin`` answers as ``Series.isin`` does, for Arrow strings (its fast path) and
any other column, with sets, lists and Series of values, missing values included."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.tables import isin

TEXT = st.one_of(st.none(), st.sampled_from(["a", "b", "社区", "x|y", ""]))
DTYPES = st.sampled_from(["string", "str", object])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(TEXT, max_size=15),
    st.lists(TEXT, max_size=6),
    DTYPES,
    st.sampled_from(["set", "list", "series"]),
)
def test_isin_answers_as_pandas(column: list, wanted: list, dtype, shape: str) -> None:
    s = pd.Series(column, dtype=dtype, index=range(100, 100 + len(column)))
    if shape == "set":
        values = {v for v in wanted if v is not None}
    elif shape == "list":
        values = wanted
    else:
        values = pd.Series(wanted, dtype=object)
    got = isin(s, values)
    want = s.isin(values)
    assert got.index.equals(s.index)
    assert got.tolist() == want.tolist()
