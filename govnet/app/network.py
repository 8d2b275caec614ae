"""网络 Network page: a community's one-core diagram (or a street, or one node's ego
network) at fixed positions, as of a year or comparing two, with what the analysis found
marked, node details on click, and the view saved as PNG/SVG/GraphML/GEXF."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from govnet.app import source
from govnet.app.common import communities, name_map, require_context, streets
from govnet.app.i18n import current_lang, enum_label, t
from govnet.app.netdraw import display_name, links_table, props_table, render_html
from govnet.app.netview import (
    DEFAULT_COLLAPSE,
    View,
    build_view,
    cores,
    group,
    members_graph,
    search,
)
from govnet.app.source import Context
from graph.export import graph_bytes
from graph.network import Network

GAP_METRICS = {
    "ext_grid": "gap_uncovered_grid",
    "ext_compound": "gap_uncovered_compound",
    "ext_property": "gap_unled_property",
    "isolates": "gap_isolate",
}
# Evidence metric → the mark its numerator ids get.
FOUND_METRICS = {
    "articulation_points": "mark_articulation",
    "brokers": "mark_broker",
    "unmatched_needs": "mark_unmatched",
}
STREET_COLLAPSE = ("compound",)
EXPANDABLE = ("building", "person", "matter", "compound")


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_view(
    fingerprint: str,
    place_id: str | None,
    node_id: str | None,
    depth: int,
    kinds: tuple[str, ...],
    link_types: tuple[str, ...],
    year: int | None,
    compare_year: int | None,
    collapse: tuple[str, ...],
    _network: Network,
) -> View:
    """One view (with its layout) per source and choice, shared by sessions: the same
    choice always gives the same picture, and toggling back is instant."""
    return build_view(
        _network,
        place_id=place_id,
        node_id=node_id,
        depth=depth,
        kinds=kinds,
        link_types=link_types,
        year=year,
        compare_year=compare_year,
        collapse=collapse,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def vocabulary(fingerprint: str, _network: Network) -> tuple[list[str], list[str]]:
    """The node groups and edge types present in a network (the filter options)."""
    g = _network.graph
    kinds = sorted({group(a) for _, a in g.nodes(data=True)})
    types = sorted({d.get("type") for _, _, d in g.edges(data=True)})
    return kinds, types


def key_actor_ids(analysis, community_ids: list[str]) -> set[str]:
    """Hook for the scenario work's key actors: an ``Analysis.key_actors`` frame (columns
    ``community_id`` and ``id``) when the analysis has one; nothing otherwise."""
    frame = getattr(analysis, "key_actors", None)
    if not isinstance(frame, pd.DataFrame) or not {"community_id", "id"} <= set(frame.columns):
        return set()
    return set(frame.loc[frame["community_id"].isin(community_ids), "id"].astype(str))


def found(analysis, community_ids: list[str]) -> tuple[dict[str, list[str]], set[frozenset]]:
    """Label keys per node id from the evidence the metrics are counted from: gaps (the
    uncovered part of each extension, isolates), articulation points, brokers, unmatched
    needs, key actors; and the bridges as node pairs."""
    ev = analysis.evidence
    ev = ev[ev["community_id"].isin(community_ids)]
    marks: dict[str, list[str]] = {}

    def mark(ids, label: str) -> None:
        for i in sorted({str(i) for i in ids}):
            marks.setdefault(i, []).append(label)

    for metric, rows in ev.groupby("metric"):
        metric = str(metric)
        num = rows.loc[rows["part"] == "numerator", ["community_id", "id"]]
        if metric in GAP_METRICS and metric.startswith("ext_"):
            den = rows.loc[rows["part"] == "denominator", ["community_id", "id"]]
            covered = set(zip(num["community_id"], num["id"], strict=True))
            mark([i for c, i in zip(den["community_id"], den["id"], strict=True)
                  if (c, i) not in covered], GAP_METRICS[metric])  # fmt: skip
        elif metric in GAP_METRICS:
            mark(num["id"], GAP_METRICS[metric])
        elif metric in FOUND_METRICS:
            mark(num["id"], FOUND_METRICS[metric])
    mark(key_actor_ids(analysis, community_ids), "mark_key_actor")
    bridges = ev.loc[(ev["metric"] == "bridges") & (ev["part"] == "numerator"), "id"]
    pairs = {frozenset(str(b).split("|")) for b in bridges}
    return marks, {p for p in pairs if len(p) == 2}


def view_marks(view: View, marks: dict[str, list[str]], lang: str) -> dict[str, list[str]]:
    """The marks of the drawn nodes in words; a counted group says how many of its
    members carry each mark."""
    out = {n: [t(k, lang) for k in marks[n]] for n in view.nodes if n in marks}
    for agg, members in view.aggregates.items():
        counts = Counter(k for m in members for k in marks.get(m, ()))
        if counts:
            out[agg] = [
                t("mark_unmatched_in", lang, n=c) if k == "mark_unmatched" else f"{t(k, lang)} ×{c}"
                for k, c in sorted(counts.items())
            ]
    return out


def _analysis(ctx: Context, year: int | None):
    """The analysis of the view's year (shared with the other pages when it is theirs)."""
    try:
        return source.analysis(ctx.fingerprint, year, ctx.rubric_text, ctx.network)
    except Exception:  # no engine: the network still draws, without marks
        return None


