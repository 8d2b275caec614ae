"""``graph.tables.coerce`` gives one form of a table whatever its column order, dtypes or
row index: a table already in that form is returned as it is (its fast path), any other
is cast column by column to the same frame."""

from __future__ import annotations

import pandas as pd

from graph.schema import TABLES
from graph.tables import coerce
from loaders.ledger import read_ledger
from tests.conftest import ROOT


def test_a_table_in_any_form_coerces_to_the_loaders_form() -> None:
    tables = read_ledger(ROOT / "tests" / "fixtures" / "small").tables
    for name in TABLES:
        table = tables[name]
        same = coerce(name, table)
        pd.testing.assert_frame_equal(same, table, check_index_type=True)
        assert same is not table  # a new frame: the caller may add columns to either
        others = [
            table[table.columns[::-1]],
            table.astype(object),
            table.set_axis(pd.RangeIndex(5, 5 + len(table))),
            table.drop(columns=[c for c in table if not TABLES[name].column(c).required][:1]),
        ]
        for other in others:
            out = coerce(name, other)
            assert isinstance(out.index, pd.RangeIndex) and list(out) == list(table), name
            if len(other.columns) == len(table.columns):
                pd.testing.assert_frame_equal(out, table, check_index_type=True)
