"""What the network page draws: a scope (street, community or one node), its neighbourhood,
filters, the year (or two years compared), aggregation so the browser never gets more than
``MAX_NODES`` nodes, and fixed positions from ``graph.layout``.

Pure functions over ``graph.network.Network`` (no Streamlit), so tests and the benchmark
call them directly; ``govnet.app.netdraw`` turns the result into inline pyvis HTML.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from graph.layout import one_core, radial
from graph.network import Network
from graph.schema import (
    COMMUNITY_KINDS,
    CORE_KINDS,
    LINK_TYPES,
    PARTY_ORG_KINDS,
    PERSONAL_COLUMNS,
    STREET_KINDS,
)
from graph.subgraph import SCOPE_TYPES, Hierarchy, link_active, node_active

MAX_NODES = 1500
# Drawn as counted groups until the analyst expands them: the most numerous kinds.
DEFAULT_COLLAPSE: tuple[str, ...] = ("building", "person", "matter")
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
    COMMUNITY_KINDS,
    (*STREET_KINDS, "party_working_committee"),
)
# Never drawn: people's personal columns (clear values never reach the graph anyway) and the
# conditions table carried on place nodes.
HIDDEN_PROPS = frozenset({*PERSONAL_COLUMNS["people"], "conditions"})


@dataclass
class Index:
    """Per-network lookups the network page needs on every draw (built once per network):
    each node's enclosing place, what is inside each place, each node's group, and every
    edge as columns."""

    up: dict[str, str]
    hierarchy: Hierarchy
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
        # object columns: ``isin`` with Python sets is several times faster than on arrow strings
        edges = pd.DataFrame(rows, columns=["u", "v", "type", "since", "until"], dtype=object)
        up: dict[str, str] = {}
        for u, v, ty in zip(edges["u"], edges["v"], edges["type"], strict=True):
            if ty in SCOPE_TYPES:
                up.setdefault(u, v)
        groups = {n: group(a) for n, a in g.nodes(data=True)}
        found = Index(up, Hierarchy.of(g), groups, edges)
        _INDEX[network] = found
    return found


@dataclass
class View:
    """A drawable selection: nodes (id → attributes), edges (source, target, type, count)
    and their fixed positions. In compare mode ``changes`` marks each edge added or ended
    between the two years, and ``added``/``ended`` count the ledger links behind them."""

    nodes: dict[str, dict]
    edges: list[tuple[str, str, str, int]]
    centers: list[str]
    collapsed: int = 0
    truncated: int = 0
    aggregates: dict[str, list[str]] = field(default_factory=dict)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    changes: dict[tuple[str, str, str], str] = field(default_factory=dict)
    added: int = 0
    ended: int = 0
    members: set[str] = field(default_factory=set)  # every ledger node drawn or counted
    link_types: frozenset[str] = frozenset()
    years: tuple[int | None, ...] = (None,)

    @property
    def size(self) -> int:
        return len(self.nodes)


def group(attrs: dict) -> str:
    """The kind a filter or aggregate speaks of: a place's or organization's kind, else
    person, matter or resource (resource kinds such as venue would clash with places)."""
    return "resource" if attrs.get("label") == "Resource" else str(attrs.get("kind", ""))


def scope(network: Network, place_id: str) -> set[str]:
    """A place and everything in it (``graph.subgraph.Hierarchy.scope``), from the index."""
    return index(network).hierarchy.scope(place_id)


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
    years: tuple[int | None, ...],
) -> set[str]:
    """Breadth-first over edges of ``types`` (both directions) up to ``depth`` hops, along
    links active and to nodes shown in any of ``years``."""
    seen = set(start)
    frontier = set(start)
    for _ in range(depth):
        nxt: set[str] = set()
        for n in frontier:
            for u, v, d in (*g.out_edges(n, data=True), *g.in_edges(n, data=True)):
                other = v if u == n else u
                if other in seen or d.get("type") not in types:
                    continue
                if any(link_active(d, y) and node_active(g.nodes[other], y) for y in years):
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


def _anchors(up: dict[str, str], nodes: Iterable[str], keep: set[str]) -> dict[str, str | None]:
    """Each node's nearest place above it that stays drawn (its aggregate's home). One
    walk per chain: every place passed on the way remembers the answer."""
    found: dict[str, str | None] = {}
    out: dict[str, str | None] = {}
    for n in nodes:
        path, current, result = [], up.get(n), None
        while current is not None and current not in path:
            if current in found:
                result = found[current]
                break
            if current in keep:
                result = current
                break
            path.append(current)
            current = up.get(current)
        for place in path:
            found[place] = result
        out[n] = result
    return out


def build_view(
    network: Network,
    *,
    place_id: str | None = None,
    node_id: str | None = None,
    depth: int = 1,
    kinds: Iterable[str] | None = None,
    link_types: Iterable[str] | None = None,
    year: int | None = None,
    compare_year: int | None = None,
    collapse: Iterable[str] = (),
    max_nodes: int = MAX_NODES,
) -> View:
    """Select, filter, aggregate and lay out the nodes to draw.

    A place scope takes the place and everything in it, then follows explicit links
    ``depth`` hops out; a node focus follows every selected edge type from that node.
    Kinds in ``collapse`` (and, when still too big, more tiers of ``COLLAPSE_TIERS``)
    become one count node per nearest drawn place. With ``compare_year`` the view holds
    what either year shows, and each link is marked added or ended between the two.
    """
    g = network.graph
    types = set(link_types) if link_types is not None else set(g_types(g))
    years = (year,) if compare_year is None or compare_year == year else (year, compare_year)
    if node_id is not None:
        centers = [node_id]
        chosen = _expand(g, {node_id}, max(depth, 1), types, years)
    elif place_id is not None:
        centers = [place_id]
        inside = {
            n for n in scope(network, place_id) if any(node_active(g.nodes[n], y) for y in years)
        }
        chosen = _expand(g, inside, depth, types & set(LINK_TYPES), years)
    else:
        raise ValueError("build_view needs a place_id or a node_id")
    if kinds is not None:
        wanted = set(kinds)
        chosen = {n for n in chosen if group(g.nodes[n]) in wanted or n in centers}

    idx = index(network)
    up, grp = idx.up, idx.groups
    units = [n for n in chosen if g.nodes[n].get("kind") in COMMUNITY_KINDS]
    protect = set(centers) | cores(network, units)  # never collapsed into a count
    collapse_set = set(collapse)
    for tier in COLLAPSE_TIERS:
        if _drawn_size(grp, up, chosen, collapse_set, protect) <= max_nodes:
            break
        collapse_set |= set(tier)
    view = _aggregate(g, idx, chosen, protect, centers, collapse_set, types, years, max_nodes)
    view.members, view.link_types, view.years = chosen, frozenset(types), years
    _lay_out(network, view, place_id)
    return view


def members_graph(network: Network, view: View) -> nx.MultiDiGraph:
    """The ledger subgraph behind a view, nothing collapsed: its nodes and the links of the
    chosen types among them active in the view's year(s) (what the export downloads)."""
    g = network.graph
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, g.nodes[n]) for n in sorted(view.members))
    out.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in g.subgraph(view.members).edges(keys=True, data=True)
        if d.get("type") in view.link_types and any(link_active(d, y) for y in view.years)
    )
    return out


