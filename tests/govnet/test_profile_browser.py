"""The 社区画像 profile page in a real browser (Debian's Chromium via Playwright, the same
server and external-request guard as tests/browser.py): the one-core diagram is drawn,
and switching a suggested link on shows its projected metrics next to today's."""

from __future__ import annotations

import pytest

from tests.browser import FIRST_PAGE_MS, SHOTS, STEP_MS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(2400)]


def test_profile_page_toggles_project_the_suggestions(page, server, external) -> None:
    page.goto(f"{server}/profile")
    page.get_by_role("heading", name="社区画像").first.wait_for(timeout=FIRST_PAGE_MS)
    # the whole profile (with key actors) is ready when the one-core diagram is drawn
    diagram = page.locator('svg[data-testid="one-core"]')
    diagram.wait_for(timeout=FIRST_PAGE_MS)
    assert diagram.locator("circle").count() >= 2
    hint = page.get_by_text("打开建议，右侧显示采纳后的指标")
    hint.wait_for(timeout=STEP_MS)
    toggles = page.locator('[data-testid="stCheckbox"]')
    toggles.first.wait_for(timeout=STEP_MS)  # the page may still be streaming its elements
    assert toggles.count() >= 1
    toggles.first.scroll_into_view_if_needed()
    toggles.first.click()
    projected = page.locator("table", has_text="采纳后")
    projected.wait_for(timeout=STEP_MS)
    text = projected.inner_text()
    assert "今天" in text and "薄弱分" in text and "星级" in text
    assert hint.count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SHOTS / "profile_toggle.png"), full_page=True)
    # switching it off again brings back the hint
    toggles.first.click()
    hint.wait_for(timeout=STEP_MS)
    assert not external, external
