"""Entry point of the ``govnet`` console script: imports every command module."""

from commands import analyze, db, ledger, scale  # noqa: F401  (modules register their commands)
from commands.cli import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
