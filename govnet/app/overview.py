"""总览 Overview page: how the district is doing at a glance, and what changed since last year.

Its two charts are Vega-Lite, not Plotly: the first page every analyst opens then does not
make the browser load and run Plotly's 4.7 MB script (measured in ``bench/app_browser.py``:
several CPU seconds of the browser's, on a shared machine). The specs are written here as
the dicts Altair would make (``tests/govnet/test_overview_charts.py`` checks they are), so a
start does not import Altair (a few tenths of a CPU second before the first page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit import dataframe_util
from streamlit.util import calc_hash

from govnet.app.common import get_analysis, metric_table, require_context
from govnet.app.i18n import (
    SHARE_METRICS,
    fmt_metric,
    metric_help,
    metric_label,
    star_label,
    t,
)

DISTRICT_KPIS = (
    "communities",
    "mean_coverage_index",
    "mean_reach",
    "weak_count",
    "closure_rate",
    "mean_stars",
)
STREET_COLUMNS = [
    "communities",
    "mean_coverage_index",
    "mean_reach",
    "mean_stars",
    "weak_count",
    "needs_total",
    "closure_rate",
    "unmatched_needs",
    "goods",
]
LOWER_IS_BETTER = frozenset({"weak_count", "weak_share", "unmatched_needs"})
# The Vega-Lite version the frontend's embed compiles; what Altair 6 writes in its specs.
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"


def _value(row: pd.Series | None, metric: str) -> object:
    if row is None or metric not in row.index:
        return None
    value = row[metric]
    return None if pd.isna(value) else value


def _delta(now: object, before: object, metric: str) -> str | None:
    if now is None or before is None:
        return None
    diff = float(now) - float(before)
    if diff == 0:
        return None
    if metric in SHARE_METRICS:  # a change of a share is in percentage points
        return f"{diff * 100:+.1f} {t('pp')}"
    return ("+" if diff > 0 else "-") + fmt_metric(metric, abs(diff))


def kpis(district: pd.Series, previous: pd.Series | None, prev_year: int | None) -> None:
    cols = st.columns(len(DISTRICT_KPIS) + 1)
    for col, metric in zip(cols, DISTRICT_KPIS, strict=False):
        now = _value(district, metric)
        col.metric(
            metric_label(metric),
            fmt_metric(metric, now),
            delta=_delta(now, _value(previous, metric), metric),
            delta_color="inverse" if metric in LOWER_IS_BETTER else "normal",
            help=(metric_help(metric) or "")
            + "\n\n"
            + (t("vs_prev", year=prev_year) if prev_year else t("no_prev")),
        )
    flag = _value(district, "red_flag")
    cols[-1].metric(
        t("red_flag"),
        t("flag_earned") if flag else t("flag_not_earned"),
        help=t("red_flag_yes") if flag else t("red_flag_no"),
    )


def _named(frame: pd.DataFrame) -> tuple[dict, dict]:
    """A chart's data as Streamlit keeps an Altair chart's: Arrow bytes under their hash,
    so the spec, and what the browser gets, are what ``st.altair_chart`` would send."""
    data = dataframe_util.convert_anything_to_arrow_bytes(frame)
    name = calc_hash(data)
    return {"name": name}, {name: data}


def stars_spec(communities: pd.DataFrame) -> dict:
    """Bars of communities by stars, each labelled with its count (Vega-Lite)."""
    counts = communities["stars"].astype(int).value_counts().reindex(range(6), fill_value=0)
    frame = pd.DataFrame({"stars": [t("n_stars", n=n) for n in counts.index], "n": counts.values})
    stars, n = _field("stars", "nominal", t("stars")), _field("n", "quantitative", t("communities"))
    encoding = {
        "tooltip": [stars, n],
        "x": {"axis": {"labelAngle": 0}, "field": "stars", "sort": None, **_titled(stars)},
        "y": n,
    }
    title = t("stars_dist")
    data, datasets = _named(frame)
    bars = {"mark": {"type": "bar", "color": "#c62828"}, "encoding": encoding, "title": title}
    text = {"text": {"field": "n", "type": "quantitative"}, **encoding}
    labels = {"mark": {"type": "text", "dy": -8}, "encoding": text, "title": title}
    return {
        "layer": [bars, labels],
        "data": data,
        "height": 320,
        "$schema": SCHEMA,
        "datasets": datasets,
    }


def street_spec(streets: pd.DataFrame) -> dict:
    """Bars of each street's mean coverage, coloured by its weak communities (Vega-Lite)."""
    frame = pd.DataFrame(
        {
            "name": streets["name"].astype(str),
            "coverage": streets["mean_coverage_index"].astype(float),
            "weak": streets["weak_count"].astype(float),
        }
    )
    coverage, weak = metric_label("mean_coverage_index"), metric_label("weak_count")
    data, datasets = _named(frame)
    encoding = {
        "color": {
            "field": "weak",
            "scale": {"scheme": "orangered"},
            "title": weak,
            "type": "quantitative",
        },
        "tooltip": [
            _field("name", "nominal", t("street")),
            {"field": "coverage", "format": ".1%", "title": coverage, "type": "quantitative"},
            _field("weak", "quantitative", weak),
        ],
        "x": {"field": "name", "sort": None, "title": t("street"), "type": "nominal"},
        "y": {
            "axis": {"format": ".0%"},
            "field": "coverage",
            "scale": {"domain": [0, 1]},
            "title": coverage,
            "type": "quantitative",
        },
    }
    return {
        "data": data,
        "mark": {"type": "bar"},
        "encoding": encoding,
        "height": 320,
        "title": t("coverage_by_street"),
        "$schema": SCHEMA,
        "datasets": datasets,
    }


