"""Benchmark `analyze` on the demo district and city against a naive NetworkX baseline.

Prints wall and CPU time and peak memory of one analysis year, and the ratio against
the naive approach: the same metrics with plain NetworkX calls (``betweenness_centrality``,
``bridges``, ``constraint``, …) on subgraph views of one whole graph, serially. The naive
graph phase is timed on an evenly spread sample of communities and scaled to all of them
(communities are independent; the full naive run takes hours on the city).

    .venv/bin/python bench/analyze.py [--scale district --scale city] [--sample 12]
"""

from __future__ import annotations

import argparse
import resource
import time

from graph.analysis import analyze
from graph.analysis.engine import run_partitions, run_whole_graph
from graph.analysis.run import graph_partitions
from graph.analysis.structure import analyze_partition


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _peak_mb() -> float:
    """Peak resident memory of this process and its finished workers (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def bench(scale: str, sample: int) -> None:
    from loaders.demo import demo_network

    w0, _ = _clock()
    net = demo_network(scale, seed=7)
    year = max(net.years)
    print(f"\n== {scale}: {net.counts()}  (ledger read in {time.perf_counter() - w0:.1f} s)")

    w0, c0 = _clock()
    a = analyze(net, year)
    total, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(
        f"analyze {year}: {total:.2f} s wall, {cpu:.2f} s CPU in this process, "
        f"{len(a.communities)} communities; peak memory {_peak_mb():.0f} MB (incl. the ledger)"
    )

    w0 = time.perf_counter()
    ctx, parts = graph_partitions(net, year)
    t_parts = time.perf_counter() - w0
    picked = parts[:: max(1, len(parts) // sample)][:sample]
    w0 = time.perf_counter()
    run_partitions(picked, parallel=False)
    ours_sample = time.perf_counter() - w0
    w0 = time.perf_counter()
    for p in picked:
        analyze_partition(p, fast=False)
    plain_sample = time.perf_counter() - w0
    w0 = time.perf_counter()
    run_whole_graph(ctx, picked)
    naive_sample = time.perf_counter() - w0
    w0 = time.perf_counter()
    run_partitions(parts)
    ours_graph = time.perf_counter() - w0
    naive_graph = naive_sample * len(parts) / len(picked)
    naive_total = total - ours_graph + naive_graph
    print(
        f"graph phase: partitions built in {t_parts:.2f} s; ours {ours_graph:.2f} s for "
        f"{len(parts)} communities, naive ≈ {naive_graph:.1f} s (sample of {len(picked)}: "
        f"naive {naive_sample:.2f} s, ours serial {ours_sample:.2f} s)"
    )
    print(
        f"breakdown on the sample: views of the whole graph → own small graphs "
        f"{naive_sample / plain_sample:.1f}× (same NetworkX calls), plain NetworkX → "
        f"leaf-folded betweenness and one-pass constraint {plain_sample / ours_sample:.1f}×"
    )
    print(
        f"ratio naive/ours: graph phase ≈ {naive_graph / ours_graph:.1f}×, "
        f"end to end ≈ {naive_total / total:.1f}× ({naive_total:.1f} s vs {total:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=["district", "city"])
    parser.add_argument("--sample", type=int, default=12)
    args = parser.parse_args()
    for scale in args.scale or ["district", "city"]:
        bench(scale, args.sample)


if __name__ == "__main__":
    main()
