"""District end to end: `govnet analyze LEDGER --format json` against a plain `pandas.read_csv`.

Writes the demo (district by default) as CSV, then times fresh processes, each from process
start to its end (imports included):

- baseline: ``python -c "import pandas; pandas.read_csv(...)"`` of every file;
- govnet: ``python -m govnet.cli.main analyze FOLDER --format json --out FILE``;
- with ``--before PATH`` also the same command run from another checkout (for example the
  previous release: ``git archive REV | tar -x -C /tmp/before``), and whether its JSON is the same.

Prints wall and CPU seconds (children's user + system: the machine may be shared) of the
best of ``--repeat`` runs and the ratios; the target is govnet ≤ 2.5 × the baseline.

    .venv/bin/python bench/district.py [--scale district] [--repeat 3] [--before PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.5
BASELINE = (
    "import sys, pathlib, pandas as pd\n"
    "n = sum(len(pd.read_csv(p)) for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')))"
)


def timed(cmd: list[str], root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one child process run from ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def best(cmd: list[str], root: Path, repeat: int) -> tuple[float, float]:
    runs = [timed(cmd, root) for _ in range(repeat)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout to time the same way")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from loaders.demo import write_demo

    with tempfile.TemporaryDirectory(prefix="govnet-bench-") as tmp:
        write_demo(tmp, scale=args.scale, seed=args.seed, formats=("csv",))
        folder = str(Path(tmp) / "csv")
        rows = {}
        rows["pandas.read_csv (baseline)"] = best(
            [sys.executable, "-c", BASELINE, folder], ROOT, args.repeat
        )
        outs = {}
        checkouts = [("govnet analyze (this checkout)", ROOT)]
        if args.before:
            checkouts.append(("govnet analyze (--before)", args.before.resolve()))
        for label, root in checkouts:
            out = Path(tmp) / f"{len(outs)}.json"
            cmd = [sys.executable, "-m", "govnet.cli.main", "analyze", folder]
            rows[label] = best([*cmd, "--format", "json", "--out", str(out)], root, args.repeat)
            outs[label] = json.loads(out.read_text(encoding="utf-8"))
    base_wall, base_cpu = rows["pandas.read_csv (baseline)"]
    print(f"{args.scale} demo, best of {args.repeat}; machine: {os.cpu_count()} CPUs")
    print(f"{'process start → end':36}{'wall s':>9}{'CPU s':>9}{'× wall':>8}{'× CPU':>8}")
    for label, (wall, cpu) in rows.items():
        print(f"{label:36}{wall:>9.2f}{cpu:>9.2f}{wall / base_wall:>8.2f}{cpu / base_cpu:>8.2f}")
    wall, cpu = rows["govnet analyze (this checkout)"]
    verdict = {True: "met", False: "NOT met"}
    print(
        f"target ≤ {TARGET}× the baseline: wall {verdict[wall <= TARGET * base_wall]}, "
        f"CPU {verdict[cpu <= TARGET * base_cpu]}"
    )
    if args.before:
        w0, c0 = rows["govnet analyze (--before)"]
        same = outs["govnet analyze (--before)"] == outs["govnet analyze (this checkout)"]
        print(f"this checkout vs --before: {w0 / wall:.2f}× wall, {c0 / cpu:.2f}× CPU faster")
        print(f"same JSON as --before: {same}")


if __name__ == "__main__":
    main()
