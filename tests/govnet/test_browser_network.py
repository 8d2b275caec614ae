"""The network page in a real browser (Debian's headless Chromium via Playwright, the
fixtures of ``tests/browser.py``): the default one-core view of a community, PNG and
SVG saved from the view, the as-of year slider, compare mode, search and ego depth, the
largest demo community, and the map. Screenshots and the saved files go to
``artifacts/screenshots/``; any request leaving the machine fails the test."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from tests.browser import FIRST_PAGE_MS, SHOTS, STEP_MS, pick

pytestmark = [pytest.mark.browser, pytest.mark.timeout(2400)]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def open_network(page, server):
    page.goto(f"{server}/network")
    page.get_by_role("heading", name="网络", exact=True).wait_for(timeout=FIRST_PAGE_MS)
    return ready_frame(page)


def ready_frame(page):
    """The network component once a drawing the test has not seen yet is done (its first
    afterDrawing sets data-ready). Each redraw is a new document; the one returned is
    marked seen, so a slow redraw is not mistaken for the stale view still showing."""
    frame_el = page.locator("iframe").first
    frame_el.wait_for(timeout=STEP_MS)
    frame = frame_el.content_frame
    frame.locator("body[data-ready]:not([data-seen])").wait_for(timeout=STEP_MS)
    frame.locator("body").evaluate("body => { body.dataset.seen = '1'; }")
    return frame


def caption(page) -> str:
    return page.locator('[data-testid="stCaptionContainer"]').first.inner_text()


def wait_new_caption(page, before: str) -> str:
    page.wait_for_function(
        """before => {
            const c = document.querySelector('[data-testid="stCaptionContainer"]');
            const busy = document.querySelector('[data-testid="stStatusWidget"] button');
            return c && c.innerText !== before && !busy;
        }""",
        arg=before,
        timeout=STEP_MS,
    )
    page.wait_for_timeout(500)
    return caption(page)


def centre_of(frame) -> dict:
    """The drawn core (a star) or, without one, the view's centre, and where it sits."""
    return frame.locator("body").evaluate(
        """() => {
            const star = nodes.get({filter: n => n.shape === 'star'})[0];
            const centre = star || nodes.get({filter: n => n.centre})[0];
            const p = network.getPosition(centre.id);
            return {id: centre.id, x: p.x, y: p.y, n: nodes.length, e: edges.length};
        }"""
    )


def save(page, frame, button: str, name: str) -> bytes:
    with page.expect_download(timeout=STEP_MS) as info:
        frame.locator(button).click()
    download = info.value
    target = SHOTS / name
    shutil.copyfile(download.path(), target)
    return target.read_bytes()


def test_default_view_export_year_compare_search_ego(page, server, external) -> None:
    frame = open_network(page, server)
    frame.locator("#mynetwork canvas").wait_for(timeout=STEP_MS)
    core = centre_of(frame)
    assert abs(core["x"]) < 60 and abs(core["y"]) < 60  # the core in the middle
    page.locator("iframe").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "network_one_core.png"), full_page=True)

    # PNG and SVG of the current view, made in the browser
    png = save(page, frame, "#save-png", "network_export.png")
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    svg = save(page, frame, "#save-svg", "network_export.svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    shapes = sum(
        len(root.findall(f".//{{http://www.w3.org/2000/svg}}{s}"))
        for s in ("circle", "rect", "polygon")
    )
    assert shapes >= core["n"]  # every node (plus the background)
    assert len(root.findall(".//{http://www.w3.org/2000/svg}line")) == core["e"]

    # the as-of slider: one year back redraws the view for 2023
    before = caption(page)
    page.get_by_role("slider", name="截至年度").focus()
    page.keyboard.press("ArrowLeft")
    after = wait_new_caption(page, before)
    assert page.get_by_role("slider", name="截至年度").get_attribute("aria-valuetext") == "2023"
    frame = ready_frame(page)

    # compare mode: links added since 2022 in one style, ended in another, with counts
    before = caption(page)
    page.get_by_text("对比另一年度").click()
    page.get_by_text("新增").first.wait_for(timeout=STEP_MS)
    frame = ready_frame(page)
    changed = frame.locator("body").evaluate(
        """() => ({added: edges.get({filter: e => e.change === 'added'}).length,
                   ended: edges.get({filter: e => e.change === 'ended'}).length})"""
    )
    assert changed["added"] + changed["ended"] > 0
    assert page.get_by_text("2022 年至 2023 年").count() == 1
    page.locator("iframe").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "network_compare.png"), full_page=True)
    page.get_by_text("对比另一年度").click()
    frame = ready_frame(page)

    # search by name, then the ego network re-centres on the hit and grows with depth
    before = caption(page)
    box = page.get_by_label("按名称搜索")
    box.fill("蒋岗社区总支")
    box.press("Enter")
    after = wait_new_caption(page, before)
    assert "中心节点" in after
    frame = ready_frame(page)
    ego1 = frame.locator("body").evaluate(
        """() => {
            const c = nodes.get({filter: n => n.centre})[0];
            const p = network.getPosition(c.id);
            return {id: c.id, x: p.x, y: p.y, n: nodes.length};
        }"""
    )
    assert (ego1["x"], ego1["y"]) == (0, 0)
    before = after
    page.get_by_role("slider", name="以该节点为中心的层数").focus()
    page.keyboard.press("ArrowRight")
    wait_new_caption(page, before)
    frame = ready_frame(page)
    n2 = frame.locator("body").evaluate("() => nodes.length")
    assert n2 > ego1["n"]
    page.locator("iframe").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "network_ego.png"), full_page=True)
    assert not external, external


def test_largest_community_reads_as_one_core(page, server, external) -> None:
    open_network(page, server)
    before = caption(page)
    pick(page, "街道", "嵩山路街道")
    before = wait_new_caption(page, before)
    pick(page, "社区/村", "正兴社区")  # the demo's largest community
    wait_new_caption(page, before)
    frame = ready_frame(page)
    core = centre_of(frame)
    assert abs(core["x"]) < 60 and abs(core["y"]) < 60
    page.locator("iframe").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "network_largest.png"), full_page=True)

    # a click on an actor the core does not reach says why it is marked
    target = frame.locator("body").evaluate(
        """() => {
            const n = nodes.get({filter: n => n.role === 'unreached'})[0];
            network.focus(n.id, {scale: 1.5});
            const p = network.canvasToDOM(network.getPosition(n.id));
            return {id: n.id, x: p.x, y: p.y};
        }"""
    )
    page.wait_for_timeout(300)
    frame.locator("#mynetwork canvas").click(position={"x": target["x"], "y": target["y"]})
    frame.locator("#details .why").first.wait_for(timeout=10_000)
    assert frame.locator("#details").get_attribute("data-node") == target["id"]
    assert "核心未覆盖" in frame.locator("#details .why").first.inner_text()
    assert not external, external


def test_map_draws_offline(page, server, external) -> None:
    page.goto(f"{server}/map")
    page.get_by_role("heading", name="地图").first.wait_for(timeout=FIRST_PAGE_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=STEP_MS)
    page.wait_for_timeout(1500)
    assert page.locator(".js-plotly-plot .point").count() > 100  # the demo's communities
    page.screenshot(path=str(SHOTS / "map.png"), full_page=True)
    assert not external, external
