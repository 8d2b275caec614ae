"""Where `govnet analyze` spends its time: stage timings, then a cProfile of the whole command.

Writes the demo (district by default) as CSV, then in fresh interpreters:

1. stages without a profiler (wall and CPU seconds each): imports of the CLI, reading and
   validating the ledger, building the context, the analysis, the JSON form;
2. the whole `govnet analyze LEDGER --format json` under cProfile: the functions of govnet's own
   packages by cumulative time, and every function by own time.

The numbers say where to cut; `bench/analyze.py` and `bench/load.py` are the targets.

    .venv/bin/python bench/profile.py [--scale district|city] [--top 40] [--out stats.prof]
"""

from __future__ import annotations

import argparse
import json
import pstats
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
from loaders.ledger import read_ledger
net = read_ledger(sys.argv[1], key="bench-key")
stage("read + validate ledger")
from graph.analysis import analyze, to_json
from graph.analysis.scope import build_context
from graph.analysis.run import latest_year
build_context(net.tables, latest_year(net))
stage("build context (once, also inside analyze)")
a = analyze(net)
stage("analyze")
text = json.dumps(to_json(a), ensure_ascii=False, indent=1, allow_nan=False)
stage("to_json + dumps")
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", type=Path, help="keep the cProfile stats here")
    args = parser.parse_args()
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
            + ["analyze", folder, "--format", "json", "--out", str(Path(tmp) / "a.json")],
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
