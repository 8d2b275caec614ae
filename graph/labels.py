"""One bilingual label table: enumeration values, statuses, relationship types, node labels.

Chinese comes from ``graph.schema`` (the ledger's own words); English sits beside it here.
Values are looked up *per enumeration*, never by the bare key: ``venue`` is a place kind
(阵地) and a resource kind (场地), so ``label("resource_kind", "venue")`` and
``kind_label("Resource", "venue")`` are the only ways to name it. The CLI, the app, the
report and the generated docs all read this table.
"""

from __future__ import annotations

from typing import Literal

from graph.schema import ENUMS, REL_TYPES, TABLES

Lang = Literal["zh", "en"]

EN: dict[str, dict[str, str]] = {
    "place_kind": {
        "district": "district",
        "street": "street",
        "town": "town",
        "community": "community",
        "village": "village",
        "grid": "grid",
        "compound": "residential compound",
        "building": "building",
        "venue": "service venue",
    },
    "org_kind": {
        "party_committee": "party committee",
        "party_working_committee": "party working committee",
        "party_general_branch": "party general branch",
        "party_branch": "party branch",
        "party_group": "party group",
        "residents_committee": "residents' committee",
        "villagers_committee": "villagers' committee",
        "property_company": "property company",
        "owners_committee": "owners' committee",
        "social_org": "social organization",
        "volunteer_team": "volunteer team",
        "unit": "co-building unit",
        "business": "business",
        "collective_economy": "collective economic organization",
    },
    "role": {
        "grid_worker": "grid worker",
        "building_leader": "building leader",
        "volunteer": "volunteer",
        "cadre": "community cadre",
        "in_service_member": "in-service party member",
    },
    "domain": {
        "elderly_care": "elderly care",
        "childcare": "childcare",
        "safety": "safety",
        "environment": "environment",
        "employment": "employment",
        "health": "health",
        "culture": "culture and sports",
        "legal": "legal aid",
        "repair": "repairs",
        "other": "other",
    },
    "resource_kind": {
        "venue": "venue",
        "funding": "funding",
        "service": "service",
        "expertise": "expertise",
        "supplies": "supplies",
        "jobs": "jobs",
    },
    "status": {
        "submitted": "submitted",
        "claimed": "claimed",
        "in_progress": "in progress",
        "closed": "closed",
    },
    "rel_type": {
        "LEADS": "leads",
        "SUBORDINATE_TO": "subordinate to",
        "ESTABLISHED_IN": "established in",
        "MANAGES": "manages",
        "COVERS": "covers",
        "SERVES": "serves",
        "MEMBER_OF": "member of",
        "HOLDS_ROLE": "holds role in",
        "REPORTS_TO": "reports to",
        "CO_BUILDS": "co-builds with",
        "FULFILLS": "fulfills",
        "PARTICIPATES_IN": "participates in",
        "PART_OF": "part of",
        "LOCATED_IN": "located in",
        "PROVIDES": "provides",
        "HANDLES": "handles",
    },
    "bool": {"true": "yes", "false": "no"},
    "node_kind": {"person": "person", "matter": "matter", "resource": "resource"},
    "table": {t: t for t in TABLES},
    "node_label": {
        "Place": "place",
        "Organization": "organization",
        "Person": "person",
        "Matter": "matter",
        "Resource": "resource",
    },
    # sentences of suggested links (community profile); {names} are the ledger's
    "suggestion": {
        "resource": "resource “{resource}” meets the need “{matter}”",
        "co_building": "co-building unit “{unit}” becomes a partner",
        "co_building_led": "co-building unit “{unit}” becomes a partner, "
        "taken into the co-building joint meeting led by “{core}”",
    },
}

ZH: dict[str, dict[str, str]] = {
    **{name: dict(values) for name, values in ENUMS.items() if name != "link_type"},
    "rel_type": dict(REL_TYPES),
    "node_kind": {"person": "人员", "matter": "事项", "resource": "资源"},
    "table": {t.key: t.zh for t in TABLES.values()},
    "node_label": {
        "Place": "地点",
        "Organization": "组织",
        "Person": "人员",
        "Matter": "事项",
        "Resource": "资源",
    },
    "suggestion": {
        "resource": "资源「{resource}」对接需求「{matter}」",
        "co_building": "共建单位「{unit}」结对共建",
        "co_building_led": "共建单位「{unit}」结对共建，纳入「{core}」牵头的共建联席机制",
    },
}

# The enumeration a node's ``kind`` belongs to, per node label; people and matters have one
# fixed kind named like their label.
KIND_ENUM: dict[str, str] = {
    "Place": "place_kind",
    "Organization": "org_kind",
    "Resource": "resource_kind",
}
FIXED_KINDS: dict[str, str] = {"Person": "person", "Matter": "matter"}


def label(enum: str, key: str | None, lang: Lang = "zh") -> str:
    """The name of ``key`` in enumeration ``enum`` (``place_kind``, ``status``, ``rel_type``…);
    an unknown key is returned as written, so a new value is visible rather than hidden."""
    if key is None:
        return ""
    return (ZH if lang == "zh" else EN)[enum].get(key, key)


def kind_label(node_label: str, kind: str | None, lang: Lang = "zh") -> str:
    """A node's kind as people read it: looked up in the enumeration of its label."""
    if node_label in KIND_ENUM:
        return label(KIND_ENUM[node_label], kind, lang)
    if node_label in FIXED_KINDS and kind in (None, FIXED_KINDS[node_label]):
        return label("node_label", node_label, lang)
    return kind or ""


def bilingual(enum: str, key: str) -> str:
    """``中文 key`` as the CLI writes enumeration values (both readers find their word)."""
    return f"{label(enum, key)} {key}"
