"""Fuzzing the ledger readers: hypothesis strategies that mutate the small valid ledger
(``tests/fixtures/small``) into workbooks, CSV folders and zips, broken files and bombs, and
the one rule every input must meet: it reads as a ``Network`` whose graph builds, or fails
with ``LedgerInvalid`` and located issues (bombs: refused before they are decompressed).
Any other exception propagates. Run briefly in CI by ``tests/loaders/test_fuzz.py`` and at
length by ``bench/fuzz.py``."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import io
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bench.bombs import DEFLATED, MB, lie_about_size, xlsx_bomb
from graph.network import Network
from graph.schema import DOMAINS, LINK_TYPES, MATTER_STATUS, ORG_KINDS, PLACE_KINDS, ROLES, TABLES
from loaders.errors import Issue, LedgerInvalid
from loaders.ledger import read_ledger

ROOT = Path(__file__).resolve().parent.parent

SMALL = ROOT / "tests" / "fixtures" / "small"
KEY = "fuzz-key"

Rows = list[list[object]]


def _base() -> dict[str, Rows]:
    """The small valid ledger as header + rows of text per table (the fuzzer's seed)."""
    out = {}
    for path in sorted(SMALL.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            out[path.stem] = [list(r) for r in csv.reader(f)]
    return out


BASE = _base()
ENUMS = [*PLACE_KINDS.items(), *ORG_KINDS.items(), *ROLES.items(), *DOMAINS.items()]
ENUMS += [*MATTER_STATUS.items(), *LINK_TYPES.items()]
ENUM_WORDS = [w for pair in ENUMS for w in pair]
COLUMN_WORDS = [w for t in TABLES.values() for c in t.columns for w in (c.key, c.zh)]
TABLE_WORDS = [w for k, t in TABLES.items() for w in (k, t.zh, t.zh + " " + k, k.upper())]

texts = st.text(max_size=30)
dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1)).map(str),
    st.dates().map(lambda d: d.strftime("%Y/%m/%d")),
    st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["2024-02-30", "2024-13-01", "0000-00-00", "31/12/2024", "昨天", "NaT"]),
    st.integers(-(10**6), 10**7).map(str),  # Excel serial day numbers, some absurd
)
numbers = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1,000", "１２３", "1e400", "-0", "0x10", "三", "  7  ", "1.5.2"]),
)
huge = st.sampled_from(["x" * 40_000, "人" * 32_000, "9" * 32_000, "a;" * 16_000])
formulas = st.sampled_from(  # and what spreadsheets also run: + - @ tab CR (OWASP)
    ["=1+1", "=SUM(A1:A3)", "=A1", '=HYPERLINK("http://x","y")', "=1/0", "==", "+SUM(1,2)"]
    + ["-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=cmd|'/c calc'!A0", "#N/A", "#REF!"]
)
cells = st.one_of(
    st.none(),
    texts,
    st.sampled_from(ENUM_WORDS),
    dates,
    numbers,
    huge,
    formulas,
    st.sampled_from(["", " ", "\t", "\n", "是", "否", "true", "FALSE", "#N/A", "NULL", ";;"]),
)
typed_cells = st.one_of(  # what a workbook cell can hold besides text
    cells,
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
)


def _pick(draw, tables: dict[str, Rows]) -> tuple[str, Rows] | None:
    if not tables:
        return None
    name = draw(st.sampled_from(sorted(tables)))
    return name, tables[name]


