"""Graph metrics of one community: what the core reaches in L, and the structure metrics.

This module is what worker processes import, so it depends on NetworkX only. One call
takes one community's partition (plain lists, cheap to pickle) and returns plain values.
The same functions also run on views of the whole graph (the naive baseline of
``bench/analyze.py`` and the partition-equivalence test).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

BROKERS = 3


@dataclass
class Partition:
    """Everything the graph metrics of community ``cid`` need, and nothing more."""

    cid: str
    core: str | None
    l_edges: list[tuple[str, str]]  # edges of L out of the party orgs the core reaches
    targets: list[str]  # ids whose reachability from the core matters (actors, social orgs)
    nodes: list[str]  # structure graph nodes: actors, core, party orgs and people in C
    actors: list[str]
    edges: list[tuple[str, str]]  # links among ``nodes``


def core_cut_points(g: nx.Graph, core: str, actors: set[str]) -> list[str]:
    """Nodes whose removal cuts some actor off from the core (block-cut tree rooted at the core)."""
    comp = nx.node_connected_component(g, core)
    if len(comp) < 3:
        return []
    h = g.subgraph(comp)
    cuts = set(nx.articulation_points(h))
    if not cuts - {core}:
        return []
    blocks = [set(b) for b in nx.biconnected_components(h)]
    tree = nx.Graph()
    for i, block in enumerate(blocks):
        tree.add_node(("b", i))
        tree.add_edges_from((("b", i), ("c", v)) for v in block & cuts)
    root = (
        ("c", core) if core in cuts else ("b", next(i for i, b in enumerate(blocks) if core in b))
    )
    children = nx.dfs_successors(tree, root)
    has_actor: dict[tuple, bool] = {}
    for node in reversed(list(nx.dfs_preorder_nodes(tree, root))):
        kind, key = node
        own = (key in actors) if kind == "c" else bool((blocks[key] - cuts) & actors)
        has_actor[node] = own or any(has_actor[c] for c in children.get(node, ()))
    return sorted(
        key
        for kind, key in tree
        if kind == "c" and key != core and any(has_actor[c] for c in children.get((kind, key), ()))
    )


def structure_metrics(g: nx.Graph, core: str | None, actors: set[str]) -> dict:
    """components, isolates, articulation points, bridges, brokers and the core's constraint."""
    isolates = sorted(a for a in actors if a in g and g.degree(a) == 0)
    bridges = sorted(tuple(sorted(e)) for e in nx.bridges(g))
    between = nx.betweenness_centrality(g) if g.number_of_nodes() > 2 else {}
    ranked = sorted(
        ((round(b, 12), n) for n, b in between.items() if b > 0), key=lambda t: (-t[0], t[1])
    )
    constraint = None
    if core is not None and core in g:
        value = nx.constraint(g, [core])[core]
        constraint = None if math.isnan(value) else float(value)
    return {
        "components": nx.number_connected_components(g),
        "isolates": isolates,
        "articulation_points": core_cut_points(g, core, actors) if core is not None else None,
        "bridges": bridges,
        "brokers": [n for _b, n in ranked[:BROKERS]],
        "core_constraint": constraint,
    }


def reached(l_graph: nx.DiGraph, core: str | None, targets: list[str]) -> list[str]:
    """Targets reachable from the core in L (none without a core)."""
    if core is None or core not in l_graph:
        return []
    desc = nx.descendants(l_graph, core)
    return sorted(t for t in targets if t in desc)


def analyze_partition(p: Partition) -> dict:
    """All graph metrics of one community from its own small partition."""
    lg = nx.DiGraph(p.l_edges)
    g = nx.Graph()
    g.add_nodes_from(p.nodes)
    g.add_edges_from((a, b) for a, b in p.edges if a != b)
    return {
        "cid": p.cid,
        "reached": reached(lg, p.core, p.targets),
        **structure_metrics(g, p.core, set(p.actors)),
    }


def analyze_chunk(parts: list[Partition]) -> list[dict]:
    """One worker task: a chunk of partitions (fewer round trips than one task each)."""
    return [analyze_partition(p) for p in parts]
