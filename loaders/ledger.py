"""Entry points: read a ledger into a ``Network``, or validate it and report.

``read_ledger`` is all-or-nothing: any error raises ``LedgerInvalid`` listing every
problem, and no partial network exists. Personal data is pseudonymized before the
``Network`` is built, so clear names, phones and id numbers never reach the graph.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.archive import Limits
from loaders.errors import Issue, LedgerInvalid

if TYPE_CHECKING:  # imported when a ledger is read: ledger_fingerprint needs none of them
    from graph.network import Network
    from loaders.validate import Checked


@dataclass
class ValidationReport:
    """What validation found: errors block loading, warnings do not."""

    errors: list[Issue]
    warnings: list[Issue]
    counts: dict[str, int]
    network: Network | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
            "counts": self.counts,
        }


@contextmanager
def _progress(enabled: bool) -> Iterator:
    """A spinner with the current step on stderr, or a no-op tick."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as bar:
        task = bar.add_task("读取台账 reading ledger", total=None)

        def tick(step: str) -> None:
            bar.update(task, description=f"读取台账 reading ledger: {step}")

        yield tick


def _check(
    path: str | Path, key: bytes | str | None, progress: bool
) -> tuple[Checked, Network | None]:
    from graph.network import Network
    from loaders.pseudonymize import pseudonymize_people
    from loaders.read import read_raw
    from loaders.validate import validate_raw

    with _progress(progress) as tick:
        raw = read_raw(path, tick)
        checked = validate_raw(raw, tick)
        if checked.errors:
            return checked, None
        if tick:
            tick("pseudonymizing people")
        tables = dict(checked.tables)
        if "people" in tables:
            try:
                tables["people"] = pseudonymize_people(tables["people"], key)
            except (OSError, ValueError) as exc:  # unreadable config or key file
                problem = f"无法取得假名密钥 cannot get the pseudonym key: {exc}"
                checked.errors.append(Issue("people", None, None, None, problem))
                return checked, None
        if tick:
            tick("building network")
        return checked, Network(tables, warnings=checked.warnings)


def read_ledger(
    path: str | Path, *, key: bytes | str | None = None, progress: bool = False
) -> Network:
    """Read and validate a ledger (.xlsx, CSV folder or .zip of CSV) into a ``Network``.

    ``key`` is the pseudonym key (default: ``loaders.pseudonymize.load_key()``).
    Raises ``LedgerInvalid`` with every error when anything is wrong.
    """
    checked, network = _check(path, key, progress)
    if network is None:
        raise LedgerInvalid(checked.errors, checked.warnings)
    return network


def validate_ledger(
    path: str | Path, *, key: bytes | str | None = None, progress: bool = False
) -> ValidationReport:
    """Validate a ledger without raising; ``network`` is set when it is valid."""
    checked, network = _check(path, key, progress)
    return ValidationReport(checked.errors, checked.warnings, checked.counts, network)


def ledger_fingerprint(path: str | Path, *, key: bytes | str | None = None) -> str:
    """SHA-256 of everything ``read_ledger(path, key=key)`` depends on besides the code: the
    bytes it reads (a folder's CSV files with their names, or the file with its name), the
    pseudonym key (hashed) and the archive limits. Equal fingerprints, equal networks — so a
    result kept under it can be reused without reading the ledger again."""
    path = Path(path)
    files = (
        sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
        if path.is_dir()
        else [path]
    )
    from loaders.pseudonymize import load_key

    key = load_key() if key is None else key.encode() if isinstance(key, str) else key
    h = hashlib.sha256()
    h.update(
        repr((hashlib.sha256(key).hexdigest(), dataclasses.astuple(Limits.from_config()))).encode()
    )
    for file in files:
        data = file.read_bytes()
        h.update(repr((file.name, len(data))).encode())
        h.update(data)
    return h.hexdigest()
