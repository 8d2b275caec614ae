"""Text → typed values, vectorized in Arrow: enumerations, roles, numbers, dates, yes/no.

Every parser returns missing for a value it cannot read; ``loaders.validate`` reports
those cells (a non-empty cell that parses to missing is an error). Enumerations and roles
repeat a lot, so they are decoded once per distinct value via dictionary encoding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import ENUM_ALIASES, ENUMS, ROLES, Column
from loaders.read import TEXT, match_name, normalize

ROLE_SPLIT = re.compile(r"[;；,，、]+")
NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
DATE_FIXES = (("年", "-"), ("月", "-"), ("日", ""), ("/", "-"), (".", "-"), ("T", " "))


def arrow(s: pd.Series, large: bool = False) -> pa.Array:
    """A text column as one Arrow array: ``string``, or with ``large`` the ``large_string``
    pandas holds (no copy of an Arrow-backed column; ``string`` copies it)."""
    arr = pa.array(s.astype(TEXT).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string() if large else pa.string())


def _series(arr: pa.Array, index: pd.Index, dtype) -> pd.Series:
    """An Arrow array as a column of ``dtype`` (None: pandas' default for its type).

    Straight through the dtype's ``__from_arrow__``, as ``to_pandas(types_mapper=…)``
    does, without building a one-column table and frame (a few ms a column)."""
    if dtype is None:
        out = arr.to_pandas()
        out.index = index
        return out
    return pd.Series(dtype.__from_arrow__(arr), index=index)


@cache
def enum_lookup(enum: str) -> dict[str, str]:
    """Every accepted spelling (normalized) of an enumeration → its English key."""
    names = ENUMS[enum]
    out = {normalize(k): k for k in names}
    out.update({normalize(v): k for k, v in names.items()})
    out.update({normalize(a): k for a, k in ENUM_ALIASES.get(enum, {}).items()})
    return out


def enum_value(text: str, enum: str) -> str | None:
    """One enumeration spelling (English, Chinese, alias or ``社区 community``) → key."""
    found = enum_lookup(enum).get(normalize(text))
    return found if found is not None else match_name(text, ENUMS[enum])


def roles_value(text: str) -> str | None:
    """``志愿者；楼栋长`` → ``building_leader;volunteer`` (schema order); None if any is unknown."""
    keys = {enum_value(p.strip(), "role") for p in ROLE_SPLIT.split(text) if p.strip()}
    if None in keys or not keys:
        return None
    return ";".join(k for k in ROLES if k in keys)


def by_distinct(s: pd.Series, fn: Callable[[str], str | None]) -> pd.Series:
    """Apply ``fn`` once per distinct value of a text column."""
    enc = arrow(s).dictionary_encode()
    mapped = pa.array([fn(u) for u in enc.dictionary.to_pylist()], pa.string())
    return _series(mapped.take(enc.indices), s.index, TEXT)


def parse_enum(s: pd.Series, enum: str) -> pd.Series:
    return by_distinct(s, lambda u: enum_value(u, enum))


def parse_roles(s: pd.Series) -> pd.Series:
    return by_distinct(s, roles_value)


def _floats(s: pd.Series) -> pa.Array:
    a = arrow(s)
    ok = pc.match_substring_regex(a, NUMBER)
    return pc.cast(pc.if_else(ok, a, pa.scalar(None, pa.string())), pa.float64())


def parse_number(s: pd.Series) -> pd.Series:
    return _series(_floats(s), s.index, pd.Float64Dtype())


def parse_int(s: pd.Series) -> pd.Series:
    """Whole numbers (``3`` or ``3.0``); ``3.5`` is missing, so it is reported."""
    v = _floats(s)
    whole = pc.and_(pc.equal(pc.floor(v), v), pc.less(pc.abs(v), 2.0**53))
    ints = pc.cast(pc.if_else(whole, v, pa.scalar(None, pa.float64())), pa.int64())
    return _series(ints, s.index, pd.Int64Dtype())


def _strptime(a: pa.Array) -> pa.Array:
    """Timestamps from text in the accepted forms; null where none fits."""
    fixed = a
    for old, new in DATE_FIXES:
        fixed = pc.replace_substring(fixed, old, new)
    fixed = pc.utf8_trim_whitespace(fixed)
    out = pa.nulls(len(a), pa.timestamp("ns"))
    for fmt in DATE_FORMATS:
        out = pc.coalesce(out, pc.strptime(fixed, format=fmt, unit="ns", error_is_null=True))
    return out


YMD = r"^\s*\d{4}[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})"


def _real_days(text: pa.Array, parsed: pa.Array) -> pa.Array:
    """Missing where the typed month or day is not the parsed one (2024-02-30 rolls over).

    Arrow's strptime checks the month and rejects days 0 and 32 on, but carries days 29–31
    past a month's end into days 1–3 of the next: only rows parsed to those days are read
    again (a tenth of them, instead of every row through a regex)."""
    early = pc.indices_nonzero(pc.fill_null(pc.less_equal(pc.day(parsed), 3), False))
    if not len(early):
        return parsed
    typed, got = text.take(early), parsed.take(early)
    parts = pc.extract_regex(typed, YMD)
    month = pc.cast(pc.struct_field(parts, "month"), pa.int64())
    day = pc.cast(pc.struct_field(parts, "day"), pa.int64())
    same = pc.and_(pc.equal(pc.month(got), month), pc.equal(pc.day(got), day))
    # forms without that shape were checked by pandas
    wrong = early.filter(pc.invert(pc.fill_null(same, True))).to_numpy()
    if not len(wrong):
        return parsed
    mask = np.zeros(len(parsed), bool)
    mask[wrong] = True
    return pc.if_else(pa.array(mask), pa.scalar(None, parsed.type), parsed)


def parse_date(s: pd.Series) -> pd.Series:
    """ISO dates and times, also ``2024/1/5``, ``2024.1.5``, ``2024年1月5日 9:30``."""
    a = arrow(s)
    out = pc.strptime(a, format=DATE_FORMATS[0], unit="ns", error_is_null=True)
    for fmt in DATE_FORMATS[1:]:  # fast path: the usual forms, parsed in place
        todo = pc.and_(pc.is_valid(a), pc.is_null(out))
        if not pc.any(todo).as_py():
            break
        out = pc.coalesce(out, pc.strptime(a, format=fmt, unit="ns", error_is_null=True))
    todo = pc.and_(pc.is_valid(a), pc.is_null(out))
    if pc.any(todo).as_py():  # other spellings: only the few cells that need them
        out = pc.replace_with_mask(out, todo, _strptime(a.filter(todo)))
    out = _real_days(a, out)
    result = _series(out, s.index, None).astype("datetime64[ns]")
    todo = s.notna() & result.isna()
    if todo.any():  # rare forms (fractions of a second, time zones): let pandas try
        rest = pd.to_datetime(s[todo].astype(object), format="ISO8601", errors="coerce", utc=True)
        rest = rest.dt.tz_localize(None)
        # pandas keeps years like 0462 or 9999 at a coarser unit; as ns they are unparseable
        fits = rest.between(pd.Timestamp.min, pd.Timestamp.max)
        result.loc[todo] = rest.where(fits).astype("datetime64[ns]")
    return result


def parse_bool(s: pd.Series) -> pd.Series:
    keys = arrow(parse_enum(s, "bool"))
    return _series(pc.equal(keys, "true"), s.index, pd.BooleanDtype())


def parse_column(col: Column, s: pd.Series) -> pd.Series:
    """Text → the column's typed values (unreadable → missing; validation reports them)."""
    match col.type:
        case "enum":
            return parse_enum(s, col.enum or "")
        case "roles":
            return parse_roles(s)
        case "int":
            return parse_int(s)
        case "float":
            return parse_number(s)
        case "date":
            return parse_date(s)
        case "bool":
            return parse_bool(s)
        case _:
            return s.astype(TEXT)
