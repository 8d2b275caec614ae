"""Bad input at volume: a hypothesis fuzzer over the ledger readers (its strategies and the
rule below live in ``bench/ledger_fuzz.py``, which ``bench/fuzz.py`` runs for longer).

Every generated ledger (a workbook, a CSV folder or a zip, mutated from a small valid one:
sheet and file names, headers, enumeration values, dates, numbers, encodings, huge cells,
formulas and formula-like text (``=``, ``+``, ``-``, ``@``, tab, CR), blank/short/long rows,
garbage bytes) must end in exactly one of two ways: a ``Network`` whose graph builds, or
``LedgerInvalid`` with located issues. Zip and workbook bombs (and ones whose headers lie
about their size) must be refused before they are decompressed. Any other
exception, a hang (hypothesis deadline) or a crash fails the test. Two big cases run in a
subprocess under RLIMIT_AS = 2 GB and a 60 s timeout: a 1,000,000-row people file with a
few planted errors, and a ~50 MB single cell.

Counts of inputs and outcomes are kept in ``SUMMARY`` and printed at the end of the run by
the ``pytest_terminal_summary`` hook in ``tests/conftest.py``. A last property: the seed
ledger respelled the ways clerks write it (Chinese names and values, padding, blank rows,
column order, GBK) reads as exactly the same network.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.ledger_fuzz import (
    BASE,
    ENCODINGS,
    KEY,
    SMALL,
    Rows,
    broken_files,
    broken_outcome,
    cells,
    csv_outcome,
    mutated,
    typed_cells,
    write_csv_folder,
    write_xlsx,
    xlsx_outcome,
)
from graph.schema import (
    DOMAINS,
    LINK_TYPES,
    MATTER_STATUS,
    ORG_KINDS,
    PLACE_KINDS,
    RESOURCE_KINDS,
    TABLES,
)
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SUMMARY: dict[str, Counter] = {"fuzz inputs by format": Counter(), "fuzz outcomes": Counter()}
FUZZ = settings(
    max_examples=60,
    deadline=dt.timedelta(seconds=60),  # a hang over 60 s is a failure
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same inputs in CI every run; raise max_examples locally to explore
    database=None,
)


def record(fmt: str, result: str) -> None:
    SUMMARY["fuzz inputs by format"][fmt] += 1
    SUMMARY["fuzz outcomes"][result] += 1


@FUZZ
@given(tables=mutated(cells), encoding=st.sampled_from(ENCODINGS), as_zip=st.booleans())
def test_fuzz_csv_ledgers(tables: dict[str, Rows], encoding: str, as_zip: bool) -> None:
    record("zip" if as_zip else "csv", csv_outcome(tables, encoding, as_zip))


@FUZZ
@given(tables=mutated(typed_cells))
def test_fuzz_xlsx_ledgers(tables: dict[str, Rows]) -> None:
    record("xlsx", xlsx_outcome(tables))


@pytest.mark.filterwarnings("ignore:Duplicate name")  # duplicate zip members on purpose
@settings(FUZZ, max_examples=40)
@given(file=broken_files())
def test_fuzz_broken_files(file: tuple[str, bytes]) -> None:
    record(*broken_outcome(file))


# --- big inputs in a subprocess: 2 GB address space, 60 s ---------------------------------

LIMIT_BYTES = 2 * 1024**3
WORKER = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from loaders.errors import LedgerInvalid
from loaders.ledger import read_ledger
started = time.monotonic()
try:
    net = read_ledger(sys.argv[1], key="fuzz-key")
    out = {{"outcome": "network", "people": len(net.tables["people"])}}
except LedgerInvalid as exc:
    out = {{"outcome": "invalid", "errors": [[i.table, i.row, i.column] for i in exc.errors[:50]],
           "n_errors": len(exc.errors)}}
out["seconds"] = time.monotonic() - started
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_limited(path: Path) -> dict:
    """Read a ledger in a child process with 2 GB of address space and 60 s."""
    proc = subprocess.run(
        [sys.executable, "-c", WORKER.format(limit=LIMIT_BYTES), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "2"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


N_BIG = 1_000_000
BAD_ROWS = {2: "place_id", 123_457: "party_member", 999_999: "roles", N_BIG + 1: "id"}


def million_people(folder: Path) -> Path:
    """The small ledger with 1,000,000 people (clear names and phones) and 4 planted errors,
    as Excel would number them: a missing place, a bad yes/no, an unknown role, a duplicate id."""
    folder.mkdir()
    for name, rows in BASE.items():
        if name != "people":
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows(rows)
    places = [r[0] for r in BASE["places"][1:]]
    with (folder / "people.csv").open("w", encoding="utf-8", newline="") as f:
        f.write("id,name,place_id,party_member,roles,phone\n")
        lines = []
        for i in range(N_BIG):
            row = i + 2  # the row number a user sees
            pid = f"P{i:07d}" if row != N_BIG + 1 else "P0000000"
            place = places[i % len(places)] if row != 2 else "NOWHERE"
            member = ("是" if i % 3 else "否") if row != 123_457 else "maybe"
            roles = "volunteer" if i % 5 == 0 else ""
            roles = "astronaut" if row == 999_999 else roles
            lines.append(f"{pid},居民{i},{place},{member},{roles},138{i:08d}\n")
            if len(lines) == 100_000:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)
    return folder


@pytest.mark.slow
def test_a_million_rows_under_2gb_and_60s(tmp_path: Path) -> None:
    ledger = million_people(tmp_path / "big")
    size_mb = (ledger / "people.csv").stat().st_size / 1024**2
    assert size_mb > 40  # the ~50 MB file the limits are about
    out = run_limited(ledger)
    assert out["outcome"] == "invalid", out
    found = {(t, r, c) for t, r, c in out["errors"]}
    for row, column in BAD_ROWS.items():
        assert any(t == "people" and r == row and c == column for t, r, c in found), (row, found)
    assert out["max_rss_mb"] < 2048
    SUMMARY["big inputs"] = Counter(
        {f"1M rows ({size_mb:.0f} MB): {out['seconds']:.1f} s, {out['max_rss_mb']:.0f} MB RSS": 1}
    )


@pytest.mark.slow
def test_a_50mb_cell_under_2gb_and_60s(tmp_path: Path) -> None:
    folder = tmp_path / "cell"
    folder.mkdir()
    for name, rows in BASE.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    with (folder / "people.csv").open("a", encoding="utf-8", newline="") as f:
        f.write("pe_big," + "张" * (17 * 1024**2) + ",C1,是,,,\n")  # 51 MB of UTF-8
    out = run_limited(folder)
    assert out["outcome"] in ("network", "invalid"), out
    assert out["max_rss_mb"] < 2048
    SUMMARY.setdefault("big inputs", Counter())[
        f"50 MB cell: {out['outcome']}, {out['seconds']:.1f} s, {out['max_rss_mb']:.0f} MB RSS"
    ] += 1


# --- equivalent spellings: the same ledger written another way reads as the same network ---

ZH_VALUES = {
    ("places", "kind"): PLACE_KINDS,
    ("organizations", "kind"): ORG_KINDS,
    ("matters", "domain"): DOMAINS,
    ("matters", "status"): MATTER_STATUS,
    ("resources", "kind"): RESOURCE_KINDS,
    ("resources", "domain"): DOMAINS,
    ("links", "type"): LINK_TYPES,
    ("people", "party_member"): {"true": "是", "false": "否"},
}


@st.composite
def respelled(draw) -> tuple[dict[str, Rows], str]:
    """The seed ledger with Chinese sheet names, headers and values, padded cells, blank rows
    and shuffled columns, as clerks write it; and an encoding that can hold it."""
    out: dict[str, Rows] = {}
    for name, rows in copy.deepcopy(BASE).items():
        header, body = rows[0], rows[1:]
        for c, key in enumerate(header):
            values = ZH_VALUES.get((name, key))
            if values and draw(st.booleans()):
                for row in body:
                    row[c] = values.get(row[c], row[c])
            zh = {col.key: col.zh for col in TABLES[name].columns}[key]
            header[c] = draw(st.sampled_from([key, zh, f"{zh}({key})", f" {key.upper()} "]))
        if draw(st.booleans()):
            body = [[f"  {v} " if v else v for v in row] for row in body]
        order = draw(st.permutations(range(len(header))))
        rows = [[row[i] for i in order] for row in [header, *body]]
        for _ in range(draw(st.integers(0, 2))):
            rows.insert(draw(st.integers(1, len(rows))), [""] * len(header))
        out[draw(st.sampled_from([name, TABLES[name].zh]))] = rows
    return out, draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030"]))


@settings(FUZZ, max_examples=30)
@given(ledger=respelled(), fmt=st.sampled_from(["csv", "zip", "xlsx"]))
def test_fuzz_equivalent_spellings_read_the_same(ledger, fmt: str) -> None:
    tables, encoding = ledger
    expected = read_ledger(SMALL, key=KEY)
    with tempfile.TemporaryDirectory(prefix="govnet-fuzz-") as tmp:
        if fmt == "xlsx":
            path = Path(tmp) / "ledger.xlsx"
            write_xlsx(tables, path)
        elif fmt == "zip":
            write_csv_folder(tables, Path(tmp) / "csv", encoding)
            path = Path(tmp) / "ledger.zip"
            with zipfile.ZipFile(path, "w") as z:
                for member in sorted((Path(tmp) / "csv").iterdir()):
                    z.write(member, member.name)
        else:
            path = Path(tmp) / "ledger"
            write_csv_folder(tables, path, encoding)
        network = read_ledger(path, key=KEY)
        record(f"respelled {fmt}", "network")
    assert network.equals(expected)
