"""Which community, street and district every place belongs to (docs/metrics.md "Scope").

A place is *in C* when its PART_OF chain reaches the community or village C. This sits
below both ``graph.analysis`` and ``loaders`` (the street-partitioned dataset keys its
rows by street with it), so neither needs the other to know where a place is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from graph.schema import COMMUNITY_KINDS, STREET_KINDS


def nearest_of_kind(parent: np.ndarray, is_kind: np.ndarray) -> np.ndarray:
    """Per place (position) its nearest ancestor-or-self with ``is_kind``, -1 where none;
    ``parent``: each place's parent position, -1 for none (also what the province dataset's
    street codes are built from, ``loaders.parquet``).

    All places climb one PART_OF level per step together (a ledger is a few levels deep);
    a cycle ends after as many steps as there are places, with no ancestor found.
    """
    found = np.full(len(parent), -1, np.int64)
    at = np.arange(len(parent))
    climbing = np.ones(len(parent), bool)
    for _ in range(len(parent) + 1):
        hit = climbing & is_kind[at]
        found[hit] = at[hit]
        climbing &= ~hit
        up = parent[at]
        climbing &= up >= 0
        if not climbing.any():
            break
        at = np.where(climbing, up, at)
    return found


def place_scopes(places: pd.DataFrame) -> pd.DataFrame:
    """One row per place: id, kind, community_id, street_id, district_id (NA where none).

    A place listed twice takes the kind of its last row and the parent of its last row
    that has one; a parent that is not a place ends the chain.
    """
    ids = places["id"].astype(object).to_numpy()
    last = ~pd.Index(ids).duplicated(keep="last")
    unique = pd.Index(ids[last])
    kinds = places["kind"].astype(object).to_numpy()[last]
    parents = places["parent_id"].astype(object).to_numpy()
    has_parent = np.array([isinstance(p, str) for p in parents], bool)
    with_parent = ids[has_parent]
    kept = ~pd.Index(with_parent).duplicated(keep="last")
    parent = np.full(len(unique), -1, np.int64)
    parent[unique.get_indexer(with_parent[kept])] = unique.get_indexer(parents[has_parent][kept])
    row = unique.get_indexer(ids)
    names = pa.array(unique.to_numpy(object), pa.string(), from_pandas=True)
    out = pd.DataFrame({"id": places["id"], "kind": places["kind"]})
    for col, of_kind in (
        ("community_id", COMMUNITY_KINDS),
        ("street_id", STREET_KINDS),
        ("district_id", ("district",)),
    ):
        found = nearest_of_kind(parent, np.isin(kinds, of_kind))[row]
        at = pa.array(found, mask=found < 0)
        out[col] = pd.arrays.ArrowStringArray(names.take(at))
    return out
