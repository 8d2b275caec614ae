"""``govnet export-graph`` and ``graph.export``: the files round-trip through NetworkX with
the node and edge counts of the network (or a community's scope as of a year), carry
label/kind/name and the link type, and never a phone or id number."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from govnet.cli.main import app
from graph.export import exportable, graph_bytes
from graph.schema import REL_TYPES
from graph.subgraph import link_active, node_active

RUNNER = CliRunner()
COMMUNITY, YEAR = "C001", 2023


def expected_scope(g: nx.MultiDiGraph, place: str, year: int) -> tuple[set[str], int]:
    """A community's scope computed independently with NetworkX: everything with a
    PART_OF/LOCATED_IN path up to the place, plus what those nodes provide, as of year."""
    up = nx.DiGraph(
        [(u, v) for u, v, ty in g.edges(data="type") if ty in ("PART_OF", "LOCATED_IN")]
    )
    inside = nx.ancestors(up, place) | {place}
    inside |= {v for u, v, ty in g.edges(data="type") if ty == "PROVIDES" and u in inside}
    nodes = {n for n in inside if node_active(g.nodes[n], year)}
    edges = sum(
        1 for u, v, d in g.edges(data=True) if u in nodes and v in nodes and link_active(d, year)
    )
    return nodes, edges


def export(ledger: Path, out: Path, *args: str):
    result = RUNNER.invoke(app, ["export-graph", str(ledger), str(out), *args])
    assert result.exit_code == 0, result.output
    return result


def check_attributes(r: nx.MultiDiGraph, type_key: str) -> None:
    for _n, a in r.nodes(data=True):
        assert {"label", "kind", "name"} <= set(a), a
        assert not {"phone", "id_number"} & set(a)
        if a["label"] == "Person":
            assert a["name"].startswith("人员-")  # the pseudonym, never a clear name
    assert {d[type_key] for _, _, d in r.edges(data=True)} <= set(REL_TYPES)


@pytest.mark.slow  # 89k nodes and 189k links written and parsed back
def test_whole_ledger_graphml_round_trips(demo_dir: Path, demo_net, tmp_path: Path) -> None:
    out = tmp_path / "district.graphml"
    export(demo_dir / "csv", out)
    r = nx.read_graphml(out, force_multigraph=True)
    g = demo_net.graph
    assert isinstance(r, nx.MultiDiGraph)
    assert (r.number_of_nodes(), r.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    check_attributes(r, "type")
    assert Counter_of(r, "type") == Counter_of(g, "type")  # every link type, every link


def Counter_of(g: nx.MultiDiGraph, key: str) -> dict[str, int]:  # noqa: N802
    from collections import Counter

    return dict(Counter(d[key] for _, _, d in g.edges(data=True)))


def test_community_year_gexf_round_trips(demo_dir: Path, demo_net, tmp_path: Path) -> None:
    out = tmp_path / "c.gexf"
    export(demo_dir / "csv", out, "--community", COMMUNITY, "--year", str(YEAR))
    r = nx.read_gexf(out)
    nodes, edges = expected_scope(demo_net.graph, COMMUNITY, YEAR)
    assert set(r.nodes) == nodes
    assert r.number_of_edges() == edges
    check_attributes(r, "label")  # GEXF keeps `type` for direction: the link type is the label
    assert 0 < r.number_of_nodes() < demo_net.graph.number_of_nodes()


def test_people_are_pseudonyms_and_personal_columns_never_leave(demo_net) -> None:
    people = [n for n, a in demo_net.graph.nodes(data=True) if a["label"] == "Person"][:50]
    sub = demo_net.graph.subgraph(people).copy()
    for fmt in ("graphml", "gexf"):
        text = graph_bytes(sub, fmt).decode("utf-8")
        assert "phone" not in text and "id_number" not in text and "tel-" not in text
        assert "人员-" in text
    clean = exportable(sub)
    assert all(set(a) == {"label", "kind", "name"} for _, a in clean.nodes(data=True))


def test_bad_arguments_are_refused_by_name(demo_dir: Path, tmp_path: Path) -> None:
    bad = RUNNER.invoke(app, ["export-graph", str(demo_dir / "csv"), str(tmp_path / "x.json")])
    assert bad.exit_code == 2 and ".graphml or .gexf" in bad.output
    out = tmp_path / "x.graphml"
    nowhere = RUNNER.invoke(
        app, ["export-graph", str(demo_dir / "csv"), str(out), "--community", "NOWHERE"]
    )
    assert nowhere.exit_code == 2 and "NOWHERE" in nowhere.output
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_parallel_links_keep_their_keys(fmt: str) -> None:
    g = nx.MultiDiGraph()
    g.add_node("O1", label="Organization", kind="party_branch", name="支部", phone="138")
    g.add_node("O2", label="Organization", kind="unit", name="单位")
    g.add_edge("O1", "O2", key="LEADS#0", type="LEADS", weight=1.0, since="2020-01-01")
    g.add_edge("O1", "O2", key="LEADS#1", type="LEADS", weight=None, until=None)
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    import io

    r = reader(io.BytesIO(graph_bytes(g, fmt)))
    assert r.number_of_edges() == 2 and "phone" not in r.nodes["O1"]
