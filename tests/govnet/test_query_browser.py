"""The Query page in a real browser on the demo district (no database configured): the app
loads the demo into its private FalkorDB, a ready question runs from its form, the answer
shows as table, chart and network, and the CSV download is formula-safe. Same Chromium,
server and external-request guard as ``tests/browser.py``."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser import FIRST_PAGE_MS, SHOTS, STEP_MS, pick_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(2400)]


def test_query_page_answers_a_template_on_the_demo(page, server, external) -> None:
    page.goto(f"{server}/query")
    page.get_by_role("heading", name="查询").wait_for(timeout=FIRST_PAGE_MS)
    run = page.get_by_role("button", name="运行")
    run.wait_for(timeout=FIRST_PAGE_MS)  # the demo is loaded into the local FalkorDB first

    pick_until(page, "研究问题", "领导链", page.get_by_text("党工委(空=全部)"))  # the chains' form
    page.get_by_role("button", name="运行").click()

    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=STEP_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlert"]').filter(has_text="查询失败").count() == 0
    frame_el = page.locator("iframe").first
    frame_el.wait_for(timeout=STEP_MS)
    frame = frame_el.content_frame
    frame.locator("#mynetwork canvas").wait_for(timeout=STEP_MS)
    drawn = frame.locator("body").evaluate("() => nodes.get().map(n => n.id)")
    assert len(drawn) > 3, "the chains' organizations are drawn"

    with page.expect_download(timeout=STEP_MS) as got:
        page.get_by_role("button", name="下载 CSV").click()
    text = open(got.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["committee", "committee_name", "target"]
    assert len(rows) > 1 and all(row[0] for row in rows[1:])
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    page.screenshot(path=str(SHOTS / "query.png"), full_page=True)
    assert not external, external
