"""``govnet load / export / query / db start`` against a real FalkorDB.

In-process through Typer's runner where that is enough; as real subprocesses where the
test is about processes (a load killed with SIGKILL, a server stopped with SIGTERM).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import redis
from typer.testing import CliRunner

from govnet.cli.main import app
from graph.network import Network
from graph.store import open_store
from loaders.ledger import read_ledger
from tests.conftest import ROOT
from tests.ledgers import bigger_ledger
from tests.ledgers import network_tables as small_tables

SMALL = ROOT / "tests" / "fixtures" / "small"
GOVNET = [sys.executable, "-m", "govnet.cli.main"]
runner = CliRunner()


@pytest.fixture
def db(falkor_server) -> dict:
    """A fresh graph name on the session server, dropped afterwards."""
    target = {"uri": falkor_server.uri, "graph": f"cli_{uuid.uuid4().hex[:10]}"}
    yield target
    with open_store(**target) as store:
        store.delete()


def args(db: dict) -> list[str]:
    return ["--db", db["uri"], "--graph", db["graph"]]


def test_load_then_export_gives_the_same_ledger(db: dict, tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", str(SMALL), *args(db)])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output
    original = read_ledger(SMALL)
    with open_store(**db) as store:
        assert store.read().equals(original)
    for out in (tmp_path / "csv", tmp_path / "ledger.xlsx"):
        result = runner.invoke(app, ["export", *args(db), str(out)])
        assert result.exit_code == 0, result.output
        assert read_ledger(out).equals(original)


def test_load_bulk_and_no_bulk(db: dict) -> None:
    """``--no-bulk`` loads a new graph with UNWIND batches; ``--bulk`` refuses a graph that
    exists (one line, exit 1, nothing changed) and replaces it with ``--replace``."""
    original = read_ledger(SMALL)
    result = runner.invoke(app, ["load", str(SMALL), *args(db), "--no-bulk"])
    assert result.exit_code == 0, result.output
    with open_store(**db) as store:
        assert store.read().equals(original)
        before = store.status()["load_id"]
    result = runner.invoke(app, ["load", str(SMALL), *args(db), "--bulk"])
    assert result.exit_code == 1
    assert "a bulk load builds a new graph" in result.output
    with open_store(**db) as store:
        assert store.status()["load_id"] == before
    result = runner.invoke(app, ["load", str(SMALL), *args(db), "--bulk", "--replace"])
    assert result.exit_code == 0, result.output
    assert "(replaced)" in result.output
    with open_store(**db) as store:
        assert store.read().equals(original)
        assert store.status()["load_id"] != before


def test_an_invalid_ledger_writes_nothing(db: dict, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(SMALL, bad)
    people = pd.read_csv(bad / "people.csv", dtype=str)
    people.loc[0, "place_id"] = "NO_SUCH_PLACE"
    people.to_csv(bad / "people.csv", index=False)
    result = runner.invoke(app, ["load", str(bad), *args(db)])
    assert result.exit_code == 1
    assert "NO_SUCH_PLACE" in result.output and "nothing loaded" in result.output
    with open_store(**db) as store:
        assert not store.backend.exists()


def test_query_json_with_parameters(db: dict) -> None:
    runner.invoke(app, ["load", str(SMALL), *args(db)])
    result = runner.invoke(
        app,
        [
            "query",
            *args(db),
            "--param",
            "kind=community",
            "--format",
            "json",
            "MATCH (n:Place {kind: $kind}) RETURN n.id AS id, n ORDER BY id",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    expected = read_ledger(SMALL).tables["places"]
    ids = sorted(expected.loc[expected["kind"] == "community", "id"])
    assert [r["id"] for r in rows] == ids
    assert rows[0]["n"]["id"] == ids[0] and "Community" in rows[0]["n"]["_labels"]


@pytest.mark.parametrize("cypher", ["CREATE (n:Place {id: 'x'})", "MATCH (n) DETACH DELETE n"])
def test_query_refuses_a_write_with_exit_1(db: dict, cypher: str) -> None:
    runner.invoke(app, ["load", str(SMALL), *args(db)])
    result = runner.invoke(app, ["query", *args(db), cypher])
    assert result.exit_code == 1
    assert "read-only" in result.output
    assert "Traceback" not in result.output
    with open_store(**db) as store:
        assert store.read().equals(read_ledger(SMALL))


def test_unreachable_database_is_one_line_and_exit_1() -> None:
    from graph.store.server import free_port

    result = runner.invoke(app, ["query", "--db", f"falkor://127.0.0.1:{free_port()}", "RETURN 1"])
    assert result.exit_code == 1
    assert "cannot reach FalkorDB" in result.output and "Traceback" not in result.output


def test_export_neo4j_admin_files(db: dict, tmp_path: Path) -> None:
    runner.invoke(app, ["load", str(SMALL), *args(db)])
    result = runner.invoke(app, ["export", *args(db), "--neo4j-admin", str(tmp_path / "n4j")])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full" in result.output
    assert (tmp_path / "n4j" / "import.sh").exists()
    assert any((tmp_path / "n4j").glob("rels_PART_OF_header.csv"))


def test_a_killed_load_is_completed_by_a_rerun(db: dict, tmp_path: Path) -> None:
    ledger = bigger_ledger(tmp_path / "ledger", 3000)
    expected = read_ledger(ledger)
    env = {**os.environ, "GOVNET_DB_BATCH": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [*GOVNET, "load", str(ledger), *args(db)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with open_store(**db) as store:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                if store.status() is not None:
                    people = store.query("MATCH (n:Person) RETURN count(n) AS c")["c"][0]
                    if people >= 100:
                        break
                time.sleep(0.05)
            assert proc.poll() is None, "the load finished before it could be killed"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            assert store.status()["complete"] is False
            assert 0 < store.query("MATCH (n:Person) RETURN count(n) AS c")["c"][0] < 3001
    finally:
        if proc.poll() is None:
            proc.kill()
    result = runner.invoke(app, ["load", str(ledger), *args(db)])
    assert result.exit_code == 0, result.output
    assert "interrupted load" in result.output
    with open_store(**db) as store:
        assert store.read().equals(expected)
        dupes = store.query("MATCH (n) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN id")
        assert dupes.empty


def _interruptible() -> None:
    """Ctrl-C's SIGINT as a terminal delivers it: a test run started in the background of a
    script has SIGINT ignored, and a child inherits that (Python then never handles it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(port: int, data: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [*GOVNET, "db", "start", "--port", str(port), "--data", str(data)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    first = proc.stdout.readline()
    return proc, first


def test_db_start_serves_persists_and_stops_on_sigterm(tmp_path: Path) -> None:
    from graph.store.server import free_port

    port = free_port()
    proc, first = _start(port, tmp_path / "data")
    try:
        assert f"falkor://127.0.0.1:{port}" in first
        assert redis.Redis(port=port).ping()
        with open_store(f"falkor://127.0.0.1:{port}", graph="kept") as store:
            store.write(Network(small_tables()))
        proc.send_signal(signal.SIGTERM)
        out, _err = proc.communicate(timeout=60)
        assert proc.returncode == 0
        assert "stopped" in out
        with pytest.raises(redis.ConnectionError):
            redis.Redis(port=port, socket_connect_timeout=1).ping()
        proc, first = _start(port, tmp_path / "data")
        with open_store(f"falkor://127.0.0.1:{port}", graph="kept") as store:
            assert store.read().equals(Network(small_tables()))
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
