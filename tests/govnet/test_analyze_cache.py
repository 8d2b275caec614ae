"""govnet analyze keeps a ledger's analysis on disk: a second run reads nothing and prints
the same JSON; a changed ledger, rubric, year or release is analyzed again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import govnet
from govnet.cli.main import app
from graph.analysis.rubric import RUBRIC_DIR
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVNET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GOVNET_PSEUDONYM_KEY", "test-key")
    return tmp_path / "cache" / "analysis"


def _json(*args: str) -> dict:
    r = CliRunner().invoke(app, ["analyze", *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_a_second_run_is_the_same_json_without_analyzing(cache, calls) -> None:
    fresh = _json(str(SMALL), "--no-cache")
    assert not cache.exists()  # --no-cache keeps nothing
    first = _json(str(SMALL))
    # the latest year's analysis, kept under "latest" and under its number (as the app asks)
    assert first == fresh and len(list(cache.glob("*.pickle"))) == 2
    calls.clear()
    assert _json(str(SMALL)) == fresh
    assert calls == []  # read from disk: no ledger read, no analysis
    _json(str(SMALL), "--no-cache")
    assert calls == ["read_ledger", "analyze"]


def test_changed_ledger_rubric_year_or_release_misses(cache, calls, monkeypatch, tmp_path) -> None:
    _json(str(SMALL))
    calls.clear()
    copy = shutil.copytree(SMALL, tmp_path / "copy")
    _json(str(copy))
    assert calls == []  # the same bytes elsewhere: a hit
    places = copy / "places.csv"
    places.write_text(
        places.read_text(encoding="utf-8").replace("示例区", "示例新区"), encoding="utf-8"
    )
    _json(str(copy))
    rubric = tmp_path / "community.toml"
    text = (RUBRIC_DIR / "community.toml").read_text(encoding="utf-8")
    rubric.write_text(text.replace("close_days = 7", "close_days = 8"), encoding="utf-8")
    _json(str(SMALL), "--rubric", str(rubric))
    _json(str(SMALL), "--year", "2023")
    monkeypatch.setattr(govnet, "__version__", "9.9.9")
    _json(str(SMALL))
    assert calls.count("analyze") == 4
    assert len(list(cache.glob("*.pickle"))) == 9  # five by year, four "latest" aliases


def test_an_invalid_ledger_is_never_kept(cache, tmp_path) -> None:
    copy = shutil.copytree(SMALL, tmp_path / "bad")
    places = copy / "places.csv"
    lines = places.read_text(encoding="utf-8").splitlines()
    places.write_text("\n".join([lines[0], lines[1], lines[1], *lines[2:]]), encoding="utf-8")
    for _ in range(2):
        r = CliRunner().invoke(app, ["analyze", str(copy), "--format", "json"])
        assert r.exit_code == 1 and "duplicate id" in r.output
    assert not list(cache.glob("*.pickle"))


AHEAD = """
import os, sys
import graph.forked as forked
import loaders.ledger as ledger
forked.spare_core = lambda: True  # an idle machine's way, whatever the load of the tests
real = ledger.read_ledger
def read_ledger(*args, **kwargs):
    with open({pids!r}, "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    return real(*args, **kwargs)
ledger.read_ledger = read_ledger
print(os.getpid(), flush=True)
sys.argv = ["govnet", "analyze", {ledger!r}, "--format", "json", "--out", {out!r}]
import govnet.cli.main
govnet.cli.main.main()
"""


def test_a_miss_reads_the_ledger_beside_the_engines_imports(cache, tmp_path) -> None:
    """On an idle machine a miss reads the ledger in a forked process while this one imports
    the engine (``_read_ahead``): the same JSON as a read in the process, the ledger read
    once, elsewhere. A hit reads nothing; an invalid ledger is reported once."""
    pids, out = tmp_path / "pids", tmp_path / "out.json"

    def run(ledger) -> tuple[int, subprocess.CompletedProcess]:
        code = AHEAD.format(pids=str(pids), ledger=str(ledger), out=str(out))
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        return int(done.stdout.split()[0]), done

    parent, done = run(SMALL)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == _json(str(SMALL), "--no-cache")
    read_by = pids.read_text().split()
    assert len(read_by) == 1 and int(read_by[0]) != parent
    pids.unlink()
    out.unlink()
    _, done = run(SMALL)
    assert done.returncode == 0 and out.is_file() and not pids.exists()  # a hit
    bad = shutil.copytree(SMALL, tmp_path / "bad")
    places = bad / "places.csv"
    lines = places.read_text(encoding="utf-8").splitlines()
    places.write_text("\n".join([lines[0], lines[1], lines[1], *lines[2:]]), encoding="utf-8")
    parent, done = run(bad)
    assert done.returncode == 1 and done.stderr.count("invalid ledger") == 1, done.stderr
    assert "duplicate id" in done.stderr
    assert parent in map(int, pids.read_text().split())  # the child's error: read again here
