"""The xlsx report a planner can hand on: one sheet per table, Chinese headers, weak first."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graph.analysis.metrics import METRICS, zh
from graph.analysis.model import Analysis
from graph.analysis.weak import NO_CORE
from graph.schema import DOMAINS, PLACE_KINDS
from graph.workbook import frames_workbook, save_workbook

DETAIL_ZH = {
    "community_id": "社区(村)编号",
    "street_id": "街道编号",
    "district_id": "区编号",
    "star": "序号",
    "key": "标准键",
    "name": "名称",
    "earned": "是否达标",
    "metric": "指标",
    "op": "比较",
    "required": "标准值",
    "actual": "实际值",
    "met": "该项达标",
    "matter_id": "事项编号",
    "resource_id": "资源编号",
    "cost": "匹配代价",
    "unit_id": "共建单位编号",
    "domain": "领域",
    "partners": "已共建社区数",
    "leader_id": "牵头党组织编号",
}
SUGGESTION_KIND_ZH = {"resource": "需求对接资源", "co_building": "推荐共建单位"}


def _cell(v: object) -> object:
    """Lists joined, booleans as 是/否, missing as empty, for a readable sheet."""
    if isinstance(v, list):
        return "、".join(zh(x) if x != NO_CORE else "无核心组织" for x in v)
    if isinstance(v, bool):
        return "是" if v else "否"
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v


UNKNOWN_ZH = "未知(数据缺口)"


def _criteria(detail: pd.DataFrame) -> pd.DataFrame:
    """Rule detail with 该项达标 as 是 / 否 / 未知(数据缺口): a missing value is not a failure."""
    met = [
        "是" if m else UNKNOWN_ZH if u else "否"
        for m, u in zip(detail["met"], detail["unknown"], strict=True)
    ]
    return detail.assign(met=pd.Series(met, index=detail.index, dtype=object)).drop(
        columns="unknown"
    )


def _sheet(df: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("boolean", "bool"):
            out[col] = out[col].astype(object).map(_cell)
    if "kind" in out.columns:
        out["kind"] = out["kind"].map(lambda k: PLACE_KINDS.get(k, SUGGESTION_KIND_ZH.get(k, k)))
    if "domain" in out.columns:
        out["domain"] = out["domain"].map(lambda d: DOMAINS.get(d, d))
    if "metric" in out.columns:
        out["metric"] = out["metric"].map(zh)
    out.columns = [(names or {}).get(c) or DETAIL_ZH.get(c) or zh(c) for c in out.columns]
    return out


FORMAT_ZH = {
    "share": "占比(%)",
    "per_1000": "每千人(‰)",
    "count": "个数",
    "number": "数值",
    "bool": "是/否",
    "list": "列表",
    "text": "文本",
}


def definitions() -> pd.DataFrame:
    """The metric registry as a sheet: what every column means, when it is empty, what is
    a setting rather than a formula."""
    return pd.DataFrame(
        [
            {
                "指标": m.zh,
                "Metric": m.en,
                "字段名 name": m.name,
                "形式 format": FORMAT_ZH[m.format],
                "定义": m.definition_zh,
                "Definition": m.definition_en,
                "空值规则": m.null_zh,
                "Null rule": m.null_en,
                "口径/标准设置": m.assumption_zh,
                "Assumption or setting": m.assumption_en,
            }
            for m in METRICS.values()
        ]
    )


def write_report(a: Analysis, path: str | Path) -> Path:
    """Write the analysis as an xlsx workbook (weak communities first) and return its path."""
    path = Path(path)
    communities = a.communities.sort_values(
        ["weak", "weak_score", "id"], ascending=[False, False, True]
    )
    star_names = {f"star_{i}": f"第{i}星" for i in range(1, 6)}
    streets = a.streets.rename(columns={f"good_{g.key}": g.name for g in a.rubric.goods})
    sheets = {
        f"社区村指标{a.year}": _sheet(communities, star_names),
        "街道汇总": _sheet(streets),
        "全区汇总": _sheet(a.district, {"red_flag": "红旗"}),
        "星级对照": _sheet(_criteria(a.star_detail)),
        "五好对照": _sheet(_criteria(a.goods)),
        "红旗对照": _sheet(_criteria(a.red_flag)),
        "建议链接": _sheet(a.suggestions),
        "指标说明": definitions(),
    }
    save_workbook(frames_workbook(sheets, freeze="C2"), path)  # text as text, never a formula
    return path
