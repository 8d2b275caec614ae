"""App timings on the demo district: the first page after start (demo load + analysis), the
same page again (everything cached), page switches, and a network view capped at 1,500 nodes.

    .venv/bin/python bench/app.py [--pages overview network coverage]

Prints seconds and ratios against the cold first render measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"{label:<46} {dt:8.2f} s", flush=True)
    return out, dt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", default=["network", "coverage", "weak", "stars"])
    args = parser.parse_args()

    from streamlit.testing.v1 import AppTest

    from govnet.app.netdraw import render_html
    from govnet.app.netview import MAX_NODES, build_view
    from loaders.demo import demo_network

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)
    _, cold = timed("first page (overview) after start, cold", at.run)
    if at.exception:
        sys.exit(f"the app failed: {at.exception[0].value}")
    _, warm = timed("overview again (cached)", at.run)
    for page in args.pages:
        _, dt = timed(
            f"switch to {page}", lambda p=page: at.switch_page(f"govnet/app/{p}.py").run()
        )
        print(f"{'':<46} {cold / max(dt, 1e-9):8.1f} × faster than the cold start")
    print(f"{'cold / warm overview':<46} {cold / max(warm, 1e-9):8.1f} ×")

    network = demo_network("district", seed=7)
    places = network.tables["places"]
    district = places.loc[places["kind"] == "district", "id"].iloc[0]
    street = places.loc[places["kind"] == "street", "id"].iloc[0]
    for label, place in (("district", district), ("street", street)):
        view, build = timed(
            f"network view of the {label} (cap {MAX_NODES})",
            lambda p=place: build_view(network, place_id=p, depth=0, year=max(network.years)),
        )
        html, draw = timed("  pyvis HTML of that view", lambda v=view: render_html(v))
        print(
            f"{'':<46} drawn {view.size} nodes, {len(view.edges)} links; "
            f"{view.collapsed} collapsed into counts; {len(html) / 1e6:.1f} MB HTML"
        )
        assert view.size <= MAX_NODES


if __name__ == "__main__":
    main()