def mutate(draw, tables: dict[str, Rows], cell_strategy) -> str:
    """Apply one random mutation in place; returns its name (for the counts)."""
    op = draw(
        st.sampled_from(
            ["cell", "cell", "cell", "header", "table_name", "drop_table", "drop_column",
             "add_row", "dup_row", "short_row", "long_row", "blank_rows", "swap_ids"]
        )
    )  # fmt: skip
    picked = _pick(draw, tables)
    if picked is None:
        return "none"
    name, rows = picked
    width = len(rows[0]) if rows and rows[0] else 1
    if op == "cell" and len(rows) > 1:
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, max(len(rows[r]) - 1, 0)))
        if rows[r]:
            rows[r][c] = draw(cell_strategy)
    elif op == "header" and rows and rows[0]:
        c = draw(st.integers(0, width - 1))
        rows[0][c] = draw(st.one_of(texts, st.sampled_from(COLUMN_WORDS), st.none()))
    elif op == "table_name":
        new = draw(st.one_of(st.sampled_from(TABLE_WORDS), texts.filter(bool)))
        tables[new] = tables.pop(name)
    elif op == "drop_table":
        del tables[name]
    elif op == "drop_column" and rows and width > 1:
        c = draw(st.integers(0, width - 1))
        for row in rows:
            if c < len(row):
                del row[c]
    elif op == "add_row":
        rows.append(draw(st.lists(cell_strategy, min_size=width, max_size=width)))
    elif op == "dup_row" and len(rows) > 1:
        rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
    elif op == "short_row" and len(rows) > 1:
        r = draw(st.integers(1, len(rows) - 1))
        rows[r] = rows[r][: draw(st.integers(0, max(width - 1, 0)))]
    elif op == "long_row" and len(rows) > 1:
        rows[draw(st.integers(1, len(rows) - 1))] += draw(st.lists(cell_strategy, max_size=3))
    elif op == "blank_rows":
        rows.insert(draw(st.integers(1, max(len(rows), 1))), [None] * width)
    elif op == "swap_ids" and len(rows) > 2:
        a, b = draw(st.lists(st.integers(1, len(rows) - 1), min_size=2, max_size=2))
        rows[a][0], rows[b][0] = rows[b][0], rows[a][0]
    return op


@st.composite
def mutated(draw, cell_strategy) -> dict[str, Rows]:
    tables = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(0, 6))):
        mutate(draw, tables, cell_strategy)
    return tables


def _text(value: object) -> str:
    return "" if value is None else str(value)


def write_csv_folder(tables: dict[str, Rows], folder: Path, encoding: str) -> None:
    folder.mkdir()
    for i, (name, rows) in enumerate(tables.items()):
        buf = io.StringIO()
        csv.writer(buf).writerows([[_text(v) for v in row] for row in rows])
        safe = "".join(ch for ch in name if ch not in '/\\\0:*?"<>|').strip() or f"t{i}"
        path = folder / f"{safe[:60]}.csv"
        if path.exists():
            path = folder / f"{safe[:60]}_{i}.csv"
        path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))


def write_zip(tables: dict[str, Rows], path: Path, encoding: str) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for i, (name, rows) in enumerate(tables.items()):
            buf = io.StringIO()
            csv.writer(buf).writerows([[_text(v) for v in row] for row in rows])
            member = f"{name.replace('/', '_') or 't'}_{i}.csv" if i % 3 == 2 else f"{name}.csv"
            z.writestr(member, buf.getvalue().encode(encoding, errors="replace"))


def _sheet_title(name: str, taken: set[str]) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\'")
    title = ILLEGAL_CHARACTERS_RE.sub("", title).strip()[:31] or "Sheet"
    base, n = title, 1
    while title.lower() in taken:
        title = f"{base[:28]}_{n}"
        n += 1
    taken.add(title.lower())
    return title


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000]  # Excel's cell limit
    return value


def write_xlsx(tables: dict[str, Rows], path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, rows in tables.items():
        ws = wb.create_sheet(_sheet_title(name, taken))
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
    if not wb.sheetnames:
        wb.create_sheet("empty")
    wb.save(path)


def outcome(path: Path) -> str:
    """'network' or 'invalid'; anything else propagates and fails the test."""
    try:
        network = read_ledger(path, key=KEY)
    except LedgerInvalid as exc:
        assert exc.errors, "LedgerInvalid without errors"
        for issue in exc.errors:
            assert isinstance(issue, Issue) and issue.message
            str(issue)  # every issue can be shown
        return "invalid"
    assert isinstance(network, Network)
    network.graph  # the graph of a valid ledger builds  # noqa: B018
    return "network"


ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "latin-1", "big5", "ascii"]


