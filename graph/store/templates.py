"""Ready research questions in Cypher: parameterized templates for the app, CLI and notebooks.

Each template is portable openCypher (runs on FalkorDB and Neo4j 5: no APOC, no procedures,
no subquery syntax only one of them knows), reads only, and takes every value as a
parameter. ``Param`` says what a parameter is (type, default, allowed values) so a form can
be drawn for it and ``Template.bind`` can check what a user typed before it is sent.

Links count as of ``$end`` (an ISO day): ``since`` on or before it and ``until`` empty or
after it, compared by calendar day, as the analysis counts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from graph.network import Network
from graph.schema import ACTOR_ORG_KINDS, COMMUNITY_KINDS, CORE_KINDS, DOMAINS, PARTY_ORG_KINDS
from graph.store.errors import StoreError

ParamType = Literal["int", "date", "choice", "choices", "node"]

LED_ACTORS = (
    "residents_committee",
    "villagers_committee",
    "property_company",
    "owners_committee",
    "social_org",
    "volunteer_team",
    "unit",
)


@dataclass(frozen=True)
class Param:
    """One template parameter: how a form asks for it and what ``bind`` accepts."""

    name: str
    type: ParamType
    zh: str
    en: str
    default: Any = None  # None: "date" → the ledger's latest year-end, "node" → its first
    choices: tuple[str, ...] = ()  # choice/choices: allowed values; node: kinds offered
    minimum: int | None = None
    optional: bool = False  # node: None (every node) is allowed

    def check(self, value: Any) -> Any:
        """The value as the query takes it, or a ``StoreError`` naming the parameter."""
        if value is None and self.optional:
            return None
        try:
            if self.type == "int":
                value = int(value)
                if self.minimum is not None and value < self.minimum:
                    raise ValueError(f"at least {self.minimum}")
            elif self.type == "date":
                value = dt.date.fromisoformat(str(value)[:10]).isoformat()
            elif self.type == "choice":
                if value not in self.choices:
                    raise ValueError(f"one of {', '.join(self.choices)}")
            elif self.type == "choices":
                value = [value] if isinstance(value, str) else list(value)
                bad = [v for v in value if v not in self.choices]
                if bad or not value:
                    raise ValueError(f"one or more of {', '.join(self.choices)}")
            elif not isinstance(value, str) or not value:
                raise ValueError("a node id")
        except (TypeError, ValueError) as exc:
            raise StoreError(f"parameter {self.name} ({self.en}): {exc}") from None
        return value


@dataclass(frozen=True)
class Template:
    """A research question: names, what it answers, its Cypher and its parameters."""

    key: str
    zh: str
    en: str
    about_zh: str
    about_en: str
    cypher: str
    params: tuple[Param, ...] = ()
    chart: tuple[str, str] | None = None  # (label column, number column) for a bar chart

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def about(self, lang: str = "zh") -> str:
        return self.about_zh if lang == "zh" else self.about_en

    def defaults(self, network: Network | None = None) -> dict[str, Any]:
        """Every parameter's default; dates and nodes taken from ``network`` when given."""
        out: dict[str, Any] = {}
        for p in self.params:
            value = p.default
            if p.type == "date" and value is None:
                value = f"{max(network.years)}-12-31" if network and network.years else None
                value = value or dt.date.today().isoformat()
            elif p.type == "node" and value is None and not p.optional and network is not None:
                ids = node_choices(network, p.choices)
                value = ids[0] if ids else None
            out[p.name] = value
        return out

    def bind(self, values: Mapping[str, Any] | None = None, network: Network | None = None):
        """The query parameters: defaults overridden by ``values``, each checked."""
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise StoreError(f"template {self.key} has no parameter {', '.join(sorted(unknown))}")
        merged = self.defaults(network) | {k: v for k, v in values.items() if v is not None}
        return {p.name: p.check(merged[p.name]) for p in self.params}

    def run(self, store, network: Network | None = None, **values: Any) -> pd.DataFrame:
        """Run the question read-only on ``store`` (a ``GraphStore``)."""
        return store.query(self.cypher, **self.bind(values, network))


def node_choices(network: Network, kinds: tuple[str, ...]) -> list[str]:
    """Ids of the nodes of these kinds, sorted: the values a node parameter offers."""
    return sorted(n for n, a in network.graph.nodes(data=True) if a.get("kind") in kinds)


def _active(r: str) -> str:
    """Relationship ``r`` active as of ``$end`` (fixed text spliced at import time)."""
    return (
        f"({r}.since IS NULL OR substring({r}.since, 0, 10) <= $end) "
        f"AND ({r}.until IS NULL OR substring({r}.until, 0, 10) > $end)"
    )


END = Param("end", "date", "截至日期", "as of (day)")
TOP = Param("top", "int", "最多行数", "at most rows", 50, minimum=1)
UNITS = Param(
    "units", "choices", "社区/村", "communities/villages", list(COMMUNITY_KINDS), COMMUNITY_KINDS
)
PARTY = Param(
    "party",
    "choices",
    "党组织类型",
    "party organization kinds",
    list(PARTY_ORG_KINDS),
    tuple(PARTY_ORG_KINDS),
)

TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "party_hubs",
            "领导主体最多的党组织",
            "Party organizations leading the most actors",
            "每个党组织领导(LEADS)的不同主体数及其类型:少数领导很多主体的是一核多元的枢纽,"
            "领导很少的社区核心可能是空心核。",
            "Distinct actors each party organization LEADS, by kind: the few leading many are "
            "the hubs of 一核多元; a community core leading few is a hollow core.",
            f"""MATCH (p:Organization)-[r:LEADS]->(a:Organization)
WHERE p.kind IN $party AND a.kind IN $actors AND {_active("r")}
WITH p, a.kind AS actor_kind, count(DISTINCT a) AS n
WITH p, toInteger(sum(n)) AS actors_led, collect(actor_kind + ':' + toString(n)) AS by_kind
OPTIONAL MATCH (p)-[:LOCATED_IN]->(place:Place)
RETURN p.id AS id, p.name AS name, p.kind AS kind, place.name AS place, actors_led, by_kind
ORDER BY actors_led DESC, id
LIMIT $top""",
            (
                PARTY,
                Param(
                    "actors",
                    "choices",
                    "被领导主体类型",
                    "actor kinds",
                    list(LED_ACTORS),
                    tuple(ACTOR_ORG_KINDS),
                ),
                END,
                TOP,
            ),
            chart=("name", "actors_led"),
        ),
        Template(
            "leadership_chains",
            "领导链",
            "Leadership chains",
            "从街道党工委沿党的隶属关系(SUBORDINATE_TO,逆向)向下,最后一步领导(LEADS)某类主体的"
            "链条。没有链条说明这类主体没有通过党的组织体系组织起来。",
            "Chains from a street's party working committee down the party hierarchy "
            "(SUBORDINATE_TO, against its direction) ending in a LEADS into an actor of the "
            "chosen kind. No chain: those actors are not organized through the party line.",
            f"""MATCH path = (w:Organization)<-[:SUBORDINATE_TO*1..3]-(p:Organization)
      -[r:LEADS]->(v:Organization)
WHERE w.kind = 'party_working_committee' AND v.kind = $target_kind AND {_active("r")}
  AND ($committee IS NULL OR w.id = $committee)
  AND all(s IN relationships(path) WHERE (s.since IS NULL OR substring(s.since, 0, 10) <= $end)
                                      AND (s.until IS NULL OR substring(s.until, 0, 10) > $end))
RETURN w.id AS committee, w.name AS committee_name, v.id AS target,
       [n IN nodes(path) | n.name] AS chain, [n IN nodes(path) | n.kind] AS kinds,
       length(path) AS hops, path
ORDER BY committee, hops, v.id
LIMIT $top""",
            (
                Param(
                    "target_kind",
                    "choice",
                    "链条终点类型",
                    "kind at the chain's end",
                    "volunteer_team",
                    tuple(ACTOR_ORG_KINDS),
                ),
                Param(
                    "committee",
                    "node",
                    "党工委(空=全部)",
                    "working committee (empty = all)",
                    choices=("party_working_committee",),
                    optional=True,
                ),
                END,
                TOP,
            ),
        ),
        Template(
            "unled_property",
            "物业全都没被领导的社区",
            "Communities whose property companies are all unled",
            "管理本社区小区(MANAGES → 小区 PART_OF 社区)的物业企业,没有一个被党组织领导(LEADS)"
            "或建有党组织(ESTABLISHED_IN):红色物业工作的起点。",
            "Communities whose property companies (MANAGES a compound PART_OF it) are none "
            "of them led (LEADS) or hosting a party organization (ESTABLISHED_IN): where "
            "红色物业 work starts.",
            f"""MATCH (pc:Organization)-[m:MANAGES]->(cp:Place)-[:PART_OF]->(c:Place)
WHERE pc.kind = 'property_company' AND cp.kind = 'compound' AND c.kind IN $units
  AND {_active("m")}
WITH DISTINCT c, pc
OPTIONAL MATCH (p:Organization)-[r:LEADS|ESTABLISHED_IN]->(pc)
WHERE p.kind IN $party AND {_active("r")}
WITH c, pc, count(p) AS leaders
WITH c, count(pc) AS companies, sum(CASE WHEN leaders > 0 THEN 1 ELSE 0 END) AS led,
     collect(pc) AS unled
WHERE led = 0
RETURN c.id AS id, c.name AS name, companies, unled
ORDER BY companies DESC, id""",
            (UNITS, PARTY, END),
            chart=("name", "companies"),
        ),
        Template(
            "shared_units",
            "多个社区共享的共建单位",
            "Co-building units shared by several communities",
            "与社区/村或其党组织共建(CO_BUILDS)的单位,服务的社区数不少于给定值:"
            "值得在街道层面统筹(片区联建)的资源。",
            "Units that CO_BUILD with a community/village or with a party organization in "
            "one, serving at least the given number of communities: resources worth "
            "coordinating at street level.",
            f"""MATCH (u:Organization)-[r:CO_BUILDS]->(t)-[:LOCATED_IN*0..1]->(x:Place)
      -[:PART_OF*0..4]->(c:Place)
WHERE u.kind = 'unit' AND c.kind IN $units AND {_active("r")}
WITH u, collect(DISTINCT c.name) AS communities, count(DISTINCT c) AS n
WHERE n >= $min_shared
RETURN u.id AS id, u.name AS name, n AS communities_served, communities
ORDER BY communities_served DESC, id""",
            (
                UNITS,
                END,
                Param("min_shared", "int", "至少服务社区数", "at least communities", 2, minimum=1),
            ),
            chart=("name", "communities_served"),
        ),
        Template(
            "unreached_needs",
            "够不着资源的需求",
            "Needs with no resource in reach",
            "未结、还没有对接(FULFILLS)资源的需求,而同领域的资源既不在本街道,也不由本社区的主体"
            "提供:要从更远处调配资源。",
            "Open needs with no FULFILLS whose domain has no resource located in the street "
            "nor provided by an actor of the community: resources must come from further away.",
            """MATCH (m:Matter)-[:LOCATED_IN]->(:Place)-[:PART_OF*0..3]->(c:Place)
      -[:PART_OF]->(s:Place)
WHERE c.kind IN $units AND m.status <> 'closed' AND m.domain IN $domains
OPTIONAL MATCH (m)<-[f:FULFILLS]-(:Resource)
WITH m, c, s, count(f) AS fulfilled
WHERE fulfilled = 0
WITH c, s, collect(m) AS open
OPTIONAL MATCH (r:Resource)-[:LOCATED_IN]->(:Place)-[:PART_OF*0..4]->(s)
WITH c, open, collect(DISTINCT r.domain) AS in_street
OPTIONAL MATCH (q:Resource)<-[:PROVIDES]-()-[:LOCATED_IN]->(:Place)-[:PART_OF*0..3]->(c)
WITH c, open, in_street, collect(DISTINCT q.domain) AS from_actors
UNWIND open AS m
WITH c, m, in_street, from_actors
WHERE NOT m.domain IN in_street AND NOT m.domain IN from_actors
RETURN c.id AS id, c.name AS community, m.domain AS domain, count(m) AS needs,
       collect(m.id) AS matters
ORDER BY needs DESC, id, domain
LIMIT $top""",
            (
                UNITS,
                Param("domains", "choices", "领域", "domains", list(DOMAINS), tuple(DOMAINS)),
                TOP,
            ),
            chart=("community", "needs"),
        ),
        Template(
            "coreless",
            "没有核心的社区",
            "Communities without a core",
            "社区/村本身没有党委、党总支或党支部(核心):规划者首先要补上的。",
            "Communities and villages with no party committee, general branch or branch "
            "located at them (no core): the first thing a planner fixes.",
            """MATCH (c:Place) WHERE c.kind IN $units
OPTIONAL MATCH (o:Organization)-[:LOCATED_IN]->(c) WHERE o.kind IN $core_kinds
WITH c, count(o) AS cores
WHERE cores = 0
OPTIONAL MATCH (c)-[:PART_OF]->(s:Place)
RETURN c.id AS id, c.name AS name, c.kind AS kind, s.name AS street
ORDER BY id""",
            (
                UNITS,
                Param(
                    "core_kinds",
                    "choices",
                    "核心党组织类型",
                    "core kinds",
                    list(CORE_KINDS),
                    tuple(PARTY_ORG_KINDS),
                ),
            ),
        ),
        Template(
            "open_needs",
            "未结需求按领域",
            "Open needs by domain",
            "截至给定日期已交单、尚未结单的需求数,按领域:哪类需求积压最多。",
            "Needs submitted by the given day and not closed by then, by domain: where the "
            "backlog is.",
            """MATCH (m:Matter)
WHERE substring(m.submitted_at, 0, 10) <= $end
  AND (m.closed_at IS NULL OR substring(m.closed_at, 0, 10) > $end)
RETURN m.domain AS domain, count(*) AS open
ORDER BY open DESC, domain""",
            (END,),
            chart=("domain", "open"),
        ),
        Template(
            "neighbourhood",
            "一个主体的直接关系",
            "One actor's direct links",
            "一个组织的全部直接关系(任何类型、任何方向),以网络图显示。",
            "Every direct link of one organization (any type, either direction), drawn as a "
            "network.",
            """MATCH path = (o:Organization)-[r]-(x)
WHERE o.id = $node
RETURN type(r) AS link, x.kind AS kind, x.name AS name, path
ORDER BY link, kind, name
LIMIT $top""",
            (
                Param(
                    "node",
                    "node",
                    "组织",
                    "organization",
                    None,
                    ("party_working_committee", *CORE_KINDS),
                ),
                TOP,
            ),
        ),
    )
}
