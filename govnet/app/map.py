"""地图 Map page: communities and villages where the ledger gives lat/lon, coloured by weak
score or any metric. Offline by default (points and names on a plain background, no tile
server); ``map.tile_url`` (GOVNET_MAP_TILE_URL) puts an intranet's own tiles underneath."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from govnet.app.common import get_analysis, name_map, require_context
from govnet.app.i18n import current_lang, metric_label, t
from graph import config

DEFAULT_METRIC = "weak_score"
HIDDEN = frozenset({"population", "star_1", "star_2", "star_3", "star_4", "star_5"})


def located(analysis, places: pd.DataFrame) -> pd.DataFrame:
    """One row per community/village with its metrics and lat/lon; rows without a
    position are left out (the page says how many)."""
    pos = places[["id", "lat", "lon"]].astype({"lat": float, "lon": float})
    rows = analysis.communities.merge(pos, on="id", how="left")
    return rows


def metric_options(frame: pd.DataFrame) -> list[str]:
    """Numeric or yes/no metric columns, weak score first."""
    cols = [
        c
        for c in frame.columns
        if c not in HIDDEN | {"lat", "lon"}
        and (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))
    ]
    return sorted(cols, key=lambda c: (c != DEFAULT_METRIC, cols.index(c)))


def figure(frame: pd.DataFrame, metric: str, tile_url: str = "") -> go.Figure:
    """Points coloured by ``metric`` with names beside them. Without ``tile_url``: a plain
    cartesian plot with lon/lat kept to scale (nothing fetched); with it: a map whose only
    layer is that raster tile source."""
    values = pd.to_numeric(frame[metric], errors="coerce").astype(float)
    hover = [
        f"{n}<br>{metric_label(metric)}: {'–' if math.isnan(v) else round(v, 3)}"
        for n, v in zip(frame["name"], values, strict=True)
    ]
    marker = {
        "size": 12,
        "color": values,
        "colorscale": "RdYlGn_r" if metric == DEFAULT_METRIC else "Viridis",
        "showscale": True,
        "colorbar": {"title": {"text": metric_label(metric)}},
    }
    if tile_url:
        fig = go.Figure(
            go.Scattermap(
                lat=frame["lat"], lon=frame["lon"], mode="markers+text", text=frame["name"],
                textposition="top center", hovertext=hover, hoverinfo="text", marker=marker,
            )
        )  # fmt: skip
        fig.update_layout(
            map={
                "style": "white-bg",
                "layers": [{"below": "traces", "sourcetype": "raster", "source": [tile_url]}],
                "center": {"lat": float(frame["lat"].mean()), "lon": float(frame["lon"].mean())},
                "zoom": 11,
            }
        )
    else:
        fig = go.Figure(
            go.Scatter(
                x=frame["lon"], y=frame["lat"], mode="markers+text", text=frame["name"],
                textposition="top center", textfont={"size": 10}, hovertext=hover,
                hoverinfo="text", marker=marker,
            )
        )  # fmt: skip
        ratio = 1 / max(math.cos(math.radians(float(frame["lat"].mean()))), 0.1)
        fig.update_xaxes(title_text="lon", showgrid=False)
        fig.update_yaxes(title_text="lat", showgrid=False, scaleanchor="x", scaleratio=ratio)
        fig.update_layout(plot_bgcolor="#f7f7f7")
    fig.update_layout(height=720, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def render() -> None:
    ctx = require_context()
    st.header(t("page_map") + (f" · {ctx.year}" if ctx.year else ""))
    a = get_analysis(ctx)
    frame = located(a, ctx.network.tables["places"])
    shown = frame.dropna(subset=["lat", "lon"])
    if shown.empty:
        st.info(t("map_none"))
        return
    options = metric_options(shown)
    # The labels are bound to the language when drawn (a label function that looks the language
    # up later may run outside the session), and the key changes with it.
    lang = current_lang()
    metric = st.selectbox(
        t("map_metric"),
        options,
        format_func=lambda m: metric_label(m, lang),
        key=f"map_metric_{lang}",
    )
    names = name_map(ctx)
    shown = shown.assign(name=shown["id"].map(names).fillna(shown["name"]))
    tile_url = str(config.get("map.tile_url") or "")
    st.plotly_chart(figure(shown, metric, tile_url), width="stretch")
    missing = len(frame) - len(shown)
    if missing:
        st.caption(t("map_missing", n=missing))
    if tile_url:
        st.caption(t("map_tiles", url=tile_url))


if __name__ == "__main__":
    render()
