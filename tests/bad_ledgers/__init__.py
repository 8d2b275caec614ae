"""A small valid ledger, writers for it, and a corpus of broken variants (one per rule).

Every case is made by code from the same valid ledger, so each one breaks exactly one
thing and the test knows the table, row (as Excel shows it) and column to expect.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from graph.schema import ENUMS, TABLES

Raw = dict[str, pd.DataFrame]


def base_tables() -> Raw:
    """A valid ledger touching every table, with text cells as a clerk would type them."""
    return {
        "places": pd.DataFrame(
            {
                "id": ["d1", "s1", "c1", "v1", "g1", "cp1", "b1", "ve1"],
                "name": [
                    "二七区",
                    "大学路街道",
                    "陇海社区",
                    "侯寨村",
                    "一网格",
                    "幸福小区",
                    "1号楼",
                    "党群服务中心",
                ],
                "kind": [
                    "district",
                    "street",
                    "community",
                    "village",
                    "grid",
                    "compound",
                    "building",
                    "venue",
                ],
                "parent_id": [None, "d1", "s1", "s1", "c1", "c1", "cp1", "c1"],
                "lat": ["34.72", None, None, None, None, None, None, None],
                "lon": ["113.62", None, None, None, None, None, None, None],
            }
        ),
        "conditions": pd.DataFrame(
            {
                "place_id": ["c1", "v1"],
                "year": ["2024", "2024"],
                "population": ["3000", "800"],
                "households": ["1000", None],
                "elderly": ["400", "120"],
            }
        ),
        "organizations": pd.DataFrame(
            {
                "id": ["o1", "o2", "o3", "o4", "o5", "o6"],
                "name": [
                    "陇海社区党支部",
                    "陇海社区居委会",
                    "幸福物业",
                    "区人民医院",
                    "志愿服务队",
                    "幸福小区业委会",
                ],
                "kind": [
                    "party_branch",
                    "residents_committee",
                    "property_company",
                    "unit",
                    "volunteer_team",
                    "owners_committee",
                ],
                "place_id": ["c1", "c1", "cp1", "s1", "c1", "cp1"],
                "party_members": ["30", None, None, "120", None, None],
                "founded": ["2010-05-01", None, None, None, None, None],
            }
        ),
        "people": pd.DataFrame(
            {
                "id": ["p1", "p2", "p3"],
                "name": ["张三", "李四", "王五"],
                "place_id": ["b1", "c1", "v1"],
                "party_member": ["true", "false", "true"],
                "roles": ["volunteer;building_leader", None, "grid_worker"],
                "phone": ["13800000000", None, "13900000000"],
                "id_number": ["41010519900101123X", None, "410105198001011234"],
            }
        ),
        "matters": pd.DataFrame(
            {
                "id": ["m1", "m2"],
                "place_id": ["c1", "c1"],
                "domain": ["elderly_care", "repair"],
                "title": ["助餐", "楼道灯坏了"],
                "status": ["closed", "submitted"],
                "submitted_at": ["2024-03-01 09:00:00", "2024-04-02"],
                "claimed_at": ["2024-03-01 12:00:00", None],
                "replied_at": ["2024-03-02", None],
                "closed_at": ["2024-03-05 10:00:00", None],
                "handler_id": ["o2", None],
                "major": ["否", "是"],
            }
        ),
        "resources": pd.DataFrame(
            {
                "id": ["r1", "r2"],
                "name": ["活动室", "法律咨询"],
                "kind": ["venue", "expertise"],
                "domain": ["elderly_care", "legal"],
                "provider_id": ["o4", "p3"],
                "place_id": ["c1", None],
                "capacity": ["2", None],
            }
        ),
        "links": pd.DataFrame(
            {
                "source_id": ["o1", "o3", "g1", "p1", "o4", "r1", "p2", "o1", "p1"],
                "target_id": ["o2", "cp1", "b1", "o5", "c1", "m1", "c1", "c1", "o6"],
                "type": [
                    "LEADS",
                    "MANAGES",
                    "COVERS",
                    "MEMBER_OF",
                    "CO_BUILDS",
                    "FULFILLS",
                    "REPORTS_TO",
                    "ESTABLISHED_IN",
                    "HOLDS_ROLE",
                ],
                "weight": [None, None, None, None, "2", None, None, None, None],
                "since": [None, None, None, None, "2023-01-01", None, "2023-06-01", None, None],
                "until": [None] * 9,
            }
        ),
    }


# --- Chinese form -------------------------------------------------------------------------------

ENUM_COLUMNS = {
    (t.key, c.key): c for t in TABLES.values() for c in t.columns if c.type in ("enum", "bool")
}


def to_chinese(tables: Raw) -> Raw:
    """The same ledger with Chinese enumeration values (roles joined with 、)."""
    out = copy.deepcopy(tables)
    for (table, column), col in ENUM_COLUMNS.items():
        if table in out and column in out[table]:
            names = ENUMS[col.enum or "bool"]
            out[table][column] = out[table][column].map(lambda v, n=names: n.get(v, v))
    if "people" in out:
        roles = ENUMS["role"]
        out["people"]["roles"] = out["people"]["roles"].map(
            lambda v: "、".join(roles[r] for r in v.split(";")) if isinstance(v, str) else v
        )
    return out


def header(table: str, column: str, style: str) -> str:
    """A column header in one of the accepted forms."""
    spec = TABLES[table]
    if column not in spec.column_keys:
        return column  # an extra numeric column of conditions keeps its own name
    zh = spec.column(column).zh
    return {
        "en": column,
        "zh": zh,
        "zh_en": f"{zh} {column}",
        "paren": f"{zh}({column})",
        "fullwidth": f"{zh}（{column}）",
        "en_zh": f"{column} {zh}",
    }[style]


def sheet_name(table: str, style: str) -> str:
    if table not in TABLES:
        return table
    zh = TABLES[table].zh
    return {"en": table, "zh": zh, "zh_en": f"{zh} {table}"}.get(style, table)


# --- writers ------------------------------------------------------------------------------------


def write_csv(
    tables: Raw, folder: Path, *, encoding: str = "utf-8", headers: str = "en", names: str = "en"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, df in tables.items():
        out = df.rename(columns=lambda c, t=table: header(t, c, headers) if t in TABLES else c)
        out.to_csv(folder / f"{sheet_name(table, names)}.csv", index=False, encoding=encoding)
    return folder


def write_xlsx(
    tables: Raw, path: Path, *, headers: str = "en", names: str = "en", help_sheet: bool = False
) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if help_sheet:
        wb.create_sheet("说明").append(["这是说明 this is the help sheet"])
    for table, df in tables.items():
        ws = wb.create_sheet(sheet_name(table, names))
        ws.append([header(table, c, headers) if table in TABLES else c for c in df.columns])
        for row in df.itertuples(index=False):
            ws.append([None if pd.isna(v) else v for v in row])
    wb.save(path)
    return path


# --- the corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """An error the case must produce: where (as the user sees it) and words of the message."""

    table: str | None
    row: int | None
    column: str | None
    words: str


@dataclass(frozen=True)
class Case:
    name: str
    rule: str
    change: Callable[[Raw], None]
    expect: tuple[Expect, ...]
    alone: bool = True  # the expected errors are the only ones (no follow-on errors)


def _set(table: str, index: int, column: str, value) -> Callable[[Raw], None]:
    def change(t: Raw) -> None:
        t[table].loc[index, column] = value

    return change


def _drop_column(table: str, column: str) -> Callable[[Raw], None]:
    def change(t: Raw) -> None:
        t[table] = t[table].drop(columns=[column])

    return change


def _add_row(table: str, row: dict) -> Callable[[Raw], None]:
    def change(t: Raw) -> None:
        t[table] = pd.concat([t[table], pd.DataFrame([row])], ignore_index=True)

    return change


def _both(*changes: Callable[[Raw], None]) -> Callable[[Raw], None]:
    def change(t: Raw) -> None:
        for c in changes:
            c(t)

    return change


def _extra_table(t: Raw) -> None:
    t["budget"] = pd.DataFrame({"id": ["x"]})


def _drop_places(t: Raw) -> None:
    del t["places"]


E = Expect
CASES: tuple[Case, ...] = (
    Case("unknown_table", "unknown table", _extra_table, (E(None, None, None, "unknown table"),)),
    Case(
        "missing_table",
        "missing required table",
        _drop_places,
        (E("places", None, None, "missing required table"),),
        alone=False,
    ),
    Case(
        "missing_column",
        "missing required column",
        _drop_column("organizations", "place_id"),
        (E("organizations", 1, "place_id", "missing required column"),),
    ),
    Case(
        "bad_place_kind",
        "bad enumeration value",
        _set("places", 3, "kind", "villagex"),
        (E("places", 5, "kind", "unknown kind"),),
    ),
    Case(
        "bad_parent_kind",  # the street's kind is bad: its children are not blamed for it
        "bad enumeration value",
        _set("places", 1, "kind", "街"),
        (E("places", 3, "kind", "unknown kind"),),
    ),
    Case(
        "bad_org_kind",
        "bad enumeration value",
        _set("organizations", 1, "kind", "委员会"),
        (E("organizations", 3, "kind", "unknown kind"),),
    ),
    Case(
        "bad_status",
        "bad enumeration value",
        _set("matters", 1, "status", "done"),
        (E("matters", 3, "status", "unknown status"),),
    ),
    Case(
        "bad_domain",
        "bad enumeration value",
        _set("resources", 0, "domain", "养猪"),
        (E("resources", 2, "domain", "unknown domain"),),
    ),
    Case(
        "bad_resource_kind",
        "bad enumeration value",
        _set("resources", 1, "kind", "money"),
        (E("resources", 3, "kind", "unknown kind"),),
    ),
    Case(
        "bad_link_type",
        "bad enumeration value",
        _set("links", 2, "type", "KNOWS"),
        (E("links", 4, "type", "unknown type"),),
    ),
    Case(
        "bad_role",
        "bad enumeration value",
        _set("people", 1, "roles", "volunteer;boss"),
        (E("people", 3, "roles", "unknown role"),),
    ),
    Case(
        "bad_bool",
        "bad enumeration value",
        _set("people", 0, "party_member", "maybe"),
        (E("people", 2, "party_member", "expected 是/否"),),
    ),
    Case(
        "duplicate_id_same_table",
        "duplicate id",
        _add_row("people", {"id": "p1", "place_id": "c1"}),
        (E("people", 5, "id", "duplicate id"),),
    ),
    Case(
        "duplicate_id_across_tables",
        "duplicate id",
        _add_row("organizations", {"id": "c1", "name": "x", "kind": "unit", "place_id": "c1"}),
        (E("organizations", 8, "id", "first at places row 4"),),
    ),
    Case(
        "unknown_ref",
        "reference to an unknown id",
        _set("people", 1, "place_id", "c9"),
        (E("people", 3, "place_id", "unknown id"),),
    ),
    Case(
        "ref_wrong_table",
        "reference to an unknown id",
        _set("resources", 0, "provider_id", "c1"),
        (E("resources", 2, "provider_id", "expected a"),),
    ),
    Case(
        "unknown_link_end",
        "reference to an unknown id",
        _set("links", 5, "target_id", "m9"),
        (E("links", 7, "target_id", "unknown id"),),
    ),
    Case(
        "unknown_handler",
        "reference to an unknown id",
        _set("matters", 0, "handler_id", "nobody"),
        (E("matters", 2, "handler_id", "unknown id"),),
    ),
    Case(
        "parent_wrong_kind",
        "parent of the wrong kind",
        _set("places", 4, "parent_id", "s1"),
        (E("places", 6, "parent_id", "parent must be community"),),
    ),
    Case(
        "district_with_parent",
        "parent of the wrong kind",
        _both(
            _add_row("places", {"id": "d2", "name": "另一区", "kind": "district"}),
            _set("places", 0, "parent_id", "d2"),
        ),
        (E("places", 2, "parent_id", "parent must be none"),),
    ),
    Case(
        "parent_cycle",
        "parent cycle",
        _both(
            _add_row("places", {"id": "ve2", "name": "阵地2", "kind": "venue", "parent_id": "ve1"}),
            _set("places", 7, "parent_id", "ve2"),
        ),
        (E("places", 9, "parent_id", "parent cycle"), E("places", 10, "parent_id", "cycle")),
    ),
    Case(
        "self_parent",
        "parent cycle",
        _set("places", 7, "parent_id", "ve1"),
        (E("places", 9, "parent_id", "ve1 → ve1"),),
    ),
    Case(
        "link_wrong_kinds",
        "link type between kinds it does not allow",
        _set("links", 0, "source_id", "p1"),
        (E("links", 2, "type", "LEADS"),),
    ),
    Case(
        "link_end_with_bad_kind",  # o3's kind is bad: MANAGES o3 → cp1 is not blamed for it
        "bad enumeration value",
        _set("organizations", 2, "kind", "物业"),
        (E("organizations", 4, "kind", "unknown kind"),),
    ),
    Case(
        "link_wrong_target_kind",
        "link type between kinds it does not allow",
        _set("links", 1, "target_id", "c1"),
        (E("links", 3, "type", "property company"),),
    ),
    Case(
        "bad_int",
        "unparseable number",
        _set("conditions", 0, "population", "many"),
        (E("conditions", 2, "population", "not a whole number"),),
    ),
    Case(
        "fraction_int",
        "unparseable number",
        _set("conditions", 1, "year", "2024.5"),
        (E("conditions", 3, "year", "not a whole number"),),
    ),
    Case(
        "bad_float",
        "unparseable number",
        _set("places", 0, "lat", "north"),
        (E("places", 2, "lat", "not a number"),),
    ),
    Case(
        "bad_extra_number",
        "unparseable number",
        _set("conditions", 0, "elderly", "lots"),
        (E("conditions", 2, "elderly", "not a number"),),
    ),
    Case(
        "bad_weight",
        "unparseable number",
        _set("links", 4, "weight", "strong"),
        (E("links", 6, "weight", "not a number"),),
    ),
    Case(
        "negative_capacity",
        "unparseable number",
        _set("resources", 0, "capacity", "-1"),
        (E("resources", 2, "capacity", "negative"),),
    ),
    Case(
        "bad_date",
        "unparseable date",
        _set("organizations", 0, "founded", "someday"),
        (E("organizations", 2, "founded", "unparseable date"),),
    ),
    Case(
        "bad_datetime",
        "unparseable date",
        _set("matters", 0, "submitted_at", "2024-13-45"),
        (E("matters", 2, "submitted_at", "unparseable date"),),
    ),
    Case(
        "impossible_date",  # must not roll over to 2024-03-01
        "unparseable date",
        _set("matters", 1, "submitted_at", "2024/2/30"),
        (E("matters", 3, "submitted_at", "unparseable date"),),
    ),
    Case(
        "closed_before_submitted",
        "closed_at before submitted_at",
        _set("matters", 0, "closed_at", "2024-02-01"),
        (E("matters", 2, "closed_at", "closed_at is before submitted_at"),),
    ),
    Case(
        "replied_before_submitted",
        "replied_at before submitted_at",
        _set("matters", 0, "replied_at", "2024-02-28"),
        (E("matters", 2, "replied_at", "replied_at is before submitted_at"),),
    ),
    Case(
        "bad_major",
        "bad enumeration value",
        _set("matters", 1, "major", "很大"),
        (E("matters", 3, "major", "expected 是/否"),),
    ),
    Case(
        "required_missing",
        "required value missing",
        _set("places", 2, "name", None),
        (E("places", 4, "name", "required"),),
    ),
    Case(
        "required_whitespace",
        "required value missing",
        _set("matters", 1, "place_id", "   "),
        (E("matters", 3, "place_id", "required"),),
    ),
    Case(
        "duplicate_conditions",
        "duplicate conditions row",
        _add_row("conditions", {"place_id": "c1", "year": "2024", "population": "1"}),
        (E("conditions", 4, "year", "duplicate conditions"),),
    ),
)


def broken(case: Case) -> Raw:
    """The base ledger with one case's change applied."""
    tables = base_tables()
    case.change(tables)
    return tables
