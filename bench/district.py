"""District end to end: `govnet analyze LEDGER --format json` against a plain `pandas.read_csv`.

Writes the demo (district by default) as CSV, then times fresh processes, each from process
start to its end (imports included):

- baseline: ``python -c "import pandas; pandas.read_csv(...)"`` of every file;
- govnet, cold: ``python -m govnet.cli.main analyze FOLDER --format json --out FILE`` with an
  empty cache folder (``GOVNET_CACHE_DIR``) each run: read, validate, analyze, keep, write;
- govnet, cached: the same command again on a cache folder holding that analysis (kept on
  disk under the ledger's bytes, rubric, year, release and code; nothing else is read);
- with ``--before PATH`` also the same command run cold from another checkout (for example
  the previous release: ``git archive REV | tar -x -C /tmp/before``), and whether its JSON
  is the same.

The commands take turns, one run each per round, so a drift of the machine's speed (10-30%
within minutes on a shared machine) reaches all of them alike.

Every govnet JSON must be the same as the cold run's of this checkout (else the bench fails).

Modules are compiled once before timing, as an installed package's are.
Prints wall and CPU seconds (children's user + system: the machine may be shared) of the
best of ``--repeat`` runs and the ratios; the target is govnet ≤ 2.5 × the baseline. The
CPU seconds include the processes govnet forks to use the second core (the graph metrics
beside the evidence, half of the pseudonyms), so on an idle machine its wall is less than
its CPU; on a loaded one (load ≥ cores - 0.5) govnet does not fork, and wall says little.

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
COLD = "govnet analyze, cold"
CACHED = "govnet analyze, cached"
BEFORE = "govnet analyze (--before), cold"
BASELINE = (
    "import sys, pathlib, pandas as pd\n"
    "n = sum(len(pd.read_csv(p)) for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')))"
)


def timed(cmd: list[str], root: Path, cache: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one child process run from ``root``; ``cache`` is its
    cache folder (default: a new empty one, a cold run)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")
    with tempfile.TemporaryDirectory(prefix="govnet-bench-cache-") as empty:
        env["GOVNET_CACHE_DIR"] = str(cache or empty)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
        wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def best(
    runs: dict[str, tuple[list[str], Path, Path | None]], repeat: int
) -> dict[str, tuple[float, float]]:
    """The best wall and CPU seconds of each labelled ``(cmd, root, cache)`` over ``repeat``
    rounds, each round running every command once: the machine's speed drifts by 10-30%
    within minutes, and taking turns lets every command see the same drift."""
    for cmd, root, cache in runs.values():
        timed(cmd, root, cache)  # compiles the modules (see ``main``); fills ``cache``
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in runs}
    for _ in range(repeat):
        for label, (cmd, root, cache) in runs.items():
            times[label].append(timed(cmd, root, cache))
    return {label: (min(w for w, _ in t), min(c for _, c in t)) for label, t in times.items()}


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
        # Compiled modules, as an installed package has them: where PYTHONDONTWRITEBYTECODE
        # is set (this machine's sessions) every run would compile govnet's ~50 modules
        # again (0.13 CPU-s). Each command runs once untimed first to fill this folder.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        write_demo(tmp, scale=args.scale, seed=args.seed, formats=("csv",))
        folder = str(Path(tmp) / "csv")
        cached = Path(tmp) / "cache"
        runs = {
            "pandas.read_csv (baseline)": ([sys.executable, "-c", BASELINE, folder], ROOT, None)
        }
        sources = [(COLD, ROOT, None), (CACHED, ROOT, cached)]
        if args.before:
            sources.append((BEFORE, args.before.resolve(), None))
        out = {label: Path(tmp) / f"{i}.json" for i, (label, _r, _c) in enumerate(sources)}
        for label, root, cache in sources:
            cmd = [sys.executable, "-m", "govnet.cli.main", "analyze", folder]
            runs[label] = ([*cmd, "--format", "json", "--out", str(out[label])], root, cache)
        rows = best(runs, args.repeat)
        outs = {label: json.loads(out[label].read_text(encoding="utf-8")) for label in out}
        if outs[CACHED] != outs[COLD]:
            raise SystemExit("the cached run's JSON differs from the cold run's")
    base_wall, base_cpu = rows["pandas.read_csv (baseline)"]
    print(f"{args.scale} demo, best of {args.repeat}; machine: {os.cpu_count()} CPUs")
    print(f"{'process start → end':36}{'wall s':>9}{'CPU s':>9}{'× wall':>8}{'× CPU':>8}")
    for label, (wall, cpu) in rows.items():
        print(f"{label:36}{wall:>9.2f}{cpu:>9.2f}{wall / base_wall:>8.2f}{cpu / base_cpu:>8.2f}")
    verdict = {True: "met", False: "NOT met"}
    for label in (COLD, CACHED):
        wall, cpu = rows[label]
        print(
            f"{label}: target ≤ {TARGET}× the baseline: wall "
            f"{verdict[wall <= TARGET * base_wall]}, CPU {verdict[cpu <= TARGET * base_cpu]}"
        )
    if args.before:
        wall, cpu = rows[COLD]
        w0, c0 = rows[BEFORE]
        same = outs[BEFORE] == outs[COLD]
        print(f"cold vs --before: {w0 / wall:.2f}× wall, {c0 / cpu:.2f}× CPU faster")
        print(f"same JSON as --before: {same}")


if __name__ == "__main__":
    main()
