"""govnet convert: a ledger as a street-partitioned Parquet dataset for big or distributed runs.

``govnet analyze DATASET`` (a folder written here) then analyzes street by street, in a
local process pool or on Dask (``--engine dask [--scheduler ADDRESS]``).
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govnet.cli.cli import app
from graph.analysis import Analysis
from graph.analysis.rubric import Rubric
from loaders.parquet import MANIFEST, convert


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def is_dataset(path: Path | None) -> bool:
    """Whether ``path`` is a Parquet dataset written by ``govnet convert``."""
    return path is not None and (path / MANIFEST).is_file()


def analyze_partitioned(
    source: Path,
    year: int | None,
    rubric: Rubric | list[Path] | None,
    engine: Engine,
    scheduler: str | None,
    workers: int | None = None,
) -> Analysis:
    """Analyze a dataset (or a ledger converted on the fly) street by street, with progress.

    A ledger file is converted into a temporary dataset first: fine for the local engine
    and a LocalCluster; a remote cluster needs a dataset on a path its workers can read.
    """
    from govnet.cli.analyze import _load
    from graph.analysis.partitioned import analyze_dataset
    from graph.analysis.rubric import load_rubric

    if isinstance(rubric, list):
        rubric = load_rubric(rubric or None)
    with ExitStack() as stack:
        root = source
        if not is_dataset(source):
            if scheduler:
                raise typer.BadParameter(
                    "a remote Dask cluster reads a Parquet dataset: run `govnet convert "
                    f"{source} OUT` on a path every worker can read, then analyze OUT"
                )
            root = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "dataset"
            convert(_load(source, None, None), root, progress=True)
        return analyze_dataset(
            root,
            year,
            rubric,
            engine=engine.value,
            scheduler=scheduler,
            workers=workers,
            progress=True,
        )


@app.command("convert")
def convert_command(
    ledger: Annotated[
        Path, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip of CSV")
    ],
    out: Annotated[Path, typer.Argument(help="output folder of the Parquet dataset")],
) -> None:
    """转换 Convert a ledger to a Parquet dataset partitioned by street (for big runs)."""
    from govnet.cli.analyze import _load

    network = _load(ledger, None, None)
    if out.exists() and any(out.iterdir()) and not is_dataset(out):
        Console(stderr=True).print(f"[red]{out} exists and is not a govnet dataset[/red]")
        raise typer.Exit(1)
    manifest = convert(network, out, progress=True)
    streets = len(manifest["streets"])
    Console(stderr=True).print(
        f"wrote {out}: {streets} street partitions, "
        f"{sum(s['communities'] for s in manifest['streets'])} communities/villages, "
        f"halo {manifest['halo_rows']} rows and {manifest['halo_links']} links "
        "(cross-street references copied to the streets that read them)"
    )
