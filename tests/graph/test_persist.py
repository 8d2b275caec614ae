"""Analyses kept on disk: a hit is the same Analysis; a changed ledger, rubric or version misses."""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from graph import config
from graph.analysis import analyze
from graph.analysis.persist import fingerprint, persisted, persisted_analysis
from graph.analysis.rubric import RUBRIC_DIR, load_rubric
from graph.network import Network
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture(scope="module")
def net() -> Network:
    return read_ledger(SMALL)


def _same(a, b) -> None:
    assert a.year == b.year
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)


def test_a_hit_is_the_same_analysis(demo_net, tmp_path) -> None:
    first, hit = persisted_analysis(demo_net, 2024, None, "1.0", tmp_path)
    assert not hit
    again, hit = persisted_analysis(demo_net, 2024, None, "1.0", tmp_path)
    assert hit
    _same(again, first)
    _same(again, analyze(demo_net, 2024))  # and the same as computing it now


def test_changed_ledger_rubric_or_version_misses(net, tmp_path) -> None:
    _, hit = persisted_analysis(net, 2024, None, "1.0", tmp_path)
    assert not hit
    assert persisted_analysis(net, 2024, None, "1.0", tmp_path)[1]
    assert not persisted_analysis(net, 2024, None, "1.1", tmp_path)[1]  # version
    assert not persisted_analysis(net, 2023, None, "1.0", tmp_path)[1]  # year

    tables = {k: v.copy() for k, v in net.tables.items()}
    places = tables["places"]
    places.loc[places.index[places["kind"] == "community"][0], "name"] = "改名社区"
    changed = Network(tables)
    assert fingerprint(changed) != fingerprint(net)
    a, hit = persisted_analysis(changed, 2024, None, "1.0", tmp_path)  # ledger
    assert not hit and "改名社区" in set(a.communities["name"])

    text = (RUBRIC_DIR / "community.toml").read_text(encoding="utf-8")
    edited = tmp_path / "community.toml"
    edited.write_text(text.replace("close_days = 7", "close_days = 8"), encoding="utf-8")
    assert load_rubric(edited).for_kind("community").settings.close_days == 8
    assert not persisted_analysis(net, 2024, edited, "1.0", tmp_path)[1]  # rubric
    assert persisted_analysis(net, 2024, edited, "1.0", tmp_path)[1]
    # the same rules read from another place are the same key
    moved = tmp_path / "elsewhere.toml"
    moved.write_text(edited.read_text(encoding="utf-8"), encoding="utf-8")
    assert persisted_analysis(net, 2024, moved, "1.0", tmp_path)[1]


def test_unreadable_entry_is_recomputed(net, tmp_path) -> None:
    a, _ = persisted_analysis(net, 2024, None, "1.0", tmp_path)
    (entry,) = (tmp_path / "analysis").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    b, hit = persisted_analysis(net, 2024, None, "1.0", tmp_path)
    assert not hit
    _same(a, b)


def test_cache_dir_setting(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("GOVNET_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GOVNET_CONFIG", str(tmp_path / "none.toml"))
    assert config.cache_dir() == tmp_path / "xdg" / "govnet"
    monkeypatch.setenv("GOVNET_CACHE_DIR", str(tmp_path / "mine"))
    assert config.cache_dir() == tmp_path / "mine"


def test_two_callers_compute_a_missing_entry_once(tmp_path) -> None:
    """The second waits on the first's lock file, then reads what it wrote."""
    runs: list[int] = []

    def compute() -> list[int]:
        runs.append(1)
        time.sleep(0.5)  # long enough for the other caller to arrive and wait
        return [len(runs)]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: persisted("k", "same", compute, tmp_path), range(2)))
    assert runs == [1]
    assert sorted(hit for _, hit in results) == [False, True]
    assert results[0][0] == results[1][0] == [1]


def test_a_hit_by_content_key_reads_no_ledger(net, tmp_path) -> None:
    """Keyed by the caller's content key, the network is read (the loader called) on a
    miss only; the latest year (None) is the same entry as that year by number."""
    reads: list[int] = []

    def read() -> Network:
        reads.append(1)
        return net

    latest, hit = persisted_analysis(read, None, None, "1.0", tmp_path, ledger="bytes-1")
    assert not hit and reads == [1] and latest.year == max(net.years)
    again, hit = persisted_analysis(read, None, None, "1.0", tmp_path, ledger="bytes-1")
    assert hit and reads == [1]
    by_number, hit = persisted_analysis(read, latest.year, None, "1.0", tmp_path, ledger="bytes-1")
    assert hit and reads == [1]
    _same(again, latest)
    _same(by_number, latest)
    assert not persisted_analysis(read, None, None, "1.0", tmp_path, ledger="bytes-2")[1]
    assert reads == [1, 1]


def test_the_latest_is_an_alias_of_its_year(net, tmp_path) -> None:
    """The latest year (None) is kept once: its own entry only names the year, and a
    changed ledger or version misses it as it misses the year's entry."""
    latest, hit = persisted_analysis(net, None, None, "1.0", tmp_path, ledger="bytes-1")
    assert not hit and latest.year == max(net.years)
    sizes = sorted(p.stat().st_size for p in (tmp_path / "analysis").glob("*.pickle"))
    assert len(sizes) == 2 and sizes[0] < 1024 < sizes[1]  # the alias and the one analysis
    by_number, hit = persisted_analysis(net, latest.year, None, "1.0", tmp_path, ledger="bytes-1")
    assert hit
    _same(by_number, latest)
    for year_entry in (tmp_path / "analysis").glob("*.pickle"):
        if year_entry.stat().st_size > 1024:
            year_entry.unlink()  # the year's entry lost: the alias recomputes it
    again, hit = persisted_analysis(net, None, None, "1.0", tmp_path, ledger="bytes-1")
    assert not hit
    _same(again, latest)
    assert not persisted_analysis(net, None, None, "1.1", tmp_path, ledger="bytes-1")[1]
    assert not persisted_analysis(net, None, None, "1.0", tmp_path, ledger="bytes-2")[1]
