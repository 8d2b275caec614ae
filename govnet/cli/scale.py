"""govnet convert: a ledger as a street-partitioned Parquet dataset for big or distributed runs.

``govnet analyze DATASET`` (a folder written here) then analyzes street by street, in a
local process pool or on Dask (``--engine dask [--scheduler ADDRESS]``; govnet.cli.analyze).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govnet.cli.analyze import _fail, invalid_ledger, is_dataset
from govnet.cli.cli import app


@app.command("convert")
def convert_command(
    ledger: Annotated[
        Path, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip of CSV")
    ],
    out: Annotated[Path, typer.Argument(help="output folder of the Parquet dataset")],
) -> None:
    """转换 Convert a ledger to a Parquet dataset partitioned by street (for big runs).

    The ledger is read and checked one table at a time and the dataset replaces OUT only
    when all of it is valid, so a province converts in bounded memory.
    """
    if out.exists() and any(out.iterdir()) and not is_dataset(out):
        _fail(f"{out} exists and is not a govnet dataset")
    from loaders.errors import LedgerInvalid
    from loaders.parquet import convert_ledger  # pyarrow.dataset: only for this command

    try:
        manifest = convert_ledger(ledger, out, progress=True)
    except LedgerInvalid as e:
        _fail(invalid_ledger(e))
    except OSError as e:
        _fail(f"cannot convert {ledger}: {e}")
    streets = len(manifest["streets"])
    Console(stderr=True).print(
        f"wrote {out}: {streets} street partitions, "
        f"{sum(s['communities'] for s in manifest['streets'])} communities/villages, "
        f"halo {manifest['halo_rows']} rows and {manifest['halo_links']} links "
        "(cross-street references copied to the streets that read them)"
    )
