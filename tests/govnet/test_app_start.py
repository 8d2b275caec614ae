"""Start-up of the app on a ledger (``govnet app --ledger``): a restart shows the overview from
disk without reading the ledger or analyzing it; what ``govnet app`` warms beside the server
is what the server then reads; an edited ledger file is read and analyzed again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from typer.testing import CliRunner

from govnet.app import disk
from govnet.cli.main import app as cli
from tests.apptest import app, problems
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the small ledger opened by the app, with an empty cache folder."""
    path = tmp_path / "ledger"
    shutil.copytree(SMALL, path)
    monkeypatch.setenv("GOVNET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GOVNET_LEDGER", str(path))
    st.cache_resource.clear()  # a new server process: nothing in memory
    yield path
    st.cache_resource.clear()


def _shown(at) -> list[str]:
    return [at.header[0].value, *(f"{m.label}={m.value}" for m in at.metric)]


def test_a_restart_reads_no_ledger_and_analyzes_nothing(
    ledger: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = app("en")
    assert not problems(first)
    assert calls == ["read_ledger", "analyze", "analyze"]  # the latest year and the one before
    st.cache_resource.clear()  # the restart
    calls.clear()
    read = []
    monkeypatch.setattr(disk, "analysis", lambda *args: read.append(args))
    again = app("en")
    assert not problems(again)
    assert calls == []
    assert read == []  # the overview's few tables only, not the whole analyses
    assert _shown(again) == _shown(first)


def test_what_govnet_app_warms_is_what_the_server_reads(ledger: Path, calls: list[str]) -> None:
    assert not disk.ready(ledger)  # govnet.app.launch starts the warming process
    # the process govnet.app.launch starts beside the server, as it starts it
    subprocess.run([sys.executable, "-m", "govnet.app.disk"], cwd=ROOT, check=True)
    assert disk.ready(ledger)  # a restart would start none
    cache = Path(os.environ["GOVNET_CACHE_DIR"])
    assert len(list((cache / "ledger").glob("*.pickle"))) == 1
    assert len(list((cache / "analysis").glob("*.pickle"))) == 2  # the latest two years
    assert len(list((cache / "summary").glob("*.pickle"))) == 2  # and what the overview shows
    at = app("en")
    assert not problems(at)
    assert calls == []
    assert "2024" in at.header[0].value


def test_the_server_analyzes_the_latest_year_beside_the_warming_process(
    ledger: Path, calls: list[str]
) -> None:
    """On a first start the server puts the latest year's overview on disk as it starts
    (``disk.warm(years=1)``), the warming process the year before: the page then reads both."""
    disk.warm(ledger, years=1)
    assert calls == ["read_ledger", "analyze"]  # one year, not two
    assert not disk.ready(ledger)
    subprocess.run([sys.executable, "-m", "govnet.app.disk"], cwd=ROOT, check=True)
    assert disk.ready(ledger)
    calls.clear()
    at = app("en")
    assert not problems(at)
    assert calls == []
    assert "2024" in at.header[0].value and any(m.delta for m in at.metric)


def test_an_edited_ledger_file_is_read_and_analyzed_again(ledger: Path, calls: list[str]) -> None:
    at = app("en")
    before = calls.count("analyze")
    # In place, inside the folder (the folder's own modification time does not change).
    places = ledger / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("东街道", "北街道"), "utf-8")
    calls.clear()
    assert not disk.ready(ledger)  # a restart now would warm the edited ledger's tables
    at.run()  # the same server, a new run: the edit is seen without a restart
    assert not problems(at)
    assert calls == ["read_ledger", "analyze", "analyze"]
    assert before == 2
    assert "北街道" in at.dataframe[0].value.to_string()


def _analyze_json(path: Path, *args: str) -> dict:
    r = CliRunner().invoke(cli, ["analyze", str(path), *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_govnet_analyze_and_the_app_share_one_cache(ledger: Path, calls: list[str]) -> None:
    """What ``govnet analyze`` keeps, the app reads, and the other way round."""
    latest = _analyze_json(ledger)
    assert calls == ["read_ledger", "analyze"]
    calls.clear()
    at = app("en")  # the latest year is on disk; the one before it is not
    assert not problems(at)
    assert calls == ["read_ledger", "analyze"]
    calls.clear()
    assert _analyze_json(ledger, "--year", "2023")["year"] == 2023
    assert calls == []  # the year before, as the app kept it
    assert _analyze_json(ledger, "--year", "2024") == latest
    assert calls == []
