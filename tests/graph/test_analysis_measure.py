"""measure + score: analyze in two steps, parts measured apart, a cached district re-scored.

On the demo district read by the real loaders: the split gives analyze's very result,
and an edit confined to a few communities re-measured alone and swapped into the cached
measure scores exactly as a fresh analysis of the edited ledger.
"""

from __future__ import annotations

import pandas as pd
import pytest

from graph.analysis import Measured, analyze, measure, score, to_json
from graph.analysis.rubric import load_rubric
from graph.analysis.suggest import resource_suggestions
from graph.network import Network
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"

YEAR = 2024


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


@pytest.fixture(scope="module")
def cached(demo_net: Network, rubric) -> Measured:
    return measure(demo_net, YEAR, rubric)


def test_measures_of_parts_combine_to_the_whole_measure(rubric) -> None:
    """The small fixture's communities measured one at a time score as the whole ledger."""
    net = read_ledger(SMALL)
    for year in net.years:
        whole = measure(net, year, rubric)
        assert "weak" not in whole.communities and "stars" not in whole.communities
        ids = list(whole.communities["id"])
        parts = [measure(net, year, rubric, communities=[c]) for c in ids]
        assert [list(p.communities["id"]) for p in parts] == [[c] for c in ids]
        assert all(set(p.evidence["community_id"]) <= {c} for p, c in zip(parts, ids, strict=True))
        joined = Measured.combine(parts)
        a, b = score(joined, rubric), score(whole, rubric)
        assert to_json(a)["communities"] == to_json(b)["communities"], year
        pd.testing.assert_frame_equal(a.star_detail, b.star_detail)


def test_an_edit_remeasured_in_its_communities_rescores_the_district(
    demo_net: Network, cached: Measured, rubric
) -> None:
    """Three co-building units for the weakest community: its row, the quartiles, stars,
    streets and suggestions change; update + score equals analyze of the edited ledger."""
    before = score(cached, rubric)
    c = before.communities.sort_values(["weak_score", "id"], ascending=[False, True])
    target = c[c["street_id"].notna()].iloc[0]
    orgs = demo_net.tables["organizations"]
    links = demo_net.tables["links"]
    partners = links[(links["type"] == "CO_BUILDS")]["source_id"]
    units = orgs[(orgs["kind"] == "unit") & (orgs["founded"].dt.year < YEAR)]["id"]
    units = units[~units.isin(partners)].head(3)
    assert len(units) == 3
    new = pd.DataFrame({"source_id": units, "target_id": target["id"], "type": "CO_BUILDS"})
    tables = dict(demo_net.tables)
    tables["links"] = pd.concat([links, new], ignore_index=True).astype(links.dtypes.to_dict())
    edited = Network(tables)

    fresh = measure(edited, YEAR, rubric, communities=[target["id"]])
    assert list(fresh.communities["id"]) == [target["id"]]
    after = score(cached.update(fresh), rubric)
    assert to_json(after) == to_json(analyze(edited, YEAR, rubric))
    row = after.community(target["id"])
    assert row["co_building_units"] == target["co_building_units"] + 3
    assert to_json(after) != to_json(before)


def test_a_whole_measure_carries_its_solved_flows_and_a_part_does_not(
    demo_net: Network, cached: Measured, rubric
) -> None:
    """The flows solved while the graph metrics ran are score's own; a part or a combination
    of parts leaves them to score, whose open matters and spare resources may differ."""
    assert cached.flows is not None and len(cached.flows)
    pd.testing.assert_frame_equal(
        cached.flows, resource_suggestions(cached.open_matters, cached.spare)
    )
    part = measure(demo_net, YEAR, rubric, communities=[cached.communities["id"].iloc[0]])
    assert part.flows is None
    assert Measured.combine([part]).flows is None and cached.update(part).flows is None
