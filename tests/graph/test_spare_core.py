"""Forking beside the caller only while a core is idle; the results do not depend on it."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from graph import forked
from loaders import pseudonymize as ps


@pytest.mark.parametrize(("load", "spare"), [(0.2, True), (1.6, False), (15.0, False)])
def test_a_core_is_spare_below_cores_minus_a_half(monkeypatch, load, spare) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert forked.spare_core() is spare


def test_pseudonyms_are_the_same_forked_or_not(monkeypatch) -> None:
    n = ps.BESIDE_MIN_VALUES + 1  # enough distinct values to fork where it may
    people = pd.DataFrame(
        {
            "name": pd.array([f"张{i}" for i in range(n)], dtype="string"),
            "phone": pd.array([f"+86 138{i:08d}" for i in range(n)], dtype="string"),
        }
    )
    forks = []
    monkeypatch.setattr(ps, "both", lambda *a: forks.append(1) or forked.both(*a))
    runs = {}
    for load in (0.0, 99.0):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        runs[load] = ps.pseudonymize_people(people, b"test-key")
    assert len(forks) == 1  # the idle machine's run only
    pd.testing.assert_frame_equal(runs[0.0], runs[99.0])
    assert runs[0.0]["name"].str.match(r"^人员-[0-9a-f]{12}$").all()


def test_the_district_analysis_is_the_same_beside_or_not(
    monkeypatch, demo_net, demo_analysis
) -> None:
    """The demo district's graph metrics started beside the caller (an idle machine) give
    the analysis computed in place (a busy machine's, and the serial ``demo_analysis``)."""
    from graph.analysis import analyze, engine

    calls = []
    monkeypatch.setattr(engine, "beside", lambda *a: calls.append(1) or forked.beside(*a))
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    beside_run = analyze(demo_net, 2024)
    assert len(calls) == 1  # the demo is big enough to go beside
    for name in ("communities", "streets", "district", "suggestions", "star_detail", "evidence"):
        pd.testing.assert_frame_equal(
            getattr(beside_run, name), getattr(demo_analysis, name), obj=name
        )
