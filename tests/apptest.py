"""Driving the Streamlit app under ``streamlit.testing.v1.AppTest``: start it on the demo or
on an uploaded ledger, in either language, and collect what went wrong on a page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from govnet.app.i18n import LABELS
from tests.conftest import ROOT

TIMEOUT = 900


def app(lang: str = "zh", upload: bytes | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if upload is not None:
        at.session_state["src"] = "upload"
        at.session_state["upload_bytes"] = ("small.zip", upload)
    return at.run()


def problems(at: AppTest) -> list[str]:
    """Exceptions and the app's own 'something went wrong' messages."""
    broken = [str(e.value) for e in at.exception]
    prefixes = (LABELS["error"][0].split("{")[0], LABELS["error"][1].split("{")[0])
    prefixes += tuple(LABELS["analysis_missing"][i].split("{")[0] for i in (0, 1))
    broken += [str(e.value) for e in at.error if str(e.value).startswith(prefixes)]
    return broken
