"""Reading: xlsx, CSV folder and zip give the same network, whatever the language or spelling."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from graph.schema import TABLES
from loaders.ledger import read_ledger, validate_ledger
from loaders.read import match_name, read_raw
from tests.bad_ledgers import base_tables, to_chinese, write_csv, write_xlsx


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory):
    """The base ledger read from an English CSV folder: what every other form must equal."""
    return read_ledger(write_csv(base_tables(), tmp_path_factory.mktemp("ref")))


def test_reference_content(reference) -> None:
    t = reference.tables
    assert t["places"]["kind"].tolist()[:3] == ["district", "street", "community"]
    assert t["places"]["lat"].iloc[0] == pytest.approx(34.72)
    assert t["conditions"]["elderly"].tolist() == [400.0, 120.0]  # extra numeric column kept
    assert str(t["conditions"]["year"].dtype) == "Int64"
    assert t["people"]["roles"].iloc[0] == "building_leader;volunteer"
    assert t["people"]["party_member"].tolist() == [True, False, True]
    assert t["matters"]["submitted_at"].iloc[0] == pd.Timestamp("2024-03-01 09:00")
    # defaults: capacity 1, weight 1
    assert t["resources"]["capacity"].tolist() == [2, 1]
    assert t["links"]["weight"].tolist() == [1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0]
    g = reference.graph
    assert g.nodes["c1"]["label"] == "Place" and g.nodes["c1"]["kind"] == "community"
    assert g.has_edge("c1", "s1", key="PART_OF")
    assert g.has_edge("o4", "r1", key="PROVIDES")
    assert g.has_edge("o1", "o2", key="LEADS#0")


@pytest.mark.parametrize("headers", ["en", "zh", "zh_en", "paren", "fullwidth", "en_zh"])
def test_xlsx_header_forms_read_the_same(reference, tmp_path: Path, headers: str) -> None:
    path = write_xlsx(base_tables(), tmp_path / "l.xlsx", headers=headers, names="zh")
    assert read_ledger(path).equals(reference)


def test_chinese_workbook_equals_english_csv(reference, tmp_path: Path) -> None:
    """Chinese sheet names, headers and enumeration values (roles joined with 、)."""
    path = write_xlsx(
        to_chinese(base_tables()), tmp_path / "zh.xlsx", headers="zh", names="zh", help_sheet=True
    )
    net = read_ledger(path)
    assert net.equals(reference)
    assert net.tables["people"]["roles"].iloc[0] == "building_leader;volunteer"


def test_bilingual_sheet_names(reference, tmp_path: Path) -> None:
    path = write_xlsx(base_tables(), tmp_path / "b.xlsx", headers="zh_en", names="zh_en")
    assert read_ledger(path).equals(reference)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(reference, tmp_path: Path, encoding: str) -> None:
    folder = write_csv(
        to_chinese(base_tables()), tmp_path / "c", encoding=encoding, headers="zh", names="zh"
    )
    raw = (folder / "地.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert read_ledger(folder).equals(reference)


def test_zip_of_csv(reference, tmp_path: Path) -> None:
    folder = write_csv(base_tables(), tmp_path / "ledger")
    path = tmp_path / "ledger.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"ledger/{f.name}")  # zipped as a folder, as people do
        zf.writestr("__MACOSX/ledger/._places.csv", b"junk")
    assert read_ledger(path).equals(reference)


def test_aliases_and_separators(reference, tmp_path: Path) -> None:
    tables = base_tables()
    tables["people"]["party_member"] = ["是", "否", "yes"]
    tables["people"]["roles"] = ["志愿者；building_leader", None, " 网格员 "]
    tables["places"].loc[2, "kind"] = "Community"
    tables["links"]["type"] = tables["links"]["type"].str.lower()
    assert read_ledger(write_csv(tables, tmp_path / "a")).equals(reference)


def test_whitespace_and_blank_rows(reference, tmp_path: Path) -> None:
    tables = base_tables()
    tables["places"].loc[1, "name"] = "  大学路街道  "
    tables["places"] = pd.concat(
        [tables["places"], pd.DataFrame([{"id": " ", "name": ""}] * 3)], ignore_index=True
    )
    assert read_ledger(write_csv(tables, tmp_path / "w")).equals(reference)
    assert read_ledger(write_xlsx(tables, tmp_path / "w.xlsx")).equals(reference)


def test_blank_row_in_the_middle_keeps_row_numbers(tmp_path: Path) -> None:
    folder = write_csv(base_tables(), tmp_path / "m")
    lines = (folder / "people.csv").read_text().splitlines()
    lines.insert(2, "")  # a blank line: row 3 of the file
    lines.insert(3, ",,,,,,")  # an all-empty row: row 4
    lines[-1] = lines[-1].replace("v1", "nowhere")  # the last person is now row 6
    (folder / "people.csv").write_text("\n".join(lines) + "\n\n\n")
    report = validate_ledger(folder)
    assert [(e.table, e.row, e.column, e.value) for e in report.errors] == [
        ("people", 6, "place_id", "nowhere")
    ]


def test_xlsx_numbers_and_dates_as_cells(reference, tmp_path: Path) -> None:
    """Numbers typed as numbers and dates as Excel dates read like their text."""
    tables = base_tables()
    tables["conditions"]["year"] = [2024, 2024]
    tables["conditions"]["population"] = [3000.0, 800]
    tables["organizations"]["founded"] = [pd.Timestamp("2010-05-01").to_pydatetime()] + [None] * 5
    tables["matters"]["submitted_at"] = [
        pd.Timestamp("2024-03-01 09:00").to_pydatetime(),
        pd.Timestamp("2024-04-02").to_pydatetime(),
    ]
    assert read_ledger(write_xlsx(tables, tmp_path / "n.xlsx")).equals(reference)


def test_date_spellings(tmp_path: Path) -> None:
    tables = base_tables()
    tables["organizations"]["founded"] = [
        "2010/5/1",
        "2010.5.1",
        "2010年5月1日",
        "2010-05-01T00:00:00",
        "2010-5-1",
        None,
    ]
    net = read_ledger(write_csv(tables, tmp_path / "d"))
    assert (
        net.tables["organizations"]["founded"].dropna().tolist() == [pd.Timestamp("2010-05-01")] * 5
    )


def test_match_name_forms() -> None:
    names = {c.key: c.zh for c in TABLES["people"].columns}
    for text in [
        "place_id",
        "Place ID",
        "地点编号",
        "地点编号 place_id",
        "地点编号(place_id)",
        "地点编号（place_id）",
        "place_id 地点编号",
        " PLACE_ID ",
    ]:
        assert match_name(text, names) == "place_id", text
    assert match_name("place id", {"id": "编号"}) is None  # never mistaken for `id`
    assert match_name("编号 place_id", names) is None  # the two halves disagree


def test_help_sheet_is_ignored(tmp_path: Path) -> None:
    path = write_xlsx(base_tables(), tmp_path / "h.xlsx", help_sheet=True)
    raw = read_raw(path)
    assert raw.errors == [] and set(raw.tables) == set(TABLES)


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    tables = {"places": base_tables()["places"]}
    report = validate_ledger(write_xlsx(tables, tmp_path / "p.xlsx"))
    assert report.errors == []
    assert report.counts == {t: 8 if t == "places" else 0 for t in TABLES}
    assert len(report.network.tables["links"]) == 0


def test_demo_xlsx_and_csv_are_equal_and_clean(demo_dir: Path) -> None:
    xlsx = validate_ledger(demo_dir / "ledger.xlsx")
    csv = validate_ledger(demo_dir / "csv")
    assert xlsx.errors == [] and csv.errors == []
    assert xlsx.counts == csv.counts and xlsx.counts["people"] > 1000
    assert xlsx.network.equals(csv.network)
