"""govnet app: start the Streamlit app (the demo district, or the ledger given)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from govnet.cli.cli import app
from graph.config import SETTINGS
from graph.extras import MissingExtra, require

LEDGER_ENV = SETTINGS["ledger"].env  # read by govnet.app.source: the app's default data source
# What a checkout's .streamlit/config.toml says, for an installed app started anywhere.
SERVER_FLAGS = {
    "server.headless": "true",
    "server.maxUploadSize": "50",
    "server.fileWatcherType": "none",
    "browser.gatherUsageStats": "false",
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
    try:
        require("streamlit", "govnet app")
    except MissingExtra as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    env = dict(os.environ)
    if ledger is not None:
        if not ledger.exists():
            typer.echo(f"no such ledger: {ledger}", err=True)
            raise typer.Exit(1)
        env[LEDGER_ENV] = str(ledger.resolve())
    script = Path(__file__).resolve().parent.parent / "app" / "main.py"
    # Streamlit's command line, which also warms the cache in a second process while the
    # server starts (govnet/app/launch.py).
    cmd = [sys.executable, "-m", "govnet.app.launch", "run", str(script), f"--server.port={port}"]
    cmd += [f"--{key}={value}" for key, value in SERVER_FLAGS.items()]
    server = subprocess.Popen(cmd, env=env)
    # Stopped (by a service manager, say): stop the server too rather than orphan it.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        raise typer.Exit(server.wait())
    except KeyboardInterrupt:  # Ctrl-C reached the server too: let it shut down cleanly
        raise typer.Exit(server.wait()) from None
