"""Deterministic layouts that show a network's structure: rings around a core or a focus.

A physics simulation gives a different picture on every draw and turns a community of a
few hundred nodes into a knot. These layouts put every node on a ring chosen by its role
(``one_core``: the core in the centre, then party organizations, the actors they lead,
places, and the counted groups outermost) or by its distance from a focus (``radial``),
order each ring so nodes sit near what they hang from, and set apart what is not
connected (actors the core does not reach, nodes no path leads to). Same graph in, same
positions out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import networkx as nx

from graph.schema import PARTY_ORG_KINDS

# Ring of each role in the one-core layout, centre first.
RINGS: dict[str, int] = {
    "core": 0,
    "party": 1,
    "led": 2,
    "actor": 2,
    "place": 3,
    "local": 4,
    "leaf": 5,
}
UPPER_PLACES = frozenset({"district", "street", "town", "community", "village", "grid"})
# Leadership graph L as docs/metrics.md defines it: LEADS and ESTABLISHED_IN point from the
# leader, SUBORDINATE_TO from the subordinate (so it is followed backwards).
L_FORWARD = frozenset({"LEADS", "ESTABLISHED_IN"})
L_BACKWARD = frozenset({"SUBORDINATE_TO"})

Positions = dict[str, tuple[float, float]]


def led_by(g: nx.MultiDiGraph, sources: Iterable[str]) -> set[str]:
    """Nodes reached from ``sources`` in the leadership graph L (the sources excluded)."""
    seen = set(sources)
    stack = list(seen)
    while stack:
        n = stack.pop()
        nxt = [v for _, v, ty in g.out_edges(n, data="type") if ty in L_FORWARD]
        nxt += [u for u, _, ty in g.in_edges(n, data="type") if ty in L_BACKWARD]
        for m in nxt:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen - set(sources)


def roles(
    g: nx.MultiDiGraph, cores: Iterable[str], centres: Iterable[str], targets: Iterable[str]
) -> dict[str, str]:
    """Each node's role: ``core`` (the cores and the centres), ``party``, ``led`` (an
    organization the core reaches in L), ``unreached`` (a target it does not reach),
    ``actor`` (any other organization), ``place`` (grids and above), ``local``
    (compounds, buildings, venues) or ``leaf`` (people, matters, resources, counts)."""
    middle = {n for n in (*cores, *centres) if n in g}
    reached = led_by(g, middle)
    wanted = set(targets)
    out: dict[str, str] = {}
    for n, a in g.nodes(data=True):
        label, kind = a.get("label"), a.get("kind")
        if n in middle:
            out[n] = "core"
        elif label == "Organization" and kind in PARTY_ORG_KINDS:
            out[n] = "party"
        elif label == "Organization":
            out[n] = "led" if n in reached else ("unreached" if n in wanted else "actor")
        elif label == "Place":
            out[n] = "place" if kind in UPPER_PLACES else "local"
        else:
            out[n] = "leaf"
    return out


def one_core(
    g: nx.MultiDiGraph,
    cores: Iterable[str],
    centres: Iterable[str],
    targets: Iterable[str] = (),
    spacing: float = 60.0,
) -> tuple[Positions, dict[str, str]]:
    """Rings by role around the core; actors in ``targets`` the core does not reach are
    set apart. Returns positions and the roles they came from."""
    role = roles(g, cores, centres, targets)
    anchors = {n: anchor(g, n) for n, r in role.items() if r == "leaf"}
    anchors = {n: a for n, a in anchors.items() if a is not None and role.get(a) != "leaf"}
    rings = {n: RINGS[r] for n, r in role.items() if r in RINGS and n not in anchors}
    apart = sorted(n for n, r in role.items() if r == "unreached")
    pos = rings_layout(g, rings, apart, spacing)
    pos.update(satellites(pos, anchors, spacing))
    return pos, role


def anchor(g: nx.MultiDiGraph, n: str) -> str | None:
    """What a leaf hangs from: a counted group's home place, a resource's provider, the
    place a person or matter is located in."""
    home = g.nodes[n].get("home")
    if home in g:
        return home
    for u, _, ty in sorted(g.in_edges(n, data="type")):
        if ty == "PROVIDES":
            return u
    for _, v, ty in sorted(g.out_edges(n, data="type")):
        if ty == "LOCATED_IN":
            return v
    return None


def satellites(pos: Positions, anchors: dict[str, str], spacing: float) -> Positions:
    """Leaves in small fans just outside their anchor (rows of five, facing away from the
    centre), so each place carries its counted groups with it."""
    by_anchor: dict[str, list[str]] = {}
    for n, a in sorted(anchors.items()):
        if a in pos:
            by_anchor.setdefault(a, []).append(n)
    out: Positions = {}
    for a, leaves in by_anchor.items():
        ax, ay = pos[a]
        r = math.hypot(ax, ay)
        theta = math.atan2(ay, ax) if r > 1e-6 else -math.pi / 2
        for i, n in enumerate(leaves):
            row, col = divmod(i, 5)
            in_row = min(5, len(leaves) - row * 5)
            dist = spacing * (1.0 + 0.75 * row)
            tangent = (col - (in_row - 1) / 2) * spacing * 0.85
            x = ax + dist * math.cos(theta) - tangent * math.sin(theta)
            y = ay + dist * math.sin(theta) + tangent * math.cos(theta)
            out[n] = (round(x, 1), round(y, 1))
    return out


def radial(g: nx.MultiDiGraph, centre: str, spacing: float = 60.0) -> Positions:
    """A radial tree around ``centre``: rings by distance (links in either direction), each
    ring evenly spaced in depth-first order of the breadth-first tree, so what was reached
    through a node sits beside it; nodes no path reaches are set apart."""
    adj: dict[str, list[str]] = {n: [] for n in g}
    for u, v in sorted(set(nx.Graph(g).edges())):
        adj[u].append(v)
        adj[v].append(u)
    if centre not in adj:
        return rings_layout(g, {}, sorted(g), spacing)
    parent: dict[str, str | None] = {centre: None}
    depth = {centre: 0}
    order = [centre]
    for n in order:  # breadth-first; ``order`` grows while it is walked
        for m in sorted(adj[n]):
            if m not in depth:
                depth[m] = depth[n] + 1
                parent[m] = n
                order.append(m)
    kids: dict[str, list[str]] = {n: [] for n in order}
    for n in order[1:]:
        kids[str(parent[n])].append(n)
    sequence: list[str] = []  # depth-first: each subtree stays together on every ring
    stack = [centre]
    while stack:
        n = stack.pop()
        sequence.append(n)
        stack.extend(reversed(kids[n]))
    rank = {n: i for i, n in enumerate(sequence)}
    per_ring = Counter(depth.values())
    rings = max(per_ring)
    # ring d (radius d·gap) must give each of its nodes ``spacing`` of circumference
    gap = max([spacing * 2.2] + [n * spacing / (2 * math.pi * d) for d, n in per_ring.items() if d])
    pos: Positions = {centre: (0.0, 0.0)}
    angle = {centre: 0.0}
    for d in range(1, rings + 1):
        ring = sorted((n for n in order if depth[n] == d), key=rank.__getitem__)
        step = 2 * math.pi / len(ring)
        # evenly spaced in depth-first order, turned to sit closest to the parents
        turn = (
            _circular_mean([angle[parent[n]] - i * step for i, n in enumerate(ring)])
            if d > 1
            else 0.0
        )
        for i, n in enumerate(ring):
            a = (turn + i * step) % (2 * math.pi)
            angle[n] = a
            pos[n] = (round(d * gap * math.cos(a), 1), round(d * gap * math.sin(a), 1))
    apart = sorted(n for n in g if n not in depth)
    if apart:
        pos.update(rings_layout(g, {}, apart, spacing, start_x=rings * gap + spacing * 3))
    return pos


def _circular_mean(angles: list[float]) -> float:
    return math.atan2(sum(map(math.sin, angles)), sum(map(math.cos, angles))) % (2 * math.pi)


def rings_layout(
    g: nx.MultiDiGraph,
    rings: dict[str, int],
    apart: list[str],
    spacing: float,
    start_x: float | None = None,
) -> Positions:
    """Nodes on concentric rings (ring 0 in the middle), each ring ordered by the mean
    angle of its neighbours already placed further in (then of its ring-mates), evenly
    spaced and turned to sit closest to those angles; ``apart`` in a block to the right."""
    adj: dict[str, set[str]] = {n: set() for n in g}
    for u, v in g.edges():
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    angle: dict[str, float] = {}
    pos: Positions = {}
    radius = 0.0
    for ring in sorted(set(rings.values())):
        members = sorted(n for n, r in rings.items() if r == ring)
        if ring == 0:
            inner = spacing * 0.6 if len(members) > 1 else 0.0
            for i, n in enumerate(members):
                a = 2 * math.pi * i / len(members)
                angle[n] = a
                pos[n] = (inner * math.cos(a), inner * math.sin(a))
            radius = inner
            continue
        pref = _preferences(members, adj, angle)
        ordered = sorted(members, key=lambda n: (pref.get(n, 10.0), n))
        count = len(ordered)
        radius = max(radius + spacing * 2.2, count * spacing / (2 * math.pi))
        step = 2 * math.pi / count
        offsets = [pref[n] - i * step for i, n in enumerate(ordered) if n in pref]
        start = _circular_mean(offsets) if offsets else 0.0
        for i, n in enumerate(ordered):
            a = (start + i * step) % (2 * math.pi)
            angle[n] = a
            pos[n] = (radius * math.cos(a), radius * math.sin(a))
    if apart:
        cols = max(1, math.ceil(math.sqrt(len(apart) / 2)))
        x0 = radius + spacing * 3 if start_x is None else start_x
        rows = math.ceil(len(apart) / cols)
        y0 = -(rows - 1) * spacing / 2
        for i, n in enumerate(apart):
            pos[n] = (x0 + (i % cols) * spacing * 1.6, y0 + (i // cols) * spacing)
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}


def _preferences(
    members: list[str], adj: dict[str, set[str]], placed: dict[str, float]
) -> dict[str, float]:
    """Preferred angle of each ring member: the mean angle of its placed neighbours, else
    (repeatedly) of ring-mates that have one."""
    pref = {
        n: _circular_mean([placed[m] for m in sorted(adj[n]) if m in placed])
        for n in members
        if any(m in placed for m in adj[n])
    }
    todo = [n for n in members if n not in pref]
    while todo:
        found = {
            n: _circular_mean([pref[m] for m in sorted(adj[n]) if m in pref])
            for n in todo
            if any(m in pref for m in adj[n])
        }
        if not found:
            break
        pref.update(found)
        todo = [n for n in todo if n not in pref]
    return pref
