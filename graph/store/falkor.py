"""FalkorDB through its native client (``falkor://`` / ``falkors://``).

FalkorDB's Bolt port is not usable with the Neo4j driver, so only the Redis protocol
client is used. Reads go through ``GRAPH.RO_QUERY``, which the server refuses to run for
any query that writes. ``--replace`` writes into ``NAME__staging_<random>`` (its own per run,
so two concurrent replacements never write into one staging graph) and then renames that
key over ``NAME`` with Redis ``RENAME``: a single atomic command, so a reader's query runs
either on the old graph or on the complete new one.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import redis
from falkordb import Edge, FalkorDB, Node, Path

from graph import config
from graph.store.backend import OnBatch, Rows, Statement, rows_count
from graph.store.config import DbConfig
from graph.store.errors import ReadOnlyError, StoreError

if TYPE_CHECKING:
    from graph.store.falkor_bulk import Request

STAGING_SUFFIX = "__staging"
LEASE_PREFIX = "govnet-load-"


def plain(value: Any) -> Any:
    """FalkorDB result values as plain Python: nodes, edges and paths become dicts."""
    if isinstance(value, Node):
        return {**value.properties, "_labels": list(value.labels or [])}
    if isinstance(value, Edge):
        return {**value.properties, "_type": value.relation}
    if isinstance(value, Path):
        return {
            "nodes": [plain(n) for n in value.nodes()],
            "relationships": [plain(e) for e in value.edges()],
        }
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def literal(value: Any) -> str:
    """A parameter value as FalkorDB's ``CYPHER name=value`` header spells it.

    The same rules as the client's own encoder (strings double-quoted with backslash and
    quote escaped, map keys in backticks), written for speed: loads encode millions.
    """
    kind = type(value)
    if kind is str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind is dict:
        return "{" + ",".join(f"`{_key(k)}`:{literal(v)}" for k, v in value.items()) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join(literal(v) for v in value) + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return repr(value)
    raise StoreError(f"cannot send a {kind.__name__} value to FalkorDB")


def _key(key: str) -> str:
    if not key or "`" in key:
        raise StoreError(f"bad property name {key!r}")
    return key


def params_header(params: dict[str, Any]) -> str:
    """``CYPHER a=1 b="x" `` for a query's parameters (empty when there are none)."""
    if not params:
        return ""
    return "CYPHER " + " ".join(f"{_key(k)}={literal(v)}" for k, v in params.items()) + " "


def _as_bool(raw: Any) -> bool | None:
    return None if raw is None else raw == "true"


def _as_float(raw: Any) -> float | None:
    return None if raw is None else float(raw)


def _as_str(raw: Any) -> str | None:
    return raw if raw is None or isinstance(raw, str) else str(raw)


def _as_int(raw: Any) -> int | None:
    return None if raw is None else int(raw)


# Verbose replies carry strings, integers and nil; the schema says what each column is.
DECODERS = {"str": _as_str, "int": _as_int, "float": _as_float, "bool": _as_bool}


def socket_timeout() -> float:
    """Seconds to wait for any one reply (setting ``db.timeout``): a hung server becomes an
    error instead of a command that never returns."""
    return float(config.get("db.timeout"))


def _error(exc: Exception, cfg: DbConfig) -> StoreError:
    """A driver exception as a StoreError with a message a user can act on."""
    if isinstance(exc, redis.AuthenticationError):
        return StoreError(f"FalkorDB at {cfg.safe_uri} refused the user name or password")
    if isinstance(exc, redis.TimeoutError):
        return StoreError(
            f"FalkorDB at {cfg.safe_uri} timed out: no answer within {socket_timeout():g} s "
            "(hung or overloaded? GOVNET_DB_TIMEOUT sets the limit)"
        )
    if isinstance(exc, redis.ConnectionError | redis.TimeoutError):
        return StoreError(
            f"cannot reach FalkorDB at {cfg.safe_uri} ({exc}); is it running? "
            "(`govnet db start` starts a local one)"
        )
    text = str(exc)
    if "read-only" in text or "RO_QUERY" in text:
        return ReadOnlyError(f"只读查询 read-only: FalkorDB refused a write ({text})")
    return StoreError(f"FalkorDB error: {text}")


