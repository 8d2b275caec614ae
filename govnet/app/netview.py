"""What the network page draws: a scope (street, community or one node), its neighbourhood,
filters, and aggregation so the browser never gets more than ``MAX_NODES`` nodes.

Pure functions over ``graph.network.Network`` (no Streamlit), so tests and the benchmark
call them directly; ``govnet.app.netdraw`` turns the result into inline pyvis HTML.
"""

from __future__ import annotations

import math
import weakref
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from graph.network import Network
from graph.schema import CORE_KINDS, LINK_TYPES

MAX_NODES = 1500
# Collapsed first when a selection is too big: the most numerous, least telling kinds first.
# Collapsed tier by tier while a selection is too big: the most numerous, least telling
# kinds first; party organizations that are a community's core are never collapsed.
COLLAPSE_TIERS: tuple[tuple[str, ...], ...] = (
    ("building", "person", "matter", "resource"),
    ("compound", "grid", "venue"),
    (
        "business",
        "party_group",
        "volunteer_team",
        "owners_committee",
        "social_org",
        "property_company",
        "collective_economy",
        "unit",
        "residents_committee",
        "villagers_committee",
        "party_branch",
        "party_general_branch",
        "party_committee",
    ),
    ("community", "village"),
    ("street", "town", "party_working_committee"),
)
LAYOUT_MIN_NODES = 150  # bigger views start from a server-side clustered layout
SCOPE_TYPES = frozenset({"PART_OF", "LOCATED_IN"})
HIDDEN_PROPS = frozenset({"phone", "id_number", "conditions"})


@dataclass
class Index:
    """Per-network lookups the network page needs on every draw (built once per network):
    each node's enclosing place, its children, its group, and every edge as columns."""

    up: dict[str, str]
    children: dict[str, list[str]]
    provides: dict[str, list[str]]
    groups: dict[str, str]
    edges: pd.DataFrame  # u, v, type, since (YYYY-MM-DD or ""), until


_INDEX: weakref.WeakKeyDictionary[Network, Index] = weakref.WeakKeyDictionary()


def index(network: Network) -> Index:
    found = _INDEX.get(network)
    if found is None:
        g = network.graph
        rows = [
            (u, v, d.get("type"), str(d.get("since") or "")[:10], str(d.get("until") or "")[:10])
            for u, v, d in g.edges(data=True)
        ]
        edges = pd.DataFrame(rows, columns=["u", "v", "type", "since", "until"])
        up: dict[str, str] = {}
        children: dict[str, list[str]] = {}
        provides: dict[str, list[str]] = {}
        for u, v, ty in zip(edges["u"], edges["v"], edges["type"], strict=True):
            if ty in SCOPE_TYPES:
                up.setdefault(u, v)
                children.setdefault(v, []).append(u)
            elif ty == "PROVIDES":
                provides.setdefault(u, []).append(v)
        groups = {n: group(a) for n, a in g.nodes(data=True)}
        found = Index(up, children, provides, groups, edges)
        _INDEX[network] = found
    return found


def parents(network: Network) -> dict[str, str]:
    """Node → the place it is PART_OF or LOCATED_IN."""
    return index(network).up


@dataclass
class View:
    """A drawable selection: nodes (id → attributes) and edges (source, target, type, count)."""

    nodes: dict[str, dict]
    edges: list[tuple[str, str, str, int]]
    centers: list[str]
    collapsed: int = 0
    truncated: int = 0
    aggregates: dict[str, list[str]] = field(default_factory=dict)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.nodes)


def group(attrs: dict) -> str:
    """The kind a filter or aggregate speaks of: a place's or organization's kind, else
    person, matter or resource (resource kinds such as venue would clash with places)."""
    return "resource" if attrs.get("label") == "Resource" else str(attrs.get("kind", ""))


def link_active(attrs: dict, year: int | None) -> bool:
    """A link counts in year Y when since ≤ Y-12-31 and until is empty or after it."""
    if year is None:
        return True
    end = f"{year}-12-31"
    since, until = attrs.get("since"), attrs.get("until")
    return (since is None or str(since)[:10] <= end) and (until is None or str(until)[:10] > end)


