"""Where `govnet analyze` spends its time: stage timings, then a cProfile of the whole command.

Writes the demo (district by default) as CSV, then in fresh interpreters:

1. stages without a profiler (wall and CPU seconds each): imports of the CLI, the cache key
   of a ledger (all a cached run adds to the imports and the JSON form), reading and
   validating the ledger, building the context, the analysis, the JSON form;
2. the whole `govnet analyze LEDGER --format json` under cProfile: the functions of govnet's own
   packages by cumulative time, and every function by own time.

With ``--app``, instead: py-spy samples the app's first page (Streamlit's AppTest, the
overview of the demo) twice on one cache folder — empty, then with analyses on disk — and
prints the modules and functions holding the most samples (start-up is mostly imports).

The numbers say where to cut; `bench/analyze.py`, `bench/load.py` and `bench/app_browser.py`
are the targets.

    .venv/bin/python bench/profile.py [--scale district|city] [--top 40] [--out stats.prof]
    .venv/bin/python bench/profile.py --app [--top 40]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STAGES = """
import json, sys, time, resource
def clock():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), u.ru_utime + u.ru_stime
out, (w, c) = {}, clock()
def stage(name):
    global w, c
    w1, c1 = clock()
    out[name] = (w1 - w, c1 - c)
    w, c = clock()
import govnet.cli.main
stage("import govnet.cli.main")
from loaders.ledger import ledger_fingerprint, read_ledger
ledger_fingerprint(sys.argv[1], key="bench-key")
stage("ledger_fingerprint (the cache key)")
net = read_ledger(sys.argv[1], key="bench-key", personal=False)  # as `govnet analyze` reads
stage("read + validate ledger (as analyze reads)")
from graph.analysis import analyze, json_text, to_json
from graph.analysis.scope import build_context
from graph.analysis.run import latest_year
build_context(net.tables, latest_year(net))
stage("build context (once, also inside analyze)")
a = analyze(net)
stage("analyze")
text = json_text(to_json(a))
stage("to_json + dumps")
print(json.dumps(out))
"""


APP = """
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=3600)
at.run()
assert not at.exception, at.exception
"""


def app_profile(top: int) -> None:
    """py-spy over the app's first page: cold (empty cache folder), then a restart."""
    spy = Path(sys.executable).with_name("py-spy")
    with tempfile.TemporaryDirectory(prefix="govnet-profile-") as tmp:
        env = {**os.environ, "GOVNET_CACHE_DIR": str(Path(tmp) / "cache")}
        env.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")
        script = Path(tmp) / "app_run.py"
        script.write_text(APP.format(app=str(ROOT / "app.py")))
        for label in ("first start, empty cache", "restart, analyses on disk"):
            raw = Path(tmp) / "app.raw"
            cmd = [str(spy), "record", "-r", "100", "-f", "raw", "-o", str(raw), "--"]
            subprocess.run(
                [*cmd, sys.executable, str(script)], env=env, cwd=ROOT, capture_output=True
            )
            inclusive, total = collections.Counter(), 0
            for line in raw.read_text().splitlines():
                stack, n = line.rsplit(" ", 1)
                total += int(n)
                frames = {
                    f"{m[1]} ({m[2].split('site-packages/')[-1].replace(str(ROOT) + '/', '')})"
                    for m in re.finditer(r"([^;]+?) \(([^;]*?):\d+\)", stack)
                }
                inclusive.update({f: int(n) for f in frames})
            print(f"\n== app, {label}: {total} samples at 100 Hz (wall, incl. waiting)")
            for frame, n in inclusive.most_common(top):
                print(f"{n:>7} {100 * n / total:5.1f}%  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", type=Path, help="keep the cProfile stats here")
    parser.add_argument("--app", action="store_true", help="profile the app's first page")
    args = parser.parse_args()
    if args.app:
        app_profile(args.top)
        return
    sys.path.insert(0, str(ROOT))
    from loaders.demo import write_demo

    with tempfile.TemporaryDirectory(prefix="govnet-profile-") as tmp:
        write_demo(tmp, scale=args.scale, seed=args.seed, formats=("csv",))
        folder = str(Path(tmp) / "csv")
        run = subprocess.run(
            [sys.executable, "-c", STAGES, folder],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        stages = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"== stages of analyze on the {args.scale} demo (no profiler)")
        print(f"{'':44}{'wall s':>9}{'CPU s':>9}")
        for name, (wall, cpu) in stages.items():
            print(f"{name:44}{wall:>9.2f}{cpu:>9.2f}")
        prof = args.out or Path(tmp) / "analyze.prof"
        subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "govnet.cli.main"]
            + ["analyze", folder, "--no-cache", "--format", "json"]
            + ["--out", str(Path(tmp) / "a.json")],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        stats = pstats.Stats(str(prof))
        print(f"\n== govnet's own functions by cumulative time (cProfile, top {args.top})")
        stats.sort_stats("cumulative").print_stats(r"/(govnet|graph|loaders)/", args.top)
        print(f"\n== every function by own time (top {args.top})")
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
