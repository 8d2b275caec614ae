"""Load: twenty analysts open the app at once on the district demo.

Twenty ``AppTest`` sessions run in threads in one process, as sessions of one Streamlit
server do. Every one must render the overview with its numbers, and the overview's tables
of each year it needs must have been computed exactly once, counted by
``govnet.app.source.COMPUTED``, which the cached function itself increments. The wall time for
all twenty is printed in the run summary (``bench/load_app.py`` compares it with one).
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from bench.app_sessions import one_runtime
from govnet.app import disk, source
from govnet.app.i18n import LABELS
from tests.conftest import ROOT

SESSIONS = 20
SUMMARY: dict[str, Counter] = {"app load": Counter()}


def overview_session(lang: str) -> dict:
    """One analyst's first view of the app: what the overview showed."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.session_state["lang"] = lang
    at.run()
    return {
        "exceptions": [str(e.value) for e in at.exception],
        "errors": [e.value for e in at.error],
        "headers": [h.value for h in at.header],
        "metrics": [(m.label, m.value) for m in at.metric],
    }


@pytest.mark.slow
def test_twenty_sessions_render_and_share_one_analysis() -> None:
    source.summary.clear()  # start cold: every overview below is computed in this test
    before = Counter(source.COMPUTED)
    results: dict[int, dict] = {}
    failures: dict[int, BaseException] = {}

    def run(i: int) -> None:
        try:
            results[i] = overview_session("en" if i % 2 else "zh")
        except BaseException as exc:  # reported below, with the session number
            failures[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(SESSIONS)]
    with one_runtime():
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=900)
        elapsed = time.monotonic() - started

    assert not failures, failures
    assert len(results) == SESSIONS
    for i, shown in results.items():
        assert not shown["exceptions"], (i, shown["exceptions"])
        title = LABELS["page_overview"][1 if i % 2 else 0]
        assert any(title in h for h in shown["headers"]), (i, shown["headers"])
        assert len(shown["metrics"]) >= 6, (i, shown["metrics"])
    # every session saw the same numbers (per language)
    for lang in (0, 1):
        assert len({str(r["metrics"]) for i, r in results.items() if i % 2 == lang}) == 1

    computed = Counter(source.COMPUTED) - before
    demo = f"demo:{disk.DEMO_SCALE}:{disk.DEMO_SEED}"
    runs = {key: n for key, n in computed.items() if key[0] == "summary" and key[1] == demo}
    assert runs, "no overview was computed"
    assert all(n == 1 for n in runs.values()), runs  # once per year, shared by 20 sessions
    SUMMARY["app load"][
        f"{SESSIONS} concurrent sessions rendered the overview in {elapsed:.1f} s; "
        f"analyses computed: {sum(runs.values())} (years {sorted(k[2] for k in runs)})"
    ] += 1
