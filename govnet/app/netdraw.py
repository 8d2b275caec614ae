"""A ``View`` as self-contained pyvis HTML: colours by kind, styled link types, a legend,
the core highlighted, what the analysis found marked, links added or ended since another
year styled, a click panel with the node's properties, links and why it is marked, and
PNG/SVG export of the drawn view.

Everything is inline (vis-network from the pyvis package, our own template without the
CDN bootstrap of pyvis' default), so the page works offline. Nodes sit at the positions
``graph.layout`` computed; physics is off, so nothing moves and the view is ready at once.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pyvis
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from pyvis.network import Network as PyvisNetwork

from govnet.app.i18n import Lang, enum_label, kind_label, t
from govnet.app.netview import View, group, node_links, node_props, positions_of
from graph.schema import PARTY_ORG_KINDS, TABLES

TEMPLATE_DIR = Path(__file__).with_name("templates")
PYVIS_TEMPLATES = Path(pyvis.__file__).with_name("templates")

PARTY_COLOR = "#d62728"
KIND_COLORS: dict[str, str] = {
    **dict.fromkeys(PARTY_ORG_KINDS, PARTY_COLOR),
    "district": "#3f3f3f",
    "street": "#5a5a5a",
    "town": "#5a5a5a",
    "community": "#7f7f7f",
    "village": "#7f7f7f",
    "grid": "#2ca02c",
    "compound": "#98df8a",
    "building": "#c7e9c0",
    "venue": "#bcbd22",
    "residents_committee": "#ff7f0e",
    "villagers_committee": "#ff7f0e",
    "property_company": "#8c564b",
    "owners_committee": "#e377c2",
    "social_org": "#9467bd",
    "volunteer_team": "#17becf",
    "unit": "#1f77b4",
    "business": "#aec7e8",
    "collective_economy": "#ffbb78",
    "person": "#9edae5",
    "matter": "#f7b6d2",
    "venue_resource": "#c5b0d5",
}
LABEL_COLORS = {"Resource": "#c5b0d5", "Matter": "#f7b6d2", "Person": "#9edae5"}
PLACE_SHAPES = {"district", "street", "town", "community", "village", "grid", "compound"}

# Link type → vis edge style.
LINK_STYLES: dict[str, dict] = {
    "LEADS": {"color": PARTY_COLOR, "width": 3},
    "SUBORDINATE_TO": {"color": "#a50f15", "width": 2, "dashes": True},
    "ESTABLISHED_IN": {"color": "#fb6a4a", "width": 2, "dashes": [2, 4]},
    "MANAGES": {"color": "#8c564b", "width": 2},
    "COVERS": {"color": "#2ca02c", "width": 1.5, "dashes": True},
    "SERVES": {"color": "#17becf", "width": 1.5},
    "MEMBER_OF": {"color": "#9e9e9e", "width": 1},
    "HOLDS_ROLE": {"color": "#616161", "width": 1.5},
    "REPORTS_TO": {"color": "#1f77b4", "width": 1.5, "dashes": True},
    "CO_BUILDS": {"color": "#1f77b4", "width": 2.5},
    "FULFILLS": {"color": "#9467bd", "width": 2},
    "PARTICIPATES_IN": {"color": "#ff7f0e", "width": 1, "dashes": [6, 3]},
    "PART_OF": {"color": "#cfcfcf", "width": 1},
    "LOCATED_IN": {"color": "#e6e6e6", "width": 0.5, "dashes": [1, 3]},
    "PROVIDES": {"color": "#c5b0d5", "width": 1, "dashes": True},
    "HANDLES": {"color": "#f7b6d2", "width": 1},
}
MARK_COLOR = "#ff9800"
# label size by layout role: the structure reads first at the fitted zoom, leaves last
ROLE_FONT = {"core": 20, "party": 16, "led": 16, "unreached": 16, "place": 16, "leaf": 11}
# compare mode: (colour, dashes) of links added since the other year and links ended
CHANGE_STYLES: dict[str, tuple[str, bool | list[int]]] = {
    "added": ("#2ca02c", False),
    "ended": ("#d62728", [8, 4]),
}


def node_color(attrs: dict) -> str:
    kind = attrs.get("kind")
    if attrs.get("label") in LABEL_COLORS and kind not in KIND_COLORS:
        return LABEL_COLORS[attrs["label"]]
    if attrs.get("label") == "Resource":
        return LABEL_COLORS["Resource"]
    return KIND_COLORS.get(kind, "#bdbdbd")


def kind_name(attrs: dict, lang: Lang) -> str:
    """A node's kind in its own label's enumeration (a Resource ``venue`` is 场地, not 阵地)."""
    if attrs.get("label") in ("Place", "Organization", "Resource", "Person", "Matter"):
        return kind_label(attrs["label"], attrs.get("kind"), lang)
    return enum_label(attrs.get("kind"), lang)


def display_name(nid: str, attrs: dict, lang: Lang) -> str:
    if attrs.get("label") == "Aggregate":
        return t("aggregated_node", lang, n=attrs["count"], kind=enum_label(attrs["kind"], lang))
    return str(attrs.get("name") or attrs.get("title") or nid)


COLUMN_ZH: dict[str, str] = {c.key: c.zh for tb in TABLES.values() for c in tb.columns}
COLUMN_ZH.update({"kind": "类型", "count": "数量", "home": "所在"})


def _props_for_panel(attrs: dict, lang: Lang) -> dict[str, str]:
    """Properties as people read them: Chinese column names, enum names, 是/否."""
    shown: dict[str, str] = {}
    for k, v in node_props(attrs).items():
        if k == "kind":
            v = kind_name(attrs, lang)
        elif k in ("domain", "status"):
            v = enum_label(str(v), lang, enum=k)
        elif k == "roles":
            v = "; ".join(enum_label(r, lang, enum="role") for r in str(v).split(";") if r)
        elif isinstance(v, bool):
            v = t("yes", lang) if v else t("no", lang)
        key = COLUMN_ZH.get(k, k) if lang == "zh" else k.replace("_", " ")
        shown[key] = str(v)
    return shown


def _shape(nid: str, attrs: dict, cores: set[str] | frozenset[str]) -> str:
    if nid in cores:
        return "star"
    if attrs.get("label") == "Aggregate":
        return "box"
    return "square" if attrs.get("kind") in PLACE_SHAPES else "dot"


def to_pyvis(
    view: View,
    *,
    lang: Lang = "zh",
    marks: dict[str, list[str]] | None = None,
    bridges: set[frozenset[str]] | frozenset = frozenset(),
    cores: set[str] | frozenset[str] = frozenset(),
    height: str = "640px",
) -> PyvisNetwork:
    """Nodes and edges of a view on a pyvis network, at the view's fixed positions.

    ``marks`` says why a node is highlighted (articulation point, broker, unmatched need,
    gap, …); ``bridges`` are node pairs whose link is a bridge. Physics is off: the
    positions come from ``graph.layout``, so the same view always looks the same.
    """
    marks = marks or {}
    net = PyvisNetwork(
        height=height, width="100%", directed=True, cdn_resources="in_line", notebook=False
    )
    names = {nid: display_name(nid, a, lang) for nid, a in view.nodes.items()}
    positions = positions_of(view)
    unreached = {n for n, r in view.roles.items() if r == "unreached"}
    faint_nodes = {n for n, r in view.roles.items() if r == "leaf"}
    for nid, attrs in view.nodes.items():
        kind = attrs.get("kind", "")
        is_core = nid in cores
        is_center = nid in view.centers
        why = list(marks.get(nid, []))
        if nid in unreached:
            why.insert(0, t("mark_unreached", lang))
        size = (
            30
            if is_core
            else (24 if is_center else 12 + min(int(attrs.get("count", 1)) ** 0.5, 14))
        )
        node = {
            "label": names[nid] if len(names[nid]) <= 14 else names[nid][:13] + "…",
            "title": f"{names[nid]} · {kind_name(attrs, lang)}",
            "color": {
                "background": node_color(attrs),
                "border": MARK_COLOR
                if why
                else ("#7f0000" if is_core else "#000000" if is_center else "#555555"),
            },
            "borderWidth": 5 if why or is_center else (3 if is_core else 1),
            "size": size,
            "shape": _shape(nid, attrs, cores),
            "kindKey": kind,
            "fullName": names[nid],
            "kindName": kind_name(attrs, lang) + (f" · {t('core_node', lang)}" if is_core else ""),
            "props": _props_for_panel(attrs, lang),
            "why": why,
            "role": view.roles.get(nid, ""),
            "centre": is_center,
            "font": {"size": ROLE_FONT.get(view.roles.get(nid, ""), 13) + (8 if is_core else 0)},
        }
        if why:
            node["shapeProperties"] = {"borderDashes": [6, 3]}
        if nid in positions:
            node["x"], node["y"] = positions[nid]
        net.add_node(nid, **node)
    for a, b, ty, count in view.edges:
        style = LINK_STYLES.get(ty, {"color": "#999999", "width": 1})
        change = view.changes.get((a, b, ty), "")
        is_bridge = frozenset((a, b)) in bridges
        color, width, dashes = style["color"], style["width"], style.get("dashes", False)
        if change:
            color, dashes = CHANGE_STYLES[change]
            width = 3
        elif view.changes or view.added or view.ended:  # compare mode: unchanged links recede
            color = "#d9d9d9"
        if is_bridge:
            color, width = MARK_COLOR, max(width, 3)
        # links of people, matters and counted groups recede behind the structure
        faint = not (change or is_bridge) and (faint_nodes & {a, b})
        title = enum_label(ty, lang, enum="rel_type") + (f" ×{count}" if count > 1 else "")
        if change:
            title += " · " + t(f"change_{change}", lang)
        if is_bridge:
            title += " · " + t("mark_bridge", lang)
        net.add_edge(
            a,
            b,
            title=title,
            typeKey=ty,
            typeName=enum_label(ty, lang, enum="rel_type"),
            change=change,
            bridge=is_bridge,
            count=count,
            color={"color": color, "opacity": 0.3 if faint else 1.0},
            width=(0.6 if faint else width) + min(count - 1, 4) * (0.2 if faint else 0.5),
            dashes=dashes,
        )
    big = view.size > 300
    net.set_options(
        json.dumps(
            {
                "layout": {"improvedLayout": False},
                "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big},
                "edges": {
                    "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                    "smooth": False,
                },
                "nodes": {"font": {"size": 13, "strokeWidth": 3, "strokeColor": "#ffffff"}},
                "physics": {"enabled": False},
            }
        )
    )
    return net


def legend_items(view: View, lang: Lang) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(colour, kind name) for the node kinds drawn and (colour, type name) for link types."""
    kinds: dict[str, str] = {}
    for attrs in view.nodes.values():
        kinds.setdefault(enum_label(group(attrs), lang), node_color(attrs))
    types = {ty for _, _, ty, _ in view.edges}
    links = [
        (LINK_STYLES.get(ty, {"color": "#999"})["color"], enum_label(ty, lang, enum="rel_type"))
        for ty in sorted(types)
    ]
    return sorted((c, k) for k, c in kinds.items()), links


