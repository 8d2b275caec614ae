"""The demo's places: streets and towns, communities and villages, grids, compounds,
buildings and venues, with the facts the later layers draw on (``Places``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from loaders import demo_names as N
from loaders import text_columns as T
from loaders.demo_draw import Arr, Ledger, cat, group_pick, rank


@dataclass(frozen=True)
class Places:
    """The places layer: place indices (into ``L.places``) and facts later layers draw on."""

    district: int
    streets: np.ndarray
    street_is_town: np.ndarray
    street_names: np.ndarray
    c_pop: np.ndarray
    comms: np.ndarray
    nc: int
    grids: np.ndarray
    compounds: np.ndarray
    q_grid: np.ndarray
    q_managed: np.ndarray
    buildings: np.ndarray
    b_comm: np.ndarray
    b_q: np.ndarray
    b_grid: np.ndarray
    c_venue: np.ndarray
    street_of: np.ndarray
    c_street: np.ndarray
    c_village: np.ndarray
    c_names: np.ndarray
    g_comm: np.ndarray
    g_names: np.ndarray
    q_comm: np.ndarray
    q_names: np.ndarray


def _place(
    L: Ledger,
    prefix: str,
    names: Arr,
    kinds: Arr,
    parent: Arr,
    lat: Arr | None = None,
    lon: Arr | None = None,
) -> np.ndarray:
    n = len(names)
    nan = np.full(n, np.nan)
    idx = L.places.add(
        id=T.numbered(prefix, n).to_numpy(zero_copy_only=False).astype(str),
        name=np.asarray(names).astype(str),
        kind=np.broadcast_to(np.asarray(kinds), (n,)).astype(str),
        parent=np.asarray(parent, dtype=np.int64),
        lat=nan if lat is None else np.round(lat, 6),
        lon=nan if lon is None else np.round(lon, 6),
    )
    return idx


def make_places(rng: np.random.Generator, k: int, scale: str, L: Ledger) -> Places:
    """Streets and towns, communities and villages, grids, compounds, buildings, venues."""
    stems = np.array(N.STEMS)
    name = N.DISTRICT if k == 1 else f"{N.DISTRICT}（{scale}规模演示）"
    district = _place(L, "D", [name], "district", [-1], [34.724], [113.626])[0]

    # streets and towns: the 16 real names, then generated ones for larger scales
    ns = 16 * k
    base = [s for s, _ in N.STREETS]
    is_town = np.array([t for _, t in N.STREETS] * k)
    extra = np.arange(ns - 16)
    ex_stem = stems[(extra * 7) % len(stems)]
    ex_round = extra // len(stems)
    ex_suffix = np.where(is_town[16:], N.EXTRA_TOWN_SUFFIX, N.EXTRA_STREET_SUFFIX)
    ex_names = cat(ex_stem, np.where(ex_round > 0, cat("第", ex_round + 1), ""), ex_suffix)
    s_names = np.concatenate([np.array(base), ex_names]) if ns > 16 else np.array(base)
    spread = 0.035 * np.sqrt(k)
    s_lat = 34.724 + rng.normal(0, spread, ns)
    s_lon = 113.626 + rng.normal(0, spread, ns)
    streets = _place(
        L,
        "S",
        s_names,
        np.where(is_town, "town", "street"),
        np.full(ns, district),
        s_lat,
        s_lon,
    )
    street_is_town = is_town
    street_names = s_names

    # communities and villages
    n_comm = np.where(is_town, rng.integers(1, 3, ns), rng.integers(7, 12, ns))
    n_vill = np.where(is_town, rng.integers(8, 15, ns), 0)
    c_street = np.concatenate([np.repeat(np.arange(ns), n_comm), np.repeat(np.arange(ns), n_vill)])
    order = np.argsort(c_street, kind="stable")
    c_street = c_street[order]
    c_village = np.concatenate([np.zeros(n_comm.sum(), bool), np.ones(n_vill.sum(), bool)])[order]
    nc = len(c_street)
    perm = rng.permutation(nc)
    c_stem = stems[perm % len(stems)]
    c_round = perm // len(stems)
    c_names = cat(
        c_stem,
        np.where(c_round > 0, (c_round + 1).astype(str), ""),
        np.where(c_village, N.VILLAGE_SUFFIX, N.COMMUNITY_SUFFIX),
    )
    pop = np.where(
        c_village,
        rng.lognormal(np.log(2500), 0.35, nc),
        rng.lognormal(np.log(6000), 0.45, nc),
    )
    c_pop = np.clip(pop, 800, 22000).round().astype(np.int64)
    c_lat = s_lat[c_street] + rng.normal(0, 0.008, nc)
    c_lon = s_lon[c_street] + rng.normal(0, 0.008, nc)
    comms = _place(
        L,
        "C",
        c_names,
        np.where(c_village, "village", "community"),
        streets[c_street],
        c_lat,
        c_lon,
    )
    c_street, c_village, c_names = c_street, c_village, c_names

    # grids
    n_grid = np.where(
        c_village,
        rng.integers(3, 8, nc),
        np.clip(np.round(c_pop / 600 + rng.normal(0, 1, nc)), 4, 20).astype(np.int64),
    )
    g_comm = np.repeat(np.arange(nc), n_grid)
    g_no = rank(g_comm) + 1
    g_names = cat(c_names[g_comm], "第", g_no, "网格")
    grids = _place(L, "G", g_names, "grid", comms[g_comm])
    g_comm, g_names = g_comm, g_names

    # compounds: each in one grid of its community (the grid COVERS it)
    n_cp = np.where(c_village, rng.integers(0, 3, nc), rng.poisson(5, nc) + 1)
    q_comm = np.repeat(np.arange(nc), n_cp)
    nq = len(q_comm)
    q_names = cat(
        stems[rng.integers(0, len(stems), nq)],
        np.array(N.COMPOUND_SUFFIXES)[rng.integers(0, len(N.COMPOUND_SUFFIXES), nq)],
    )
    q_lat = c_lat[q_comm] + rng.normal(0, 0.003, nq)
    q_lon = c_lon[q_comm] + rng.normal(0, 0.003, nq)
    compounds = _place(L, "Q", q_names, "compound", comms[q_comm], q_lat, q_lon)
    q_comm, q_names = q_comm, q_names
    q_grid = group_pick(rng, g_comm, nc, q_comm)  # grid index (local)
    q_old = rng.random(nq) < 0.3  # 老旧小区
    p_prop = np.where(c_village[q_comm], 0.6, np.where(q_old, 0.45, 0.9))
    q_managed = rng.random(nq) < p_prop
    L.link(
        "COVERS",
        ("places", grids[q_grid]),
        ("places", compounds),
        np.full(nq, np.datetime64("2019-01-01"), "datetime64[D]"),
    )

    # buildings: in compounds, plus scattered buildings directly under a grid
    n_b = rng.poisson(7, nq) + 2
    bq = np.repeat(np.arange(nq), n_b)
    b_names = cat(q_names[bq], rank(bq) + 1, "号楼")
    n_sb = np.where(c_village[g_comm], 0, rng.integers(0, 3, len(g_comm)))
    sb_g = np.repeat(np.arange(len(g_comm)), n_sb)
    sb_names = cat(g_names[sb_g], "散居楼院", rank(sb_g) + 1, "号")
    buildings = _place(
        L,
        "B",
        np.concatenate([b_names, sb_names]),
        "building",
        np.concatenate([compounds[bq], grids[sb_g]]),
    )
    b_comm = np.concatenate([q_comm[bq], g_comm[sb_g]])
    b_q = np.concatenate([bq, np.full(len(sb_g), -1)])
    b_grid = np.concatenate([q_grid[bq], sb_g])
    L.link(
        "COVERS",
        ("places", grids[sb_g]),
        ("places", buildings[len(bq) :]),
        np.full(len(sb_g), np.datetime64("2019-01-01"), "datetime64[D]"),
    )

    # venues: party-mass service centres at every level, practice stations, service posts
    v_civ = rng.random(nc) < 0.25
    v_red = rng.random(nq) < 0.12
    v_names = np.concatenate(
        [
            [f"{N.DISTRICT}党群服务中心"],
            cat(s_names, "党群服务中心"),
            cat(c_names, "党群服务中心"),
            cat(c_names[v_civ], "新时代文明实践站"),
            cat(q_names[v_red], "红色物业服务站"),
        ]
    )
    v_parent = np.concatenate([[district], streets, comms, comms[v_civ], compounds[v_red]])
    v_lat = np.concatenate([[34.724], s_lat, c_lat, c_lat[v_civ], q_lat[v_red]])
    v_lon = np.concatenate([[113.626], s_lon, c_lon, c_lon[v_civ], q_lon[v_red]])
    venues = _place(L, "V", v_names, "venue", v_parent, v_lat, v_lon)
    c_venue = venues[1 + ns : 1 + ns + nc]  # each community's 党群服务中心

    # global place index → street (local index), -1 above street level
    n_places = L.places.n
    street_of = np.full(n_places, -1)
    street_of[streets] = np.arange(ns)
    street_of[comms] = c_street
    street_of[grids] = c_street[g_comm]
    street_of[compounds] = c_street[q_comm]
    street_of[buildings] = c_street[b_comm]
    street_of[venues] = np.concatenate(
        [[-1], np.arange(ns), c_street, c_street[v_civ], c_street[q_comm[v_red]]]
    )
    return Places(
        district=district,
        streets=streets,
        street_is_town=street_is_town,
        street_names=street_names,
        c_pop=c_pop,
        comms=comms,
        nc=nc,
        grids=grids,
        compounds=compounds,
        q_grid=q_grid,
        q_managed=q_managed,
        buildings=buildings,
        b_comm=b_comm,
        b_q=b_q,
        b_grid=b_grid,
        c_venue=c_venue,
        street_of=street_of,
        c_street=c_street,
        c_village=c_village,
        c_names=c_names,
        g_comm=g_comm,
        g_names=g_names,
        q_comm=q_comm,
        q_names=q_names,
    )