def _year_controls(ctx: Context) -> tuple[int | None, int | None]:
    """The as-of slider (following the sidebar's year until moved) and the compare year."""
    years = ctx.network.years
    if not years:
        return None, None
    if st.session_state.get("_net_sidebar_year") != ctx.year:
        st.session_state["_net_sidebar_year"] = ctx.year
        st.session_state["net_year"] = ctx.year if ctx.year in years else years[-1]
    y1, y2, y3 = st.columns([3, 1, 2])
    year = y1.select_slider(t("as_of"), years, key="net_year") if len(years) > 1 else years[0]
    other = None
    if len(years) > 1 and y2.checkbox(t("compare"), key="net_compare"):
        options = [y for y in years if y != year]
        if st.session_state.get("net_compare_year") not in options:
            st.session_state["net_compare_year"] = options[0]
        other = y3.selectbox(t("compare_year"), options, key="net_compare_year")
    return year, other


def render() -> None:
    ctx = require_context()
    lang = current_lang()
    net = ctx.network
    names = name_map(ctx)
    st.header(t("page_network"))

    st_df = streets(net)
    if st_df.empty:
        st.info(t("no_nodes"))
        return
    c1, c2, c3 = st.columns([2, 2, 3])
    street = c1.selectbox(
        t("pick_street"), st_df["id"].tolist(), format_func=names.get, key="net_street"
    )
    options = ["", *communities(net, street)["id"].tolist()]
    if st.session_state.get("net_community") not in options:
        st.session_state["net_community"] = options[1] if len(options) > 1 else ""
    whole = t("all_communities")
    community = c2.selectbox(
        t("pick_community"),
        options,
        format_func=lambda x: whole if x == "" else names.get(x, x),
        key="net_community",
    )
    query = c3.text_input(t("search"), key="net_search")
    focus = None
    e1, e2 = st.columns([3, 2])
    if query.strip():
        hits = search(net, query)
        if hits:
            focus = e1.selectbox(
                t("search_hits"),
                [h[0] for h in hits],
                format_func=lambda x: f"{names.get(x, x)} ({x})",
                key="net_hit",
            )
            depth = e2.slider(t("ego_depth"), 1, 3, 1, key="net_ego_depth")
        else:
            st.info(t("search_none", q=query))
    if focus is None:
        depth = e2.slider(t("depth"), 0, 3, 1, key="net_depth")
    year, other = _year_controls(ctx)

    all_kinds, all_types = vocabulary(ctx.fingerprint, net)
    f1, f2, f3 = st.columns([3, 3, 2])
    kinds = f1.multiselect(
        t("filter_kinds"),
        all_kinds,
        default=all_kinds,
        format_func=lambda k: enum_label(k, lang),
        placeholder=t("choose"),
        key="net_kinds",
    )
    link_types = f2.multiselect(
        t("filter_links"),
        all_types,
        default=all_types,
        format_func=lambda k: enum_label(k, lang),
        placeholder=t("choose"),
        key="net_links",
    )
    expand = f3.multiselect(
        t("expand"),
        EXPANDABLE,
        default=[],
        format_func=lambda k: enum_label(k, lang),
        placeholder=t("choose"),
        key="net_expand",
    )
    collapse = (*DEFAULT_COLLAPSE, *(STREET_COLLAPSE if not community and not focus else ()))
    place = community or street
    view = cached_view(
        ctx.fingerprint,
        None if focus else place,
        focus,
        int(depth),
        tuple(sorted(kinds)),
        tuple(sorted(link_types)),
        year,
        other,
        tuple(sorted(set(collapse) - set(expand))),
        net,
    )
    if not view.nodes:
        st.info(t("no_nodes"))
        return
    scope_communities = [community] if community else options[1:]
    analysis = _analysis(ctx, year)
    marks, bridges = found(analysis, scope_communities) if analysis is not None else ({}, set())
    core_ids = cores(net, scope_communities)

    note = t("drawn", nodes=view.size, edges=len(view.edges))
    if view.collapsed:
        note += " " + t("collapsed", n=view.collapsed)
    if focus:
        note += " · " + t("ego_centre") + f" {names.get(focus, focus)}"
    st.caption(note)
    if other is not None:
        a, b = sorted((year, other))
        st.caption(t("compare_counts", a=a, b=b, added=view.added, ended=view.ended))
    stem = f"govnet-{focus or place}-{year}" + (f"-vs-{other}" if other else "")
    html = render_html(
        view,
        lang=lang,
        marks=view_marks(view, marks, lang),
        bridges=bridges,
        cores=core_ids,
        height="640px",
        file_stem=stem,
    )
    st.iframe(html, height=720)
    _exports(net, view, stem)
    _found_summary(view, marks, names)
    _details(view, lang)


