"""Every id of a ledger, and every reference to one, as integer positions.

The checks across tables (``loaders.validate``) and the street partitioning
(``loaders.parquet``) both ask "which row does this reference name". A province has nine
million ids and twenty-seven million references, so the strings are matched once, here,
and everything after works on integers; a ledger converted after validation reuses the
validation's index instead of matching the strings again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from graph.schema import NODE_TABLES
from graph.tables import Tables
from loaders.memory import release_memory
from loaders.parse import arrow


@dataclass
class IdIndex:
    """The ids of the node tables (``NODE_TABLES`` order, rows without an id left out) and
    the references, as positions in that order.

    Position ``p`` is ``ids[p]``; the positions of table ``t``'s ids follow the tables before
    it, one per row of ``rows[t]`` (the rows that have an id). ``first[p]``
    is the first position holding the same id (``p`` itself unless the id repeats), and a
    reference names the first position holding its id, -1 when missing or unknown.
    Positions are 32-bit: half the memory, and a ledger has far fewer than 2³¹ rows.
    """

    ids: pa.ChunkedArray
    rows: dict[str, np.ndarray]
    first: np.ndarray
    refs: dict[tuple[str, str], np.ndarray]


def index_ids(tables: Tables, refs: Iterable[tuple[str, str]]) -> IdIndex:
    """Match every reference column ``(table, column)`` of ``tables`` to the ids.

    One dictionary encoding of all ids and references together (pandas' own large strings,
    not copies): later lookups are integer indexing instead of hashing strings again.
    """
    ids: list[pa.Array] = []
    rows: dict[str, np.ndarray] = {}
    for t in NODE_TABLES:
        df = tables.get(t)
        if df is None or "id" not in df.columns:
            continue
        present = df["id"].notna().to_numpy()
        column = arrow(df["id"], large=True)
        ids.append(column if present.all() else column.filter(pa.array(present)))
        rows[t] = np.flatnonzero(present)
    refs = [(t, c) for t, c in refs if t in tables and c in tables[t].columns]
    parts = ids + [arrow(tables[t][c], large=True) for t, c in refs]
    n_ids = sum(len(a) for a in ids)
    # chunks of one encoding share one dictionary: no need to concatenate the strings
    enc = pa.chunked_array(parts, pa.large_string()).dictionary_encode()
    size = len(enc.chunks[0].dictionary) if enc.num_chunks else 0
    codes = np.concatenate(  # 32-bit, as Arrow encodes them
        [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in enc.chunks]
        or [np.zeros(0, np.int32)]
    )
    del enc
    release_memory()  # the encoding's hash table, before the arrays below take its place
    first = np.full(size + 1, -1, np.int32)  # dictionary code → first id position
    uniq, at = np.unique(codes[:n_ids], return_index=True)
    first[uniq] = at
    bounds = np.cumsum([0, *(len(a) for a in parts)]).tolist()
    return IdIndex(
        ids=pa.chunked_array(ids, pa.large_string()),
        rows=rows,
        first=first[codes[:n_ids]],
        refs={
            r: first[codes[a:b]]
            for r, a, b in zip(refs, bounds[len(ids) : -1], bounds[len(ids) + 1 :], strict=True)
        },
    )
