"""Properties of the analysis on generated ledgers (hypothesis).

Ledgers are drawn as tables with the shape of real ones (district → streets →
communities/villages → grids/compounds → buildings; party organizations and actors;
people; matters; resources; links of allowed kinds with random since/until dates) and
analyzed through the public API.
"""

from __future__ import annotations

import json

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.analysis import analyze, to_json
from graph.analysis.metrics import SHARE_METRICS
from graph.network import Network

ORG_KINDS = [
    "party_committee",
    "party_general_branch",
    "party_branch",
    "party_group",
    "residents_committee",
    "property_company",
    "owners_committee",
    "social_org",
    "volunteer_team",
    "unit",
]
DOMAINS = ["elderly_care", "repair", "safety"]
DATES = [None, "2022-06-01", "2023-12-31", "2024-01-01", "2024-12-31", "2025-02-01"]


@st.composite
def ledgers(draw) -> Network:
    """A random but schema-valid ledger."""
    places = [{"id": "D", "name": "D", "kind": "district"}]
    streets = [f"S{i}" for i in range(draw(st.integers(1, 2)))]
    places += [{"id": s, "name": s, "kind": "street", "parent_id": "D"} for s in streets]
    units, subs = [], []
    for i in range(draw(st.integers(2, 4))):
        u = f"C{i}"
        units.append(u)
        kind = draw(st.sampled_from(["community", "village"]))
        places.append(
            {"id": u, "name": u, "kind": kind, "parent_id": draw(st.sampled_from(streets))}
        )
        for j in range(draw(st.integers(0, 3))):
            k = draw(st.sampled_from(["grid", "compound"]))
            places.append({"id": f"{u}{k[0]}{j}", "name": "x", "kind": k, "parent_id": u})
            subs.append((f"{u}{k[0]}{j}", k))
    for sub, kind in list(subs):
        if kind == "compound" and draw(st.booleans()):
            places.append({"id": sub + "b", "name": "b", "kind": "building", "parent_id": sub})
    place_ids = [p["id"] for p in places]
    orgs = []
    for i in range(draw(st.integers(2, 14))):
        kind = draw(st.sampled_from(ORG_KINDS))
        at = (
            draw(st.sampled_from(units))
            if kind.startswith("party_") and draw(st.booleans())
            else draw(st.sampled_from(place_ids))
        )
        founded = draw(st.sampled_from([None, None, "2020-01-01", "2025-01-01"]))
        orgs.append({"id": f"O{i}", "name": "o", "kind": kind, "place_id": at, "founded": founded})
    people = [
        {
            "id": f"P{i}",
            "place_id": draw(st.sampled_from(place_ids)),
            "party_member": draw(st.booleans()),
            "roles": draw(st.sampled_from(["", "volunteer", "building_leader", "volunteer;cadre"])),
        }
        for i in range(draw(st.integers(0, 8)))
    ]
    by_kind = lambda *ks: [o["id"] for o in orgs if o["kind"] in ks]  # noqa: E731
    party = by_kind(*ORG_KINDS[:4])
    rules = {
        "LEADS": (party, [o["id"] for o in orgs]),
        "SUBORDINATE_TO": (party, party),
        "ESTABLISHED_IN": (party, [o["id"] for o in orgs] + place_ids),
        "MANAGES": (by_kind("property_company"), [s for s, k in subs if k == "compound"]),
        "SERVES": ([o["id"] for o in orgs], place_ids),
        "MEMBER_OF": ([p["id"] for p in people], [o["id"] for o in orgs]),
        "HOLDS_ROLE": ([p["id"] for p in people], [o["id"] for o in orgs]),
        "REPORTS_TO": ([p["id"] for p in people], units),
        "CO_BUILDS": (by_kind("unit"), units + party),
    }
    links = []
    for _ in range(draw(st.integers(0, 25))):
        type_ = draw(st.sampled_from(sorted(rules)))
        src, dst = rules[type_]
        if src and dst:
            since, until = draw(st.sampled_from(DATES)), draw(st.sampled_from(DATES))
            links.append(
                {
                    "source_id": draw(st.sampled_from(src)),
                    "target_id": draw(st.sampled_from(dst)),
                    "type": type_,
                    "since": since,
                    "until": until,
                }
            )
    matters = []
    for i in range(draw(st.integers(0, 6))):
        day = draw(st.integers(0, 700))
        sub = pd.Timestamp("2023-03-01") + pd.Timedelta(days=day)
        closed = draw(st.booleans())
        matters.append(
            {
                "id": f"M{i}",
                "place_id": draw(st.sampled_from(place_ids)),
                "domain": draw(st.sampled_from(DOMAINS)),
                "status": "closed" if closed else "submitted",
                "submitted_at": sub,
                "claimed_at": sub + pd.Timedelta(days=draw(st.integers(0, 3))),
                "closed_at": sub + pd.Timedelta(days=draw(st.integers(0, 12))) if closed else None,
            }
        )
    providers = [o["id"] for o in orgs] + [p["id"] for p in people]
    resources = [
        {
            "id": f"R{i}",
            "name": "r",
            "kind": "service",
            "domain": draw(st.sampled_from(DOMAINS)),
            "provider_id": draw(st.sampled_from(providers)),
            "place_id": draw(st.sampled_from([None, *place_ids])),
            "capacity": draw(st.integers(0, 3)),
        }
        for i in range(draw(st.integers(0, 5)))
    ]
    for _ in range(draw(st.integers(0, 4))):
        if resources and matters:
            links.append(
                {
                    "source_id": draw(st.sampled_from(resources))["id"],
                    "target_id": draw(st.sampled_from(matters))["id"],
                    "type": "FULFILLS",
                }
            )
    conditions = [
        {"place_id": u, "year": 2024, "population": draw(st.sampled_from([None, 0, 800, 3000]))}
        for u in units
        if draw(st.booleans())
    ]
    frame = lambda recs: pd.DataFrame(recs) if recs else pd.DataFrame()  # noqa: E731
    tables = {
        "places": frame(places),
        "organizations": frame(orgs),
        "people": frame(people),
        "matters": frame(matters),
        "resources": frame(resources),
        "links": frame(links),
        "conditions": frame(conditions),
    }
    for key, cols in {
        "organizations": ["founded"],
        "links": ["since", "until"],
        "matters": ["submitted_at", "claimed_at", "closed_at"],
    }.items():
        for c in cols:
            if c in tables[key]:
                tables[key][c] = pd.to_datetime(tables[key][c])
    return Network(tables)


