"""The network view as a library (no browser): fixed, deterministic one-core and radial
layouts, counted groups, ego networks, compare mode counted against the links table,
analysis marks, and the self-contained HTML with its export buttons. On the demo district."""

from __future__ import annotations

import math
import re

import pytest

from govnet.app.netdraw import render_html
from govnet.app.netview import DEFAULT_COLLAPSE, build_view, cores, members_graph
from govnet.app.network import found, view_marks
from graph.layout import RINGS
from graph.subgraph import link_active

COMMUNITY, YEAR, BEFORE = "C001", 2024, 2022


@pytest.fixture(scope="module")
def community_view(demo_net):
    return build_view(demo_net, place_id=COMMUNITY, year=YEAR, collapse=DEFAULT_COLLAPSE)


def radius(view, n: str) -> float:
    return math.hypot(*view.positions[n])


def test_one_core_rings_put_the_core_in_the_middle(demo_net, community_view) -> None:
    view = community_view
    assert set(view.positions) == set(view.nodes)
    (core,) = cores(demo_net, [COMMUNITY])
    assert view.roles[core] == "core" and radius(view, core) < 60
    by_role: dict[str, list[float]] = {}
    for n, r in view.roles.items():
        if r in ("party", "led", "place"):
            by_role.setdefault(r, []).append(radius(view, n))
    # party organizations, then the actors they lead, then places: ring after ring
    assert (
        max(by_role["party"]) < min(by_role["led"]) <= max(by_role["led"]) < min(by_role["place"])
    )
    # actors the core does not reach are set apart, right of every ring
    unreached = [n for n, r in view.roles.items() if r == "unreached"]
    ringed = [n for n, r in view.roles.items() if r in RINGS and r != "leaf"]
    assert unreached
    assert min(view.positions[n][0] for n in unreached) > max(radius(view, n) for n in ringed)


def test_layout_is_deterministic(demo_net, community_view) -> None:
    again = build_view(demo_net, place_id=COMMUNITY, year=YEAR, collapse=DEFAULT_COLLAPSE)
    assert again.positions == community_view.positions


def test_people_buildings_matters_are_counted_groups(community_view) -> None:
    view = community_view
    kinds = {a.get("kind") for a in view.nodes.values() if a.get("label") != "Aggregate"}
    assert not kinds & set(DEFAULT_COLLAPSE)
    counted = sum(a.get("count", 0) for a in view.nodes.values() if a.get("label") == "Aggregate")
    assert counted == view.collapsed == sum(len(m) for m in view.aggregates.values()) > 0
    assert len(view.members) == view.collapsed + sum(
        1 for a in view.nodes.values() if a.get("label") != "Aggregate"
    )


def test_ego_network_recentres_and_grows_with_depth(demo_net) -> None:
    (core,) = cores(demo_net, [COMMUNITY])
    one = build_view(demo_net, node_id=core, depth=1, year=YEAR, collapse=DEFAULT_COLLAPSE)
    two = build_view(demo_net, node_id=core, depth=2, year=YEAR, collapse=DEFAULT_COLLAPSE)
    assert one.positions[core] == (0.0, 0.0) and two.positions[core] == (0.0, 0.0)
    assert one.members < two.members
    g = demo_net.graph
    neighbours = set(g.predecessors(core)) | set(g.successors(core)) | {core}
    assert one.members <= neighbours  # depth 1: only what touches the focus


def test_compare_counts_links_added_and_ended(demo_net) -> None:
    view = build_view(
        demo_net, place_id=COMMUNITY, year=YEAR, compare_year=BEFORE, collapse=DEFAULT_COLLAPSE
    )
    links = demo_net.tables["links"]
    inside = links[links["source_id"].isin(view.members) & links["target_id"].isin(view.members)]
    rows = inside.to_dict("records")

    def active(r, y):
        return link_active(
            {
                "since": None
                if r["since"] is None or r["since"] != r["since"]
                else str(r["since"]),
                "until": None
                if r["until"] is None or r["until"] != r["until"]
                else str(r["until"]),
            },
            y,
        )

    added = sum(1 for r in rows if active(r, YEAR) and not active(r, BEFORE))
    ended = sum(1 for r in rows if active(r, BEFORE) and not active(r, YEAR))
    assert (view.added, view.ended) == (added, ended)
    assert added > 0
    assert set(view.changes.values()) <= {"added", "ended"}
    assert "added" in view.changes.values()


def test_analysis_marks_reach_the_drawn_nodes(demo_net, community_view) -> None:
    from graph.analysis import analyze

    a = analyze(demo_net, year=YEAR)
    marks, bridges = found(a, [COMMUNITY])
    ev = a.evidence
    points = set(ev[(ev.community_id == COMMUNITY) & (ev.metric == "articulation_points")]["id"])
    assert points and all("mark_articulation" in marks[p] for p in points)
    assert bridges and all(len(b) == 2 for b in bridges)
    words = view_marks(community_view, marks, "zh")
    hidden = [p for p in points if p not in community_view.nodes]  # people in a group
    if hidden:
        assert any("割点" in w for agg in community_view.aggregates for w in words.get(agg, []))


def test_html_is_offline_fixed_and_exports(demo_net, community_view) -> None:
    html = render_html(community_view, lang="zh", cores=cores(demo_net, [COMMUNITY]))
    assert not re.findall(
        r"<(?:script|link|img)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html
    )
    assert '"physics": {"enabled": false}' in html
    assert 'id="save-png"' in html and 'id="save-svg"' in html
    assert html.count('"x": ') >= community_view.size


def test_members_graph_is_the_export_of_the_view(community_view, demo_net) -> None:
    sub = members_graph(demo_net, community_view)
    assert set(sub.nodes) == community_view.members
    assert all(d["type"] in community_view.link_types for _, _, d in sub.edges(data=True))


def test_map_is_offline_unless_a_tile_url_is_set(monkeypatch, tmp_path) -> None:
    import pandas as pd

    from govnet.app.map import figure
    from graph import config

    frame = pd.DataFrame(
        {
            "name": ["甲社区", "乙村"],
            "lat": [34.70, 34.75],
            "lon": [113.60, 113.65],
            "weak_score": [1, 4],
        }
    )
    monkeypatch.setenv("GOVNET_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("GOVNET_MAP_TILE_URL", raising=False)
    assert config.get("map.tile_url") == ""
    plain = figure(frame, "weak_score")
    assert plain.data[0].type == "scatter" and "map" not in plain.to_dict()["layout"]
    monkeypatch.setenv("GOVNET_MAP_TILE_URL", "http://tiles.intranet/{z}/{x}/{y}.png")
    tiled = figure(frame, "weak_score", str(config.get("map.tile_url")))
    assert tiled.data[0].type == "scattermap"
    layer = tiled.to_dict()["layout"]["map"]["layers"][0]
    assert layer["source"] == ["http://tiles.intranet/{z}/{x}/{y}.png"]