def node_active(attrs: dict, year: int | None) -> bool:
    """Matters show in the year they were submitted, like the metrics count them."""
    if year is None or attrs.get("label") != "Matter":
        return True
    return str(attrs.get("submitted_at", ""))[:4] == str(year)


def scope(network: Network, place_id: str) -> set[str]:
    """A place and everything in it: places whose PART_OF chain reaches it, nodes located
    in those places, and resources provided by those nodes."""
    idx = index(network)
    inside = {place_id}
    queue = deque([place_id])
    while queue:
        for child in idx.children.get(queue.popleft(), ()):
            if child not in inside:
                inside.add(child)
                queue.append(child)
    for n in list(inside):
        inside.update(idx.provides.get(n, ()))
    return inside


def active_edges(edges: pd.DataFrame, year: int | None) -> pd.Series:
    """``link_active`` over the edge table at once."""
    if year is None:
        return pd.Series(True, index=edges.index)
    end = f"{year}-12-31"
    return (edges["since"] <= end) & ((edges["until"] == "") | (edges["until"] > end))


def _expand(
    g: nx.MultiDiGraph,
    start: set[str],
    depth: int,
    types: set[str],
    year: int | None,
) -> set[str]:
    """Breadth-first over edges of ``types`` (both directions) up to ``depth`` hops."""
    seen = set(start)
    frontier = set(start)
    for _ in range(depth):
        nxt: set[str] = set()
        for n in frontier:
            for u, v, d in (*g.out_edges(n, data=True), *g.in_edges(n, data=True)):
                other = v if u == n else u
                if other in seen or d.get("type") not in types or not link_active(d, year):
                    continue
                if node_active(g.nodes[other], year):
                    nxt.add(other)
        seen |= nxt
        frontier = nxt
    return seen


def search(network: Network, query: str, limit: int = 50) -> list[tuple[str, str]]:
    """Nodes whose name (or id) contains ``query``, as (id, name) pairs."""
    q = query.strip().lower()
    if not q:
        return []
    hits = []
    for nid, attrs in network.graph.nodes(data=True):
        name = str(attrs.get("name") or attrs.get("title") or nid)
        if q in name.lower() or q == str(nid).lower():
            hits.append((nid, name))
            if len(hits) >= limit:
                break
    return hits


def _anchor(up: dict[str, str], n: str, keep: set[str]) -> str | None:
    """The nearest place above ``n`` that stays drawn (its aggregate's home)."""
    current, seen = n, {n}
    while True:
        current = up.get(current)
        if current is None or current in seen:
            return None
        seen.add(current)
        if current in keep:
            return current


def build_view(
    network: Network,
    *,
    place_id: str | None = None,
    node_id: str | None = None,
    depth: int = 1,
    kinds: Iterable[str] | None = None,
    link_types: Iterable[str] | None = None,
    year: int | None = None,
    collapse: Iterable[str] = (),
    max_nodes: int = MAX_NODES,
) -> View:
    """Select, filter and aggregate the nodes to draw.

    A place scope takes the place and everything in it, then follows explicit links
    ``depth`` hops out; a node focus follows every selected edge type from that node.
    Kinds in ``collapse`` (and, when still too big, more tiers of ``COLLAPSE_TIERS``)
    become one count node per nearest drawn place.
    """
    g = network.graph
    types = set(link_types) if link_types is not None else set(g_types(g))
    if node_id is not None:
        centers = [node_id]
        chosen = _expand(g, {node_id}, max(depth, 1), types, year)
    elif place_id is not None:
        centers = [place_id]
        inside = {n for n in scope(network, place_id) if node_active(g.nodes[n], year)}
        chosen = _expand(g, inside, depth, types & set(LINK_TYPES), year)
    else:
        raise ValueError("build_view needs a place_id or a node_id")
    if kinds is not None:
        wanted = set(kinds)
        chosen = {n for n in chosen if group(g.nodes[n]) in wanted or n in centers}

    idx = index(network)
    up, grp = idx.up, idx.groups
    units = [n for n in chosen if g.nodes[n].get("kind") in ("community", "village")]
    protect = set(centers) | cores(network, units)  # never collapsed into a count
    collapse_set = set(collapse)
    for tier in COLLAPSE_TIERS:
        if _drawn_size(grp, up, chosen, collapse_set, protect) <= max_nodes:
            break
        collapse_set |= set(tier)
    view = _aggregate(g, idx, chosen, protect, centers, collapse_set, types, year, max_nodes)
    if view.size > LAYOUT_MIN_NODES:
        homes = group_homes(network, view)
        view.positions = cluster_layout(homes, centre=homes.get(centers[0]))
    return view


