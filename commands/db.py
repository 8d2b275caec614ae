"""govnet db commands."""

from commands.cli import app  # noqa: F401
