"""Cypher with no setup: ``govnet query --ledger`` and ``gn.open_store(ledger=…)`` start a
private FalkorDB, load the ledger, answer read-only, and leave nothing running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import govnet as gn
from govnet.cli.main import app
from graph.store.errors import ReadOnlyError, StoreError
from graph.store.results import to_csv
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"
GOVNET = [sys.executable, "-m", "govnet.cli.main"]
runner = CliRunner()

CHAINS = (
    "MATCH p = (w:Organization)<-[:SUBORDINATE_TO*1..3]-(:Organization)-[:LEADS]->(v:Organization) "
    "WHERE w.kind = $top AND v.kind = $end RETURN p ORDER BY v.id LIMIT 5"
)


def _finish(process: subprocess.Popen, tmp: Path, timeout: float = 300) -> tuple[str, str]:
    """The output of a ``govnet`` process; if it hangs, the test fails with the stacks of
    its threads (Python's faulthandler, on SIGABRT) and its server's log."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        process.send_signal(signal.SIGABRT)
        _out, err = process.communicate()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        logs = "\n".join(log.read_text()[-4000:] for log in tmp.glob("*/falkordb.log"))
        pytest.fail(f"govnet hung for {timeout:g} s:\n{err}\nits server's log:\n{logs}")


@pytest.mark.slow
def test_query_ledger_answers_a_count_and_a_path_query_on_the_demo(
    demo_dir, demo_net, tmp_path: Path
) -> None:
    """Two real processes at once, each with its own server on its own free port."""
    csv = str(demo_dir / "csv")
    # the servers' folders in tmp_path, where a hung run's log can be read
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONFAULTHANDLER": "1"}
    count = subprocess.Popen(
        [*GOVNET, "query", "--ledger", csv, "--format", "json", "--param", "kind=community",
         "MATCH (c:Place) WHERE c.kind = $kind RETURN count(c) AS n"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    paths = subprocess.Popen(
        [*GOVNET, "query", "--ledger", csv, "--format", "json", "--param",
         "top=party_working_committee", "--param", "end=volunteer_team", CHAINS],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    out_count, err_count = _finish(count, tmp_path)
    out_paths, err_paths = _finish(paths, tmp_path)
    assert count.returncode == 0, err_count
    assert paths.returncode == 0, err_paths

    places = demo_net.tables["places"]
    assert json.loads(out_count) == [{"n": int((places["kind"] == "community").sum())}]

    rows = json.loads(out_paths)
    assert len(rows) == 5
    g = demo_net.graph
    for row in rows:
        nodes = [n["id"] for n in row["p"]["nodes"]]
        types = [r["_type"] for r in row["p"]["relationships"]]
        assert g.nodes[nodes[0]]["kind"] == "party_working_committee"
        assert g.nodes[nodes[-1]]["kind"] == "volunteer_team"
        assert types[-1] == "LEADS" and set(types[:-1]) == {"SUBORDINATE_TO"}
        for (a, b), type_ in zip(zip(nodes, nodes[1:], strict=False), types, strict=True):
            # the path's links are the ledger's, in either direction as the pattern says
            assert (g.has_edge(a, b) and type_ == "LEADS") or g.has_edge(b, a)


def test_query_ledger_csv_never_starts_a_cell_with_a_formula() -> None:
    result = runner.invoke(
        app,
        ["query", "--ledger", str(SMALL), "--format", "csv",
         "RETURN '=HYPERLINK(\"http://x\")' AS f, '@SUM(1)' AS a, '-1+2' AS m, -3 AS n, "
         "'plain' AS p"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln]
    assert lines[0] == "f,a,m,n,p"
    assert lines[1] == '"\'=HYPERLINK(""http://x"")",\'@SUM(1),\'-1+2,-3,plain'


def test_query_ledger_template_and_refusals() -> None:
    ok = runner.invoke(app, ["query", "--ledger", str(SMALL), "--template", "coreless"])
    assert ok.exit_code == 0, ok.output
    places = pd.read_csv(SMALL / "places.csv", dtype=str)
    assert "1 row(s)" in ok.stdout and places.loc[places["kind"] == "village", "id"].iloc[0] in (
        ok.stdout
    )
    write = runner.invoke(app, ["query", "--ledger", str(SMALL), "MATCH (n) DETACH DELETE n"])
    assert write.exit_code == 1 and "read-only" in write.output
    both = runner.invoke(app, ["query", "--ledger", str(SMALL), "--db", "falkor://x", "RETURN 1"])
    assert both.exit_code == 1 and "not both" in both.output
    unknown = runner.invoke(app, ["query", "--ledger", str(SMALL), "--template", "nope"])
    assert unknown.exit_code == 1 and "--template list" in unknown.output
    listed = runner.invoke(app, ["query", "--template", "list"])
    assert listed.exit_code == 0 and "unled_property" in listed.stdout


def test_open_store_with_a_ledger_cleans_up(tmp_path: Path) -> None:
    """The Python way: a context manager; after it the server process and folder are gone."""
    with gn.open_store(ledger=SMALL) as store:
        server = store.server
        folder = server.data_dir
        n = store.query("MATCH (o:Organization) RETURN count(o) AS n")["n"][0]
        with pytest.raises(ReadOnlyError):
            store.query("MATCH (o:Organization) SET o.name = 'x'")
    assert n == len(pd.read_csv(SMALL / "organizations.csv"))
    assert server.process.poll() is not None
    assert not folder.exists()
    with pytest.raises(StoreError, match="not both"):
        gn.open_store("falkor://127.0.0.1:1", ledger=SMALL)


def test_open_store_without_a_uri_starts_an_empty_private_server(monkeypatch) -> None:
    monkeypatch.delenv("GOVNET_DB_URI", raising=False)
    monkeypatch.setenv("GOVNET_CONFIG", str(ROOT / "no-such-config.toml"))
    store = gn.open_store()
    try:
        assert store.status() is None  # nothing loaded yet: write() fills it
        store.write(gn.read_ledger(SMALL))
        assert store.status()["complete"]
    finally:
        store.close()
    assert store.server.process.poll() is not None


def test_csv_cells_are_flat_and_safe() -> None:
    node = {"id": "O1", "name": "=党委", "_labels": ["Organization"]}
    path = {"nodes": [node, {"id": "P1", "name": "楼", "_labels": ["Place"]}], "relationships": []}
    frame = pd.DataFrame(
        {"node": [node], "path": [path], "names": [["a", "b"]], "t": ["\tx"], "x": [1.5]}
    )
    text = to_csv(frame)
    assert text.splitlines() == [
        "node,path,names,t,x",
        '\'=党委 [O1],\'=党委 [O1] → 楼 [P1],"[""a"", ""b""]",\'\tx,1.5',
    ]
