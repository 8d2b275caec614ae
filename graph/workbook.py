"""Every workbook govnet writes goes through here: text stays text, files appear whole.

openpyxl stores any string that begins with ``=`` as a formula and strings such as
``#N/A`` as error values, so a community named ``=HYPERLINK("http://evil…","幸福社区")``
in a ledger would become a live link in the report the district office opens. Here every
``str`` is written as a string cell, and ``save_workbook`` turns any formula or error cell
left in an ordinary sheet back into text before saving: govnet never writes a formula.

Saving is reproducible (fixed timestamps: same data, same bytes) and atomic: the workbook
is written to a temporary file beside the target and renamed into place only when
complete, so a failure (a full disk, ``MemoryError``) leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from graph.files import replaced  # noqa: F401  (re-exported: written whole or not at all)

FIXED_TIME = dt.datetime(2025, 1, 1)  # workbook properties: same data → same bytes
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
MAX_CELL_CHARS = 32_767  # Excel's limit; openpyxl cuts longer text there
_BOLD = Font(bold=True)


def clean_text(value: str) -> str:
    """The text a cell can hold: XML 1.0 has no place for control characters other than
    tab, newline and carriage return, so they are dropped (openpyxl would refuse them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(cell: Cell, value: object) -> Cell:
    """Set a cell of an ordinary sheet; a string is stored as text, never as a formula."""
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _not_plain_text(value: str) -> bool:
    """Text openpyxl would not store as text by itself (a formula, an error value) or
    could not store at all (control characters). Any other str it binds as text, so
    only these need a cell of their own: a ledger of millions of cells stays fast."""
    return value[:1] == "=" or value in ERROR_CODES or bool(ILLEGAL_CHARACTERS_RE.search(value))


def row_cells(ws, values: Iterable[object], font: Font | None = None) -> list[object]:
    """A row for ``ws.append`` (ordinary or write-only sheet) with strings as text cells."""
    out: list[object] = []
    for v in values:
        if (isinstance(v, str) and _not_plain_text(v)) or (font is not None and v is not None):
            cell = WriteOnlyCell(ws)
            put(cell, v)
            if font is not None:
                cell.font = font
            out.append(cell)
        else:
            out.append(v)
    return out


def append(ws, values: Iterable[object]) -> None:
    """Append a row whose strings stay text (``=1+1`` is the three characters ``=1+1``)."""
    ws.append(row_cells(ws, values))


def plain(value: object) -> object:
    """A pandas/numpy value as one openpyxl writes: missing → empty, numpy → Python."""
    if isinstance(value, list | tuple | set | dict):
        return str(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dt.datetime):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        return value.replace(tzinfo=None)  # Excel has no time zones
    return value


def text_width(text: str) -> int:
    """Columns ``text`` takes in a sheet: two for each wide (Chinese) character, as Excel
    sizes them, so a column of 5-character names is not cut at 5."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def frames_workbook(sheets: dict[str, pd.DataFrame], freeze: str | None = None) -> Workbook:
    """One sheet per table (bold header row, widths from the first rows), written
    streaming so a province-sized table needs little memory."""
    wb = Workbook(write_only=True)
    for name, df in sheets.items():
        ws = wb.create_sheet(name[:31])
        if freeze:
            ws.freeze_panes = freeze
        for i, col in enumerate(df.columns, start=1):
            head = [text_width(str(v)) for v in df.iloc[:50, i - 1]]
            width = max([text_width(str(col)), *head])
            ws.column_dimensions[get_column_letter(i)].width = min(40, width + 2)
        ws.append(row_cells(ws, [str(c) for c in df.columns], font=_BOLD))
        for row in df.itertuples(index=False, name=None):
            append(ws, [plain(v) for v in row])
    return wb


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed timestamp (reproducible bytes)."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: str | bytes,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: str | Path,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        info = self._info(arcname or Path(filename).name)
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, _ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info


def _no_formulas(wb: Workbook) -> None:
    """The safety net of ordinary sheets: a formula or error cell becomes its text."""
    for ws in wb.worksheets:
        if not isinstance(ws, Worksheet):  # write-only sheets are already streamed
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") and isinstance(cell.value, str):
                    cell.data_type = "s"


def save_workbook(wb: Workbook, target: str | Path | BinaryIO) -> None:
    """Save with fixed properties and zip timestamps (same content, same bytes), no
    formula cells, and atomically when ``target`` is a path."""
    _no_formulas(wb)
    wb.properties.creator = "govnet"
    wb.properties.created = FIXED_TIME
    if isinstance(target, str | Path):
        with replaced(target) as tmp:
            _write(wb, tmp)
    else:
        _write(wb, target)


def _write(wb: Workbook, target: Path | BinaryIO) -> None:
    archive = _FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    writer = ExcelWriter(wb, archive)
    wb.properties.modified = FIXED_TIME
    writer.save()


def workbook_bytes(wb: Workbook) -> bytes:
    """A saved workbook as bytes (for a download button)."""
    buf = io.BytesIO()
    save_workbook(wb, buf)
    return buf.getvalue()
