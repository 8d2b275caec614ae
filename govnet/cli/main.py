"""Entry point of the ``govnet`` console script: imports every command module."""

from govnet.cli import analyze, db, ledger, scale, serve  # noqa: F401  (commands register)
from govnet.cli.cli import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
