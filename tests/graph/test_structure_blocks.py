"""The core's cut points (NetworkX's dominators, the reference) are exactly the nodes whose
removal cuts an actor off from the core; igraph's batch finds the same ones."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis.kernels import Partition, analyze_batch
from graph.analysis.structure import core_cut_points


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 20), st.integers(0, 35), st.integers(0, 15), st.randoms())
def test_core_cut_points_cut_actors_off(n, m, leaves, rnd) -> None:
    """A node is listed iff taking it away leaves some actor unreachable from the core."""
    g = nx.relabel_nodes(nx.gnm_random_graph(n, m, seed=rnd.randint(0, 10**6)), str)
    for k in range(leaves):
        g.add_edge(f"leaf{k}", rnd.choice([*g]))
    nodes = list(g)
    core = rnd.choice(nodes)
    actors = set(rnd.sample(nodes, rnd.randint(0, len(nodes))))
    reach = nx.node_connected_component(g, core)
    want = sorted(
        v
        for v in reach - {core}
        if (actors & reach) - {v} - nx.node_connected_component(g.subgraph(set(g) - {v}), core)
    )
    assert core_cut_points(g, core, actors) == want
    p = Partition("c", core, [], [], nodes, sorted(actors), list(g.edges()))
    assert analyze_batch([p])[0]["articulation_points"] == want
