"""Which community, street and district every place belongs to (docs/metrics.md "Scope").

A place is *in C* when its PART_OF chain reaches the community or village C. This sits
below both ``graph.analysis`` and ``loaders`` (the street-partitioned dataset keys its
rows by street with it), so neither needs the other to know where a place is.
"""

from __future__ import annotations

import pandas as pd

COMMUNITY_KINDS = ("community", "village")
STREET_KINDS = ("street", "town")


def _ancestor_of_kind(parent: dict[str, str], kind: dict[str, str], kinds: tuple[str, ...]):
    """place id → its nearest ancestor-or-self whose kind is in ``kinds`` (memoized walk)."""
    found: dict[str, str | None] = {}
    for start in parent.keys() | kind.keys():
        path: list[str] = []
        node: str | None = start
        result: str | None = None
        seen: set[str] = set()
        while node is not None and node not in seen:
            if node in found:
                result = found[node]
                break
            seen.add(node)
            path.append(node)
            if kind.get(node) in kinds:
                result = node
                break
            node = parent.get(node)
        for p in path:
            found[p] = result
    return found


def place_scopes(places: pd.DataFrame) -> pd.DataFrame:
    """One row per place: id, kind, community_id, street_id, district_id (NA where none)."""
    ids = places["id"].astype(object).tolist()
    parent = {
        i: p
        for i, p in zip(ids, places["parent_id"].astype(object).tolist(), strict=True)
        if isinstance(p, str)
    }
    kind = dict(zip(ids, places["kind"].astype(object).tolist(), strict=True))
    out = pd.DataFrame({"id": places["id"], "kind": places["kind"]})
    for col, kinds in (
        ("community_id", COMMUNITY_KINDS),
        ("street_id", STREET_KINDS),
        ("district_id", ("district",)),
    ):
        found = _ancestor_of_kind(parent, kind, kinds)
        out[col] = pd.array([found.get(i) for i in ids], dtype="string")
    return out
