"""The graph metrics of many communities at once, on igraph.

A chunk of partitions goes into one igraph graph as disjoint components (a graph per
community would cost more to build than its searches: most communities are a few hundred
nodes), each kernel runs once in C over the whole graph, and its answers are split by
partition (each partition is a contiguous range of vertices). The definitions are
NetworkX's: ``structure.analyze_partition(p, fast=False)`` is the reference the tests
compare with, value for value.
"""

from __future__ import annotations

import functools
import itertools
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:
    import igraph as ig

# What igraph plots with; it imports each one it finds when it is imported itself.
PLOTTING = ("matplotlib", "plotly", "cairo", "cairocffi")
T = TypeVar("T")


@functools.cache
def igraph_module() -> ModuleType:
    """igraph, imported on first use (where the graph metrics run: a district's run in a
    forked process, so the caller imports it only with time to spare, ``engine.preload``),
    without the plotting back ends the process has not imported yet.

    ``import igraph`` imports every plotting library installed (``matplotlib.pyplot`` alone is
    0.8 CPU s, more than a district's kernels take) for drawing govnet never does. Those not
    yet imported are hidden only while igraph imports: a notebook that plots imports its
    library first and keeps igraph's plotting; a later ``import matplotlib`` works.
    """
    with _IMPORTING:  # the app's sessions may ask at once: one hides, imports and restores
        hidden = [] if "igraph" in sys.modules else [m for m in PLOTTING if m not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # importing it fails
        try:
            import igraph
        finally:
            for name in hidden:
                del sys.modules[name]
    return igraph


_IMPORTING = threading.Lock()


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


def analyze_batch(parts: list[Partition]) -> list[dict]:
    """``cid``, ``reached`` and the structure metrics of every partition, in order."""
    if not parts:
        return []
    s = _Batch([p.nodes for p in parts], [p.edges for p in parts])
    g = igraph_module().Graph(n=len(s.names), edges=s.edges)
    g.simplify()  # the simple graph NetworkX's ``nx.Graph`` keeps (no repeated links)
    part_of = np.repeat(np.arange(len(parts)), np.diff(s.starts))
    # the membership list itself: igraph's VertexClustering around it costs a pass in Python
    membership = np.asarray(igraph_module().GraphBase.connected_components(g), dtype=np.int64)
    components = _components(membership, part_of, len(parts))
    degree, ends = np.asarray(g.degree()), _ends(g)
    bridges = _bridges(g, ends, s.names, part_of, len(parts))
    cores = [s.index[i].get(p.core) if p.core is not None else None for i, p in enumerate(parts)]
    cuts = _dominators(g, cores)
    between = _brokers(s, _between(g, degree, ends, s.starts, membership), part_of)
    linked = [c for c in cores if c is not None and degree[c]]
    constraint = dict(zip(linked, g.constraint(linked), strict=True)) if linked else {}
    reached = _reached(parts)
    out = []
    for i, p in enumerate(parts):
        index, core = s.index[i], cores[i]
        out.append(
            {
                "cid": p.cid,
                "reached": reached[i],
                "components": int(components[i]),
                "isolates": sorted(a for a in set(p.actors) if a in index and not degree[index[a]]),
                "articulation_points": None
                if p.core is None
                else _core_cuts(cuts, core, [index.get(a) for a in set(p.actors)], s.names),
                "bridges": bridges[i],
                "brokers": between[i],
                # rounded so both implementations (and any summation order) print the same value
                "core_constraint": round(constraint[core], 12) if core in constraint else None,
            }
        )
    return out


class _Batch:
    """Vertex numbering of many small graphs side by side: ``names[v]`` is the node id of
    vertex v, ``index[i]`` maps partition i's node ids to vertices, ``starts`` holds each
    partition's first vertex (and the total at the end), ``edges`` the vertex pairs."""

    def __init__(self, nodes: list[list[str]], edges: list[list[tuple[str, str]]]) -> None:
        self.names: list[str] = []
        self.index: list[dict[str, int]] = []
        self.starts = [0]
        self.edges: list[tuple[int, int]] = []
        for ns, es in zip(nodes, edges, strict=True):
            base = len(self.names)
            index = {v: base + k for k, v in enumerate(dict.fromkeys(ns))}
            self.names.extend(index)
            try:  # every end a node (as ``build_partitions`` makes them): one comprehension
                self.edges.extend([(index[a], index[b]) for a, b in es if a != b])
            except KeyError:
                self._add_ends(index, es)
            self.index.append(index)
            self.starts.append(len(self.names))

    def _add_ends(self, index: dict[str, int], edges: list[tuple[str, str]]) -> None:
        """The edges of a partition, an end outside its node list joining it (as in
        ``nx.Graph``)."""
        for a, b in edges:
            if a != b:
                for v in (a, b):
                    if v not in index:
                        index[v] = len(self.names)
                        self.names.append(v)
                self.edges.append((index[a], index[b]))


def _ends(g: ig.Graph) -> np.ndarray:
    """The edges' vertex pairs, one row each (read as a flat run of ints: NumPy converts a
    list of tuples to a 2-D array at half the speed)."""
    edges = g.get_edgelist()
    flat = itertools.chain.from_iterable(edges)
    return np.fromiter(flat, dtype=np.int64, count=2 * len(edges)).reshape(-1, 2)


def _components(membership: np.ndarray, part_of: np.ndarray, n_parts: int) -> np.ndarray:
    """Connected components per partition (a component never spans two)."""
    _ids, first = np.unique(membership, return_index=True)
    return np.bincount(part_of[first], minlength=n_parts)


def _bridges(
    g: ig.Graph, ends: np.ndarray, names: list[str], part_of: np.ndarray, n_parts: int
) -> list[list]:
    """Sorted (a, b) name pairs, a < b, of each partition's bridges."""
    out: list[list] = [[] for _ in range(n_parts)]
    pairs = ends[g.bridges()]
    # flat lists: a list per pair, or a NumPy scalar per lookup, cost more than the loop
    us, vs = pairs[:, 0].tolist(), pairs[:, 1].tolist()
    for p, u, v in zip(part_of[pairs[:, 0]].tolist(), us, vs, strict=True):
        a, b = names[u], names[v]
        out[p].append((a, b) if a < b else (b, a))
    for bridges in out:
        bridges.sort()
    return out


def _dominators(g: ig.Graph, cores: list[int | None]) -> list:
    """Immediate dominators from a root linked to every core, over both directions of
    each link: v dominates w iff every path from the core to w passes v, i.e. taking v
    away cuts w off from the core. NaN for vertices no core reaches."""
    d = g.as_directed(mode="mutual")
    root = d.vcount()
    d.add_vertices(1)
    d.add_edges([(root, c) for c in cores if c is not None])
    return d.dominator(root, mode="out")


def cut_above(actors: Iterable[T], core: T, parent: Callable[[T], T | None]) -> set[T]:
    """Nodes other than the core whose removal cuts some other actor off from it: the
    strict dominators below the core of the actors it reaches. ``parent`` is the immediate
    dominator (None for an actor the core does not reach or that is not a node)."""
    cut: set[T] = set()
    for a in actors:
        if a == core or (v := parent(a)) is None:
            continue
        while v != core and v not in cut:
            cut.add(v)
            v = parent(v)
    return cut


def _core_cuts(dom: list, core: int, actors: list[int | None], names: list[str]) -> list[str]:
    """``cut_above`` on igraph's dominator list (NaN for a vertex no core reaches)."""

    def parent(v: int | None) -> int | None:
        return None if v is None or dom[v] != dom[v] else dom[v]

    return sorted(names[v] for v in cut_above(actors, core, parent))


def _brokers(s: _Batch, between: np.ndarray, part_of: np.ndarray) -> list:
    """The ``BROKERS`` nodes of highest normalized betweenness per partition (ties by id)."""
    n = np.diff(s.starts)[part_of].astype(float)
    # NetworkX normalizes an undirected graph's betweenness by the (n-1)(n-2) ordered
    # pairs of the partition's n nodes (``_between`` counts ordered pairs)
    scale = np.divide(1.0, (n - 1) * (n - 2), out=np.zeros_like(n), where=n > 2)
    bc = between * scale
    out: list[list] = [[] for _ in range(len(s.starts) - 1)]
    for v in np.flatnonzero(bc > 1e-12).tolist():
        out[part_of[v]].append((-round(float(bc[v]), 9), s.names[v]))
    return [[name for _b, name in sorted(ranked)[:BROKERS]] for ranked in out]


def _between(
    g: ig.Graph, degree: np.ndarray, ends: np.ndarray, starts: list[int], membership: np.ndarray
) -> np.ndarray:
    """Betweenness over ordered pairs, the leaves folded into their neighbours.

    Community graphs are trees of people hanging off a few organizations (in the demo a
    286-node component has 253 leaves), and a search's cost is the nodes it visits. A
    leaf (one neighbour, itself not a leaf) lies on no shortest path, and its paths are
    its neighbour's plus one step. So the searches run on the graph without leaves, a
    pair of nodes counting (1 + leaves of one) × (1 + leaves of the other), and each
    node gets one per pair it separates from its own leaves, by counting. igraph counts
    pairs of a subset of sources and targets unweighted: one call per pair of bits of
    the weights (bit k of one and bit j of the other: 2^(k+j)). A subset search clears
    arrays as long as the graph, so it runs on pieces of about ``SPAN`` vertices (whole
    partitions), not the whole batch.
    """
    size = g.vcount()
    leaf = np.zeros(size, dtype=bool)
    hang = np.zeros(size, dtype=np.int64)
    for a, b in ((0, 1), (1, 0)):
        mine = (degree[ends[:, a]] == 1) & (degree[ends[:, b]] > 1)
        leaf[ends[mine, a]] = True
        np.add.at(hang, ends[mine, b], 1)
    c = np.bincount(membership)[membership]  # component sizes
    # ordered pairs of other nodes of the component of which one is a leaf of the node
    bc = (hang * (2 * c - 3 - hang)).astype(float)
    kept = np.flatnonzero(~leaf & (degree > 0))
    new = np.full(size, -1)
    new[kept] = np.arange(len(kept))
    inner = new[ends]
    inner = inner[(inner >= 0).all(axis=1)]
    inner = inner[np.argsort(inner[:, 0], kind="stable")]  # by first end, to cut pieces
    weight = 1 + hang[kept]
    sums = np.zeros(len(kept))
    for lo, hi in _spans(np.searchsorted(kept, starts).tolist()):
        piece = inner[np.searchsorted(inner[:, 0], lo) : np.searchsorted(inner[:, 0], hi)]
        h = igraph_module().Graph(n=hi - lo, edges=piece - lo)
        w = weight[lo:hi]
        bits = [np.flatnonzero((w >> k) & 1).tolist() for k in range(int(w.max()).bit_length())]
        for k, j in itertools.combinations_with_replacement(range(len(bits)), 2):
            if bits[k] and bits[j]:
                # igraph halves an undirected count; (j, k) stands for (k, j) too, and
                # searches from the fewer nodes (the higher bit)
                twice = 2.0 if k == j else 4.0
                r = h.betweenness(sources=bits[j], targets=bits[k])
                sums[lo:hi] += twice * 2.0 ** (k + j) * np.asarray(r)
    bc[kept] += sums
    return bc


SPAN = 1024


def _spans(starts: list[int]) -> list[tuple[int, int]]:
    """Consecutive partitions grouped into vertex ranges of about ``SPAN`` (or one
    bigger partition)."""
    out, lo = [], starts[0]
    for a, b in itertools.pairwise(starts):
        if b - lo > SPAN and a > lo:
            out.append((lo, a))
            lo = a
    if starts[-1] > lo:
        out.append((lo, starts[-1]))
    return out


def _reached(parts: list[Partition]) -> list[list[str]]:
    """Targets each core reaches in its L (none without a core), by one search from a
    root linked to every core."""
    s = _Batch(
        [[] if p.core is None else [p.core] for p in parts],
        [[] if p.core is None else p.l_edges for p in parts],
    )
    root = len(s.names)
    lg = igraph_module().Graph(n=root + 1, edges=s.edges, directed=True)
    lg.add_edges([(root, s.index[i][p.core]) for i, p in enumerate(parts) if p.core is not None])
    seen = np.zeros(root + 1, dtype=bool)
    seen[lg.subcomponent(root, mode="out")] = True
    return [
        sorted(t for t in p.targets if t != p.core and t in own and seen[own[t]])
        for p, own in zip(parts, s.index, strict=True)
    ]
