"""薄弱环节 Weak links page: weak communities and why (reasons apart from data gaps),
unmatched needs, suggested links."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govnet.app.common import get_analysis, metric_table, name_map, require_context
from govnet.app.i18n import current_lang, enum_label, metric_label, t
from graph.analysis.weak import WEAK_METRICS
from graph.workbook import frames_workbook, workbook_bytes

WEAK_SHOWN = ["weak_score", *WEAK_METRICS]


def reasons_text(reasons: object) -> str:
    """The engine's reason keys (low metrics, ``no_core``) as words."""
    items = list(reasons) if isinstance(reasons, list | tuple) else str(reasons or "").split(";")
    words = [t("no_core") if r == "no_core" else metric_label(r) for r in items if r]
    return ("、" if current_lang() == "zh" else ", ").join(words)


def weak_table(a, names: dict[str, str]) -> pd.DataFrame:
    weak = a.communities[a.communities["weak"].astype(bool)]
    weak = weak.sort_values(["weak_score", "coverage_index"], ascending=[False, True])
    return weak.assign(
        street=weak["street_id"].map(names).fillna(weak["street_id"]),
        reasons_text=weak["reasons"].map(reasons_text),
        gaps_text=weak["data_gaps"].map(reasons_text),
    )


def unmatched_table(a, network, names: dict[str, str]) -> pd.DataFrame:
    """Unmatched needs, read from the same evidence the metric counts."""
    ev = a.evidence
    found = ev[(ev["metric"] == "unmatched_needs") & (ev["part"] == "numerator")]
    found = found.drop_duplicates("id")
    ids = found["id"].astype(str)
    rows = network.tables["matters"].set_index("id").reindex(ids)
    return pd.DataFrame(
        {
            t("community"): found["community_id"].map(names).to_numpy(),
            t("id"): ids.to_numpy(),
            t("name"): rows["title"].fillna("").to_numpy(),
            t("col_domain"): rows["domain"].map(lambda d: enum_label(d, enum="domain")).to_numpy(),
            t("col_status"): rows["status"].map(lambda s: enum_label(s, enum="status")).to_numpy(),
            t("col_submitted"): rows["submitted_at"].dt.date.to_numpy(),
        }
    )


def suggestion_table(a, names: dict[str, str]) -> pd.DataFrame:
    s = a.suggestions
    kinds = {"resource": t("sugg_resource"), "co_building": t("sugg_co_building")}
    table = pd.DataFrame(
        {
            t("col_kind"): s["kind"].map(kinds),
            t("community"): s["community_id"].map(names),
            t("col_need"): s["matter_id"].map(names),
            t("col_resource"): s["resource_id"].map(names),
            t("col_unit"): s["unit_id"].map(names),
            t("col_leader"): s["leader_id"].map(names),
            t("col_domain"): s["domain"].map(
                lambda d: enum_label(d, enum="domain") if isinstance(d, str) else ""
            ),
            t("col_cost"): s["cost"],
            t("col_partners"): s["partners"],
        }
    )
    text = [
        t("community"),
        t("col_need"),
        t("col_resource"),
        t("col_unit"),
        t("col_leader"),
        t("col_domain"),
    ]
    table[text] = table[text].fillna("")  # blank, not "None", where a name does not apply
    table[t("col_cost")] = pd.to_numeric(table[t("col_cost")], errors="coerce").astype("Int64")
    table[t("col_partners")] = pd.to_numeric(table[t("col_partners")], errors="coerce").astype(
        "Int64"
    )
    return table


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The download's workbook: every text cell stays text (``graph.workbook``)."""
    return workbook_bytes(frames_workbook(sheets))


def render() -> None:
    ctx = require_context()
    a = get_analysis(ctx)
    names = name_map(ctx)
    st.header(f"{t('page_weak')} · {ctx.year}")

    weak = weak_table(a, names)
    st.subheader(f"{t('weak_ranked')} ({len(weak)})")
    if weak.empty:
        st.success(t("no_weak"))
    lead = ["name", "street", "reasons_text", "gaps_text"]
    frame, config = metric_table(weak, WEAK_SHOWN, lead=lead)
    config["reasons_text"] = st.column_config.TextColumn(t("reasons"), width="large")
    config["gaps_text"] = st.column_config.TextColumn(metric_label("data_gaps"), width="medium")
    st.dataframe(frame, column_config=config, hide_index=True, width="stretch")

    unmatched = unmatched_table(a, ctx.network, names)
    st.subheader(f"{t('unmatched')} ({len(unmatched)})")
    st.dataframe(unmatched, hide_index=True, width="stretch")

    suggestions = suggestion_table(a, names)
    st.subheader(f"{t('suggestions')} ({len(suggestions)})")
    st.dataframe(suggestions, hide_index=True, width="stretch")

    export = frame.rename(columns={k: v["label"] for k, v in config.items()})
    st.download_button(
        t("download_xlsx"),
        data=lambda: workbook(
            {t("weak_ranked"): export, t("unmatched"): unmatched, t("suggestions"): suggestions}
        ),
        file_name=f"govnet-weak-{ctx.year}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="weak_download",
    )


if __name__ == "__main__":
    render()
