"""Every label the app shows, in Chinese (first) and English, and how numbers are written.

Pages never hard-code text: they call ``t(key)``; enumerations (kinds, link types, domains,
roles) come from ``graph.labels`` (Chinese from the schema) so the app and the ledger agree.
"""

from __future__ import annotations

import math
from typing import Literal

from graph import labels
from graph.analysis.metrics import EXTENSIONS as EXTENSIONS  # re-exported for the pages
from graph.analysis.metrics import METRICS as METRIC_REGISTRY

Lang = Literal["zh", "en"]
LANGS: dict[str, str] = {"zh": "中文", "en": "English"}

LABELS: dict[str, tuple[str, str]] = {
    # app frame
    "app_title": ("govnet 一核多元治理网络", "govnet governance network"),
    "language": ("语言", "Language"),
    "choose": ("请选择", "Choose"),  # an empty multiselect's placeholder (Streamlit's is English)
    "data_source": ("数据来源", "Data source"),
    "src_demo": ("示范区（演示数据）", "Demo district"),
    "src_ledger": ("台账 {name}", "Ledger {name}"),
    "src_upload": ("上传台账", "Upload a ledger"),
    "src_db": ("图数据库", "Graph database"),
    "upload_help": (
        "六要素台账：xlsx 工作簿，或 CSV 文件的 zip 包（上限 50 MB）",
        "Ledger: an xlsx workbook or a zip of CSV files (max 50 MB)",
    ),
    "upload_file": ("选择台账文件", "Choose a ledger file"),
    "upload_wait": ("请上传台账文件。", "Please upload a ledger file."),
    "upload_invalid": (
        "台账未通过校验，未载入任何数据。请修改以下问题后重新上传：",
        "The ledger did not pass validation; nothing was loaded. Fix these and upload again:",
    ),
    "upload_ok": ("台账已通过校验：", "The ledger passed validation:"),
    "upload_warnings": ("提示（不影响载入）", "Warnings (loading not blocked)"),
    "upload_too_big": (
        "文件过大（{size}），上限为 {cap}。",
        "The file is too large ({size}); the limit is {cap}.",
    ),
    "upload_bad_type": (
        "不支持的文件类型 “{name}”：请上传 .xlsx 或 CSV 的 .zip 包。",
        "Unsupported file “{name}”: upload an .xlsx or a .zip of CSV files.",
    ),
    "upload_unreadable": ("无法读取文件：{error}", "The file could not be read: {error}"),
    "upload_memory": (
        "文件解压后过大，超出服务器内存，未载入任何数据。",
        "The file is too big for the server's memory once decompressed; nothing was loaded.",
    ),
    "db_uri": ("数据库地址（不含账号密码）", "Database URI (no credentials)"),
    "db_graph": ("图名称", "Graph name"),
    "db_help": (
        "账号密码只从环境变量 GOVNET_DB_USER / GOVNET_DB_PASSWORD 或 secrets 的 [db] 读取。",
        "Credentials come only from GOVNET_DB_USER / GOVNET_DB_PASSWORD or the [db] secrets.",
    ),
    "db_connect": ("连接", "Connect"),
    "db_wait": ("请输入数据库地址并连接。", "Enter a database URI and connect."),
    "db_creds_in_uri": (
        "地址中不能包含账号或密码，请通过环境变量或 secrets 提供。",
        "The URI must not contain a user or password; use the environment or secrets.",
    ),
    "db_error": ("无法读取图数据库：{error}", "Could not read the graph database: {error}"),
    "year": ("年度", "Year"),
    "no_years": ("台账中没有年度数据。", "The ledger has no years."),
    "report": ("下载分析报告 (xlsx)", "Download the report (xlsx)"),
    "loading": ("正在分析…", "Analysing…"),
    "counts": ("台账规模", "Ledger size"),
    "analysis_missing": (
        "分析模块不可用：{error}",
        "The analysis engine is not available: {error}",
    ),
    "error": ("出错了：{error}", "Something went wrong: {error}"),
    # pages
    "page_overview": ("总览", "Overview"),
    "page_network": ("网络", "Network"),
    "page_coverage": ("一核多元", "One core, many actors"),
    "page_weak": ("薄弱环节", "Weak links"),
    "page_stars": ("摘星", "Stars"),
    "page_trends": ("三年行动", "Three-year trends"),
    "page_query": ("查询", "Query"),
    "page_definitions": ("定义与口径", "Definitions"),
    "defs_intro": (
        "与 docs/ 中的参考文档同一来源（由代码生成）："
        "每个指标的定义、空值规则和口径，台账格式与设置。",
        "The same reference as docs/ (generated from the code): every metric's definition, "
        "null rule and readings, the ledger format and the settings.",
    ),
    "defs_metrics": ("指标", "Metrics"),
    "defs_ledger": ("台账格式", "Ledger format"),
    "defs_settings": ("设置", "Settings"),
    "page_map": ("地图", "Map"),
    # overview
    "district": ("全区", "District"),
    "street": ("街道", "Street"),
    "community": ("社区/村", "Community/village"),
    "communities": ("社区/村数", "Communities"),
    "weak_communities": ("薄弱社区", "Weak communities"),
    "red_flag": ("红旗", "Red flag"),
    "red_flag_yes": ("已获红旗", "Red flag earned"),
    "red_flag_no": ("未获红旗", "No red flag"),
    "five_goods": ("五好党(工)委", "Five goods"),
    "stars_dist": ("星级分布", "Stars distribution"),
    "n_stars": ("{n} 星", "{n} stars"),
    "vs_prev": ("较 {year} 年", "vs {year}"),
    "pp": ("个百分点", "pp"),
    "street_kpis": ("各街道指标", "Street indicators"),
    "coverage_by_street": ("各街道覆盖指数", "Coverage index by street"),
    "no_prev": ("无上一年度数据", "No previous year"),
    "flag_earned": ("已获", "earned"),
    "flag_not_earned": ("未获", "not yet"),  # not "missing": that reads as a data gap
    # network page
    "pick_street": ("街道", "Street"),
    "pick_community": ("社区/村", "Community/village"),
    "all_communities": ("（整个街道）", "(whole street)"),
    "depth": ("邻域深度", "Neighbourhood depth"),
    "filter_kinds": ("节点类型", "Node kinds"),
    "filter_links": ("关系类型", "Link types"),
    "search": ("按名称搜索", "Search by name"),
    "search_none": ("没有名称包含 “{q}” 的节点。", "No node name contains “{q}”."),
    "search_hits": ("匹配节点", "Matching nodes"),
    "aggregate": ("合并小区和楼栋为计数", "Collapse compounds and buildings into counts"),
    "drawn": (
        "绘制 {nodes} 个节点、{edges} 条关系",
        "Drawing {nodes} nodes and {edges} links",
    ),
    "collapsed": ("（已合并 {n} 个节点）", "({n} nodes collapsed)"),
    "legend": ("图例", "Legend"),
    "core_node": ("核心（党组织）", "Core (party organization)"),
    "gaps": ("短板", "Gaps"),
    "gap_uncovered_grid": ("无党组织的网格", "Grids without a party organization"),
    "gap_uncovered_compound": ("无党组织的小区", "Compounds without a party organization"),
    "gap_unled_property": ("非红色物业", "Property companies not led"),
    "gap_isolate": ("孤立主体", "Isolated actors"),
    "gap_articulation": ("关键节点（割点）", "Articulation points"),
    "node_details": ("节点详情", "Node details"),
    "click_hint": ("点击节点查看属性和关系", "Click a node to see its properties and links"),
    "properties": ("属性", "Properties"),
    "links": ("关系", "Links"),
    "no_nodes": ("当前筛选下没有节点。", "No nodes under the current filters."),
    "aggregated_node": ("{n} 个{kind}", "{n} {kind}"),
    "as_of": ("截至年度", "As of year"),
    "compare": ("对比另一年度", "Compare with another year"),
    "compare_year": ("对比年度", "Compare with"),
    "change_added": ("新增关系", "Links added"),
    "change_ended": ("终止关系", "Links ended"),
    "compare_counts": (
        "{a} 年至 {b} 年：新增 {added} 条关系，终止 {ended} 条关系",
        "From {a} to {b}: {added} links added, {ended} links ended",
    ),
    "expand": ("展开计数组", "Expand counted groups"),
    "ego_depth": ("以该节点为中心的层数", "Hops around this node"),
    "ego_centre": ("中心节点", "Centred on"),
    "marked": ("分析发现", "Found by the analysis"),
    "mark_unreached": ("核心未覆盖的主体", "Actor the core does not reach"),
    "mark_articulation": (
        "割点：去掉后有主体与核心断开",
        "Articulation point: removing it cuts actors off the core",
    ),
    "mark_bridge": ("桥：唯一连接", "Bridge: the only link"),
    "mark_broker": ("中介（中介中心性前三）", "Broker (top-3 betweenness)"),
    "mark_unmatched": ("未对接的需求", "Unmatched need"),
    "mark_unmatched_in": ("含 {n} 个未对接的需求", "{n} unmatched needs inside"),
    "mark_key_actor": ("关键主体", "Key actor"),
    "save_png": ("保存 PNG", "Save PNG"),
    "save_svg": ("保存 SVG", "Save SVG"),
    "fit_view": ("全图", "Fit"),
    "export_graphml": ("下载 GraphML", "Download GraphML"),
    "export_gexf": ("下载 GEXF", "Download GEXF"),
    "export_help": (
        "当前子图（所选范围与年度，未合并）供 Gephi、Cytoscape 使用",
        "The current subgraph (scope and year, nothing collapsed) for Gephi or Cytoscape",
    ),
    # map
    "map_metric": ("着色指标", "Colour by"),
    "map_none": (
        "台账中的社区/村没有经纬度。",
        "No community or village in the ledger has lat/lon.",
    ),
    "map_missing": (
        "{n} 个社区/村没有经纬度，未显示。",
        "{n} communities/villages without lat/lon are not shown.",
    ),
    "map_tiles": ("底图：{url}", "Tiles: {url}"),
    # coverage
    "heatmap": ("社区 × 六个延伸", "Community × extension"),
    "explain": ("指标说明", "Explain a value"),
    "explain_metric": ("指标", "Metric"),
    "numerator": ("分子（已覆盖）", "Numerator (covered)"),
    "denominator": ("分母（全部）", "Denominator (all)"),
    "not_covered": ("未覆盖", "Not covered"),
    "explain_none": ("该指标无明细。", "No detail for this metric."),
    "select_cell": (
        "点击表格中的单元格，或在下方选择社区和指标。",
        "Click a cell in the table, or pick a community and metric below.",
    ),
    # weak
    "weak_ranked": ("薄弱社区排序", "Weak communities, ranked"),
    "unmatched": ("未匹配的需求", "Unmatched needs"),
    "suggestions": ("建议链接", "Suggested links"),
    "download_xlsx": ("下载 xlsx", "Download xlsx"),
    "no_weak": ("没有薄弱社区。", "No weak communities."),
    # stars
    "stars_of": ("星级明细", "Star detail"),
    "criterion": ("条件", "Criterion"),
    "actual": ("实际", "Actual"),
    "required": ("要求", "Required"),
    "earned": ("达成", "Earned"),
    "rubric": ("评星细则", "Rubric"),
    "rubric_edit": (
        "编辑细则（TOML），保存后实时重新评星",
        "Edit the rubric (TOML); scores update live",
    ),
    "rubric_apply": ("应用细则", "Apply rubric"),
    "rubric_reset": ("恢复默认细则", "Reset to the default rubric"),
    "rubric_invalid": ("细则有误：{error}", "The rubric is invalid: {error}"),
    "rubric_ok": ("已应用自定义细则。", "Custom rubric applied."),
    "rubric_download": ("下载细则", "Download the rubric"),
    "street_goods": ("街道五好", "Street goods"),
    # trends
    "trend_metric": ("指标", "Metric"),
    "trend_level": ("层级", "Level"),
    # query
    "query_no_falkordb": (
        "本机无法启动 FalkorDB（{error}），查询页只能连接图数据库（侧栏选择“图数据库”）。",
        "No local FalkorDB here ({error}); the query page needs a graph database "
        "(choose “Graph database” in the sidebar).",
    ),
    "query_loading": (
        "正在把台账载入本机图数据库…",
        "Loading the ledger into a local graph database…",
    ),
    "query_question": ("研究问题", "Research question"),
    "query_custom": ("自己写 Cypher", "Your own Cypher"),
    "query_all": ("全部", "all"),
    "query_cut": ("已截断", "cut off"),
    "query_csv": ("下载 CSV", "Download CSV"),
    "cypher": ("Cypher 查询（只读）", "Cypher query (read-only)"),
    "run": ("运行", "Run"),
    "rows": ("{n} 行", "{n} rows"),
    "query_error": ("查询失败：{error}", "The query failed: {error}"),
    "col_domain": ("领域", "Domain"),
    "col_status": ("状态", "Status"),
    "col_submitted": ("交单时间", "Submitted"),
    "col_need": ("需求", "Need"),
    "col_resource": ("资源", "Resource"),
    "col_unit": ("共建单位", "Unit"),
    "col_cost": ("成本", "Cost"),
    "col_partners": ("已结对社区数", "Partners"),
    "col_leader": ("牵头党组织", "Led by"),
    "col_kind": ("建议类型", "Suggestion"),
    "sugg_resource": ("资源对接需求", "resource → need"),
    "sugg_co_building": ("共建结对", "co-building partner"),
    # generic
    "id": ("编号", "Id"),
    "name": ("名称", "Name"),
    "kind": ("类型", "Kind"),
    "reasons": ("原因", "Reasons"),
    "stars": ("星级", "Stars"),
    "value": ("数值", "Value"),
    "none": ("无", "none"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "no_core": ("无核心党组织", "no core party organization"),
    "unknown_gap": ("? 未知(数据缺口)", "? unknown (data gap)"),
    # community profile (社区画像)
    "page_profile": ("社区画像", "Community profile"),
    "pf_one_core": ("一核多元：核心引领", "One core: who the core reaches"),
    "pf_reached": ("已引领 {n} / {total} 个主体", "Reaches {n} of {total} actors"),
    "pf_extensions": ("六个延伸与引领", "Six extensions and reach"),
    "pf_counted": ("计入（已覆盖 / 全部）", "Counted (covered / all)"),
    "pf_not_covered": ("未覆盖", "Not covered"),
    "pf_resources": ("资源链接", "Resource links"),
    "pf_sla": ("13710 与三零", "13710 and three zeros"),
    "pf_structure": ("结构薄弱点", "Structure weak points"),
    "pf_key_actors": ("关键主体（假如离开）", "Key actors (what if they left)"),
    "pf_key_help": (
        "逐一移除每个主体或党组织后重新计算本社区：引领度、覆盖指数、薄弱分的变化。",
        "Each actor or party organization removed in turn and the community measured again.",
    ),
    "pf_weak": ("薄弱原因与数据缺口", "Weak reasons and data gaps"),
    "pf_gaps": ("数据缺口", "Data gaps"),
    "pf_stars": ("摘星对照", "Stars, criterion by criterion"),
    "pf_suggestions": ("建议链接（打开即预测）", "Suggested links (switch on to project)"),
    "pf_toggle_hint": (
        "打开建议，右侧显示采纳后的指标、薄弱分和星级。",
        "Switch suggestions on to see the projected metrics, weak score and stars.",
    ),
    "pf_today": ("今天", "Today"),
    "pf_projected": ("采纳后", "Projected"),
    "pf_trend": ("三年趋势", "Three-year trend"),
    "pf_pdf": ("下载画像 PDF", "Download the profile (PDF)"),
    "pf_pdf_weak": ("下载本街道薄弱社区画像 PDF", "Download the street's weak communities (PDF)"),
    "pf_no_font": ("无法生成 PDF：{error}", "The PDF cannot be made: {error}"),
}

# Metric labels and formats: lookups into the one registry (graph.analysis.metrics).
METRICS: dict[str, tuple[str, str]] = {n: (m.zh, m.en) for n, m in METRIC_REGISTRY.items()}
SHARE_METRICS = frozenset(n for n, m in METRIC_REGISTRY.items() if m.format == "share")
PERMILLE_METRICS = frozenset(n for n, m in METRIC_REGISTRY.items() if m.format == "per_1000")

STAR_NAMES: dict[str, tuple[str, str]] = {
    "strong_branch": ("支部过硬", "Strong branch"),
    "co_building": ("共建共享", "Co-building and sharing"),
    "safety": ("平安法治", "Safety and rule of law"),
    "harmony": ("幸福和谐", "Happiness and harmony"),
    "enterprise": ("宜业兴业", "Jobs and enterprise"),
    "industry": ("产业兴旺", "Thriving industry"),
    "ecology": ("生态宜居", "Ecological livability"),
    "civility": ("文明幸福", "Civility and happiness"),
    "leadership": ("领导班子好", "Good leadership"),
    "team": ("队伍建设好", "Good team building"),
    "development": ("推动发展好", "Good development"),
    "governance": ("基层治理好", "Good grassroots governance"),
    "service": ("服务群众好", "Good service to residents"),
}


def current_lang() -> Lang:
    """The language chosen in the sidebar (Chinese until someone switches)."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang", "zh")
    except Exception:  # outside a Streamlit run (scripts, tests of pure helpers)
        lang = "zh"
    return "en" if lang == "en" else "zh"


def _pick(pair: tuple[str, str], lang: Lang | None) -> str:
    return pair[1] if (lang or current_lang()) == "en" else pair[0]


def t(key: str, lang: Lang | None = None, **fmt: object) -> str:
    """The label ``key`` in the current language, with ``{placeholders}`` filled."""
    text = _pick(LABELS[key], lang)
    return text.format(**fmt) if fmt else text


def metric_label(metric: str, lang: Lang | None = None) -> str:
    """A metric's display name: our label, else the engine's Chinese label or the key."""
    if metric in METRICS:
        return _pick(METRICS[metric], lang)
    if (lang or current_lang()) == "zh":
        from graph.analysis.metrics import zh

        return zh(metric)
    return metric.replace("_", " ").replace("per 1000", "‰").capitalize()


def metric_help(metric: str, lang: Lang | None = None) -> str | None:
    """A metric's definition, null rule and reading, as the ``help=`` of whatever shows its
    label (None for a column that is no metric), in the current language."""
    if metric not in METRIC_REGISTRY:
        return None
    from govnet.docs import metric_text

    return metric_text(METRIC_REGISTRY[metric], lang or current_lang())


def star_label(star: str, lang: Lang | None = None) -> str:
    """A star's or good's display name; unknown names show as written in the rubric."""
    return _pick(STAR_NAMES[star], lang) if star in STAR_NAMES else star


def enum_label(key: str | None, lang: Lang | None = None, enum: str | None = None) -> str:
    """An enumeration value (kind, link type, domain, role, status) as people read it.

    Give ``enum`` (``resource_kind``, ``status``…) whenever it is known: the same key can mean
    different things in two enumerations (``venue`` is 阵地 as a place, 场地 as a resource).
    Without it the enumerations are searched in ``graph.labels.ZH`` order.
    """
    if key is None:
        return ""
    lang = lang or current_lang()
    if enum is not None:
        return labels.label(enum, key, lang)
    for name, values in labels.ZH.items():
        if key in values:
            return labels.label(name, key, lang)
    return key.replace("_", " ")


def kind_label(node_label: str, kind: str | None, lang: Lang | None = None) -> str:
    """A node's kind looked up in its label's enumeration (a Resource ``venue`` is 场地)."""
    return labels.kind_label(node_label, kind, lang or current_lang())


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):
        return False


def fmt_pct(value: object, digits: int = 1) -> str:
    """A share in [0, 1] as a percent; missing values as an en dash."""
    return "–" if _missing(value) else f"{float(value) * 100:.{digits}f}%"


def fmt_permille(value: object, digits: int = 1) -> str:
    """A per-1000 rate with the ‰ sign."""
    return "–" if _missing(value) else f"{float(value):.{digits}f}‰"


def fmt_num(value: object, digits: int = 2) -> str:
    """Counts without decimals, other numbers with a few."""
    if _missing(value):
        return "–"
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,.{digits}f}"


def fmt_metric(metric: str, value: object) -> str:
    """A metric value written the way its kind is read: percent, ‰ or a number."""
    if metric in SHARE_METRICS:
        return fmt_pct(value)
    if metric in PERMILLE_METRICS:
        return fmt_permille(value)
    return fmt_num(value)
