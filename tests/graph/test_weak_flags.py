"""The weak-link flags: a community is low on a metric when it is known and at or below its
district's 25th percentile. One district (a city's ledger) takes a shortcut past pandas'
groupby; it must flag exactly what the per-district definition flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis.weak import WEAK_METRICS, low_flags

VALUES = st.one_of(st.none(), st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 10.0]))


@st.composite
def communities(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    districts = draw(st.lists(st.sampled_from(["D1", "D2", None]), min_size=n, max_size=n))
    columns = {m: draw(st.lists(VALUES, min_size=n, max_size=n)) for m in WEAK_METRICS}
    return pd.DataFrame({"district_id": districts, **columns})


def _by_definition(df: pd.DataFrame) -> pd.DataFrame:
    """Each district's rows against that district's quantile, one district at a time."""
    flags = pd.DataFrame(False, index=df.index, columns=list(WEAK_METRICS))
    for _, rows in df.groupby(df["district_id"].fillna(""), dropna=False):
        for m in WEAK_METRICS:
            values = rows[m].astype(float)
            q = values.quantile(0.25)
            flags.loc[rows.index, m] = values.notna() & (values <= q)
    return flags


@settings(max_examples=60, deadline=None)
@given(communities())
def test_low_flags_follow_each_districts_quartile(df: pd.DataFrame) -> None:
    got = low_flags(df)
    expected = _by_definition(df)
    assert got.columns.tolist() == list(WEAK_METRICS)
    np.testing.assert_array_equal(got.to_numpy(bool), expected.to_numpy(bool))


@settings(max_examples=30, deadline=None)
@given(communities())
def test_one_district_flags_as_when_it_is_one_of_several(df: pd.DataFrame) -> None:
    """The shortcut for one district against the groupby path: the same rows with another
    district's row added take the groupby path, and flag the first rows the same."""
    one = df.assign(district_id="D1")
    other = one.iloc[:1].assign(district_id="D2")
    both = pd.concat([one, other], ignore_index=True)
    np.testing.assert_array_equal(
        low_flags(one).to_numpy(bool), low_flags(both).iloc[: len(one)].to_numpy(bool)
    )
