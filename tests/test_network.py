"""The network model: tables → graph → tables is lossless, and the graph has the schema shape."""

from __future__ import annotations

import pandas as pd
import pytest

from graph.network import Network, second_label
from graph.schema import IMPLICIT_TYPES, LINK_TYPES


def small_tables() -> dict[str, pd.DataFrame]:
    """A hand-made ledger touching every table, optional column and edge kind."""
    return {
        "places": pd.DataFrame(
            [
                {"id": "D", "name": "二七区", "kind": "district"},
                {"id": "S", "name": "大学路街道", "kind": "street", "parent_id": "D"},
                {"id": "C", "name": "陇海社区", "kind": "community", "parent_id": "S", "lat": 34.7},
                {"id": "G", "name": "一网格", "kind": "grid", "parent_id": "C"},
            ]
        ),
        "conditions": pd.DataFrame(
            [
                {"place_id": "C", "year": 2023, "population": 3000, "elderly": 410.0},
                {"place_id": "C", "year": 2024, "population": 3100, "households": 1200},
            ]
        ),
        "organizations": pd.DataFrame(
            [
                {
                    "id": "P",
                    "name": "陇海社区党委",
                    "kind": "party_committee",
                    "place_id": "C",
                    "party_members": 80,
                    "founded": pd.Timestamp("2001-07-01"),
                },
                {"id": "R", "name": "居委会", "kind": "residents_committee", "place_id": "C"},
            ]
        ),
        "people": pd.DataFrame(
            [{"id": "U", "place_id": "G", "party_member": True, "roles": "volunteer;cadre"}]
        ),
        "matters": pd.DataFrame(
            [
                {
                    "id": "M",
                    "place_id": "C",
                    "domain": "health",
                    "status": "closed",
                    "submitted_at": pd.Timestamp("2024-01-02 09:30"),
                    "closed_at": pd.Timestamp("2024-01-05"),
                    "handler_id": "R",
                }
            ]
        ),
        "resources": pd.DataFrame(
            [
                {
                    "id": "X",
                    "name": "义诊",
                    "kind": "service",
                    "domain": "health",
                    "provider_id": "R",
                    "capacity": 2,
                }
            ]
        ),
        "links": pd.DataFrame(
            [
                {"source_id": "P", "target_id": "R", "type": "LEADS", "weight": 1.0},
                {
                    "source_id": "P",
                    "target_id": "R",
                    "type": "LEADS",
                    "weight": 2.0,
                    "since": pd.Timestamp("2020-01-01"),
                    "until": pd.Timestamp("2022-12-31"),
                },
                {"source_id": "X", "target_id": "M", "type": "FULFILLS", "weight": 1.0},
            ]
        ),
    }


def test_round_trip_is_lossless() -> None:
    net = Network(small_tables())
    back = Network.from_graph(net.graph)
    assert net.equals(back)
    assert back.tables["conditions"]["elderly"].dtype == "Float64"


def test_round_trip_detects_a_change() -> None:
    net = Network(small_tables())
    g = net.graph.copy()
    g.nodes["P"]["party_members"] = 81
    assert not net.equals(Network.from_graph(g))


def test_graph_shape() -> None:
    g = Network(small_tables()).graph
    assert g.number_of_nodes() == 4 + 2 + 1 + 1 + 1
    assert g.nodes["P"]["label"] == "Organization"
    assert g.nodes["P"]["kind"] == "party_committee"
    assert g.nodes["U"]["kind"] == "person"
    assert "parent_id" not in g.nodes["S"]
    types = {d["type"] for *_e, d in g.edges(data=True)}
    assert types <= set(LINK_TYPES) | set(IMPLICIT_TYPES)
    assert {"PART_OF", "LOCATED_IN", "PROVIDES", "HANDLES", "LEADS", "FULFILLS"} <= types
    # two LEADS links between the same pair stay two edges, told apart by their key
    assert sorted(g["P"]["R"]) == ["LEADS#0", "LEADS#1"]
    assert g.has_edge("R", "X", key="PROVIDES") and g.has_edge("R", "M", key="HANDLES")


@pytest.mark.parametrize(
    ("label", "kind", "expected"),
    [("Organization", "party_branch", "PartyBranch"), ("Place", "community", "Community")],
)
def test_second_label(label: str, kind: str, expected: str) -> None:
    assert second_label(label, kind) == expected


def test_years_come_from_conditions_and_matters() -> None:
    assert Network(small_tables()).years == [2023, 2024]
