"""Graph metrics of one community: what the core reaches in L, and the structure metrics.

This module is what worker processes import, so it depends on NetworkX only. One call
takes one community's partition (plain lists, cheap to pickle) and returns plain values.
The same functions also run on views of the whole graph (the naive baseline of
``bench/analyze.py`` and the partition-equivalence test).
"""

from __future__ import annotations

from collections import Counter, deque
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


def blocks_of(g: nx.Graph) -> list[set[str]]:
    """The biconnected components of ``g``, as ``nx.biconnected_components`` finds them
    (in another order).

    A leaf (one neighbour, itself not a leaf) is a block of two with its neighbour, and
    taking it away changes no other block; community graphs are mostly such leaves, so
    NetworkX's depth-first search runs on the rest only (286 nodes → 33 in the demo).
    """
    deg = g.degree
    leaves = {v: u for v in g if deg[v] == 1 and deg[u := next(iter(g[v]))] > 1}
    rest = g.subgraph([v for v in g if v not in leaves]) if leaves else g
    return [set(b) for b in nx.biconnected_components(rest)] + [{v, u} for v, u in leaves.items()]


def core_cut_points(
    g: nx.Graph, core: str, actors: set[str], blocks: list[set[str]] | None = None
) -> list[str]:
    """Nodes whose removal cuts some actor off from the core (block-cut tree rooted at the core).

    ``blocks`` are the biconnected components of ``g`` when the caller has them already.
    """
    comp = nx.node_connected_component(g, core)
    if len(comp) < 3:
        return []
    if blocks is None:
        blocks = blocks_of(g.subgraph(comp))
    blocks = [b for b in blocks if next(iter(b)) in comp]
    in_blocks = Counter(v for b in blocks for v in b)
    cuts = {v for v, n in in_blocks.items() if n > 1}  # a cut vertex joins two blocks
    if not cuts - {core}:
        return []
    # block-cut tree: block i ↔ each cut vertex in it; walk it from the core, then decide
    # bottom-up whether anything below a cut vertex holds an actor
    tree: dict[tuple, list[tuple]] = {}
    for i, block in enumerate(blocks):
        for v in block & cuts:
            tree.setdefault(("b", i), []).append(("c", v))
            tree.setdefault(("c", v), []).append(("b", i))
    root = (
        ("c", core) if core in cuts else ("b", next(i for i, b in enumerate(blocks) if core in b))
    )
    parent, order, stack = {root: None}, [], [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for nxt in tree.get(node, ()):
            if nxt not in parent:
                parent[nxt] = node
                stack.append(nxt)
    below = dict.fromkeys(order, False)  # an actor strictly below the node in the tree
    for node in reversed(order):
        kind, key = node
        own = (key in actors) if kind == "c" else bool((blocks[key] - cuts) & actors)
        up = parent[node]
        if up is not None and (own or below[node]):
            below[up] = True
    return sorted(key for kind, key in order if kind == "c" and key != core and below[(kind, key)])


def betweenness(g: nx.Graph) -> dict:
    """Normalized betweenness, equal to ``nx.betweenness_centrality(g)`` but much faster here.

    Community graphs are trees of people hanging off a few organizations (in the demo a
    286-node component has 253 leaves). A leaf lies on no shortest path, so it is folded
    into its neighbour as a weight: Brandes' accumulation runs on the pruned graph with
    pair weights w(s)·w(t), and the pairs that start or end at a leaf are added by
    counting. Tests compare the result with NetworkX and igraph.
    """
    n = g.number_of_nodes()
    deg = dict(g.degree())
    leaf = {v for v, d in deg.items() if d == 1 and deg[next(iter(g[v]))] > 1}
    keep = [v for v in g if v not in leaf]
    idx = {v: i for i, v in enumerate(keep)}
    adj = [[idx[u] for u in g[v] if u not in leaf] for v in keep]
    hang = [deg[v] - len(adj[i]) for i, v in enumerate(keep)]
    weight = [1 + a for a in hang]
    size = len(keep)
    comp = [-1] * size
    comp_nodes: list[int] = []
    comp_leaves: list[int] = []
    for start in range(size):
        if comp[start] >= 0:
            continue
        c = len(comp_nodes)
        comp[start], stack, nodes, leaves = c, [start], 0, 0
        while stack:
            v = stack.pop()
            nodes, leaves = nodes + 1, leaves + hang[v]
            for u in adj[v]:
                if comp[u] < 0:
                    comp[u] = c
                    stack.append(u)
        comp_nodes.append(nodes)
        comp_leaves.append(leaves)
    bc = [0.0] * size
    for s in range(size):
        if not adj[s]:
            continue
        order, preds = [], {s: []}
        sigma, dist = {s: 1}, {s: 0}
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            for u in adj[v]:
                if u not in dist:
                    dist[u] = dist[v] + 1
                    sigma[u] = 0
                    preds[u] = []
                    queue.append(u)
                if dist[u] == dist[v] + 1:
                    sigma[u] += sigma[v]
                    preds[u].append(v)
        delta = dict.fromkeys(order, 0.0)
        for x in reversed(order):
            coeff = (weight[x] + delta[x]) / sigma[x]
            for v in preds[x]:
                delta[v] += sigma[v] * coeff
            if x != s:
                bc[x] += weight[s] * delta[x]
    scale = 1 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    out = dict.fromkeys(g, 0.0)
    for i, v in enumerate(keep):
        a, c = hang[i], comp[i]
        ends = 2 * a * (comp_nodes[c] - 1) + 2 * a * (comp_leaves[c] - a) + a * (a - 1)
        out[v] = (bc[i] + ends) * scale
    return out


def burt_constraint(g: nx.Graph, node: str) -> float | None:
    """Burt's constraint of one node, equal to ``nx.constraint(g, [node])`` (None if isolated).

    Same formula on the unweighted simple graph (p_ij = 1/deg(i)), computed in one pass
    over the neighbours' neighbours; NetworkX renormalizes per pair and took a second
    per community hub.
    """
    nbrs = list(g[node])  # adjacency order, not set order: the float sum is then the same
    if not nbrs:  # in every process (string hashes, hence set order, vary per process)
        return None
    mine = set(nbrs)
    inv = 1 / len(nbrs)
    total = 0.0
    for j in nbrs:
        indirect = sum(1 / g.degree(q) for q in g[j] if q in mine)
        total += (inv + inv * indirect) ** 2
    return total


def structure_metrics(g: nx.Graph, core: str | None, actors: set[str], fast: bool = True) -> dict:
    """components, isolates, articulation points, bridges, brokers and the core's constraint.

    The fast path finds bridges and cut points from one ``blocks_of`` pass (in a simple
    graph a bridge is a block of two nodes). ``fast=False`` makes the plain
    NetworkX calls instead (``nx.bridges``, ``nx.betweenness_centrality``,
    ``nx.constraint``): the naive baseline, with the same results.
    """
    isolates = sorted(a for a in actors if a in g and g.degree(a) == 0)
    blocks = blocks_of(g) if fast else None
    if blocks is not None:
        bridges = sorted(tuple(sorted(b)) for b in blocks if len(b) == 2)
    else:
        bridges = sorted(tuple(sorted(e)) for e in nx.bridges(g))
    between = betweenness(g) if fast else nx.betweenness_centrality(g)
    ranked = sorted(
        ((round(b, 9), n) for n, b in between.items() if b > 1e-12), key=lambda t: (-t[0], t[1])
    )
    constraint = None
    if core is not None and core in g:
        if fast:
            constraint = burt_constraint(g, core)
        else:
            value = nx.constraint(g, [core])[core]
            constraint = None if value != value else float(value)
    return {
        "components": nx.number_connected_components(g),
        "isolates": isolates,
        "articulation_points": core_cut_points(g, core, actors, blocks)
        if core is not None
        else None,
        "bridges": bridges,
        "brokers": [n for _b, n in ranked[:BROKERS]],
        # rounded so both implementations (and any summation order) print the same value
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

    ``fast=False`` makes the plain NetworkX calls (for the benchmark's breakdown).
    """
    lg = nx.DiGraph(p.l_edges)
    g = nx.Graph()
    g.add_nodes_from(p.nodes)
    g.add_edges_from((a, b) for a, b in p.edges if a != b)
    return {
        "cid": p.cid,
        "reached": reached(lg, p.core, p.targets),
        **structure_metrics(g, p.core, set(p.actors), fast),
    }


def analyze_chunk(parts: list[Partition]) -> list[dict]:
    """One worker task: a chunk of partitions (fewer round trips than one task each)."""
    return [analyze_partition(p) for p in parts]