def render_html(
    view: View,
    *,
    lang: Lang = "zh",
    marks: dict[str, list[str]] | None = None,
    bridges: set[frozenset[str]] | frozenset = frozenset(),
    cores: set[str] | frozenset[str] = frozenset(),
    height: str = "640px",
    file_stem: str = "govnet-network",
) -> str:
    """The full HTML document for ``st.iframe``: no external script or style. Its toolbar
    saves the drawn view as PNG (the canvas) or SVG (drawn from the node positions)."""
    net = to_pyvis(view, lang=lang, marks=marks, bridges=bridges, cores=cores, height=height)
    net.templateEnv = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATE_DIR), FileSystemLoader(PYVIS_TEMPLATES)]),
        autoescape=False,
    )
    net.path = "network.html"
    node_kinds, link_types = legend_items(view, lang)
    if cores & set(view.nodes):
        node_kinds.insert(0, (PARTY_COLOR, "★ " + t("core_node", lang)))
    if any(r == "unreached" for r in view.roles.values()) or (
        marks and set(marks) & set(view.nodes)
    ):
        node_kinds.insert(1, (MARK_COLOR, t("marked", lang) + " ◌"))
    if view.changes or view.added or view.ended:
        link_types[:0] = [
            (CHANGE_STYLES["added"][0], t("change_added", lang) + f" {view.added}"),
            (CHANGE_STYLES["ended"][0], t("change_ended", lang) + f" {view.ended}"),
        ]
    net.html = ""
    html_doc = net.generate_html()
    legend = "".join(
        f'<span class="chip"><i style="background:{c}"></i>{html.escape(k)}</span>'
        for c, k in node_kinds
    ) + "".join(
        f'<span class="chip"><b style="border-color:{c}"></b>{html.escape(k)}</span>'
        for c, k in link_types
    )
    texts = {
        "hint": t("click_hint", lang),
        "properties": t("properties", lang),
        "links": t("links", lang),
        "why": t("marked", lang),
        "legend": t("legend", lang),
        "core": t("core_node", lang),
        "png": t("save_png", lang),
        "svg": t("save_svg", lang),
        "fit": t("fit_view", lang),
        "file": file_stem,
    }
    return html_doc.replace("__LEGEND__", legend).replace(
        "__TEXTS__", json.dumps(texts, ensure_ascii=False)
    )


def links_table(view: View, node: str, lang: Lang) -> list[dict[str, object]]:
    """A node's drawn links as rows for the details table below the component."""
    rows = []
    for direction, ty, other, count in node_links(view, node):
        attrs = view.nodes.get(other, {})
        rows.append(
            {
                t("links", lang): f"{direction} {enum_label(ty, lang, enum='rel_type')}",
                t("name", lang): display_name(other, attrs, lang),
                t("kind", lang): kind_name(attrs, lang),
                "×": count,
            }
        )
    return rows


def props_table(view: View, node: str, lang: Lang) -> dict[str, str]:
    """A node's shown properties (personal columns other than the pseudonym left out)."""
    return _props_for_panel(view.nodes[node], lang)
