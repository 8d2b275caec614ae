"""Min-cost flow of suggestions: OR-Tools against NetworkX's network simplex, the reference."""

from __future__ import annotations

import functools
import random
import subprocess
import sys

import networkx as nx
import pandas as pd
import pytest

import graph.analysis.suggest as suggest
from graph.analysis.scope import build_context
from graph.analysis.suggest import max_flow_min_cost, resource_suggestions
from tests.conftest import ROOT


def _instance(seed: int) -> nx.DiGraph:
    """A random transport network: sources → hubs → sinks, with some direct arcs."""
    rnd = random.Random(seed)
    g = nx.DiGraph()
    m, h, r = rnd.randint(1, 30), rnd.randint(1, 6), rnd.randint(1, 30)
    for i in range(m):
        g.add_edge("S", ("m", i), capacity=rnd.randint(0, 9), weight=0)
        for j in rnd.sample(range(h), rnd.randint(0, h)):
            g.add_edge(("m", i), ("h", j), capacity=rnd.randint(1, 9), weight=rnd.randint(1, 5))
        for k in rnd.sample(range(r), rnd.randint(0, min(r, 3))):
            g.add_edge(("m", i), ("r", k), capacity=rnd.randint(1, 9), weight=rnd.randint(0, 3))
    for j in range(h):
        for k in rnd.sample(range(r), rnd.randint(1, r)):
            g.add_edge(("h", j), ("r", k), capacity=rnd.randint(1, 20), weight=rnd.randint(0, 2))
    for k in range(r):
        g.add_edge(("r", k), "T", capacity=rnd.randint(0, 9), weight=0)
    return g


def _check_flow(g: nx.DiGraph, flow: dict) -> int:
    """Capacities and conservation hold; returns the flow's value."""
    for u, v, d in g.edges(data=True):
        assert 0 <= flow[u][v] <= d["capacity"], (u, v)
    for n in g:
        if n not in ("S", "T"):
            inflow = sum(flow[u][n] for u in g.predecessors(n))
            assert inflow == sum(flow[n].values()), n
    return sum(flow["S"].values())


@pytest.mark.parametrize("seed", range(40))
def test_ortools_flow_equals_networkx_in_value_and_cost(seed: int) -> None:
    g = _instance(seed)
    ours = max_flow_min_cost(g, "S", "T")
    ref = max_flow_min_cost(g, "S", "T", reference=True)
    assert _check_flow(g, ours) == _check_flow(g, ref)
    assert nx.cost_of_flow(g, ours) == nx.cost_of_flow(g, ref)


def test_demo_suggestions_equal_networkx_in_count_and_cost(demo_net, monkeypatch) -> None:
    """Same number of matches at each cost, the same ones inside each community; all feasible."""
    ctx = build_context(demo_net.tables, 2024)
    needs, spare_rows = suggest.open_matters(ctx), suggest.spare_capacity(ctx)
    ours = resource_suggestions(needs, spare_rows)
    monkeypatch.setattr(
        suggest, "max_flow_min_cost", functools.partial(max_flow_min_cost, reference=True)
    )
    ref = resource_suggestions(needs, spare_rows)
    assert len(ours) > 100
    assert ours["cost"].value_counts().to_dict() == ref["cost"].value_counts().to_dict()
    # within a community every optimum matches as much as it can (street and district
    # matches may go either way between communities when costs tie)
    key = ["community_id", "domain"]
    local = [s[s["cost"] == 1].groupby(key).size() for s in (ours, ref)]
    assert local[0].equals(local[1])
    spare = spare_rows.set_index("id")
    used = ours["resource_id"].value_counts()
    assert (used <= spare.loc[used.index, "spare"]).all()
    assert ours["matter_id"].is_unique
    domains = pd.Series(ours["resource_id"].map(spare["domain"]).to_numpy())
    assert (domains == ours["domain"].to_numpy()).all()


def test_suggestions_split_between_two_processes_are_the_same(demo_dir) -> None:
    """Many open matters: half of the (district, domain) problems are solved in a forked
    process (``_solved``). In a fresh interpreter (the test session may hold threads and
    then never forks) the split must fork and give the serial run's suggestions."""
    code = (
        "import sys, os\n"
        "from graph.analysis import suggest\n"
        "from graph.analysis.scope import build_context\n"
        "from loaders.ledger import read_ledger\n"
        "ctx = build_context(read_ledger(sys.argv[1], key='k').tables, 2024)\n"
        "needs, spare = suggest.open_matters(ctx), suggest.spare_capacity(ctx)\n"
        "serial = suggest.resource_suggestions(needs, spare)\n"
        "forks = []\n"
        "both = suggest.both\n"
        "suggest.both = lambda fn, mine, other: (\n"
        "    forks.append(len(other[0])) or both(fn, mine, other))\n"
        "suggest.spare_core = lambda: True\n"
        "suggest.BESIDE_MIN_MATTERS = 0\n"
        "split = suggest.resource_suggestions(needs, spare)\n"
        "assert forks and forks[0] > 0, forks\n"
        "assert len(serial) > 100 and split.equals(serial)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(demo_dir / "csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
