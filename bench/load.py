"""Benchmark: read + validate + pseudonymize the demo ledger from CSV, against plain pandas.

Writes the demo (``city`` scale by default) as CSV to a temporary folder, then runs, each
in a fresh subprocess so peak memory is its own:

- baseline: ``pandas.read_csv`` of every file (default options), nothing else;
- govnet: ``loaders.ledger.read_ledger`` (text reading, all validation, pseudonyms, Network).

Prints wall time and peak RSS of both and the ratios. Targets for ``city``: < 20 s, < 3 GB.

    .venv/bin/python bench/load.py [--scale city|district] [--seed 7] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = {
    "baseline": """
import pandas as pd
from pathlib import Path
rows = sum(len(pd.read_csv(p)) for p in sorted(Path(FOLDER).glob("*.csv")))
""",
    "govnet": """
from loaders.ledger import read_ledger
net = read_ledger(FOLDER, key="bench-key")
rows = sum(net.counts().values())
""",
}


def run_child(kind: str, folder: Path) -> dict:
    """Run one reader in a fresh interpreter: wall and CPU seconds, peak MB, rows read.

    CPU seconds are shown too because wall time on a shared machine includes waiting."""
    code = f"""
import json, resource, time
FOLDER = {str(folder)!r}
use0 = resource.getrusage(resource.RUSAGE_SELF)
CPU0 = use0.ru_utime + use0.ru_stime
t = time.perf_counter()
{CHILD[kind]}
seconds = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_SELF)
cpu = use.ru_utime + use.ru_stime - CPU0
print(json.dumps({{"seconds": seconds, "cpu": cpu, "peak_mb": use.ru_maxrss / 1024, "rows": rows}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; best is kept")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from loaders.demo import write_demo

    with tempfile.TemporaryDirectory(prefix="govnet-bench-") as tmp:
        t = time.perf_counter()
        written = write_demo(tmp, scale=args.scale, seed=args.seed, formats=("csv",))
        folder = Path(tmp) / "csv"
        size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
        print(
            f"demo {args.scale} (seed {args.seed}): {sum(written.counts.values()):,} rows, "
            f"{size:.0f} MB of CSV, written in {time.perf_counter() - t:.1f} s"
        )
        results = {}
        for kind in ("baseline", "govnet"):
            runs = [run_child(kind, folder) for _ in range(args.repeat)]
            results[kind] = min(runs, key=lambda r: r["seconds"])
    base, ours = results["baseline"], results["govnet"]
    assert base["rows"] == ours["rows"], (base["rows"], ours["rows"])
    print(f"{'':28}{'wall s':>10}{'CPU s':>10}{'peak MB':>10}")
    for label, r in (("pandas.read_csv (baseline)", base), ("govnet read_ledger", ours)):
        print(f"{label:28}{r['seconds']:>10.2f}{r['cpu']:>10.2f}{r['peak_mb']:>10.0f}")
    print(
        f"ratio govnet / baseline: wall {ours['seconds'] / base['seconds']:.2f}x, "
        f"CPU {ours['cpu'] / base['cpu']:.2f}x, "
        f"peak memory {ours['peak_mb'] / base['peak_mb']:.2f}x"
    )
    if args.scale == "city":
        ok = ours["seconds"] < 20 and ours["peak_mb"] < 3072
        print(f"city target (< 20 s, < 3 GB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
