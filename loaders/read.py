"""Raw reading: a workbook, a folder of CSV or a zip of CSV → tables of text.

Everything is read as text first (numbers, dates and enumerations are parsed later in
``loaders.validate``) so leading zeros survive and every bad value can be shown as the user
typed it. Each table keeps the row number the user sees in Excel or a CSV viewer.
Structural problems (unknown sheet, formula cell, merged header, undecodable file) are
collected as issues rather than raised, so one run reports all of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from python_calamine import CalamineWorkbook, SheetTypeEnum

from graph.config import ConfigError
from graph.schema import TABLES, Table
from loaders.archive import ArchiveRefused, Limits, Reader, verify
from loaders.errors import Issue

TEXT = pd.StringDtype("pyarrow")
HELP_SHEETS = frozenset({"说明", "使用说明", "帮助", "readme", "help", "instructions"})
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPLIT = re.compile(r"[\s()\[\]/|:：,，]+")

Tick = Callable[[str], None]


@dataclass
class RawTable:
    """One table as text: English column keys, missing values as NA, blank rows dropped."""

    table: str
    data: pd.DataFrame  # dtype string[pyarrow]; extra condition columns keep their header
    rows: np.ndarray  # the user's row number of each data row (header = row 1)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header as written
    file: str | None = None
    sheet: str | None = None
    lost: dict[str, int] = field(default_factory=dict)  # id in an unreadable row -> its row

    def issue(self, message: str, *, row=None, column=None, value=None) -> Issue:
        """An issue located in this table."""
        return Issue(self.table, row, column, value, message, self.file, self.sheet)


@dataclass
class RawLedger:
    tables: dict[str, RawTable]
    errors: list[Issue]
    warnings: list[Issue]


# --- names ---------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Fold full-width forms, case and surrounding space so spellings compare equal."""
    return unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").strip().lower()


def match_name(text: str, names: dict[str, str]) -> str | None:
    """The key whose English key or Chinese name ``text`` spells, else None.

    ``names`` maps English key → Chinese name. Accepted: ``id``, ``编号``, ``编号 id``,
    ``编号(id)``, ``编号（id）``, ``id 编号``, ``Place ID``; in a bilingual form both parts
    must name the same key, so ``place id`` is never mistaken for ``id``.
    """
    n = normalize(text)
    by_en = {k.lower(): k for k in names}
    by_zh = {normalize(v): k for k, v in names.items()}
    flat = re.sub(r"[\s\-]+", "_", n)
    if flat in by_en:
        return by_en[flat]
    if n in by_zh:
        return by_zh[n]
    tokens = [t for t in _SPLIT.split(n) if t]
    zh = "".join(t for t in tokens if _CJK.search(t))
    en = "_".join(t for t in tokens if not _CJK.search(t))
    if not zh or not en:
        return None
    a, b = by_zh.get(zh), by_en.get(en)
    return a if a is not None and a == b else None


TABLE_NAMES = {key: t.zh for key, t in TABLES.items()}


def is_help_sheet(name: str) -> bool:
    return any(t in HELP_SHEETS for t in _SPLIT.split(normalize(name)) if t)


def column_names(spec: Table) -> dict[str, str]:
    return {c.key: c.zh for c in spec.columns}


# --- header and body -----------------------------------------------------------------------