def g_types(g: nx.MultiDiGraph) -> set[str]:
    """The edge types present in a graph."""
    return {d.get("type") for _, _, d in g.edges(data=True)}


def _drawn_size(
    grp: dict[str, str],
    up: dict[str, str],
    chosen: set[str],
    collapse: set[str],
    protect: set[str],
) -> int:
    """How many nodes would be drawn with ``collapse``: kept nodes plus one per aggregate."""
    keep = {n for n in chosen if grp[n] not in collapse or n in protect}
    homes = {(_anchor(up, n, keep), grp[n]) for n in chosen - keep}
    return len(keep) + len(homes)


def _aggregate(
    g: nx.MultiDiGraph,
    idx: Index,
    chosen: set[str],
    protect: set[str],
    centers: list[str],
    collapse: set[str],
    types: set[str],
    year: int | None,
    max_nodes: int,
) -> View:
    up, grp = idx.up, idx.groups
    keep = {n for n in chosen if grp[n] not in collapse or n in protect}
    mapping: dict[str, str] = {n: n for n in keep}
    aggregates: dict[str, list[str]] = {}
    agg_attrs: dict[str, dict] = {}
    for n in sorted(chosen - keep):
        kind = grp[n]
        home = _anchor(up, n, keep)
        agg = f"agg:{home or 'none'}:{kind}"
        mapping[n] = agg
        aggregates.setdefault(agg, []).append(n)
        agg_attrs.setdefault(agg, {"label": "Aggregate", "kind": kind, "home": home})
    nodes: dict[str, dict] = {n: dict(g.nodes[n]) for n in keep}
    for agg, members in aggregates.items():
        nodes[agg] = {**agg_attrs[agg], "count": len(members)}

    truncated = 0
    if len(nodes) > max_nodes:  # still too big: drop the smallest counts, then the farthest
        smallest = sorted(aggregates, key=lambda a: (len(aggregates[a]), a))
        order = _bfs_order(g, centers, set(nodes) & keep)
        farthest = [n for n in reversed(order) if n not in centers]
        drop = [*smallest, *farthest][: len(nodes) - max_nodes]
        truncated = len(drop)
        for n in drop:
            nodes.pop(n, None)
            aggregates.pop(n, None)

    ef = idx.edges
    ef = ef[ef["type"].isin(types) & ef["u"].isin(chosen) & ef["v"].isin(chosen)]
    ef = ef[active_edges(ef, year)]
    drawn = pd.DataFrame({"a": ef["u"].map(mapping), "b": ef["v"].map(mapping), "t": ef["type"]})
    drawn = drawn[
        (drawn["a"] != drawn["b"]) & drawn["a"].isin(nodes.keys()) & drawn["b"].isin(nodes.keys())
    ]
    counts = drawn.groupby(["a", "b", "t"]).size()
    edges = [(a, b, ty, int(c)) for (a, b, ty), c in counts.items()]
    collapsed = sum(len(m) for m in aggregates.values())
    return View(nodes, edges, centers, collapsed, truncated, aggregates)


def _bfs_order(g: nx.MultiDiGraph, centers: list[str], allowed: set[str]) -> list[str]:
    """Nodes by distance from the centers (nearest first), unreachable ones last."""
    und = g.subgraph(allowed).to_undirected(as_view=True)
    order: list[str] = []
    seen: set[str] = set()
    for c in centers:
        if c in allowed and c not in seen:
            for n in nx.bfs_tree(und, c):
                if n not in seen:
                    seen.add(n)
                    order.append(n)
    order.extend(sorted(allowed - seen))
    return order


