"""Benchmark a what-if scenario against a full re-analysis of the changed ledger.

On the demo (``city`` by default, 10× the district): the ledger is measured once (the
baseline every scenario starts from, as the app keeps it), then one scenario adds a LEADS
link from a community's core to an actor it does not reach. Timed in the same run: the
scenario (validate, apply to a copy, re-measure the touched communities, re-score the
district) and a full ``analyze`` of the changed ledger; the ratio is printed (target ≥ 20×)
and the two results are compared.

    .venv/bin/python bench/whatif.py [--scale city] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import time

import pandas as pd

from graph.analysis import analyze
from graph.analysis.whatif import Baseline, Scenario


def _link(base: Baseline, n: int) -> tuple[str, str, str]:
    """The n-th community with a core and an actor it does not reach: core LEADS actor."""
    a = base.before
    e = a.evidence[a.evidence["metric"] == "reach"]
    found = 0
    for cid, core in a.communities[a.communities["has_core"]][["id", "core"]].itertuples(
        index=False
    ):
        ids = e[e["community_id"] == cid]
        unreached = sorted(set(ids["id"]) - set(ids[ids["part"] == "numerator"]["id"]))
        if unreached:
            if found == n:
                return (core, "LEADS", unreached[0])
            found += 1
    raise SystemExit("no community with an unreached actor")


TABLES = ("communities", "streets", "district", "star_detail", "goods", "red_flag", "suggestions")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Equal values, rows in any order (the scenario's star detail is spliced)."""
    keys = ("community_id", "street_id", "district_id", "id", "star", "metric", "key")
    keys = [c for c in keys if c in a.columns] or list(a.columns)
    try:
        pd.testing.assert_frame_equal(
            a.sort_values(keys).reset_index(drop=True),
            b.sort_values(keys).reset_index(drop=True),
            check_dtype=False,
        )
    except AssertionError:
        return False
    return True


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the analysis' workers)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="city")
    ap.add_argument("--repeat", type=int, default=3, help="scenarios timed (different links)")
    args = ap.parse_args()
    from loaders.demo import demo_network

    t = time.perf_counter()
    net = demo_network(args.scale, seed=7)
    print(f"{args.scale}: demo read in {time.perf_counter() - t:.1f} s; {net.counts()}")
    t = time.perf_counter()
    base = Baseline(net)
    print(
        f"baseline (measure + score once, kept between scenarios): {time.perf_counter() - t:.1f} s"
    )
    times, cpus, w = [], [], None
    for i in range(args.repeat):
        link = _link(base, i * 7)
        t, c = time.perf_counter(), _cpu()
        w = base.run(Scenario(add_links=(link,)))
        times.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
        print(
            f"scenario {' '.join(link)}: {times[-1]:.2f} s ({cpus[-1]:.2f} CPU s),"
            f" re-measured {len(w.recomputed)} communities, {len(w.changes)} values changed"
        )
    assert w is not None
    t, c = time.perf_counter(), _cpu()
    full = analyze(w.network, base.year, base.rubric)
    full_s, full_cpu = time.perf_counter() - t, _cpu() - c
    unequal = [name for name in TABLES if not _same(getattr(full, name), getattr(w.after, name))]
    best = min(times)
    print(
        f"full re-analysis of the changed ledger: {full_s:.2f} s ({full_cpu:.2f} CPU s, its"
        f" worker processes included); tables equal: {not unequal} {' '.join(unequal)}"
    )
    print(f"CPU ratio full / scenario: {full_cpu / min(cpus):.1f}× (best of {len(cpus)})")
    print(f"ratio full / scenario: {full_s / best:.1f}× (best of {len(times)}; target ≥ 20×)")


if __name__ == "__main__":
    main()
