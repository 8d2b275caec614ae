"""定义与口径 Definitions page: the reference of docs/, rendered from the same generators.

Metrics (definition, null rule, which readings are assumptions or rubric settings), the
ledger format and the settings come from ``govnet.docs``, so the app, the docs and the
report cannot tell a planner two different things. Needs no data source.
"""

from __future__ import annotations

import streamlit as st

from govnet import docs
from govnet.app.i18n import t


def _body(markdown: str) -> str:
    """The generated text without its do-not-edit comment (Streamlit shows HTML as text)."""
    return markdown.removeprefix(docs.HEADER)


st.header(t("page_definitions"))
st.caption(t("defs_intro"))
metrics, ledger, settings = st.tabs([t("defs_metrics"), t("defs_ledger"), t("defs_settings")])
with metrics:
    st.markdown(_body(docs.render_metrics()))
with ledger:
    st.markdown(_body(docs.render_ledger()))
with settings:
    st.markdown(_body(docs.render_settings()))