def _map_header(
    spec: Table, header: list[str | None], locate: Callable[[int], str], ctx: RawTable
) -> tuple[dict[int, str], list[Issue], list[Issue]]:
    """Header cells → {position: column key}; errors for gaps, duplicates; warnings for extras."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    filled = [i for i, h in enumerate(header) if h is not None]
    first, last = (filled[0], filled[-1]) if filled else (0, -1)
    positions: dict[int, str] = {}
    seen: dict[str, int] = {}
    names = column_names(spec)
    for i in range(first, last + 1):
        text = header[i]
        if text is None:
            errors.append(
                ctx.issue(
                    f"表头为空 empty header cell {locate(i)} between headers "
                    "(合并的表头单元格？merged header cells? give every column its own header)",
                    row=1,
                )
            )
            continue
        key = match_name(text, names)
        if key is None:
            if spec.extra_numeric:
                key = text.strip()
            else:
                warnings.append(
                    ctx.issue(
                        f"未知的列，已忽略 unknown column {text!r} ignored", row=1, value=text
                    )
                )
                continue
        if key in seen:
            errors.append(
                ctx.issue(
                    f"重复的列 column {key} appears twice ({locate(seen[key])} and {locate(i)})",
                    row=1,
                    column=key,
                    value=text,
                )
            )
            continue
        seen[key] = i
        positions[i] = key
        ctx.headers[key] = text
    return positions, errors, warnings


def _finish(ctx: RawTable, columns: dict[str, pa.Array], rows: np.ndarray) -> None:
    """Trim text, turn empty cells into NA, drop all-blank rows, store as a DataFrame.

    ``columns`` is used up (emptied) as its columns are cleaned."""
    cleaned: dict[str, pa.Array] = {}
    blank = None
    for key in list(columns):  # each column's input goes once it is cleaned: a big file's
        arr = columns.pop(key)  # copies of every column never coexist
        # the large strings pandas holds (``TEXT``): no copy when the frame is made
        arr = pc.utf8_trim_whitespace(arr.cast(pa.large_string()))
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.large_string()), arr)
        cleaned[key] = arr
        isnull = pc.is_null(arr)
        blank = isnull if blank is None else pc.and_(blank, isnull)
    if blank is not None and len(rows) and pc.any(blank).as_py():
        keep = pc.invert(blank)
        cleaned = {k: pc.filter(a, keep) for k, a in cleaned.items()}
        rows = rows[np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)]
    elif blank is None:
        rows = rows[:0]
    if cleaned:
        ctx.data = pa.table(cleaned).to_pandas(types_mapper={pa.large_string(): TEXT}.get)
    else:
        ctx.data = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    ctx.rows = np.asarray(rows, dtype=np.int64)


# --- xlsx ----------------------------------------------------------------------------------


def _cell_text(value: object) -> str | None:
    """An Excel cell value as the text the user sees (dates as ISO, 3.0 as 3)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a time of day stored as a duration
        return str(value)
    return str(value)


