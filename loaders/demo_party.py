"""The demo's party organizations: district, street and community cores, sub-branches,
grid branches and compound groups (``Party``), with their dated links."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from loaders.demo_draw import Ledger, cat, day_in_year, draw_since, rank
from loaders.demo_places import Places


@dataclass(frozen=True)
class Party:
    """The party layer: party organizations (``L.orgs`` indices) per community, grid, compound."""

    dist_org: int
    core: np.ndarray
    upper: np.ndarray
    has_core: np.ndarray
    sub_branch: np.ndarray
    sb_comm: np.ndarray
    grid_branch: np.ndarray
    grid_since: np.ndarray
    q_group: np.ndarray
    q_group_since: np.ndarray


def make_party(rng: np.random.Generator, L: Ledger, pl: Places) -> Party:
    """The district, street and community party organizations, branches and groups."""
    nc = pl.nc
    ns = len(pl.streets)
    old = np.datetime64("2010-07-01", "D")

    dist_org = L.add_orgs(["中共郑州市二七区委员会"], "party_committee", [pl.district], [old])[0]
    s_kind = np.where(pl.street_is_town, "party_committee", "party_working_committee")
    s_org_names = np.where(
        pl.street_is_town,
        cat("中共二七区", pl.street_names, "委员会"),
        cat("中共二七区", pl.street_names, "工作委员会"),
    )
    s_org = L.add_orgs(s_org_names, s_kind, pl.streets, np.full(ns, old))
    L.link(
        "SUBORDINATE_TO",
        ("orgs", s_org),
        ("orgs", np.full(ns, dist_org)),
        np.full(ns, old),
    )

    # community cores; a few communities have none (a planted weak spot)
    n_none = max(2, round(0.04 * nc))
    has_core = np.ones(nc, bool)
    has_core[rng.choice(nc, n_none, replace=False)] = False
    kind = np.where(
        pl.c_pop > 8000,
        "party_committee",
        np.where(pl.c_pop > 4000, "party_general_branch", "party_branch"),
    )
    kind = np.where(pl.c_village & (pl.c_pop <= 3500), "party_branch", kind)
    suffix = np.where(
        kind == "party_committee",
        "委员会",
        np.where(kind == "party_general_branch", "总支部委员会", "支部委员会"),
    )
    ci = np.flatnonzero(has_core)
    founded = day_in_year(rng, rng.integers(2005, 2018, len(ci)))
    cores = L.add_orgs(cat("中共", pl.c_names[ci], suffix[ci]), kind[ci], pl.comms[ci], founded)
    core = np.full(nc, -1)
    core[ci] = cores
    L.link("SUBORDINATE_TO", ("orgs", cores), ("orgs", s_org[pl.c_street[ci]]), founded)
    # the organization above a community's own organizations: its core, else the street's
    upper = np.where(has_core, core, s_org[pl.c_street])

    # numbered branches under committees and general branches
    n_sub = np.where(kind == "party_committee", 3, np.where(kind == "party_general_branch", 2, 0))
    n_sub = np.where(has_core, n_sub, 0)
    sb_c = np.repeat(np.arange(nc), n_sub)
    sb_no = np.array(list("一二三"))[rank(sb_c)]
    sb_f = day_in_year(rng, rng.integers(2008, 2020, len(sb_c)))
    sub_branch = L.add_orgs(
        cat("中共", pl.c_names[sb_c], "第", sb_no, "支部委员会"),
        "party_branch",
        pl.comms[sb_c],
        sb_f,
    )
    sb_comm = sb_c
    L.link("SUBORDINATE_TO", ("orgs", sub_branch), ("orgs", core[sb_c]), sb_f)

    # grid branches: older ones sit in their grid; new ones (2022+) are registered at the
    # community's service centre and ESTABLISHED_IN the grid, so coverage grows by year
    ng = len(pl.grids)
    g_since = draw_since(rng, ng, (0.55, 0.13, 0.12, 0.10))
    gi = np.flatnonzero(~np.isnat(g_since))
    new = g_since[gi] >= np.datetime64("2022-01-01")
    g_place = np.where(new, pl.c_venue[pl.g_comm[gi]], pl.grids[gi])
    grid_branch = np.full(ng, -1)
    grid_branch[gi] = L.add_orgs(
        cat("中共", pl.g_names[gi], "支部委员会"), "party_branch", g_place, g_since[gi]
    )
    grid_since = g_since
    L.link(
        "ESTABLISHED_IN",
        ("orgs", grid_branch[gi[new]]),
        ("places", pl.grids[gi[new]]),
        g_since[gi[new]],
    )
    L.link(
        "SUBORDINATE_TO",
        ("orgs", grid_branch[gi]),
        ("orgs", upper[pl.g_comm[gi]]),
        g_since[gi],
    )

    # compound party groups, same pattern (new ones registered at the covering grid)
    nq = len(pl.compounds)
    q_since = draw_since(rng, nq, (0.42, 0.1, 0.1, 0.1))
    qi = np.flatnonzero(~np.isnat(q_since))
    new = q_since[qi] >= np.datetime64("2022-01-01")
    q_place = np.where(new, pl.grids[pl.q_grid[qi]], pl.compounds[qi])
    q_group = np.full(nq, -1)
    q_group[qi] = L.add_orgs(cat(pl.q_names[qi], "党小组"), "party_group", q_place, q_since[qi])
    q_group_since = q_since
    L.link(
        "ESTABLISHED_IN",
        ("orgs", q_group[qi[new]]),
        ("places", pl.compounds[qi[new]]),
        q_since[qi[new]],
    )
    gb = grid_branch[pl.q_grid[qi]]
    sup = np.where(gb >= 0, gb, upper[pl.q_comm[qi]])
    L.link("SUBORDINATE_TO", ("orgs", q_group[qi]), ("orgs", sup), q_since[qi])

    # a few building party groups
    nb = len(pl.buildings)
    bi = np.flatnonzero(rng.random(nb) < 0.03)
    b_f = day_in_year(rng, rng.integers(2016, 2025, len(bi)))
    names = L.places.get("name")[pl.buildings[bi]]
    b_groups = L.add_orgs(cat(names, "党小组"), "party_group", pl.buildings[bi], b_f)
    qg = np.where(pl.b_q[bi] >= 0, q_group[np.maximum(pl.b_q[bi], 0)], -1)
    gb = grid_branch[pl.b_grid[bi]]
    sup = np.where(qg >= 0, qg, np.where(gb >= 0, gb, upper[pl.b_comm[bi]]))
    L.link("SUBORDINATE_TO", ("orgs", b_groups), ("orgs", sup), b_f)
    return Party(
        dist_org=dist_org,
        core=core,
        upper=upper,
        has_core=has_core,
        sub_branch=sub_branch,
        sb_comm=sb_comm,
        grid_branch=grid_branch,
        grid_since=grid_since,
        q_group=q_group,
        q_group_since=q_group_since,
    )
