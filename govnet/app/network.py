"""网络 Network page: a street's or community's network in pyvis, filtered, aggregated,
with the core highlighted, gaps marked and node details on click."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govnet.app.common import communities, name_map, require_context, streets
from govnet.app.i18n import current_lang, enum_label, t
from govnet.app.netdraw import display_name, links_table, props_table, render_html
from govnet.app.netview import View, build_view, cores, group, search
from govnet.app.source import Context
from graph.network import Network

GAP_METRICS = {
    "ext_grid": "gap_uncovered_grid",
    "ext_compound": "gap_uncovered_compound",
    "ext_property": "gap_unled_property",
    "isolates": "gap_isolate",
    "articulation_points": "gap_articulation",
}
STREET_COLLAPSE = ("compound", "building")


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_view(
    fingerprint: str,
    place_id: str | None,
    node_id: str | None,
    depth: int,
    kinds: tuple[str, ...],
    link_types: tuple[str, ...],
    year: int | None,
    collapse: tuple[str, ...],
    _network: Network,
) -> View:
    """One view per source and choice, shared by sessions (filters toggle back instantly)."""
    return build_view(
        _network,
        place_id=place_id,
        node_id=node_id,
        depth=depth,
        kinds=kinds,
        link_types=link_types,
        year=year,
        collapse=collapse,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def vocabulary(fingerprint: str, _network: Network) -> tuple[list[str], list[str]]:
    """The node groups and edge types present in a network (the filter options)."""
    g = _network.graph
    kinds = sorted({group(a) for _, a in g.nodes(data=True)})
    types = sorted({d.get("type") for _, _, d in g.edges(data=True)})
    return kinds, types


def gaps_for(ctx: Context, community_ids: list[str]) -> dict[str, list[str]]:
    """Gap label key → node ids, from the evidence the metrics are counted from: the
    uncovered part of each extension's denominator, and the isolates and articulation
    points of each community's structure."""
    try:
        evidence = ctx.analysis().evidence
    except Exception:  # no engine: the network still draws, without gap marks
        return {}
    ev = evidence[
        evidence["community_id"].isin(community_ids) & evidence["metric"].isin(GAP_METRICS)
    ]
    out: dict[str, list[str]] = {}
    for metric, rows in ev.groupby("metric"):
        num = rows.loc[rows["part"] == "numerator", ["community_id", "id"]]
        if str(metric).startswith("ext_"):
            den = rows.loc[rows["part"] == "denominator", ["community_id", "id"]]
            covered = set(zip(num["community_id"], num["id"], strict=True))
            ids = [i for c, i in zip(den["community_id"], den["id"], strict=True)
                   if (c, i) not in covered]  # fmt: skip
        else:
            ids = num["id"].tolist()
        out[GAP_METRICS[str(metric)]] = sorted({str(i) for i in ids})
    return out


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
    c1, c2, c3, c4 = st.columns([2, 2, 1, 2])
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
    depth = c3.slider(t("depth"), 0, 3, 1, key="net_depth")
    query = c4.text_input(t("search"), key="net_search")
    focus = None
    if query.strip():
        hits = search(net, query)
        if hits:
            focus = st.selectbox(
                t("search_hits"),
                [h[0] for h in hits],
                format_func=lambda x: f"{names.get(x, x)} ({x})",
                key="net_hit",
            )
        else:
            st.info(t("search_none", q=query))

    all_kinds, all_types = vocabulary(ctx.fingerprint, net)
    f1, f2 = st.columns(2)
    kinds = f1.multiselect(
        t("filter_kinds"),
        all_kinds,
        default=all_kinds,
        format_func=lambda k: enum_label(k, lang),
        key="net_kinds",
    )
    link_types = f2.multiselect(
        t("filter_links"),
        all_types,
        default=all_types,
        format_func=lambda k: enum_label(k, lang),
        key="net_links",
    )
    collapse = st.checkbox(t("aggregate"), value=not community, key="net_collapse")

    place = community or street
    view = cached_view(
        ctx.fingerprint,
        None if focus else place,
        focus,
        int(depth),
        tuple(sorted(kinds)),
        tuple(sorted(link_types)),
        ctx.year,
        STREET_COLLAPSE if collapse else (),
        net,
    )
    if not view.nodes:
        st.info(t("no_nodes"))
        return
    scope_communities = [community] if community else options[1:]
    gap_lists = gaps_for(ctx, scope_communities)
    gaps = {n: t(label) for label, ids in gap_lists.items() for n in ids if n in view.nodes}
    core_ids = cores(net, scope_communities)

    note = t("drawn", nodes=view.size, edges=len(view.edges))
    if view.collapsed:
        note += " " + t("collapsed", n=view.collapsed)
    st.caption(note)
    html = render_html(view, lang=lang, gaps=gaps, cores=core_ids, height="620px")
    st.iframe(html, height=700)

    _gap_summary(gap_lists, names)
    _details(view, lang)


def _gap_summary(gap_lists: dict[str, list[str]], names: dict[str, str]) -> None:
    with st.expander(t("gaps"), expanded=False):
        rows = [
            {t("gaps"): t(label), t("name"): names.get(n, n), t("id"): n}
            for label, ids in gap_lists.items()
            for n in ids
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
