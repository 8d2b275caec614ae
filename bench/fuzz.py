"""Fuzz the ledger readers longer than CI does and print what happened.

    .venv/bin/python bench/fuzz.py [--examples 2000] [--seed 0]

Runs the strategies of ``tests/loaders/test_fuzz.py`` (CSV folders and zips in eight encodings,
workbooks with typed cells, formulas and formula-like text, broken files, zip and workbook
bombs and lying headers, which must be refused) with hypothesis for the given
number of examples each, then prints the inputs tried per format, the outcomes
(network / invalid) and the time per input. Any other exception stops the run with the
failing input, as in the tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")
warnings.filterwarnings("ignore", "Duplicate name")  # duplicate zip members on purpose


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per strategy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from hypothesis import seed, settings

    from tests.loaders import test_fuzz as fuzz

    tests = [fuzz.test_fuzz_csv_ledgers, fuzz.test_fuzz_xlsx_ledgers, fuzz.test_fuzz_broken_files]
    started = time.perf_counter()
    for test in tests:
        t0 = time.perf_counter()
        before = sum(fuzz.SUMMARY["fuzz outcomes"].values())
        wrapped = seed(args.seed)(
            settings(max_examples=args.examples, derandomize=False, deadline=None)(
                test.hypothesis.inner_test
            )
        )
        runner = fuzz.given(**test.hypothesis._given_kwargs)(wrapped)
        runner()
        n = sum(fuzz.SUMMARY["fuzz outcomes"].values()) - before
        dt = time.perf_counter() - t0
        print(
            f"{test.__name__:<28} {n:6d} inputs {dt:8.1f} s {1000 * dt / max(n, 1):7.1f} ms/input"
        )
    total = time.perf_counter() - started
    for title, counts in fuzz.SUMMARY.items():
        if counts:
            print(f"{title}: {dict(sorted(counts.items()))}")
    print(f"total {total:.1f} s")


if __name__ == "__main__":
    main()
