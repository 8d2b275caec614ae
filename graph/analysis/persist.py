"""Analyses kept on disk between runs, so a restarted app shows the overview at once.

An entry is keyed by what its result depends on: the ledger's content (a fingerprint of
every table), the year, the rubric in force, the caller's version (``govnet.__version__``)
and a digest of this package's own source, so a changed ledger, rubric, release or
analysis code is a miss, never a stale hit. Entries are pickles under
``graph.config.cache_dir()`` (setting ``cache_dir``), written atomically; the directory is
the user's own, and a file that cannot be read is recomputed and replaced. Processes that
want the same missing entry compute it once: the first holds a lock file while it computes,
the others wait and then read (``govnet app`` warms the cache beside the starting server).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

from graph import config
from graph.network import Network

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent.parent  # graph/: schema, tables, analysis


def fingerprint(network: Network) -> str:
    """SHA-256 over every table's column names, dtypes and per-row content hashes.

    Hashes of the values, not a pickle: pandas pickles the same table differently once
    it has been used (internal caches), which would make every start a miss."""
    h = hashlib.sha256()
    for name in sorted(network.tables):
        df = network.tables[name]
        h.update(repr((name, list(df.columns), [str(t) for t in df.dtypes])).encode())
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


@cache
def code_digest(root: Path = PACKAGE) -> str:
    """SHA-256 of the package's sources and shipped rubrics: edited code is a new key."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def key_of(*parts: object) -> str:
    """One file name for a key of reprs (strings, ints, None, rubric models)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stored(kind: str, key: str, directory: Path | None = None) -> bool:
    """Whether ``persisted(kind, key, ...)`` would find an entry, without reading it."""
    return ((directory or config.cache_dir()) / kind / f"{key}.pickle").is_file()


def persisted(
    kind: str, key: str, compute: Callable[[], T], directory: Path | None = None
) -> tuple[T, bool]:
    """``compute()``'s result kept as ``directory/kind/key.pickle``; (value, was it a hit)."""
    folder = (directory or config.cache_dir()) / kind
    path = folder / f"{key}.pickle"
    found, value = _read(path)
    if found:
        return value, True
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / f".{key}.lock"):
        found, value = _read(path)  # computed by another process while this one waited
        if found:
            return value, True
        value = compute()
        _write(path, value)
    return value, False


def _read(path: Path) -> tuple[bool, object]:
    try:
        with path.open("rb") as f:
            return True, pickle.load(f)
    except FileNotFoundError:
        pass
    except Exception:  # truncated or from an incompatible library version: recompute
        path.unlink(missing_ok=True)
    return False, None


@contextlib.contextmanager
def _locked(lock: Path):
    """An exclusive lock on ``lock`` between processes (none where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: two processes may both compute; the writes stay atomic
        yield
        return
    with lock.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _write(path: Path, value: object) -> None:
    """Atomically: readers see the old file or the whole new one."""
    folder, key = path.parent, path.stem
    fd, tmp = tempfile.mkstemp(prefix=f".{key}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=5)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def persisted_analysis(
    network: Network | Callable[[], Network],
    year: int | None,
    rubric,
    version: str,
    directory: Path | None = None,
    ledger: str | None = None,
):
    """``analyze(network, year, rubric)`` from disk when the same ledger, year, rubric,
    version and code were analyzed before; computed and kept otherwise. Returns
    (Analysis, hit).

    ``ledger`` is the network's content key when the caller knows it (``govnet analyze``
    and ``govnet app`` key a ledger file by its bytes, the demo by its seed and release);
    ``network`` may then be a function that reads it, called only on a miss, so a hit reads
    no ledger. The one cache both use: either warms it for the other. ``rubric`` None is the
    shipped rubric, whose files ``code_digest`` covers: a hit then parses no rubric either.
    A ``year`` of None is the latest: its entry is a ``Latest`` naming that year, whose
    analysis is kept once, under its number (the same entry as asking for it by number)."""
    load = cache(network) if callable(network) else lambda: network  # read at most once
    if ledger is None:
        ledger = fingerprint(load())
    rubric, key = _analysis_key(ledger, year, rubric, version)

    def compute():
        from graph.analysis.run import analyze  # the engine: only for a miss

        net = load()
        if year is None and net.years:  # the latest year's own entry holds the analysis
            return Latest(max(net.years))
        return analyze(net, year, rubric)

    entry, hit = persisted("analysis", key, compute, directory)
    if isinstance(entry, Latest):
        a, year_hit = persisted_analysis(load, entry.year, rubric, version, directory, ledger)
        return a, hit and year_hit
    return entry, hit


def analysis_stored(
    ledger: str, year: int | None, rubric, version: str, directory: Path | None = None
) -> bool:
    """Whether ``persisted_analysis`` would find this ledger's analysis on disk (keyed as
    there), without reading it: a caller may start reading the ledger early on a miss."""
    rubric, key = _analysis_key(ledger, year, rubric, version)
    folder = directory or config.cache_dir()
    if year is None:  # the latest year: the entry naming it, then that year's own
        _, entry = _read(folder / "analysis" / f"{key}.pickle")
        if not isinstance(entry, Latest):
            return False
        key = _analysis_key(ledger, entry.year, rubric, version)[1]
    return stored("analysis", key, directory)


def _analysis_key(ledger: str, year: int | None, rubric, version: str) -> tuple[object, str]:
    """The rubric in force (None: the shipped one) and the entry's key."""
    rubric, rules = _rules(rubric) if rubric is not None else (None, None)
    year = None if year is None else int(year)  # 2024 and numpy's 2024: one key
    return rubric, key_of(ledger, year, rules, version, code_digest())


@dataclass(frozen=True)
class Latest:
    """The entry of a ledger's latest year (``year`` None): which year that is. A few bytes
    instead of a second copy of that year's analysis (half the disk, half the writing)."""

    year: int


def _rules(rubric):
    """A rubric (a loaded one or TOML paths) and what its key depends on: its rules, not
    where the files were read."""
    from graph.analysis.rubric import Rubric, load_rubric

    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    return rubric, (rubric.by_kind, rubric.goods, rubric.red_flag)
