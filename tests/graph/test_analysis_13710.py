"""13710 and 三零, hand-worked: every case of the spec on a tiny ledger read by the loaders.

Community CA (rubric defaults: claim 0, reply 3, close 7, major 30 calendar days), as of
2024; ✓ on time, ✗ late, – not due:

    A1  ✓ claimed 9 hours later, the same day; replied next day; closed day 4
    A2  ✗ claimed 9 hours later, but the next calendar day
    A3  ✓ replied on day 3, closed on day 7 (both limits exactly)
    A4  ✓ never replied, but closed on day 2: closed before the reply limit
    A5  ✗ replied on day 4 (closed day 5)
    A6  ✗ ordinary, closed on day 8
    A7  ✓ major, closed on day 20
    A8  ✗ major, closed on day 31
    A9  – ordinary, open, submitted 12-28: its limit ends 2025-01-04
    A10 – major, open, submitted 12-10: its limit ends 2025-01-09
    A11 ✗ open and overdue (submitted 11-01)
    A12 ✗ open, submitted 12-24: its limit ends 12-31 itself, so it is due
    A13   submitted 2023, still open: not in 2024's rate, in 2024's backlog
    A14 – submitted 12-29, closed only 2025-01-02: open as of 2024, not yet due

sla_rate = 4 due on time (A1 A3 A4 A7) / 10 due; backlog = A9–A14 = 6.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from graph.analysis import analyze, to_json, write_report
from loaders.ledger import read_ledger

MATTERS = [
    # id, submitted, claimed, replied, closed, major
    ("A1", "2024-03-01 09:00", "2024-03-01 18:00", "2024-03-02", "2024-03-05", ""),
    ("A2", "2024-03-01 23:00", "2024-03-02 08:00", "2024-03-02", "2024-03-03", ""),
    ("A3", "2024-04-01", "2024-04-01", "2024-04-04", "2024-04-08", "否"),
    ("A4", "2024-04-10", "2024-04-10", "", "2024-04-12", ""),
    ("A5", "2024-05-01", "2024-05-01", "2024-05-05", "2024-05-06", ""),
    ("A6", "2024-06-01", "2024-06-01", "2024-06-02", "2024-06-09", ""),
    ("A7", "2024-06-01", "2024-06-01", "2024-06-02", "2024-06-21", "是"),
    ("A8", "2024-07-01", "2024-07-01", "2024-07-02", "2024-08-01", "是"),
    ("A9", "2024-12-28", "2024-12-28", "2024-12-29", "", ""),
    ("A10", "2024-12-10", "2024-12-10", "2024-12-11", "", "是"),
    ("A11", "2024-11-01", "2024-11-01", "2024-11-02", "", ""),
    ("A12", "2024-12-24", "2024-12-24", "", "", ""),
    ("A13", "2023-06-01", "2023-06-01", "2023-06-02", "", ""),
    ("A14", "2024-12-29", "2024-12-29", "2024-12-30", "2025-01-02", ""),
    ("B1", "2024-02-01", "2024-02-01", "2024-02-01", "2024-02-02", ""),
]
CONDITIONS = [
    # place, year, population, petitions, accidents, criminal_cases
    ("CA", 2024, 1000, 0, 0, 0),  # all recorded, all zero → 三零
    ("CB", 2024, 1000, 2, 0, None),  # one above zero → not
    ("CC", 2024, 1000, None, None, None),  # none recorded → unknown
    ("CD", 2023, 1000, 0, 0, 0),  # only an earlier year → unknown for 2024
]


def _ledger(folder: Path, replies: bool = True) -> Path:
    folder.mkdir()
    places = [("D", "区", "district", ""), ("S", "街道", "street", "D")]
    places += [(c, c, "community", "S") for c in ("CA", "CB", "CC", "CD")]
    pd.DataFrame(places, columns=["id", "name", "kind", "parent_id"]).to_csv(
        folder / "places.csv", index=False
    )
    cols = ["place_id", "year", "population", "petitions", "accidents", "criminal_cases"]
    cond = pd.DataFrame(CONDITIONS, columns=cols).astype({c: "Int64" for c in cols[2:]})
    cond.to_csv(folder / "conditions.csv", index=False)
    m = pd.DataFrame(
        MATTERS, columns=["id", "submitted_at", "claimed_at", "replied_at", "closed_at", "major"]
    )
    m.insert(1, "place_id", ["CB" if i.startswith("B") else "CA" for i in m["id"]])
    m.insert(2, "domain", "other")
    m.insert(3, "status", ["closed" if c else "in_progress" for c in m["closed_at"]])
    if not replies:
        m = m.drop(columns="replied_at")
    m.to_csv(folder / "matters.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ledger(tmp_path_factory.mktemp("l13710") / "ledger")


@pytest.fixture(scope="module")
def a24(folder: Path):
    return analyze(read_ledger(folder), 2024)


def test_every_13710_case(a24) -> None:
    e = a24.explain("CA", "sla_rate")
    assert sorted(e["denominator"]) == sorted(
        ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A11", "A12"]
    )
    assert sorted(e["numerator"]) == ["A1", "A3", "A4", "A7"]
    ca = a24.community("CA")
    assert ca["sla_rate"] == pytest.approx(4 / 10)
    assert (ca["needs_total"], ca["needs_closed"]) == (13, 8)  # A14 closes only in 2025
    assert sorted(a24.explain("CA", "backlog")["numerator"]) == [
        "A10",
        "A11",
        "A12",
        "A13",
        "A14",
        "A9",
    ]
    assert (ca["backlog"], ca["cleared"]) == (6, False)
    cb = a24.community("CB")
    assert (cb["sla_rate"], cb["backlog"], cb["cleared"]) == (1.0, 0, True)
    cc = a24.community("CC")  # no matters: nothing due, nothing open
    assert (cc["sla_rate"], cc["backlog"], cc["cleared"]) == (None, 0, True)


def test_backlog_of_an_earlier_year(folder: Path) -> None:
    a = analyze(read_ledger(folder), 2023)
    ca = a.community("CA")
    assert a.explain("CA", "backlog")["numerator"] == ["A13"]
    assert a.explain("CA", "sla_rate") == {"numerator": [], "denominator": ["A13"]}
    assert (ca["backlog"], ca["sla_rate"]) == (1, 0.0)


def test_reply_limit_only_when_the_ledger_records_replies(tmp_path: Path) -> None:
    """Without a replied_at column A5 (replied on day 4) is on time: 5 of 10."""
    a = analyze(read_ledger(_ledger(tmp_path / "noreply", replies=False)), 2024)
    assert sorted(a.explain("CA", "sla_rate")["numerator"]) == ["A1", "A3", "A4", "A5", "A7"]
    assert a.community("CA")["sla_rate"] == pytest.approx(5 / 10)


def test_rubric_limits_are_settings(folder: Path, tmp_path: Path) -> None:
    """claim_days 1 lets A2 (claimed the next day) through; major_close_days 31 lets A8."""
    from graph.analysis.rubric import RUBRIC_DIR

    text = (RUBRIC_DIR / "community.toml").read_text(encoding="utf-8")
    text = text.replace("claim_days = 0", "claim_days = 1")
    text = text.replace("major_close_days = 30", "major_close_days = 31")
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    a = analyze(read_ledger(folder), 2024, str(path))
    assert sorted(a.explain("CA", "sla_rate")["numerator"]) == ["A1", "A2", "A3", "A4", "A7", "A8"]


def test_three_zero(a24) -> None:
    got = {c: a24.community(c)["three_zero"] for c in ("CA", "CB", "CC", "CD")}
    assert got == {"CA": True, "CB": False, "CC": None, "CD": None}


def test_unknown_criteria_are_shown_as_unknown_not_failed(a24, tmp_path: Path) -> None:
    """平安法治 tests three_zero: CA met, CB failed, CC and CD unknown — in every output."""
    d = a24.star_detail[a24.star_detail["metric"] == "three_zero"].set_index("community_id")
    assert list(d.loc[["CA", "CB", "CC"], "met"]) == [True, False, False]
    assert list(d.loc[["CA", "CB", "CC"], "unknown"]) == [False, False, True]
    crit = {
        c["id"]: next(
            x for s in c["star_detail"] for x in s["criteria"] if x["metric"] == "three_zero"
        )
        for c in to_json(a24)["communities"]
    }
    assert (crit["CB"]["met"], crit["CB"]["unknown"]) == (False, False)
    assert (crit["CC"]["met"], crit["CC"]["unknown"], crit["CC"]["actual"]) == (False, True, None)

    sheets = pd.read_excel(write_report(a24, tmp_path / "r.xlsx"), None, engine="openpyxl")
    stars = sheets["星级对照"]
    tz = stars[stars["指标"] == "三零"].set_index("社区(村)编号")["该项达标"]
    assert (tz["CA"], tz["CB"], tz["CC"]) == ("是", "否", "未知(数据缺口)")

    from govnet.app.stars import criteria_table, star_matrix

    rows = criteria_table(a24.star_detail, "community_id", "CC")
    assert "? 未知(数据缺口)" in set(rows["✓"]) and "✗" in set(rows["✓"])
    matrix = star_matrix(a24, {}, ["CA", "CB"])
    # CA: three_zero met, but no grids or buildings to extend into → unknown; CB fails 三零
    assert (matrix.loc["CA", "平安法治"], matrix.loc["CB", "平安法治"]) == ("?", "✗")

    from govnet.cli.main import app

    out = CliRunner().invoke(app, ["analyze", str(_ledger(tmp_path / "cli")), "-y", "2024"])
    assert out.exit_code == 0, out.output
    assert "数据缺口" in out.output
    j = CliRunner().invoke(app, ["analyze", str(tmp_path / "cli"), "-y", "2024", "-f", "json"])
    assert json.loads(j.stdout)["metrics"]["three_zero"]["zh"] == "三零"
