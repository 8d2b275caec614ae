"""The app in a real browser: Debian's headless Chromium driven by Playwright against
``streamlit run app.py``, with a guard that records every request leaving the app's own
server (the browser tests fail on any). Screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT, WORKER

CHROMIUM = os.environ.get("GOVNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ARTIFACTS / "screenshots"
# The first page analyses the demo district (two years for the overview's changes).
FIRST_PAGE_MS = 900_000
STEP_MS = 240_000
PICK_MS = 60_000  # for what a pick in a select box shows, before picking again
# ``streamlit run`` with the server's thread stacks written to its log on SIGUSR1: a page that
# hangs in CI then shows where the server was.
LAUNCH = (
    "import faulthandler, signal, sys; faulthandler.register(signal.SIGUSR1, all_threads=True); "
    "from streamlit.web.cli import main; sys.exit(main())"
)
# base URL → (server process, its log), for ``diagnosis``
_SERVERS: dict[str, tuple[subprocess.Popen, Path]] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        pytest.fail(
            f"Chromium not found at {CHROMIUM} (nor on PATH): install Debian's `chromium` "
            "package (apt-get install chromium) or set GOVNET_CHROMIUM; browser tests "
            "are part of the suite and are not skipped."
        )
    return path


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """``streamlit run app.py`` on a free port, one for every browser test (a server's shared
    caches are what users share too; under xdist one per worker); yields its base URL."""
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-test{'-' + WORKER if WORKER else ''}.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-c", LAUNCH, "run", "app.py",
            "--server.port", str(port), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _SERVERS[base] = (proc, log_path)
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"streamlit did not start (see {log.name})")
            time.sleep(0.5)
        yield base
    finally:
        _SERVERS.pop(base, None)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test; each test gets a fresh context."""
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def external() -> list[str]:
    """URLs the page requested from anywhere but the app's own server."""
    return []


# Browsers report this when a layout settles over two frames; it is not a fault of the page.
BENIGN_ERRORS = ("ResizeObserver loop",)


@pytest.fixture()
def page(browser, server, external):
    """A fresh page that records any request leaving the app's own server, and fails its test
    on any uncaught script error (Streamlit's own page breaks that way, e.g. "Bad delta path"
    when a fragment writes where the page no longer is)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(STEP_MS)  # a step on a busy machine, not Playwright's 30 s
    pg = context.new_page()

    def watch(request) -> None:
        url = request.url
        if url.startswith(("http://", "https://", "ws://")) and not url.startswith(
            (server, server.replace("http", "ws"))
        ):
            external.append(url)

    errors: list[str] = []
    pg.on("request", watch)
    pg.on(
        "pageerror",
        lambda e: None if str(e).startswith(BENIGN_ERRORS) else errors.append(str(e)),
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield pg
    pg.wait_for_timeout(500)  # an error from the test's last step reaches the page first
    context.close()
    assert not errors, f"the page threw: {errors}"


def pick(pg, label: str, option: str) -> None:
    """Choose an option of a Streamlit selectbox by its visible text."""
    pg.get_by_role("combobox", name=label, exact=True).click()
    pg.get_by_role("option", name=option, exact=True).click()


def pick_until(pg, label: str, option: str, shows, tries: int = 3) -> None:
    """``pick``, then wait for ``shows`` (a locator); pick again when it does not come.

    Streamlit may drop a pick that lands while it redraws the page (CI once waited 240 s for a
    form that never came). A user picks again; when the box already shows the option (the
    browser took the pick, the server did not), picking it again changes nothing, so another
    option is picked first."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(1, tries + 1):
        if attempt > 1:
            pg.get_by_role("combobox", name=label, exact=True).click()
            pg.get_by_role("option").filter(has_not_text=option).first.click()
        pick(pg, label, option)
        try:
            shows.wait_for(timeout=PICK_MS)
            return
        except PlaywrightTimeout:
            if attempt == tries:
                raise


def diagnosis(pg, base: str) -> str:
    """What a failed browser test leaves for the reader: the page's address and visible text,
    and the server's thread stacks and the end of its log."""
    parts = [f"page: {pg.url}"]
    try:
        main = pg.locator('[data-testid="stMain"]')
        parts.append("page text:\n" + main.inner_text(timeout=5_000)[:4_000])
    except Exception as exc:  # a closed or hung page says so instead
        parts.append(f"page text unavailable: {exc}")
    running = _SERVERS.get(base)
    if running is not None:
        proc, log_path = running
        if proc.poll() is None:
            proc.send_signal(signal.SIGUSR1)
            time.sleep(2)
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        parts.append("server log (end):\n" + "\n".join(lines[-300:]))
    return "\n\n".join(parts)
