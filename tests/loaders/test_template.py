"""The empty ledger template: every sheet and column, drop-downs, and a help sheet."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from govnet.cli.main import app
from graph.schema import ENUMS, TABLES
from loaders.ledger import validate_ledger
from loaders.template import HELP_SHEET, header, write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "模板.xlsx")


def test_every_sheet_and_bilingual_header(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [HELP_SHEET] + [t.zh for t in TABLES.values()]
    for spec in TABLES.values():
        ws = wb[spec.zh]
        assert [c.value for c in ws[1]] == [f"{c.zh} {c.key}" for c in spec.columns]
        assert ws.max_row == 1
    assert header(TABLES["places"].column("id")) == "编号 id"


def test_drop_downs_list_the_chinese_values(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    for spec in TABLES.values():
        ws = wb[spec.zh]
        wanted = [c for c in spec.columns if c.type in ("enum", "bool")]
        found = ws.data_validations.dataValidation
        assert len(found) == len(wanted), spec.key
        for col, dv in zip(wanted, found, strict=True):
            values = dv.formula1.strip('"').split(",")
            enum = col.enum if col.type == "enum" else "bool"
            assert values == list(ENUMS[enum].values())
            letter = openpyxl.utils.get_column_letter(spec.column_keys.index(col.key) + 1)
            assert str(dv.sqref).startswith(f"{letter}2:")


def test_help_sheet_explains_every_column(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[HELP_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(t.columns) for t in TABLES.values())
    kind = next(r for r in rows if r[0] == "地 places" and r[1] == "kind")
    assert kind[3].startswith("是") and "街道" in kind[5]
    ref = next(r for r in rows if r[0] == "人 people" and r[1] == "place_id")
    assert "places.id" in ref[6]


def test_empty_template_is_a_valid_ledger(template: Path) -> None:
    report = validate_ledger(template)
    assert report.errors == []
    assert all(n == 0 for n in report.counts.values())


def test_template_is_reproducible(template: Path, tmp_path: Path) -> None:
    assert write_template(tmp_path / "again.xlsx").read_bytes() == template.read_bytes()


def test_cli_template(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["template", str(tmp_path / "t.xlsx")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "t.xlsx").exists()
    refused = runner.invoke(app, ["template", str(tmp_path / "t.csv")])
    assert refused.exit_code == 2
    assert "xlsx" in refused.output
