"""The analysis of the demo district, cross-checked against a second implementation (igraph)."""

from __future__ import annotations

import json

import igraph as ig
import pandas as pd
import pytest

from graph.analysis import analyze, json_text, to_json
from graph.analysis.engine import run_partitions, run_whole_graph
from graph.analysis.kernels import analyze_batch
from graph.analysis.run import graph_partitions
from graph.forked import beside

YEAR = 2024  # the year of the session fixture ``demo_analysis`` (serial)


@pytest.fixture(scope="module")
def parts(demo_net):
    return graph_partitions(demo_net, YEAR)


def _igraph(p) -> ig.Graph:
    g = ig.Graph()
    g.add_vertices(p.nodes)
    g.add_edges([(a, b) for a, b in p.edges if a != b])
    g.simplify()
    return g


def _core_cuts(g: ig.Graph, core: str, actors: set[str]) -> set[str]:
    """Articulation points that cut an actor off from the core: delete each and look."""
    names = g.vs["name"]
    comp = set(names[i] for i in g.subcomponent(core))
    out = set()
    for v in g.articulation_points():
        name = names[v]
        if name == core or name not in comp:
            continue
        h = g.copy()
        h.delete_vertices([v])
        still = set(h.vs[i]["name"] for i in h.subcomponent(core))
        if (actors & comp) - still - {name}:
            out.add(name)
    return out


def test_structure_metrics_match_igraph(demo_analysis, parts) -> None:
    _ctx, partitions = parts
    table = demo_analysis.communities.set_index("id")
    checked = 0
    for p in partitions:
        row = table.loc[p.cid]
        g = _igraph(p)
        assert row["components"] == len(g.connected_components())
        assert row["bridges"] == len(g.bridges())
        degrees = dict(zip(g.vs["name"], g.degree(), strict=True))
        assert row["isolates"] == sum(1 for a in set(p.actors) if degrees[a] == 0)
        n = g.vcount()
        scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0
        bc = sorted(
            (
                (-round(b * scale, 9), name)
                for name, b in zip(g.vs["name"], g.betweenness(), strict=True)
                if b * scale > 1e-12
            )
        )
        assert row["brokers"] == [name for _b, name in bc[:3]]
        if p.core is None:
            assert row["core_constraint"] is pd.NA and row["articulation_points"] is pd.NA
            continue
        want = g.constraint([p.core])[0]
        if degrees[p.core]:
            assert row["core_constraint"] == pytest.approx(want)
        expected = _core_cuts(g, p.core, set(p.actors))
        assert set(demo_analysis.explain(p.cid, "articulation_points")["numerator"]) == expected
        checked += 1
    assert checked > 100  # the demo has ~150 communities with a core


def test_partitions_equal_whole_graph_views(parts) -> None:
    """The small per-community graphs give what views of the one whole graph give."""
    ctx, partitions = parts
    sample = partitions[::40]  # the naive NetworkX calls are slow: a spread-out sample
    assert run_partitions(sample, parallel=False) == run_whole_graph(ctx, sample)


def test_parallel_equals_serial(demo_net, demo_analysis) -> None:
    par = analyze(demo_net, YEAR, parallel=True)
    assert par.communities.equals(demo_analysis.communities)
    assert par.suggestions.equals(demo_analysis.suggestions)


def test_forked_partitions_equal_serial(parts) -> None:
    """The graph searches run in a forked process beside ``measure`` give the same results."""
    partitions = parts[1][::4]
    assert beside(analyze_batch, partitions).result() == run_partitions(partitions, parallel=False)


def test_demo_tables_are_complete(demo_analysis) -> None:
    c = demo_analysis.communities
    assert len(c) > 100 and c["id"].is_unique
    assert c["has_core"].any() and (~c["has_core"]).any()
    assert c["weak"].any() and (~c["weak"]).any()
    assert set(demo_analysis.streets["district_id"]) == set(demo_analysis.district["id"])
    res = demo_analysis.suggestions[demo_analysis.suggestions["kind"] == "resource"]
    assert set(res["cost"]) <= {1, 2, 4} and len(res) > 0
    assert len(to_json(demo_analysis)["communities"]) == len(c)


def test_json_text_is_the_analysis_one_record_a_line(demo_analysis) -> None:
    data = to_json(demo_analysis)
    text = json_text(data)
    assert json.loads(text) == data
    # a line per community, street, district and suggestion, none of them wrapped
    records = [line for line in text.splitlines() if line.startswith("  {")]
    assert len(records) == sum(len(v) for v in data.values() if isinstance(v, list))
    assert sum(r.startswith('  {"id": "') for r in records) == sum(
        len(data[k]) for k in ("communities", "streets", "districts")
    )
