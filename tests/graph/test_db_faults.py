"""Database faults: a real FalkorDB dies under ``govnet load``, ``load --replace`` and
``analyze --db``; bad addresses, passwords, graph names and a hung server.

Each test starts its own persistent server (a data folder, append-only file on) because it
kills it. Every time the command must stop with one clear line on stderr and exit code 1
(no traceback, no secret), the graph stored before must be intact after a restart on the
same folder, and running the command again must complete.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from graph.analysis import analyze, to_json
from graph.network import Network
from graph.store import open_store
from graph.store.server import FalkorServer, free_port
from loaders.ledger import read_ledger
from tests.conftest import ROOT
from tests.ledgers import bigger_ledger

pytestmark = pytest.mark.db
SMALL = ROOT / "tests" / "fixtures" / "small"


def govnet_env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GOVNET_DB_")}
    return {**base, "PYTHONPATH": str(ROOT), "COLUMNS": "300", **extra}


def govnet(*args: str, timeout: float = 180, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govnet.cli.main", *args],
        cwd=ROOT,
        env=govnet_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def govnet_all(commands: list[list[str]], **env: str) -> list[subprocess.CompletedProcess]:
    """Independent commands at once (each is a new Python process: startup dominates)."""
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        return list(pool.map(lambda args: govnet(*args, **env), commands))


def start(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "govnet.cli.main", *args],
        cwd=ROOT,
        env=govnet_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def error_lines(stderr: str) -> list[str]:
    """The lines a user reads as the failure (progress bars left out)."""
    lines = [line.strip() for chunk in stderr.splitlines() for line in chunk.split("\r")]
    return [line for line in lines if line and "rows/s" not in line and "it/s" not in line]


def assert_one_line_failure(returncode: int, stderr: str, *words: str) -> str:
    assert returncode == 1, (returncode, stderr)
    assert "Traceback" not in stderr, stderr
    lines = [line for line in error_lines(stderr) if not line.startswith("load:")]
    assert len(lines) == 1, lines
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    return lines[0]


class Server:
    """A persistent FalkorDB that a test may kill and start again on the same port and data."""

    def __init__(self, data: Path) -> None:
        self.port = free_port()
        self.data = data
        self.falkor = FalkorServer(port=self.port, data_dir=data).start()

    @property
    def uri(self) -> str:
        return self.falkor.uri

    def flush(self) -> None:
        """Wait until the append-only file has everything written so far (fsync per second)."""
        time.sleep(1.5)

    def kill(self) -> None:
        self.falkor.process.send_signal(signal.SIGKILL)
        self.falkor.process.wait(timeout=30)

    def restart(self) -> None:
        self.falkor = FalkorServer(port=self.port, data_dir=self.data).start()

    def stop(self) -> None:
        if self.falkor.process.poll() is None and self.falkor.process.returncode is None:
            self.falkor.process.send_signal(signal.SIGCONT)
        self.falkor.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path / "falkor")
    try:
        yield s
    finally:
        s.stop()


def stored(uri: str, graph: str) -> Network:
    with open_store(uri, graph) as store:
        return store.read()


def wait_for(check, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def people_count(uri: str, graph: str) -> int:
    try:
        with open_store(uri, graph) as store:
            return int(store.query("MATCH (n:Person) RETURN count(n) AS c")["c"][0])
    except Exception:  # the graph does not exist yet
        return 0


# --- the server dies --------------------------------------------------------------------


def kill_while(server: Server, under_way: Callable[[], None], *args: str) -> None:
    """Run ``govnet *args`` writing one row per batch and kill the server once ``under_way``
    returns: the command must stop with one line saying it cannot reach FalkorDB."""
    proc = start(*args, "--db", server.uri, GOVNET_DB_BATCH="1")
    try:
        under_way()
        server.kill()
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert_one_line_failure(proc.returncode, err, "cannot reach FalkorDB")


def stored_then_bigger(
    server: Server, graph: str, tmp_path: Path, people: int = 3000
) -> tuple[Network, Path]:
    """The small ledger stored (and flushed to disk) as ``graph``, and a bigger ledger whose
    write the test interrupts: what was there before must survive the kill."""
    small = read_ledger(SMALL)
    with open_store(server.uri, graph) as store:
        store.write(small)
    server.flush()
    return small, bigger_ledger(tmp_path / "big", people)


def test_server_killed_during_a_load(server: Server, tmp_path: Path) -> None:
    # a load of ~17 s at one row per statement: still under way after the flush below
    kept, ledger = stored_then_bigger(server, "kept", tmp_path, people=20_000)

    def under_way() -> None:
        wait_for(lambda: people_count(server.uri, "fresh") >= 50, "the load under way")
        # Killed sooner, the server may not have written the load's first statement (its
        # unfinished marker) to the append-only file yet: busy with an fsync it postpones
        # the writes, and the restarted server then has no "fresh" graph at all (CI saw it).
        server.flush()

    kill_while(server, under_way, "load", str(ledger), "--graph", "fresh")

    server.restart()
    assert stored(server.uri, "kept").equals(kept)  # the other graph is untouched
    refused = govnet("analyze", "--db", server.uri, "--graph", "fresh")
    assert_one_line_failure(refused.returncode, refused.stderr, "did not finish")

    rerun = govnet("load", str(ledger), "--db", server.uri, "--graph", "fresh")
    assert rerun.returncode == 0, rerun.stderr
    assert "interrupted load" in rerun.stdout
    assert stored(server.uri, "fresh").equals(read_ledger(ledger))


def test_server_killed_during_a_replace(server: Server, tmp_path: Path) -> None:
    before, ledger = stored_then_bigger(server, "g", tmp_path)
    client = redis.Redis(port=server.port)

    def staging() -> list[str]:  # each replace stages into a graph of its own
        return [k.decode() for k in client.keys("g__staging_*")]

    def under_way() -> None:
        wait_for(staging, "the staging graph")
        wait_for(lambda: people_count(server.uri, staging()[0]) >= 50, "the replace under way")

    kill_while(server, under_way, "load", str(ledger), "--replace", "--graph", "g")

    server.restart()
    assert stored(server.uri, "g").equals(before)  # readers still see the whole old graph
    rerun = govnet("load", str(ledger), "--replace", "--db", server.uri, "--graph", "g")
    assert rerun.returncode == 0, rerun.stderr
    assert stored(server.uri, "g").equals(read_ledger(ledger))
    assert not redis.Redis(port=server.port).keys("g__staging_*")  # the orphan is gone too


def test_server_killed_during_an_analysis(server: Server) -> None:
    """The server hangs (SIGSTOP) while analyze reads, then dies (SIGKILL)."""
    network = read_ledger(SMALL)
    with open_store(server.uri, "d") as store:
        store.write(network)
    server.flush()
    server.falkor.process.send_signal(signal.SIGSTOP)
    proc = start("analyze", "--db", server.uri, "--graph", "d", "--format", "json")
    try:
        time.sleep(4)  # the command started, connected and waits for the frozen server
        assert proc.poll() is None
        server.kill()
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert_one_line_failure(proc.returncode, err, "cannot read the database")

    server.restart()
    assert stored(server.uri, "d").equals(network)
    rerun = govnet("analyze", "--db", server.uri, "--graph", "d", "--format", "json")
    assert rerun.returncode == 0, rerun.stderr
    expected = json.loads(json.dumps(to_json(analyze(network)), ensure_ascii=False))
    assert json.loads(rerun.stdout) == expected


# --- bad addresses, passwords, names; a hung server ----------------------------------------


def test_connection_refused_is_one_line() -> None:
    uri = f"falkor://127.0.0.1:{free_port()}"
    results = govnet_all(
        [
            ["load", str(SMALL), "--db", uri],
            ["analyze", "--db", uri],
            ["export", str(Path("/tmp") / f"x{uuid.uuid4().hex}"), "--db", uri],
        ]
    )  # `query` is covered in tests/graph/test_store_cli.py
    for result in results:
        assert_one_line_failure(result.returncode, result.stderr, "cannot reach FalkorDB")


def test_wrong_password_is_one_line_without_the_password(server: Server) -> None:
    secret = "s3cret-" + uuid.uuid4().hex[:8]
    redis.Redis(port=server.port).config_set("requirepass", secret)
    wrong = "wrong-" + uuid.uuid4().hex[:8]
    for password, args in (
        (wrong, ["analyze", "--db", server.uri]),
        (None, ["load", str(SMALL), "--db", server.uri]),
    ):
        env = {"GOVNET_DB_PASSWORD": password} if password else {}
        result = govnet(*args, **env)
        line = assert_one_line_failure(result.returncode, result.stderr, "password")
        assert wrong not in result.stderr + result.stdout and secret not in line
    ok = govnet("load", str(SMALL), "--db", server.uri, GOVNET_DB_PASSWORD=secret)
    assert ok.returncode == 0, ok.stderr
    assert secret not in ok.stdout + ok.stderr


def test_unknown_graph_is_one_line(server: Server) -> None:
    results = govnet_all(
        [
            ["analyze", "--db", server.uri, "--graph", "nosuch"],
            ["query", "--db", server.uri, "--graph", "nosuch", "MATCH (n) RETURN n"],
            ["export", "/tmp/never-written", "--db", server.uri, "--graph", "nosuch"],
        ]
    )
    for result in results:
        assert_one_line_failure(result.returncode, result.stderr, "nosuch")


def test_a_hung_server_times_out_with_one_line(server: Server) -> None:
    with open_store(server.uri, "g") as store:
        store.write(read_ledger(SMALL))
    server.falkor.process.send_signal(signal.SIGSTOP)
    try:
        for args in (
            ["analyze", "--db", server.uri, "--graph", "g"],
            ["load", str(SMALL), "--db", server.uri, "--graph", "g"],
        ):
            started = time.monotonic()
            result = govnet(*args, timeout=120, GOVNET_DB_TIMEOUT="3")
            assert time.monotonic() - started < 60
            assert_one_line_failure(result.returncode, result.stderr, "timed out")
    finally:
        server.falkor.process.send_signal(signal.SIGCONT)
    assert stored(server.uri, "g").equals(read_ledger(SMALL))
