"""The demo's many actors (``Actors``): committees, property companies, owners'
committees, social organizations, volunteer teams, co-building units and businesses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from loaders import demo_names as N
from loaders.demo_draw import Ledger, cat, day_in_year, draw_since, group_pick, rank
from loaders.demo_party import Party
from loaders.demo_places import Places


@dataclass(frozen=True)
class Actors:
    """The many actors: committees, property companies, owners' committees, social
    organizations, volunteer teams, co-building units and businesses."""

    committee: np.ndarray
    company: np.ndarray
    q_company: np.ndarray
    owners: np.ndarray
    o_comm: np.ndarray
    social: np.ndarray
    so_via_person: np.ndarray
    teams: np.ndarray
    vt_comm: np.ndarray
    units: np.ndarray
    u_street: np.ndarray
    unit_branch: np.ndarray
    business: np.ndarray
    so_comm: np.ndarray


def make_actors(rng: np.random.Generator, L: Ledger, pl: Places, pt: Party) -> Actors:
    """Committees, property companies, owners' committees, social organizations, teams, units."""
    nc = pl.nc
    ns = len(pl.streets)
    stems = np.array(N.STEMS)
    old = day_in_year(rng, rng.integers(2012, 2020, nc))

    # residents' / villagers' committees, led by the core (or by the street when none)
    committee = L.add_orgs(
        np.where(pl.c_village, cat(pl.c_names, "村民委员会"), cat(pl.c_names, "居民委员会")),
        np.where(pl.c_village, "villagers_committee", "residents_committee"),
        pl.comms,
        old,
    )
    L.link("LEADS", ("orgs", pt.upper), ("orgs", committee), old)

    # collective economies of villages
    vi = np.flatnonzero(pl.c_village)
    ce = L.add_orgs(
        cat(pl.c_names[vi], "股份经济合作社"), "collective_economy", pl.comms[vi], old[vi]
    )
    L.link("LEADS", ("orgs", pt.upper[vi]), ("orgs", ce), old[vi])

    # property companies: a pool per street; every managed compound gets one
    qm = np.flatnonzero(pl.q_managed)
    q_street = pl.c_street[pl.q_comm[qm]]
    per_street = np.bincount(q_street, minlength=ns)
    n_co = np.maximum(np.ceil(per_street / 3.5).astype(np.int64), (per_street > 0) * 1)
    co_street = np.repeat(np.arange(ns), n_co)
    co_start = np.cumsum(n_co) - n_co
    order = np.argsort(q_street, kind="stable")
    q_rank = np.empty(len(qm), np.int64)
    q_rank[order] = rank(q_street[order])
    rand_pick = np.floor(rng.random(len(qm)) * n_co[q_street]).astype(np.int64)
    local = np.where(q_rank < n_co[q_street], q_rank, rand_pick)
    q_co = co_start[q_street] + local  # company (local index) of each managed compound
    nco = len(co_street)
    first_q = np.full(nco, len(pl.compounds))
    np.minimum.at(first_q, q_co, qm)  # each company sits in the first compound it manages
    brands = np.array(N.PROPERTY_BRANDS)[rng.integers(0, len(N.PROPERTY_BRANDS), nco)]
    co_names = cat(
        "郑州", brands, "物业服务有限公司", stems[rng.integers(0, len(stems), nco)], "分公司"
    )
    co_f = day_in_year(rng, rng.integers(2005, 2020, nco))
    company = L.add_orgs(co_names, "property_company", pl.compounds[first_q], co_f)
    co_comm = pl.q_comm[first_q]
    q_company = np.full(len(pl.compounds), -1)
    q_company[qm] = company[q_co]
    # management contracts; some compounds changed company in 2023
    m_since = day_in_year(rng, rng.integers(2010, 2022, len(qm)))
    switch = rng.random(len(qm)) < 0.08
    sw_date = day_in_year(rng, np.full(switch.sum(), 2023))
    until = np.full(len(qm), np.datetime64("NaT"), "datetime64[D]")
    until[switch] = sw_date
    prev_co = co_start[q_street[switch]] + ((local[switch] + 1) % n_co[q_street[switch]])
    L.link(
        "MANAGES",
        ("orgs", company[prev_co]),
        ("places", pl.compounds[qm[switch]]),
        m_since[switch],
        until[switch],
    )
    m_since[switch] = sw_date
    L.link("MANAGES", ("orgs", company[q_co]), ("places", pl.compounds[qm]), m_since)
    # red property: a branch in the company, or led by its community's core; some never
    red = draw_since(rng, nco, (0.25, 0.2, 0.15, 0.15))
    by_branch = rng.random(nco) < 0.4
    bi = np.flatnonzero(by_branch & ~np.isnat(red))
    br = L.add_orgs(
        cat("中共", co_names[bi], "支部委员会"),
        "party_branch",
        pl.compounds[first_q[bi]],
        red[bi],
    )
    L.link("ESTABLISHED_IN", ("orgs", br), ("orgs", company[bi]), red[bi])
    L.link("SUBORDINATE_TO", ("orgs", br), ("orgs", pt.upper[co_comm[bi]]), red[bi])
    li = np.flatnonzero(~by_branch)
    L.link("LEADS", ("orgs", pt.core[co_comm[li]]), ("orgs", company[li]), red[li])

    # owners' committees in half of the managed compounds
    oi = qm[rng.random(len(qm)) < 0.5]
    o_f = day_in_year(rng, rng.integers(2014, 2025, len(oi)))
    owners = L.add_orgs(
        cat(pl.q_names[oi], "业主委员会"), "owners_committee", pl.compounds[oi], o_f
    )
    o_comm = pl.q_comm[oi]
    qg = pt.q_group[oi]
    by_group = (qg >= 0) & (rng.random(len(oi)) < 0.5)
    g_since = np.maximum(o_f, pt.q_group_since[oi])
    L.link("LEADS", ("orgs", np.where(by_group, qg, -1)), ("orgs", owners), g_since)
    c_since = draw_since(rng, len(oi), (0.15, 0.15, 0.15, 0.15))
    c_since = np.where(c_since < o_f, o_f, c_since)
    L.link(
        "LEADS",
        ("orgs", np.where(by_group, -1, pt.core[o_comm])),
        ("orgs", owners),
        c_since,
    )

    # social organizations: a pool per street, serving some of its communities
    n_so = rng.integers(5, 11, ns)
    so_street = np.repeat(np.arange(ns), n_so)
    nso = len(so_street)
    so_comm = group_pick(rng, pl.c_street, nc, so_street)
    types = np.array(N.SOCIAL_ORG_TYPES)
    so_type = rng.integers(0, len(types), nso)
    so_names = cat("郑州市二七区", stems[rng.integers(0, len(stems), nso)], types[so_type])
    so_f = day_in_year(rng, rng.integers(2012, 2024, nso))
    social = L.add_orgs(so_names, "social_org", pl.c_venue[so_comm], so_f)
    so_comm, so_type = so_comm, so_type
    n_serve = rng.integers(1, 4, nso)
    sv = np.repeat(np.arange(nso), n_serve)
    sv_comm = np.where(rank(sv) == 0, so_comm[sv], group_pick(rng, pl.c_street, nc, so_street[sv]))
    sv_since = np.maximum(draw_since(rng, len(sv), (0.4, 0.25, 0.2, 0.15)), so_f[sv])
    L.link("SERVES", ("orgs", social[sv]), ("places", pl.comms[sv_comm]), sv_since)
    mode = rng.choice(4, nso, p=[0.45, 0.2, 0.15, 0.2])  # led, branch, via person, isolated
    led_since = np.maximum(draw_since(rng, nso, (0.3, 0.3, 0.2, 0.2)), so_f)
    li = np.flatnonzero(mode == 0)
    L.link("LEADS", ("orgs", pt.core[so_comm[li]]), ("orgs", social[li]), led_since[li])
    bi = np.flatnonzero((mode == 1) & ~np.isnat(led_since))
    br = L.add_orgs(
        cat("中共", so_names[bi], "支部委员会"),
        "party_branch",
        pl.c_venue[so_comm[bi]],
        led_since[bi],
    )
    L.link("ESTABLISHED_IN", ("orgs", br), ("orgs", social[bi]), led_since[bi])
    L.link("SUBORDINATE_TO", ("orgs", br), ("orgs", pt.upper[so_comm[bi]]), led_since[bi])
    so_via_person = np.flatnonzero(mode == 2)

    # volunteer teams: led by the core, some only through a grid branch, a few not at all
    n_vt = rng.integers(1, 4, nc)
    vt_comm = np.repeat(np.arange(nc), n_vt)
    nvt = len(vt_comm)
    themes = np.array(N.VOLUNTEER_THEMES)[rng.integers(0, len(N.VOLUNTEER_THEMES), nvt)]
    vt_f = day_in_year(rng, rng.integers(2013, 2025, nvt))
    teams = L.add_orgs(
        cat(pl.c_names[vt_comm], themes, "志愿服务队"),
        "volunteer_team",
        pl.comms[vt_comm],
        vt_f,
    )
    L.link("SERVES", ("orgs", teams), ("places", pl.comms[vt_comm]), vt_f)
    mode = rng.choice(3, nvt, p=[0.75, 0.15, 0.10])
    since = np.maximum(draw_since(rng, nvt, (0.5, 0.2, 0.2, 0.1)), vt_f)
    L.link(
        "LEADS",
        ("orgs", np.where(mode == 0, pt.core[vt_comm], -1)),
        ("orgs", teams),
        since,
    )
    gb = pt.grid_branch[group_pick(rng, pl.g_comm, nc, vt_comm)]
    L.link(
        "LEADS",
        ("orgs", np.where(mode == 1, gb, -1)),
        ("orgs", teams),
        np.maximum(since, vt_f),
    )

    # co-building units: district bureaus, and a pool of units per street
    tmpl = np.array(N.UNIT_TEMPLATES)
    is_bureau = np.strings.find(tmpl, "{stem}") < 0
    bureaus = tmpl[is_bureau]
    nbu = len(bureaus)
    bu_f = np.full(nbu, np.datetime64("2000-01-01"), "datetime64[D]")
    bu = L.add_orgs(bureaus, "unit", np.full(nbu, pl.district), bu_f)
    per = tmpl[~is_bureau]
    n_u = rng.integers(8, 17, ns)
    us = np.repeat(np.arange(ns), n_u)
    nu = len(us)
    t = per[rng.integers(0, len(per), nu)]
    u_names = np.strings.replace(t, "{stem}", stems[rng.integers(0, len(stems), nu)])
    u_f = day_in_year(rng, rng.integers(1990, 2020, nu))
    su = L.add_orgs(u_names, "unit", pl.streets[us], u_f)
    units = np.concatenate([bu, su])
    u_street = np.concatenate([np.full(nbu, -1), us])
    n_all = len(units)
    # partners: street units pair with communities of their street; bureaus anywhere
    n_pair = np.where(u_street < 0, rng.integers(3, 7, n_all), rng.integers(1, 4, n_all))
    pu = np.repeat(np.arange(n_all), n_pair)
    p_comm = np.where(
        u_street[pu] < 0,
        rng.integers(0, nc, len(pu)),
        group_pick(rng, pl.c_street, nc, np.maximum(u_street[pu], 0)),
    )
    p_since = draw_since(rng, len(pu), (0.22, 0.25, 0.25, 0.2))
    to_core = (rng.random(len(pu)) < 0.5) & pt.has_core[p_comm]
    L.link(
        "CO_BUILDS",
        ("orgs", units[pu[to_core]]),
        ("orgs", pt.core[p_comm[to_core]]),
        p_since[to_core],
    )
    L.link(
        "CO_BUILDS",
        ("orgs", units[pu[~to_core]]),
        ("places", pl.comms[p_comm[~to_core]]),
        p_since[~to_core],
    )
    first = rank(pu) == 0
    rep = first & (rng.random(len(pu)) < 0.6)
    L.link(
        "REPORTS_TO",
        ("orgs", units[pu[rep]]),
        ("places", pl.comms[p_comm[rep]]),
        p_since[rep],
    )
    # half of the units have their own party branch (under the district's organs)
    ub = np.flatnonzero(rng.random(n_all) < 0.5)
    ub_place = np.where(u_street[ub] < 0, pl.district, pl.streets[np.maximum(u_street[ub], 0)])
    ub_f = np.concatenate([bu_f, u_f])[ub]
    unit_branch = np.full(n_all, -1)
    unit_branch[ub] = L.add_orgs(
        cat("中共", np.concatenate([bureaus, u_names])[ub], "支部委员会"),
        "party_branch",
        ub_place,
        ub_f,
    )
    L.link("ESTABLISHED_IN", ("orgs", unit_branch[ub]), ("orgs", units[ub]), ub_f)
    L.link(
        "SUBORDINATE_TO",
        ("orgs", unit_branch[ub]),
        ("orgs", np.full(len(ub), pt.dist_org)),
        ub_f,
    )

    # shops and businesses
    n_bz = np.where(pl.c_village, rng.integers(0, 2, nc), rng.poisson(2, nc))
    bz_comm = np.repeat(np.arange(nc), n_bz)
    nbz = len(bz_comm)
    bz_names = cat(
        stems[rng.integers(0, len(stems), nbz)],
        np.array(N.BUSINESS_TYPES)[rng.integers(0, len(N.BUSINESS_TYPES), nbz)],
    )
    bz_q = group_pick(rng, pl.q_comm, nc, bz_comm)
    bz_place = np.where(bz_q >= 0, pl.compounds[np.maximum(bz_q, 0)], pl.comms[bz_comm])
    business = L.add_orgs(
        bz_names, "business", bz_place, day_in_year(rng, rng.integers(2008, 2024, nbz))
    )
    return Actors(
        committee=committee,
        company=company,
        q_company=q_company,
        owners=owners,
        o_comm=o_comm,
        social=social,
        so_via_person=so_via_person,
        teams=teams,
        vt_comm=vt_comm,
        units=units,
        u_street=u_street,
        unit_branch=unit_branch,
        business=business,
        so_comm=so_comm,
    )
