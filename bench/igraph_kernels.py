"""Graph kernels of one street group: NetworkX (the reference) against the production
igraph kernels, kernel by kernel.

Usage: .venv/bin/python bench/igraph_kernels.py DATASET [--batch 200] [--group 2] [--every 10]

Reads one group of streets of a dataset written by ``govnet convert`` (as the partitioned
run does), builds its per-community partitions and times, in CPU seconds, the group's
``measure``, its graph metrics (``run_partitions``), and kernel by kernel: on NetworkX the
calls ``analyze_partition(p, fast=False)`` makes per partition (every ``--every``-th one:
its betweenness is slow), on igraph the steps ``kernels.analyze_batch`` takes once for the whole
group (``graph.analysis.kernels``), and the whole of ``analyze_batch`` against one
partition at a time. The answers are checked to be NetworkX's, so both columns are the
same work.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from graph.analysis import kernels as k
from graph.analysis.engine import run_partitions
from graph.analysis.partitioned import batches
from graph.analysis.rubric import load_rubric
from graph.analysis.run import graph_partitions, measure
from graph.analysis.structure import (
    Partition,
    analyze_partition,
    core_cut_points,
    reached,
)
from graph.network import Network
from loaders.parquet import Dataset

KERNELS = ("graph", "components", "bridges", "cut points", "betweenness", "constraint", "reach")


def cpu(f: Callable[[], object]) -> tuple[float, object]:
    t0 = time.process_time()
    out = f()
    return time.process_time() - t0, out


def tick(t: dict[str, float], key: str, f: Callable[[], object]):
    took, out = cpu(f)
    t[key] = t.get(key, 0.0) + took
    return out


def nx_kernels(p: Partition, t: dict[str, float]) -> None:
    """The NetworkX calls of ``analyze_partition(p, fast=False)``, timed one by one."""

    def graph() -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(p.nodes)
        g.add_edges_from((a, b) for a, b in p.edges if a != b)
        return g

    g = tick(t, "graph", graph)
    tick(t, "components", lambda: nx.number_connected_components(g))
    tick(t, "bridges", lambda: list(nx.bridges(g)))
    if p.core is not None:
        tick(t, "cut points", lambda: core_cut_points(g, p.core, set(p.actors)))
        if g.degree(p.core):
            tick(t, "constraint", lambda: nx.constraint(g, [p.core]))
    tick(t, "betweenness", lambda: nx.betweenness_centrality(g))
    tick(t, "reach", lambda: reached(nx.DiGraph(p.l_edges), p.core, p.targets))


def ig_kernels(parts: list[Partition], t: dict[str, float]) -> None:
    """The steps of ``kernels.analyze_batch`` over all partitions."""

    def graph() -> tuple:
        s = k._Batch([p.nodes for p in parts], [p.edges for p in parts])
        g = ig.Graph(n=len(s.names), edges=s.edges)
        g.simplify()
        return s, g

    s, g = tick(t, "graph", graph)
    part_of = np.repeat(np.arange(len(parts)), np.diff(s.starts))

    def components() -> np.ndarray:
        membership = np.asarray(g.connected_components().membership, dtype=np.int64)
        k._components(membership, part_of, len(parts))
        return membership

    membership = tick(t, "components", components)
    tick(t, "bridges", lambda: k._bridges(g, s.names, part_of, len(parts)))
    cores = [s.index[i].get(p.core) if p.core is not None else None for i, p in enumerate(parts)]
    tick(t, "cut points", lambda: k._dominators(g, cores))
    tick(t, "betweenness", lambda: k._brokers(g, s, part_of, membership))
    degree = g.degree()
    linked = [c for c in cores if c is not None and degree[c]]
    tick(t, "constraint", lambda: g.constraint(linked))
    tick(t, "reach", lambda: k._reached(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--group", type=int, default=2)
    ap.add_argument("--every", type=int, default=10, help="NetworkX on every n-th partition")
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
    t_graph, got = cpu(lambda: run_partitions(parts, parallel=False))  # one analyze_batch
    t_one, one = cpu(lambda: [analyze_partition(p) for p in parts])
    assert got == one
    sample = parts[:: a.every]
    t_nx: dict[str, float] = {}
    for p in sample:
        nx_kernels(p, t_nx)
    t_ig: dict[str, float] = {}
    ig_kernels(parts, t_ig)
    for r, p in zip(got[:: a.every], sample, strict=True):
        want = analyze_partition(p, fast=False)
        assert r.pop("core_constraint") == pytest.approx(want.pop("core_constraint"), abs=1e-12)
        assert r == want, p.cid
    share = len(sample) / len(parts)
    print(f"{len(parts)} communities (own and halo) of {len(streets)} streets; CPU seconds")
    print(
        f"  measure of the group: {t_measure:.2f}; its graph metrics (run_partitions): "
        f"{t_graph:.2f} ({t_graph / t_measure:.0%})"
    )
    print(f"  analyze_partition one at a time: {t_one:.2f}; analyze_batch of all: {t_graph:.2f}")
    every = f" (on 1/{a.every}, scaled)" if a.every > 1 else ""
    print(f"  {'kernel':12s} {'NetworkX' + every:>9s} {'igraph':>9s}")
    for key in KERNELS:
        print(f"  {key:12s} {t_nx.get(key, 0) / share:9.2f} {t_ig.get(key, 0):9.2f}")
    nx_sum, ig_sum = sum(t_nx.values()) / share, sum(t_ig.values())
    print(f"  {'sum':12s} {nx_sum:9.2f} {ig_sum:9.2f}  ({nx_sum / ig_sum:.0f}×)")


if __name__ == "__main__":
    main()
