"""The metric registry: every metric's name, labels, definition, null rule, format, assumptions.

One entry per metric, keyed by its name exactly as the domain spec spells it. The
communities table, the rubric validator, the CLI, the JSON/xlsx report, the app and the
generated docs all read names, labels and formats from here, so they cannot disagree.
``assumption_*`` says which part of a metric is a reading or a rubric setting rather
than a fixed formula (empty when none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph.analysis.coverage import EXTENSIONS

Format = Literal["share", "per_1000", "count", "number", "bool", "list", "text"]
Level = Literal["community", "street", "district"]
ROLLUP: tuple[Level, ...] = ("street", "district")


@dataclass(frozen=True)
class Metric:
    """One metric as every output shows and explains it."""

    name: str
    zh: str  # Chinese label
    en: str  # English label
    format: Format  # share (0–1, shown as %), per_1000 (‰), count, number, bool, list, text
    levels: tuple[Level, ...]  # the tables it is a column of
    definition_zh: str
    definition_en: str
    null_zh: str = ""  # when the value is null (unknown); empty when never
    null_en: str = ""
    assumption_zh: str = ""  # which part is a reading or a rubric setting; empty when none
    assumption_en: str = ""


_C: tuple[Level, ...] = ("community",)
_CR: tuple[Level, ...] = ("community", *ROLLUP)  # per community, and summed beneath
_SHARE0_ZH, _SHARE0_EN = "分母为0时为空", "null when the denominator is 0"
_POP_ZH = "常住人口未知或为0时为空"
_POP_EN = "null when the population is unknown or 0"
_EXT_ZH = "“延伸”的判定口径是对党建文件的一种解读(见定义)"
_EXT_EN = "what counts as 'extended' is one reading of the party-building documents"
_WEAK_ZH = "25%分位、阈值 weak_min(默认3)与无核心加2分为标准设置/口径"
_WEAK_EN = "the 25th percentile, weak_min (default 3) and +2 for no core are settings"
_STAR_ZH = "各星标准与阈值由标准文件(rubric)设定,示例阈值可改"
_STAR_EN = "the criteria and thresholds come from the rubric file (example values)"


def _ext(name: str, zh: str, en: str, what_zh: str, what_en: str) -> Metric:
    return Metric(
        name, zh, en, "share", _C, what_zh, what_en, _SHARE0_ZH, _SHARE0_EN, _EXT_ZH, _EXT_EN
    )


def _mean(name: str, zh: str, en: str, of: str, fmt: Format = "number") -> Metric:
    """A roll-up mean of a community metric over the communities/villages beneath."""
    return Metric(
        name,
        zh,
        en,
        fmt,
        ROLLUP,
        f"下辖社区(村)的 {of} 平均值(空值不计)",
        f"mean of {of} over the communities/villages beneath (nulls skipped)",
        "下辖社区(村)该指标均为空时为空",
        "null when every community's value is null",
    )


_ALL: tuple[Metric, ...] = (
    # --- identity columns shown beside the metrics ---
    Metric(
        "core",
        "核心党组织",
        "Core",
        "text",
        _C,
        "位于本社区(村)的最高层级党组织(党委>党总支>党支部,同级按编号)",
        "the highest party organization located at C (committee > general branch > branch, "
        "then by id)",
        "没有核心时为空",
        "null when there is none",
    ),
    Metric(
        "population",
        "常住人口",
        "Population",
        "count",
        _C,
        "本年度“情”表中的常住人口,无则取最近的往年",
        "population of C's conditions row for Y, else the latest earlier year",
        "没有任何年度的人口时为空",
        "null when no year has one",
    ),
    # --- core and the six extensions ---
    Metric(
        "has_core",
        "有核心",
        "Has core",
        "bool",
        _C,
        "本社区(村)有位于本地的党委、党总支或党支部",
        "C has a party committee, general branch or branch located at C itself",
    ),
    _ext(
        "ext_grid",
        "网格延伸",
        "Grid extension",
        "有党组织(位于或建在该网格)的网格占比",
        "share of grids in C with a party organization located in or ESTABLISHED_IN it",
    ),
    _ext(
        "ext_compound",
        "小区延伸",
        "Compound extension",
        "有党组织(位于或建在该小区)的小区占比",
        "share of compounds in C with a party organization located in or ESTABLISHED_IN it",
    ),
    _ext(
        "ext_building",
        "楼栋延伸",
        "Building extension",
        "有党员楼栋长居住的楼栋占比",
        "share of buildings in C where a party member with role building_leader is located",
    ),
    _ext(
        "ext_property",
        "物业延伸(红色物业)",
        "Property extension (red property)",
        "管理本社区小区的物业企业中“红色物业”的占比(党组织建在企业中,或本社区党组织领导它)",
        "share of property companies managing a compound in C that are red (a party "
        "organization ESTABLISHED_IN them, or one located in C LEADS them)",
    ),
    _ext(
        "ext_owners",
        "业委会延伸",
        "Owners' committee extension",
        "有党员任职或为成员的业委会占比",
        "share of owners' committees in C with a party member who HOLDS_ROLE in or is MEMBER_OF it",
    ),
    _ext(
        "ext_social",
        "社会组织延伸",
        "Social organization extension",
        "本社区或服务本社区的社会组织中,核心在领导关系图中可达的占比",
        "share of social organizations in or SERVING C reachable from the core in L",
    ),
    Metric(
        "coverage_index",
        "覆盖指数",
        "Coverage index",
        "share",
        _C,
        "六个延伸中非空值的平均",
        "mean of the non-null ext_* shares",
        "六个延伸均为空时为空",
        "null when all six are null",
        _EXT_ZH,
        _EXT_EN,
    ),
    # --- reach ---
    Metric(
        "reach",
        "引领度",
        "Reach",
        "share",
        _C,
        "本社区多元主体中,核心在领导关系图中可达的占比(无核心为0)",
        "share of C's actors reachable from the core in L (0 without a core)",
        _SHARE0_ZH,
        "null when C has no actors",
    ),
    Metric(
        "actor_kinds",
        "多元主体类型数",
        "Actor kinds",
        "count",
        _C,
        "存在的主体类型数(居/村委会、物业、业委会、社会组织、志愿队、共建单位,共6类)",
        "how many of the six actor kinds are present (committee, property company, owners' "
        "committee, social organization, volunteer team, unit)",
    ),
    # --- resource links ---
    Metric(
        "co_building_units",
        "共建单位数",
        "Co-building units",
        "count",
        _CR,
        "与本社区或其党组织共建的不同单位数(街道、区:下辖之和)",
        "distinct units with CO_BUILDS to C or to a party organization located in C "
        "(streets, district: the sum beneath)",
    ),
    Metric(
        "reporting_members_per_1000",
        "每千人报到党员",
        "Reporting members per 1000",
        "per_1000",
        _C,
        "向本社区报到的不同人员数,每千常住人口",
        "distinct people with REPORTS_TO C, per 1000 population",
        _POP_ZH,
        _POP_EN,
    ),
    Metric(
        "volunteers_per_1000",
        "每千人志愿者",
        "Volunteers per 1000",
        "per_1000",
        _C,
        "本社区的志愿者(居住在本社区、角色为志愿者者,加上本社区或服务本社区的志愿队的全部成员,"
        "不论有无该角色),每千常住人口",
        "distinct volunteers of C per 1000 population: people with role volunteer located in "
        "C, plus every member of a volunteer team in or serving C (with or without the role)",
        _POP_ZH,
        _POP_EN,
    ),
    Metric(
        "needs_total",
        "需求总数",
        "Needs",
        "count",
        _CR,
        "本年度提交的本社区事项数(街道、区:下辖之和)",
        "matters in C submitted in Y (streets, district: the sum beneath)",
    ),
    Metric(
        "needs_closed",
        "已结单数",
        "Needs closed",
        "count",
        _CR,
        "其中到年末已结单的(街道、区:下辖之和)",
        "of those, closed by Y-12-31 (streets, district: the sum beneath)",
    ),
    Metric(
        "closure_rate",
        "结单率",
        "Closure rate",
        "share",
        _CR,
        "已结单数 / 需求总数(街道、区:两者之和相除)",
        "needs_closed / needs_total (streets, district: of the sums)",
        "需求总数为0时为空",
        "null when needs_total is 0",
    ),
    Metric(
        "unmatched_needs",
        "未匹配需求",
        "Unmatched needs",
        "count",
        _CR,
        "未结单、无资源对接,且本社区主体和所在街道都不提供该领域资源的事项数(街道、区:下辖之和)",
        "open matters without FULFILLS whose domain no resource of C's actors or C's street "
        "offers (streets, district: the sum beneath)",
    ),
    Metric(
        "sla_rate",
        "13710达标率",
        "13710 on-time rate",
        "share",
        _C,
        "本年度提交的到期事项中,各环节均在时限内完成的占比:当日领单(claim_days);台账有反馈"
        "时间列时,3日内反馈或结单(reply_days);一般事项7日内、重大复杂事项30日内结单"
        "(close_days、major_close_days)。按自然日计;结单时限已过或已结单的为到期事项",
        "share of C's due matters submitted in Y that met every 13710 limit, in calendar "
        "days: claimed within claim_days; with a replied_at column, replied or closed "
        "within reply_days; closed within close_days, or major_close_days when major. Due: "
        "closed, or its closing limit ended by Y-12-31",
        "没有到期事项时为空",
        "null when no matter is due",
        "时限 claim_days 0、reply_days 3、close_days 7、major_close_days 30 为标准设置",
        "the day limits (0, 3, 7, 30 by default) are rubric settings",
    ),
    Metric(
        "backlog",
        "积压事项",
        "Backlog",
        "count",
        _C,
        "年末前提交、到年末仍未结单的本社区事项数(不论哪年提交;13710的“0”)",
        "matters in C submitted by Y-12-31 and not closed by then, whatever the year (the 0 "
        "of 13710)",
    ),
    Metric(
        "cleared",
        "清零",
        "Cleared",
        "bool",
        _C,
        "积压事项为0",
        "backlog is 0",
    ),
    Metric(
        "three_zero",
        "三零",
        "Three zeros",
        "bool",
        _C,
        "本年度“情”表中信访、安全事故、刑事案件均有记录且均为0为真;任一记录大于0为假",
        "from C's conditions row for Y itself: true when petitions, accidents and "
        "criminal_cases are all recorded and 0; false when any recorded one is above 0",
        "三项均无记录(或本年度无该行)时为空",
        "null when none is recorded (or Y has no row)",
    ),
    Metric(
        "top_provider_share",
        "最大供给方占比",
        "Top provider share",
        "share",
        _C,
        "对接本社区事项的资源链接中,来自最大单一提供方的占比",
        "share of the FULFILLS links into C's matters that come from the largest provider",
        "没有对接链接时为空",
        "null when there are none",
    ),
    # --- structure ---
    Metric(
        "components",
        "连通分量数",
        "Components",
        "count",
        _C,
        "本社区主体、核心、党组织和人员构成的无向图的连通分量数",
        "connected components of the undirected graph of C's actors, core, party "
        "organizations and people",
    ),
    Metric(
        "isolates",
        "孤立主体数",
        "Isolated actors",
        "count",
        _C,
        "在该图中没有任何连线的主体数",
        "actors with no edge in that graph",
    ),
    Metric(
        "articulation_points",
        "关键节点数",
        "Articulation points",
        "count",
        _C,
        "去掉后会使某主体与核心断开的节点数",
        "nodes whose removal cuts some actor off from the core",
        "没有核心时为空",
        "null without a core",
    ),
    Metric(
        "bridges",
        "桥边数",
        "Bridges",
        "count",
        _C,
        "去掉后会增加连通分量的边数",
        "edges whose removal adds a component",
    ),
    Metric(
        "brokers",
        "中介节点",
        "Brokers",
        "list",
        _C,
        "中介中心性最高的三个节点",
        "the top three nodes by betweenness",
    ),
    Metric(
        "core_constraint",
        "核心约束度",
        "Core constraint",
        "number",
        _C,
        "核心的Burt约束度(越高越依赖少数联系)",
        "Burt's constraint of the core (higher: fewer, redundant ties)",
        "没有核心或核心无连线时为空",
        "null without a core or when the core has no edge",
    ),
    # --- weak links ---
    Metric(
        "weak_score",
        "薄弱分",
        "Weak score",
        "count",
        _C,
        "六项薄弱指标中“偏低”(非空且不高于全区25%分位)的项数,无核心加2",
        "how many of the six weak-link metrics are low (known and ≤ the district's 25th "
        "percentile), +2 without a core",
        assumption_zh=_WEAK_ZH,
        assumption_en=_WEAK_EN,
    ),
    Metric(
        "weak",
        "薄弱",
        "Weak",
        "bool",
        _C,
        "薄弱分 ≥ weak_min",
        "weak_score ≥ weak_min",
        assumption_zh=_WEAK_ZH,
        assumption_en=_WEAK_EN,
    ),
    Metric(
        "reasons",
        "薄弱原因",
        "Reasons",
        "list",
        _C,
        "偏低的指标(及无核心)",
        "the low metrics (and the missing core)",
    ),
    Metric(
        "data_gaps",
        "数据缺口",
        "Data gaps",
        "list",
        _C,
        "六项薄弱指标中为空(未知)的指标:台账缺少所需数据,不计为薄弱",
        "the weak-link metrics that are null (unknown): the ledger lacks what they need; "
        "never counted as weakness",
    ),
    Metric(
        "completeness",
        "数据完整度",
        "Completeness",
        "share",
        _C,
        "六项薄弱指标中已知(非空)的占比",
        "share of the six weak-link metrics that are known",
    ),
    Metric(
        "stars",
        "星级",
        "Stars",
        "count",
        _C,
        "按所属类型(社区/村)的标准获得的星数(0–5);空值的标准项不达标,显示为“未知(数据缺口)”",
        "stars earned by the rubric of C's kind (0–5); a criterion over a null value is not "
        "met and shown as unknown (a data gap)",
        assumption_zh=_STAR_ZH,
        assumption_en=_STAR_EN,
    ),
    # --- street and district roll-ups ---
    Metric(
        "communities",
        "社区(村)数",
        "Communities",
        "count",
        ROLLUP,
        "下辖社区和村的数量",
        "communities and villages beneath",
    ),
    Metric(
        "weak_count",
        "薄弱社区数",
        "Weak communities",
        "count",
        ROLLUP,
        "其中薄弱的数量",
        "how many of them are weak",
    ),
    Metric(
        "weak_share",
        "薄弱社区占比",
        "Weak share",
        "share",
        ROLLUP,
        "薄弱社区数 / 社区(村)数",
        "weak_count / communities",
    ),
    Metric(
        "full_star_share",
        "满星社区占比",
        "Full-star share",
        "share",
        ROLLUP,
        "获得所属标准全部星级的社区(村)占比",
        "share of communities/villages that earned every star of their rubric",
        assumption_zh=_STAR_ZH,
        assumption_en=_STAR_EN,
    ),
    _mean("mean_stars", "平均星级", "Mean stars", "stars"),
    Metric(
        "min_stars",
        "最低星级",
        "Fewest stars",
        "count",
        ROLLUP,
        "下辖社区(村)中最少的星数",
        "fewest stars of a community/village beneath",
    ),
    Metric(
        "has_core_share",
        "有核心占比",
        "Share with a core",
        "share",
        ROLLUP,
        "有核心的社区(村)占比",
        "share of communities/villages with a core",
    ),
    _mean("mean_coverage_index", "平均覆盖指数", "Mean coverage index", "coverage_index", "share"),
    _mean("mean_reach", "平均引领度", "Mean reach", "reach", "share"),
    _mean("mean_actor_kinds", "平均多元主体类型数", "Mean actor kinds", "actor_kinds"),
    _mean(
        "mean_co_building_units", "平均共建单位数", "Mean co-building units", "co_building_units"
    ),
    _mean(
        "mean_reporting_members_per_1000",
        "平均每千人报到党员",
        "Mean reporting members per 1000",
        "reporting_members_per_1000",
        "per_1000",
    ),
    _mean(
        "mean_volunteers_per_1000",
        "平均每千人志愿者",
        "Mean volunteers per 1000",
        "volunteers_per_1000",
        "per_1000",
    ),
    _mean("mean_sla_rate", "平均13710达标率", "Mean 13710 on-time rate", "sla_rate", "share"),
    Metric(
        "goods",
        "五好项数",
        "Goods",
        "count",
        ("street",),
        "街道(乡镇)按标准获得的“五好”项数",
        "how many of the five goods the street earns by the rubric",
        assumption_zh=_STAR_ZH,
        assumption_en=_STAR_EN,
    ),
    Metric(
        "streets",
        "街道(乡镇)数",
        "Streets",
        "count",
        ("district",),
        "区下辖街道和乡镇的数量",
        "streets and towns of the district",
    ),
    Metric(
        "min_goods",
        "街道最少五好项数",
        "Fewest goods of a street",
        "count",
        ("district",),
        "各街道五好项数的最小值",
        "fewest goods of a street",
    ),
    Metric(
        "mean_goods",
        "街道平均五好项数",
        "Mean goods per street",
        "number",
        ("district",),
        "各街道五好项数的平均",
        "mean goods per street",
    ),
    Metric(
        "five_good_share",
        "五好街道占比",
        "Five-good street share",
        "share",
        ("district",),
        "获得全部五好的街道占比",
        "share of streets earning every good",
    ),
    Metric(
        "red_flag",
        "红旗",
        "Red flag",
        "bool",
        ("district",),
        "区按标准的红旗规则获得红旗",
        "the district earns the red flag by the rubric's rule",
        assumption_zh=_STAR_ZH,
        assumption_en=_STAR_EN,
    ),
)

METRICS: dict[str, Metric] = {m.name: m for m in _ALL}
assert len(METRICS) == len(_ALL), "one entry per metric name"
assert [n for n in METRICS if n.startswith("ext_")] == EXTENSIONS


def _names(level: Level, skip: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(n for n, m in METRICS.items() if level in m.levels and n not in skip)


# communities table metric columns, in table order (identity columns and stars apart)
COMMUNITY_METRICS: dict[str, str] = {
    n: METRICS[n].zh for n in _names("community", ("core", "population", "stars"))
}
# street / district roll-ups over the communities and villages beneath, in table order
ROLLUP_METRICS: dict[str, str] = {
    n: METRICS[n].zh
    for n in (
        "communities",
        "weak_count",
        "weak_share",
        "full_star_share",
        "mean_stars",
        "min_stars",
        "has_core_share",
        "mean_coverage_index",
        "mean_reach",
        "mean_actor_kinds",
        "co_building_units",
        "mean_co_building_units",
        "mean_reporting_members_per_1000",
        "mean_volunteers_per_1000",
        "needs_total",
        "needs_closed",
        "closure_rate",
        "mean_sla_rate",
        "unmatched_needs",
    )
}
STREET_METRICS: dict[str, str] = {**ROLLUP_METRICS, "goods": METRICS["goods"].zh}
DISTRICT_METRICS: dict[str, str] = {
    **ROLLUP_METRICS,
    **{n: METRICS[n].zh for n in ("streets", "min_goods", "mean_goods", "five_good_share")},
}

SHARE_METRICS = tuple(n for n in COMMUNITY_METRICS if METRICS[n].format == "share")

# metrics a rubric criterion may test (numbers or booleans, not lists or text)
RUBRIC_COMMUNITY_METRICS = tuple(
    m for m in COMMUNITY_METRICS if METRICS[m].format not in ("list", "text")
) + ("population", "stars")

ID_COLUMNS: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "street_id": "街道编号",
    "district_id": "区编号",
}


def label(name: str, lang: Literal["zh", "en"] = "zh") -> str:
    """A column's label in ``lang`` (the name itself when it is no metric)."""
    if name in METRICS:
        return METRICS[name].zh if lang == "zh" else METRICS[name].en
    return ID_COLUMNS.get(name, name) if lang == "zh" else name


def zh(name: str) -> str:
    """Chinese label of any column name (the name itself when unknown)."""
    return label(name, "zh")
