"""查询 Query page (graph database only): read-only Cypher, results as a table and, when
they hold nodes or paths, as a small network."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from govnet.app import source
from govnet.app.common import require_context
from govnet.app.i18n import current_lang, t
from govnet.app.netdraw import render_html
from govnet.app.netview import View
from graph import config

EXAMPLES: dict[str, str] = {
    "社区与核心党组织 communities and their party organizations": (
        "MATCH (o:Organization)-[:LOCATED_IN]->(c:Place:Community)\n"
        "WHERE o.kind IN ['party_committee', 'party_general_branch', 'party_branch']\n"
        "RETURN c.name AS community, o.name AS party_org LIMIT 50"
    ),
    "领导关系 LEADS paths": (
        "MATCH p = (a:Organization)-[:LEADS]->(b:Organization) RETURN p LIMIT 30"
    ),
    "共建单位 co-building units": ("MATCH (u:Organization)-[:CO_BUILDS]->(c) RETURN u, c LIMIT 40"),
    "未结需求按领域 open needs by domain": (
        "MATCH (m:Matter) WHERE m.status <> 'closed'\n"
        "RETURN m.domain AS domain, count(*) AS open ORDER BY open DESC"
    ),
}
MAX_ROWS = 1000  # rows kept from a result; more is cut off with a notice
MAX_DRAWN = 300


def node_ids(value: object) -> list[str]:
    """Ids of the nodes inside a result cell (a node dict, a path dict or a list of them)."""
    if isinstance(value, list):
        return [i for v in value for i in node_ids(v)]
    if isinstance(value, dict):
        if "nodes" in value and "relationships" in value:
            return node_ids(value["nodes"])
        if "_labels" in value and "id" in value:
            return [str(value["id"])]
    return []


def result_view(df: pd.DataFrame, network) -> View | None:
    """The returned nodes and the links among them (from the network read from the store)."""
    ids: list[str] = []
    for column in df.columns:
        for value in df[column]:
            ids.extend(node_ids(value))
    g = network.graph
    ids = [i for i in dict.fromkeys(ids) if i in g][:MAX_DRAWN]
    if not ids:
        return None
    nodes = {i: dict(g.nodes[i]) for i in ids}
    edges = sorted({(u, v, d.get("type"), 1) for u, v, d in g.subgraph(ids).edges(data=True)})
    return View(nodes, edges, centers=[])


def _cell(value: object) -> object:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def render() -> None:
    ctx = require_context()
    st.header(t("page_query"))
    if ctx.kind != "db" or not ctx.db_uri:
        st.info(t("query_need_db"))
        return
    example = st.selectbox(t("examples"), list(EXAMPLES), key="q_example")
    cypher = st.text_area(t("cypher"), value=EXAMPLES[example], height=140, key=f"q_{example}")
    if not st.button(t("run"), key="q_run", type="primary"):
        return
    try:
        df, cut = source.store(ctx.db_uri, ctx.db_graph).query_bounded(
            cypher, timeout=config.get("query_timeout_s"), max_rows=MAX_ROWS
        )
    except Exception as exc:  # a write attempt, a timeout or a syntax error: one message
        st.error(t("query_error", error=str(exc)[:500]))
        return
    st.caption(t("rows", n=len(df)) + (f" (≤ {MAX_ROWS}, 已截断 cut off)" if cut else ""))
    st.dataframe(df.map(_cell), hide_index=True, width="stretch")
    view = result_view(df, ctx.network)
    if view is not None:
        st.iframe(render_html(view, lang=current_lang(), height="460px"), height=540)


if __name__ == "__main__":
    render()