def _letter(n: int) -> str:
    """Excel's column letter of the n-th column (1 → A); openpyxl imported only when needed."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def read_xlsx(path: Path, tick: Tick | None = None, limits: Limits | None = None) -> RawLedger:
    """Read every worksheet of a workbook; sheets are matched to tables by name.

    Values come from calamine (fast); a sheet holding formulas is read again with
    openpyxl, which knows which cells are formulas, so each one can be named. The
    workbook is a zip: its members are checked against ``limits`` first (a bomb raises
    ``ArchiveRefused``).
    """
    ledger = RawLedger({}, [], [])
    verify(path, limits or Limits.from_config())
    try:
        wb = CalamineWorkbook.from_path(str(path))
        formulas = formula_sheets(path)
    except Exception as exc:  # broken or foreign files raise many types
        ledger.errors.append(
            Issue(None, None, None, None, f"无法打开工作簿 cannot open workbook: {exc}", path.name)
        )
        return ledger
    sheets = [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    for name in sheets:
        if tick:
            tick(f"{path.name} [{name}]")
        key = _table_for(name, path.name, name, ledger)
        if key is None:
            continue
        ctx = RawTable(key, pd.DataFrame(), np.zeros(0, np.int64), file=path.name, sheet=name)
        if name in formulas:
            import openpyxl  # only for sheets with formulas: slow to import

            wbx = openpyxl.load_workbook(path, read_only=True, data_only=False)
            try:
                _read_sheet(wbx[name], ctx, ledger)
            finally:
                wbx.close()
        else:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            _read_grid(rows, ctx, ledger)
        _add(ledger, ctx)
    if not ledger.tables and not ledger.errors:
        ledger.errors.append(
            Issue(
                None,
                None,
                None,
                None,
                "工作簿中没有台账表 no ledger sheets in the workbook",
                path.name,
            )
        )
    return ledger


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def formula_sheets(path: Path) -> set[str]:
    """Names of the worksheets whose XML holds a formula element (``<f>``)."""
    out: set[str] = set()
    with zipfile.ZipFile(path) as zf:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
        names = set(zf.namelist())
        for sheet in book.iterfind("m:sheets/m:sheet", _NS):
            t = target.get(sheet.get(f"{{{_NS['r']}}}id"), "")
            member = t.lstrip("/") if t.startswith("/") else f"xl/{t}"
            if member in names and _FORMULA.search(zf.read(member)):
                out.add(sheet.get("name", ""))
    return out


def _read_grid(rows: list[list], ctx: RawTable, ledger: RawLedger) -> None:
    """A sheet's cell values (row 1 first) → the table's text columns."""
    spec = TABLES[ctx.table]
    start = next(
        (i for i, r in enumerate(rows) if any(_cell_text(v) not in (None, "") for v in r)), None
    )
    if start is None:
        ctx.data, ctx.rows = pd.DataFrame(), np.zeros(0, np.int64)
        ledger.warnings.append(ctx.issue("工作表为空 the sheet is empty"))
        return
    hn = start + 1
    header = [_header_text(v) for v in rows[start]]

    def locate(i: int) -> str:
        return f"{_letter(i + 1)}{hn}"

    positions, errs, warns = _map_header(spec, header, locate, ctx)
    ledger.errors += [_with_row(e, hn) for e in errs]
    ledger.warnings += [_with_row(w, hn) for w in warns]
    body = rows[start + 1 :]
    width = _header_width(header)
    headless = {i for r in body for i in range(width, len(r)) if _cell_text(r[i]) not in (None, "")}
    ledger.errors += _headless(ctx, hn, headless)
    columns = {
        key: pa.array([_cell_text(r[i]) if i < len(r) else None for r in body], type=pa.string())
        for i, key in positions.items()
    }
    _finish(ctx, columns, np.arange(hn + 1, hn + 1 + len(body), dtype=np.int64))


def _read_sheet(ws, ctx: RawTable, ledger: RawLedger) -> None:
    spec = TABLES[ctx.table]
    ws.reset_dimensions()  # some writers store a wrong sheet size; read every cell there is
    rows_iter = enumerate(ws.iter_rows(), start=1)
    header_row = None
    for n, cells in rows_iter:
        if any(c.value is not None and str(c.value).strip() for c in cells):
            header_row = (n, [_header_text(c.value) for c in cells])
            break
    if header_row is None:
        ctx.data, ctx.rows = pd.DataFrame(), np.zeros(0, np.int64)
        ledger.warnings.append(ctx.issue("工作表为空 the sheet is empty"))
        return
    hn, header = header_row

    def locate(i: int) -> str:
        return f"{_letter(i + 1)}{hn}"

    positions, errs, warns = _map_header(spec, header, locate, ctx)
    ledger.errors += [_with_row(e, hn) for e in errs]
    ledger.warnings += [_with_row(w, hn) for w in warns]
    values: dict[int, list[str | None]] = {i: [] for i in positions}
    numbers: list[int] = []
    headless: set[int] = set()
    header_width = _header_width(header)
    for n, cells in rows_iter:
        numbers.append(n)
        width = len(cells)
        headless.update(i for i in range(header_width, width) if cells[i].value not in (None, ""))
        for i, col in values.items():
            cell = cells[i] if i < width else None
            if cell is not None and cell.data_type == "f":
                ledger.errors.append(
                    ctx.issue(
                        f"公式单元格 formula in cell {_letter(i + 1)}{n}; "
                        "请粘贴为数值 paste values",
                        row=n,
                        column=positions[i],
                        value=str(cell.value),
                    )
                )
                col.append(None)
            else:
                col.append(None if cell is None else _cell_text(cell.value))
    ledger.errors += _headless(ctx, hn, headless)
    columns = {positions[i]: pa.array(v, type=pa.string()) for i, v in values.items()}
    _finish(ctx, columns, np.asarray(numbers, dtype=np.int64))


def _header_width(header: list[str | None]) -> int:
    return max((i + 1 for i, h in enumerate(header) if h is not None), default=0)


def _headless(ctx: RawTable, header_row: int, columns: set[int]) -> list[Issue]:
    """Columns with values but no header cell, as merged header cells leave behind."""
    return [
        ctx.issue(
            f"表头为空 column {_letter(i + 1)} has values but no header "
            f"(cell {_letter(i + 1)}{header_row} is empty: 合并的表头单元格？"
            "merged header cells? give every column its own header)",
            row=header_row,
        )
        for i in sorted(columns)
    ]


def _header_text(value: object) -> str | None:
    text = _cell_text(value)
    return text.strip() or None if text is not None else None


def _with_row(issue: Issue, row: int) -> Issue:
    return Issue(
        issue.table, row, issue.column, issue.value, issue.message, issue.file, issue.sheet
    )


# --- csv -----------------------------------------------------------------------------------


def _is_utf8(data: bytes) -> bool:
    """UTF-8 validity checked by Arrow in place (no Python string of the whole file)."""
    buf = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buf]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def decode_csv(data: bytes) -> bytes | None:
    """CSV bytes (UTF-8 with or without BOM, or GBK) → UTF-8 bytes; None when neither."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if _is_utf8(data):
        return data
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        return None


