"""Which part of the graph a view or an export speaks of: a place's scope, as of a year.

Shared by the app's network view and ``govnet export-graph`` so the file a user downloads
holds exactly the nodes and links the view was drawn from.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx

SCOPE_TYPES = frozenset({"PART_OF", "LOCATED_IN"})


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


@dataclass
class Hierarchy:
    """What is inside what: each place's children (places PART_OF it, nodes LOCATED_IN it)
    and each provider's resources. Built once per graph; a scope is then a walk down it."""

    children: dict[str, list[str]]
    provides: dict[str, list[str]]

    @classmethod
    def of(cls, g: nx.MultiDiGraph) -> Hierarchy:
        children: dict[str, list[str]] = {}
        provides: dict[str, list[str]] = {}
        for u, v, ty in g.edges(data="type"):
            if ty in SCOPE_TYPES:
                children.setdefault(v, []).append(u)
            elif ty == "PROVIDES":
                provides.setdefault(u, []).append(v)
        return cls(children, provides)

    def scope(self, place_id: str) -> set[str]:
        """A place and everything in it: places whose PART_OF chain reaches it, nodes
        located in those places, and resources provided by those nodes."""
        inside = {place_id}
        queue = deque([place_id])
        while queue:
            for child in self.children.get(queue.popleft(), ()):
                if child not in inside:
                    inside.add(child)
                    queue.append(child)
        for n in list(inside):
            inside.update(self.provides.get(n, ()))
        return inside


def as_of(
    g: nx.MultiDiGraph, place_id: str | None = None, year: int | None = None
) -> nx.MultiDiGraph:
    """The subgraph of a place's scope (the whole graph without one) as of ``year``: nodes
    active that year and the links among them that count that year. A copy, keys kept."""
    if place_id is not None and place_id not in g:
        raise KeyError(f"no place {place_id!r} in the network")
    nodes = Hierarchy.of(g).scope(place_id) if place_id is not None else set(g)
    keep = {n for n in nodes if node_active(g.nodes[n], year)}
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, g.nodes[n]) for n in g if n in keep)
    out.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in g.edges(keys=True, data=True)
        if u in keep and v in keep and link_active(d, year)
    )
    return out
