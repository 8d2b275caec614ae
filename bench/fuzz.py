"""Fuzz the ledger readers longer than CI does and print what happened.

    .venv/bin/python bench/fuzz.py [--examples 2000] [--seed 0]

Runs the strategies of ``bench/ledger_fuzz.py`` (CSV folders and zips in eight encodings,
workbooks with typed cells, formulas and formula-like text, broken files, zip and workbook
bombs and lying headers, which must be refused), which ``tests/loaders/test_fuzz.py`` runs
briefly in CI, with hypothesis for the given number of examples each, then prints the
inputs tried per format, the outcomes (network / invalid / refused) and the time per input.
Any other exception stops the run with the failing input, as in the tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")
warnings.filterwarnings("ignore", "Duplicate name")  # duplicate zip members on purpose

FORMATS: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()


def count(fmt: str, result: str) -> None:
    FORMATS[fmt] += 1
    OUTCOMES[result] += 1


def runners() -> list:
    """The three fuzz properties as hypothesis tests that count what they tried."""
    from hypothesis import given
    from hypothesis import strategies as st

    from bench import ledger_fuzz as lf

    @given(
        tables=lf.mutated(lf.cells),
        encoding=st.sampled_from(lf.ENCODINGS),
        as_zip=st.booleans(),
    )
    def csv_ledgers(tables, encoding: str, as_zip: bool) -> None:
        count("zip" if as_zip else "csv", lf.csv_outcome(tables, encoding, as_zip))

    @given(tables=lf.mutated(lf.typed_cells))
    def xlsx_ledgers(tables) -> None:
        count("xlsx", lf.xlsx_outcome(tables))

    @given(file=lf.broken_files())
    def broken_files(file: tuple[str, bytes]) -> None:
        count(*lf.broken_outcome(file))

    return [csv_ledgers, xlsx_ledgers, broken_files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per strategy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from hypothesis import HealthCheck, seed, settings

    fuzz = settings(
        max_examples=args.examples,
        derandomize=False,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    started = time.perf_counter()
    for test in runners():
        t0 = time.perf_counter()
        before = sum(OUTCOMES.values())
        seed(args.seed)(fuzz(test))()
        n = sum(OUTCOMES.values()) - before
        dt = time.perf_counter() - t0
        print(
            f"{test.__name__:<28} {n:6d} inputs {dt:8.1f} s {1000 * dt / max(n, 1):7.1f} ms/input"
        )
    total = time.perf_counter() - started
    print(f"fuzz inputs by format: {dict(sorted(FORMATS.items()))}")
    print(f"fuzz outcomes: {dict(sorted(OUTCOMES.items()))}")
    print(f"total {total:.1f} s")


if __name__ == "__main__":
    main()
