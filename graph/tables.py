"""Typed, validated ledger tables: the dtypes every step after the loaders relies on.

Loaders produce these tables, the network model turns them into a graph and back, stores
write and read them. Keeping the dtype rules here means a round trip compares equal.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import TABLES

Tables = dict[str, pd.DataFrame]

DTYPES: dict[str, str] = {
    "id": "string",
    "ref": "string",
    "str": "string",
    "enum": "string",
    "roles": "string",
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
    "date": "datetime64[ns]",
}


def isin(s: pd.Series, values: Collection | pd.Series) -> pd.Series:
    """``s.isin(values)``, in one Arrow call where ``s`` holds Arrow strings.

    pandas' own first makes an Arrow scalar of every one of ``values`` in Python: a tenth of a
    city's partitioned analysis, where the ids owned by a group of streets are the values.

    >>> isin(pd.Series(["a", None, "c"], dtype="string"), {"c", "d"}).tolist()
    [False, False, True]
    """
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        return s.isin(values)
    arr = pa.array(s.array)
    if isinstance(values, pd.Series | pd.Index):
        value_set = pa.array(values.astype("string").array).cast(arr.type)
    else:
        value_set = pa.array(list(values), type=arr.type, from_pandas=True)
    hit = pc.fill_null(pc.is_in(arr, value_set=value_set), False)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=s.index)


def column_dtype(table: str, column: str) -> str:
    """The pandas dtype of a column; extra condition columns are floats."""
    spec = TABLES[table]
    if column in spec.column_keys:
        return DTYPES[spec.column(column).type]
    return "Float64"


def coerce(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Cast a table's columns to their schema dtypes, adding missing optional columns.

    Input values must already be parsed (English enums, numbers, timestamps); this only
    fixes the container types so tables from different sources compare equal.
    """
    spec = TABLES[table]
    if _coerced(table, df):  # e.g. a loader's table given to ``Network``: 2 ms a table
        return df.copy(deep=False)
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for key in spec.column_keys:
        dtype = column_dtype(table, key)
        # pandas_dtype: "str" (NaN-missing) strings compare equal to "string" but are not it
        if key in df.columns and df[key].dtype == pd.api.types.pandas_dtype(dtype):
            out[key] = df[key].to_numpy() if dtype == "datetime64[ns]" else df[key].array
            continue
        values = df[key].to_numpy() if key in df.columns else [None] * len(df)
        if dtype == "datetime64[ns]":
            out[key] = pd.to_datetime(pd.Series(values), format="ISO8601").astype(dtype)
        else:
            out[key] = pd.Series(values, dtype=object).astype(dtype)
    if spec.extra_numeric:
        for key in sorted(c for c in df.columns if c not in spec.column_keys):
            out[key] = pd.to_numeric(pd.Series(df[key].to_numpy()), errors="raise").astype(
                "Float64"
            )
    return out


def _coerced(table: str, df: pd.DataFrame) -> bool:
    """Whether ``df`` is already as ``coerce`` makes it: the columns in its order, each of
    its dtype, and a plain row index."""
    spec = TABLES[table]
    extra = sorted(c for c in df.columns if c not in spec.column_keys)
    if list(df.columns) != [*spec.column_keys, *extra] or (extra and not spec.extra_numeric):
        return False
    index = df.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        return False
    dtypes = df.dtypes.tolist()
    return all(
        d == pd.api.types.pandas_dtype(column_dtype(table, c))
        for c, d in zip(df.columns, dtypes, strict=True)
    )


def empty_tables() -> Tables:
    """All seven tables with their columns and no rows."""
    return {key: coerce(key, pd.DataFrame()) for key in TABLES}


def canonical(tables: Tables) -> Tables:
    """Tables sorted into one order, so two equal ledgers compare equal row by row."""
    keys = {
        "places": ["id"],
        "organizations": ["id"],
        "people": ["id"],
        "matters": ["id"],
        "resources": ["id"],
        "conditions": ["place_id", "year"],
        "links": ["source_id", "target_id", "type", "since", "until", "weight"],
    }
    out: Tables = {}
    for key in TABLES:
        df = coerce(key, tables.get(key, pd.DataFrame()))
        extra = sorted(c for c in df.columns if c not in TABLES[key].column_keys)
        df = df[TABLES[key].column_keys + extra]
        out[key] = df.sort_values(keys[key], kind="stable", na_position="first").reset_index(
            drop=True
        )
    return out


def tables_equal(a: Tables, b: Tables) -> bool:
    """Whether two sets of tables hold the same ledger, whatever their row order."""
    ca, cb = canonical(a), canonical(b)
    return all(ca[k].equals(cb[k]) for k in TABLES)
