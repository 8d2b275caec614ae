"""The demo's people (``People``): cadres, grid workers, building leaders, party members
and volunteers, and the people table with fake but well-formed personal data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from loaders import demo_names as N
from loaders import text_columns as T
from loaders.demo_actors import Actors
from loaders.demo_draw import Arr, Ledger, draw_since, group_pick
from loaders.demo_party import Party
from loaders.demo_places import Places


@dataclass(frozen=True)
class People:
    """People by role: cadres, grid workers, party members, and where everyone lives."""

    p_place: np.ndarray
    gw: np.ndarray
    gw_grid: np.ndarray
    pm: np.ndarray


def _people(L: Ledger, place: Arr, party: Arr, roles: Arr, comm: Arr) -> np.ndarray:
    n = len(place)
    return L.people.add(
        place=np.asarray(place, np.int64),
        party=np.broadcast_to(np.asarray(party, bool), (n,)).copy(),
        roles=np.broadcast_to(np.asarray(roles, np.int64), (n,)).copy(),
        comm=np.asarray(comm, np.int64),
    )


def _home(rng: np.random.Generator, pl: Places, comm: np.ndarray) -> np.ndarray:
    """A random building of each community (its grid or itself when it has none)."""
    b = group_pick(rng, pl.b_comm, pl.nc, comm)
    g = group_pick(rng, pl.g_comm, pl.nc, comm)
    return np.where(
        b >= 0,
        pl.buildings[np.maximum(b, 0)],
        np.where(g >= 0, pl.grids[np.maximum(g, 0)], pl.comms[comm]),
    )


def make_people(rng: np.random.Generator, L: Ledger, pl: Places, pt: Party, ac: Actors) -> People:
    """Cadres, grid workers, building leaders, party members and volunteers."""
    nc = pl.nc
    R = {
        r: 1 << i
        for i, r in enumerate(
            ("grid_worker", "building_leader", "volunteer", "cadre", "in_service_member")
        )
    }

    # community cadres
    n = np.where(pl.c_village, rng.integers(3, 6, nc), rng.integers(5, 10, nc))
    comm = np.repeat(np.arange(nc), n)
    party = rng.random(len(comm)) < 0.8
    cad = _people(
        L,
        pl.comms[comm],
        party,
        R["cadre"] | np.where(rng.random(len(comm)) < 0.3, R["volunteer"], 0),
        comm,
    )
    since = draw_since(rng, len(comm), (0.7, 0.1, 0.1, 0.1))
    L.link("HOLDS_ROLE", ("people", cad), ("orgs", ac.committee[comm]), since)
    L.link("MEMBER_OF", ("people", cad[party]), ("orgs", pt.upper[comm[party]]), since[party])
    # some social organizations are tied to the core only through one cadre
    via = ac.so_via_person
    c = group_pick(rng, comm, nc, ac.so_comm[via])
    L.link(
        "HOLDS_ROLE",
        ("people", np.where(c >= 0, cad[np.maximum(c, 0)], -1)),
        ("orgs", ac.social[via]),
        draw_since(rng, len(via), (0.3, 0.3, 0.2, 0.2)),
    )

    # grid workers: one per grid, a second in some
    ng = len(pl.grids)
    g = np.concatenate([np.arange(ng), np.flatnonzero(rng.random(ng) < 0.2)])
    party = rng.random(len(g)) < 0.6
    gw = _people(L, pl.grids[g], party, R["grid_worker"], pl.g_comm[g])
    L.link(
        "SERVES",
        ("people", gw),
        ("places", pl.grids[g]),
        draw_since(rng, len(g), (0.7, 0.1, 0.1, 0.1)),
    )
    gb = pt.grid_branch[g]
    org = np.where(gb >= 0, gb, pt.upper[pl.g_comm[g]])
    since = np.where(gb >= 0, pt.grid_since[g], draw_since(rng, len(g), (1, 0, 0, 0)))
    L.link("MEMBER_OF", ("people", gw[party]), ("orgs", org[party]), since[party])
    gw, gw_grid = gw, g

    # building leaders in most buildings
    b = np.flatnonzero(rng.random(len(pl.buildings)) < 0.6)
    party = rng.random(len(b)) < 0.55
    bl = _people(
        L,
        pl.buildings[b],
        party,
        R["building_leader"] | np.where(rng.random(len(b)) < 0.4, R["volunteer"], 0),
        pl.b_comm[b],
    )
    qg = np.where(pl.b_q[b] >= 0, pt.q_group[np.maximum(pl.b_q[b], 0)], -1)
    gb = pt.grid_branch[pl.b_grid[b]]
    org = np.where(qg >= 0, qg, np.where(gb >= 0, gb, pt.upper[pl.b_comm[b]]))
    qs = np.where(pl.b_q[b] >= 0, pt.q_group_since[np.maximum(pl.b_q[b], 0)], np.datetime64("NaT"))
    since = np.where(
        qg >= 0,
        qs,
        np.where(gb >= 0, pt.grid_since[pl.b_grid[b]], draw_since(rng, len(b), (1, 0, 0, 0))),
    )
    L.link("MEMBER_OF", ("people", bl[party]), ("orgs", org[party]), since[party])

    # resident party members
    n = np.round(pl.c_pop * 0.018 * rng.lognormal(0, 0.2, nc)).astype(np.int64)
    comm = np.repeat(np.arange(nc), n)
    home = _home(rng, pl, comm)
    pm = _people(L, home, True, np.where(rng.random(len(comm)) < 0.35, R["volunteer"], 0), comm)
    grid_of_home = np.full(L.places.n, -1)
    grid_of_home[pl.buildings] = pl.b_grid
    gb = pt.grid_branch[np.maximum(grid_of_home[home], 0)]
    gb = np.where(grid_of_home[home] >= 0, gb, -1)
    sb = pt.sub_branch[np.maximum(group_pick(rng, pt.sb_comm, nc, comm), 0)]
    has_sb = group_pick(rng, pt.sb_comm, nc, comm) >= 0
    u = rng.random(len(comm))
    org = np.where((u < 0.5) & (gb >= 0), gb, np.where((u < 0.75) & has_sb, sb, pt.upper[comm]))
    since = draw_since(rng, len(comm), (0.75, 0.09, 0.08, 0.08))
    L.link("MEMBER_OF", ("people", pm), ("orgs", org), since)
    # owners' committee directors who are party members (rising year by year)
    d = group_pick(rng, comm, nc, ac.o_comm)
    L.link(
        "HOLDS_ROLE",
        ("people", np.where(d >= 0, pm[np.maximum(d, 0)], -1)),
        ("orgs", ac.owners),
        draw_since(rng, len(d), (0.35, 0.2, 0.15, 0.1)),
    )

    # in-service party members: members of a unit of their street, reporting to home
    n = np.round(pl.c_pop * 0.008 * rng.lognormal(0, 0.3, nc)).astype(np.int64)
    comm = np.repeat(np.arange(nc), n)
    ism = _people(
        L,
        _home(rng, pl, comm),
        True,
        R["in_service_member"] | np.where(rng.random(len(comm)) < 0.2, R["volunteer"], 0),
        comm,
    )
    street_units = np.flatnonzero(ac.u_street >= 0)
    u = street_units[group_pick(rng, ac.u_street[street_units], len(pl.streets), pl.c_street[comm])]
    org = np.where(ac.unit_branch[u] >= 0, ac.unit_branch[u], ac.units[u])
    L.link("MEMBER_OF", ("people", ism), ("orgs", org), draw_since(rng, len(comm), (1, 0, 0, 0)))
    paired = rng.random(len(comm)) < 0.1
    target = np.where(paired, group_pick(rng, pl.c_street, nc, pl.c_street[comm]), comm)
    L.link(
        "REPORTS_TO",
        ("people", ism),
        ("places", pl.comms[target]),
        draw_since(rng, len(comm), (0.25, 0.25, 0.2, 0.15)),
    )

    # volunteers: long-registered ones carry the role; new recruits join a team
    n = np.round(pl.c_pop * 0.02 * rng.lognormal(0, 0.35, nc)).astype(np.int64)
    comm = np.repeat(np.arange(nc), n)
    join = draw_since(rng, len(comm), (0.6, 0.14, 0.13, 0.13))
    registered = join < np.datetime64("2022-01-01")
    vol = _people(L, _home(rng, pl, comm), False, np.where(registered, R["volunteer"], 0), comm)
    t = group_pick(rng, ac.vt_comm, nc, comm)
    left = rng.random(len(comm)) < 0.04
    until = np.where(
        left,
        join + rng.integers(200, 700, len(comm)).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    until = np.where(until > np.datetime64("2024-12-31"), np.datetime64("NaT"), until)
    L.link(
        "MEMBER_OF",
        ("people", vol),
        ("orgs", np.where(t >= 0, ac.teams[np.maximum(t, 0)], -1)),
        join,
        until.astype("datetime64[D]"),
    )
    # a few non-party volunteers also sit on owners' committees
    o = np.flatnonzero(rng.random(len(ac.owners)) < 0.3)
    d = group_pick(rng, comm, nc, ac.o_comm[o])
    L.link(
        "HOLDS_ROLE",
        ("people", np.where(d >= 0, vol[np.maximum(d, 0)], -1)),
        ("orgs", ac.owners[o]),
        draw_since(rng, len(o), (0.6, 0.15, 0.15, 0.1)),
    )
    p_place = L.people.get("place")
    return People(p_place=p_place, gw=gw, gw_grid=gw_grid, pm=pm)


def people_table(
    rng: np.random.Generator, L: Ledger, pp: People, person_id: pa.Array, place_id: pa.Array
) -> pd.DataFrame:
    """People with fake but well-formed names, mobile numbers and ID numbers."""
    rng, L = rng, L
    n = L.people.n
    w = 1 / (np.arange(len(N.SURNAMES)) + 4.0)
    given = [*N.GIVEN_CHARS]
    second = np.where(
        rng.random(n) < 0.7, rng.integers(0, len(given), n), len(given)
    )  # 30% have a one-character given name
    names = T.join(
        T.take(N.SURNAMES, rng.choice(len(N.SURNAMES), n, p=w / w.sum())),
        T.take(given, rng.integers(0, len(given), n)),
        T.take([*given, ""], second),
    )

    phone = np.empty((n, 11), np.uint8)
    prefixes = np.frombuffer("".join(N.PHONE_PREFIXES).encode(), np.uint8).reshape(-1, 3)
    phone[:, :3] = prefixes[rng.integers(0, len(prefixes), n)]
    T.digits(rng.integers(0, 10**8, n), 8, phone[:, 3:])

    idn = np.empty((n, 18), np.uint8)
    regions = np.frombuffer("".join(N.REGION_CODES).encode(), np.uint8).reshape(-1, 6)
    rp = np.full(len(regions), 0.3 / (len(regions) - 1))
    rp[0] = 0.7  # most people were born in the district
    idn[:, :6] = regions[rng.choice(len(regions), n, p=rp)]
    birth = np.datetime64("1940-01-01") + rng.integers(0, 64 * 365, n)
    y, m, d = T.civil(birth.astype(np.int64))
    T.digits(y, 4, idn[:, 6:10])
    T.digits(m, 2, idn[:, 10:12])
    T.digits(d, 2, idn[:, 12:14])
    T.digits(rng.integers(0, 1000, n), 3, idn[:, 14:17])
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.frombuffer(b"10X98765432", np.uint8)
    idn[:, 17] = check[((idn[:, :17].astype(np.int64) - 48) @ weights) % 11]

    order = ("grid_worker", "building_leader", "volunteer", "cadre", "in_service_member")
    lookup = [";".join(r for i, r in enumerate(order) if mask >> i & 1) for mask in range(32)]
    bits = L.people.get("roles")
    return pd.DataFrame(
        {
            "id": T.series(person_id),
            "name": T.series(names),
            "place_id": T.series(T.take(place_id, pp.p_place)),
            "party_member": pd.array(L.people.get("party"), dtype="boolean"),
            "roles": T.series(T.take(lookup, np.where(bits > 0, bits, -1))),
            "phone": T.series(T.from_matrix(phone)),
            "id_number": T.series(T.from_matrix(idn)),
        }
    )
