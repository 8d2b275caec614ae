"""Rubric files: validation with clear errors, and their effect on stars, goods and the red flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis import RubricError, analyze, load_rubric
from graph.analysis.rubric import RUBRIC_DIR, read_rubric_file
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_rubrics_load() -> None:
    r = load_rubric()
    assert [s.name for s in r.for_kind("community").stars] == [
        "支部过硬",
        "共建共享",
        "平安法治",
        "幸福和谐",
        "宜业兴业",
    ]
    assert [s.name for s in r.for_kind("village").stars] == [
        "支部过硬",
        "产业兴旺",
        "生态宜居",
        "平安法治",
        "文明幸福",
    ]
    assert [g.name for g in r.goods] == [
        "领导班子好",
        "队伍建设好",
        "推动发展好",
        "基层治理好",
        "服务群众好",
    ]
    assert r.red_flag.name == "红旗"
    assert r.for_kind("community").settings.claim_days == 0
    assert r.for_kind("community").settings.reply_days == 3
    assert r.for_kind("village").settings.major_close_days == 30
    assert r.for_kind("village").settings.weak_min == 3
    assert r.for_kind("community").settings.close_days == 7


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('metric = "reachh", op = ">=", value = 1', "unknown community metric 'reachh'"),
        ('metric = "reach", op = "=>", value = 1', "criteria.0.op"),
        ('metric = "reach", op = ">=", value = "high"', "criteria.0.value"),
        ('metric = "brokers", op = ">=", value = 1', "unknown community metric 'brokers'"),
    ],
)
def test_bad_criteria_are_named(tmp_path, body: str, message: str) -> None:
    path = _write(
        tmp_path,
        f'applies_to = "community"\n[[stars]]\nkey = "a"\nname = "A"\ncriteria = [{{ {body} }}]\n',
    )
    with pytest.raises(RubricError) as err:
        read_rubric_file(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_bad_files(tmp_path) -> None:
    with pytest.raises(RubricError, match="not found"):
        load_rubric(tmp_path / "missing.toml")
    with pytest.raises(RubricError, match="not valid TOML"):
        read_rubric_file(_write(tmp_path, "applies_to = \n"))
    with pytest.raises(RubricError, match="applies_to"):
        read_rubric_file(_write(tmp_path, 'applies_to = "street"\n'))
    bad_good = (RUBRIC_DIR / "village.toml").read_text(encoding="utf-8") + (
        '[[goods]]\nkey = "g"\nname = "G"\n'
        'criteria = [{ metric = "reach", op = ">=", value = 1 }]\n'
    )
    with pytest.raises(RubricError, match="unknown street metric 'reach'"):
        read_rubric_file(_write(tmp_path, bad_good))


def test_district_rubric_changes_stars_goods_and_flag(tmp_path) -> None:
    """An easy rubric: C1's first star needs reach ≥ 0.4 (C1 has exactly 0.4)."""
    path = _write(
        tmp_path,
        """
applies_to = "community"
[settings]
claim_days = 3
close_days = 7
co_building_min = 0
[[stars]]
key = "s1"
name = "支部过硬"
criteria = [
  { metric = "has_core", op = "==", value = true },
  { metric = "reach", op = ">=", value = 0.4 },
]
[[stars]]
key = "s2"
name = "共建共享"
criteria = [{ metric = "co_building_units", op = ">", value = 1 }]
[[goods]]
key = "g1"
name = "领导班子好"
criteria = [{ metric = "has_core_share", op = ">=", value = 1 }]
[red_flag]
key = "flag"
name = "红旗"
criteria = [{ metric = "min_goods", op = ">=", value = 0 }]
""",
    )
    a = analyze(read_ledger(SMALL), 2024, str(path))
    c = a.communities.set_index("id")
    assert (c.loc["C1", "stars"], c.loc["C2", "stars"]) == (2, 0)  # C2: reach 0.25
    assert c.loc["V1", "stars"] == 0  # villages keep the shipped village rubric
    # claim within 3 days makes M2 (claimed after 2 days) on time: 2 of the 4 due
    assert c.loc["C1", "sla_rate"] == pytest.approx(2 / 4)
    assert list(a.streets.set_index("id")["goods"]) == [1, 0]  # S2's village has no core
    assert bool(a.district.iloc[0]["red_flag"])
    # co_building_min 0: no partner suggestions for communities
    s = a.suggestions
    assert set(s[s["kind"] == "co_building"]["community_id"]) == {"V1"}
