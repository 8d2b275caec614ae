"""Every metric of a small hand-built ledger, worked out by hand (tests/fixtures/small).

The ledger has a community whose leadership links form a cycle (C1), one whose highest
party organization is founded after the analysis year (C2), a village with no core and
no population (V1), links that ended before or exactly at the year's end, a link that
starts after it, a matter closed only after the year, and a unit not yet founded.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from govnet.cli.main import app
from graph.analysis import analyze, to_json, write_report
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture(scope="module")
def net():
    return read_ledger(SMALL)


@pytest.fixture(scope="module")
def a24(net):
    return analyze(net, 2024)


def row(a, cid: str) -> dict:
    return a.community(cid)


EXPECTED_2024 = {
    "C1": {
        "core": "O_C1",
        "population": 4000,
        "has_core": True,
        "ext_grid": 1 / 2,  # G1 has a party branch located in it; G2 none
        "ext_compound": 1 / 2,  # P2 has O_P2 ESTABLISHED_IN it
        "ext_building": 1 / 3,  # B1: party-member building leader; B2 leader not a member
        "ext_property": 2 / 3,  # PC1 (party org established in it), PC2 (led by O_C1); PC3 not
        "ext_owners": 1 / 2,  # OC1 has party member pe4 holding a role
        "ext_social": 1 / 2,  # SO1 reached via O_G1; SO2 serves P1 but not reached
        "coverage_index": 0.5,
        "reach": 4 / 10,  # RC1, OC1, PC2, SO1 of 10 actors (VT1 link starts 2025, U1's ended)
        "actor_kinds": 6,
        "co_building_units": 2,  # U1 (to C1), U2 (to O_C1); U3 ended, U4 not founded
        "reporting_members_per_1000": 2 / 4000 * 1000,  # pe6 (twice), pe7; pe8 ended
        "volunteers_per_1000": 4 / 4000 * 1000,  # pe3, pe9, pe10 (VT1), pe11 (VT2 serves G2)
        "needs_total": 5,
        "needs_closed": 2,  # M4 closed only in 2025
        "closure_rate": 2 / 5,
        "unmatched_needs": 1,  # M3 (safety): no safety resource of C1's actors or street S1
        "sla_rate": 1 / 4,  # M1 only of the due M1, M2 (claimed after 2 days), M3, M5 (open
        # past 7 days); M4 (submitted 12-30, closed only in 2025) is not yet due
        "backlog": 3,  # M3, M5 and M4 are open at the year's end
        "cleared": False,
        "three_zero": None,  # the ledger records no petitions, accidents or crimes
        "top_provider_share": 2 / 4,  # U1 provides R1→M1 and R3→M4 of 4 FULFILLS links
        "components": 8,
        "isolates": 3,  # PC1, PC3, U1
        "articulation_points": 2,  # O_C1b (cuts OC1), O_G1 (cuts SO1); OC1 only cuts a person
        "bridges": 10,
        "brokers": ["O_C1", "O_C1b", "OC1"],
        "core_constraint": 1 / 9 + 4 / 81 + 25 / 576,
        "weak_score": 3,
        "weak": True,  # weak_min 3
        "reasons": ["reporting_members_per_1000", "volunteers_per_1000", "closure_rate"],
        "data_gaps": [],
        "completeness": 1.0,
    },
    "C2": {
        "core": "O_C2",  # the general branch is founded in 2025
        "population": 1000,  # latest earlier year (2022)
        "ext_grid": 0.0,
        "ext_compound": 0.0,
        "ext_building": 0.0,
        "ext_property": 1.0,
        "ext_owners": None,
        "ext_social": 0.0,
        "coverage_index": 0.2,
        "reach": 0.25,
        "actor_kinds": 4,
        "co_building_units": 0,
        "reporting_members_per_1000": 1.0,
        "volunteers_per_1000": 2.0,
        "needs_total": 1,
        "needs_closed": 1,
        "closure_rate": 1.0,
        "unmatched_needs": 0,
        "sla_rate": 0.0,  # closed after exactly 7 days, but claimed the next day (limit 0)
        "backlog": 0,
        "cleared": True,
        "top_provider_share": None,
        "components": 7,
        "isolates": 2,
        "articulation_points": 0,
        "bridges": 2,
        "brokers": [],
        "core_constraint": 1.0,
        "weak_score": 1,
        "weak": False,
        "reasons": ["co_building_units"],
        "data_gaps": [],
    },
    "V1": {
        "core": None,
        "population": None,
        "has_core": False,
        "ext_grid": 0.0,
        "ext_compound": None,
        "coverage_index": 0.0,
        "reach": 0.0,
        "actor_kinds": 2,
        "co_building_units": 1,
        "reporting_members_per_1000": None,
        "volunteers_per_1000": None,
        "needs_total": 0,
        "closure_rate": None,
        "sla_rate": None,
        "components": 2,
        "isolates": 1,
        "articulation_points": None,
        "bridges": 2,
        "brokers": ["VC1"],
        "core_constraint": None,
        "backlog": 0,
        "cleared": True,
        "weak_score": 4,  # two low metrics, +2 without a core; unknown ones are not low
        "weak": True,
        "reasons": ["coverage_index", "reach", "no_core"],
        "data_gaps": ["reporting_members_per_1000", "volunteers_per_1000", "closure_rate"],
        "completeness": 0.5,
    },
}


@pytest.mark.parametrize("cid", sorted(EXPECTED_2024))
def test_hand_worked_metrics_2024(a24, cid: str) -> None:
    got = row(a24, cid)
    for metric, want in EXPECTED_2024[cid].items():
        if isinstance(want, float):
            assert got[metric] == pytest.approx(want), metric
        else:
            assert got[metric] == want, metric


def test_links_and_population_as_of_2023(net) -> None:
    a = analyze(net, 2023)
    c1 = a.community("C1")
    assert c1["population"] == 2000
    assert c1["reach"] == pytest.approx(5 / 10)  # O_C1 LEADS U1 still counts in 2023
    assert c1["reporting_members_per_1000"] == pytest.approx(1.0)
    assert (c1["needs_total"], c1["needs_closed"], c1["sla_rate"]) == (1, 1, 1.0)
    assert c1["top_provider_share"] is None
    assert a.community("C2")["population"] == 1000


def test_default_year_is_latest(net) -> None:
    assert analyze(net).year == 2024


def test_explain_share_and_count_metrics(a24) -> None:
    assert a24.explain("C1", "reach") == {
        "numerator": ["OC1", "PC2", "RC1", "SO1"],
        "denominator": ["OC1", "OC2", "PC1", "PC2", "PC3", "RC1", "SO1", "U1", "U2", "VT1"],
    }
    assert a24.explain("C1", "ext_property") == {
        "numerator": ["PC1", "PC2"],
        "denominator": ["PC1", "PC2", "PC3"],
    }
    assert a24.explain("C1", "sla_rate") == {
        "numerator": ["M1"],
        "denominator": ["M1", "M2", "M3", "M5"],
    }
    assert a24.explain("C1", "backlog")["numerator"] == ["M3", "M4", "M5"]
    assert a24.explain("C1", "top_provider_share")["numerator"] == ["R1→M1", "R3→M4"]
    assert a24.explain("C1", "articulation_points")["numerator"] == ["O_C1b", "O_G1"]
    assert a24.explain("C2", "ext_owners") == {"numerator": [], "denominator": []}
    with pytest.raises(ValueError, match="explainable"):
        a24.explain("C1", "coverage_index")
    with pytest.raises(KeyError):
        a24.explain("C9", "reach")


def test_shares_match_their_explanations(a24) -> None:
    """Every share equals len(numerator)/len(denominator) of its explanation."""
    for cid in a24.communities["id"]:
        for metric in ("ext_grid", "ext_compound", "ext_building", "ext_property", "ext_owners"):
            e = a24.explain(cid, metric)
            value = a24.community(cid)[metric]
            if not e["denominator"]:
                assert value is None
            else:
                assert value == pytest.approx(len(e["numerator"]) / len(e["denominator"]))


def test_suggestions(a24) -> None:
    s = a24.suggestions
    res = s[s["kind"] == "resource"][["matter_id", "resource_id", "cost"]]
    assert sorted(map(tuple, res.to_numpy().tolist())) == [("M3", "R6", 4), ("M5", "R2", 1)]
    cb = s[s["kind"] == "co_building"][["community_id", "unit_id"]]
    # C1 (weak, 2 < 3 units) gets U6 (street S1, no partners); V1 (1 < 2) gets U3 (town S2)
    assert sorted(map(tuple, cb.to_numpy().tolist())) == [("C1", "U6"), ("V1", "U3")]


def test_stars_rollups_and_red_flag(a24) -> None:
    assert dict(zip(a24.communities["id"], a24.communities["stars"], strict=True)) == {
        "C1": 0,
        "C2": 0,  # 宜业兴业 needs sla_rate ≥ 0.6: C2's one matter was claimed a day late
        "V1": 0,
    }
    d = a24.star_detail
    reach = d[(d["community_id"] == "C1") & (d["metric"] == "reach")].iloc[0]
    assert (reach["required"], reach["actual"], bool(reach["met"])) == (0.6, 0.4, False)
    assert not reach["unknown"]
    # 平安法治 tests three_zero, which this ledger does not record: unknown, not failed
    tz = d[(d["community_id"] == "C1") & (d["metric"] == "three_zero")].iloc[0]
    assert (tz["actual"], bool(tz["met"]), bool(tz["unknown"])) == (None, False, True)
    s1 = a24.streets.set_index("id").loc["S1"]
    assert s1["communities"] == 2 and s1["weak_count"] == 1
    assert s1["mean_coverage_index"] == pytest.approx(0.35)
    assert s1["closure_rate"] == pytest.approx(3 / 6)
    district = a24.district.iloc[0]
    assert district["communities"] == 3 and district["streets"] == 2
    assert not district["red_flag"]


def test_json_shape_has_no_nan(a24) -> None:
    j = to_json(a24)
    text = json.dumps(j, ensure_ascii=False, allow_nan=False)  # raises on NaN
    assert j["year"] == 2024 and j["district"]["id"] == "D1"
    c1 = next(c for c in j["communities"] if c["id"] == "C1")
    for key in ("id", "name", "kind", "street_id", "core", "reasons", "stars", "star_detail"):
        assert key in c1
    assert c1["ext_owners"] == 0.5 and j["communities"][1]["ext_owners"] is None
    assert c1["star_detail"][0]["criteria"][0]["metric"] == "has_core"
    assert {s["kind"] for s in j["suggestions"]} == {"resource", "co_building"}
    assert "NaN" not in text


def test_report_xlsx(a24, tmp_path) -> None:
    path = write_report(a24, tmp_path / "r.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    first = sheets["社区村指标2024"]
    assert list(first.columns[:3]) == ["编号", "名称", "类型"]
    assert list(first["编号"]) == ["V1", "C1", "C2"]  # weak first, by weak score
    assert "引领度" in first.columns and "建议链接" in sheets


def test_cli_formats(tmp_path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["analyze", str(SMALL), "--format", "json"])
    assert r.exit_code == 0, r.output
    j = json.loads(r.stdout)
    assert j["year"] == 2024 and len(j["communities"]) == 3
    r = runner.invoke(
        app, ["analyze", str(SMALL), "-y", "2023", "-f", "xlsx", "-o", str(tmp_path / "a.xlsx")]
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "a.xlsx").exists()
    r = runner.invoke(app, ["analyze", str(SMALL)])
    assert r.exit_code == 0 and "C1" in r.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'applies_to = "community"\n[[stars]]\nkey="a"\nname="b"\n'
        'criteria=[{metric="reachh", op=">=", value=1}]\n',
        encoding="utf-8",
    )
    r = runner.invoke(app, ["analyze", str(SMALL), "--rubric", str(bad)])
    assert r.exit_code == 2 and "reachh" in r.output


def test_no_nan_anywhere_in_communities(a24) -> None:
    lists = ["brokers", "reasons", "data_gaps"]
    for value in a24.communities.drop(columns=lists).to_numpy().ravel():
        assert not (isinstance(value, float) and math.isnan(value))


def test_ledgers_without_communities_or_streets() -> None:
    """No community at all, or a community with no street above it: empty or partial roll-ups."""
    from graph.network import Network

    places = pd.DataFrame(
        [
            {"id": "D", "name": "D", "kind": "district"},
            {"id": "S", "name": "S", "kind": "street", "parent_id": "D"},
        ]
    )
    conditions = pd.DataFrame([{"place_id": "S", "year": 2024, "population": 10}])
    a = analyze(Network({"places": places, "conditions": conditions}), 2024)
    assert a.communities.empty and a.streets.empty
    json.dumps(to_json(a), allow_nan=False)

    lone = pd.DataFrame([{"id": "C", "name": "C", "kind": "community"}])
    matter = {"id": "M", "place_id": "C", "domain": "other", "status": "submitted"}
    matters = pd.DataFrame([{**matter, "submitted_at": pd.Timestamp("2024-01-01")}])
    b = analyze(Network({"places": lone, "matters": matters}))
    c = b.community("C")
    assert (c["needs_total"], c["closure_rate"], c["has_core"]) == (1, 0.0, False)
    assert b.streets.empty
