"""A CSV folder read one table at a time reports what the whole-ledger reader reports.

``read_tables`` keeps only the ids, references and dates of each table once it is checked,
so a province is read in the memory of one table. The reference is ``validate_raw`` over
``read_raw`` (the whole ledger at once): same errors in the same order, same warnings,
same counts, and for a valid ledger the same Network.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.network import Network
from graph.schema import TABLES
from loaders.ledger import read_ledger, read_tables
from loaders.pseudonymize import pseudonymize_people
from loaders.read import read_raw
from loaders.validate import validate_raw
from tests.bad_ledgers import CASES, base_tables, broken, write_csv, write_xlsx

KEY = "tablewise-test-key"


def _all_cases() -> dict:
    """Every case of the corpus at once (those that do not remove or add a table)."""
    tables = base_tables()
    for case in CASES:
        if case.name not in ("unknown_table", "missing_table"):
            case.change(tables)
    return tables


def _ragged(folder: Path) -> Path:
    """A places row with too many cells: its id is lost, references to it are traced."""
    lines = (folder / "places.csv").read_text("utf-8").splitlines()
    lines[3] += ",extra,cells"
    (folder / "places.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def _ledgers(root: Path) -> list[Path]:
    missing = next(c for c in CASES if c.name == "missing_table")
    out = [write_csv(broken(missing), root / missing.name)]
    out.append(write_csv(_all_cases(), root / "all"))
    out.append(write_csv(_all_cases(), root / "zh", headers="zh", names="zh", encoding="gbk"))
    out.append(_ragged(write_csv(base_tables(), root / "ragged")))
    empty = write_csv(base_tables(), root / "empty")
    (empty / "people.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    out.append(empty)
    out.append(write_csv(base_tables(), root / "valid"))
    return out


def test_every_bad_ledger_gets_the_issues_of_the_whole_ledger_reader(tmp_path: Path) -> None:
    checked = 0
    for folder in _ledgers(tmp_path):
        whole = validate_raw(read_raw(folder))
        kept: dict[str, pd.DataFrame] = {}
        got = read_tables(folder, kept.__setitem__, key=KEY)
        assert got.errors == whole.errors, folder.name
        assert got.warnings == whole.warnings, folder.name
        assert got.counts == whole.counts, folder.name
        assert got.errors or set(kept) == set(TABLES), folder.name
        checked += bool(whole.errors)
    assert checked == 5  # every ledger but the valid one has errors


def test_a_valid_folder_gives_the_same_network_and_keeps_only_what_crosses_tables(
    tmp_path: Path,
) -> None:
    folder = write_csv(base_tables(), tmp_path / "ok")
    whole = validate_raw(read_raw(folder))
    tables = dict(whole.tables)
    tables["people"] = pseudonymize_people(tables["people"], KEY)
    want = Network(tables)
    kept: dict[str, pd.DataFrame] = {}
    got = read_tables(folder, kept.__setitem__, key=KEY)
    assert set(kept) == set(TABLES)
    for name in TABLES:
        pd.testing.assert_frame_equal(kept[name], want.tables[name], obj=name)
    assert read_ledger(folder, key=KEY).equals(want)
    # what stays in memory across tables: ids, references and a few typed columns
    assert list(got.tables["people"].columns) == ["id", "place_id"]
    assert "name" not in got.tables["organizations"] and "title" not in got.tables["matters"]


@pytest.mark.parametrize("where", ["workbook", "stray file"])
def test_other_sources_are_read_whole_with_the_same_result(tmp_path: Path, where: str) -> None:
    """A workbook, or a folder with a file that is no table, goes through ``read_raw``."""
    if where == "workbook":
        path = write_xlsx(base_tables(), tmp_path / "l.xlsx")
    else:
        path = write_csv(base_tables(), tmp_path / "f")
        (path / "notes.csv").write_text("a,b\n1,2\n", "utf-8")
    whole = validate_raw(read_raw(path))
    kept: dict[str, pd.DataFrame] = {}
    got = read_tables(path, kept.__setitem__, key=KEY)
    assert (got.errors, got.warnings, got.counts) == (whole.errors, whole.warnings, whole.counts)
    assert bool(got.errors) == (where == "stray file")
    assert len(kept) == (0 if got.errors else len(TABLES))
