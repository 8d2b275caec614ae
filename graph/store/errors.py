"""Errors a store raises: each carries a message fit to show a user as it is."""

from __future__ import annotations


class StoreError(Exception):
    """Any failure talking to the graph database (connection, auth, bad query)."""


class ReadOnlyError(StoreError):
    """A query tried to change the graph through a read-only entry point."""


class IncompleteLoadError(StoreError):
    """The graph holds a load that never finished; reading it would give half a district."""