def view_graph(view: View) -> nx.MultiDiGraph:
    """The drawn nodes and edges as a graph (what the layouts work on)."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(view.nodes.items())
    g.add_edges_from((a, b, {"type": ty}) for a, b, ty, _ in view.edges)
    return g


def positions_of(view: View) -> dict[str, tuple[float, float]]:
    """The view's positions; a view made elsewhere (a query result) without any gets a
    radial tree around its best-connected node, so it too is drawn without physics."""
    if view.positions or not view.nodes:
        return view.positions
    g = view_graph(view)
    hub = min(g, key=lambda n: (-g.degree(n), str(n)))
    return radial(g, view.centers[0] if view.centers else hub)


def _lay_out(network: Network, view: View, place_id: str | None) -> None:
    """Fixed positions: the one-core rings for a community or village, rings by distance
    from the centre for a street, the district or a focused node."""
    g = view_graph(view)
    centre = view.centers[0]
    kind = view.nodes.get(centre, {}).get("kind")
    if place_id is not None and kind in COMMUNITY_KINDS:
        inside = scope(network, place_id)
        targets = [
            n
            for n, a in view.nodes.items()
            if n in inside and a.get("label") == "Organization" and a["kind"] not in PARTY_ORG_KINDS
        ]
        view.positions, view.roles = one_core(g, cores(network, [centre]), [centre], targets)
    else:
        view.positions = radial(g, centre)


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
    homes = {(home, grp[n]) for n, home in _anchors(up, chosen - keep, keep).items()}
    return len(keep) + len(homes)


def _aggregate(
    g: nx.MultiDiGraph,
    idx: Index,
    chosen: set[str],
    protect: set[str],
    centers: list[str],
    collapse: set[str],
    types: set[str],
    years: tuple[int | None, ...],
    max_nodes: int,
) -> View:
    up, grp = idx.up, idx.groups
    keep = {n for n in chosen if grp[n] not in collapse or n in protect}
    mapping: dict[str, str] = {n: n for n in keep}
    aggregates: dict[str, list[str]] = {}
    agg_attrs: dict[str, dict] = {}
    for n, home in sorted(_anchors(up, chosen - keep, keep).items()):
        kind = grp[n]
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
    now = active_edges(ef, years[0])
    then = active_edges(ef, years[-1])
    status = pd.Series("", index=ef.index)
    if len(years) > 1:  # links added since the other year, and links ended since
        early_active, late_active = (then, now) if years[1] < years[0] else (now, then)
        status = status.mask(late_active & ~early_active, "added")
        status = status.mask(early_active & ~late_active, "ended")
    shown = now | then
    ef, status = ef[shown], status[shown]
    drawn = pd.DataFrame(
        {"a": ef["u"].map(mapping), "b": ef["v"].map(mapping), "t": ef["type"], "s": status}
    )
    drawn = drawn[
        (drawn["a"] != drawn["b"]) & drawn["a"].isin(nodes.keys()) & drawn["b"].isin(nodes.keys())
    ]
    # one status for links drawn as one edge: theirs when they share it, else none
    counts = drawn.groupby(["a", "b", "t"]).agg(
        n=("s", "size"), kinds=("s", "nunique"), s=("s", "first")
    )
    edges = [(a, b, ty, int(c)) for (a, b, ty), c in counts["n"].items()]
    shared = counts.loc[(counts["kinds"] == 1) & (counts["s"] != ""), "s"]
    changes = dict(shared.items())
    collapsed = sum(len(m) for m in aggregates.values())
    return View(
        nodes,
        edges,
        centers,
        collapsed,
        truncated,
        aggregates,
        changes=changes,
        added=int((status == "added").sum()),
        ended=int((status == "ended").sum()),
    )


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
    itself (committee > general branch > branch, then by id), as docs/metrics.md defines it."""
    orgs = network.tables["organizations"]
    wanted = set(place_ids)
    at = orgs[orgs["place_id"].isin(wanted) & orgs["kind"].isin(CORE_KINDS)].copy()
    at["rank"] = at["kind"].map({k: i for i, k in enumerate(CORE_KINDS)})
    best = at.sort_values(["rank", "id"]).drop_duplicates("place_id")
    return set(best["id"].tolist())


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
