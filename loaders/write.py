"""Write a ledger: an Excel workbook for people (Chinese) or a folder of CSV for machines.

Both writers take raw tables (as ``loaders.demo.generate`` returns: English enum keys, ISO
date strings) or typed tables of a ``Network`` (``graph.tables`` dtypes), so the demo and
``govnet export`` share them. Output bytes depend only on the data: the workbook's
timestamps are fixed, so the same ledger always gives the same file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from openpyxl import Workbook

from graph.schema import ENUMS, ROLES, TABLES, Column
from graph.workbook import row_cells, save_workbook
from loaders import text_columns as T

Tables = dict[str, pd.DataFrame]
Progress = Callable[[str, int, int], None]  # (table key, rows written, rows in the table)

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header row included


# --- values --------------------------------------------------------------------------------


def _text(s: pd.Series) -> pa.Array:
    return pa.array(s.astype(object).where(s.notna(), None), type=pa.string())


def _dates(s: pd.Series) -> pa.Array:
    """Dates → ISO text (the date alone at midnight); raw tables already hold ISO text."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return T.iso(s.to_numpy(dtype="datetime64[ns]"))
    return _text(s)


def _translate(arr: pa.Array, fn: Callable[[str], str]) -> pa.Array:
    """Apply ``fn`` to each distinct value only (kinds and roles repeat a lot)."""
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    values = pa.array([fn(v) for v in enc.dictionary.to_pylist()], type=pa.string())
    return values.take(enc.indices)


_TRUE = ("true", "1", "是", "yes", "y")


def _bools(s: pd.Series, chinese: bool) -> pa.Array:
    """Booleans (typed, or text such as true/是) → true/false or 是/否."""
    yes, no = ("是", "否") if chinese else ("true", "false")
    if not pd.api.types.is_bool_dtype(s):
        text = s.astype("string").str.strip().str.lower()
        s = text.isin(_TRUE).astype("boolean").where(text.notna(), pd.NA)
    return pc.if_else(pa.array(s.astype("boolean"), type=pa.bool_()), yes, no)


def _numbers(s: pd.Series, integer: bool) -> pa.Array:
    """Numbers (ints when the column is integral, e.g. extra condition columns)."""
    v = pd.to_numeric(s.astype(object) if s.dtype == object else s, errors="coerce")
    v = v.astype("Float64")
    if integer or (v.dropna() % 1 == 0).all():
        return pa.array(v.round().astype("Int64"), type=pa.int64())
    return pa.array(v, type=pa.float64())


def _column(col: Column | None, s: pd.Series, chinese: bool) -> pa.Array:
    """One column as Arrow values a writer puts in cells."""
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
            return _translate(_text(s), lambda v: names.get(v, v))
        case "roles" if chinese:
            return _translate(
                _text(s), lambda v: ";".join(ROLES.get(r, r) for r in v.split(";") if r)
            )
    return _text(s)


def cell_table(key: str, df: pd.DataFrame, chinese: bool) -> pa.Table:
    """A table as cell values: schema columns in order, then extra columns; English headers."""
    spec = TABLES[key]
    extra = [c for c in df.columns if c not in spec.column_keys] if spec.extra_numeric else []
    arrays, names = [], []
    for k in spec.column_keys + sorted(extra):
        s = df[k] if k in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)
        arrays.append(_column(spec.column(k) if k in spec.column_keys else None, s, chinese))
        names.append(k)
    return pa.Table.from_arrays(arrays, names=names)


def fits_excel(tables: Tables) -> list[str]:
    """Tables too long for one Excel sheet (empty when the workbook can be written)."""
    return [k for k, df in tables.items() if len(df) + 1 > EXCEL_MAX_ROWS]


# --- CSV -----------------------------------------------------------------------------------


def write_csv(tables: Tables, folder: str | Path, progress: Progress | None = None) -> list[Path]:
    """Write ``<key>.csv`` (UTF-8, English headers and values) for every table.

    These are data files that govnet reads back, so every value is written verbatim (a
    name ``=1+1`` stays ``=1+1``; escaping it for spreadsheets would change the ledger on
    re-import). The files are written in a temporary folder first and moved in together
    at the end, so a failure leaves no half-written ledger.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    options = pacsv.WriteOptions(quoting_style="needed")
    with tempfile.TemporaryDirectory(prefix=".govnet-", dir=folder) as tmp:
        for key in TABLES:
            df = tables.get(key, _empty(key))
            pacsv.write_csv(cell_table(key, df, chinese=False), Path(tmp) / f"{key}.csv", options)
            paths.append(folder / f"{key}.csv")
            if progress:
                progress(key, len(df), len(df))
        for path in paths:
            os.replace(Path(tmp) / path.name, path)
    return paths


def _empty(key: str) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(dtype=object) for k in TABLES[key].column_keys})


# --- xlsx ----------------------------------------------------------------------------------


def _rows(table: pa.Table) -> Iterable[list]:
    columns = [c.to_pylist() for c in table.columns]
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
        cells = cell_table(key, tables.get(key, _empty(key)), chinese=True)
        ws = wb.create_sheet(spec.zh)
        zh = {c.key: c.zh for c in spec.columns}
        ws.append(row_cells(ws, [zh.get(c, c) for c in cells.column_names]))
        n = cells.num_rows
        for i, row in enumerate(_rows(cells), 1):
            ws.append(row_cells(ws, row))
            if progress and i % 50_000 == 0 and i < n:
                progress(key, i, n)
        if progress:
            progress(key, n, n)
    save_workbook(wb, path)
    return path
