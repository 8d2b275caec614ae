"""Small helpers every page uses: the context guard, place pickers and name lookups."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from govnet.app.i18n import LABELS, current_lang, t
from govnet.app.source import Context, context
from graph.network import Network
from graph.schema import COMMUNITY_KINDS, STREET_KINDS

log = logging.getLogger("govnet.app")


class PageStop(BaseException):  # noqa: N818 - a signal, not an error
    """Ends a page early. ``main`` catches it so the run still ends normally: Streamlit forgets
    the fragments a run did not place only when the run ends normally (``st.stop()`` skips
    that), and a forgotten fragment's late rerun would write where the page no longer is,
    which blanks the browser's page. A BaseException, like ``st.stop()``'s, so a page's own
    ``except Exception`` does not take it for an error."""


def require_context() -> Context:
    """The sidebar's context; ends the page when no data is loaded."""
    ctx = context()
    if ctx is None:
        raise PageStop
    return ctx


def get_analysis(ctx: Context, part: Callable[[], Any] | None = None):
    """The cached analysis (or ``part`` of it, such as ``ctx.summary``), or a message and an
    ended page when the engine fails."""
    try:
        with st.spinner(t("loading")):
            return (part or ctx.analysis)()
    except Exception as exc:
        log.exception("analysis failed")
        st.error(t("analysis_missing", error=str(exc)[:300]))
        raise PageStop from exc


def places_of(network: Network, kinds: tuple[str, ...]) -> pd.DataFrame:
    places = network.tables["places"]
    return places[places["kind"].isin(kinds)].sort_values("id")


def streets(network: Network) -> pd.DataFrame:
    return places_of(network, STREET_KINDS)


def communities(network: Network, street_id: str | None = None) -> pd.DataFrame:
    df = places_of(network, COMMUNITY_KINDS)
    return df if street_id is None else df[df["parent_id"] == street_id]


@st.cache_resource(show_spinner=False, max_entries=8)
def _names(fingerprint: str, _network: Network) -> dict[str, str]:
    names: dict[str, str] = {}
    for table, column in (
        ("places", "name"),
        ("organizations", "name"),
        ("people", "name"),
        ("resources", "name"),
        ("matters", "title"),
    ):
        df = _network.tables[table]
        ids = df["id"].astype(str)
        names.update(zip(ids, df[column].astype(object).fillna(ids).astype(str), strict=True))
    return names


def name_map(ctx: Context) -> dict[str, str]:
    """Id → name for every node that has one (pseudonyms for people, titles for matters)."""
    return _names(ctx.fingerprint, ctx.network)


def pick_community(ctx: Context, key: str, label: str | None = None) -> str | None:
    """A street then a community/village selectbox pair; returns the community id."""
    net = ctx.network
    st_df = streets(net)
    names = name_map(ctx)
    if st_df.empty:
        return None
    c1, c2 = st.columns(2)
    street = c1.selectbox(
        t("pick_street"), st_df["id"].tolist(), format_func=names.get, key=f"{key}_street"
    )
    comm = communities(net, street)
    if comm.empty:
        return None
    return c2.selectbox(
        label or t("pick_community"),
        comm["id"].tolist(),
        format_func=names.get,
        key=f"{key}_community",
    )


def lang() -> str:
    return current_lang()


def metric_table(df: pd.DataFrame, metrics: list[str], lead: list[str] | None = None):
    """A frame of metrics with display headers and number formats (percent, ‰) that keep
    sorting numeric; returns (frame, column_config) for ``st.dataframe``."""
    from govnet.app.i18n import PERMILLE_METRICS, SHARE_METRICS, metric_help, metric_label

    lead = [c for c in (lead or []) if c in df.columns]
    cols = [m for m in metrics if m in df.columns]
    out = df[lead + cols].copy()
    config = {}
    for m in cols:
        label, helps = metric_label(m), metric_help(m)
        if m in SHARE_METRICS:
            out[m] = pd.to_numeric(out[m], errors="coerce").astype(float)
            config[m] = st.column_config.NumberColumn(label, help=helps, format="percent")
        elif m in PERMILLE_METRICS:
            out[m] = pd.to_numeric(out[m], errors="coerce").astype(float)
            config[m] = st.column_config.NumberColumn(label, help=helps, format="%.1f‰")
        elif pd.api.types.is_bool_dtype(out[m]):
            config[m] = st.column_config.CheckboxColumn(label, help=helps)
        elif pd.api.types.is_numeric_dtype(out[m]):
            out[m] = out[m].astype(float)
            whole = bool((out[m].dropna() % 1 == 0).all())
            config[m] = st.column_config.NumberColumn(
                label, help=helps, format="%d" if whole else "%.2f"
            )
        else:
            config[m] = st.column_config.TextColumn(label, help=helps)
    for c in lead:
        config[c] = st.column_config.TextColumn(t(c) if c in LABELS else c)
    return out, config
