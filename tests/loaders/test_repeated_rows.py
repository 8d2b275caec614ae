"""``repeated_rows``, the duplicate-link search, against ``DataFrame.duplicated``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.validate import _comparable, repeated_rows

ints = st.integers(-2, 2)
floats = st.sampled_from([0.0, -0.0, 1.0, 1.5, float("nan"), None])
dates = st.sampled_from(["2024-01-01", "2024-01-01 09:30", "2023-12-31", None])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ints, ints, floats, dates), max_size=40))
def test_the_rows_pandas_calls_duplicated(rows: list[tuple]) -> None:
    frame = pd.DataFrame(
        {
            "source": pd.array([r[0] for r in rows], dtype="int64"),
            "target": pd.array([r[1] for r in rows], dtype="int64"),
            "weight": pd.array([r[2] for r in rows], dtype="Float64"),
            "since": pd.to_datetime(
                pd.Series([r[3] for r in rows], dtype=object), format="ISO8601"
            ).astype("datetime64[ns]"),
        }
    )
    keys = [
        frame["source"].to_numpy(),
        frame["target"].to_numpy(),
        _comparable(frame["weight"]),
        _comparable(frame["since"]),
    ]
    want = np.flatnonzero(frame.duplicated(keep="first").to_numpy())
    assert repeated_rows(keys).tolist() == want.tolist()
