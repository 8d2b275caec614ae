"""govnet convert: a ledger as a street-partitioned Parquet dataset for big or distributed runs.

``govnet analyze DATASET`` (a folder written here) then analyzes street by street, in a
local process pool or on Dask (``--engine dask [--scheduler ADDRESS]``; govnet.cli.analyze).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govnet.cli.analyze import _load, is_dataset
from govnet.cli.cli import app


@app.command("convert")
def convert_command(
    ledger: Annotated[
        Path, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip of CSV")
    ],
    out: Annotated[Path, typer.Argument(help="output folder of the Parquet dataset")],
) -> None:
    """转换 Convert a ledger to a Parquet dataset partitioned by street (for big runs)."""
    network = _load(ledger, None, None)
    if out.exists() and any(out.iterdir()) and not is_dataset(out):
        Console(stderr=True).print(f"[red]{out} exists and is not a govnet dataset[/red]")
        raise typer.Exit(1)
    from loaders.parquet import convert  # pyarrow.dataset: only for this command

    manifest = convert(network, out, progress=True)
    streets = len(manifest["streets"])
    Console(stderr=True).print(
        f"wrote {out}: {streets} street partitions, "
        f"{sum(s['communities'] for s in manifest['streets'])} communities/villages, "
        f"halo {manifest['halo_rows']} rows and {manifest['halo_links']} links "
        "(cross-street references copied to the streets that read them)"
    )
