"""Scale benchmark: district → city → province, partitioned analysis against whole-ledger runs.

Usage: .venv/bin/python bench/scale.py [--scales district,city,province] [--year 2024]
       [--workers 2] [--batch 200] [--baseline-scales district] [--dask-check city]
       [--whole-convert-scales city] [--ledgers /tmp/govnet-ledgers]
       [--before /work/wt/_base] [--before-scales city,province]

Per scale: generate the demo and write it as CSV (kept in ``--ledgers`` and reused when
given: the province takes minutes to generate), ``govnet convert`` it
(``convert_ledger``: read, check and write one table at a time), then analyze one year
street by street (``analyze_dataset``). Every step runs
in a child process; its peak memory is the largest memory of the child and its workers
summed (proportional set sizes, so pages a fork shares are counted once; psutil, sampled
every 0.1 s), its time is measured inside the child
(imports excluded). Its CPU seconds (user + system of the process tree, imports included)
are printed too, with the load average seen: on a busy shared machine wall time stretches
but CPU time barely does, so a slow run under load can be told from a slow program.
Beside it, in the same run: the whole-ledger ``analyze`` (the engine's own community
partitions in a process pool) and the naive whole-graph NetworkX baseline
(``analyze(..., baseline=True)``) on the scales it can finish, and the whole-ledger
convert (``read_ledger`` then ``convert``: the ledger held in memory) where asked. The growth
exponent between two scales is log(t2/t1) / log(n2/n1), n = communities.

With ``--before DIR`` (a checkout of the previous release) the convert and partitioned
steps of ``--before-scales`` also run on DIR's code, on the same ledger and in the same
run, and each target is printed beside the previous release's figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def child(mode: str, ledger: str, dataset: str, year: int, workers: int, batch: int) -> None:
    """One measured step, in this (child) process; prints a JSON line."""
    out: dict = {}
    if mode == "generate":
        from loaders.demo import write_demo

        t0 = time.perf_counter()
        write_demo(Path(ledger).parent, dataset, 7, formats=("csv",))
        out["seconds"] = time.perf_counter() - t0
    elif mode in ("convert", "convert-whole"):
        from loaders.parquet import convert, convert_ledger

        t0 = time.perf_counter()
        if mode == "convert":
            manifest = convert_ledger(ledger, dataset)
        else:
            from loaders.ledger import read_ledger

            manifest = convert(read_ledger(ledger), dataset + "-whole")
        out["seconds"] = time.perf_counter() - t0
        out["halo"] = [manifest["halo_rows"], manifest["halo_links"]]
        out["streets"] = len(manifest["streets"])
    elif mode in ("partitioned", "dask"):
        from graph.analysis import to_json
        from graph.analysis.partitioned import analyze_dataset
        from loaders.parquet import Dataset

        t0 = time.perf_counter()
        a = analyze_dataset(
            Dataset(dataset),
            year,
            engine="dask" if mode == "dask" else "local",
            workers=workers,
            batch=batch,
            evidence=False,
        )
        out["seconds"] = time.perf_counter() - t0
        out["communities"] = len(a.communities)
        Path(dataset, f"result-{mode}.json").write_text(json.dumps(to_json(a), sort_keys=True))
    else:  # whole / baseline: the whole ledger in memory
        from graph.analysis import analyze
        from loaders.ledger import read_ledger

        network = read_ledger(ledger)
        t0 = time.perf_counter()
        a = analyze(network, year, baseline=mode == "baseline")
        out["seconds"] = time.perf_counter() - t0
        out["communities"] = len(a.communities)
    print(json.dumps(out))


def _memory(p: psutil.Process) -> int:
    """A process's share of physical memory: its proportional set size (PSS) where the
    system tells it, else its resident set. A forked child (the pseudonyms' second half,
    the analysis workers) shares its parent's pages until either writes them: summed
    resident sets counted those twice (a province's convert read 6.6 GB for 4.4 GB used)."""
    try:
        return p.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):  # no PSS here
        return p.memory_info().rss


def measure(args: list[str], timeout: float, code: Path = ROOT) -> dict:
    """Run a child step; its JSON plus the peak summed memory (``_memory``) of its process
    tree (GB).

    ``code``: the checkout whose ``graph`` and ``loaders`` the child imports (this one, or
    the previous release's)."""
    cmd = [sys.executable, __file__, "--child", *args]
    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = psutil.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=code, env=env
    )
    peak, start, load = 0, time.perf_counter(), psutil.getloadavg()[0]
    cpu: dict[int, float] = {}  # pid → latest user+system seconds seen
    while proc.poll() is None:
        if time.perf_counter() - start > timeout:
            for p in proc.children(recursive=True) + [proc]:
                p.kill()
            proc.wait()
            return {"timeout": timeout}
        used = 0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                with p.oneshot():
                    used += _memory(p)
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        peak = max(peak, used)
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{args[0]} failed:\n{stderr[-3000:]}")
    out = json.loads(stdout.strip().splitlines()[-1])
    load = max(load, psutil.getloadavg()[0])
    return {**out, "peak_gb": peak / 1e9, "cpu_s": sum(cpu.values()), "load": load}


