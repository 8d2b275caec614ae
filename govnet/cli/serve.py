"""govnet app: start the Streamlit app (the demo district, or the ledger given).

While the server starts, this process (which has the analysis code imported already) puts
the first page's data on disk (``govnet.app.disk.warm``): on a first start the two
processes share the work on two cores; on a restart it finds everything there at once.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
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
    # Streamlit's own command line, importing the first page's modules while it starts.
    cmd = [sys.executable, "-m", "govnet.app.launch", "run", str(script), f"--server.port={port}"]
    cmd += [f"--{key}={value}" for key, value in SERVER_FLAGS.items()]
    server = subprocess.Popen(cmd, env=env)
    # Stopped (by a service manager, say): stop the server too rather than orphan it.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    threading.Thread(target=_warm, args=(ledger,), name="govnet-warm", daemon=True).start()
    try:
        raise typer.Exit(server.wait())
    except KeyboardInterrupt:  # Ctrl-C reached the server too: let it shut down cleanly
        raise typer.Exit(server.wait()) from None


def _warm(ledger: Path | None) -> None:
    """The first page's data on disk; a failure is the server's to show, not ours."""
    from govnet.app.disk import warm

    try:
        warm(ledger)
    except Exception:
        logging.getLogger("govnet.app").debug("warming the cache failed", exc_info=True)