def _field(field: str, kind: str, title: str) -> dict:
    return {"field": field, "title": title, "type": kind}


def _titled(encoding: dict) -> dict:
    return {"title": encoding["title"], "type": encoding["type"]}


def stars_chart(communities: pd.DataFrame) -> None:
    st.vega_lite_chart(stars_spec(communities), width="stretch", key="ov_stars")


def street_chart(streets: pd.DataFrame) -> None:
    st.vega_lite_chart(street_spec(streets), width="stretch", key="ov_streets")


def goods_grid(goods: pd.DataFrame, streets: pd.DataFrame) -> None:
    """Street × good matrix of earned goods (✓ / ✗)."""
    if goods is None or goods.empty:
        return
    names = streets.set_index("id")["name"]
    first = goods.drop_duplicates(["street_id", "key"])
    grid = first.pivot(index="street_id", columns="key", values="earned")
    order = list(dict.fromkeys(first.sort_values("star")["key"]))
    grid = grid[order].map(lambda v: "✓" if bool(v) else "✗")
    grid.index = [names.get(i, i) for i in grid.index]
    grid.columns = [star_label(c) for c in grid.columns]
    st.subheader(t("five_goods"))
    st.dataframe(grid, width="stretch")


def render() -> None:
    ctx = require_context()
    a = get_analysis(ctx, ctx.summary)  # the few tables shown, not the whole analysis
    st.header(f"{t('page_overview')} · {ctx.year}")
    prev = get_analysis(ctx, ctx.previous)
    district = a.district.iloc[0] if len(a.district) else None
    prev_row = prev.district.iloc[0] if prev is not None and len(prev.district) else None
    kpis(district, prev_row, prev.year if prev is not None else None)

    c1, c2 = st.columns(2)
    with c1:
        stars_chart(a.communities)
    with c2:
        street_chart(a.streets)

    st.subheader(t("street_kpis"))
    frame, config = metric_table(a.streets, STREET_COLUMNS, lead=["name"])
    st.dataframe(frame, column_config=config, hide_index=True, width="stretch")
    goods_grid(a.goods, a.streets)


if __name__ == "__main__":
    render()
