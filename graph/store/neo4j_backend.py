"""Neo4j 5.x and later (including Aura) through the official driver.

Every write runs in a managed transaction (``session.execute_write``), so the driver
retries transient errors (deadlocks, leader switches); reads run in READ access sessions
through ``execute_read``, which the server refuses to use for writes. ``--replace`` runs the
whole load (delete the old district, write the new) as ONE transaction: Neo4j readers see
committed data only, so they see the old district or the new one, never half. This needs
transaction memory for the whole district (``db.memory.transaction.total.max``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Path, Relationship

from graph.store.backend import GOVNET_LABELS, OnBatch, Rows, Statement, rows_count
from graph.store.config import DbConfig
from graph.store.errors import ReadOnlyError, StoreError


def plain(value: Any) -> Any:
    """Neo4j result values as plain Python: graph objects become dicts, times ISO strings."""
    if isinstance(value, Node):
        return {**dict(value.items()), "_labels": sorted(value.labels)}
    if isinstance(value, Relationship):
        return {**dict(value.items()), "_type": value.type}
    if isinstance(value, Path):
        return {
            "nodes": [plain(n) for n in value.nodes],
            "relationships": [plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _error(exc: Exception, cfg: DbConfig) -> StoreError:
    if isinstance(exc, AuthError):
        return StoreError(f"Neo4j at {cfg.safe_uri} refused the user name or password")
    if isinstance(exc, ServiceUnavailable):
        return StoreError(f"cannot reach Neo4j at {cfg.safe_uri} ({exc})")
    code = getattr(exc, "code", "") or ""
    message = getattr(exc, "message", None) or str(exc)
    if "AccessMode" in code or "read access mode" in message.lower():
        return ReadOnlyError(f"只读查询 read-only: Neo4j refused a write ({message})")
    return StoreError(f"Neo4j error: {message}")


def constraint_statement(label: str) -> str:
    """The unique ``id`` constraint (and with it the index) of one label."""
    return (
        f"CREATE CONSTRAINT govnet_{label.lower()}_id IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    )


def _any_label(labels: Sequence[str]) -> str:
    return " OR ".join(f"n:{label}" for label in labels)


def delete_statement(labels: Sequence[str]) -> str:
    """Delete every node (and its relationships) carrying one of ``labels``."""
    return f"MATCH (n) WHERE {_any_label(labels)} DETACH DELETE n"


def exists_statement() -> str:
    """One id of any govnet node: whether the database holds a district at all."""
    return f"MATCH (n) WHERE {_any_label(GOVNET_LABELS)} RETURN n.id LIMIT 1"


def _run(tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any]) -> None:
    tx.run(cypher, params).consume()


def _fetch(tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any]) -> Rows:
    result = tx.run(cypher, params)
    rows = [list(r.values()) for r in result]
    return list(result.keys()), rows


class Neo4jBackend:
    """One Neo4j database (``--graph`` names it; None is the server's default database)."""

    name = "neo4j"

    def __init__(self, cfg: DbConfig) -> None:
        self.cfg = cfg
        auth = (cfg.user, cfg.password or "") if cfg.user else None
        try:
            self.driver = GraphDatabase.driver(cfg.address, auth=auth)
            self.driver.verify_connectivity()
        except (Neo4jError, DriverError, ValueError) as exc:
            raise _error(exc, cfg) from None

    def _session(self, mode: str) -> neo4j.Session:
        return self.driver.session(database=self.cfg.graph, default_access_mode=mode)

    def load(
        self,
        labels: Sequence[str],
        statements: Sequence[Statement],
        *,
        replace: bool,
        on_batch: OnBatch | None,
    ) -> None:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                for label in labels:
                    session.execute_write(_run, constraint_statement(label), {})
                if replace:
                    session.execute_write(self._replace_all, labels, statements, on_batch)
                    return
                for cypher, params in statements:
                    session.execute_write(_run, cypher, params)
                    if on_batch:
                        on_batch(rows_count(params))
        except (Neo4jError, DriverError) as exc:
            raise _error(exc, self.cfg) from None

    @staticmethod
    def _replace_all(
        tx: neo4j.ManagedTransaction,
        labels: Sequence[str],
        statements: Sequence[Statement],
        on_batch: OnBatch | None,
    ) -> None:
        """Delete the old district and write the new one inside one transaction."""
        tx.run(delete_statement(labels)).consume()
        for cypher, params in statements:
            tx.run(cypher, params).consume()
            if on_batch:
                on_batch(rows_count(params))

    def _read(self, cypher: str, params: dict[str, Any], timeout: float | None = None) -> Rows:
        fetch = neo4j.unit_of_work(timeout=timeout)(_fetch) if timeout else _fetch
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(fetch, cypher, params)
        except (Neo4jError, DriverError) as exc:
            raise _error(exc, self.cfg) from None

    def read(self, cypher: str, params: dict[str, Any], timeout: float | None = None) -> Rows:
        columns, rows = self._read(cypher, params, timeout)
        return columns, [[plain(v) for v in row] for row in rows]

    def read_typed(self, cypher: str, params: dict[str, Any], types: Sequence[str]) -> list[list]:
        """Whole-table reads; the driver already returns typed values."""
        floats = [i for i, t in enumerate(types) if t == "float"]
        rows = self._read(cypher, params)[1]
        for row in rows:
            for i in floats:
                if row[i] is not None:
                    row[i] = float(row[i])
        return rows

    def exists(self) -> bool:
        return bool(self._read(exists_statement(), {})[1])

    def delete_graph(self) -> None:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                session.execute_write(_run, delete_statement(GOVNET_LABELS), {})
        except (Neo4jError, DriverError) as exc:
            raise _error(exc, self.cfg) from None

    def close(self) -> None:
        self.driver.close()
