"""The browser fixtures (a ``streamlit run`` server, headless Chromium, a page that records
any request leaving the machine), offered by name to every browser test in this folder."""

from tests.browser import browser, external, page, server

__all__ = ["browser", "external", "page", "server"]
