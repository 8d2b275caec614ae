"""Privacy: clear names, phone numbers and ID numbers of people never leave the loader.

A ledger full of real-looking personal data (every clear value kept in a set) is read,
validated, analysed, loaded into FalkorDB, exported and shown in every app page; every
output (graph node properties, CLI output of validate/info/analyze/export, analysis JSON,
the xlsx report, the exported ledger as CSV and xlsx, FalkorDB contents, every element of
every page, and the log records) is scanned for any clear value. Pseudonyms are stable
with one key and unrelated with another.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from govnet.cli.main import app as cli
from graph.network import Network
from graph.schema import PERSONAL_COLUMNS
from graph.store import open_store
from loaders.ledger import read_ledger
from loaders.pseudonymize import is_pseudonym, pseudonym
from tests.conftest import ROOT
from tests.ledgers import app_text, small_tables

SURNAMES = ["欧阳", "司马", "诸葛", "上官", "东方", "慕容", "令狐", "皇甫", "尉迟", "公孙"]
GIVEN = ["建国", "秀英", "志强", "丽娟", "国庆", "海燕", "文斌", "春梅", "振华", "玉兰", "德胜"]
PAGES = ("overview", "network", "coverage", "weak", "stars", "trends")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(i: int) -> str:
    """A well-formed 18-digit resident ID (Zhengzhou area code, birth date, check digit)."""
    body = f"410103{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def personal_tables() -> tuple[dict[str, pd.DataFrame], set[str]]:
    """The small app ledger plus 110 residents with names, phones and ID numbers written the
    ways clerks write them; returns the tables and every clear value in them."""
    t = small_tables()
    rows, links = [], []
    places = ["C1", "C2", "V1", "G1", "P1", "B1", "B2", "G3"]
    for i, (s, g) in enumerate((s, g) for s in SURNAMES for g in GIVEN):
        pid = f"R{i:03d}"
        phone = f"13{i % 10}{(i * 7919) % 10**8:08d}"
        phone = [phone, f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"+86 {phone}"][i % 3]
        roles = ["volunteer", "building_leader", "in_service_member", "grid_worker"][i % 4]
        rows.append((pid, s + g, places[i % len(places)], "是" if i % 2 else "否", roles,
                     phone, id_number(i)))  # fmt: skip
        links.append((pid, "O10" if i % 2 else "O7", "MEMBER_OF" if i % 2 else "HOLDS_ROLE"))
        if i % 3 == 0:
            links.append((pid, "C1", "REPORTS_TO"))
    people = t["people"].assign(phone=["13800138000", "13900139000", None, "13700137000"])
    people = people.assign(id_number=[id_number(900 + i) for i in range(len(people))])
    more = pd.DataFrame(rows, columns=[*people.columns])
    t["people"] = pd.concat([people, more], ignore_index=True)
    extra = pd.DataFrame(links, columns=["source_id", "target_id", "type"]).assign(
        since="2022-01-01"
    )
    t["links"] = pd.concat([t["links"], extra], ignore_index=True)
    clear: set[str] = set()
    for column in PERSONAL_COLUMNS["people"]:
        values = t["people"][column].dropna().astype(str)
        clear |= set(values)
        if column == "phone":  # the digits however they were typed
            clear |= {v.replace(" ", "").removeprefix("+86") for v in values}
    return t, clear


def write_ledger(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, df in tables.items():
        df.to_csv(folder / f"{key}.csv", index=False)
    return folder


def zip_of(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path in sorted(folder.glob("*.csv")):
            z.write(path, path.name)
    return buf.getvalue()


def leaks(text: str, clear: set[str]) -> set[str]:
    return {v for v in clear if v in text}


def xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    finally:
        wb.close()


def folder_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.csv")))


def graph_text(network: Network) -> str:
    g = network.graph
    nodes = (json.dumps(a, ensure_ascii=False, default=str) for _, a in g.nodes(data=True))
    edges = (json.dumps(a, ensure_ascii=False, default=str) for *_, a in g.edges(data=True))
    return "\n".join([*nodes, *edges, *map(str, g.nodes)])


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def personal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    tables, clear = personal_tables()
    folder = write_ledger(tables, tmp_path_factory.mktemp("personal") / "ledger")
    other = "\n".join(
        df.drop(columns=list(PERSONAL_COLUMNS["people"]), errors="ignore").to_csv()
        for key, df in tables.items()
    )
    assert not leaks(other, clear), "test data: a clear value also appears outside people"
    assert len(clear) > 300
    return folder, clear


@pytest.fixture
def caplog_all(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "250"})
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    return result.output


# --- tests -----------------------------------------------------------------------------------


def test_the_network_holds_pseudonyms_only(personal, caplog_all) -> None:
    folder, clear = personal
    network = read_ledger(folder)
    people = network.tables["people"]
    assert len(people) == 4 + len(SURNAMES) * len(GIVEN)
    for column in PERSONAL_COLUMNS["people"]:
        assert people[column].dropna().map(lambda v, c=column: is_pseudonym(c, v)).all()
    assert not leaks(graph_text(network), clear)
    assert not leaks(caplog_all.text, clear)


def test_cli_outputs_hold_no_clear_value(personal, tmp_path: Path, caplog_all) -> None:
    folder, clear = personal
    texts = {
        "validate": run_cli("validate", str(folder)),
        "validate json": run_cli("validate", str(folder), "--format", "json"),
        "info": run_cli("info", str(folder)),
        "info json": run_cli("info", str(folder), "--format", "json"),
        "analyze": run_cli("analyze", str(folder)),
        "analyze json": run_cli("analyze", str(folder), "--format", "json"),
    }
    report = tmp_path / "report.xlsx"
    texts["analyze xlsx"] = run_cli(
        "analyze", str(folder), "--format", "xlsx", "--out", str(report)
    )
    texts["report"] = xlsx_text(report)
    texts["export csv"] = run_cli("export", str(tmp_path / "csv"), "--ledger", str(folder))
    texts["exported csv"] = folder_text(tmp_path / "csv")
    texts["export xlsx"] = run_cli("export", str(tmp_path / "l.xlsx"), "--ledger", str(folder))
    texts["exported xlsx"] = xlsx_text(tmp_path / "l.xlsx")
    assert "人员-" in texts["exported csv"] and "人员-" in texts["exported xlsx"]
    assert len(json.loads(texts["analyze json"])["communities"]) == 3
    for what, text in texts.items():
        assert not leaks(text, clear), what
    assert not leaks(caplog_all.text, clear)


def test_an_invalid_ledger_reports_without_clear_values(personal, tmp_path: Path) -> None:
    folder, clear = personal
    tables, _ = personal_tables()
    tables["people"].loc[10, "place_id"] = "NOWHERE"  # a resident in an unknown place
    tables["people"].loc[11, "party_member"] = "也许"
    tables["people"].loc[12, "id"] = tables["people"].loc[13, "id"]  # a duplicate id
    bad = write_ledger(tables, tmp_path / "bad")
    for args in (["validate", str(bad)], ["validate", str(bad), "--format", "json"]):
        out = run_cli(*args)
        assert "NOWHERE" in out and "也许" in out
        assert not leaks(out, clear), args
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["src"] = "upload"
    at.session_state["upload_bytes"] = ("bad.zip", zip_of(bad))
    at.run()
    shown = app_text(at)
    assert "NOWHERE" in shown
    assert not leaks(shown, clear)


def test_falkordb_holds_no_clear_value(personal, falkor_server, caplog_all) -> None:
    folder, clear = personal
    graph = f"privacy_{uuid.uuid4().hex[:8]}"
    out = run_cli("load", str(folder), "--db", falkor_server.uri, "--graph", graph)
    assert "loaded" in out and not leaks(out, clear)
    with open_store(falkor_server.uri, graph) as store:
        try:
            nodes = store.query("MATCH (n) RETURN n")
            rels = store.query("MATCH ()-[r]->() RETURN r")
            stored = nodes.to_json(force_ascii=False) + rels.to_json(force_ascii=False)
            assert "人员-" in stored
            assert not leaks(stored, clear)
            query = run_cli("query", "--db", falkor_server.uri, "--graph", graph,
                            "MATCH (p:Person) RETURN p LIMIT 500")  # fmt: skip
            assert not leaks(query, clear)
        finally:
            store.delete()
    assert not leaks(caplog_all.text, clear)


def visit(at: AppTest, pages: Iterable[str]) -> dict[str, str]:
    shown = {}
    for page in pages:
        at.switch_page(f"govnet/app/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        shown[page] = app_text(at)
    return shown


def test_app_pages_show_no_clear_value(personal, caplog_all) -> None:
    folder, clear = personal
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["lang"] = "zh"
    at.session_state["src"] = "upload"
    at.session_state["upload_bytes"] = ("personal.zip", zip_of(folder))
    at.run()
    assert not at.exception
    shown = visit(at, PAGES)
    # the network page of 幸福社区 with people drawn: pseudonyms are there, names are not
    at.switch_page("govnet/app/network.py").run()
    at.selectbox(key="net_street").set_value("S1").run()
    at.selectbox(key="net_community").set_value("C1").run()
    at.multiselect(key="net_expand").set_value(["person"]).run()  # people drawn one by one
    shown["network C1"] = app_text(at)
    assert "人员-" in shown["network C1"]
    for page, text in shown.items():
        assert not leaks(text, clear), page
    assert not leaks(caplog_all.text, clear)


def test_pseudonyms_stable_per_key_and_different_across_keys(personal) -> None:
    folder, _clear = personal
    a1 = read_ledger(folder, key="district-key-2026").tables["people"]
    a2 = read_ledger(folder, key="district-key-2026").tables["people"]
    b = read_ledger(folder, key="rotated-key-2027").tables["people"]
    for column in PERSONAL_COLUMNS["people"]:
        assert a1[column].equals(a2[column]), column
        both = a1[column].notna() & b[column].notna()
        assert (a1.loc[both, column] != b.loc[both, column]).all(), column
    # one phone typed three ways is one pseudonym; the key changes it
    typed = ["13912345678", "139 1234 5678", "+86 13912345678"]
    assert len({pseudonym("phone", v, b"district-key-2026") for v in typed}) == 1
    assert pseudonym("phone", typed[0], b"k1") != pseudonym("phone", typed[0], b"k2")
