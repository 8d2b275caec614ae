"""Suggested links: open matters → spare resources (min-cost flow); partners for weak ones.

A partner suggestion is two links: the unit CO_BUILDS with the community's core, and the
core LEADS the unit (the party organization takes its new partner into the co-building
joint meeting under its lead, 党组织牵头的共建联席机制), so a new partner is never an
actor the core does not reach. ``leader_id`` names that core (empty without one: the unit
then co-builds with the community itself).

Matters only match resources of their own domain inside their own district, so the flow
splits into one small problem per (district, domain). Within one, each matter reaches
three hubs — its community's, its street's and its district's resources of that domain —
at cost 1, 2 and 4; hubs feed resources up to their spare capacity. That is the same
optimum as an edge per (matter, resource) pair with far fewer edges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from graph.analysis.rubric import Rubric
from graph.analysis.scope import Context
from graph.forked import both, spare_core

if TYPE_CHECKING:  # NetworkX is the reference solver only (``max_flow_min_cost``)
    import networkx as nx

COLUMNS = [
    "kind",
    "matter_id",
    "resource_id",
    "cost",
    "community_id",
    "unit_id",
    "domain",
    "partners",
    "leader_id",
]
LEVELS = (("community_id", 1), ("street_id", 2), ("district_id", 4))


def spare_capacity(ctx: Context) -> pd.DataFrame:
    """Resources with capacity left: capacity minus FULFILLS links counting in Y."""
    f = ctx.links_of("FULFILLS").groupby("source_id").size()
    r = ctx.resources.copy()
    r["spare"] = r["capacity"] - r["id"].map(f).fillna(0).astype(int)
    return r[r["spare"] > 0]


def open_matters(ctx: Context) -> pd.DataFrame:
    """Matters submitted by Y, not closed as of Y, with no FULFILLS link counting in Y."""
    f = ctx.links_of("FULFILLS")["target_id"]
    m = ctx.matters
    return m[~m["closed"] & ~m["id"].isin(f) & m["district_id"].notna()]


def street_units(ctx: Context) -> pd.DataFrame:
    """id, street_id of units existing in Y inside a street: the partner candidates."""
    units = ctx.orgs[(ctx.orgs["kind"] == "unit") & ctx.orgs["street_id"].notna()]
    return units[["id", "street_id"]].reset_index(drop=True)


def _groups(df: pd.DataFrame, cols: list[str], order: list[str]) -> dict[tuple, list[tuple]]:
    """(id, spare) of rows grouped by place (community, street, district; "" where none),
    in ``order``. Read column by column: per-row records cost seconds on a province."""
    df = df.sort_values(order)
    spare = df["spare"].tolist() if "spare" in df.columns else [None] * len(df)
    text = [[v if isinstance(v, str) else "" for v in df[c].tolist()] for c in cols]
    keys = zip(*text, strict=True)
    out: dict[tuple, list[tuple]] = {}
    for key, i, n in zip(keys, df["id"].tolist(), spare, strict=True):
        out.setdefault(key, []).append((i, n))
    return out


def _solve(matters: pd.DataFrame, resources: pd.DataFrame) -> list[dict]:
    """Min-cost max flow for one (district, domain); returns matter→resource pairs.

    Matters, and resources, of one place are one node each (cost only depends on where
    they are), so the network has a few hundred nodes whatever the backlog. A matter
    group reaches its community's resources at cost 1 and, through street and district
    hubs, the rest at 2 and 4. Within a group the oldest matters and the resources in id
    order are matched first.
    """
    mg = _groups(matters, ["community_id", "street_id", "district_id"], ["submitted_at", "id"])
    rg = _groups(resources, ["loc_community_id", "loc_street_id", "loc_district_id"], ["id"])
    g: Arcs = {}

    def arc(u: tuple | str, v: tuple | str, capacity: int, weight: int) -> None:
        g.setdefault(u, {})
        g.setdefault(v, {})
        g[u][v] = (capacity, weight)

    for (c, st, d), items in rg.items():
        node, spare = ("r", c, st, d), sum(int(n) for _, n in items)
        arc(node, "T", spare, 0)
        if st:
            arc(("street", st), node, spare, 0)
        arc(("district", d), node, spare, 0)
    for (c, st, d), items in mg.items():
        node, n = ("m", c, st, d), len(items)
        arc("S", node, n, 0)
        if c and (c, st, d) in rg:
            arc(node, ("r", c, st, d), n, 1)
        if st and ("street", st) in g:
            arc(node, ("street", st), n, 2)
        if ("district", d) in g:
            arc(node, ("district", d), n, 4)
    if "S" not in g or "T" not in g:
        return []
    flow = max_flow_min_cost(g, "S", "T")
    # decompose: every unit leaving a matter group reaches one resource group (paths ≤ 2
    # hops); a hub hands out its flow to resource groups in sorted order
    supply = {k: iter([i for i, n in items for _ in range(int(n))]) for k, items in rg.items()}
    hubs: dict[tuple, list[list]] = {}
    pairs = []
    for k, items in mg.items():
        waiting = iter(items)
        node = ("m", *k)
        for nxt, units in sorted(flow[node].items()):
            for _ in range(units):
                hop = nxt if nxt[0] == "r" else _take(flow, hubs, nxt)
                pairs.append({"matter_id": next(waiting)[0], "resource_id": next(supply[hop[1:]])})
    return pairs


# A flow network as plain dicts, u → v → (capacity, weight), nodes and arcs in insertion
# order like a ``nx.DiGraph``'s (so either form gives the solver the same problem): building
# NetworkX graphs cost more than solving them.
Arcs = dict[object, dict[object, tuple[int, int]]]


def _digraph(g: Arcs) -> nx.DiGraph:
    import networkx as nx

    out = nx.DiGraph()
    out.add_nodes_from(g)
    out.add_edges_from(
        (u, v, {"capacity": c, "weight": w}) for u, vs in g.items() for v, (c, w) in vs.items()
    )
    return out


def max_flow_min_cost(
    g: nx.DiGraph | Arcs, s: object, t: object, *, reference: bool = False
) -> dict[object, dict[object, int]]:
    """A maximum ``s``→``t`` flow of least total ``weight``, shaped as ``nx.max_flow_min_cost``.

    OR-Tools' ``SimpleMinCostFlow`` (C++) where installed — two orders of magnitude faster
    than NetworkX's network simplex; NetworkX when not, or with ``reference`` (tests). Both
    give a maximum flow of the same least cost; where several are optimal (equal-cost ties)
    they may pick different ones. ``g``: a ``nx.DiGraph`` or its ``Arcs`` (NetworkX is
    imported only for the reference).
    """
    try:
        from ortools.graph.python.min_cost_flow import SimpleMinCostFlow
    except ImportError:
        reference = True
    if reference:
        import networkx as nx

        return nx.max_flow_min_cost(_digraph(g) if isinstance(g, dict) else g, s, t)
    if not isinstance(g, dict):  # a nx.DiGraph
        g = {u: {v: (d["capacity"], d["weight"]) for v, d in vs.items()} for u, vs in g.adj.items()}
    index = {n: i for i, n in enumerate(g)}
    edges = [(u, v, c, w) for u, vs in g.items() for v, (c, w) in vs.items()]
    solver = SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        np.array([index[e[0]] for e in edges], dtype=np.int32),
        np.array([index[e[1]] for e in edges], dtype=np.int32),
        np.array([e[2] for e in edges], dtype=np.int64),
        np.array([e[3] for e in edges], dtype=np.int64),
    )
    most = sum(c for c, _ in g[s].values())
    solver.set_node_supply(index[s], most)
    solver.set_node_supply(index[t], -most)
    if solver.solve_max_flow_with_min_cost() != solver.OPTIMAL:
        raise RuntimeError("min-cost flow: no optimal solution")
    flow: dict[object, dict[object, int]] = {n: {} for n in g}
    for (u, v, _, _), f in zip(edges, solver.flows(arcs).tolist(), strict=True):
        flow[u][v] = f
    return flow


def _take(flow: dict, hubs: dict[tuple, list[list]], hub: tuple) -> tuple:
    """One unit of a hub's outgoing flow: the first resource group (sorted) with flow left.

    ``hubs`` keeps each hub's groups with flow left, sorted once and used up from the end
    (re-sorting a district hub's thousands of groups per unit was quadratic)."""
    left = hubs.get(hub)
    if left is None:
        left = hubs[hub] = [[nxt, units] for nxt, units in sorted(flow[hub].items(), reverse=True)]
    while left and not left[-1][1]:
        left.pop()
    if not left:
        raise AssertionError("flow conservation violated")
    left[-1][1] -= 1
    return left[-1][0]


# Open matters from which the (district, domain) problems are split between two processes:
# a province's take seconds, all after every community is measured; a fork costs ≈ 20 ms.
BESIDE_MIN_MATTERS = 20_000


def _solve_all(problems: list[tuple[pd.DataFrame, pd.DataFrame]]) -> list[dict]:
    return [pair for m, r in problems for pair in _solve(m, r)]


def _solved(problems: list[tuple[pd.DataFrame, pd.DataFrame]]) -> list[dict]:
    """The pairs of every problem: half of the matters' problems in a forked process
    beside the other half when they are many and a core is idle. The problems are
    independent, so the pairs are the same either way."""
    sizes = np.cumsum([len(m) for m, _ in problems])
    if len(sizes) < 2 or sizes[-1] < BESIDE_MIN_MATTERS or not spare_core():
        return _solve_all(problems)
    half = min(int(np.searchsorted(sizes, sizes[-1] / 2)) + 1, len(problems) - 1)
    first, second = both(_solve_all, (problems[:half],), (problems[half:],))
    return first + second


def resource_suggestions(matters: pd.DataFrame, resources: pd.DataFrame) -> pd.DataFrame:
    """Open matters matched to spare resources, cost 1 same community, 2 same street, 4 district.

    ``matters`` as from ``open_matters``, ``resources`` as from ``spare_capacity`` (the
    rows of a whole district, whichever way they were gathered).
    """
    resources = resources[resources["loc_district_id"].notna()]
    problems = []
    for (district, domain), m in matters.groupby(["district_id", "domain"]):
        r = resources[(resources["loc_district_id"] == district) & (resources["domain"] == domain)]
        if len(r):
            problems.append((m, r))
    out = pd.DataFrame(_solved(problems), columns=["matter_id", "resource_id"])
    m = matters.set_index("id")
    r = resources.set_index("id")
    out["community_id"] = out["matter_id"].map(m["community_id"])
    out["domain"] = out["matter_id"].map(m["domain"])
    same_c = out["community_id"].notna() & (
        out["community_id"] == out["resource_id"].map(r["loc_community_id"])
    )
    same_s = out["matter_id"].map(m["street_id"]) == out["resource_id"].map(r["loc_street_id"])
    out["cost"] = 4
    out.loc[same_s.fillna(False).astype(bool), "cost"] = 2
    out.loc[same_c.fillna(False).astype(bool), "cost"] = 1
    out["kind"] = "resource"
    return out.sort_values(["cost", "matter_id"]).reindex(columns=COLUMNS)


def partner_suggestions(
    units: pd.DataFrame, communities: pd.DataFrame, co_builders: pd.DataFrame, rubric: Rubric
) -> pd.DataFrame:
    """Units of its street with fewest partners, for weak communities short of co-building.

    ``units``: id and street_id of every unit that may co-build (``street_units``); each
    suggestion's ``leader_id`` is the community's core, which leads the new partner.
    """
    units = units[units["street_id"].notna()]
    partners = co_builders.groupby("id")["community_id"].nunique()
    units = units.assign(partners=units["id"].map(partners).fillna(0).astype(int))
    units = units.sort_values(["partners", "id"])
    have = set(zip(co_builders["community_id"], co_builders["id"], strict=True))
    by_street: dict[str, list[tuple[str, int]]] = {}
    for u, st, n in zip(units["id"], units["street_id"], units["partners"], strict=True):
        by_street.setdefault(st, []).append((u, int(n)))
    recs = []
    weak = communities[communities["weak"] & communities["street_id"].notna()]
    cores = weak["core"].astype(object).where(weak["core"].notna(), None)
    for cid, kind, street, have_n, core in zip(
        weak["id"],
        weak["kind"],
        weak["street_id"],
        weak["co_building_units"],
        cores,
        strict=True,
    ):
        need = rubric.for_kind(kind).settings.co_building_min - int(have_n)
        if need <= 0:
            continue
        fresh = [(u, n) for u, n in by_street.get(street, []) if (cid, u) not in have][:need]
        recs += [
            {
                "kind": "co_building",
                "community_id": cid,
                "unit_id": u,
                "partners": n,
                "leader_id": core,
            }
            for u, n in fresh
        ]
    return pd.DataFrame(recs, columns=COLUMNS)
