"""govnet's Streamlit app: ``govnet app`` (installed) or ``streamlit run app.py`` (checkout).

The sidebar chooses the language, the data source (demo district, uploaded ledger or graph
database) and the year; it then hands a ``govnet.app.source.Context`` to the page chosen in the
navigation. Pages are the modules beside this one (not in ``pages/``, which Streamlit would
auto-discover).
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from govnet.app import auth, disk, drawn, source
from govnet.app.common import PageStop
from govnet.app.i18n import LANGS, t
from govnet.app.source import Context
from graph import config

ROOT = Path(__file__).resolve().parent
log = logging.getLogger("govnet.app")


def _language() -> None:
    st.session_state.setdefault("lang", "zh")
    st.sidebar.radio(
        t("language"),
        list(LANGS),
        format_func=LANGS.get,
        key="lang",
        horizontal=True,
    )


def _upload_source() -> Context | None:
    """The upload path: validation report first, data only when the ledger is valid."""
    st.sidebar.caption(t("upload_help"))
    file = st.sidebar.file_uploader(t("upload_file"), type=["xlsx", "zip"], key="upload_file")
    injected = st.session_state.get("upload_bytes")  # (name, bytes), e.g. from a test
    if file is not None:
        name, data = file.name, file.getvalue()
    elif injected:
        name, data = injected
    else:
        st.info(t("upload_wait"))
        return None
    lang = st.session_state.get("lang", "zh")
    result = source.cached_upload(name, source.fingerprint_of(data), data, lang)
    if result.message:
        st.error(result.message)
        return None
    if result.errors:
        st.error(t("upload_invalid"))
        st.dataframe(source.issues_frame(result.errors), hide_index=True, width="stretch")
        return None
    with st.sidebar.expander(t("upload_ok") + f" {name}", expanded=bool(result.warnings)):
        st.json(result.counts)
        if result.warnings:
            st.caption(t("upload_warnings"))
            st.dataframe(source.issues_frame(result.warnings), hide_index=True)
    assert result.network is not None
    return Context("upload", result.fingerprint, result.network, None)


def _db_source() -> Context | None:
    """The database path: URI without credentials; user/password from env or secrets."""
    from graph.store.config import DEFAULT_GRAPH  # graph.store loads NetworkX: not for the demo

    st.sidebar.caption(t("db_help"))
    uri = st.sidebar.text_input(t("db_uri"), value=config.get("db.uri"), key="db_uri")
    graph = st.sidebar.text_input(
        t("db_graph"), value=config.get("db.graph") or DEFAULT_GRAPH, key="db_graph"
    )
    if st.sidebar.button(t("db_connect"), key="db_connect"):
        st.session_state["db_target"] = (uri.strip(), graph.strip())
    target = st.session_state.get("db_target")
    if not target:
        st.info(t("db_wait"))
        return None
    uri, graph = target
    if source.uri_has_credentials(uri):
        st.error(t("db_creds_in_uri"))
        return None
    try:
        network = source.db_network(uri, graph)
    except Exception as exc:  # unreachable server, wrong graph: a message, not a trace
        st.error(t("db_error", error=source.short_error(exc)))
        return None
    return Context("db", f"db:{uri}#{graph}", network, None, db_uri=uri, db_graph=graph)


def _keep(key: str) -> None:
    """Keep the data source chosen on the radio ``key`` (one per language) as "src"."""
    st.session_state["src"] = st.session_state[key]


def _data_source() -> Context | None:
    path = source.ledger_path()
    first = t("src_ledger", name=path.name) if path else t("src_demo")
    kinds = {"demo": first, "upload": t("src_upload"), "db": t("src_db")}
    # "src" holds the choice; the radio is one per language: its options read differently in
    # each, and Streamlit takes a radio whose options change for a new one with none chosen.
    st.session_state.setdefault("src", "demo")
    key = f"src_{st.session_state['lang']}"
    st.session_state[key] = st.session_state["src"]
    kind = st.sidebar.radio(
        t("data_source"), list(kinds), format_func=kinds.get, key=key, on_change=_keep, args=(key,)
    )
    if kind == "upload":
        return _upload_source()
    if kind == "db":
        return _db_source()
    with st.spinner(t("loading")):
        if path is not None:  # govnet app --ledger PATH
            key = source.ledger_key(str(path), source.ledger_stamp(path))
            return Context("demo", f"ledger:{key}", source.ledger(str(path), key), None)
        network = source.demo()
    return Context("demo", f"demo:{disk.DEMO_SCALE}:{disk.DEMO_SEED}", network, None)


def _year(ctx: Context) -> None:
    years = ctx.network.years
    if not years:
        st.sidebar.warning(t("no_years"))
        return
    if "year" in st.session_state and st.session_state["year"] not in years:
        del st.session_state["year"]  # another source's year: start from this one's latest
    ctx.year = st.sidebar.selectbox(t("year"), years, index=len(years) - 1, key="year")


def _report(ctx: Context) -> None:
    """The report workbook of the current source and year, built only when asked for."""

    st.sidebar.download_button(
        t("report"),
        data=lambda: source.report_bytes(ctx.analysis()),
        file_name=f"govnet-report-{ctx.year or 'all'}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="report",
    )


def _pages() -> list:
    specs = [
        ("overview", "page_overview", ":material/dashboard:"),
        ("network", "page_network", ":material/hub:"),
        ("coverage", "page_coverage", ":material/grid_view:"),
        ("weak", "page_weak", ":material/healing:"),
        ("stars", "page_stars", ":material/star:"),
        ("profile", "page_profile", ":material/badge:"),
        ("trends", "page_trends", ":material/trending_up:"),
        ("query", "page_query", ":material/search:"),
        ("definitions", "page_definitions", ":material/menu_book:"),
        ("map", "page_map", ":material/map:"),
    ]
    return [
        st.Page(
            str(ROOT / f"{name}.py"),
            title=t(label),
            icon=icon,
            url_path=name,
            default=(name == "overview"),
        )
        for name, label, icon in specs
    ]


def main() -> None:
    """One run of the app script: sidebar, data source, then the chosen page. It returns rather
    than calling ``st.stop()`` (see ``common.PageStop``)."""
    # A local icon: a Material icon as favicon would be fetched from fonts.gstatic.com.
    st.set_page_config(
        page_title="govnet", page_icon=str(ROOT / "templates" / "icon.png"), layout="wide"
    )
    st.session_state.setdefault("lang", "zh")
    st.sidebar.subheader(t("app_title"))
    _language()
    if not auth.gate():  # sign-in first when secrets configure it (govnet/app/auth.py)
        return
    try:
        ctx = _data_source()
    except Exception as exc:
        log.exception("data source failed")
        st.error(t("error", error=source.short_error(exc)))
        ctx = None
    if ctx is not None:
        _year(ctx)
        _report(ctx)
    st.session_state["_ctx"] = ctx
    page = st.navigation(_pages())
    if ctx is None:
        return
    try:
        page.run()
    except PageStop:
        return
    except Exception as exc:  # a page bug shows a message; the trace goes to the log
        log.exception("page %s failed", page.url_path)
        st.error(t("error", error=source.short_error(exc)))
    # once the browser has drawn the first page, not competing with it
    drawn.after_drawn(ctx.fingerprint, lambda: source.warm(ctx.fingerprint, ctx.network))


if __name__ == "__main__":  # Streamlit runs this file as __main__ (``govnet app``)
    main()
