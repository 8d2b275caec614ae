"""Graph metrics of one community: what the core reaches in L, and the structure metrics.

This module is what worker processes import, so it depends on NetworkX only. One call
takes one community's partition (plain lists, cheap to pickle) and returns plain values.
The same functions also run on views of the whole graph (the naive baseline of
``bench/analyze.py`` and the partition-equivalence test).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

BROKERS = 3
# node → its neighbours (in insertion order, as NetworkX keeps them): ``g._adj`` of an
# ``nx.Graph``, or the plain dict ``analyze_partition`` builds without NetworkX's overhead
Adjacency = Mapping[str, Mapping[str, object]]


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


def _adjacency(g: nx.Graph | Adjacency) -> Adjacency:
    return g._adj if isinstance(g, nx.Graph) else g


def _leaves(adj: Adjacency) -> dict[str, str]:
    """leaf → its neighbour, for each node with one neighbour that is not itself a leaf."""
    return {
        v: u for v, nbrs in adj.items() if len(nbrs) == 1 and len(adj[u := next(iter(nbrs))]) > 1
    }


def blocks_of(g: nx.Graph | Adjacency, leaves: dict[str, str] | None = None) -> list[set[str]]:
    """The biconnected components of ``g``, as ``nx.biconnected_components`` finds them
    (in another order).

    A leaf (one neighbour, itself not a leaf) is a block of two with its neighbour, and
    taking it away changes no other block; community graphs are mostly such leaves, so
    NetworkX's depth-first search runs on the rest only (286 nodes → 33 in the demo).
    """
    adj = _adjacency(g)
    leaves = _leaves(adj) if leaves is None else leaves
    return _inner_blocks(adj, leaves) + [{v, u} for v, u in leaves.items()]


def _inner_blocks(adj: Adjacency, leaves: dict[str, str]) -> list[set[str]]:
    """The blocks of ``adj`` other than its leaves' (NetworkX on the graph without them)."""
    rest = nx.Graph()
    rest.add_nodes_from(v for v in adj if v not in leaves)
    rest.add_edges_from((v, u) for v in rest for u in adj[v] if u not in leaves)
    return [set(b) for b in nx.biconnected_components(rest)]


def _component(adj: Adjacency, start: str) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for u in adj[stack.pop()]:
            if u not in seen:
                seen.add(u)
                stack.append(u)
    return seen


