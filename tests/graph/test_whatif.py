"""What-if scenarios: hand-worked changes on the small fixture, suggestions applied on the demo,
and the incremental result equal to a full re-analysis of the changed ledger (property test)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from graph.analysis import analyze
from graph.analysis.metrics import EXTENSIONS
from graph.analysis.model import plain
from graph.analysis.scenario import ScenarioError
from graph.analysis.weak import WEAK_METRICS
from graph.analysis.whatif import Baseline, Scenario, what_if
from graph.network import Network
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"
YEAR = 2024
TABLES = ("communities", "streets", "district", "star_detail", "goods", "red_flag")


@pytest.fixture(scope="module")
def small() -> Network:
    return read_ledger(SMALL)


@pytest.fixture(scope="module")
def small_base(small) -> Baseline:
    return Baseline(small, YEAR)


def _reach_ids(a, cid: str) -> tuple[set, set]:
    ev = a.evidence[(a.evidence["community_id"] == cid) & (a.evidence["metric"] == "reach")]
    return set(ev[ev["part"] == "numerator"]["id"]), set(ev[ev["part"] == "denominator"]["id"])


def _row(a, cid: str) -> pd.Series:
    return a.communities.set_index("id").loc[cid]


def test_leads_from_core_to_unreached_actor_reaches_exactly_one_more(small_base) -> None:
    before = small_base.before
    num, den = _reach_ids(before, "C1")
    core = _row(before, "C1")["core"]
    unreached = sorted(den - num)
    assert core == "O_C1" and unreached  # the fixture has actors the core does not reach
    w = small_base.run(Scenario(add_links=((core, "LEADS", unreached[0]),)))
    num2, den2 = _reach_ids(w.after, "C1")
    assert num2 == num | {unreached[0]} and den2 == den
    assert _row(w.after, "C1")["reach"] == pytest.approx((len(num) + 1) / len(den))
    changed = w.changes[w.changes["metric"] == "reach"]
    assert changed[["community_id", "before", "after"]].values.tolist() == [
        ["C1", len(num) / len(den), (len(num) + 1) / len(den)]
    ]


def test_removing_the_core_promotes_the_next_party_org_or_leaves_none(small_base) -> None:
    w = small_base.run(Scenario(remove_nodes=("O_C1",)))
    assert _row(w.after, "C1")["core"] == "O_C1b"  # the branch at C1 is next in rank
    assert bool(_row(w.after, "C1")["has_core"])
    # C2's general branch is founded only in 2025, so in 2024 its branch is the only core
    w = small_base.run(Scenario(remove_nodes=("O_C2",)))
    row = _row(w.after, "C2")
    assert not bool(row["has_core"]) and pd.isna(row["core"]) and row["reach"] == 0
    assert row["weak_score"] >= _row(small_base.before, "C2")["weak_score"] + 2  # no-core penalty


def test_a_bad_scenario_lists_every_problem_and_changes_nothing(small_base) -> None:
    links_before = small_base.tables["links"].copy()
    with pytest.raises(ScenarioError) as err:
        small_base.run(
            Scenario.of(
                add_links=["RC1 LEADS SO1", "O_C1 LEADS NOPE", ("O_C1", "PART_OF", "S1")],
                remove_links=[("O_C1", "LEADS", "OC1")],
                remove_nodes=["X9", "C1"],
                add_nodes=[{"table": "people", "id": "pz", "place_id": "C1", "name": "张三"}],
            )
        )
    text = "\n".join(err.value.errors)
    assert "LEADS not allowed from residents_committee RC1 to social_org SO1" in text
    assert "unknown id NOPE" in text
    assert "PART_OF is set by a column" in text
    assert "remove link O_C1 LEADS OC1: no such link" in text
    assert "remove X9: no such node" in text
    assert "remove C1: the place still holds" in text
    assert "personal data (name)" in text
    assert len(err.value.errors) == 7
    pd.testing.assert_frame_equal(small_base.tables["links"], links_before)


def test_added_nodes_join_the_ledger(small_base) -> None:
    team = {
        "table": "组织",
        "id": "VT9",
        "name": "新志愿队",
        "kind": "volunteer_team",
        "place_id": "C1",
    }
    w = small_base.run(Scenario.of(add_nodes=[team], add_links=[("O_C1", "LEADS", "VT9")]))
    num, den = _reach_ids(w.after, "C1")
    assert "VT9" in num and "VT9" in den
    full = analyze(w.network, YEAR)
    _assert_same(full, w.after)


def _assert_same(full, inc) -> None:
    pd.testing.assert_frame_equal(full.suggestions, inc.suggestions, check_dtype=False)
    for name in TABLES:
        a, b = getattr(full, name), getattr(inc, name)
        keys = [
            c
            for c in ("community_id", "street_id", "district_id", "id", "star", "metric", "key")
            if c in a.columns
        ]
        a = a.sort_values(keys).reset_index(drop=True)
        b = b.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)


def test_stars_checked_by_column_equal_a_row_by_row_check(demo_base) -> None:
    """``evaluate`` builds the star detail column by column (a district is re-scored per
    scenario); here every row is checked on its own, criterion by criterion."""
    from graph.analysis.stars import evaluate

    table = demo_base.before.communities
    for kind in ("community", "village"):
        rows = table[table["kind"] == kind]
        rules = demo_base.rubric.for_kind(kind).stars
        got = evaluate(rows, "id", "community_id", rules)
        want = []
        for rec in rows.to_dict("records"):
            for i, rule in enumerate(rules, start=1):
                actual = [plain(rec.get(c.metric)) for c in rule.criteria]
                met = [c.holds(a) for c, a in zip(rule.criteria, actual, strict=True)]
                want += [
                    (rec["id"], i, rule.key, all(met), c.metric, c.value, a, m, a is None)
                    for c, a, m in zip(rule.criteria, actual, met, strict=True)
                ]
        cols = ["community_id", "star", "key", "earned", "metric", "required", "actual"]
        cols += ["met", "unknown"]
        assert len(got) == len(want) > 0
        assert [tuple(plain(v) for v in r) for r in got[cols].itertuples(index=False)] == want


# --- property: the incremental result is a full re-analysis ---------------------------------


@pytest.fixture(scope="module")
def two_streets(demo_net) -> tuple[Baseline, Network]:
    """Two streets of the demo district as a ledger of their own (about 20 communities)."""
    from graph.analysis.scope import place_scopes

    scopes = place_scopes(demo_net.tables["places"])
    units = scopes[scopes["kind"].isin(["community", "village"])]
    first = sorted(units["street_id"].dropna().unique())[:2]
    cids = set(units[units["street_id"].isin(first)]["id"])
    whole = Baseline.__new__(Baseline)  # only the place index of the demo is needed here
    whole._index(demo_net)
    net = Network(whole.sub_ledger(whole.tables, cids))
    return Baseline(net, YEAR), net


def _choices(base: Baseline) -> dict[str, list]:
    a = base.before
    c = a.communities[a.communities["has_core"]]
    pairs = []
    for cid, core in zip(c["id"], c["core"], strict=True):
        num, den = _reach_ids(a, cid)
        pairs += [(core, "LEADS", x) for x in sorted(den - num)]
    links = base.tables["links"]
    lead = links[links["type"].isin(["LEADS", "CO_BUILDS", "MEMBER_OF", "FULFILLS"])]
    removable = sorted(set(zip(lead["source_id"], lead["type"], lead["target_id"], strict=True)))
    orgs = sorted(base.tables["organizations"]["id"])
    return {
        "add": pairs,
        "remove": removable,
        "nodes": orgs,
        "sugg": sorted(a.suggestions["community_id"].dropna().unique()),
    }


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_scenario_equals_full_reanalysis(two_streets, data) -> None:
    base, _net = two_streets
    ch = _choices(base)
    add = data.draw(st.lists(st.sampled_from(ch["add"]), max_size=2, unique=True), "add")
    rem = data.draw(st.lists(st.sampled_from(ch["remove"]), max_size=2, unique=True), "remove")
    node = data.draw(st.lists(st.sampled_from(ch["nodes"]), max_size=1), "node")
    sugg = data.draw(st.lists(st.sampled_from(ch["sugg"]), max_size=1), "sugg")
    add = [x for x in add if x[0] not in node and x[2] not in node]
    rem = [x for x in rem if x[0] not in node and x[2] not in node]
    w = base.run(Scenario.of(add, rem, node, (), sugg))
    _assert_same(analyze(w.network, YEAR, base.rubric), w.after)


# --- suggestions applied on the demo district ----------------------------------------------


@pytest.fixture(scope="module")
def demo_base(demo_net) -> Baseline:
    return Baseline(demo_net)


HIGHER_IS_BETTER = (*EXTENSIONS, *WEAK_METRICS, "sla_rate", "stars")


def _weak_sample(a, n: int = 5) -> list[str]:
    """Weak communities with suggestions, spread over the district (every k-th by id), and
    always one whose suggestions include a partner unit for its core."""
    s = a.suggestions
    c = a.communities
    weak = sorted(set(c[c["weak"]]["id"]) & set(s["community_id"].dropna()))
    led = s[(s["kind"] == "co_building") & s["leader_id"].notna()]
    first = sorted(set(led["community_id"]) & set(weak))
    assert weak and first, "the demo has weak communities with partner suggestions"
    step = max(1, len(weak) // (n - 1))
    return sorted({first[0], *weak[::step][: n - 1]})


def test_applied_suggestions_never_overassign_nor_lower_a_metric(demo_base) -> None:
    a = demo_base.before
    tables = demo_base.tables
    capacity = tables["resources"].set_index("id")["capacity"].fillna(1)
    fulfils = tables["links"][tables["links"]["type"] == "FULFILLS"]
    held = fulfils.groupby("source_id").size()
    partners = 0
    for cid in _weak_sample(a):
        w = demo_base.run(Scenario(apply_suggestions=(cid,)))
        # capacity: every resource's FULFILLS links, old and added, within its capacity
        got = pd.Series([x[0] for x in w.links if x[1] == "FULFILLS"], dtype=object)
        for rid, n in got.value_counts().items():
            assert held.get(rid, 0) + n <= capacity[rid], (cid, rid)
        b, after = _row(a, cid), _row(w.after, cid)
        for m in HIGHER_IS_BETTER:
            assert pd.isna(b[m]) or after[m] >= b[m], (cid, m, b[m], after[m])
        assert after["weak_score"] <= b["weak_score"], cid
        # a partner unit comes with its lead: the core reaches it, so reach counts it
        units = {x[0] for x in w.links if x[1] == "CO_BUILDS"}
        if units and b["has_core"]:
            partners += 1
            assert {(b["core"], "LEADS", u) for u in units} <= set(w.links) | _leads(tables)
            num, den = _reach_ids(w.after, cid)
            assert units <= num and units <= den
        # applied suggestions leave the open list
        assert not w.after.suggestions["community_id"].eq(cid).any()
    assert partners


def _leads(tables) -> set:
    lk = tables["links"][tables["links"]["type"] == "LEADS"]
    return set(zip(lk["source_id"], lk["type"], lk["target_id"], strict=True))


# --- CLI ----------------------------------------------------------------------------------


def test_cli_whatif_json_and_errors(tmp_path) -> None:
    from govnet.cli.main import app

    out = tmp_path / "w.json"
    r = CliRunner().invoke(
        app,
        [
            "whatif", str(SMALL), "--year", "2024", "--add-link", "O_C1 LEADS SO1",
            "--remove", "U2", "--key-actors", "C1", "--format", "json", "--out", str(out),
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"before", "after", "changes"}
    assert set(data["before"]) == set(data["after"]) >= {"communities", "streets", "district"}
    metrics = {(c["community_id"], c["metric"]) for c in data["changes"]}
    assert ("C1", "reach") in metrics and ("C1", "co_building_units") in metrics
    ranked = data["key_actors"]["C1"]
    assert ranked[0]["impact"] >= ranked[-1]["impact"] and "O_C1" in {r["id"] for r in ranked}
    r = CliRunner().invoke(app, ["whatif", str(SMALL), "--add-link", "RC1 LEADS SO1"])
    assert r.exit_code == 2 and "LEADS not allowed" in r.output


def test_what_if_function_matches_baseline(small) -> None:
    w = what_if(small, YEAR, add_links=["O_C1 LEADS SO1"])
    assert w.recomputed == ["C1"] and not w.changes.empty


def test_indexed_sub_ledger_equals_a_scan(demo_base) -> None:
    """The sub-ledger looked up in the baseline's row index (rows only appended since) is
    the one a scan of every table selects, for the ledger and for a changed one."""
    from dataclasses import replace

    from graph.analysis.scenario import apply

    base = demo_base
    cids = set(sorted(base.before.communities["id"])[::40])
    team = {"table": "organizations", "id": "VT_NEW", "name": "新队", "kind": "volunteer_team"}
    c = base.before.communities.set_index("id")
    cid = sorted(cids & set(c[c["has_core"]].index))[0]
    team["place_id"] = cid
    scenario = Scenario.of(add_nodes=[team], add_links=[(c.at[cid, "core"], "LEADS", "VT_NEW")])
    applied = apply(base.tables, scenario, base.year, base)
    assert applied.appended
    cases = [
        (base.sub_ledger(base.tables, cids), base.sub_ledger(dict(base.tables), cids)),
        (
            base.sub_ledger(applied.tables, cids, {"VT_NEW"}, applied),
            base.sub_ledger(applied.tables, cids, {"VT_NEW"}, replace(applied, appended=False)),
        ),
    ]
    for fast, scan in cases:
        assert set(fast) == set(scan)
        for name in scan:
            pd.testing.assert_frame_equal(fast[name], scan[name], obj=name)
    assert "VT_NEW" in set(cases[1][0]["organizations"]["id"])
