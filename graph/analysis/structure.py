"""Graph metrics of one community: what the core reaches in L, and the structure metrics.

An analysis computes the metrics on igraph, many partitions per graph
(``graph.analysis.kernels``), and never imports this module; the plain NetworkX calls
here define them and are the reference the tests and the naive baseline of
``bench/analyze.py`` use, also on views of the whole graph (the partition-equivalence test).
"""

from __future__ import annotations

import networkx as nx

from graph.analysis.kernels import BROKERS, Partition, analyze_batch, cut_above


def core_cut_points(g: nx.Graph, core: str, actors: set[str]) -> list[str]:
    """Nodes whose removal cuts some other actor off from the core: the actors' dominators
    (other than the core) in ``g`` searched from the core, each link both ways."""
    idom = nx.immediate_dominators(g.to_directed(), core)  # the nodes the core reaches
    return sorted(cut_above(actors, core, idom.get))


def _brokers(between: dict) -> list[str]:
    ranked = sorted(
        ((round(b, 9), n) for n, b in between.items() if b > 1e-12), key=lambda t: (-t[0], t[1])
    )
    return [n for _b, n in ranked[:BROKERS]]


def structure_metrics(g: nx.Graph, core: str | None, actors: set[str]) -> dict:
    """components, isolates, articulation points, bridges, brokers and the core's constraint,
    by the plain NetworkX calls (``nx.bridges``, ``nx.betweenness_centrality``,
    ``nx.constraint``): the definition, the naive baseline and the reference the igraph
    kernels (``graph.analysis.kernels``) are tested against."""
    constraint = None
    if core is not None and core in g:
        value = nx.constraint(g, [core])[core]
        constraint = None if value != value else float(value)
    return {
        "components": nx.number_connected_components(g),
        "isolates": sorted(a for a in actors if a in g and g.degree(a) == 0),
        "articulation_points": None if core is None else core_cut_points(g, core, actors),
        "bridges": sorted(tuple(sorted(e)) for e in nx.bridges(g)),
        "brokers": _brokers(nx.betweenness_centrality(g)),
        "core_constraint": None if constraint is None else round(constraint, 12),
    }


def reached(l_graph: nx.DiGraph, core: str | None, targets: list[str]) -> list[str]:
    """Targets reachable from the core in L (none without a core)."""
    if core is None or core not in l_graph:
        return []
    desc = nx.descendants(l_graph, core)
    return sorted(t for t in targets if t in desc)


def analyze_partition(p: Partition, fast: bool = True) -> dict:
    """All graph metrics of one community from its own small partition.

    ``fast=False`` makes the plain NetworkX calls (the reference, and the benchmark's
    breakdown). Many partitions are cheaper in one ``kernels.analyze_batch``.
    """
    if fast:
        return analyze_batch([p])[0]
    g = nx.Graph()
    g.add_nodes_from(p.nodes)
    g.add_edges_from((a, b) for a, b in p.edges if a != b)
    return {
        "cid": p.cid,
        "reached": reached(nx.DiGraph(p.l_edges), p.core, p.targets),
        **structure_metrics(g, p.core, set(p.actors)),
    }
