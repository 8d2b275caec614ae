"""``govnet app`` (or ``python -m govnet.app.launch run main.py ...``): Streamlit's own command
line, plus what the first page needs made ready while the server starts.

The first page's data is put on disk by a second process (``python -m govnet.app.disk``):
on a first start it analyzes the year before while the server analyzes the latest as soon
as the source is on disk (not once a browser has loaded the page), each on its own core.
A restart that finds the first page's tables on disk starts no such process (it would
import pandas and the engine for nothing).

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

# The app frame, the first page (its metrics' help texts too), and what reading its tables
# from disk needs.
FIRST_PAGE = ("govnet.app.main", "govnet.app.overview", "govnet.app.disk", "govnet.docs")
ENGINE = "graph.analysis.run"  # what analyzing a year imports (NetworkX, the rubric models)
log = logging.getLogger("govnet.app")


def _prepare() -> None:
    """Warm the cache in a second process unless a restart finds the first page on disk
    (the check needs the first page's imports: they are done here first, once a fresh
    cache folder has its process started without waiting); then the other imports, and
    when warming, the latest year's overview here while the second process does the year
    before (on two cores, each on its own, while the browser loads the page)."""
    from graph import config

    ledger = config.get("ledger") or None
    folder = config.cache_dir() / ("ledger" if ledger else "demo")
    fresh = not any(folder.glob("*.pickle"))
    if fresh:
        _warm()
    for name in FIRST_PAGE:
        try:
            importlib.import_module(name)
        except Exception:  # the script will import it again and show what is wrong
            log.debug("pre-import of %s failed", name, exc_info=True)
    ready = False
    if not fresh:
        try:
            ready = importlib.import_module("govnet.app.disk").ready(ledger)
        except Exception:  # what is wrong shows in the server, warming or not
            log.debug("checking the cache failed", exc_info=True)
        if not ready:
            _warm()
    if not ready:  # the latest year here and now, not once the browser has loaded the page
        try:
            importlib.import_module(ENGINE)  # while the other process makes the source
            importlib.import_module("govnet.app.disk").warm(ledger, years=1)
        except Exception:  # the page computes it again and shows what is wrong
            log.debug("analyzing the latest year failed", exc_info=True)


def _warm() -> None:
    warm = [sys.executable, "-m", "govnet.app.disk"]  # errors are the server's to show
    subprocess.Popen(warm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _skip_streamlit_start_work() -> None:
    """Two things Streamlit does at every start that find nothing for govnet, measured with
    py-spy (``bench/app_browser.py --profile``) at a few tenths of a CPU second each, on the
    way to the first page:

    - the server scans every installed package's metadata for packaged custom components
      (``components.v2.manifest_scanner``); govnet's one component is declared inline
      (``govnet/app/drawn.py``) and none is installed (``tests/govnet/test_app_launch.py``
      checks that the scan finds none);
    - the first element a script sends checks whether Python runs in a REPL, through
      ``inspect.stack()`` (source lookups for every frame of the script thread), to print a
      hint that never applies under ``streamlit run``.

    Both are Streamlit internals: a release without them (``streamlit>=1.40`` allows
    several) starts with the work done, never fails.
    """
    try:
        from streamlit import delta_generator
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        log.debug("Streamlit's start work is done as usual", exc_info=True)
        return
    if hasattr(manifest_scanner, "scan_component_manifests"):
        manifest_scanner.scan_component_manifests = lambda max_workers=None: []
    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


def main(args: list[str] | None = None) -> None:
    """Streamlit's ``streamlit ARGS`` (``sys.argv`` when None), with the cache warmed beside."""
    threading.Thread(target=_prepare, name="govnet-prepare", daemon=True).start()
    _skip_streamlit_start_work()
    from streamlit.web import cli

    cli.main(args=args, prog_name="streamlit")


if __name__ == "__main__":
    main()
