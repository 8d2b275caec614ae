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
    times, w = [], None
    for i in range(args.repeat):
        link = _link(base, i * 7)
        t = time.perf_counter()
        w = base.run(Scenario(add_links=(link,)))
        times.append(time.perf_counter() - t)
        print(
            f"scenario {' '.join(link)}: {times[-1]:.2f} s, re-measured {len(w.recomputed)} "
            f"communities, {len(w.changes)} values changed"
        )
    assert w is not None
    t = time.perf_counter()
    full = analyze(w.network, base.year, base.rubric)
    full_s = time.perf_counter() - t
    try:
        pd.testing.assert_frame_equal(
            full.communities.sort_values("id").reset_index(drop=True),
            w.after.communities.sort_values("id").reset_index(drop=True),
            check_dtype=False,
        )
        same = True
    except AssertionError:
        same = False
    best = min(times)
    print(f"full re-analysis of the changed ledger: {full_s:.2f} s; tables equal: {same}")
    print(f"ratio full / scenario: {full_s / best:.1f}× (best of {len(times)}; target ≥ 20×)")


if __name__ == "__main__":
    main()
