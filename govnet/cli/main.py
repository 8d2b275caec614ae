"""Entry point of the ``govnet`` console script: imports every command module.

One import per line, so a new command module is a one-line change.
"""

# The command modules register their commands on ``app`` when imported.
from govnet.cli import (
    analyze,  # noqa: F401
    db,  # noqa: F401
    ledger,  # noqa: F401
    profile,  # noqa: F401
    scale,  # noqa: F401
    serve,  # noqa: F401
    whatif,  # noqa: F401
)
from govnet.cli.cli import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
