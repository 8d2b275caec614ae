"""``convert_ledger`` (table by table) writes the dataset ``convert`` writes from a Network.

The streaming converter never holds the ledger: it checks and stages one table at a
time and computes the halo on integer codes. Its dataset must hold exactly the rows of
the whole-ledger ``convert(read_ledger(...))``, and an invalid ledger must leave the
output folder as it was, with no work folder behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from loaders.errors import LedgerInvalid
from loaders.ledger import read_ledger
from loaders.parquet import MANIFEST, convert, convert_ledger, read_manifest
from loaders.pseudonymize import PATTERNS
from tests.bad_ledgers import CASES, broken, write_csv
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "small"


def _files(root: Path) -> dict[str, object]:
    """Every Parquet file of a dataset, its rows in ledger order, schema metadata aside."""
    return {
        str(f.relative_to(root)): pq.read_table(f).sort_by("_row").replace_schema_metadata(None)
        for f in sorted(root.rglob("*.parquet"))
    }


@pytest.mark.parametrize("ledger", ["fixture", "district"])
def test_table_by_table_equals_the_whole_ledger_convert(
    ledger: str, demo_dir: Path, tmp_path: Path
) -> None:
    path = FIXTURE if ledger == "fixture" else demo_dir / "csv"
    whole = convert(read_ledger(path), tmp_path / "whole")
    streamed = convert_ledger(path, tmp_path / "streamed")
    assert streamed == whole and whole["halo_rows"] > 0 and len(whole["streets"]) >= 3
    a, b = _files(tmp_path / "whole"), _files(tmp_path / "streamed")
    assert a.keys() == b.keys() and any(k.startswith("halo/resources") for k in a)
    for name, table in a.items():
        assert table.equals(b[name]), name
    people = pq.read_table(tmp_path / "streamed" / "people").to_pandas()
    assert people["name"].str.match(PATTERNS["name"].pattern).all()  # never in clear
    assert sorted(p.name for p in tmp_path.iterdir()) == ["streamed", "whole"]


def test_an_invalid_ledger_leaves_the_dataset_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    convert_ledger(FIXTURE, out)
    before = (out / MANIFEST).read_text("utf-8")
    case = next(c for c in CASES if c.name == "unknown_link_end")
    bad = write_csv(broken(case), tmp_path / "bad")
    with pytest.raises(LedgerInvalid) as info:
        convert_ledger(bad, out)
    assert any(e.table == "links" and e.column for e in info.value.errors)
    assert (out / MANIFEST).read_text("utf-8") == before
    assert json.loads(before) == read_manifest(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "ds"]  # no work folder left
