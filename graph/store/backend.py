"""What the repository needs from a database: load statements, run reads, convert values.

Two implementations: ``falkor.FalkorBackend`` (native FalkorDB client) and
``neo4j_backend.Neo4jBackend`` (official Neo4j driver). The repository builds the same
portable Cypher for both; only DDL, read-only access and the ``--replace`` swap differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from graph.schema import LABELS

META_LABEL = "GovnetMeta"
"""The label of the load marker node; never part of a district read back."""

META_ID = "load"
"""The ``id`` of the one load marker node."""

GOVNET_LABELS: tuple[str, ...] = (*LABELS, META_LABEL)

Statement = tuple[str, dict[str, Any]]
OnBatch = Callable[[int], None]
"""Called after each statement is committed with the number of rows it carried."""

Rows = tuple[list[str], list[list[Any]]]


class Backend(Protocol):
    name: str

    def load(
        self,
        labels: Sequence[str],
        statements: Sequence[Statement],
        *,
        replace: bool,
        on_batch: OnBatch | None,
    ) -> None:
        """Create ``id`` indexes/constraints for ``labels`` and run ``statements``.

        With ``replace`` the statements build a fresh graph that readers see only once
        every statement has run; without it each statement commits on its own.
        """

    def read(self, cypher: str, params: dict[str, Any], timeout: float | None = None) -> Rows:
        """Run a user's query read-only (server-side ``timeout`` in seconds when given);
        nodes/relationships/paths come back as dicts."""

    def read_typed(self, cypher: str, params: dict[str, Any], types: Sequence[str]) -> list[list]:
        """Run an internal read of scalar columns (``types``: str/int/float/bool), fast."""

    def exists(self) -> bool:
        """Whether the graph (FalkorDB) or database (Neo4j) holds anything."""

    def delete_graph(self) -> None:
        """Remove every govnet node and relationship (tests, ``--replace`` clean-up)."""

    def close(self) -> None: ...


def rows_count(params: dict[str, Any]) -> int:
    """How many rows a statement carries (its ``$rows`` list, else 1)."""
    rows = params.get("rows")
    return len(rows) if isinstance(rows, list) else 1
