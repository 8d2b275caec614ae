"""Graph kernels of one street group: NetworkX (the model) against igraph, per kernel.

Usage: .venv/bin/python bench/igraph_kernels.py DATASET [--batch 200] [--group 2]

Reads one group of streets of a dataset written by ``govnet convert`` (as the partitioned
run does), builds its per-community partitions and times, in CPU seconds, the group's
``measure``, its graph metrics (``run_partitions``), and kernel by kernel what
``structure_metrics`` calls on NetworkX and the same on igraph: building the graph,
connected components, biconnected blocks (bridges and the core's cut points come from
them), betweenness and Burt's constraint. igraph's answers are checked against NetworkX's,
so both columns are the same work. The issue's "Graph kernels" bullet asks for igraph
where a kernel still shows in the profile: this prints what it would save.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import igraph as ig
import networkx as nx

from graph.analysis.engine import run_partitions
from graph.analysis.partitioned import batches
from graph.analysis.rubric import load_rubric
from graph.analysis.run import graph_partitions, measure
from graph.analysis.structure import BROKERS, Partition, betweenness, burt_constraint
from graph.network import Network
from loaders.parquet import Dataset


def cpu(f: Callable[[], object]) -> tuple[float, object]:
    t0 = time.process_time()
    out = f()
    return time.process_time() - t0, out


KERNELS = ("graph", "components", "blocks", "betweenness", "constraint")


def nx_kernels(p: Partition, t: dict[str, float]) -> tuple:
    """The NetworkX kernels ``structure_metrics`` calls, timed one by one into ``t``."""
    g = tick(t, "graph", lambda: _nx_graph(p))
    comps = tick(t, "components", lambda: nx.number_connected_components(g))
    blocks = tick(t, "blocks", lambda: [frozenset(b) for b in nx.biconnected_components(g)])
    bc = tick(t, "betweenness", lambda: betweenness(g))
    con = tick(t, "constraint", lambda: _has(p, g.degree) and burt_constraint(g, p.core))
    return comps, set(blocks), _brokers(bc), con


def ig_kernels(p: Partition, t: dict[str, float]) -> tuple:
    """The same on igraph (betweenness counts each pair once: NetworkX's normalization ×2)."""
    g = tick(t, "graph", lambda: _ig_graph(p))
    names = g.vs["name"]
    comps = tick(t, "components", lambda: len(g.connected_components()))
    blocks = tick(t, "blocks", lambda: g.biconnected_components())
    n = g.vcount()
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    raw = tick(t, "betweenness", lambda: g.betweenness())
    bc = {names[i]: b * scale for i, b in enumerate(raw)}
    degree = dict(zip(names, g.degree(), strict=True))
    con = tick(t, "constraint", lambda: _has(p, degree.get) and g.constraint([p.core])[0])
    return comps, {frozenset(names[i] for i in b) for b in blocks}, _brokers(bc), con


def tick(t: dict[str, float], key: str, f: Callable[[], object]):
    t0 = time.process_time()
    out = f()
    t[key] = t.get(key, 0.0) + time.process_time() - t0
    return out


def _nx_graph(p: Partition) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(p.nodes)
    g.add_edges_from((a, b) for a, b in p.edges if a != b)
    return g


def _ig_graph(p: Partition) -> ig.Graph:
    g = ig.Graph()
    g.add_vertices(p.nodes)
    g.add_edges([(a, b) for a, b in p.edges if a != b])
    g.simplify()
    return g


def _has(p: Partition, degree: Callable) -> bool:
    return p.core is not None and p.core in set(p.nodes) and bool(degree(p.core))


def _brokers(bc: dict) -> list[str]:
    ranked = sorted((-round(b, 9), v) for v, b in bc.items() if b > 1e-12)
    return [v for _b, v in ranked[:BROKERS]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--group", type=int, default=2)
    a = ap.parse_args()
    source = Dataset(a.dataset)
    streets = batches(source.manifest, a.batch)[a.group]
    part = source.read(streets)
    network = Network(part.tables)
    year = max(source.manifest["years"])
    t_measure, _ = cpu(
        lambda: measure(network, year, load_rubric(None), own=part.own, parallel=False)
    )
    _ctx, parts = graph_partitions(network, year)
    t_graph, _ = cpu(lambda: run_partitions(parts, parallel=False))
    t_nx: dict[str, float] = {}
    t_ig: dict[str, float] = {}
    for p in parts:
        want, got = nx_kernels(p, t_nx), ig_kernels(p, t_ig)
        assert want[:3] == got[:3], p.cid
        assert (want[3] is False) == (got[3] is False), p.cid
        assert want[3] is False or abs(want[3] - got[3]) < 1e-9, p.cid
    nx_sum, ig_sum = sum(t_nx.values()), sum(t_ig.values())
    print(f"{len(parts)} communities (own and halo) of {len(streets)} streets; CPU seconds")
    print(
        f"  measure of the group: {t_measure:.2f}; its graph metrics (run_partitions): "
        f"{t_graph:.2f} ({t_graph / t_measure:.0%})"
    )
    print(f"  {'kernel':12s} {'NetworkX':>9s} {'igraph':>9s}")
    for k in KERNELS:
        print(f"  {k:12s} {t_nx.get(k, 0):9.2f} {t_ig.get(k, 0):9.2f}")
    print(
        f"  {'sum':12s} {nx_sum:9.2f} {ig_sum:9.2f}  → igraph would save "
        f"{nx_sum - ig_sum:.2f} s = {(nx_sum - ig_sum) / t_measure:.0%} of the measure"
    )


if __name__ == "__main__":
    main()
