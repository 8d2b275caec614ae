"""Time the demo generator and CSV writer per scale; ratios against the district run.

Usage: .venv/bin/python bench/demo_scales.py [district city province]
Prints seconds and peak memory per step; the district run is the baseline of the ratios.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time

from loaders.demo import SCALES, generate
from loaders.write import write_csv


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def main(scales: list[str]) -> None:
    base: dict[str, float] = {}
    for scale in scales:
        t0 = time.perf_counter()
        tables = generate(scale, seed=7)
        t_gen = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_csv(tables, tmp)
            t_csv = time.perf_counter() - t0
        rows = sum(len(df) for df in tables.values())
        base.setdefault("gen", t_gen)
        base.setdefault("csv", t_csv)
        print(
            f"{scale:9s} rows {rows:>11,}  people {len(tables['people']):>10,}  "
            f"generate {t_gen:7.1f}s (×{t_gen / base['gen']:5.1f})  "
            f"csv {t_csv:7.1f}s (×{t_csv / base['csv']:5.1f})  peak {peak_gb():.2f} GB",
            flush=True,
        )
        del tables


if __name__ == "__main__":
    main(sys.argv[1:] or list(SCALES)[:2])
