"""三年行动 Trends page: 2022 → 2024 metrics of the district, its streets and communities."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from govnet.app.common import name_map, require_context
from govnet.app.i18n import PERMILLE_METRICS, SHARE_METRICS, metric_help, metric_label, t

COMMUNITY_METRICS = [
    "coverage_index",
    "reach",
    "stars",
    "co_building_units",
    "reporting_members_per_1000",
    "volunteers_per_1000",
    "closure_rate",
    "sla_rate",
    "unmatched_needs",
    "weak_score",
]
ROLLUP_METRICS = [
    "mean_coverage_index",
    "mean_reach",
    "mean_stars",
    "weak_count",
    "co_building_units",
    "mean_reporting_members_per_1000",
    "mean_volunteers_per_1000",
    "closure_rate",
    "mean_sla_rate",
    "unmatched_needs",
    "goods",
]
LEVELS = ("district", "street", "community")


def long_frame(analyses: dict, level: str, metric: str, ids: list[str] | None) -> pd.DataFrame:
    """year, id, name, value for one metric across the analysed years."""
    frames = []
    for year, a in sorted(analyses.items()):
        table = {"district": a.district, "street": a.streets, "community": a.communities}[level]
        if metric not in table.columns:
            continue
        part = table if ids is None else table[table["id"].isin(ids)]
        frames.append(
            pd.DataFrame(
                {
                    "year": int(year),
                    "id": part["id"].astype(str),
                    "name": part["name"].astype(str),
                    "value": pd.to_numeric(part[metric], errors="coerce").astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def render() -> None:
    ctx = require_context()
    names = name_map(ctx)
    st.header(t("page_trends"))
    try:
        with st.spinner(t("loading")):
            analyses = ctx.analyses()
    except Exception as exc:
        st.error(t("analysis_missing", error=str(exc)[:300]))
        return
    level_names = {"district": t("district"), "street": t("street"), "community": t("community")}
    c1, c2, c3 = st.columns(3)
    level = c1.radio(
        t("trend_level"), LEVELS, format_func=level_names.get, horizontal=True, key="tr_level"
    )
    options = COMMUNITY_METRICS if level == "community" else ROLLUP_METRICS
    labels = {m: metric_label(m) for m in options}
    metric = c2.selectbox(t("trend_metric"), options, format_func=labels.get, key=f"tr_{level}")
    st.caption(metric_help(metric) or "")
    ids = None
    if level == "community":
        latest = analyses[max(analyses)].communities
        streets = sorted(latest["street_id"].dropna().unique())
        street = c3.selectbox(t("pick_street"), streets, format_func=names.get, key="tr_street")
        ids = latest.loc[latest["street_id"] == street, "id"].tolist()
    frame = long_frame(analyses, level, metric, ids)
    if frame.empty:
        st.info(t("no_nodes"))
        return
    fig = px.line(
        frame,
        x="year",
        y="value",
        color="name",
        markers=True,
        labels={"year": t("year"), "value": metric_label(metric), "name": level_names[level]},
    )
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")
    if metric in SHARE_METRICS:
        fig.update_yaxes(tickformat=".0%")
    elif metric in PERMILLE_METRICS:
        fig.update_yaxes(ticksuffix="‰")
    fig.update_layout(height=460, margin={"t": 20, "b": 10, "l": 10, "r": 10})
    st.plotly_chart(fig, width="stretch", key="tr_chart")

    wide = frame.pivot_table(index="name", columns="year", values="value", aggfunc="first")
    years = list(wide.columns)
    if len(years) >= 2:
        wide["change"] = wide[years[-1]] - wide[years[0]]
    wide.columns = [str(c) for c in wide.columns]
    wide.index.name = level_names[level]
    fmt = "percent" if metric in SHARE_METRICS else "%.1f‰" if metric in PERMILLE_METRICS else "%g"
    config = {c: st.column_config.NumberColumn(c, format=fmt) for c in wide.columns}
    if "change" in config:
        config["change"] = st.column_config.NumberColumn(t("vs_prev", year=years[0]), format=fmt)
    st.dataframe(wide, column_config=config, width="stretch")


if __name__ == "__main__":
    render()
