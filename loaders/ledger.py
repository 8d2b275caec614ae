"""Entry points: read a ledger into a ``Network``, or validate it and report.

``read_ledger`` is all-or-nothing: any error raises ``LedgerInvalid`` listing every
problem, and no partial network exists. Personal data is pseudonymized before the
``Network`` is built, so clear names, phones and id numbers never reach the graph.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from graph.schema import PERSONAL_COLUMNS, TABLES
from loaders.archive import Limits
from loaders.errors import Issue, LedgerInvalid

if TYPE_CHECKING:  # imported when a ledger is read: ledger_fingerprint needs none of them
    import pandas as pd

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


Keep = Callable[[str, "pd.DataFrame"], None]
# the people table as kept (pseudonymized or blanked), or the issue of an unusable key
People = Callable[["pd.DataFrame"], "pd.DataFrame | Issue"]


def read_tables(
    path: str | Path,
    keep: Keep,
    *,
    key: bytes | str | None = None,
    progress: bool = False,
    personal: bool = True,
) -> Checked:
    """Read and validate a ledger one table at a time; ``keep(name, table)`` gets each table.

    A folder of CSV files is read file by file: each file is parsed, checked column by
    column and handed to ``keep`` (typed as in a ``Network``, people pseudonymized), and
    only the ids, references and dates the cross-table checks need stay in memory. So
    the peak is one table, not the ledger. Other sources (a workbook, a zip, a folder with
    a stray or repeated table) are read whole, as ``loaders.read`` always did. The issues
    are the same either way. ``keep`` may see tables of a ledger that turns out invalid
    (the returned ``errors`` say so): it must not publish them before that is known.
    ``Checked.tables`` holds the validated tables, or for a folder just the columns above.
    ``personal=False`` leaves the people's personal columns empty (see ``read_ledger``).
    """
    people: People = partial(_pseudonymized, key=key) if personal else _blanked
    with _progress(progress) as tick:
        files = _table_files(Path(path))
        if files is None:
            return _whole(path, keep, people, tick)
        return _tablewise(files, keep, people, tick)


def _table_files(path: Path) -> list[tuple[str, str, Path]] | None:
    """(file name, table, path) of a folder whose CSV files are distinct tables, else None."""
    from loaders.read import TABLE_NAMES, match_name

    if not path.is_dir():
        return None
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    tables = [match_name(p.stem, TABLE_NAMES) for p in files]
    if not files or None in tables or len(set(tables)) < len(tables):
        return None  # reported by the whole-ledger reader, exactly as before
    return [(p.name, t, p) for p, t in zip(files, tables, strict=True)]


# People pseudonymized per slice of this many rows: the keyed hashes are computed on Python
# strings, and a province's five million people at once took gigabytes of them.
PSEUDONYM_ROWS = 250_000


def _pseudonymized(people: pd.DataFrame, key: bytes | str | None) -> pd.DataFrame | Issue:
    """The people table with pseudonyms (slice by slice), or the issue of an unusable key."""
    import pandas as pd

    from loaders.pseudonymize import load_key, pseudonymize_people

    try:
        key = load_key() if key is None else key
        parts = [
            pseudonymize_people(people.iloc[i : i + PSEUDONYM_ROWS], key)
            for i in range(0, max(len(people), 1), PSEUDONYM_ROWS)
        ]
    except (OSError, ValueError) as exc:  # unreadable config or key file
        problem = f"无法取得假名密钥 cannot get the pseudonym key: {exc}"
        return Issue("people", None, None, None, problem)
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _blanked(people: pd.DataFrame) -> pd.DataFrame:
    """The people table with its personal columns empty: for a reader that never uses them
    (an analysis), nothing to hash and nothing personal kept."""
    import pandas as pd

    blank = {
        c: pd.Series(pd.NA, index=people.index, dtype=people[c].dtype)
        for c in PERSONAL_COLUMNS["people"]
        if c in people.columns
    }
    return people.assign(**blank)


def _whole(path: str | Path, keep: Keep, people_of: People, tick) -> Checked:
    """The whole ledger read at once, checked, then handed to ``keep`` table by table."""
    import pandas as pd

    from graph.tables import coerce
    from loaders.read import read_raw
    from loaders.validate import validate_raw

    checked = validate_raw(read_raw(path, tick), tick)
    if checked.errors:
        return checked
    tables = dict(checked.tables)
    if "people" in tables:
        if tick:
            tick("people's personal columns")  # pseudonymized, or left empty
        people = people_of(tables["people"])
        if isinstance(people, Issue):
            checked.errors.append(people)
            return checked
        tables["people"] = people
    for name in TABLES:
        keep(name, coerce(name, tables.get(name, pd.DataFrame())))
    return checked


def _tablewise(files: list[tuple[str, str, Path]], keep: Keep, people_of: People, tick) -> Checked:
    """``validate_raw`` over files read one at a time, keeping only what crosses tables."""
    import numpy as np
    import pandas as pd

    from graph.tables import coerce
    from loaders import validate as v
    from loaders.memory import release_memory
    from loaders.read import RawLedger, RawTable, read_csv_bytes

    errors: list[Issue] = []
    warnings: list[Issue] = []
    raws: dict[str, RawTable] = {}
    typed: dict[str, pd.DataFrame] = {}
    key_issue: Issue | None = None
    for name, table, file in files:
        if tick:
            tick(name)
        read = RawLedger({}, [], [])
        raw = RawTable(table, pd.DataFrame(), np.zeros(0, np.int64), file=name)
        read_csv_bytes(file.read_bytes(), raw, read)
        errors += read.errors
        warnings += read.warnings
        if tick:
            tick(f"checking {table}")
        parsed = v.parse_table(table, raw)
        errors += v.check_columns(table, raw, parsed)
        full = v.with_defaults(table, parsed)
        if not errors and key_issue is None:
            if table == "people":
                people = people_of(full)
                if isinstance(people, Issue):
                    key_issue = people
                else:
                    keep(table, coerce(table, people))
                del people  # the whole table: not held through the checks across tables
            else:
                keep(table, coerce(table, full))
        typed[table], raws[table] = v.kept_across(table, full, raw)
        del read, raw, parsed, full
        release_memory()
    errors += v.missing_tables(raws)
    if tick:
        tick("checking links between tables")
    ctx = v.Ctx(raws, typed)
    across, warned = v.check_across(ctx)
    errors = v.in_table_order(errors + across)
    warnings += warned
    if not errors and key_issue is not None:
        errors.append(key_issue)
    if not errors:
        for name in TABLES:
            if name not in raws:
                keep(name, coerce(name, pd.DataFrame()))
    counts = {t: len(raws[t].data) if t in raws else 0 for t in TABLES}
    return v.Checked(typed, errors, warnings, counts, ctx.index)


def _check(
    path: str | Path, key: bytes | str | None, progress: bool, personal: bool = True
) -> tuple[Checked, Network | None]:
    from graph.network import Network

    tables: dict[str, pd.DataFrame] = {}
    checked = read_tables(path, tables.__setitem__, key=key, progress=progress, personal=personal)
    if checked.errors:
        return checked, None
    return checked, Network(tables, warnings=checked.warnings)


def read_ledger(
    path: str | Path,
    *,
    key: bytes | str | None = None,
    progress: bool = False,
    personal: bool = True,
) -> Network:
    """Read and validate a ledger (.xlsx, CSV folder or .zip of CSV) into a ``Network``.

    ``key`` is the pseudonym key (default: ``loaders.pseudonymize.load_key()``).
    ``personal=False`` leaves the people's personal columns (``PERSONAL_COLUMNS``) empty
    instead of pseudonymized: for a network only analyzed (the analysis never reads them),
    it spares the keyed hashes, a third of a district's reading, and needs no key.
    Raises ``LedgerInvalid`` with every error when anything is wrong.
    """
    checked, network = _check(path, key, progress, personal)
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