# one analysis costs ~0.3 s of pandas work even on a tiny ledger: few, varied examples
FAST = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(ledgers())
def test_shares_flow_and_partitions(net: Network) -> None:
    """Shares in [0, 1] or null; flow within spare capacity; partitioned == whole graph."""
    a = analyze(net, 2024, parallel=False)
    _check_shares(a)
    _check_flow(net, a)
    assert a.communities.equals(analyze(net, 2024, baseline=True).communities)
    assert a.communities.equals(analyze(net, 2024, parallel=True).communities)


def _check_shares(a) -> None:
    for metric in [*SHARE_METRICS, "coverage_index"]:
        for v in a.communities[metric]:
            assert v is pd.NA or 0.0 <= v <= 1.0, (metric, v)
    json.dumps(to_json(a), allow_nan=False)


@FAST
@given(ledgers(), st.data())
def test_leads_from_the_core_never_lowers_reach(net: Network, data) -> None:
    a = analyze(net, 2024)
    with_core = a.communities[a.communities["has_core"]]
    orgs = net.tables["organizations"]["id"].tolist()
    if with_core.empty or not orgs:
        return
    core = data.draw(st.sampled_from(with_core["core"].tolist()))
    target = data.draw(st.sampled_from(orgs))
    tables = dict(net.tables)
    extra = pd.DataFrame([{"source_id": core, "target_id": target, "type": "LEADS"}])
    tables["links"] = pd.concat([tables["links"], extra], ignore_index=True)
    b = analyze(Network(tables), 2024)
    before = a.communities.set_index("id")["reach"]
    after = b.communities.set_index("id")["reach"]
    for cid in before.index:
        if before[cid] is not pd.NA:
            assert after[cid] is not pd.NA and after[cid] >= before[cid] - 1e-12, cid


@FAST
@given(ledgers(), st.data())
def test_removing_the_only_core_costs_two(net: Network, data) -> None:
    a = analyze(net, 2024)
    orgs = net.tables["organizations"]
    ranks = ("party_committee", "party_general_branch", "party_branch")
    at_unit = orgs[orgs["kind"].isin(ranks)].groupby("place_id")["id"].apply(list)
    units = set(a.communities["id"])
    only = [
        ids[0]
        for cid, ids in at_unit.items()
        if cid in units and len(ids) == 1 and a.community(cid)["core"] == ids[0]
    ]
    if not only:
        return
    core = data.draw(st.sampled_from(only))
    cid = a.communities.set_index("core").loc[core, "id"]
    before = a.community(cid)
    assert "no_core" not in before["reasons"] and before["weak_score"] == len(before["reasons"])
    tables = dict(net.tables)
    tables["organizations"] = orgs[orgs["id"] != core].reset_index(drop=True)
    links = tables["links"]
    tables["links"] = links[(links["source_id"] != core) & (links["target_id"] != core)]
    after = analyze(Network(tables), 2024).community(cid)
    assert after["has_core"] is False and after["core"] is None and after["reach"] == 0.0
    assert "no_core" in after["reasons"]
    # the score is its low metrics plus the 2-point penalty for the missing core
    assert after["weak_score"] == len(after["reasons"]) - 1 + 2


def _check_flow(net: Network, a) -> None:
    s = a.suggestions[a.suggestions["kind"] == "resource"]
    res = net.tables["resources"].set_index("id")
    links = net.tables["links"]
    fulfills = links[(links["type"] == "FULFILLS")]
    end = pd.Timestamp("2024-12-31")
    active = fulfills[
        (fulfills["since"].isna() | (fulfills["since"] <= end))
        & (fulfills["until"].isna() | (fulfills["until"] > end))
    ]
    used = active.groupby("source_id").size()
    for rid, n in s.groupby("resource_id").size().items():
        spare = int(res.loc[rid, "capacity"]) - int(used.get(rid, 0))
        assert n <= spare, rid
    assert s["matter_id"].is_unique
    domains = net.tables["matters"].set_index("id")["domain"]
    for m, r in zip(s["matter_id"], s["resource_id"], strict=True):
        assert domains[m] == res.loc[r, "domain"]
        assert m not in set(active["target_id"])