def exponent(t1: float, t2: float, n1: int, n2: int) -> float:
    return math.log(t2 / t1) / math.log(n2 / n1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="district,city,province")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--baseline-scales", default="district", help="naive baseline on these")
    ap.add_argument("--whole-scales", default="district,city", help="whole-ledger analyze")
    ap.add_argument("--dask-check", default="city", help="Dask = local JSON on these")
    ap.add_argument(
        "--whole-convert-scales", default="city", help="whole-ledger convert (baseline) on these"
    )
    ap.add_argument("--ledgers", help="keep the generated CSV ledgers here and reuse them")
    ap.add_argument("--before", type=Path, help="previous release's checkout, timed alongside")
    ap.add_argument("--before-scales", default="city,province", help="scales --before runs")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per step")
    ap.add_argument("--baseline-timeout", type=float, default=900, help="seconds, naive run")
    ap.add_argument("--child", nargs=6, metavar=("MODE", "LEDGER", "DS", "Y", "W", "B"))
    a = ap.parse_args()
    if a.child:
        mode, ledger, ds, year, workers, batch = a.child
        child(mode, ledger, ds, int(year), int(workers), int(batch))
        return

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in a.scales.split(","):
            folder = Path(tmp, scale)
            csv = Path(a.ledgers or tmp, scale, "csv")
            ledger, ds = str(csv), str(folder / "dataset")
            if a.ledgers and (csv / "places.csv").is_file():
                prep = 0.0  # generated by an earlier run
            else:
                argv = ["generate", ledger, scale, "0", "0", "0"]
                prep = measure(argv, a.timeout)["seconds"]

            def step(
                mode: str, ledger: str = ledger, ds: str = ds, scale: str = scale, code=ROOT
            ) -> dict:
                argv = [mode, ledger, ds, str(a.year), str(a.workers), str(a.batch)]
                limit = a.baseline_timeout if mode == "baseline" else a.timeout
                done = measure(argv, limit, code)
                print(scale, mode, code, json.dumps(done), file=sys.stderr, flush=True)
                return done

            row = {"scale": scale, "generate_s": prep}
            if a.before and scale in a.before_scales.split(","):
                old = str(folder / "dataset-before")
                row["before"] = {
                    k: step(k, ds=old, code=a.before.resolve()) for k in ("convert", "partitioned")
                }
            row["convert"] = step("convert")
            if scale in a.whole_convert_scales.split(","):
                row["convert-whole"] = step("convert-whole")
            row["partitioned"] = step("partitioned")
            row["communities"] = row["partitioned"]["communities"]
            if scale in a.whole_scales.split(","):
                row["whole"] = step("whole")
            if scale in a.dask_check.split(","):
                row["dask"] = step("dask")
                same = (
                    Path(ds, "result-dask.json").read_text()
                    == Path(ds, "result-partitioned.json").read_text()
                )
                row["dask"]["same_json"] = same
            if scale in a.baseline_scales.split(","):
                row["baseline"] = step("baseline")
            rows.append(row)
            report(rows)
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)


def _cell(step: dict | None, n: int) -> str:
    if step is None:
        return f"{'—':>28}"
    if "timeout" in step:
        return f"{'> ' + format(step['timeout'], '.0f') + ' s':>28}"
    t = step["seconds"]
    return f"{t:8.1f} s {step['peak_gb']:5.2f} GB {n / t:7.1f}/s"


def _convert_cell(step: dict | None) -> str:
    if step is None:
        return "—"
    if "timeout" in step:
        return f"> {step['timeout']:.0f} s"
    return f"{step['seconds']:6.1f} s {step['peak_gb']:5.2f} GB"


# Targets: city analyze < 15 s and 1.5 GB; province read + convert + analyze < 4 min, 3 GB;
# growth city → province ≤ 1.0.
TARGETS = {"city": (15.0, 1.5), "province": (240.0, 3.0)}
GROWTH = 1.0


def _pipeline(r: dict) -> dict:
    """convert + partitioned analyze as one step (sums; peak: the larger)."""
    steps = [r["convert"], r["partitioned"]]
    return {
        "seconds": sum(s["seconds"] for s in steps),
        "peak_gb": max(s["peak_gb"] for s in steps),
        "cpu_s": sum(s["cpu_s"] for s in steps),
        "load": max(s["load"] for s in steps),
    }


