"""Entry point of the ``govnet`` console script: imports the command modules it runs.

A new command module is one line in ``MODULES``. ``main`` turns a missing optional
dependency (the app, db or scale extra) into one line naming the extra.
"""

import importlib
import os
import sys

# Pydantic looks for plugins (observability hooks govnet never installs) in the entry
# points of every installed distribution the first time a model is built: ≈ 15 ms of
# each command that builds one (the rubric is a Pydantic model). Set
# PYDANTIC_DISABLE_PLUGINS to an empty value to have them loaded.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from govnet.cli.cli import app  # noqa: E402  (after the setting above)
from graph.collector import leave, one_job  # noqa: E402
from graph.extras import missing  # noqa: E402

# The module that registers each command (a group: its subcommands too). ``govnet COMMAND``
# imports that module only: ``govnet app`` starts a server without pandas and the engine
# (about a CPU second), and an analysis without the database commands' imports. Without a
# known command (``govnet``, ``--help``, a typo) every module is imported, so help lists
# them all. tests/govnet/test_cli_modules.py checks this against what each one registers.
MODULES = {
    "analyze": "analyze",
    "app": "serve",
    "convert": "scale",
    "db": "db",
    "demo": "ledger",
    "export": "db",
    "export-graph": "export_graph",
    "info": "ledger",
    "load": "db",
    "profile": "profile",
    "query": "db",
    "template": "ledger",
    "validate": "ledger",
    "whatif": "whatif",
}
COMMAND = sys.argv[1] if len(sys.argv) > 1 else ""
SERVES = COMMAND == "app"
for _module in [MODULES[COMMAND]] if COMMAND in MODULES else sorted(set(MODULES.values())):
    importlib.import_module(f"govnet.cli.{_module}")  # registers its commands on ``app``

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
