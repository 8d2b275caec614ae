"""Validation: every rule of docs/ledger.md names table, row, column and value; all at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govnet.cli.main import app
from loaders.errors import LedgerInvalid
from loaders.ledger import read_ledger, validate_ledger
from tests.bad_ledgers import CASES, Case, base_tables, broken, write_csv, write_xlsx

RULES = {
    "unknown table",
    "missing required table",
    "missing required column",
    "bad enumeration value",
    "duplicate id",
    "reference to an unknown id",
    "parent of the wrong kind",
    "parent cycle",
    "link type between kinds it does not allow",
    "unparseable number",
    "unparseable date",
    "closed_at before submitted_at",
    "replied_at before submitted_at",
    "required value missing",
    "duplicate conditions row",
}


def test_corpus_covers_every_rule() -> None:
    assert {c.rule for c in CASES} == RULES


def test_base_ledger_is_valid(tmp_path: Path) -> None:
    report = validate_ledger(write_csv(base_tables(), tmp_path / "ok"))
    assert report.errors == []
    assert report.warnings == []
    assert report.counts["links"] == 9
    assert report.network is not None


def _matches(case: Case, errors) -> None:
    for want in case.expect:
        hits = [
            e
            for e in errors
            if e.table == want.table
            and e.row == want.row
            and e.column == want.column
            and want.words in e.message
        ]
        assert hits, f"{case.name}: no error {want} in {[str(e) for e in errors]}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_broken_csv(case: Case, tmp_path: Path) -> None:
    folder = write_csv(broken(case), tmp_path / case.name)
    with pytest.raises(LedgerInvalid) as info:
        read_ledger(folder)
    _matches(case, info.value.errors)
    # exactly the broken thing is reported: no noise from the rest of the ledger
    if case.alone:
        assert len(info.value.errors) == len(case.expect), [str(e) for e in info.value.errors]
    for e in info.value.errors:
        assert e.row is None or (e.file and e.file.endswith(".csv"))


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.name
        in (
            "bad_place_kind",
            "unknown_ref",
            "parent_cycle",
            "closed_before_submitted",
            "unknown_table",
        )
    ],
    ids=lambda c: c.name,
)
def test_broken_xlsx_names_the_sheet(case: Case, tmp_path: Path) -> None:
    path = write_xlsx(broken(case), tmp_path / "ledger.xlsx", headers="zh", names="zh")
    report = validate_ledger(path)
    _matches(case, report.errors)
    assert report.network is None
    assert all(e.sheet for e in report.errors)


def test_unknown_value_is_shown(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "bad_place_kind")
    report = validate_ledger(write_csv(broken(case), tmp_path / "x"))
    (err,) = report.errors
    assert err.value == "villagex"
    assert "社区" in err.message  # the allowed values are listed, Chinese first


def test_all_errors_are_collected(tmp_path: Path) -> None:
    """One run reports every problem, not just the first."""
    tables = base_tables()
    names = {
        "bad_org_kind",
        "bad_status",
        "bad_domain",
        "bad_role",
        "bad_bool",
        "unknown_ref",
        "ref_wrong_table",
        "link_wrong_kinds",
        "bad_int",
        "bad_date",
        "closed_before_submitted",
        "required_missing",
        "parent_wrong_kind",
    }
    picked = [c for c in CASES if c.name in names]
    assert len(picked) == len(names)
    for case in picked:
        case.change(tables)
    report = validate_ledger(write_csv(tables, tmp_path / "many"))
    for case in picked:
        _matches(case, report.errors)


def test_warnings_do_not_block(tmp_path: Path) -> None:
    tables = base_tables()
    tables["conditions"] = tables["conditions"].iloc[:1]  # the village has no conditions
    tables["links"].loc[4, "until"] = "2022-01-01"  # ends before it starts
    tables["links"].loc[9] = tables["links"].loc[0]  # the same link twice
    report = validate_ledger(write_csv(tables, tmp_path / "w"))
    assert report.errors == []
    got = {(w.table, w.row, w.column): w.message for w in report.warnings}
    assert "no conditions row" in got[("places", 5, "id")]
    assert "until is before since" in got[("links", 6, "until")]
    assert "duplicate link" in got[("links", 11, "type")]
    assert report.network is not None
    assert len(report.network.warnings) == 3


def test_nothing_half_built(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "unknown_ref")
    report = validate_ledger(write_csv(broken(case), tmp_path / "x"))
    assert report.network is None and not report.valid


# --- command line -------------------------------------------------------------------------------


def test_cli_validate_text(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "unknown_ref")
    folder = write_csv(broken(case), tmp_path / "x")
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1, result.output
    assert "people" in result.output and "place_id" in result.output and "c9" in result.output

    ok = CliRunner().invoke(app, ["validate", str(write_csv(base_tables(), tmp_path / "ok"))])
    assert ok.exit_code == 0, ok.output
    assert "valid" in ok.output


def test_cli_validate_json(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "bad_date")
    result = CliRunner().invoke(
        app, ["validate", str(write_csv(broken(case), tmp_path / "x")), "--format", "json"]
    )
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["valid"] is False
    (err,) = out["errors"]
    assert (err["table"], err["row"], err["column"], err["value"]) == (
        "organizations",
        2,
        "founded",
        "someday",
    )
    assert out["counts"]["organizations"] == 6

    ok = CliRunner().invoke(
        app, ["validate", str(write_csv(base_tables(), tmp_path / "ok")), "--format", "json"]
    )
    assert ok.exit_code == 0
    assert json.loads(ok.stdout) == {
        "valid": True,
        "errors": [],
        "warnings": [],
        "counts": {
            "places": 8,
            "conditions": 2,
            "organizations": 6,
            "people": 3,
            "matters": 2,
            "resources": 2,
            "links": 9,
        },
    }


def test_cli_info(tmp_path: Path) -> None:
    folder = write_csv(base_tables(), tmp_path / "ok")
    result = CliRunner().invoke(app, ["info", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    nodes = {(n["label"], n["kind"]): n["count"] for n in out["nodes"]}
    edges = {e["type"]: e["count"] for e in out["edges"]}
    assert nodes[("Place", "community")] == 1
    assert nodes[("Person", "person")] == 3
    assert sum(nodes.values()) == 8 + 6 + 3 + 2 + 2
    assert edges["PART_OF"] == 7  # every place but the district
    assert edges["LEADS"] == 1 and edges["HANDLES"] == 1 and edges["PROVIDES"] == 2
    text = CliRunner().invoke(app, ["info", str(folder)])
    assert text.exit_code == 0 and "Place" in text.output

    bad = next(c for c in CASES if c.name == "unknown_ref")
    failed = CliRunner().invoke(app, ["info", str(write_csv(broken(bad), tmp_path / "x"))])
    assert failed.exit_code == 1