def _exports(net: Network, view: View, stem: str) -> None:
    """GraphML and GEXF of the view's subgraph (nothing collapsed), built when asked for."""
    d1, d2, d3 = st.columns([1, 1, 4])
    for col, fmt in ((d1, "graphml"), (d2, "gexf")):
        col.download_button(
            t(f"export_{fmt}"),
            data=lambda f=fmt: graph_bytes(members_graph(net, view), f),
            file_name=f"{stem}.{fmt}",
            mime="application/xml",
            key=f"net_export_{fmt}",
        )
    d3.caption(t("export_help"))


def _found_summary(view: View, marks: dict[str, list[str]], names: dict[str, str]) -> None:
    with st.expander(t("marked"), expanded=False):
        rows = [
            {t("marked"): t(k), t("name"): names.get(n, n), t("id"): n}
            for n in sorted(view.members & set(marks))
            for k in marks[n]
        ]
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.write(t("none"))


def _details(view: View, lang: str) -> None:
    st.subheader(t("node_details"))
    ids = sorted(view.nodes, key=lambda n: (n not in view.centers, n))
    label = {
        n: f"{display_name(n, a, lang)} · {enum_label(a.get('kind', ''), lang)}"
        for n, a in ((n, view.nodes[n]) for n in ids)
    }
    node = st.selectbox(t("node_details"), ids, format_func=label.get, key="net_node")
    if node is None:
        return
    c1, c2 = st.columns([1, 2])
    props = props_table(view, node, lang)
    c1.dataframe(
        pd.DataFrame({t("properties"): list(props), t("value"): list(props.values())}),
        hide_index=True,
        width="stretch",
    )
    c2.dataframe(pd.DataFrame(links_table(view, node, lang)), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