class FalkorBackend:
    """One graph (a Redis key) on a FalkorDB server."""

    name = "falkor"

    def __init__(self, cfg: DbConfig) -> None:
        self.cfg = cfg
        self.graph_name = cfg.graph or "govnet"
        try:
            self.db = FalkorDB(
                host=cfg.host,
                port=cfg.port,
                username=cfg.user,
                password=cfg.password,
                ssl=cfg.tls,
                socket_connect_timeout=10,
                socket_timeout=socket_timeout(),
            )
            self.db.connection.ping()
        except redis.RedisError as exc:
            raise _error(exc, cfg) from None

    # -- writing -------------------------------------------------------------------------
    def _ensure_indexes(self, graph_name: str, labels: Sequence[str]) -> None:
        """An index, then a unique constraint, on ``id`` per label (each created once).

        On a filled graph FalkorDB builds both in the background: all the indexes are
        awaited before the constraints that use them are created, and the constraints are
        awaited too, so the graph is whole when this returns and no two kinds of background
        build run at once.
        """
        g = self.db.select_graph(graph_name)
        indexes = [("GRAPH.QUERY", graph_name, f"CREATE INDEX FOR (n:{label}) ON (n.id)")
                   for label in labels]  # fmt: skip
        unique = [("GRAPH.CONSTRAINT", "CREATE", graph_name, "UNIQUE", "NODE", label,
                   "PROPERTIES", 1, "id") for label in labels]  # fmt: skip
        for commands, listing in ((indexes, "indexes"), (unique, "constraints")):
            for command in commands:
                try:
                    g.execute_command(*command)
                except redis.ResponseError as exc:
                    if "already" not in str(exc):
                        raise
            self._await_built(graph_name, listing)

    def _run_all(self, graph_name: str, statements: Sequence[Statement], on_batch: OnBatch | None):
        run = self.db.connection.execute_command
        for cypher, params in statements:
            run("GRAPH.QUERY", graph_name, params_header(params) + cypher, "--compact")
            if on_batch:
                on_batch(rows_count(params))

    def load(
        self,
        labels: Sequence[str],
        statements: Sequence[Statement],
        *,
        replace: bool,
        on_batch: OnBatch | None,
    ) -> None:
        if not replace:
            try:
                self._ensure_indexes(self.graph_name, labels)
                self._run_all(self.graph_name, statements, on_batch)
            except redis.RedisError as exc:
                raise _error(exc, self.cfg) from None
            return
        token = uuid.uuid4().hex[:12]
        target = f"{self.graph_name}{STAGING_SUFFIX}_{token}"
        try:
            with self._lease(token):
                self._drop_orphans()
                self._ensure_indexes(target, labels)
                self._run_all(target, statements, on_batch)
                self.db.connection.rename(target, self.graph_name)
        except redis.RedisError as exc:
            raise _error(exc, self.cfg) from None
        finally:
            self._drop_quietly(target)

    def bulk_load(
        self,
        labels: Sequence[str],
        requests: Iterable[Request],
        after: Sequence[Statement],
        *,
        replace: bool,
        on_batch: OnBatch | None,
    ) -> int:
        """Build the graph with ``GRAPH.BULK`` in a staging graph of its own, run ``after``
        (the load marker), index it, then move it under the graph's name; returns the
        number of bulk requests.

        ``GRAPH.BULK`` only ever creates a graph, and a half-built one must never be what
        readers find, so it is staged as ``--replace`` stages: a failure or a kill leaves at
        most an orphan staging graph (dropped here, or by the next load). Without
        ``replace`` the move is ``RENAMENX``: a graph created meanwhile under the name is
        never overwritten. ``requests`` may be a generator that encodes each request
        while the server stores the one before.
        """
        token = uuid.uuid4().hex[:12]
        staging = f"{self.graph_name}{STAGING_SUFFIX}_{token}"
        try:
            with self._lease(token):
                self._drop_orphans()
                sent = self._send_pipelined(staging, requests, on_batch)
                self._check_counts(staging, *sent[1:])
                self._run_all(staging, after, on_batch)
                self._ensure_indexes(staging, labels)
                if replace:
                    self.db.connection.rename(staging, self.graph_name)
                elif not self.db.connection.renamenx(staging, self.graph_name):
                    raise StoreError(
                        f"graph {self.graph_name!r} was created by someone else during this "
                        "load; nothing was changed (load again to merge into it)"
                    )
        except redis.RedisError as exc:
            raise _error(exc, self.cfg) from None
        finally:
            self._drop_quietly(staging)
        return sent[0]

    def _send_pipelined(
        self, staging: str, requests: Iterable[Request], on_batch: OnBatch | None
    ) -> tuple[int, int, int]:
        """Send each request before reading the reply to the one before: the client
        encodes request n+1 (the generator's next step) while the server stores request n.
        Returns how many requests, nodes and relationships were sent."""
        conn = self.db.connection.connection_pool.make_connection()
        count = nodes = edges = 0
        in_flight: Request | None = None

        def settle() -> None:
            nonlocal in_flight
            done, in_flight = in_flight, None
            if done is not None:
                conn.read_response()
                if on_batch:
                    on_batch(done.nodes + done.edges)

        try:
            for request in requests:
                settle()
                conn.send_command("GRAPH.BULK", staging, *request.args(begin=count == 0))
                in_flight = request
                count, nodes, edges = count + 1, nodes + request.nodes, edges + request.edges
            settle()
        finally:
            if in_flight is not None:  # stopped with a request sent: let it finish
                with contextlib.suppress(redis.RedisError):
                    conn.read_response()
            conn.disconnect()
        return count, nodes, edges

    def _await_built(self, graph_name: str, listing: str) -> None:
        """Wait until every entry of ``db.indexes()`` or ``db.constraints()`` is OPERATIONAL
        (a failed constraint: duplicate ids), at most ``db.timeout``."""
        deadline = time.monotonic() + socket_timeout()
        run = self.db.connection.execute_command
        while True:
            _header, rows, *_ = run(
                "GRAPH.RO_QUERY", graph_name, f"CALL db.{listing}() YIELD label, status"
            )
            pending = [label for label, status in rows if status != "OPERATIONAL"]
            failed = [label for label, status in rows if status == "FAILED"]
            if failed:
                raise StoreError(f"unique id constraint failed for {failed}; nothing was changed")
            if not pending:
                return
            if time.monotonic() > deadline:
                raise StoreError(f"{listing} on id still building for {pending}")
            time.sleep(0.05)

    def _check_counts(self, graph_name: str, nodes: int, edges: int) -> None:
        """The bulk reply only echoes the counts it was sent: count what was stored."""
        if not nodes and not edges:
            return
        run = self.db.connection.execute_command
        found = []
        for cypher in ("MATCH (n) RETURN count(n)", "MATCH ()-[r]->() RETURN count(r)"):
            _header, rows, *_ = run("GRAPH.RO_QUERY", graph_name, cypher)
            found.append(int(rows[0][0]))
        if found != [nodes, edges]:
            raise StoreError(
                f"bulk load stored {found[0]} nodes and {found[1]} relationships, "
                f"expected {nodes} and {edges}; nothing was changed"
            )

    @contextlib.contextmanager
    def _lease(self, token: str) -> Iterator[None]:
        """Hold a connection named for this load while it runs: the server drops the name
        when the loading process dies, which tells later loads its staging graph is orphaned."""
        conn = self.db.connection.connection_pool.make_connection()
        try:
            conn.send_command("CLIENT", "SETNAME", LEASE_PREFIX + token)
            conn.read_response()
            yield
        finally:
            conn.disconnect()

    def staging_keys(self) -> list[str]:
        """Staging graphs of this graph: loads in progress, or left by a killed one."""
        pattern = self.graph_name.replace("\\", "\\\\")
        for char in "*?[]":
            pattern = pattern.replace(char, "\\" + char)
        found = self.db.connection.scan_iter(match=f"{pattern}{STAGING_SUFFIX}_*")
        return [k.decode() if isinstance(k, bytes) else k for k in found]

    def _drop_orphans(self) -> None:
        """Delete staging graphs whose load holds no lease (killed mid-way); a server that
        refuses CLIENT LIST (restricted user) keeps them until ``delete_graph``."""
        try:
            live = {c.get("name", "") for c in self.db.connection.client_list()}
        except redis.ResponseError:
            return
        for key in self.staging_keys():
            if LEASE_PREFIX + key.rsplit("_", 1)[-1] not in live:
                self.db.connection.delete(key)

    def _drop_quietly(self, key: str) -> None:
        """Remove a half-built staging graph; the server may already be gone."""
        with contextlib.suppress(redis.RedisError):
            self.db.connection.delete(key)

    # -- reading -------------------------------------------------------------------------
    def exists(self) -> bool:
        try:
            return bool(self.db.connection.exists(self.graph_name))
        except redis.RedisError as exc:  # the server died or hung since connecting
            raise _error(exc, self.cfg) from None

    def _check_exists(self) -> None:
        if not self.exists():
            raise StoreError(f"graph {self.graph_name!r} does not exist at {self.cfg.safe_uri}")

    def read(self, cypher: str, params: dict[str, Any], timeout: float | None = None) -> Rows:
        self._check_exists()
        ms = int(timeout * 1000) if timeout else None
        try:
            res = self.db.select_graph(self.graph_name).ro_query(cypher, params or None, ms)
        except redis.RedisError as exc:
            raise _error(exc, self.cfg) from None
        return [h[1] for h in res.header], [[plain(v) for v in row] for row in res.result_set]

    def read_typed(self, cypher: str, params: dict[str, Any], types: Sequence[str]) -> list[list]:
        """Whole-table reads: scalar columns in the verbose reply, decoded by schema type.

        One RESP element per value instead of the three of ``--compact`` and no generic
        result parser: several times faster for the hundreds of thousands of rows of a read.
        """
        self._check_exists()
        text = params_header(params) + cypher
        try:
            _header, rows, *_ = self.db.connection.execute_command(
                "GRAPH.RO_QUERY", self.graph_name, text
            )
        except redis.RedisError as exc:
            raise _error(exc, self.cfg) from None
        convert = [(i, DECODERS[t]) for i, t in enumerate(types) if t != "str"]
        for row in rows:
            for i, decode in convert:
                row[i] = decode(row[i])
        return rows

    def delete_graph(self) -> None:
        """Remove the whole graph and any staging graph of it (tests, clean-up)."""
        try:
            self.db.connection.delete(self.graph_name, *self.staging_keys())
        except redis.RedisError as exc:
            raise _error(exc, self.cfg) from None

    def close(self) -> None:
        self.db.connection.close()
