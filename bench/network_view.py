"""Time to interactive of the network view in headless Chromium, on the demo district.

    .venv/bin/python bench/network_view.py [--runs 3]

For the largest demo community's default view (target < 2 s) and the district overview
(target < 3 s): the Python side (select, aggregate, lay out, render HTML) and, in the
browser, from navigation start until the view is drawn and answers clicks (the first
``afterDrawing`` of vis-network). Beside them, measured in the same run: a blank page
(the browser's floor) and the old force-directed view of the same nodes (physics on,
positions left to the simulation, interactive once it has stabilized).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")

CHROMIUM = os.environ.get("GOVNET_CHROMIUM", "/usr/bin/chromium")
FORCE_PHYSICS = {
    "enabled": True,
    "solver": "forceAtlas2Based",
    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 90},
    "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 25},
}
BLANK = "<!DOCTYPE html><html><body><script>document.body.dataset.ready='1'</script></body></html>"


def largest_community(network) -> str:
    """The community or village whose scope holds the most nodes."""
    from govnet.app.netview import scope

    places = network.tables["places"]
    units = places.loc[places["kind"].isin(["community", "village"]), "id"]
    return max(units, key=lambda c: (len(scope(network, c)), c))


def force_directed(html: str) -> str:
    """The same document drawn the old way: physics on, no fixed positions."""
    start = html.index("var options = ") + len("var options = ")
    end = html.index(";\n", start)
    options = json.loads(html[start:end])
    options["physics"] = FORCE_PHYSICS
    out = html[:start] + json.dumps(options) + html[end:]
    return out


def browser_ms(browser, path: Path, runs: int) -> float:
    """Median ms from navigation start to ``body[data-ready]`` over ``runs`` fresh pages."""
    times = []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready]", state="attached", timeout=600_000)
        times.append(page.evaluate("() => performance.now()"))
        page.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from govnet.app.netdraw import render_html
    from govnet.app.netview import DEFAULT_COLLAPSE, build_view, cores
    from loaders.demo import demo_network

    network = demo_network("district", seed=7)
    places = network.tables["places"]
    district = places.loc[places["kind"] == "district", "id"].iloc[0]
    community = largest_community(network)
    year = max(network.years)
    cases = [
        (f"largest community {community}", community, 1, DEFAULT_COLLAPSE, 2000),
        (f"district overview {district}", district, 0, (*DEFAULT_COLLAPSE, "compound"), 3000),
    ]
    tmp = Path(tempfile.mkdtemp(prefix="govnet-bench-"))
    (tmp / "blank.html").write_text(BLANK, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        blank = browser_ms(browser, tmp / "blank.html", args.runs)
        print(f"{'blank page (baseline floor)':<52} {blank:8.0f} ms", flush=True)
        for label, place, depth, collapse, target in cases:
            t0 = time.perf_counter()
            view = build_view(network, place_id=place, depth=depth, year=year, collapse=collapse)
            built = time.perf_counter() - t0
            t0 = time.perf_counter()
            html = render_html(view, cores=cores(network, [place]))
            drawn = time.perf_counter() - t0
            fixed = tmp / f"{place}.html"
            fixed.write_text(html, encoding="utf-8")
            old = tmp / f"{place}-force.html"
            unplaced = render_html(replace(view, positions={}), cores=cores(network, [place]))
            old.write_text(force_directed(unplaced), encoding="utf-8")
            ms = browser_ms(browser, fixed, args.runs)
            base = browser_ms(browser, old, args.runs)
            verdict = "ok" if ms < target else "OVER TARGET"
            print(f"{label}: {view.size} nodes, {len(view.edges)} links", flush=True)
            print(f"  {'python: build + layout (cached in the app)':<50} {built * 1000:8.0f} ms")
            print(f"  {'python: HTML':<50} {drawn * 1000:8.0f} ms")
            print(f"  {'browser: fixed layout, time to interactive':<50} {ms:8.0f} ms"
                  f"  (target < {target} ms: {verdict})")  # fmt: skip
            print(f"  {'browser: old force-directed view (baseline)':<50} {base:8.0f} ms"
                  f"  ({base / max(ms, 1):.1f} × slower)")  # fmt: skip
        browser.close()


if __name__ == "__main__":
    main()
