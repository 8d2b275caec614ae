"""The local FalkorDB server never settles for someone else's: a port taken between
``free_port`` and the server's bind is picked again, and a stopped server holding a port
is an error, not a wait without end; its stderr goes to its log, never to a pipe."""

from __future__ import annotations

import signal
import tempfile
import threading
from collections.abc import Iterator

import pytest
import redis

import graph.store.server as server_module
from graph.store.errors import StoreError
from graph.store.server import FalkorServer

pytestmark = pytest.mark.db


@pytest.fixture
def other() -> Iterator[FalkorServer]:
    """Another process's server, already listening."""
    with FalkorServer() as falkor:
        yield falkor


def _pid(falkor: FalkorServer) -> int:
    client = redis.Redis(host="127.0.0.1", port=falkor.port, socket_timeout=5)
    try:
        return int(client.info("server")["process_id"])
    finally:
        client.close()


def test_a_picked_port_taken_meanwhile_is_picked_again(
    other: FalkorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    picks = iter([other.port])
    real = server_module.free_port
    monkeypatch.setattr(server_module, "free_port", lambda: next(picks, None) or real())
    with FalkorServer() as mine:
        assert mine.port != other.port
        assert _pid(mine) == mine.process.pid
    assert _pid(other) == other.process.pid  # the other server was left alone


def test_a_port_held_by_a_stopped_server_fails_instead_of_waiting(
    other: FalkorServer, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # where the new server's folder goes
    other.process.send_signal(signal.SIGSTOP)  # accepts connections, never answers
    outcome: list[BaseException | FalkorServer] = []

    def start() -> None:
        try:
            outcome.append(FalkorServer(port=other.port).start())
        except BaseException as exc:
            outcome.append(exc)

    try:
        thread = threading.Thread(target=start, daemon=True)
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive(), "start() still waiting on a stopped server"
    finally:
        other.process.send_signal(signal.SIGCONT)
    [result] = outcome
    assert isinstance(result, StoreError) and f"port {other.port} is taken" in str(result)
    assert not set(tmp.glob("govnet-falkor-*")), "the failed start left its folder behind"


def test_a_start_reads_only_its_own_log_lines(tmp_path) -> None:
    """A persistent folder keeps its log across starts; a start's checks (a port clash, why
    it did not start) read its own lines only, not an earlier run's."""
    for _ in range(2):
        with FalkorServer(data_dir=tmp_path) as falkor:
            own = falkor.log_path.read_bytes()[falkor._log_from :].decode()
    assert falkor.log_path.read_text().count("Redis is starting") == 2
    assert own.count("Redis is starting") == 1


def test_the_log_of_a_running_server_reads_at_once(other: FalkorServer) -> None:
    """The server's stderr goes to its log file, not to a pipe: nothing the server writes
    can fill a pipe nobody reads (which stops it), and ``log_tail`` reads while it runs."""
    tail: list[str] = []
    reader = threading.Thread(target=lambda: tail.append(other.log_tail()), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert not reader.is_alive(), "log_tail() waits for the server to exit"
    assert "Ready to accept connections" in tail[0]
    assert other.process.stderr is None
