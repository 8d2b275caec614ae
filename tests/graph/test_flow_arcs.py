"""The flow network as plain ``Arcs`` is the same solver problem as its ``nx.DiGraph``."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.analysis.suggest import max_flow_min_cost


def _pair(seed: int) -> tuple[nx.DiGraph, dict]:
    """A random transport network built both ways, arcs added in the same order."""
    rnd = random.Random(seed)
    g, arcs = nx.DiGraph(), {}
    m, h, r = rnd.randint(1, 20), rnd.randint(1, 5), rnd.randint(1, 20)
    edges = [("S", ("m", i), rnd.randint(0, 9), 0) for i in range(m)]
    edges += [
        (("m", i), ("h", rnd.randrange(h)), rnd.randint(1, 9), rnd.randint(1, 4)) for i in range(m)
    ]
    edges += [
        (("h", j), ("r", rnd.randrange(r)), rnd.randint(1, 20), rnd.randint(0, 2))
        for j in range(h)
        for _ in range(3)
    ]
    edges += [(("m", rnd.randrange(m)), ("r", k), rnd.randint(1, 9), 1) for k in range(r)]
    edges += [(("r", k), "T", rnd.randint(0, 9), 0) for k in range(r)]
    for u, v, c, w in edges:
        g.add_edge(u, v, capacity=c, weight=w)
        arcs.setdefault(u, {})
        arcs.setdefault(v, {})
        arcs[u][v] = (c, w)
    return g, arcs


@pytest.mark.parametrize("seed", range(20))
def test_arcs_give_the_digraphs_flow(seed: int) -> None:
    g, arcs = _pair(seed)
    assert list(arcs) == list(g)
    flow = max_flow_min_cost(g, "S", "T")
    assert max_flow_min_cost(arcs, "S", "T") == flow
    ref = max_flow_min_cost(arcs, "S", "T", reference=True)  # NetworkX from the arcs
    assert nx.cost_of_flow(g, ref) == nx.cost_of_flow(g, flow)
    assert sum(ref["S"].values()) == sum(flow["S"].values())
