"""The production kernels (igraph, many partitions in one graph) equal NetworkX's.

Random small community graphs — trees of leaves on a few hubs, cycles, isolated nodes,
repeated links and self-loops — with a core, actors and an L graph, several side by side
in one batch, as ``kernels.analyze_batch`` gets them.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis import kernels
from graph.analysis.kernels import Partition, analyze_batch
from graph.analysis.structure import analyze_partition


def _graph(rnd, n: int, m: int, leaves: int, tag: str) -> nx.Graph:
    g = nx.relabel_nodes(nx.gnm_random_graph(n, m, seed=rnd.randint(0, 10**6)), lambda v: f"{v}")
    for k in range(leaves):  # leaves on nodes, on other leaves (paths); pairs alone
        g.add_edge(f"leaf{k}", rnd.choice([*g]))
    if rnd.random() < 0.3:
        g.add_edge("pair-a", "pair-b")
    return nx.relabel_nodes(g, lambda v: f"{tag}{v}")


def _partition(rnd, i: int, n: int, m: int, leaves: int) -> Partition:
    # the same ids in every partition (halo nodes are shared): each is analyzed alone
    g = _graph(rnd, n, m, leaves, "" if rnd.random() < 0.5 else f"p{i}-")
    nodes = list(g)
    edges = list(g.edges())
    edges += [rnd.choice(edges) for _ in range(len(edges) // 4)] if edges else []  # repeats
    edges += [(v, v) for v in rnd.sample(nodes, min(2, len(nodes)))]  # self-loops
    core = None if rnd.random() < 0.15 else rnd.choice(nodes)
    actors = rnd.sample(nodes, rnd.randint(0, len(nodes)))
    l_nodes = [*(nodes[:3]), "party1", "party2", "org"]
    l_edges = [(rnd.choice(l_nodes), rnd.choice(l_nodes)) for _ in range(rnd.randint(0, 6))]
    if core is not None and rnd.random() < 0.5:
        l_edges.append((core, "party1"))
    targets = rnd.sample(l_nodes, rnd.randint(0, len(l_nodes)))
    return Partition(f"c{i}", core, l_edges, targets, nodes, actors, edges)


sizes = st.tuples(st.integers(1, 18), st.integers(0, 30), st.integers(0, 20))


@settings(max_examples=120, deadline=None)
@given(st.lists(sizes, min_size=1, max_size=5), st.randoms())
def test_batch_equals_networkx(shapes, rnd) -> None:
    parts = [_partition(rnd, i, *s) for i, s in enumerate(shapes)]
    got = analyze_batch(parts)
    want = [analyze_partition(p, fast=False) for p in parts]
    for a, b in zip(got, want, strict=True):
        ca, cb = a.pop("core_constraint"), b.pop("core_constraint")
        assert a == b
        assert (ca is None and cb is None) or ca == pytest.approx(cb, abs=1e-12)


@settings(max_examples=120, deadline=None)
@given(st.lists(sizes, min_size=1, max_size=6), st.randoms(), st.sampled_from([4, 16, 1024]))
def test_betweenness_equals_networkx(shapes, rnd, span) -> None:
    """Every node's betweenness (not only the top brokers), normalized as NetworkX does,
    with the batch cut into pieces of several sizes."""
    graphs = [_graph(rnd, *s, tag=f"g{i}-") for i, s in enumerate(shapes)]
    batch = kernels._Batch([list(g) for g in graphs], [list(g.edges()) for g in graphs])
    g = kernels.igraph_module().Graph(n=len(batch.names), edges=batch.edges)
    membership = np.asarray(g.connected_components().membership)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kernels, "SPAN", span)
        raw = kernels._between(
            g, np.asarray(g.degree()), kernels._ends(g), batch.starts, membership
        )
    for k, h in enumerate(graphs):
        n = h.number_of_nodes()
        want = nx.betweenness_centrality(h)
        for v, b in want.items():
            got = raw[batch.index[k][v]] / ((n - 1) * (n - 2)) if n > 2 else 0.0
            assert got == pytest.approx(b, abs=1e-12), v
