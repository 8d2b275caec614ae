"""The repository layer against a real FalkorDB (and Neo4j when NEO4J_URI is set).

Every store test runs once per backend through the ``graph_store`` fixture; each gets its
own graph. No mocks: loads, reads and queries go to a real server.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from graph.network import Network
from graph.store import IncompleteLoadError, ReadOnlyError, StoreError, open_store
from graph.store.config import DbConfig, parse_uri, resolve
from graph.store.readonly import write_clause
from graph.store.repository import GraphStore
from tests.conftest import ROOT
from tests.ledgers import network_tables as small_tables

FIXTURES = ROOT / "tests" / "fixtures"


def counts(store: GraphStore) -> tuple[int, int]:
    """Nodes and relationships stored, the load marker left out."""
    n = store.query("MATCH (n) WHERE NOT n:GovnetMeta RETURN count(n) AS c")["c"][0]
    r = store.query("MATCH ()-[r]->() RETURN count(r) AS c")["c"][0]
    return int(n), int(r)


def grown(extra: int) -> Network:
    """The small ledger with ``extra`` more people (a bigger, different district)."""
    t = small_tables()
    more = pd.DataFrame(
        {"id": [f"V{i}" for i in range(extra)], "place_id": "G", "roles": "volunteer"}
    )
    t["people"] = pd.concat([t["people"], more], ignore_index=True)
    return Network(t)


# --- round trips ------------------------------------------------------------------------------


def test_round_trip_small(graph_store: GraphStore) -> None:
    net = Network(small_tables())
    summary = graph_store.write(net)
    assert (summary.nodes, summary.relationships) == (9, 12)
    assert graph_store.read().equals(net)
    assert counts(graph_store) == (9, 12)
    labels = graph_store.query("MATCH (n {id: 'P'}) RETURN labels(n) AS l")["l"][0]
    assert sorted(labels) == ["Organization", "PartyCommittee"]


@pytest.mark.parametrize("ledger", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_round_trip_fixture_ledgers(graph_store: GraphStore, ledger: str) -> None:
    from loaders.ledger import read_ledger

    net = read_ledger(FIXTURES / ledger)
    graph_store.write(net)
    back = graph_store.read()
    assert back.equals(net)
    assert back.counts() == net.counts()


@pytest.mark.slow
def test_round_trip_demo_district(graph_store: GraphStore, demo_net: Network) -> None:
    graph_store.write(demo_net)
    assert graph_store.read().equals(demo_net)
    g = demo_net.graph
    assert counts(graph_store) == (g.number_of_nodes(), g.number_of_edges())


def test_a_read_takes_the_schemas_reads_and_no_untyped_one(graph_store: GraphStore) -> None:
    """A load's relationships are all found by the per-type reads from the schema's start
    labels (faster than one untyped traversal); the untyped read is not run."""
    from graph.store.repository import untyped_edge_read

    net = Network(small_tables())
    graph_store.write(net)
    ran: list[str] = []
    read_typed = graph_store.backend.read_typed

    def recording(cypher, params, types):
        ran.append(cypher)
        return read_typed(cypher, params, types)

    graph_store.backend.read_typed = recording  # type: ignore[method-assign]
    assert graph_store.read().equals(net)
    assert untyped_edge_read()[0] not in ran and any("-[r:" in c for c in ran)


def test_a_relationship_the_schema_reads_miss_is_still_read(graph_store: GraphStore) -> None:
    """A link added outside govnet from a label its rule does not start from (a person
    leading an organization) is one relationship more than the schema's reads find: the
    read falls back to one untyped read and keeps it."""
    net = Network(small_tables())
    graph_store.write(net)
    person = net.tables["people"]["id"].iloc[0]
    org = net.tables["organizations"]["id"].iloc[0]
    graph_store.backend.load(
        [],
        [
            (
                "MATCH (a:Person {id: $a}), (b:Organization {id: $b}) "
                "CREATE (a)-[:LEADS {weight: 1.0}]->(b)",
                {"a": person, "b": org},
            )
        ],
        replace=False,
        on_batch=None,
    )
    links = graph_store.read().tables["links"]
    added = links[(links["source_id"] == person) & (links["target_id"] == org)]
    assert added["type"].tolist() == ["LEADS"]
    assert len(links) == len(net.tables["links"]) + 1


def test_unicode_missing_and_null_properties(graph_store: GraphStore) -> None:
    t = small_tables()
    t["places"].loc[0, "name"] = "二七区·𠀀测试「引号」"
    t["organizations"].loc[1, "party_members"] = None  # null
    t["people"] = pd.DataFrame([{"id": "U", "place_id": "G"}])  # every optional column missing
    net = Network(t)
    graph_store.write(net)
    back = graph_store.read()
    assert back.equals(net)
    assert back.tables["places"].set_index("id").loc["D", "name"] == "二七区·𠀀测试「引号」"
    props = graph_store.query("MATCH (n:Person) RETURN properties(n) AS p")["p"][0]
    assert props == {"id": "U", "kind": "person"}


def test_round_trip_carries_13710_and_three_zero_columns(graph_store: GraphStore) -> None:
    """replied_at and major of matters, petitions/accidents/criminal_cases of conditions."""
    t = small_tables()
    m = t["matters"].iloc[0]
    t["matters"] = pd.DataFrame(
        [
            {
                **m.to_dict(),
                "replied_at": pd.Timestamp("2024-01-04 16:00"),
                "major": True,
            },
            {**m.to_dict(), "id": "M2", "status": "submitted", "closed_at": None, "major": False},
        ]
    )
    t["conditions"].loc[1, ["petitions", "accidents"]] = [0, 2]
    net = Network(t)
    graph_store.write(net)
    back = graph_store.read()
    assert back.equals(net)
    got = back.tables["matters"].set_index("id")
    assert got.loc["M", "replied_at"] == pd.Timestamp("2024-01-04 16:00")
    assert pd.isna(got.loc["M2", "replied_at"])
    assert (bool(got.loc["M", "major"]), bool(got.loc["M2", "major"])) == (True, False)
    cond = back.tables["conditions"].set_index("year")
    assert (cond.loc[2024, "petitions"], cond.loc[2024, "accidents"]) == (0, 2)
    assert pd.isna(cond.loc[2024, "criminal_cases"])
    stored = graph_store.query("MATCH (m:Matter {id: 'M'}) RETURN m.major AS major")
    assert stored["major"].tolist() == [True]  # a boolean property, not the text 是


INJECTIONS = [
    "x'}) DETACH DELETE n //",
    'y"}) MATCH (m) DETACH DELETE m //',
    "z`) RETURN 1 //\n MATCH (n) DETACH DELETE n",
    "back\\slash $rows {id: 1}",
]


def test_injection_through_ids_and_names_is_stored_verbatim(graph_store: GraphStore) -> None:
    t = small_tables()
    t["places"].loc[3, "id"] = INJECTIONS[0]
    t["people"].loc[0, "place_id"] = INJECTIONS[0]
    t["organizations"].loc[1, "id"] = INJECTIONS[1]
    t["organizations"].loc[1, "name"] = INJECTIONS[2]
    t["links"]["target_id"] = t["links"]["target_id"].replace("R", INJECTIONS[1])
    t["matters"].loc[0, "handler_id"] = INJECTIONS[1]
    t["resources"].loc[0, "provider_id"] = INJECTIONS[1]
    t["matters"].loc[0, "title"] = INJECTIONS[3]
    net = Network(t)
    graph_store.write(net)
    graph_store.write(net)
    assert counts(graph_store) == (9, 12)
    assert graph_store.read().equals(net)
    found = graph_store.query("MATCH (n {id: $id}) RETURN n.name AS name", id=INJECTIONS[1])
    assert found["name"].tolist() == [INJECTIONS[2]]


# --- idempotence, interrupted loads, re-loads --------------------------------------------------


def test_reload_is_idempotent(graph_store: GraphStore) -> None:
    net = Network(small_tables())
    graph_store.write(net)
    first = counts(graph_store)
    summary = graph_store.write(net)
    assert summary.merged and not summary.resumed
    assert counts(graph_store) == first == (9, 12)
    assert graph_store.status()["complete"] is True
    assert graph_store.read().equals(net)


class Interrupt(Exception):
    """Raised from the batch hook to stop a load halfway, as a crash would."""


def test_interrupted_load_is_refused_then_completed_by_a_rerun(graph_store: GraphStore) -> None:
    net = grown(40)
    graph_store.node_batch = graph_store.edge_batch = 5
    batches = []

    def crash_after_four(rows: int) -> None:
        batches.append(rows)
        if len(batches) == 4:
            raise Interrupt

    with pytest.raises(Interrupt):
        graph_store.write(net, on_batch=crash_after_four, bulk=False)
    assert graph_store.status()["complete"] is False
    partial = counts(graph_store)[0]
    assert 0 < partial < net.graph.number_of_nodes()
    with pytest.raises(IncompleteLoadError, match="did not finish"):
        graph_store.read()
    summary = graph_store.write(net)
    assert summary.resumed
    g = net.graph
    assert counts(graph_store) == (g.number_of_nodes(), g.number_of_edges())
    ids = graph_store.query("MATCH (n) RETURN n.id AS id, count(*) AS c")
    assert ids["c"].max() == 1
    assert graph_store.read().equals(net)


def test_reload_of_an_edited_ledger_matches_it(graph_store: GraphStore) -> None:
    graph_store.write(Network(small_tables()))
    t = small_tables()
    t["places"].loc[3, "kind"] = "compound"  # G: grid → compound (kind label swaps)
    t["places"].loc[2, "parent_id"] = "D"  # C moves under the district
    t["links"] = t["links"].iloc[:1]  # two links dropped
    t["resources"] = t["resources"].iloc[:0]  # the resource is gone
    t["links"] = t["links"][t["links"]["type"] != "FULFILLS"]
    edited = Network(t)
    graph_store.write(edited)
    assert graph_store.read().equals(edited)
    labels = graph_store.query("MATCH (n {id: 'G'}) RETURN labels(n) AS l")["l"][0]
    assert sorted(labels) == ["Compound", "Place"]
    assert counts(graph_store) == (
        edited.graph.number_of_nodes(),
        edited.graph.number_of_edges(),
    )


# --- --replace ---------------------------------------------------------------------------------


def test_replace_swaps_the_whole_graph(graph_store: GraphStore) -> None:
    graph_store.write(grown(30))
    small = Network(small_tables())
    summary = graph_store.write(small, replace=True)
    assert summary.replaced
    assert graph_store.read().equals(small)
    assert counts(graph_store) == (9, 12)


def test_replace_is_atomic_for_a_concurrent_reader(
    graph_store: GraphStore, store_target: dict
) -> None:
    old, new = grown(10), grown(400)
    graph_store.write(old)
    n_old = old.graph.number_of_nodes()
    n_new = new.graph.number_of_nodes()
    seen: list[int] = []
    reads: list[Network] = []
    stop = threading.Event()

    def reader() -> None:
        with open_store(**store_target) as other:
            while not stop.is_set():
                c = other.query("MATCH (n:Person) RETURN count(n) AS c")["c"][0]
                seen.append(int(c))
                if len(reads) < 3:
                    reads.append(other.read())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        graph_store.node_batch = graph_store.edge_batch = 10  # many batches: a long load
        graph_store.write(new, replace=True)
        after = len(seen)
        while len(seen) < after + 3 and thread.is_alive():
            pass
    finally:
        stop.set()
        thread.join(timeout=60)
    persons_old = n_old - 8
    persons_new = n_new - 8
    assert set(seen) <= {persons_old, persons_new}
    assert seen[0] == persons_old and seen[-1] == persons_new
    assert all(r.equals(old) or r.equals(new) for r in reads)


# --- read-only queries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Place {id: 'evil'})",
        "MATCH (n) DETACH DELETE n",
        "MERGE (n:Place {id: 'evil'}) RETURN n",
        "MATCH (n:Place) SET n.name = 'x'",
        "MATCH (n:Place) REMOVE n.name",
        "match (n) delete n",
    ],
)
def test_query_refuses_writes(graph_store: GraphStore, cypher: str) -> None:
    graph_store.write(Network(small_tables()))
    with pytest.raises(ReadOnlyError, match="read-only"):
        graph_store.query(cypher)
    assert counts(graph_store) == (9, 12)


def test_the_server_refuses_writes_too(graph_store: GraphStore) -> None:
    """The client check aside, the read path itself runs in the server's read-only mode."""
    graph_store.write(Network(small_tables()))
    with pytest.raises(ReadOnlyError):
        graph_store.backend.read("CREATE (n:Place {id: 'evil'})", {})
    assert counts(graph_store) == (9, 12)


