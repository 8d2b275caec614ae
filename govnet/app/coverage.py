"""一核多元 Coverage page: community × six extensions, and why a value is what it is."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from govnet.app.common import get_analysis, metric_table, name_map, require_context
from govnet.app.i18n import EXTENSIONS, fmt_metric, metric_help, metric_label, t

COLUMNS = [*EXTENSIONS, "coverage_index", "reach", "actor_kinds"]
EXPLAINABLE = [*EXTENSIONS, "reach", "co_building_units", "isolates", "articulation_points"]


def heatmap(frame: pd.DataFrame) -> None:
    """Community × extension shares, green to red."""
    z = frame[list(EXTENSIONS)].apply(pd.to_numeric, errors="coerce").astype(float)
    dup = frame["name"].duplicated(keep=False)  # same-named communities get their id
    rows = [
        f"{n} · {i}" if d else n for n, i, d in zip(frame["name"], frame["id"], dup, strict=True)
    ]
    labels = [metric_label(m) for m in EXTENSIONS]
    text = [[fmt_metric(m, v) for m, v in zip(EXTENSIONS, row, strict=True)] for row in z.values]
    fig = go.Figure(
        go.Heatmap(
            z=z.values,
            x=labels,
            y=rows,
            text=text,
            texttemplate="%{text}",
            colorscale="RdYlGn",
            zmin=0,
            zmax=1,
            hoverongaps=False,
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title=t("heatmap"),
        height=min(140 + 22 * len(frame), 2400),
        margin={"t": 40, "b": 10, "l": 10, "r": 10},
    )
    # Plotly heat maps send no click selection to Streamlit (streamlit/streamlit#8760), so
    # cells are picked in the table below.
    st.plotly_chart(fig, width="stretch", key="cov_heatmap")


def explain_block(a, community: str, metric: str, names: dict[str, str]) -> None:
    try:
        found = a.explain(community, metric)
    except (KeyError, ValueError):
        st.info(t("explain_none"))
        return
    num = found.get("numerator") or []
    den = found.get("denominator") or []
    row = a.communities.set_index("id").loc[community]
    st.markdown(
        f"**{names.get(community, community)} · {metric_label(metric)}: "
        f"{fmt_metric(metric, row.get(metric))}**"
    )
    missing = [n for n in den if n not in set(num)]
    cols = st.columns(3 if den else 1)
    cols[0].markdown(f"{t('numerator')} ({len(num)})")
    cols[0].dataframe(_named(num, names), hide_index=True, width="stretch")
    if den:
        cols[1].markdown(f"{t('denominator')} ({len(den)})")
        cols[1].dataframe(_named(den, names), hide_index=True, width="stretch")
        cols[2].markdown(f"{t('not_covered')} ({len(missing)})")
        cols[2].dataframe(_named(missing, names), hide_index=True, width="stretch")


def _named(ids: list[str], names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({t("name"): [names.get(i, i) for i in ids], t("id"): ids})


def render() -> None:
    ctx = require_context()
    a = get_analysis(ctx)
    names = name_map(ctx)
    st.header(f"{t('page_coverage')} · {ctx.year}")
    comm = a.communities.sort_values(["street_id", "id"]).reset_index(drop=True)
    streets = ["", *sorted(comm["street_id"].dropna().unique())]
    district = t("district")
    street = st.selectbox(
        t("pick_street"),
        streets,
        format_func=lambda s: district if s == "" else names.get(s, s),
        key="cov_street",
    )
    if street:
        comm = comm[comm["street_id"] == street].reset_index(drop=True)
    heatmap(comm)

    st.caption(t("select_cell"))
    frame, config = metric_table(comm, COLUMNS, lead=["name"])
    event = st.dataframe(
        frame,
        column_config=config,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-cell",
        key="cov_table",
    )
    cells = event.selection.get("cells", []) if event is not None else []
    clicked = (str(comm.iloc[int(cells[0][0])]["id"]), cells[0][1]) if cells else None
    if clicked and clicked != st.session_state.get("cov_last_cell") and clicked[1] in EXPLAINABLE:
        st.session_state["cov_last_cell"] = clicked  # a new click: explain that cell
        st.session_state["cov_community"], st.session_state["cov_metric"] = clicked

    st.subheader(t("explain"))
    ids = comm["id"].tolist()
    if not ids:
        return
    if st.session_state.get("cov_community") not in ids:
        st.session_state["cov_community"] = ids[0]
    c1, c2 = st.columns(2)
    community = c1.selectbox(
        t("community"), ids, format_func=lambda i: names.get(i, i), key="cov_community"
    )
    labels = {m: metric_label(m) for m in EXPLAINABLE}
    metric = c2.selectbox(
        t("explain_metric"), EXPLAINABLE, format_func=labels.get, key="cov_metric"
    )
    st.caption(metric_help(metric) or "")
    explain_block(a, community, metric, names)


if __name__ == "__main__":
    render()
