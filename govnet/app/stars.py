"""摘星 Stars page: each community's stars with every criterion's actual vs required, the
streets' goods, and a rubric editor that re-scores live. A criterion over a missing value
shows as unknown (a data gap), not as failed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govnet.app.common import get_analysis, name_map, require_context
from govnet.app.i18n import enum_label, fmt_metric, metric_label, star_label, t
from govnet.app.source import check_rubric_text
from graph.analysis.rubric import RUBRIC_DIR
from graph.schema import COMMUNITY_KINDS

UNKNOWN = "?"


def _mark(met: object, unknown: object) -> str:
    """✓ met, ✗ failed, ? not met only because a value is missing (a data gap)."""
    return "✓" if bool(met) else UNKNOWN if bool(unknown) else "✗"


def _rule_marks(detail: pd.DataFrame, id_col: str) -> pd.DataFrame:
    """One row per (id, rule): earned, and undecided when only unknown criteria fail it."""
    failed = ~detail["met"].astype(bool) & ~detail["unknown"].astype(bool)
    g = detail.assign(failed=failed).groupby([id_col, "star", "key"], sort=False)
    out = g.agg(earned=("earned", "first"), failed=("failed", "any")).reset_index()
    out["mark"] = [_mark(e, not f) for e, f in zip(out["earned"], out["failed"], strict=True)]
    return out


def star_matrix(a, names: dict[str, str], ids: list[str]) -> pd.DataFrame:
    """Community × star: ✓ earned, ✗ not, ? unknown (a data gap); plus the star count."""
    detail = a.star_detail[a.star_detail["community_id"].isin(ids)]
    first = _rule_marks(detail, "community_id")
    grid = first.pivot(index="community_id", columns="key", values="mark")
    order = list(dict.fromkeys(first.sort_values("star")["key"]))
    grid = grid.reindex(columns=order).fillna("")
    stars = a.communities.set_index("id")["stars"]
    grid.insert(0, t("stars"), [int(stars.get(i, 0)) for i in grid.index])
    grid.index = [names.get(i, i) for i in grid.index]
    grid.columns = [c if c == t("stars") else star_label(c) for c in grid.columns]
    return grid


def criteria_table(detail: pd.DataFrame, id_col: str, oid: str) -> pd.DataFrame:
    rows = detail[detail[id_col] == oid].sort_values(["star", "metric"])
    rule = _rule_marks(rows, id_col).set_index("key")["mark"]
    return pd.DataFrame(
        {
            t("stars"): rows["key"].map(star_label),
            t("earned"): rows["key"].map(rule),
            t("criterion"): rows["metric"].map(metric_label),
            t("required"): [
                f"{op} {fmt_metric(m, v)}"
                for op, m, v in zip(rows["op"], rows["metric"], rows["required"], strict=True)
            ],
            t("actual"): [
                fmt_metric(m, v) for m, v in zip(rows["metric"], rows["actual"], strict=True)
            ],
            "✓": [
                t("unknown_gap") if _mark(m, u) == UNKNOWN else _mark(m, u)
                for m, u in zip(rows["met"], rows["unknown"], strict=True)
            ],
        }
    )


def rubric_editor() -> None:
    st.subheader(t("rubric"))
    st.caption(t("rubric_edit"))
    edited: dict[str, str] = dict(st.session_state.get("rubric_texts") or {})
    tabs = st.tabs([enum_label(k) for k in COMMUNITY_KINDS])
    for tab, kind in zip(tabs, COMMUNITY_KINDS, strict=True):
        shipped = (RUBRIC_DIR / f"{kind}.toml").read_text(encoding="utf-8")
        with tab:
            text = st.text_area(
                t("rubric"),
                value=edited.get(kind, shipped),
                height=320,
                key=f"rubric_area_{kind}",
                label_visibility="collapsed",
            )
            c1, c2, c3 = st.columns(3)
            if c1.button(t("rubric_apply"), key=f"rubric_apply_{kind}"):
                error = check_rubric_text(text, f"{kind}.toml")
                if error:
                    st.error(t("rubric_invalid", error=error))
                else:
                    edited[kind] = text
                    st.session_state["rubric_texts"] = edited
                    st.success(t("rubric_ok"))
                    st.rerun()
            if c2.button(t("rubric_reset"), key=f"rubric_reset_{kind}"):
                edited.pop(kind, None)
                st.session_state["rubric_texts"] = edited
                st.session_state.pop(f"rubric_area_{kind}", None)
                st.rerun()
            c3.download_button(
                t("rubric_download"),
                data=edited.get(kind, shipped).encode("utf-8"),
                file_name=f"{kind}.toml",
                mime="application/toml",
                key=f"rubric_download_{kind}",
            )


def render() -> None:
    ctx = require_context()
    a = get_analysis(ctx)
    names = name_map(ctx)
    st.header(f"{t('page_stars')} · {ctx.year}")
    if st.session_state.get("rubric_texts"):
        st.info(t("rubric_ok"))

    comm = a.communities.sort_values(["street_id", "id"])
    streets = sorted(comm["street_id"].dropna().unique())
    street = st.selectbox(t("pick_street"), streets, format_func=names.get, key="stars_street")
    ids = comm.loc[comm["street_id"] == street, "id"].tolist()
    st.dataframe(star_matrix(a, names, ids), width="stretch")

    if ids:
        community = st.selectbox(
            t("community"), ids, format_func=lambda i: names.get(i, i), key="stars_community"
        )
        st.subheader(f"{t('stars_of')} · {names.get(community, community)}")
        st.dataframe(
            criteria_table(a.star_detail, "community_id", community),
            hide_index=True,
            width="stretch",
        )
    st.subheader(f"{t('street_goods')} · {names.get(street, street)}")
    st.dataframe(criteria_table(a.goods, "street_id", street), hide_index=True, width="stretch")
    rubric_editor()


if __name__ == "__main__":
    render()
