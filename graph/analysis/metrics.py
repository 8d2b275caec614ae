"""Metric names (exactly as DOMAIN.md spells them), their Chinese labels, and the roll-up columns.

The communities table, the rubric validator, the JSON output and the report all take
their column lists from here.
"""

from __future__ import annotations

from graph.analysis.coverage import EXTENSIONS

# community / village metrics, in table order: name → Chinese label
COMMUNITY_METRICS: dict[str, str] = {
    "has_core": "有核心",
    "ext_grid": "网格延伸",
    "ext_compound": "小区延伸",
    "ext_building": "楼栋延伸",
    "ext_property": "物业延伸",
    "ext_owners": "业委会延伸",
    "ext_social": "社会组织延伸",
    "coverage_index": "覆盖指数",
    "reach": "引领度",
    "actor_kinds": "多元主体类数",
    "co_building_units": "共建单位数",
    "reporting_members_per_1000": "每千人报到党员",
    "volunteers_per_1000": "每千人志愿者",
    "needs_total": "需求总数",
    "needs_closed": "已结单数",
    "closure_rate": "结单率",
    "unmatched_needs": "未匹配需求",
    "sla_rate": "13710达标率",
    "top_provider_share": "最大供给方占比",
    "components": "连通分量数",
    "isolates": "孤立主体数",
    "articulation_points": "关键节点数",
    "bridges": "桥边数",
    "brokers": "中间人",
    "core_constraint": "核心约束度",
    "weak_score": "薄弱分",
    "weak": "薄弱",
    "reasons": "薄弱原因",
}

SHARE_METRICS = (
    *EXTENSIONS,
    "reach",
    "closure_rate",
    "sla_rate",
    "top_provider_share",
)

# metrics a rubric criterion may test (numbers or booleans, not lists or text)
RUBRIC_COMMUNITY_METRICS = tuple(
    m for m in COMMUNITY_METRICS if m not in ("brokers", "reasons")
) + ("population", "stars")

ID_COLUMNS: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "street_id": "街道编号",
    "district_id": "区编号",
    "core": "核心组织",
    "population": "常住人口",
    "stars": "星级",
}

# street / district roll-ups over the communities and villages beneath: name → Chinese label
ROLLUP_METRICS: dict[str, str] = {
    "communities": "社区(村)数",
    "weak_count": "薄弱社区数",
    "weak_share": "薄弱社区占比",
    "full_star_share": "五星社区占比",
    "mean_stars": "平均星级",
    "min_stars": "最低星级",
    "has_core_share": "有核心占比",
    "mean_coverage_index": "平均覆盖指数",
    "mean_reach": "平均引领度",
    "mean_actor_kinds": "平均多元主体类数",
    "co_building_units": "共建单位数(合计)",
    "mean_co_building_units": "平均共建单位数",
    "mean_reporting_members_per_1000": "平均每千人报到党员",
    "mean_volunteers_per_1000": "平均每千人志愿者",
    "needs_total": "需求总数",
    "needs_closed": "已结单数",
    "closure_rate": "结单率",
    "mean_sla_rate": "平均13710达标率",
    "unmatched_needs": "未匹配需求",
}

STREET_METRICS: dict[str, str] = {**ROLLUP_METRICS, "goods": "五好项数"}
DISTRICT_METRICS: dict[str, str] = {
    **ROLLUP_METRICS,
    "streets": "街道(乡镇)数",
    "min_goods": "街道最少五好项数",
    "mean_goods": "街道平均五好项数",
    "five_good_share": "五好街道占比",
}


def zh(name: str) -> str:
    """Chinese label of any column name (the name itself when unknown)."""
    for table in (ID_COLUMNS, COMMUNITY_METRICS, STREET_METRICS, DISTRICT_METRICS):
        if name in table:
            return table[name]
    return name
