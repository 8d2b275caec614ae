"""Write a ledger: an Excel workbook for people (Chinese) or a folder of CSV for machines.

Both writers take raw tables (as ``loaders.demo.generate`` returns: English enum keys, ISO
date strings) or typed tables of a ``Network`` (``graph.tables`` dtypes), so the demo and
``govnet export`` share them. Output bytes depend only on the data: the workbook's
timestamps are fixed, so the same ledger always gives the same file.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from graph.schema import ENUMS, ROLES, TABLES, Column

Tables = dict[str, pd.DataFrame]
Progress = Callable[[str, int, int], None]  # (table key, rows written, rows in the table)

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header row included
FIXED_TIME = dt.datetime(2025, 1, 1)  # workbook properties: same data → same bytes
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


# --- values --------------------------------------------------------------------------------


def _dates(s: pd.Series) -> pd.Series:
    """Dates (typed or ISO text) → ISO text: the date alone at midnight, else with time."""
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s.astype(object), format="ISO8601")
    date_only = s.dt.strftime("%Y-%m-%d")
    with_time = s.dt.strftime("%Y-%m-%d %H:%M:%S")
    out = date_only.where(s.dt.normalize() == s, with_time)
    return out.astype(object).where(s.notna(), None)


def _mapped(s: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    """Apply ``fn`` to each distinct non-missing value (kinds and roles repeat a lot)."""
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    lookup = np.array([fn(str(u)) for u in uniques] + [None], dtype=object)
    return pd.Series(lookup[codes], index=s.index, dtype=object)


def _bools(s: pd.Series, chinese: bool) -> pd.Series:
    yes, no = ("是", "否") if chinese else ("true", "false")

    def one(v: object) -> object:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return None
        text = str(v).strip().lower()
        return yes if text in ("true", "1", "是", "yes", "y") else no

    return pd.Series([one(v) for v in s.astype(object)], index=s.index, dtype=object)


def _numbers(s: pd.Series, integer: bool) -> pd.Series:
    """Numbers as Python ints/floats (None when missing); integral floats become ints."""
    v = pd.to_numeric(s.astype(object), errors="coerce").astype("Float64")
    if integer or (v.dropna() % 1 == 0).all():
        return v.round().astype("Int64").astype(object).where(v.notna(), None)
    return v.astype(object).where(v.notna(), None)


def _column(col: Column | None, s: pd.Series, chinese: bool) -> pd.Series:
    """One column as the values a writer puts in cells (str, int, float or None)."""
    if col is None:  # an extra numeric column of `conditions`
        return _numbers(s, integer=False)
    match col.type:
        case "date":
            return _dates(s)
        case "bool":
            return _bools(s, chinese)
        case "int":
            return _numbers(s, integer=True)
        case "float":
            return _numbers(s, integer=False)
        case "enum" if chinese:
            names = ENUMS[col.enum]
            return _mapped(s, lambda v: names.get(v, v))
        case "roles" if chinese:
            return _mapped(s, lambda v: ";".join(ROLES.get(r, r) for r in v.split(";") if r))
    return s.astype(object).where(s.notna(), None)


def cell_table(key: str, df: pd.DataFrame, chinese: bool) -> pd.DataFrame:
    """A table as cell values, columns in schema order then extra columns, English headers."""
    spec = TABLES[key]
    extra = [c for c in df.columns if c not in spec.column_keys] if spec.extra_numeric else []
    out = {}
    for k in spec.column_keys + sorted(extra):
        s = df[k] if k in df.columns else pd.Series([None] * len(df), index=df.index)
        out[k] = _column(spec.column(k) if k in spec.column_keys else None, s, chinese)
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


def fits_excel(tables: Tables) -> list[str]:
    """Tables too long for one Excel sheet (empty when the workbook can be written)."""
    return [k for k, df in tables.items() if len(df) + 1 > EXCEL_MAX_ROWS]


# --- CSV -----------------------------------------------------------------------------------


def write_csv(tables: Tables, folder: str | Path, progress: Progress | None = None) -> list[Path]:
    """Write ``<key>.csv`` (UTF-8, English headers and values) for every table."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for key in TABLES:
        df = cell_table(key, tables[key], chinese=False) if key in tables else _empty(key)
        path = folder / f"{key}.csv"
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
        if progress:
            progress(key, len(df), len(df))
    return paths


def _empty(key: str) -> pd.DataFrame:
    return pd.DataFrame(columns=TABLES[key].column_keys)


# --- xlsx ----------------------------------------------------------------------------------


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


def save_workbook(wb: Workbook, path: str | Path) -> None:
    """Save a workbook with fixed properties and zip timestamps: same content, same bytes."""
    wb.properties.creator = "govnet"
    wb.properties.created = FIXED_TIME
    archive = _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    writer = ExcelWriter(wb, archive)
    wb.properties.modified = FIXED_TIME
    writer.save()


def _rows(df: pd.DataFrame) -> Iterable[list]:
    columns = [df[c].tolist() for c in df.columns]
    return (list(r) for r in zip(*columns, strict=True))


def write_xlsx(tables: Tables, path: str | Path, progress: Progress | None = None) -> Path:
    """Write one sheet per table: Chinese sheet names, headers and enumeration values.

    Raises ``ValueError`` naming the tables that exceed Excel's 1,048,576 rows.
    """
    too_long = fits_excel(tables)
    if too_long:
        raise ValueError(
            f"表超过 Excel 行数上限 tables exceed Excel's {EXCEL_MAX_ROWS:,} rows: "
            + ", ".join(f"{TABLES[k].zh} {k} ({len(tables[k]):,})" for k in too_long)
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    for key, spec in TABLES.items():
        df = cell_table(key, tables[key], chinese=True) if key in tables else _empty(key)
        ws = wb.create_sheet(spec.zh)
        zh = {c.key: c.zh for c in spec.columns}
        ws.append([zh.get(c, c) for c in df.columns])
        for i, row in enumerate(_rows(df), 1):
            ws.append(row)
            if progress and i % 50_000 == 0 and i < len(df):
                progress(key, i, len(df))
        if progress:
            progress(key, len(df), len(df))
    save_workbook(wb, path)
    return path
