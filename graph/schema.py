"""The govnet schema: tables, columns, enumerations, labels and link rules.

Everything else (loaders, graph model, stores, analysis, app) reads names from here,
so a new kind or link type is added in exactly one place. It follows
``docs/ledger.md`` (generated from this module by ``python -m govnet.docs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["id", "ref", "str", "enum", "int", "float", "date", "roles", "bool"]


@dataclass(frozen=True)
class Column:
    """One ledger column: its English key, Chinese header and how it is parsed."""

    key: str
    zh: str
    type: ColumnType = "str"
    required: bool = False
    enum: str | None = None  # name of the enumeration in ENUMS for type "enum"
    refs: tuple[str, ...] = ()  # tables an id in a "ref" column may point to
    default: object = None
    personal: bool = False  # pseudonymized on import
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """One ledger table (a sheet of the workbook or one CSV file)."""

    key: str
    zh: str
    columns: tuple[Column, ...]
    label: str | None = None  # node label for tables whose rows are nodes
    extra_numeric: bool = False  # conditions: any other numeric column is kept
    doc: str = ""

    @property
    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# --- enumerations: English key -> Chinese name -------------------------------------------

PLACE_KINDS: dict[str, str] = {
    "district": "区",
    "street": "街道",
    "town": "乡镇",
    "community": "社区",
    "village": "村",
    "grid": "网格",
    "compound": "小区",
    "building": "楼栋",
    "venue": "阵地",
}
# The place kinds a campaign rates (社区 and 村), and the ones above them (街道 and 乡镇).
COMMUNITY_KINDS = ("community", "village")
STREET_KINDS = ("street", "town")

PARTY_ORG_KINDS: dict[str, str] = {
    "party_committee": "党委",
    "party_working_committee": "党工委",
    "party_general_branch": "党总支",
    "party_branch": "党支部",
    "party_group": "党小组",
}

ACTOR_ORG_KINDS: dict[str, str] = {
    "residents_committee": "居委会",
    "villagers_committee": "村委会",
    "property_company": "物业企业",
    "owners_committee": "业委会",
    "social_org": "社会组织",
    "volunteer_team": "志愿服务队",
    "unit": "共建单位",
    "business": "商户企业",
    "collective_economy": "集体经济组织",
}

ORG_KINDS: dict[str, str] = {**PARTY_ORG_KINDS, **ACTOR_ORG_KINDS}

ROLES: dict[str, str] = {
    "grid_worker": "网格员",
    "building_leader": "楼栋长",
    "volunteer": "志愿者",
    "cadre": "社区干部",
    "in_service_member": "在职党员",
}

DOMAINS: dict[str, str] = {
    "elderly_care": "养老",
    "childcare": "托育",
    "safety": "平安",
    "environment": "环境",
    "employment": "就业",
    "health": "医疗",
    "culture": "文体",
    "legal": "法律",
    "repair": "维修",
    "other": "其他",
}

RESOURCE_KINDS: dict[str, str] = {
    "venue": "场地",
    "funding": "资金",
    "service": "服务",
    "expertise": "专业",
    "supplies": "物资",
    "jobs": "岗位",
}

MATTER_STATUS: dict[str, str] = {
    "submitted": "交单",
    "claimed": "领单",
    "in_progress": "清单",
    "closed": "结单",
}

BOOL_VALUES: dict[str, str] = {"true": "是", "false": "否"}

LINK_TYPES: dict[str, str] = {
    "LEADS": "领导",
    "SUBORDINATE_TO": "隶属",
    "ESTABLISHED_IN": "建在",
    "MANAGES": "管理",
    "COVERS": "覆盖",
    "SERVES": "服务",
    "MEMBER_OF": "成员",
    "HOLDS_ROLE": "任职",
    "REPORTS_TO": "报到",
    "CO_BUILDS": "共建",
    "FULFILLS": "对接",
    "PARTICIPATES_IN": "联议",
}

# Edges made by columns rather than the links table.
IMPLICIT_TYPES: dict[str, str] = {
    "PART_OF": "隶属于",
    "LOCATED_IN": "位于",
    "PROVIDES": "提供",
    "HANDLES": "承办",
}

REL_TYPES: dict[str, str] = {**LINK_TYPES, **IMPLICIT_TYPES}

ENUMS: dict[str, dict[str, str]] = {
    "place_kind": PLACE_KINDS,
    "org_kind": ORG_KINDS,
    "role": ROLES,
    "domain": DOMAINS,
    "resource_kind": RESOURCE_KINDS,
    "status": MATTER_STATUS,
    "link_type": LINK_TYPES,
    "bool": BOOL_VALUES,
}

# Extra spellings people type in real ledgers; mapped to the English key.
ENUM_ALIASES: dict[str, dict[str, str]] = {
    "bool": {
        "y": "true",
        "yes": "true",
        "1": "true",
        "true": "true",
        "n": "false",
        "no": "false",
        "0": "false",
        "false": "false",
        "党员": "true",
        "非党员": "false",
    },
    "place_kind": {"镇": "town", "乡": "town", "村委": "village"},
}

# --- tables -------------------------------------------------------------------------------

NODE_TABLES = ("places", "organizations", "people", "matters", "resources")

TABLES: dict[str, Table] = {
    t.key: t
    for t in (
        Table(
            "places",
            "地",
            (
                Column("id", "编号", "id", True),
                Column("name", "名称", "str", True),
                Column("kind", "类型", "enum", True, enum="place_kind"),
                Column("parent_id", "上级编号", "ref", refs=("places",)),
                Column("lat", "纬度", "float"),
                Column("lon", "经度", "float"),
            ),
            label="Place",
            doc="地: streets, communities, villages, grids, compounds, buildings, venues",
        ),
        Table(
            "conditions",
            "情",
            (
                Column("place_id", "地点编号", "ref", True, refs=("places",)),
                Column("year", "年度", "int", True),
                Column("population", "常住人口", "int"),
                Column("households", "户数", "int"),
                Column("petitions", "信访件数", "int"),
                Column("accidents", "安全事故数", "int"),
                Column("criminal_cases", "刑事案件数", "int"),
            ),
            extra_numeric=True,
            doc="情: yearly conditions of a place; any other numeric column is kept",
        ),
        Table(
            "organizations",
            "组织",
            (
                Column("id", "编号", "id", True),
                Column("name", "名称", "str", True),
                Column("kind", "类型", "enum", True, enum="org_kind"),
                Column("place_id", "所在地点编号", "ref", True, refs=("places",)),
                Column("party_members", "党员数", "int"),
                Column("founded", "成立日期", "date"),
            ),
            label="Organization",
            doc="组织: party organizations and the many actors",
        ),
        Table(
            "people",
            "人",
            (
                Column("id", "编号", "id", True),
                Column("name", "姓名", "str", personal=True),
                Column("place_id", "地点编号", "ref", True, refs=("places",)),
                Column("party_member", "是否党员", "bool"),
                Column("roles", "角色", "roles"),
                Column("phone", "手机号", "str", personal=True),
                Column("id_number", "身份证号", "str", personal=True),
            ),
            label="Person",
            doc="人: party members, volunteers, grid workers, building leaders, cadres",
        ),
        Table(
            "matters",
            "事",
            (
                Column("id", "编号", "id", True),
                Column("place_id", "地点编号", "ref", True, refs=("places",)),
                Column("domain", "领域", "enum", True, enum="domain"),
                Column("title", "标题", "str"),
                Column("status", "状态", "enum", True, enum="status"),
                Column("submitted_at", "交单时间", "date", True),
                Column("claimed_at", "领单时间", "date"),
                Column("replied_at", "反馈时间", "date"),
                Column("closed_at", "结单时间", "date"),
                Column("handler_id", "承办方编号", "ref", refs=("organizations", "people")),
                Column("major", "重大复杂", "bool", default=False),
            ),
            label="Matter",
            doc="事: needs and matters, submitted, claimed, worked, closed",
        ),
        Table(
            "resources",
            "物",
            (
                Column("id", "编号", "id", True),
                Column("name", "名称", "str", True),
                Column("kind", "形式", "enum", True, enum="resource_kind"),
                Column("domain", "领域", "enum", True, enum="domain"),
                Column("provider_id", "提供方编号", "ref", True, refs=("organizations", "people")),
                Column("place_id", "地点编号", "ref", refs=("places",)),
                Column("capacity", "数量", "int", default=1),
            ),
            label="Resource",
            doc="物: venues, funds, services, expertise, supplies and jobs on offer",
        ),
        Table(
            "links",
            "关系",
            (
                Column("source_id", "起点编号", "ref", True, refs=NODE_TABLES),
                Column("target_id", "终点编号", "ref", True, refs=NODE_TABLES),
                Column("type", "类型", "enum", True, enum="link_type"),
                Column("weight", "强度", "float", default=1.0),
                Column("since", "起始日期", "date"),
                Column("until", "终止日期", "date"),
            ),
            doc="关系: explicit links between any two nodes",
        ),
    )
}

# Personal data (pseudonymized on import, never shown in clear): table -> its personal columns.
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    t.key: cols for t in TABLES.values() if (cols := tuple(c.key for c in t.columns if c.personal))
}

LABEL_TABLE: dict[str, str] = {t.label: t.key for t in TABLES.values() if t.label}
TABLE_LABEL: dict[str, str] = {t.key: t.label for t in TABLES.values() if t.label}
LABELS: tuple[str, ...] = tuple(LABEL_TABLE)

# Column -> implicit relationship: (table, column) -> (type, direction)
# direction "out": row node -> referenced node; "in": referenced node -> row node.
IMPLICIT_EDGES: dict[tuple[str, str], tuple[str, Literal["out", "in"]]] = {
    ("places", "parent_id"): ("PART_OF", "out"),
    ("organizations", "place_id"): ("LOCATED_IN", "out"),
    ("people", "place_id"): ("LOCATED_IN", "out"),
    ("matters", "place_id"): ("LOCATED_IN", "out"),
    ("resources", "place_id"): ("LOCATED_IN", "out"),
    ("resources", "provider_id"): ("PROVIDES", "in"),
    ("matters", "handler_id"): ("HANDLES", "in"),
}

# Allowed parent kinds of a place kind (None: no parent rule beyond "any place").
PARENT_KINDS: dict[str, frozenset[str] | None] = {
    "district": frozenset(),
    "street": frozenset({"district"}),
    "town": frozenset({"district"}),
    "community": frozenset(STREET_KINDS),
    "village": frozenset(STREET_KINDS),
    "grid": frozenset(COMMUNITY_KINDS),
    "compound": frozenset(COMMUNITY_KINDS),
    "building": frozenset({"compound", "grid"}),
    "venue": None,
}

# --- link rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class End:
    """An allowed end of a link: a label and optionally a set of kinds."""

    label: str
    kinds: frozenset[str] | None = None  # None: any kind of that label

    def allows(self, label: str, kind: str) -> bool:
        return label == self.label and (self.kinds is None or kind in self.kinds)


@dataclass(frozen=True)
class LinkRule:
    sources: tuple[End, ...]
    targets: tuple[End, ...]
    doc: str = field(default="")


_PARTY = End("Organization", frozenset(PARTY_ORG_KINDS))
_ORG = End("Organization")
_PERSON = End("Person")
_PLACE = End("Place")
_COMMUNITY = End("Place", frozenset(COMMUNITY_KINDS))
_UNIT = End("Organization", frozenset({"unit"}))

LINK_RULES: dict[str, LinkRule] = {
    "LEADS": LinkRule((_PARTY,), (_ORG,), "party org → organization"),
    "SUBORDINATE_TO": LinkRule((_PARTY,), (_PARTY,), "party org → superior party org"),
    "ESTABLISHED_IN": LinkRule((_PARTY,), (_ORG, _PLACE), "party org → host organization or place"),
    "MANAGES": LinkRule(
        (End("Organization", frozenset({"property_company"})),),
        (End("Place", frozenset({"compound"})),),
        "property company → compound",
    ),
    "COVERS": LinkRule(
        (End("Place", frozenset({"grid"})),),
        (End("Place", frozenset({"compound", "building"})),),
        "grid → compound or building",
    ),
    "SERVES": LinkRule((_ORG, _PERSON), (_PLACE,), "organization or person → place"),
    "MEMBER_OF": LinkRule((_PERSON,), (_ORG,), "person → organization"),
    "HOLDS_ROLE": LinkRule((_PERSON,), (_ORG,), "person → organization"),
    "REPORTS_TO": LinkRule((_PERSON, _UNIT), (_COMMUNITY,), "person or unit → community/village"),
    "CO_BUILDS": LinkRule(
        (_UNIT,), (_COMMUNITY, _PARTY), "unit → community/village or its party org"
    ),
    "FULFILLS": LinkRule((End("Resource"),), (End("Matter"),), "resource → matter"),
    "PARTICIPATES_IN": LinkRule(
        (_ORG, _PERSON), (End("Matter"),), "organization or person → matter"
    ),
}

# Core: party organizations at C itself of these kinds, highest first.
CORE_KINDS: tuple[str, ...] = ("party_committee", "party_general_branch", "party_branch")

# Actor kinds counted by `actor_kinds` (committee covers residents' and villagers' committees).
ACTOR_KIND_GROUPS: dict[str, frozenset[str]] = {
    "committee": frozenset({"residents_committee", "villagers_committee"}),
    "property_company": frozenset({"property_company"}),
    "owners_committee": frozenset({"owners_committee"}),
    "social_org": frozenset({"social_org"}),
    "volunteer_team": frozenset({"volunteer_team"}),
    "unit": frozenset({"unit"}),
}


def pascal(kind: str) -> str:
    """Kind key → the second node label (``party_branch`` → ``PartyBranch``)."""
    return "".join(part.capitalize() for part in kind.split("_"))


KIND_LABELS: dict[str, str] = {pascal(k): k for k in {**PLACE_KINDS, **ORG_KINDS}}
