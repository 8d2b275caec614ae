"""``loaders.parse.parse_date`` against Python's calendar: a day a month does not have
(2023-02-29, 2024-04-31) is missing, so validation reports it, whatever the spelling; every
real day parses to itself."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.parse import parse_date

SPELLINGS = ("{y}-{m:02d}-{d:02d}", "{y}-{m}-{d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日")
TIMES = ("", " 09:30", " 23:59:58")


def _real(y: int, m: int, d: int, time: str) -> pd.Timestamp | None:
    try:
        day = dt.datetime(y, m, d)
    except ValueError:
        return None
    parts = [int(p) for p in time.split(":")] if time else []
    return pd.Timestamp(day.replace(**dict(zip(("hour", "minute", "second"), parts, strict=False))))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1990, 2030),
            st.integers(1, 12),
            st.one_of(st.integers(1, 31), st.integers(29, 31)),  # month ends: often
            st.sampled_from(SPELLINGS),
            st.sampled_from(TIMES),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_a_day_the_month_lacks_is_missing_and_a_real_one_parses(cells: list[tuple]) -> None:
    texts = [form.format(y=y, m=m, d=d) + time for y, m, d, form, time in cells]
    got = parse_date(pd.Series(texts, dtype="string[pyarrow]"))
    want = [_real(y, m, d, time) for y, m, d, _form, time in cells]
    assert [None if pd.isna(v) else v for v in got] == want, texts