def test_query_returns_a_dataframe_with_plain_values(graph_store: GraphStore) -> None:
    graph_store.write(Network(small_tables()))
    df = graph_store.query(
        "MATCH (p:Organization {id: $id})-[r:LEADS]->(o) "
        "RETURN p.name AS name, r.weight AS w, o ORDER BY w",
        id="P",
    )
    assert list(df.columns) == ["name", "w", "o"]
    assert df["name"].tolist() == ["陇海社区党委", "陇海社区党委"]
    assert df["w"].tolist() == [1.0, 2.0]
    assert df["o"][0]["id"] == "R" and "Organization" in df["o"][0]["_labels"]
    paths = graph_store.query("MATCH p = (:Place {id: 'S'})-[:PART_OF]->(:Place) RETURN p")
    assert [n["id"] for n in paths["p"][0]["nodes"]] == ["S", "D"]


@pytest.mark.parametrize(
    ("cypher", "clause"),
    [
        ("MATCH (n) WHERE n.name = 'CREATE me' RETURN n", None),
        ("MATCH (n) RETURN n.set, n.`delete` // DELETE later", None),
        ('MATCH (n {title: "MERGE"}) RETURN n /* SET */', None),
        ("MATCH (n) WITH n CALL { WITH n SET n.x = 1 } RETURN 1", "SET"),
        ("LOAD CSV FROM 'file:///x' AS row RETURN row", "LOAD CSV"),
        ("MATCH (n)\nDETACH\n DELETE n", "DETACH"),
    ],
)
def test_write_clause_detection(cypher: str, clause: str | None) -> None:
    assert write_clause(cypher) == clause


