"""govnet app: start the Streamlit app (the demo district, or the ledger given)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Annotated

import typer

from govnet.cli.cli import app
from graph.config import SETTINGS
from graph.extras import MissingExtra

LEDGER_ENV = SETTINGS["ledger"].env  # read by govnet.app.source: the app's default data source
# What a checkout's .streamlit/config.toml says, for an installed app started anywhere.
SERVER_FLAGS = {
    "server.headless": "true",
    "server.maxUploadSize": "50",
    "server.fileWatcherType": "none",
    "browser.gatherUsageStats": "false",
    # Set, so the start banner shows this URL: unset, a headless server asks an outside
    # service for its external IP and blocks its event loop for up to 2 s when offline.
    "browser.serverAddress": "localhost",
    # No full garbage collection after every script run: measured at 0.3-0.6 CPU s after the
    # first page's run with the demo's tables in memory, holding the lock the server needs to
    # send the page and its chart scripts (Python still collects on its own thresholds).
    "runner.postScriptGC": "false",
    "client.showErrorDetails": "none",
    "client.disableDataExport": "true",  # no CSV export of tables: see SECURITY.md
    "client.toolbarMode": "minimal",
    "theme.primaryColor": "#c62828",
}


@app.command("app")
def serve(
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="台账 ledger to open instead of the demo district"),
    ] = None,
    port: Annotated[int, typer.Option(help="port on localhost")] = 8501,
) -> None:
    """启动应用 Start the Streamlit app on http://localhost:PORT (demo district by default)."""
    if importlib.util.find_spec("streamlit") is None:  # found, not imported: launch imports it
        typer.echo(str(MissingExtra("streamlit", "app", "govnet app")), err=True)
        raise typer.Exit(1)
    if ledger is not None:
        if not ledger.exists():
            typer.echo(f"no such ledger: {ledger}", err=True)
            raise typer.Exit(1)
        os.environ[LEDGER_ENV] = str(ledger.resolve())
    script = Path(__file__).resolve().parent.parent / "app" / "main.py"
    args = ["run", str(script), f"--server.port={port}"]
    args += [f"--{key}={value}" for key, value in SERVER_FLAGS.items()]
    # Streamlit's command line in this process (a second interpreter would start Python and
    # import Streamlit once more), warming the cache beside it (govnet/app/launch.py).
    from govnet.app.launch import main as launch

    launch(args)
