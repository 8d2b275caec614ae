"""The one-core diagram of a profile: the core in the middle, the actors it reaches on a ring
around it, the ones it does not reach set apart in a column on the right.

``layout`` places the nodes once (unit coordinates); the app draws them as SVG and the PDF
with its own pen, so both show the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from govnet.profile import Profile

GROUP_COLOURS = {
    "committee": "#1f77b4",
    "property_company": "#8c564b",
    "owners_committee": "#9467bd",
    "social_org": "#2ca02c",
    "volunteer_team": "#ff7f0e",
    "unit": "#17becf",
}
CORE_COLOUR = "#c62828"
UNREACHED_COLOUR = "#9e9e9e"
WIDTH, HEIGHT = 1.0, 0.62  # the drawing's aspect (A4 text width × a little over half)


@dataclass
class Node:
    id: str
    label: str
    x: float
    y: float
    colour: str
    role: str  # core, reached, unreached


def short(name: str, n: int = 9) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def layout(p: Profile, max_unreached: int = 14) -> tuple[list[Node], list[tuple[Node, Node]]]:
    """Nodes and the core → reached edges, in a WIDTH × HEIGHT box."""
    cx, cy, r = 0.36, HEIGHT / 2, 0.24
    nodes: list[Node] = []
    core = None
    if p.core:
        core = Node(p.core["id"], short(p.core["name"], 12), cx, cy, CORE_COLOUR, "core")
        nodes.append(core)
    edges = []
    n = len(p.reached)
    for i, a in enumerate(p.reached):
        angle = 2 * math.pi * i / max(n, 1) - math.pi / 2
        node = Node(
            a["id"],
            short(a["name"]),
            cx + r * math.cos(angle),
            cy + r * 0.85 * math.sin(angle),
            GROUP_COLOURS.get(a["group"], "#607d8b"),
            "reached",
        )
        nodes.append(node)
        if core is not None:
            edges.append((core, node))
    shown = p.unreached[:max_unreached]
    step = (HEIGHT - 0.1) / max(len(shown), 1)
    for i, a in enumerate(shown):
        nodes.append(
            Node(
                a["id"],
                short(a["name"]),
                0.8,
                0.07 + step * (i + 0.5),
                UNREACHED_COLOUR,
                "unreached",
            )
        )
    if len(p.unreached) > len(shown):
        rest = len(p.unreached) - len(shown)
        nodes.append(Node("", f"… 另 {rest} 个", 0.8, HEIGHT - 0.02, UNREACHED_COLOUR, "more"))
    return nodes, edges


def svg(p: Profile, width_px: int = 900) -> str:
    """The diagram as an inline SVG (no external fonts or scripts)."""
    s = width_px / WIDTH
    h = int(HEIGHT * s)
    nodes, edges = layout(p)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{h}" '
        f'viewBox="0 0 {width_px} {h}" font-family="sans-serif" data-testid="one-core">',
        f'<rect x="{0.66 * s:.0f}" y="4" width="{0.33 * s:.0f}" height="{h - 8}" rx="8" '
        'fill="#f5f5f5" stroke="#bdbdbd" stroke-dasharray="6 4"/>',
        f'<text x="{0.8 * s:.0f}" y="{0.035 * s:.0f}" font-size="13" text-anchor="middle" '
        f'fill="#616161">未引领 not reached ({len(p.unreached)})</text>',
    ]
    for a, b in edges:
        out.append(
            f'<line x1="{a.x * s:.1f}" y1="{a.y * s:.1f}" x2="{b.x * s:.1f}" y2="{b.y * s:.1f}" '
            'stroke="#e57373" stroke-width="1.5"/>'
        )
    for n in nodes:
        if n.role == "more":
            out.append(
                f'<text x="{n.x * s:.1f}" y="{n.y * s:.1f}" font-size="12" text-anchor="middle" '
                f'fill="#616161">{escape(n.label)}</text>'
            )
            continue
        rad = 16 if n.role == "core" else 8
        out.append(
            f'<circle cx="{n.x * s:.1f}" cy="{n.y * s:.1f}" r="{rad}" fill="{n.colour}" '
            f'stroke="#fff" stroke-width="1.5"><title>{escape(n.id)}</title></circle>'
        )
        dy = rad + 13
        size = 14 if n.role == "core" else 12
        weight = "bold" if n.role == "core" else "normal"
        out.append(
            f'<text x="{n.x * s:.1f}" y="{n.y * s + dy:.1f}" font-size="{size}" '
            f'font-weight="{weight}" text-anchor="middle">{escape(n.label)}</text>'
        )
    if not p.core:
        out.append(
            f'<text x="{0.36 * s:.0f}" y="{HEIGHT / 2 * s:.0f}" font-size="16" '
            f'fill="{CORE_COLOUR}" text-anchor="middle">无核心党组织 no core</text>'
        )
    out.append("</svg>")
    return "".join(out)
