"""The Streamlit app under ``streamlit.testing.v1.AppTest``: every page on a small ledger
and on the demo district, in Chinese and English; choices change what is shown; bad uploads
show their validation messages; the network view stays inline and bounded."""

from __future__ import annotations

import io
import re

import pytest
from streamlit.testing.v1 import AppTest

from govnet.app.i18n import LABELS
from govnet.app.netdraw import render_html
from govnet.app.netview import build_view, cores
from govnet.app.source import MAX_UPLOAD_BYTES, _issue_row, load_upload
from graph.network import Network
from tests.apptest import TIMEOUT, app, problems
from tests.conftest import ROOT
from tests.ledgers import small_tables, zip_bytes

PAGES = ("overview", "network", "coverage", "weak", "stars", "trends", "definitions", "map")


@pytest.fixture(scope="module")
def small_zip() -> bytes:
    return zip_bytes(small_tables())


@pytest.fixture(scope="module")
def small_net(small_zip: bytes) -> Network:
    result = load_upload("small.zip", small_zip)
    assert result.ok, (result.message, result.errors)
    return result.network


# --- helpers ----------------------------------------------------------------------------
def visit_all(at: AppTest, lang: str) -> None:
    i = 1 if lang == "en" else 0
    for page in PAGES:
        at.switch_page(f"govnet/app/{page}.py").run()
        assert not problems(at), (page, problems(at))
        headers = " ".join(h.value for h in at.header)
        assert LABELS[f"page_{page}"][i] in headers, (page, headers)
        # an emptied multiselect shows a prompt in the page's language, not Streamlit's English
        prompts = {m.proto.placeholder for m in at.multiselect}
        assert prompts <= {LABELS["choose"][i]}, (page, prompts)


def caption_counts(at: AppTest) -> tuple[int, int]:
    """(nodes, edges) from the network page's 'drawing N nodes and M links' caption."""
    for c in at.caption:
        numbers = re.findall(r"\d+", c.value)
        if ("绘制" in c.value or "Drawing" in c.value) and len(numbers) >= 2:
            return int(numbers[0]), int(numbers[1])
    raise AssertionError("no drawing caption on the network page")


# --- every page renders -----------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_on_small_ledger(small_zip: bytes, lang: str) -> None:
    at = app(lang, upload=small_zip)
    assert not problems(at)
    visit_all(at, lang)


@pytest.mark.slow
@pytest.mark.timeout(3600)  # three analyses of the demo district (2022–2024), then all cached
def test_every_page_on_demo_district_both_languages() -> None:
    at = app("zh")
    assert not problems(at)
    visit_all(at, "zh")
    at.session_state["lang"] = "en"
    at.run()
    visit_all(at, "en")
    # the overview shows the district's numbers, with a change since the previous year
    at.switch_page("govnet/app/overview.py").run()
    assert len(at.metric) >= 6
    assert any(m.delta for m in at.metric), [m.value for m in at.metric]
    # the red flag the demo has not earned reads as not yet earned, not as missing data
    flag = next(m for m in at.metric if m.label == "Red flag")
    assert flag.value in {"earned", "not yet"}, flag.value


# --- choices change what is shown -------------------------------------------------------
def test_community_year_and_filters_change_the_network(small_zip: bytes) -> None:
    at = app("zh", upload=small_zip)
    at.switch_page("govnet/app/network.py").run()
    at.selectbox(key="net_street").set_value("S1").run()
    at.selectbox(key="net_community").set_value("C1").run()
    c1_nodes, c1_edges = caption_counts(at)
    details = at.selectbox(key="net_node").options
    assert any("幸福社区" in o for o in details)

    at.selectbox(key="net_community").set_value("C2").run()
    c2_nodes, _ = caption_counts(at)
    assert c2_nodes != c1_nodes
    assert not any("阳光小区" in o for o in at.selectbox(key="net_node").options)

    at.selectbox(key="net_community").set_value("C1").run()
    kinds = [k for k in at.multiselect(key="net_kinds").value if k != "person"]
    at.multiselect(key="net_kinds").set_value(kinds).run()
    fewer, _ = caption_counts(at)
    assert fewer < c1_nodes
    assert not problems(at)

    # M2 (submitted 2024) is drawn in 2024 but not in 2023 (matters expanded from counts)
    at.multiselect(key="net_kinds").set_value([*kinds, "person"]).run()
    at.multiselect(key="net_expand").set_value(["matter"]).run()
    assert any("漏水" in o for o in at.selectbox(key="net_node").options)
    at.selectbox(key="year").set_value(2023).run()
    assert not any("漏水" in o for o in at.selectbox(key="net_node").options)
    assert not problems(at)