def read_csv_bytes(data: bytes, ctx: RawTable, ledger: RawLedger) -> None:
    """Parse one CSV file's bytes into ``ctx`` (all columns as text)."""
    decoded = decode_csv(data)
    if decoded is None:
        ledger.errors.append(
            ctx.issue("无法识别的编码 cannot decode the file; save it as UTF-8 or GBK CSV")
        )
        return
    data = decoded
    if not data[:4096].strip() and not data.strip():
        ledger.errors.append(ctx.issue("文件为空 the file is empty (no header row)"))
        return
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)].decode("utf-8", "replace")
    delimiter = "," if "," in first_line or "\t" not in first_line else "\t"
    header = next(
        csv.reader(io.StringIO(data[: 1 << 20].decode("utf-8", "ignore")), delimiter=delimiter)
    )
    header = [h.replace("\ufeff", "").strip() or None for h in header]
    spec = TABLES[ctx.table]
    positions, errs, warns = _map_header(spec, header, lambda i: f"column {i + 1}", ctx)
    ledger.errors += errs
    ledger.warnings += warns
    names = [f"c{i}" for i in range(len(header))]
    bad: list[tuple[int | None, str]] = []

    def parse(text: bytes, threads: bool) -> pa.Table:
        bad.clear()

        def handler(row) -> str:
            bad.append((row.number, row.text))
            return "skip"

        return pacsv.read_csv(
            io.BytesIO(text),
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, use_threads=threads, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=handler,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                include_columns=[names[i] for i in positions],
            ),
        )

    try:
        table = parse(data, threads=True)
        if bad:  # row numbers of bad rows are only known when reading on one thread
            table = parse(data, threads=False)
    except (pa.ArrowInvalid, ValueError) as exc:
        ledger.errors.append(ctx.issue(f"无法解析的 CSV cannot parse the CSV file: {exc}"))
        return
    skipped = sorted(n for n, _ in bad if n is not None)
    id_at = next((i for i, key in positions.items() if key == "id"), None)
    for n, text in bad:
        if id_at is not None and n is not None:
            ctx.lost.update((i, n) for i in _row_ids(text, delimiter, id_at))
        if text.strip(delimiter + " \r\t"):
            lines = text.strip("\r\n").count("\n")
            runs_on = (
                f'; 未闭合的引号？an unclosed quote (") joins the next {lines} lines to it'
                if lines
                else ""
            )
            ledger.errors.append(
                ctx.issue(
                    "列数不符 this row has a different number of cells "
                    f"than the header ({len(header)}){runs_on}",
                    row=n,
                    value=(text.split("\n", 1)[0] if lines else text)[:200],
                )
            )
    total = table.num_rows + len(bad)
    rows = np.arange(2, total + 2, dtype=np.int64)
    if skipped:
        rows = np.setdiff1d(rows, np.asarray(skipped, dtype=np.int64))
    del data  # the file's bytes, before its columns are copied
    columns = {}
    for i in positions:  # one contiguous copy at a time, each column's chunks dropped after
        columns[positions[i]] = table.column(names[i]).combine_chunks()
        table = table.drop_columns([names[i]])
    del table
    _finish(ctx, columns, rows)


def _row_ids(text: str, delimiter: str, at: int) -> list[str]:
    """The ids an unreadable row swallowed: one per line (an unclosed quote runs on
    over later lines), so errors they cause elsewhere can be traced back to it."""
    out = []
    for line in text.splitlines():
        cells = line.split(delimiter)
        value = cells[at].strip().strip('"').strip() if at < len(cells) else ""
        if value:
            out.append(value)
    return out


