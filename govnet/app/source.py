"""Where the app's data comes from (demo, uploaded ledger, graph database) and the shared
caches that make page switches instant.

Each source has a fingerprint (``demo:district:7``, the upload's SHA-256, the database
URI and graph); networks and analyses are cached per fingerprint, year and rubric with
``st.cache_resource``, so every analyst on the server shares the work. Upload handling is
a plain function (``load_upload(name, data)``) so tests can feed it bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from govnet.app import disk
from graph import config
from graph.network import Network
from graph.schema import PERSONAL_COLUMNS

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
UPLOAD_SUFFIXES = (".xlsx", ".zip")
# How often each cached computation really ran in this server process (shared caches mean
# once per key however many analysts look; tests/govnet/test_load.py checks it).
COMPUTED: Counter[tuple] = Counter()
log = logging.getLogger("govnet.app")


@dataclass
class UploadResult:
    """What an upload produced: a network, or the reasons it was refused."""

    name: str
    fingerprint: str
    network: Network | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    message: str | None = None  # a refusal that is not a ledger issue (size, type, unreadable)

    @property
    def ok(self) -> bool:
        return self.network is not None and not self.errors and self.message is None


def _issue_row(issue: Any) -> dict[str, Any]:
    """An issue for display; values of personal columns never shown in clear."""
    row = issue.to_dict() if hasattr(issue, "to_dict") else dict(issue)
    personal = PERSONAL_COLUMNS.get(row.get("table") or "people", ())
    if row.get("column") in personal:
        row["value"] = "***" if row.get("value") not in (None, "") else row.get("value")
    return row


def issues_frame(issues: list[dict[str, Any]]) -> pd.DataFrame:
    """Issues as a table with the columns people look at first."""
    cols = ["file", "sheet", "table", "row", "column", "value", "message"]
    df = pd.DataFrame(issues, columns=cols)
    return df.dropna(axis=1, how="all")


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def load_upload(name: str, data: bytes, lang: str = "zh") -> UploadResult:
    """Validate an uploaded ledger (xlsx or zip of CSV) and read it when valid.

    Never raises for a bad file: size, type, unreadable and invalid ledgers all come back
    as messages or issues for the page to show.
    """
    from govnet.app.i18n import t

    digest = hashlib.sha256(data).hexdigest()
    result = UploadResult(name=name, fingerprint=f"upload:{digest}")
    if len(data) > MAX_UPLOAD_BYTES:
        result.message = t(
            "upload_too_big", lang, size=human_size(len(data)), cap=f"{MAX_UPLOAD_MB} MB"
        )
        return result
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        result.message = t("upload_bad_type", lang, name=name)
        return result
    from loaders.ledger import validate_ledger

    with tempfile.TemporaryDirectory(prefix="govnet-upload-") as tmp:
        path = Path(tmp) / f"ledger{suffix}"
        path.write_bytes(data)
        try:
            report = validate_ledger(path)
        except MemoryError:  # a ledger too big for the server: a message, the server lives
            result.message = t("upload_memory", lang)
            return result
        except Exception as exc:  # a corrupt zip or workbook: a message, not a stack trace
            result.message = t("upload_unreadable", lang, error=short_error(exc))
            return result
    result.errors = [_issue_row(i) for i in report.errors]
    result.warnings = [_issue_row(i) for i in report.warnings]
    result.counts = dict(report.counts or {})
    if not result.errors:
        result.network = report.network
        if result.network is not None and not result.counts:
            result.counts = result.network.counts()
    return result


def short_error(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 300 else text[:300] + "…"


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_upload(name: str, digest: str, _data: bytes, lang: str) -> UploadResult:
    """One validation per uploaded file content, shared by every session."""
    return load_upload(name, _data, lang)


@st.cache_resource(show_spinner=False)
def demo_key() -> str:
    """What the demo's content depends on: release, code, pseudonym key (hashed only)."""
    return disk.demo_key()


@st.cache_resource(show_spinner=False)
def demo() -> Network:
    """The demo district: generated once, then kept on disk for later starts."""
    return disk.demo_network()


def ledger_path() -> Path | None:
    """The ledger ``govnet app --ledger PATH`` opened, shown instead of the demo."""
    path = config.get("ledger")
    return Path(path) if path else None


