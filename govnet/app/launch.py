"""``govnet app`` (or ``python -m govnet.app.launch run main.py ...``): Streamlit's own command
line, plus what the first page needs made ready while the server starts.

The first page's data is put on disk by a second process (``python -m govnet.app.disk``):
on a first start it analyzes the year before while the server, once a browser asks,
analyzes the latest, each on its own core; on a restart it finds everything there.

Streamlit runs the app's script only when a browser connects, so a plain ``streamlit run``
sits idle while the browser fetches the page and its scripts, and then spends seconds
importing pandas, NetworkX and Plotly before the first element is drawn. Importing them
while the server starts moves that work ahead of the browser. The imports have no side
effects (the page modules render only when run as a script).
"""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
import threading

# The app frame, the first page, and what reading its analyses from disk needs.
FIRST_PAGE = (
    "govnet.app.main",
    "govnet.app.overview",
    "graph.analysis.model",
    "graph.analysis.persist",
    "loaders.pseudonymize",
)


def _preimport() -> None:
    for name in FIRST_PAGE:
        try:
            importlib.import_module(name)
        except Exception:  # the script will import it again and show what is wrong
            logging.getLogger("govnet.app").debug("pre-import of %s failed", name, exc_info=True)


def main(args: list[str] | None = None) -> None:
    """Streamlit's ``streamlit ARGS`` (``sys.argv`` when None), with the cache warmed beside."""
    from streamlit.web import cli

    warm = [sys.executable, "-m", "govnet.app.disk"]  # errors are the server's to show
    subprocess.Popen(warm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    threading.Thread(target=_preimport, name="govnet-preimport", daemon=True).start()
    cli.main(args=args, prog_name="streamlit")


if __name__ == "__main__":
    main()
