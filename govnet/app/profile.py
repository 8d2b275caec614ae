"""社区画像 Community profile page: one community on one page, its suggestions switchable.

Each suggested link has a toggle; the links switched on are run as a what-if scenario
(only this community and its neighbours are measured again) and the projected metrics,
weak score and stars appear next to today's. The page downloads as a PDF.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govnet.app.common import pick_community, require_context
from govnet.app.disk import rubric_from_text
from govnet.app.i18n import current_lang, metric_label, t
from govnet.app.source import Context
from govnet.profile import Profile, build_profile, fmt, kind_label, projection, reason_label
from govnet.profile_diagram import svg


@st.cache_resource(show_spinner=False, max_entries=8)
def _baseline(fingerprint: str, year: int | None, rubric_text: str | None, _network):
    """The measured ledger scenarios start from, once per source, year and rubric."""
    from graph.analysis.whatif import Baseline

    return Baseline(_network, year, rubric_from_text(rubric_text))


@st.cache_resource(show_spinner=False, max_entries=64)
def _profile(
    fingerprint: str, year: int | None, rubric_text: str | None, cid: str, _ctx, lang: str = "zh"
) -> Profile:
    base = _baseline(fingerprint, year, rubric_text, _ctx.network)
    analyses = {y: a for y, a in _ctx.analyses().items() if year is None or y <= year}
    analyses[base.year] = base.before
    return build_profile(base, cid, analyses, lang=lang)


@st.cache_resource(show_spinner=False, max_entries=256)
def _projection(fingerprint: str, year, rubric_text, cid: str, links: tuple, _network) -> dict:
    base = _baseline(fingerprint, year, rubric_text, _network)
    return projection(base, cid, list(links))


@st.cache_data(show_spinner=False, max_entries=16)
def _pdf(fingerprint: str, year, rubric_text, cids: tuple[str, ...], _ctx, lang: str) -> bytes:
    from govnet.profile_pdf import pdf_bytes

    return pdf_bytes([_profile(fingerprint, year, rubric_text, c, _ctx, lang) for c in cids])


def _metric_frame(p: Profile, section: str) -> pd.DataFrame:
    lang = current_lang()
    rows = []
    for m, v in p.sections.get(section, []):
        counted, missing = "", ""
        if m in p.explain:
            e = p.explain[m]
            counted = f"{len(e['numerator'])} / {len(e['denominator'])}" if e["denominator"] else ""
            missing = "、".join(sorted(set(e["denominator"]) - set(e["numerator"]))[:8])
        names = p.weak_points.get(m)
        value = "、".join(names[:12]) if names and isinstance(v, list) else fmt(m, v, lang)
        rows.append([metric_label(m), value, counted, missing])
    return pd.DataFrame(
        rows, columns=[t("explain_metric"), t("value"), t("pf_counted"), t("pf_not_covered")]
    )


def _header(p: Profile) -> None:
    c = p.community
    lang = current_lang()
    cols = st.columns(5)
    cols[0].metric(metric_label("weak_score"), fmt("weak_score", c.get("weak_score"), lang))
    cols[1].metric(t("stars"), c.get("stars"))
    cols[2].metric(metric_label("reach"), fmt("reach", c.get("reach"), lang))
    cols[3].metric(
        metric_label("coverage_index"), fmt("coverage_index", c.get("coverage_index"), lang)
    )
    cols[4].metric(metric_label("population"), fmt("population", c.get("population"), lang))
    core = f"{p.core['name']}（{kind_label(p.core['kind'], lang)}）" if p.core else t("no_core")
    st.caption(f"{p.street} · {p.id} · {metric_label('core')}: {core}")


def _suggestions(ctx: Context, p: Profile) -> None:
    st.subheader(f"{t('pf_suggestions')} ({len(p.suggestions)})")
    if not p.suggestions:
        st.caption(t("none"))
        return
    left, right = st.columns([3, 2])
    on = []
    with left:
        for i, s in enumerate(p.suggestions):
            if st.toggle(s["text"], key=f"pf_s_{p.id}_{i}"):
                on += s["links"]
    with right:
        if not on:
            st.info(t("pf_toggle_hint"))
            return
        with st.spinner(t("loading")):
            proj = _projection(
                ctx.fingerprint, ctx.year, ctx.rubric_text, p.id, tuple(on), ctx.network
            )
        lang = current_lang()
        table = pd.DataFrame(
            [[metric_label(m), fmt(m, a, lang), fmt(m, b, lang)] for m, (a, b) in proj.items()],
            columns=[t("explain_metric"), t("pf_today"), t("pf_projected")],
        )
        st.table(table.set_index(t("explain_metric")))


def render() -> None:
    ctx = require_context()
    st.header(f"{t('page_profile')} · {ctx.year}")
    cid = pick_community(ctx, "pf")
    if cid is None:
        st.info(t("no_nodes"))
        return
    with st.spinner(t("loading")):
        p = _profile(ctx.fingerprint, ctx.year, ctx.rubric_text, cid, ctx, current_lang())
    st.subheader(p.name)
    _header(p)
    lang = current_lang()

    st.subheader(t("pf_one_core"))
    st.caption(t("pf_reached", n=len(p.reached), total=len(p.reached) + len(p.unreached)))
    st.markdown(svg(p), unsafe_allow_html=True)  # inline SVG: no script, no external fetch

    c1, c2 = st.columns(2)
    with c1:
        st.subheader(t("pf_extensions"))
        st.dataframe(_metric_frame(p, "extensions"), hide_index=True, width="stretch")
        st.subheader(t("pf_sla"))
        st.dataframe(
            pd.concat([_metric_frame(p, "sla"), _metric_frame(p, "other")]),
            hide_index=True,
            width="stretch",
        )
    with c2:
        st.subheader(t("pf_resources"))
        st.dataframe(_metric_frame(p, "resources"), hide_index=True, width="stretch")
        st.subheader(t("pf_structure"))
        st.dataframe(_metric_frame(p, "structure"), hide_index=True, width="stretch")

    st.subheader(t("pf_weak"))
    c = p.community

    def words(key: str) -> str:
        return "、".join(reason_label(r, lang) for r in c.get(key) or []) or t("none")

    st.markdown(
        f"**{t('reasons')}**：{words('reasons')}  \n**{t('pf_gaps')}**：{words('data_gaps')}"
    )

    st.subheader(t("pf_key_actors"))
    st.caption(t("pf_key_help"))
    k = p.key_actors
    if not k.empty:
        shown = pd.DataFrame(
            {
                t("name"): k["name"],
                t("kind"): k["kind"].map(lambda x: kind_label(x, lang)),
                metric_label("reach"): k["reach_after"].map(lambda v: fmt("reach", v, lang)),
                metric_label("coverage_index"): k["coverage_index_after"].map(
                    lambda v: fmt("coverage_index", v, lang)
                ),
                metric_label("weak_score"): k["weak_score_after"],
            }
        )
        st.dataframe(shown.head(15), hide_index=True, width="stretch")

    st.subheader(t("pf_stars"))
    rows = [
        {
            t("stars"): f"{s['star']} {s['name']}" + (" ✓" if s["earned"] else ""),
            t("criterion"): metric_label(cr["metric"]),
            t("actual"): fmt(cr["metric"], cr["actual"], lang),
            t("required"): f"{cr['op']} {fmt(cr['metric'], cr['required'], lang)}",
            t("earned"): bool(cr["met"]),
        }
        for s in p.stars
        for cr in s["criteria"]
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

    _suggestions(ctx, p)

    st.subheader(t("pf_trend"))
    if not p.trend.empty:
        trend = p.trend.drop(columns="year")
        trend = trend.apply(lambda col: col.map(lambda v, m=col.name: fmt(m, v, lang)))
        trend.insert(0, t("year"), p.trend["year"].astype(str))
        st.table(trend.rename(columns=metric_label))

    from govnet.profile_pdf import FontMissing, find_font

    try:
        find_font()
    except FontMissing as exc:
        st.warning(t("pf_no_font", error=str(exc)))
        return
    st.download_button(
        t("pf_pdf"),
        data=lambda: _pdf(ctx.fingerprint, ctx.year, ctx.rubric_text, (cid,), ctx, current_lang()),
        file_name=f"govnet-profile-{cid}-{ctx.year}.pdf",
        mime="application/pdf",
        key="pf_pdf",
    )
    a = _baseline(ctx.fingerprint, ctx.year, ctx.rubric_text, ctx.network).before
    rows = a.communities[a.communities["street_id"] == c.get("street_id")]
    weak = tuple(rows[rows["weak"].astype(bool)].sort_values("id")["id"])
    if weak:
        st.download_button(
            f"{t('pf_pdf_weak')} ({len(weak)})",
            data=lambda: _pdf(
                ctx.fingerprint, ctx.year, ctx.rubric_text, weak, ctx, current_lang()
            ),
            file_name=f"govnet-profiles-weak-{c.get('street_id')}-{ctx.year}.pdf",
            mime="application/pdf",
            key="pf_pdf_weak",
        )


if __name__ == "__main__":
    render()
