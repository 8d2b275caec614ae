"""Entry point of the ``govnet`` console script: imports every command module.

One import per line, so a new command module is a one-line change. ``main`` turns a missing
optional dependency (the app, db or scale extra) into one line naming the extra.
"""

import sys

from govnet.cli.cli import app
from graph.collector import leave, one_job
from graph.extras import missing

# ``govnet app`` only starts a server process: the other commands' imports (pandas and the
# engine, about a CPU second) would delay every app start, so they are skipped for it.
SERVES = sys.argv[1:2] == ["app"]
if SERVES:
    from govnet.cli import serve  # noqa: F401
else:  # The command modules register their commands on ``app`` when imported.
    from govnet.cli import (
        analyze,  # noqa: F401
        db,  # noqa: F401
        export_graph,  # noqa: F401
        ledger,  # noqa: F401
        profile,  # noqa: F401
        scale,  # noqa: F401
        serve,  # noqa: F401
        whatif,  # noqa: F401
    )

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI; a command that needs an extra that is not installed says which one.

    A command runs once, then the process leaves without the interpreter's teardown
    (``graph.collector``); ``govnet app``'s server lives on here with Python's defaults."""
    if not SERVES:
        one_job()
    try:
        app()
        code: object = 0
    except ImportError as exc:
        command = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
        extra = missing(exc, f"govnet {command}".strip())
        if extra is None:
            raise
        print(extra, file=sys.stderr)
        code = 1
    except SystemExit as done:  # how click ends every command, failed or not
        code = done.code
    (sys.exit if SERVES else leave)(code)


if __name__ == "__main__":
    main()
