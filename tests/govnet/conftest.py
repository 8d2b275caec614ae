"""Fixtures of this folder: the browser ones (one ``streamlit run`` server and one headless
Chromium for the whole session, a fresh page per test that records any request leaving the
machine), and ``calls``, which counts ledger reads and analyses."""

import pytest

import graph.analysis.run
import loaders.ledger
from tests.browser import browser, diagnosis, external, page, server

__all__ = ["browser", "calls", "external", "page", "server"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A browser test that fails reports what the page showed and where the server was."""
    report = yield
    if call.when == "call" and report.failed and "page" in getattr(item, "funcargs", {}):
        base = item.funcargs.get("server", "")
        report.sections.append(("browser diagnosis", diagnosis(item.funcargs["page"], base)))
    return report


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every ledger read and analysis from now on, by name (the real ones still run)."""
    seen: list[str] = []
    for module, name in ((loaders.ledger, "read_ledger"), (graph.analysis.run, "analyze")):
        real = getattr(module, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            seen.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return seen