# --- configuration -------------------------------------------------------------------------------


def test_uri_parsing() -> None:
    cfg = parse_uri("neo4j+s://alice:s3cr%40t@db.example.org/districts")
    assert (cfg.backend, cfg.host, cfg.port, cfg.graph) == (
        "neo4j",
        "db.example.org",
        7687,
        "districts",
    )
    assert (cfg.user, cfg.password, cfg.tls) == ("alice", "s3cr@t", True)
    assert parse_uri("falkor://127.0.0.1").port == 6379
    assert parse_uri("bolt://h:7999").backend == "neo4j"
    with pytest.raises(StoreError, match="unknown database URI scheme"):
        parse_uri("mysql://h")


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_CONFIG", "/nonexistent")
    cfg = resolve("bolt://bob:hunter2@h:7687")
    for text in (repr(cfg), str(cfg), cfg.safe_uri):
        assert "hunter2" not in text
    assert "***" in repr(cfg)
    assert isinstance(cfg, DbConfig) and cfg.password == "hunter2"


def test_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "config.toml"
    toml.write_text(
        '[db]\nuri = "falkor://10.0.0.1:7000"\ngraph = "from_file"\npassword = "pw-file"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVNET_CONFIG", str(toml))
    for var in ("GOVNET_DB_URI", "GOVNET_DB_GRAPH", "GOVNET_DB_USER", "GOVNET_DB_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    cfg = resolve()
    assert (cfg.host, cfg.port, cfg.graph, cfg.password) == (
        "10.0.0.1",
        7000,
        "from_file",
        "pw-file",
    )
    monkeypatch.setenv("GOVNET_DB_GRAPH", "from_env")
    monkeypatch.setenv("GOVNET_DB_URI", "falkor://10.0.0.2:7001")
    cfg = resolve()
    assert (cfg.host, cfg.graph) == ("10.0.0.2", "from_env")
    assert resolve(graph="from_arg").graph == "from_arg"
    assert resolve("falkor://h:1/in_uri").graph == "in_uri"


def test_module_level_query_uses_the_environment(
    falkor_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graph.store

    monkeypatch.setenv("GOVNET_DB_URI", falkor_server.uri)
    monkeypatch.setenv("GOVNET_DB_GRAPH", "t_module_query")
    with open_store() as store:
        store.write(Network(small_tables()))
    try:
        df = graph.store.query("MATCH (n:Place {kind: $kind}) RETURN n.id AS id", kind="grid")
        assert df["id"].tolist() == ["G"]
    finally:
        with open_store() as store:
            store.delete()


def test_unreachable_server_is_a_clear_error() -> None:
    from graph.store.server import free_port

    with pytest.raises(StoreError, match="cannot reach FalkorDB"):
        open_store(f"falkor://127.0.0.1:{free_port()}")


# --- neo4j-admin import files ---------------------------------------------------------------


def test_neo4j_admin_files(tmp_path: Path) -> None:
    import csv

    from graph.store.neo4j_admin import write_import_files

    net = Network(small_tables())
    command = write_import_files(net.graph, tmp_path)
    assert command.startswith("neo4j-admin database import full")
    header = (tmp_path / "nodes_Organization_PartyCommittee_header.csv").read_text().strip()
    assert header.split(",")[:2] == ["id:ID", ":LABEL"] and "party_members:long" in header
    node_ids = []
    for f in tmp_path.glob("nodes_*.csv"):
        if not f.name.endswith("_header.csv") and "GovnetMeta" not in f.name:
            node_ids += [row[0] for row in csv.reader(f.open(encoding="utf-8"))]
    assert sorted(node_ids) == sorted(net.graph.nodes)
    rels = sum(
        1
        for f in tmp_path.glob("rels_*.csv")
        if not f.name.endswith("_header.csv")
        for _ in csv.reader(f.open(encoding="utf-8"))
    )
    assert rels == net.graph.number_of_edges()
    assert "--nodes=nodes_Place_Grid_header.csv,nodes_Place_Grid.csv" in command


def test_unreachable_neo4j_is_a_clear_error_without_the_password() -> None:
    from graph.store.server import free_port

    with pytest.raises(StoreError, match="cannot reach Neo4j") as err:
        open_store(f"bolt://127.0.0.1:{free_port()}", user="neo4j", password="hunter2")
    assert "hunter2" not in str(err.value)
