"""A realistic, fictional demo ledger of a 二七区-like district in Zhengzhou.

``generate`` draws the raw tables (``loaders.demo_world``) table-wise with numpy, so the
``city`` (10×) and ``province`` (100×) scales stay fast; ``write_demo`` writes them as a
workbook and CSV; ``demo_network`` reads them back through the real loader.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from graph.network import Network
from graph.schema import TABLES
from loaders.demo_world import YEARS, world
from loaders.ledger import read_ledger
from loaders.write import EXCEL_MAX_ROWS, fits_excel, write_csv, write_xlsx

__all__ = ["SCALES", "YEARS", "DemoWritten", "demo_network", "generate", "write_demo"]

SCALES: dict[str, int] = {"district": 1, "city": 10, "province": 100}


def generate(scale: str = "district", seed: int = 7) -> dict[str, pd.DataFrame]:
    """Raw demo ledger tables (English keys and values, ISO dates) for one district.

    ``scale`` is ``district`` (~16 streets, ~150 communities and villages, ~1,500 grids,
    ~50,000 people), ``city`` (10×) or ``province`` (100×): same structure, more streets.
    The same seed always gives the same tables.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    return world(SCALES[scale], scale, np.random.default_rng(seed))


# --- writing and loading ---------------------------------------------------------------------


@dataclass
class DemoWritten:
    """What ``write_demo`` wrote: paths, row counts and why the workbook was skipped."""

    out_dir: Path
    counts: dict[str, int]
    csv: Path | None = None
    xlsx: Path | None = None
    note: str | None = None


Step = Callable[[str, int, int], None]  # (what is happening, steps done, steps in all)


def write_demo(
    out_dir: str | Path,
    scale: str = "district",
    seed: int = 7,
    formats: tuple[str, ...] = ("xlsx", "csv"),
    progress: Step | None = None,
) -> DemoWritten:
    """Write ``out_dir/ledger.xlsx`` and ``out_dir/csv/*.csv`` of the demo ledger.

    The workbook is skipped, with a ``note``, when a table exceeds Excel's row limit, as
    happens at the ``province`` scale; the CSV folder holds everything.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n_tables = len(TABLES)
    total = 1 + n_tables * len({"csv", "xlsx"} & set(formats))
    done = 0

    def step(what: str, advance: bool = True) -> None:
        nonlocal done
        done += advance
        if progress:
            progress(what, done, total)

    if progress:
        progress(f"生成 generating {scale} demo (seed {seed})", 0, total)
    tables = generate(scale, seed)
    step("生成完毕 generated")
    result = DemoWritten(out_dir, {k: len(v) for k, v in tables.items()})
    if "csv" in formats:
        write_csv(tables, out_dir / "csv", progress=lambda key, n, _of: step(f"CSV {key} {n:,}"))
        result.csv = out_dir / "csv"
    if "xlsx" in formats:
        too_long = fits_excel(tables)
        if too_long:
            result.note = (
                "ledger.xlsx 未写出 not written: "
                + ", ".join(f"{TABLES[k].zh} {k} {len(tables[k]):,} rows" for k in too_long)
                + f" > Excel's {EXCEL_MAX_ROWS - 1:,} data rows per sheet; use the CSV folder"
            )
            done = total - 1  # the workbook's steps are skipped at once
            step(result.note)
            if progress is None:
                print(result.note, file=sys.stderr)
        else:

            def xlsx_step(key: str, n: int, of: int) -> None:
                step(f"xlsx {TABLES[key].zh} {key} {n:,}/{of:,}", n == of)

            write_xlsx(tables, out_dir / "ledger.xlsx", progress=xlsx_step)
            result.xlsx = out_dir / "ledger.xlsx"
    return result


def demo_network(scale: str = "district", seed: int = 7) -> Network:
    """The demo ledger as a ``Network``, read back through the real loader (cached).

    Going through CSV and ``read_ledger`` means the demo is checked by the same rules as a
    district's own ledger; people are pseudonymized with the configured key, exactly as
    when a user imports the files ``write_demo`` wrote.
    """
    return _demo_network(scale, int(seed))  # one cache entry however it is called


@cache
def _demo_network(scale: str, seed: int) -> Network:
    tmp = Path(tempfile.mkdtemp(prefix="govnet-demo-"))
    try:
        write_csv(generate(scale, seed), tmp)
        return read_ledger(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
