"""The dataset's layout: every node's street from integer codes equals ``place_scopes``'."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.scope import place_scopes
from loaders.parquet import encode


def _streets(tables: dict[str, pd.DataFrame]) -> dict[str, str | None]:
    """place id → its street id as ``encode`` finds it (None outside any street)."""
    c = encode(tables)
    ids = c.ids.to_pylist()
    n = c.size["places"]
    return {ids[i]: (ids[s] if s >= 0 else None) for i, s in enumerate(c.street[:n].tolist())}


def _expected(places: pd.DataFrame) -> dict[str, str | None]:
    scopes = place_scopes(places)
    return dict(
        zip(
            scopes["id"],
            scopes["street_id"].astype(object).where(scopes["street_id"].notna(), None),
            strict=True,
        )
    )


def test_demo_streets_equal_place_scopes(demo_net) -> None:
    tables = {t: df.reset_index(drop=True) for t, df in demo_net.tables.items()}
    got = _streets(tables)
    assert got == _expected(tables["places"])
    assert sum(v is not None for v in got.values()) > 100


def test_streets_of_odd_trees() -> None:
    """A street inside a street, a town, places above any street, a parent that is no
    place, and a missing parent."""
    places = pd.DataFrame(
        {
            "id": ["D", "S1", "S2", "C1", "C2", "T", "V", "B", "X", "Y"],
            "kind": [
                "district",
                "street",
                "street",
                "community",
                "community",
                "town",
                "village",
                "building",
                "building",
                "building",
            ],
            "parent_id": [None, "D", "S1", "S2", "D", "D", "T", "V", "O1", None],
        },
        dtype="string",
    )
    orgs = pd.DataFrame({"id": ["O1"], "kind": ["unit"], "place_id": ["C1"]}, dtype="string")
    got = _streets({"places": places, "organizations": orgs})
    assert got == _expected(places)
    assert got["C1"] == "S2" and got["B"] == "T" and got["X"] is None and got["C2"] is None
    assert np.array_equal(list(got), places["id"].tolist())


def test_validation_index_gives_the_same_codes(demo_dir) -> None:
    """A conversion reuses the table-by-table validation's id index (``Checked.index``,
    made from the few columns it keeps, kinds as categories): every code and street
    equals ``encode`` matching the strings of the whole tables again."""
    from loaders.ledger import read_tables

    tables: dict[str, pd.DataFrame] = {}
    checked = read_tables(demo_dir / "csv", tables.__setitem__, key="k")
    assert not checked.errors and checked.index is not None
    assert isinstance(checked.tables["links"]["type"].dtype, pd.CategoricalDtype)
    reused = encode(checked.tables, checked.index)
    again = encode(tables)
    assert reused.ids.to_pylist() == again.ids.to_pylist()
    assert reused.start == again.start and reused.size == again.size
    assert reused.refs.keys() == again.refs.keys()
    for key, codes in again.refs.items():
        assert np.array_equal(reused.refs[key], codes), key
    assert np.array_equal(reused.street, again.street)
    assert (again.street >= 0).sum() > 1000


def test_street_files_hold_few_row_groups(demo_net, tmp_path, monkeypatch) -> None:
    """Rows reach the writer sorted by street, so a street's file holds one row group per
    slice its own rows fill, not one per slice of the whole table it has a row in (a
    province's street files held dozens, and reading a street grew with the ledger)."""
    import pyarrow.parquet as pq

    from loaders import parquet

    monkeypatch.setattr(parquet, "WRITE_ROWS", 500)
    parquet.convert(demo_net, tmp_path / "ds")
    files = list((tmp_path / "ds" / "links").glob("street_id=*/*.parquet"))
    assert len(files) > 10
    for f in files:
        meta = pq.ParquetFile(f).metadata
        assert meta.num_row_groups <= -(-meta.num_rows // 500) + 1, f


def _outside_halo(outside_community: bool) -> set[int]:
    """Link positions in the halo of the partition outside any street (code -1) of a small
    ledger: a district committee leading a community's core, which leads a branch that
    leads another; with ``outside_community``, a community without a street whose core
    leads that branch too."""
    from loaders.parquet import coded, halo

    places = [("D", "district", None), ("S1", "street", "D"), ("C1", "community", "S1")]
    orgs = [
        ("DC", "party_committee", "D"),
        ("K1", "party_committee", "C1"),
        ("P1", "party_branch", "C1"),
        ("P2", "party_branch", "C1"),
    ]
    links = [("DC", "K1", "LEADS"), ("K1", "P1", "LEADS"), ("P1", "P2", "LEADS")]
    if outside_community:
        places.append(("C0", "community", None))
        orgs.append(("K0", "party_committee", "C0"))
        links.append(("K0", "P1", "LEADS"))

    def frame(rows, cols):
        return pd.DataFrame(rows, columns=cols, dtype="string")

    tables = {
        "places": frame(places, ["id", "kind", "parent_id"]),
        "organizations": frame(orgs, ["id", "kind", "place_id"]),
        "links": frame(links, ["source_id", "target_id", "type"]),
    }
    _, need = halo(coded(tables))
    return set(need.loc[need["street"] == -1, "pos"].tolist())


def test_outside_partition_reaches_what_its_communities_lead_only() -> None:
    """What party organizations lead is read for communities' cores: the partition outside
    any street needs it only when it holds a community (a province's district committee
    leads every party organization, which made nearly all of its halo)."""
    assert _outside_halo(outside_community=False) == set()
    # K0 → P1 reaches P1 in street S1, so P1's own leading link (position 2) is needed
    assert 2 in _outside_halo(outside_community=True)