def test_year_changes_the_overview(small_zip: bytes) -> None:
    at = app("en", upload=small_zip)
    assert "2024" in at.header[0].value
    needs_2024 = [m.value for m in at.metric]
    at.selectbox(key="year").set_value(2023).run()
    assert "2023" in at.header[0].value
    assert [m.value for m in at.metric] != needs_2024
    assert not problems(at)


def test_coverage_explains_with_names(small_zip: bytes) -> None:
    at = app("zh", upload=small_zip)
    at.switch_page("govnet/app/coverage.py").run()
    at.selectbox(key="cov_community").set_value("C1").run()
    at.selectbox(key="cov_metric").set_value("ext_grid").run()
    shown = [df.value for df in at.dataframe]
    names = set().union(*(set(map(str, df.get("名称", []))) for df in shown))
    assert {"一网格", "二网格"} <= names  # denominator: both grids of 幸福社区 by name
    assert not problems(at)


def test_rubric_editor_validates_and_rescores(small_zip: bytes) -> None:
    at = app("zh", upload=small_zip)
    at.switch_page("govnet/app/stars.py").run()
    shipped = str(at.text_area(key="rubric_area_community").value)
    at.text_area(key="rubric_area_community").set_value("applies_to = 'nowhere'").run()
    at.button(key="rubric_apply_community").click().run()
    assert any("细则有误" in e.value for e in at.error)
    assert "rubric_texts" not in at.session_state  # nothing applied

    # lower every threshold of 支部过硬 to zero: 幸福社区 (has a core) earns that star
    easy = re.sub(r"op = \">=\", value = [0-9.]+", 'op = ">=", value = 0', shipped)
    at.text_area(key="rubric_area_community").set_value(easy).run()
    at.button(key="rubric_apply_community").click().run()
    assert not problems(at)
    matrix = at.dataframe[0].value
    assert int(matrix.loc["幸福社区", "星级"]) > 0


# --- uploads ----------------------------------------------------------------------------
def test_invalid_upload_shows_its_errors_and_loads_nothing() -> None:
    bad = small_tables()
    bad["organizations"].loc[0, "kind"] = "no_such_kind"
    bad["people"].loc[0, "place_id"] = "NOWHERE"
    at = app("en", upload=zip_bytes(bad))
    assert any(LABELS["upload_invalid"][1] in e.value for e in at.error)
    issues = at.dataframe[0].value
    assert {"organizations", "people"} <= set(issues["table"])
    assert "NOWHERE" in set(issues["value"].astype(str))
    assert not at.exception
    assert not at.header  # no page ran on invalid data


def test_load_upload_refuses_without_raising(small_zip: bytes) -> None:
    ok = load_upload("ledger.zip", small_zip)
    assert ok.ok and ok.counts["places"] == 12

    big = load_upload("ledger.zip", b"0" * (MAX_UPLOAD_BYTES + 1))
    assert not big.ok and "50 MB" in big.message

    wrong = load_upload("ledger.pdf", b"%PDF-1.4")
    assert not wrong.ok and "ledger.pdf" in wrong.message

    corrupt = load_upload("ledger.xlsx", b"not a workbook")
    assert not corrupt.ok and (corrupt.message or corrupt.errors)


def test_personal_values_in_issues_are_masked() -> None:
    from loaders.errors import Issue

    row = _issue_row(Issue("people", 3, "phone", "13800138000", "bad phone"))
    assert row["value"] == "***"
    kept = _issue_row(Issue("places", 3, "kind", "moon", "unknown kind"))
    assert kept["value"] == "moon"


def test_uploaded_people_are_pseudonymized(small_net: Network) -> None:
    names = set(small_net.tables["people"]["name"].astype(str))
    assert not names & {"张三", "李四", "王五", "赵六"}


# --- the network view -------------------------------------------------------------------
def test_network_html_is_inline_and_marks_the_core(small_net: Network) -> None:
    view = build_view(small_net, place_id="C1", depth=1, year=2024)
    assert "C1" in view.nodes and "G1" in view.nodes and "O9" in view.nodes  # unit via link
    assert "V1" not in view.nodes
    html = render_html(view, lang="zh", cores=cores(small_net, ["C1"]))
    external = re.findall(
        r"<(?:script|link|img)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html
    )
    assert not external
    assert "vis.Network" in html and '"physics": {"enabled": false}' in html
    assert '"star"' in html  # the core (幸福社区党委) drawn as a star
    assert set(view.positions) == set(view.nodes)  # every node at a fixed position
    assert cores(small_net, ["C1", "C2"]) == {"O1", "O2"}