def ledger_stamp(path: Path) -> tuple:
    """Names, sizes and modification times of the ledger's files: cheap on every run, and
    it changes whenever a file is written, even in place inside a folder."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)


@st.cache_resource(show_spinner=False, max_entries=8)
def ledger_key(path: str, stamp: tuple) -> str:
    """The ledger's content key (its bytes hashed) once per version of its files."""
    return disk.ledger_key(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def ledger(path: str, key: str) -> Network:
    """The ledger given on the command line, read once per content (then from disk)."""
    return disk.ledger_network(path, key)


def uri_has_credentials(uri: str) -> bool:
    """Credentials belong in the environment or secrets, never in a typed URI."""
    try:
        return "@" in (urlsplit(uri).netloc or "")
    except ValueError:
        return True


def db_credentials() -> tuple[str | None, str | None]:
    """User and password from the environment or Streamlit secrets (section ``[db]``)."""
    user, password = config.get("db.user"), config.get("db.password")
    try:
        section = st.secrets.get("db", {})
    except Exception:  # no secrets file: the environment is all there is
        section = {}
    return user or section.get("user"), password or section.get("password")


@st.cache_resource(show_spinner=False, max_entries=4)
def store(uri: str, graph: str | None):
    """An open connection to the graph database, shared by sessions."""
    from graph.store import open_store

    user, password = db_credentials()
    return open_store(uri, graph or None, user=user, password=password)


@st.cache_resource(show_spinner=False, max_entries=4)
def db_network(uri: str, graph: str | None) -> Network:
    """The network read from the database once per URI and graph."""
    return store(uri, graph).read()


def rubric_key(texts: dict[str, str] | None) -> str | None:
    """Edited rubric files (kind → TOML text) as one hashable cache key (None: shipped)."""
    return json.dumps(texts, sort_keys=True, ensure_ascii=False) if texts else None


def check_rubric_text(text: str, name: str = "rubric.toml") -> str | None:
    """None when a rubric file's text is valid, else the validator's message."""
    from graph.analysis.rubric import RubricError, read_rubric_file

    with tempfile.TemporaryDirectory(prefix="govnet-rubric-") as tmp:
        path = Path(tmp) / "rubric.toml"
        path.write_text(text, encoding="utf-8")
        try:
            read_rubric_file(path)
        except RubricError as exc:
            return str(exc).replace(str(path), name)
    return None


@st.cache_resource(show_spinner=False, max_entries=8)
def content(fingerprint: str, _network: Network) -> str:
    """The ledger's content fingerprint (what analyses on disk are keyed by), once a source;
    the demo's and a ledger file's are their keys on disk, which fix their content."""
    from graph.analysis.persist import fingerprint as of

    if fingerprint.startswith("demo:"):
        return demo_key()
    if fingerprint.startswith("ledger:"):
        return fingerprint.removeprefix("ledger:")
    return of(_network)


@st.cache_resource(show_spinner=False, max_entries=32)
def analysis(fingerprint: str, year: int | None, rubric_text: str | None, _network: Network):
    """The analysis of one source, year and rubric, computed once and shared; kept on disk
    (``graph.analysis.persist``) so a restarted server shows it at once."""
    COMPUTED[("analysis", fingerprint, year)] += 1
    rubric = disk.rubric_from_text(rubric_text) if rubric_text else None  # None: shipped
    return disk.analysis(content(fingerprint, _network), _network, year, rubric)


@st.cache_resource(show_spinner=False, max_entries=32)
def summary(fingerprint: str, year: int, rubric_text: str | None, _network: Network):
    """What the overview shows of one source, year and rubric: read from disk alone on a
    restart (a few small tables, not the whole analysis); from the analysis otherwise."""
    COMPUTED[("summary", fingerprint, year)] += 1
    key = content(fingerprint, _network)
    return disk.summary(
        key, year, rubric_text, lambda: analysis(fingerprint, year, rubric_text, _network)
    )


def report_bytes(a) -> bytes:
    """The ``write_report`` workbook of an analysis, as the bytes a download serves."""
    from graph.analysis import write_report

    with tempfile.TemporaryDirectory(prefix="govnet-report-") as tmp:
        path = Path(tmp) / "report.xlsx"
        write_report(a, path)
        return path.read_bytes()


@st.cache_resource(show_spinner=False, max_entries=8)
def warm(fingerprint: str, _network: Network) -> threading.Thread:
    """Build the graph and the network page's index in the background, once per source,
    while the analyst reads the overview: the first network view then draws at once.
    Called once the browser has drawn the first page (``govnet.app.drawn``)."""

    def build() -> None:
        from govnet.app.netview import index

        try:
            index(_network)
        except Exception:  # the network page will build (and report) it itself
            log.exception("warming the network index failed")

    thread = threading.Thread(target=build, name=f"govnet-warm-{fingerprint[:24]}", daemon=True)
    thread.start()
    return thread


@dataclass
class Context:
    """What the sidebar chose, handed to every page."""

    kind: str  # demo | upload | db
    fingerprint: str
    network: Network
    year: int | None
    db_uri: str | None = None
    db_graph: str | None = None

    @property
    def rubric_text(self) -> str | None:
        return rubric_key(st.session_state.get("rubric_texts"))

    def analysis(self):
        return analysis(self.fingerprint, self.year, self.rubric_text, self.network)

    def analyses(self) -> dict:
        """Every year's analysis, each from the same per-year cache the other pages use
        (what ``analyze_years`` computes, without computing a year twice)."""
        return {
            y: analysis(self.fingerprint, y, self.rubric_text, self.network)
            for y in self.network.years
        }

    def summary(self):
        """What the overview shows of the chosen year (``disk.Summary``)."""
        return summary(self.fingerprint, self.year, self.rubric_text, self.network)

    def previous(self):
        """What the overview shows of the year before, when the ledger has it."""
        years = [y for y in self.network.years if self.year is not None and y < self.year]
        if not years:
            return None
        return summary(self.fingerprint, max(years), self.rubric_text, self.network)


def context() -> Context | None:
    """The context the sidebar set up in this run (None when no data is loaded)."""
    return st.session_state.get("_ctx")


def fingerprint_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
