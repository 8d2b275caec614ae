"""The Query page on every data source (Streamlit's AppTest): an uploaded ledger goes into
the app's private FalkorDB; a graph database is queried where it is. Templates run from
their form, one's own Cypher runs read-only, answers come as table, chart, network and CSV."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from govnet.app.i18n import LABELS
from graph.network import Network
from graph.store.templates import TEMPLATES
from tests.apptest import TIMEOUT, app, problems
from tests.conftest import ROOT
from tests.ledgers import small_tables, zip_bytes

PAGE = "govnet/app/query.py"


@pytest.fixture(scope="module")
def small_zip() -> bytes:
    return zip_bytes(small_tables())


def test_query_page_on_an_uploaded_ledger(small_zip: bytes) -> None:
    at = app("zh", upload=small_zip)
    at.switch_page(PAGE).run()
    assert not problems(at) and not at.error
    assert at.selectbox(key="q_template").value == next(iter(TEMPLATES))

    at.button(key="q_run").click().run()  # 领导主体最多的党组织, with its defaults
    assert not problems(at) and not at.error
    table = at.dataframe[0].value
    assert len(table) > 0 and {"id", "actors_led"} <= set(table.columns)
    assert table["actors_led"].is_monotonic_decreasing
    assert at.get("plotly_chart"), "a bar chart of actors led"
    assert at.get("download_button")

    at.selectbox(key="q_template").set_value("custom").run()
    at.text_area(key="q_cypher").set_value(
        "MATCH p = (a:Organization)-[:LEADS]->(b:Organization) RETURN p"
    ).run()
    at.button(key="q_run").click().run()
    assert not problems(at) and not at.error
    assert len(at.dataframe[0].value) == 3  # 幸福社区党委 LEADS three organizations
    assert "→" in str(at.dataframe[0].value.iloc[0, 0])  # a path, shown by its node names
    assert at.get("iframe"), "paths are drawn as a network"

    at.text_area(key="q_cypher").set_value("MATCH (n) DETACH DELETE n").run()
    at.button(key="q_run").click().run()
    assert any("查询失败" in e.value and "read-only" in e.value for e in at.error)


def test_query_page_template_form_checks_its_values(small_zip: bytes) -> None:
    at = app("en", upload=small_zip)
    at.switch_page(PAGE).run()
    at.selectbox(key="q_template").set_value("coreless").run()
    at.multiselect(key="q_p_coreless_units").set_value(["community", "village"])
    at.multiselect(key="q_p_coreless_core_kinds").set_value(["party_committee"])
    at.button(key="q_run").click().run()
    assert not at.error
    tables = small_tables()  # the answer recomputed from the ledger's tables
    places, orgs = tables["places"], tables["organizations"]
    with_core = set(orgs.loc[orgs["kind"] == "party_committee", "place_id"])
    units = set(places.loc[places["kind"].isin(["community", "village"]), "id"])
    assert list(at.dataframe[0].value["id"]) == sorted(units - with_core) != []
    at.multiselect(key="q_p_coreless_units").set_value([])
    at.button(key="q_run").click().run()
    assert any("units" in e.value for e in at.error)  # an empty choice is refused, named


@pytest.mark.db
def test_database_source_and_read_only_query_page(falkor_server, small_zip: bytes) -> None:
    from govnet.app.source import load_upload
    from graph.store import open_store

    network: Network = load_upload("small.zip", small_zip).network
    with open_store(falkor_server.uri, "app_test") as store:
        store.write(network, replace=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["src"] = "db"
    at.run()
    at.text_input(key="db_uri").set_value(falkor_server.uri)
    at.text_input(key="db_graph").set_value("app_test")
    at.button(key="db_connect").click().run()
    assert not problems(at)
    at.switch_page(PAGE).run()
    at.selectbox(key="q_template").set_value("custom").run()
    at.text_area(key="q_cypher").set_value(
        "MATCH p = (a:Organization)-[:LEADS]->(b:Organization) RETURN p"
    ).run()
    at.button(key="q_run").click().run()
    assert not problems(at) and not at.error
    assert len(at.dataframe[0].value) == 3

    at.text_area(key="q_cypher").set_value("MATCH (n) DETACH DELETE n").run()
    at.button(key="q_run").click().run()
    assert any(LABELS["query_error"][0].split("{")[0] in e.value for e in at.error)
    with open_store(falkor_server.uri, "app_test") as store:
        assert len(store.read().tables["places"]) == 12  # nothing was deleted
        store.delete()
