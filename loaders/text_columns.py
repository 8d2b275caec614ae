"""Fast text columns: build Arrow string arrays straight from numpy buffers.

The demo writes millions of ids, dates, phone and ID numbers at the larger scales; turning
numpy values into Python strings one by one would dominate the run. Fixed-width ASCII text
is laid out as a byte matrix and handed to Arrow without a copy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default ``str`` dtype


def digits(values: np.ndarray, width: int, out: np.ndarray | None = None) -> np.ndarray:
    """Non-negative ints → (n, width) uint8 matrix of ASCII digits, zero padded.

    ``out`` may be a column slice of a bigger matrix, filled in place.
    """
    x = np.asarray(values).astype(np.uint64 if width > 9 else np.uint32)
    out = np.empty((len(x), width), np.uint8) if out is None else out
    for j in range(width - 1, -1, -1):  # column by column: far faster than one 2-D division
        q = x // 10
        out[:, j] = x - q * 10 + 48
        x = q
    return out


def from_matrix(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """(n, w) byte matrix → Arrow strings of w bytes each (null where not ``valid``)."""
    matrix = np.ascontiguousarray(matrix, dtype=np.uint8)
    n, w = matrix.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int64)
    bitmap = None
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    if n * w < 2**31:
        return pa.StringArray.from_buffers(
            n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(matrix), bitmap
        )
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix), bitmap)


def numbered(prefix: str, n: int, width: int | None = None) -> pa.Array:
    """``prefix`` + zero-padded numbers 1..n: readable ids such as ``P000123``."""
    width = width or max(3, len(str(n)))
    p = len(prefix.encode("ascii"))
    matrix = np.empty((n, p + width), np.uint8)
    matrix[:, :p] = np.frombuffer(prefix.encode("ascii"), np.uint8)
    digits(np.arange(1, n + 1), width, matrix[:, p:])
    return from_matrix(matrix)


def take(values: pa.Array | list[str] | np.ndarray, idx: np.ndarray) -> pa.Array:
    """``values[idx]`` as Arrow strings; a negative index gives a missing value."""
    arr = values if isinstance(values, pa.Array) else pa.array(np.asarray(values, dtype=object))
    idx = np.asarray(idx, np.int64)
    return arr.take(pa.array(idx, mask=idx < 0))


def join(*parts: pa.Array) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays."""
    return pc.binary_join_element_wise(*parts, "")


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days since 1970-01-01 → (year, month, day), in integer arithmetic (H. Hinnant's
    civil_from_days), much faster than numpy's calendar casts."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (m <= 2), m, d


def iso(values: np.ndarray) -> pa.Array:
    """datetime64 → ISO text: ``YYYY-MM-DD``, with `` HH:MM:SS`` when not midnight; NaT → null."""
    values = np.asarray(values)
    valid = ~np.isnat(values)
    sec = np.where(valid, values.astype("datetime64[s]").astype(np.int64), 0)
    days, s = np.divmod(sec, 86400)
    year, m, d = civil(days)
    timed = bool((s != 0).any())
    matrix = np.empty((len(values), 19 if timed else 10), np.uint8)
    matrix[:, [4, 7]] = ord("-")
    digits(year, 4, matrix[:, 0:4])
    digits(m, 2, matrix[:, 5:7])
    digits(d, 2, matrix[:, 8:10])
    if not timed:  # plain dates: one fixed width, no per-row lengths
        return from_matrix(matrix, valid=valid)
    matrix[:, 10] = ord(" ")
    matrix[:, [13, 16]] = ord(":")
    digits(s // 3600, 2, matrix[:, 11:13])
    digits(s // 60 % 60, 2, matrix[:, 14:16])
    digits(s % 60, 2, matrix[:, 17:19])
    date_only = from_matrix(matrix[:, :10], valid=valid)
    return pc.if_else(pa.array(s == 0), date_only, from_matrix(matrix, valid=valid))


def series(arr: pa.Array | pa.ChunkedArray) -> pd.Series:
    """An Arrow string array as a pandas text column (no copy)."""
    return pd.Series(arr, dtype=TEXT)