def cores(network: Network, place_ids: Iterable[str]) -> set[str]:
    """The core of each community or village: the highest party organization at the place
    itself (committee > general branch > branch, then by id), as DOMAIN.md defines it."""
    orgs = network.tables["organizations"]
    wanted = set(place_ids)
    at = orgs[orgs["place_id"].isin(wanted) & orgs["kind"].isin(CORE_KINDS)].copy()
    at["rank"] = at["kind"].map({k: i for i, k in enumerate(CORE_KINDS)})
    best = at.sort_values(["rank", "id"]).drop_duplicates("place_id")
    return set(best["id"].tolist())


def group_homes(network: Network, view: View) -> dict[str, str]:
    """Each drawn node's cluster in the initial layout: its grid or compound in a community
    view, its community or village in a street view."""
    g = network.graph
    up = parents(network)
    clusters = {"community", "village", "street", "town", "district"}
    if any(g.nodes[c].get("kind") in ("community", "village") for c in view.centers if c in g):
        clusters |= {"grid", "compound"}
    homes: dict[str, str] = {}
    for n, attrs in view.nodes.items():
        current = (attrs.get("home") or n) if attrs.get("label") == "Aggregate" else n
        seen = {current}
        while current in g and g.nodes[current].get("kind") not in clusters:
            nxt = up.get(current)
            if nxt is None or nxt in seen:
                break
            current = nxt
            seen.add(current)
        homes[n] = current
    return homes


def cluster_layout(
    homes: dict[str, str], centre: str | None = None, spacing: float = 22.0
) -> dict[str, tuple[float, float]]:
    """Positions with each cluster a sunflower spiral, the centre's cluster in the middle
    and the others on a ring around it: a cheap, readable start so the browser's physics
    only has to settle, not untangle."""
    groups: dict[str, list[str]] = {}
    for n, home in sorted(homes.items()):
        groups.setdefault(home, []).append(n)
    # the home itself first, at the centre of its spiral
    ordered = {h: sorted(ms, key=lambda m: (m != h, m)) for h, ms in groups.items()}
    radii = {h: spacing * math.sqrt(len(ms)) + spacing for h, ms in ordered.items()}
    middle = centre if centre in ordered else None
    ring = [h for h in ordered if h != middle]
    circumference = sum(2 * radii[h] + spacing for h in ring)
    inner = radii[middle] + max((radii[h] for h in ring), default=0) + 2 * spacing if middle else 0
    big_r = max(circumference / (2 * math.pi), inner) if ring else 0.0
    centres: dict[str, tuple[float, float]] = {middle: (0.0, 0.0)} if middle else {}
    angle = 0.0
    for h in ring:
        step = (radii[h] + spacing / 2) / big_r if big_r else 0.0
        angle += step
        centres[h] = (big_r * math.cos(angle), big_r * math.sin(angle))
        angle += step
    golden = math.pi * (3 - math.sqrt(5))
    pos: dict[str, tuple[float, float]] = {}
    for h, members in ordered.items():
        cx, cy = centres[h]
        for i, m in enumerate(members):
            rr = spacing * math.sqrt(i)
            pos[m] = (cx + rr * math.cos(i * golden), cy + rr * math.sin(i * golden))
    return pos


def node_props(attrs: dict) -> dict[str, object]:
    """The properties shown for a node: its attributes minus graph plumbing and any
    personal column beyond the pseudonymized name."""
    return {k: v for k, v in attrs.items() if k not in HIDDEN_PROPS and k != "label"}


def node_links(view: View, node: str) -> list[tuple[str, str, str, int]]:
    """The drawn links of a node as (direction, type, other node, count)."""
    out = []
    for a, b, ty, c in view.edges:
        if a == node:
            out.append(("→", ty, b, c))
        elif b == node:
            out.append(("←", ty, a, c))
    return out