def csv_outcome(tables: dict[str, Rows], encoding: str, as_zip: bool) -> str:
    """The outcome of ``tables`` written as CSV in ``encoding``, in a folder or a zip."""
    with tempfile.TemporaryDirectory(prefix="govnet-fuzz-") as tmp:
        if as_zip:
            path = Path(tmp) / "ledger.zip"
            write_zip(tables, path, encoding)
        else:
            path = Path(tmp) / "ledger"
            write_csv_folder(tables, path, encoding)
        return outcome(path)


def xlsx_outcome(tables: dict[str, Rows]) -> str:
    """The outcome of ``tables`` written as a workbook (typed cells kept)."""
    with tempfile.TemporaryDirectory(prefix="govnet-fuzz-") as tmp:
        path = Path(tmp) / "ledger.xlsx"
        write_xlsx(tables, path)
        return outcome(path)


@functools.cache
def base_xlsx() -> bytes:
    """The seed ledger as a workbook, made once (its bytes carry a timestamp)."""
    with tempfile.TemporaryDirectory(prefix="govnet-fuzz-") as tmp:
        write_xlsx(copy.deepcopy(BASE), Path(tmp) / "base.xlsx")
        return (Path(tmp) / "base.xlsx").read_bytes()


def zip_bomb(member: str, mb: float) -> bytes:
    """The seed ledger zipped, with ``member`` a header and ``mb`` MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", DEFLATED) as z:
        for name, rows in BASE.items():
            out = io.StringIO()
            csv.writer(out).writerows(rows[:1] if name == member else rows)
            data = out.getvalue().encode()
            z.writestr(f"{name}.csv", data + b"0" * int(mb * MB) if name == member else data)
    return buf.getvalue()


BOMBS = ("bomb_zip", "lying_zip", "bomb_xlsx", "lying_xlsx")


@st.composite
def broken_files(draw) -> tuple[str, bytes]:
    """Files that are not what their name says, are cut short, or are bombs (a few MB of
    zeros, ~1,000× compressed; lying ones declare 1,000 bytes)."""
    kind = draw(st.sampled_from(["random", "truncated_xlsx", "truncated_zip", "zip_junk", *BOMBS]))
    if kind in BOMBS:
        mb = draw(st.floats(1.5, 4))
        if kind.endswith("xlsx"):
            data, member = xlsx_bomb(base_xlsx(), mb), "xl/worksheets/sheet1.xml"
        else:
            member = draw(st.sampled_from(sorted(BASE)))
            data, member = zip_bomb(member, mb), f"{member}.csv"
        if kind.startswith("lying"):
            data = lie_about_size(data, member, prefix_crc=draw(st.booleans()))
        return f"{kind}.{kind.split('_')[1]}", data
    if kind == "random":
        return draw(st.sampled_from(["l.xlsx", "l.zip", "l.csv", "l.xls"])), draw(st.binary())
    buf = io.BytesIO()
    cut = draw(st.floats(0, 1, exclude_max=True))  # where to cut the file short
    if kind == "truncated_xlsx":
        data = base_xlsx()
        return "l.xlsx", data[: int(cut * len(data))]
    with zipfile.ZipFile(buf, "w") as z:
        for name, rows in BASE.items():
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            z.writestr(f"{name}.csv", out.getvalue())
        if kind == "zip_junk":
            z.writestr(
                draw(st.sampled_from(["people.csv", "x/places.csv", "人.csv"])), draw(st.binary())
            )
    data = buf.getvalue()
    if kind == "truncated_zip":
        data = data[: int(cut * len(data))]
    return "l.zip", data


def broken_outcome(file: tuple[str, bytes]) -> tuple[str, str]:
    """The format counted for a broken file and its outcome ('refused' for a bomb, which
    must come out invalid)."""
    name, data = file
    with tempfile.TemporaryDirectory(prefix="govnet-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = outcome(path)
    if name.startswith(BOMBS):  # refused before anything was decompressed
        assert result == "invalid", name
        return f"broken {Path(name).stem}", "refused"
    return f"broken {Path(name).suffix}", result