def test_big_selections_are_aggregated_under_the_cap(small_net: Network) -> None:
    full = build_view(small_net, place_id="D", depth=0, year=2024)
    capped = build_view(small_net, place_id="D", depth=0, year=2024, max_nodes=12)
    assert capped.size <= 12 < full.size
    assert capped.collapsed > 0
    counted = sum(n.get("count", 0) for n in capped.nodes.values())
    assert counted == capped.collapsed  # every collapsed node is in some count
    buildings = build_view(small_net, place_id="C1", depth=0, collapse=("compound", "building"))
    assert "B1" not in buildings.nodes
    agg = [a for a in buildings.nodes.values() if a.get("kind") == "building"]
    assert agg and agg[0]["count"] == 2


# --- graph database source (its query page: tests/govnet/test_query_page.py) -------------------
def test_database_uri_with_credentials_is_refused() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["src"] = "db"
    at.run()
    at.text_input(key="db_uri").set_value("falkor://admin:secret@127.0.0.1:6379")
    at.button(key="db_connect").click().run()
    assert any(LABELS["db_creds_in_uri"][0] in e.value for e in at.error)
    assert not at.header


# --- labels, search, downloads ----------------------------------------------------------
def test_every_label_has_both_languages_with_the_same_placeholders() -> None:
    from string import Formatter

    from govnet.app.i18n import METRICS, STAR_NAMES

    for table in (LABELS, METRICS, STAR_NAMES):
        for key, (zh, en) in table.items():
            assert zh.strip() and en.strip(), key
            fields = [{f for _, f, _, _ in Formatter().parse(s) if f} for s in (zh, en)]
            assert fields[0] == fields[1], key


def test_number_formats() -> None:
    from govnet.app.i18n import fmt_metric

    assert fmt_metric("coverage_index", 0.6667) == "66.7%"
    assert fmt_metric("volunteers_per_1000", 12.345) == "12.3‰"
    assert fmt_metric("co_building_units", 3) == "3"
    assert fmt_metric("reach", None) == "–"


def test_search_focuses_the_network_on_a_node(small_zip: bytes) -> None:
    at = app("zh", upload=small_zip)
    at.switch_page("govnet/app/network.py").run()
    at.text_input(key="net_search").set_value("阳光物业").run()
    assert at.selectbox(key="net_hit").value == "O6"
    options = at.selectbox(key="net_node").options
    assert any("阳光物业" in o for o in options) and any("阳光小区" in o for o in options)
    assert not any("二网格" in o for o in options)  # only O6's neighbourhood is drawn
    at.text_input(key="net_search").set_value("没有这个名字").run()
    assert any("没有这个名字" in i.value for i in at.info)
    assert not problems(at)


def test_weak_links_workbook_has_its_three_sheets(small_net: Network) -> None:
    import openpyxl

    from govnet.app.weak import suggestion_table, unmatched_table, weak_table, workbook
    from graph.analysis import analyze

    a = analyze(small_net, year=2024)
    names = {"C1": "幸福社区", "C2": "和谐社区", "V1": "李庄村", "M2": "漏水"}
    data = workbook(
        {
            "weak": weak_table(a, names)[["name", "weak_score"]],
            "unmatched": unmatched_table(a, small_net, names),
            "suggestions": suggestion_table(a, names),
        }
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["weak", "unmatched", "suggestions"]
    unmatched = [[c.value for c in row] for row in wb["unmatched"].iter_rows()]
    assert any("M2" in row for row in unmatched)  # 漏水, open and with no resource for repair


def test_partner_suggestions_name_the_core_that_leads_them() -> None:
    from govnet.app.weak import suggestion_table
    from graph.analysis import analyze
    from loaders.ledger import read_ledger

    a = analyze(read_ledger(ROOT / "tests" / "fixtures" / "small"), year=2024)
    names = {"C1": "幸福社区", "V1": "李庄村", "O_C1": "幸福党委"}
    table = suggestion_table(a, names)
    zh = {key: pair[0] for key, pair in LABELS.items()}
    partners = table[table[zh["col_kind"]] == zh["sugg_co_building"]]
    # the community's core leads the partner it is offered; a village without a core, none
    assert dict(zip(partners[zh["community"]], partners[zh["col_leader"]], strict=True)) == {
        "幸福社区": "幸福党委",
        "李庄村": "",
    }


def test_report_download_is_the_analysis_workbook(small_net: Network) -> None:
    import openpyxl

    from govnet.app.source import report_bytes
    from graph.analysis import analyze

    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(analyze(small_net, year=2024))))
    assert len(wb.sheetnames) >= 3
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "幸福社区" in cells
    assert not cells & {"张三", "李四", "王五", "赵六"}  # no clear personal names