def read_csv_folder(path: Path, tick: Tick | None = None) -> RawLedger:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    return _read_csv_files(((p.name, p.read_bytes) for p in files), tick, path.name)


def read_csv_zip(path: Path, tick: Tick | None = None, limits: Limits | None = None) -> RawLedger:
    """Read the CSV files of a zip, each decompressed within ``limits`` (else
    ``ArchiveRefused``)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        ledger = RawLedger({}, [], [])
        ledger.errors.append(
            Issue(None, None, None, None, f"无法打开压缩包 cannot open zip file: {exc}", path.name)
        )
        return ledger
    with zf:
        reader = Reader(zf, path.name, limits or Limits.from_config())
        members = []
        for info in zf.infolist():
            name = _zip_name(info)
            base = PurePosixPath(name).name
            if info.is_dir() or name.startswith("__MACOSX/") or base.startswith("."):
                continue
            if base.lower().endswith(".csv"):
                members.append((base, lambda info=info: reader.read(info)))
        return _read_csv_files(members, tick, path.name)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Zip member name; names zipped on Chinese Windows are GBK without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _read_csv_files(
    files: Iterable[tuple[str, Callable[[], bytes]]], tick: Tick | None, source: str
) -> RawLedger:
    ledger = RawLedger({}, [], [])
    found = False
    for name, load in files:
        found = True
        if tick:
            tick(name)
        key = _table_for(PurePosixPath(name).stem, name, None, ledger)
        if key is None:
            continue
        ctx = RawTable(key, pd.DataFrame(), np.zeros(0, np.int64), file=name)
        read_csv_bytes(load(), ctx, ledger)
        _add(ledger, ctx)
    if not found:
        ledger.errors.append(
            Issue(None, None, None, None, f"没有找到 CSV 文件 no CSV files in {source}", source)
        )
    return ledger


# --- shared --------------------------------------------------------------------------------


def _table_for(name: str, file: str, sheet: str | None, ledger: RawLedger) -> str | None:
    """The table a sheet or file is for; records an error for an unknown name."""
    key = match_name(name, TABLE_NAMES)
    if key is None and not is_help_sheet(name):
        known = ", ".join(f"{k} {t.zh}" for k, t in TABLES.items())
        ledger.errors.append(
            Issue(
                None,
                None,
                None,
                name,
                f"未知的表 unknown table {name!r} (known tables 可用的表: {known})",
                file,
                sheet,
            )
        )
    return key


def _add(ledger: RawLedger, ctx: RawTable) -> None:
    if ctx.table in ledger.tables:
        first = ledger.tables[ctx.table]
        ledger.errors.append(
            ctx.issue(
                f"表重复 table {ctx.table} {TABLES[ctx.table].zh} appears twice "
                f"(also {first.sheet or first.file})"
            )
        )
        return
    ledger.tables[ctx.table] = ctx


def read_raw(path: str | Path, tick: Tick | None = None) -> RawLedger:
    """Read a ledger from an .xlsx workbook, a folder of CSV files or a .zip of CSV files."""
    path = Path(path)
    if not path.exists():
        return RawLedger({}, [_file_issue(path, "文件不存在 no such file or folder")], [])
    if path.is_dir():
        return read_csv_folder(path, tick)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        return RawLedger({}, [_file_issue(path, "文件为空 the file is empty")], [])
    if suffix in (".xlsx", ".xlsm", ".zip"):
        try:
            limits = Limits.from_config()
            if suffix == ".zip":
                return read_csv_zip(path, tick, limits)
            return read_xlsx(path, tick, limits)
        except (ArchiveRefused, ConfigError) as exc:  # nothing of the archive is used
            return RawLedger({}, [_file_issue(path, str(exc))], [])
    if suffix == ".csv":
        return _read_csv_files([(path.name, path.read_bytes)], tick, path.name)
    if suffix == ".xls":
        return RawLedger(
            {},
            [_file_issue(path, "旧版 .xls 格式 old .xls format: save the workbook as .xlsx")],
            [],
        )
    return RawLedger(
        {},
        [
            _file_issue(
                path, "不支持的文件 expected an .xlsx workbook, a folder of CSV or a .zip of CSV"
            )
        ],
        [],
    )


def _file_issue(path: Path, message: str) -> Issue:
    return Issue(None, None, None, None, message, path.name)
