"""The network model: tables → graph → tables is lossless, and the graph has the schema shape."""

from __future__ import annotations

import pytest

from graph.network import Network, second_label
from graph.schema import IMPLICIT_TYPES, LINK_TYPES
from tests.ledgers import network_tables as small_tables


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