def core_cut_points(
    g: nx.Graph | Adjacency,
    core: str,
    actors: set[str],
    leaves: dict[str, str] | None = None,
    inner: list[set[str]] | None = None,
) -> list[str]:
    """Nodes whose removal cuts some actor off from the core (block-cut tree rooted at the core).

    ``leaves`` (``_leaves``) and the ``inner`` blocks (``_inner_blocks``) of ``g``, when
    the caller has them already. A leaf's block hangs below its neighbour (a cut vertex)
    in the tree unless the core is that leaf, so leaf blocks are not put in the tree:
    their actors mark their neighbour instead (communities are mostly leaves).
    """
    adj = _adjacency(g)
    comp = _component(adj, core)
    if len(comp) < 3:
        return []
    leaves = _leaves(adj) if leaves is None else leaves
    inner = _inner_blocks(adj, leaves) if inner is None else inner
    blocks = [b for b in inner if next(iter(b)) in comp]
    hung: dict[str, bool] = {}  # neighbour of leaves → an actor leaf hangs below it
    for v, u in leaves.items():
        if u in comp:
            hung[u] = hung.get(u, False) or (v in actors and v != core)
    in_blocks = Counter(v for b in blocks for v in b)
    # a cut vertex joins two blocks; a leaf's neighbour is one (it has another neighbour)
    cuts = {v for v, n in in_blocks.items() if n > 1} | hung.keys()
    if not cuts - {core}:
        return []
    # block-cut tree: block i ↔ each cut vertex in it; walk it from the core, then decide
    # bottom-up whether anything below a cut vertex holds an actor
    tree: dict[tuple, list[tuple]] = {}
    for i, block in enumerate(blocks):
        for v in block & cuts:
            tree.setdefault(("b", i), []).append(("c", v))
            tree.setdefault(("c", v), []).append(("b", i))
    if core in leaves:  # the core's own leaf block is the root: its neighbour comes next
        root = ("c", leaves[core])
    elif core in cuts:
        root = ("c", core)
    else:
        root = ("b", next(i for i, b in enumerate(blocks) if core in b))
    parent, order, stack = {root: None}, [], [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for nxt in tree.get(node, ()):
            if nxt not in parent:
                parent[nxt] = node
                stack.append(nxt)
    # an actor strictly below the node in the tree (to start with: in a leaf block below)
    below = {node: node[0] == "c" and hung.get(node[1], False) for node in order}
    for node in reversed(order):
        kind, key = node
        own = (key in actors) if kind == "c" else bool((blocks[key] - cuts) & actors)
        up = parent[node]
        if up is not None and (own or below[node]):
            below[up] = True
    return sorted(key for kind, key in order if kind == "c" and key != core and below[(kind, key)])


def betweenness(g: nx.Graph | Adjacency) -> dict:
    """Normalized betweenness, equal to ``nx.betweenness_centrality(g)`` but much faster here.

    Community graphs are trees of people hanging off a few organizations (in the demo a
    286-node component has 253 leaves). A leaf lies on no shortest path, so it is folded
    into its neighbour as a weight: Brandes' accumulation runs on the pruned graph with
    pair weights w(s)·w(t), and the pairs that start or end at a leaf are added by
    counting. Tests compare the result with NetworkX and igraph.
    """
    return _betweenness(_adjacency(g))[0]


def _betweenness(adj: Adjacency, leaf: dict[str, str] | None = None) -> tuple[dict, int]:
    """``betweenness`` and the number of connected components (those of the pruned graph:
    a leaf hangs on a kept node)."""
    n = len(adj)
    leaf = _leaves(adj) if leaf is None else leaf
    keep = [v for v in adj if v not in leaf]
    idx = {v: i for i, v in enumerate(keep)}
    nbrs = [[idx[u] for u in adj[v] if u not in leaf] for v in keep]
    hang = [len(adj[v]) - len(nbrs[i]) for i, v in enumerate(keep)]
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
            for u in nbrs[v]:
                if comp[u] < 0:
                    comp[u] = c
                    stack.append(u)
        comp_nodes.append(nodes)
        comp_leaves.append(leaves)
    bc = [0.0] * size
    for s in range(size):
        if not nbrs[s]:
            continue
        order, preds = [s], {s: []}  # ``order`` is also the breadth-first queue
        sigma, dist = {s: 1}, {s: 0}
        for v in order:  # grows while it is walked
            dv, sv = dist[v] + 1, sigma[v]
            for u in nbrs[v]:
                if u not in dist:
                    dist[u] = dv
                    sigma[u] = 0
                    preds[u] = []
                    order.append(u)
                if dist[u] == dv:
                    sigma[u] += sv
                    preds[u].append(v)
        delta = dict.fromkeys(order, 0.0)
        for x in reversed(order):
            coeff = (weight[x] + delta[x]) / sigma[x]
            for v in preds[x]:
                delta[v] += sigma[v] * coeff
            if x != s:
                bc[x] += weight[s] * delta[x]
    scale = 1 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    out = dict.fromkeys(adj, 0.0)
    for i, v in enumerate(keep):
        a, c = hang[i], comp[i]
        ends = 2 * a * (comp_nodes[c] - 1) + 2 * a * (comp_leaves[c] - a) + a * (a - 1)
        out[v] = (bc[i] + ends) * scale
    return out, len(comp_nodes)


def burt_constraint(g: nx.Graph | Adjacency, node: str) -> float | None:
    """Burt's constraint of one node, equal to ``nx.constraint(g, [node])`` (None if isolated).

    Same formula on the unweighted simple graph (p_ij = 1/deg(i)), computed in one pass
    over the neighbours' neighbours; NetworkX renormalizes per pair and took a second
    per community hub.
    """
    adj = _adjacency(g)
    nbrs = list(adj[node])  # adjacency order, not set order: the float sum is then the same
    if not nbrs:  # in every process (string hashes, hence set order, vary per process)
        return None
    mine = set(nbrs)
    inv = 1 / len(nbrs)
    total = 0.0
    for j in nbrs:
        indirect = sum(1 / len(adj[q]) for q in adj[j] if q in mine)
        total += (inv + inv * indirect) ** 2
    return total


def structure_metrics(
    g: nx.Graph | Adjacency, core: str | None, actors: set[str], fast: bool = True
) -> dict:
    """components, isolates, articulation points, bridges, brokers and the core's constraint.

    The fast path finds bridges and cut points from one ``blocks_of`` pass (in a simple
    graph a bridge is a block of two nodes) and components from the betweenness pass, all
    on plain adjacency dicts. ``fast=False`` makes the plain NetworkX calls instead
    (``nx.bridges``, ``nx.betweenness_centrality``, ``nx.constraint``) on an ``nx.Graph``:
    the naive baseline, with the same results.
    """
    if not fast:
        return _networkx_metrics(g, core, actors)
    adj = _adjacency(g)
    isolates = sorted(a for a in actors if a in adj and not adj[a])
    leaves = _leaves(adj)
    inner = _inner_blocks(adj, leaves)
    between, components = _betweenness(adj, leaves)
    constraint = burt_constraint(adj, core) if core is not None and core in adj else None
    return {
        "components": components,
        "isolates": isolates,
        "articulation_points": None
        if core is None
        else core_cut_points(adj, core, actors, leaves, inner),
        "bridges": sorted(
            [tuple(sorted(b)) for b in inner if len(b) == 2]
            + [(v, u) if v < u else (u, v) for v, u in leaves.items()]
        ),
        "brokers": _brokers(between),
        # rounded so both implementations (and any summation order) print the same value
        "core_constraint": None if constraint is None else round(constraint, 12),
    }


def _brokers(between: dict) -> list[str]:
    ranked = sorted(
        ((round(b, 9), n) for n, b in between.items() if b > 1e-12), key=lambda t: (-t[0], t[1])
    )
    return [n for _b, n in ranked[:BROKERS]]


def _networkx_metrics(g: nx.Graph, core: str | None, actors: set[str]) -> dict:
    """``structure_metrics`` by the plain NetworkX calls."""
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

    ``fast=False`` makes the plain NetworkX calls (for the benchmark's breakdown).
    """
    lg = nx.DiGraph(p.l_edges)
    if fast:  # the adjacency ``nx.Graph`` would build (same order), without its overhead
        g: nx.Graph | dict = {v: {} for v in p.nodes}
        for a, b in p.edges:
            if a != b:
                g.setdefault(a, {})[b] = g.setdefault(b, {})[a] = None
    else:
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
