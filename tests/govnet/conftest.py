"""The browser fixtures (one ``streamlit run`` server and one headless Chromium for the whole
session, a fresh page per test that records any request leaving the machine), offered by
name to every browser test in this folder."""

from tests.browser import browser, external, page, server

__all__ = ["browser", "external", "page", "server"]
