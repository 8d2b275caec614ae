"""``place_scopes`` (vectorized) against a plain walk up each place's PART_OF chain."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.scope import COMMUNITY_KINDS, STREET_KINDS, place_scopes

KINDS = ["district", "street", "town", "community", "village", "grid", "building"]


def _walk(places: pd.DataFrame) -> pd.DataFrame:
    """The reference: per place, follow parents until a place of the kind (last row of a
    repeated id wins, a parent that is not a place or a place seen before ends the walk)."""
    kind = dict(zip(places["id"], places["kind"], strict=True))
    parent = {i: p for i, p in zip(places["id"], places["parent_id"], strict=True) if p is not None}

    def nearest(start: str, kinds: tuple[str, ...]) -> str | None:
        node, seen = start, set()
        while node is not None and node not in seen:
            if kind.get(node) in kinds:
                return node
            seen.add(node)
            node = parent.get(node)
        return None

    out = places[["id", "kind"]].astype("string")
    for col, kinds in (
        ("community_id", COMMUNITY_KINDS),
        ("street_id", STREET_KINDS),
        ("district_id", ("district",)),
    ):
        out[col] = pd.array([nearest(i, kinds) for i in places["id"]], dtype="string")
    return out


place = st.tuples(
    st.integers(0, 12), st.sampled_from(KINDS), st.none() | st.integers(0, 15)
)  # id, kind, parent: ids repeat, parents may be missing places, chains may loop


@settings(max_examples=200, deadline=None)
@given(st.lists(place, max_size=25))
def test_place_scopes_matches_a_walk_up_the_chain(rows) -> None:
    places = pd.DataFrame(
        {
            "id": pd.array([f"p{i}" for i, _, _ in rows], dtype="string"),
            "kind": pd.array([k for _, k, _ in rows], dtype="string"),
            "parent_id": pd.array(
                [None if p is None else f"p{p}" for _, _, p in rows], dtype="string"
            ),
        }
    )
    expected = _walk(places.astype(object).where(places.notna(), None))
    pd.testing.assert_frame_equal(place_scopes(places), expected)


def test_place_scopes_of_the_demo_district(demo_net) -> None:
    scopes = place_scopes(demo_net.tables["places"]).set_index("id")
    assert (scopes.loc[scopes["kind"].isin(COMMUNITY_KINDS), "community_id"].notna()).all()
    expected = _walk(demo_net.tables["places"].astype(object)).set_index("id")
    pd.testing.assert_frame_equal(scopes, expected.astype("string"))
