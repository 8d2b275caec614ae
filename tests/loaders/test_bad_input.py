"""Broken files, not just broken values: each gets a clear error, never a stack trace."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from govnet.cli.main import app
from loaders.errors import LedgerInvalid
from loaders.ledger import read_ledger, validate_ledger
from tests.bad_ledgers import base_tables, write_csv, write_xlsx


def _errors(path: Path) -> list[str]:
    with pytest.raises(LedgerInvalid) as info:
        read_ledger(path)
    return [str(e) for e in info.value.errors]


def test_empty_xlsx_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert any("empty" in e for e in _errors(path))


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"this is not a workbook" * 10)
    assert any("cannot open workbook" in e for e in _errors(path))


def test_empty_csv_file(tmp_path: Path) -> None:
    folder = write_csv(base_tables(), tmp_path / "f")
    (folder / "people.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    errors = _errors(folder)
    assert any("people.csv" in e and "empty" in e for e in errors)


def test_workbook_without_ledger_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.save(tmp_path / "w.xlsx")
    assert any("no ledger sheets" in e for e in _errors(tmp_path / "w.xlsx"))


def test_workbook_missing_places_sheet(tmp_path: Path) -> None:
    tables = base_tables()
    del tables["places"]
    errors = _errors(write_xlsx(tables, tmp_path / "m.xlsx", names="zh"))
    assert any("missing required table places" in e for e in errors)


def test_workbook_missing_optional_sheet(tmp_path: Path) -> None:
    tables = base_tables()
    del tables["resources"], tables["conditions"]
    tables["links"] = tables["links"].drop(index=5)  # r1 FULFILLS m1 went with the resources
    net = read_ledger(write_xlsx(tables, tmp_path / "o.xlsx", names="zh"))
    assert len(net.tables["resources"]) == 0 and len(net.tables["places"]) == 8


def test_unknown_sheet(tmp_path: Path) -> None:
    path = write_xlsx(base_tables(), tmp_path / "u.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("预算")
    wb.save(path)
    report = validate_ledger(path)
    (err,) = report.errors
    assert err.sheet == "预算" and "unknown table" in err.message


def test_table_twice(tmp_path: Path) -> None:
    path = write_xlsx(base_tables(), tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.copy_worksheet(wb["places"]).title = "地"
    wb.save(path)
    assert any("appears twice" in e for e in _errors(path))


def test_formula_cell(tmp_path: Path) -> None:
    path = write_xlsx(base_tables(), tmp_path / "f.xlsx", names="zh")
    wb = openpyxl.load_workbook(path)
    wb["情"]["C3"] = "=C2*2"
    wb.save(path)
    report = validate_ledger(path)
    (err,) = report.errors
    assert (err.sheet, err.row, err.column) == ("情", 3, "population")
    assert "formula in cell C3" in err.message and "paste values" in err.message


def test_text_starting_with_equals_is_not_a_formula(tmp_path: Path) -> None:
    path = write_xlsx(base_tables(), tmp_path / "e.xlsx")
    wb = openpyxl.load_workbook(path)
    cell = wb["matters"]["D2"]
    cell.value, cell.data_type = "=急=", "s"  # typed text, not a formula
    wb.save(path)
    net = read_ledger(path)
    assert net.tables["matters"]["title"].iloc[0] == "=急="


def test_merged_header_cells(tmp_path: Path) -> None:
    path = write_xlsx(base_tables(), tmp_path / "h.xlsx", headers="zh", names="zh")
    wb = openpyxl.load_workbook(path)
    ws = wb["地"]
    ws.merge_cells("E1:F1")  # 纬度 and 经度 under one merged header
    wb.save(path)
    report = validate_ledger(path)
    assert report.errors, "a merged header must be an error"
    err = report.errors[0]
    assert (err.sheet, err.row) == ("地", 1)
    assert "F1" in err.message and "merged" in err.message


def test_header_gap_in_csv(tmp_path: Path) -> None:
    folder = write_csv(base_tables(), tmp_path / "g")
    text = (folder / "resources.csv").read_text().replace("domain,", ",", 1)
    (folder / "resources.csv").write_text(text)
    errors = _errors(folder)
    assert any("resources.csv" in e and "empty header" in e for e in errors)


def test_ragged_csv_row(tmp_path: Path) -> None:
    folder = write_csv(base_tables(), tmp_path / "r")
    lines = (folder / "matters.csv").read_text().splitlines()
    lines[2] += ",extra,cells"
    (folder / "matters.csv").write_text("\n".join(lines) + "\n")
    report = validate_ledger(folder)
    (err,) = report.errors
    assert (err.table, err.row) == ("matters", 3) and "number of cells" in err.message


def test_not_a_ledger(tmp_path: Path) -> None:
    assert any("no such file" in e for e in _errors(tmp_path / "missing.xlsx"))
    (tmp_path / "old.xls").write_bytes(b"x")
    assert any(".xlsx" in e for e in _errors(tmp_path / "old.xls"))
    (tmp_path / "empty").mkdir()
    assert any("no CSV files" in e for e in _errors(tmp_path / "empty"))
    (tmp_path / "notes.txt").write_text("hello")
    assert any("expected an .xlsx" in e for e in _errors(tmp_path / "notes.txt"))


def test_cli_never_shows_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"garbage")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_one_bad_row_in_100000(tmp_path: Path) -> None:
    """The error names exactly the last row of a 100,000-row table."""
    n = 100_000
    tables = base_tables()
    more = pd.DataFrame(
        {
            "id": np.char.add("px", np.arange(n).astype(str)),
            "name": "某人",
            "place_id": np.where(np.arange(n) % 2 == 0, "c1", "b1"),
            "party_member": "否",
            "phone": np.char.add("137", np.arange(n).astype(str)),
        }
    )
    more.loc[n - 1, "place_id"] = "c404"
    tables["people"] = pd.concat([tables["people"], more], ignore_index=True)
    report = validate_ledger(write_csv(tables, tmp_path / "big"))
    last = len(tables["people"]) + 1  # header is row 1
    assert [(e.table, e.row, e.column, e.value) for e in report.errors] == [
        ("people", last, "place_id", "c404")
    ]
    assert report.counts["people"] == n + 3