def _fig(s: dict) -> str:
    return (
        f"wall {s['seconds']:.1f} s, CPU {s['cpu_s']:.0f} s, {s['peak_gb']:.2f} GB "
        f"(load up to {s['load']:.1f})"
    )


def _versus(s: dict, old: dict) -> str:
    """Today's CPU and memory over the previous release's, measured in the same run."""
    return (
        f"today / previous: CPU {s['cpu_s'] / old['cpu_s']:.2f}×, "
        f"memory {s['peak_gb'] / old['peak_gb']:.2f}×"
    )


def _targets(r: dict) -> None:
    """The scale's target beside what was measured and the previous release's figure."""
    if r["scale"] not in TARGETS or "seconds" not in r["partitioned"]:
        return
    limit_s, limit_gb = TARGETS[r["scale"]]
    before = r.get("before", {})
    if r["scale"] == "city":
        runs = {
            k: (r[k], before.get(k)) for k in ("partitioned", "whole") if "seconds" in r.get(k, {})
        }
    else:
        old = _pipeline(before) if "seconds" in before.get("partitioned", {}) else None
        runs = {"pipeline (convert + partitioned)": (_pipeline(r), old)}
    for name, (s, old) in runs.items():
        ok = s["seconds"] < limit_s and s["peak_gb"] < limit_gb
        print(
            f"{r['scale']} {name}: {_fig(s)}; target < {limit_s:.0f} s and < {limit_gb} GB: "
            f"{'met' if ok else 'NOT met'}"
        )
        if old and "seconds" in old:
            print(
                f"{'':{len(r['scale'])}s} previous release, same run: {_fig(old)}; "
                + _versus(s, old)
            )
    if "seconds" in before.get("convert", {}):
        s, old = r["convert"], before["convert"]
        print(f"{r['scale']} convert: {_fig(s)}; previous release {_fig(old)}; " + _versus(s, old))


def report(rows: list[dict]) -> None:
    """The table so far: time, peak memory, communities/s per engine; growth exponents."""
    print(
        f"\n{'scale':9s} {'communities':>11s} | {'convert (table by table)':>24s} | "
        f"{'whole-ledger convert':>20s} | {'partitioned':>28s} | {'whole-ledger analyze':>28s} | "
        f"{'naive NetworkX':>28s}"
    )
    for r in rows:
        n = r["communities"]
        conv = [_convert_cell(r.get(k)) for k in ("convert", "convert-whole")]
        print(
            f"{r['scale']:9s} {n:11,d} | {conv[0]:>24s} | {conv[1]:>20s} | "
            f"{_cell(r['partitioned'], n)} | {_cell(r.get('whole'), n)} | "
            f"{_cell(r.get('baseline'), n)}"
        )
        if "dask" in r:
            d = r["dask"]
            print(
                f"{'':9s} dask LocalCluster({2}): {d['seconds']:.1f} s, "
                f"{d['peak_gb']:.2f} GB, same JSON as local: {d['same_json']}"
            )
    for r in rows:
        steps = ("convert", "convert-whole", "partitioned", "whole", "dask", "baseline")
        steps = [k for k in steps if k in r]
        cpu = ", ".join(f"{k} {r[k]['cpu_s']:.0f}" for k in steps if "cpu_s" in r[k])
        load = max(r[k].get("load", 0) for k in steps)
        old = r.get("before", {})
        if old:
            prev = ", ".join(f"{k} {s['cpu_s']:.0f}" for k, s in old.items() if "cpu_s" in s)
            cpu += f" (previous release, same run: {prev})"
        print(f"{r['scale']} CPU seconds (process tree): {cpu}; load average up to {load:.1f}")
    for r in rows:
        _targets(r)
    for r1, r2 in zip(rows, rows[1:], strict=False):
        n1, n2 = r1["communities"], r2["communities"]
        parts = [f"{r1['scale']}→{r2['scale']}:"]
        for key in ("partitioned", "whole", "baseline"):
            s1, s2 = r1.get(key), r2.get(key)
            if s1 and s2 and "seconds" in s1 and "seconds" in s2:
                e = exponent(s1["seconds"], s2["seconds"], n1, n2)
                # CPU seconds: wall time on a shared machine grows with the load, not n
                c = exponent(s1["cpu_s"], s2["cpu_s"], n1, n2)
                parts.append(f"{key} exponent {e:.2f} wall, {c:.2f} CPU (target ≤ {GROWTH})")
        b1, b2 = r1.get("before", {}).get("partitioned"), r2.get("before", {}).get("partitioned")
        if b1 and b2 and "seconds" in b1 and "seconds" in b2:
            c = exponent(b1["cpu_s"], b2["cpu_s"], n1, n2)
            parts.append(f"previous release {c:.2f} CPU")
        print("  ".join(parts))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
