"""Writers: a ledger written and read back is the same ledger, in either format."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from graph.network import Network
from graph.schema import ENUMS, TABLES
from loaders.ledger import read_ledger
from loaders.write import EXCEL_MAX_ROWS, write_csv, write_xlsx


def test_round_trip_csv_then_xlsx(demo_net: Network, tmp_path: Path) -> None:
    """generate → CSV → read (demo_net) → CSV and xlsx from typed tables → read: equal."""
    write_csv(demo_net.tables, tmp_path / "csv")
    again = read_ledger(tmp_path / "csv")
    assert again.equals(demo_net)
    write_xlsx(again.tables, tmp_path / "ledger.xlsx")
    from_xlsx = read_ledger(tmp_path / "ledger.xlsx")
    assert from_xlsx.equals(demo_net)


def test_workbook_speaks_chinese(demo_dir: Path) -> None:
    wb = openpyxl.load_workbook(demo_dir / "ledger.xlsx", read_only=True)
    assert wb.sheetnames == [t.zh for t in TABLES.values()]
    for spec in TABLES.values():
        header = [c.value for c in next(wb[spec.zh].iter_rows(max_row=1))]
        assert header[: len(spec.columns)] == [c.zh for c in spec.columns]
    places = wb[TABLES["places"].zh]
    kinds = {row[2] for row in places.iter_rows(min_row=2, max_row=400, values_only=True)}
    assert kinds <= set(ENUMS["place_kind"].values()) and "街道" in kinds
    people = wb[TABLES["people"].zh]
    rows = list(people.iter_rows(min_row=2, max_row=2000, values_only=True))
    assert {r[3] for r in rows} == {"是", "否"}
    roles = {part for r in rows if r[4] for part in r[4].split(";")}
    assert roles and roles <= set(ENUMS["role"].values())
    matters = wb[TABLES["matters"].zh]
    row = next(matters.iter_rows(min_row=2, max_row=2, values_only=True))
    assert len(row[5]) == 19 and row[5][4] == "-" and row[5][10] == " "  # with time
    cond = wb[TABLES["conditions"].zh]
    header = [c.value for c in next(cond.iter_rows(max_row=1))]
    assert "elderly" in header
    wb.close()


def test_csv_speaks_english(demo_dir: Path) -> None:
    people = pd.read_csv(demo_dir / "csv" / "people.csv", dtype=str, nrows=2000)
    assert list(people.columns) == TABLES["people"].column_keys
    assert set(people["party_member"]) == {"true", "false"}
    links = pd.read_csv(demo_dir / "csv" / "links.csv", dtype=str, nrows=2000)
    assert links["since"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    orgs = pd.read_csv(demo_dir / "csv" / "organizations.csv", dtype=str)
    assert set(orgs["kind"]) <= set(ENUMS["org_kind"])


def test_same_tables_same_workbook_bytes(tmp_path: Path) -> None:
    tables = {
        "places": pd.DataFrame(
            {"id": ["D1", "S1"], "name": ["二七区", "大学路街道"], "kind": ["district", "street"],
             "parent_id": [None, "D1"]}
        )
    }  # fmt: skip
    write_xlsx(tables, tmp_path / "a.xlsx")
    write_xlsx(tables, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    net = read_ledger(tmp_path / "a.xlsx")
    assert net.tables["places"]["parent_id"].tolist()[1] == "D1"
    assert len(net.tables["people"]) == 0


def test_too_long_for_excel_is_refused(tmp_path: Path) -> None:
    long = pd.DataFrame({"source_id": ["a"] * EXCEL_MAX_ROWS})
    with pytest.raises(ValueError, match="Excel"):
        write_xlsx({"links": long}, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
