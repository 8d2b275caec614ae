"""The demo's matters and resources (``Matters``): needs over three years, claimed, replied
to and closed at rising rates, and resources on offer, with gaps planted per street."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import demo_names as N
from loaders import text_columns as T
from loaders.demo_actors import Actors
from loaders.demo_draw import Ledger, cat, day_in_year, group_pick
from loaders.demo_party import Party
from loaders.demo_people import People
from loaders.demo_places import Places

YEARS: tuple[int, ...] = (2022, 2023, 2024)
DOMAIN_KEYS: tuple[str, ...] = tuple(N.MATTER_TITLES)
GAP_DOMAINS: tuple[str, ...] = ("childcare", "legal", "employment", "health", "elderly_care")
END = np.datetime64("2024-12-31T23:59:59", "s")  # the demo ledger is "as of" this moment


@dataclass(frozen=True)
class Matters:
    """Matters and resources as columns (filled into tables at the end)."""

    m_handler_org: np.ndarray
    m_handler_person: np.ndarray
    matters: dict[str, np.ndarray]
    resources: dict[str, np.ndarray]
    rk: tuple[str, ...]


def make_matters_and_resources(
    rng: np.random.Generator, L: Ledger, pl: Places, pt: Party, ac: Actors, pp: People
) -> Matters:
    """Needs and matters over the three years, and the resources on offer."""
    nc = pl.nc
    ns = len(pl.streets)
    nd = len(DOMAIN_KEYS)
    d_index = {d: i for i, d in enumerate(DOMAIN_KEYS)}
    org_place = L.orgs.get("place")

    # resources: (provider table, provider index, place, domain index, kind)
    rk = ("venue", "funding", "service", "expertise", "supplies", "jobs")
    parts: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def offer(
        table: str, who: np.ndarray, place: np.ndarray, domains: list[str], kinds: list[str]
    ) -> None:
        n = len(who)
        dom = np.array([d_index[d] for d in domains])[rng.integers(0, len(domains), n)]
        kind = np.array([rk.index(k) for k in kinds])[rng.integers(0, len(kinds), n)]
        parts.append((table, who, place, dom, kind))

    everything = list(DOMAIN_KEYS)
    offer("orgs", ac.committee, org_place[ac.committee], ["culture", "other"], ["venue"])
    u2 = np.repeat(ac.units, 2)
    street_unit = np.repeat(ac.u_street, 2) >= 0
    offer(
        "orgs",
        u2[street_unit],
        org_place[u2[street_unit]],
        everything,
        ["funding", "jobs", "expertise", "venue", "supplies"],
    )
    offer(
        "orgs",
        u2[~street_unit],
        org_place[u2[~street_unit]],
        ["culture", "safety", "environment", "repair", "other"],
        ["funding", "supplies"],
    )
    so_n = np.repeat(np.arange(len(ac.social)), rng.integers(1, 4, len(ac.social)))
    offer(
        "orgs",
        ac.social[so_n],
        org_place[ac.social[so_n]],
        everything,
        ["service", "expertise"],
    )
    offer(
        "orgs",
        ac.teams,
        org_place[ac.teams],
        ["environment", "safety", "elderly_care", "culture", "other"],
        ["service"],
    )
    offer(
        "orgs",
        ac.company,
        org_place[ac.company],
        ["repair", "repair", "safety"],
        ["service"],
    )
    offer(
        "orgs",
        ac.business,
        org_place[ac.business],
        ["employment", "other"],
        ["jobs", "supplies"],
    )
    ex = pp.pm[rng.random(len(pp.pm)) < 0.03]
    offer("people", ex, pp.p_place[ex], ["legal", "health", "repair", "other"], ["expertise"])
    r_table = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])
    r_who = np.concatenate([p[1] for p in parts])
    r_place = np.concatenate([p[2] for p in parts])
    r_dom = np.concatenate([p[3] for p in parts])
    r_kind = np.concatenate([p[4] for p in parts])
    r_street = pl.street_of[r_place]
    # each street lacks one domain entirely: its needs there stay unmatched
    gap = np.array([d_index[d] for d in GAP_DOMAINS])[rng.integers(0, len(GAP_DOMAINS), ns)]
    in_gap = (r_street >= 0) & (r_dom == gap[np.maximum(r_street, 0)])
    r_dom = np.where(in_gap, d_index["other"], r_dom)

    # matters: per community and year, more of them and handled better each year
    activity = rng.lognormal(0, 0.3, nc)
    quality = np.clip(rng.normal(0, 0.07, nc), -0.2, 0.1)
    rate = {2022: 6.0, 2023: 7.0, 2024: 8.0}
    p_claim1 = {2022: 0.68, 2023: 0.8, 2024: 0.9}
    p_close = {2022: 0.84, 2023: 0.89, 2024: 0.93}
    p_close7 = {2022: 0.6, 2023: 0.73, 2024: 0.85}
    comm_l, year_l = [], []
    for y in YEARS:
        n = rng.poisson(pl.c_pop / 1000 * rate[y] * activity)
        comm_l.append(np.repeat(np.arange(nc), n))
        year_l.append(np.full(n.sum(), y))
    comm, year = np.concatenate(comm_l), np.concatenate(year_l)
    nm = len(comm)
    where = rng.choice(3, nm, p=[0.45, 0.25, 0.3])  # grid, compound, community
    g = group_pick(rng, pl.g_comm, nc, comm)
    q = group_pick(rng, pl.q_comm, nc, comm)
    in_grid = (where == 0) & (g >= 0)
    in_q = (where == 1) & (q >= 0)
    m_place = np.where(
        in_grid,
        pl.grids[np.maximum(g, 0)],
        np.where(in_q, pl.compounds[np.maximum(q, 0)], pl.comms[comm]),
    )
    dom_p = np.array([0.12, 0.06, 0.1, 0.15, 0.07, 0.08, 0.08, 0.08, 0.2, 0.06])
    dom = rng.choice(nd, nm, p=dom_p / dom_p.sum())
    titles = [np.array(N.MATTER_TITLES[d]) for d in DOMAIN_KEYS]
    flat = np.concatenate(titles)
    lens = np.array([len(t) for t in titles])
    offs = np.cumsum(lens) - lens
    title = flat[offs[dom] + np.floor(rng.random(nm) * lens[dom]).astype(np.int64)]
    place_names = L.places.get("name")
    m_title = cat(place_names[m_place], title)

    def per_year(table: dict[int, float]) -> np.ndarray:
        return np.select([year == y for y in YEARS], [table[y] for y in YEARS])

    sec = np.timedelta64(1, "s")
    submitted = (
        day_in_year(rng, year).astype("datetime64[s]")
        + (rng.integers(8 * 3600, 20 * 3600, nm) // 60 * 60) * sec
    )
    q_ = quality[comm]
    claimed_ok = rng.random(nm) < 0.96
    fast = rng.random(nm) < per_year(p_claim1) + q_
    claim_h = np.where(fast, rng.uniform(0.2, 23.5, nm), rng.uniform(24.5, 120, nm))
    claimed = submitted + (claim_h * 60).astype(np.int64) * 60 * sec
    claimed_ok &= claimed <= END
    close_ok = claimed_ok & (rng.random(nm) < per_year(p_close) + q_)
    fast7 = rng.random(nm) < per_year(p_close7) + q_
    close_d = np.where(fast7, rng.uniform(0.1, 6.9, nm), rng.uniform(7.2, 40, nm))
    closed = np.maximum(
        submitted + (close_d * 24 * 60).astype(np.int64) * 60 * sec, claimed + 3600 * sec
    )
    close_ok &= closed <= END
    nat = np.datetime64("NaT", "s")
    claimed = np.where(claimed_ok, claimed, nat)
    closed = np.where(close_ok, closed, nat)
    status = np.where(
        close_ok,
        "closed",
        np.where(claimed_ok, np.where(rng.random(nm) < 0.5, "claimed", "in_progress"), "submitted"),
    )

    # handlers: the committee, the grid worker, the property company or a social org
    h = rng.choice(4, nm, p=[0.45, 0.3, 0.15, 0.1])
    gw_by_grid = np.full(len(pl.grids), -1)
    gw_by_grid[pp.gw_grid[::-1]] = pp.gw[::-1]
    gw = np.where(in_grid, gw_by_grid[np.maximum(g, 0)], -1)
    co = np.where(in_q, ac.q_company[np.maximum(q, 0)], -1)
    so = group_pick(rng, pl.c_street[ac.so_comm], ns, pl.c_street[comm])
    so = np.where(so >= 0, ac.social[np.maximum(so, 0)], -1)
    h_org = np.select([(h == 2) & (co >= 0), (h == 3) & (so >= 0)], [co, so], ac.committee[comm])
    by_person = (h == 1) & (gw >= 0)
    m_handler_org = np.where(claimed_ok & ~by_person, h_org, -1)
    m_handler_person = np.where(claimed_ok & by_person, gw, -1)

    # joint deliberation (三级联议) on some matters
    mi = np.flatnonzero(rng.random(nm) < 0.08)
    for who in (pt.core[comm[mi]], ac.committee[comm[mi]], co[mi]):
        L.link(
            "PARTICIPATES_IN",
            ("orgs", who),
            ("matters", mi),
            submitted[mi].astype("datetime64[D]"),
        )

    # resources fulfil claimed matters of their street and domain
    m_street = pl.c_street[comm]
    fi = np.flatnonzero(claimed_ok & (rng.random(nm) < 0.6))
    ok_r = r_street >= 0
    key_r = np.where(ok_r, r_street * nd + r_dom, -1)
    rr = np.flatnonzero(ok_r)
    pick = group_pick(rng, key_r[rr], ns * nd, m_street[fi] * nd + dom[fi])
    fr = np.where(pick >= 0, rr[np.maximum(pick, 0)], -1)
    L.link("FULFILLS", ("resources", fr), ("matters", fi), claimed[fi].astype("datetime64[D]"))
    used = np.bincount(fr[fr >= 0], minlength=len(r_who))
    capacity = used + rng.integers(0, 6, len(r_who))
    capacity = np.maximum(capacity, 1)

    matters = dict(
        place=m_place,
        domain=dom,
        title=m_title,
        status=status,
        submitted=submitted,
        claimed=claimed,
        closed=closed,
    )
    resources = dict(
        table=r_table, who=r_who, place=r_place, domain=r_dom, kind=r_kind, capacity=capacity
    )
    return Matters(
        m_handler_org=m_handler_org,
        m_handler_person=m_handler_person,
        matters=matters,
        resources=resources,
        rk=rk,
    )


def resources_table(
    rng: np.random.Generator, mr: Matters, ids: dict[str, pa.Array], org_names: np.ndarray
) -> pd.DataFrame:
    Rs = mr.resources
    by_org = Rs["table"] == "orgs"
    provider = pc.coalesce(
        T.take(ids["orgs"], np.where(by_org, Rs["who"], -1)),
        T.take(ids["people"], np.where(by_org, -1, Rs["who"])),
    )
    pool = [np.array(N.RESOURCE_NAMES[d]) for d in DOMAIN_KEYS]
    lens = np.array([len(p) for p in pool])
    offs = np.cumsum(lens) - lens
    dom = Rs["domain"]
    what = np.concatenate(pool)[offs[dom] + (rng.random(len(dom)) * lens[dom]).astype(int)]
    who = np.where(by_org, org_names[np.where(by_org, Rs["who"], 0)], "党员志愿")
    return pd.DataFrame(
        {
            "id": T.series(ids["resources"]),
            "name": T.series(pa.array(cat(who, "·", what))),
            "kind": T.series(T.take(mr.rk, Rs["kind"])),
            "domain": T.series(T.take(DOMAIN_KEYS, dom)),
            "provider_id": T.series(provider),
            "place_id": T.series(T.take(ids["places"], Rs["place"])),
            "capacity": pd.array(Rs["capacity"], dtype="Int64"),
        }
    )


def replies_and_major(rng: np.random.Generator, mr: Matters) -> tuple[np.ndarray, np.ndarray]:
    """``replied_at`` and ``major`` of every matter (the 3 and the 1-month 1 of 13710).

    About one matter in ten is major, more often among those that took over a week to close
    (a major matter takes longer), so ordinary matters closed late and major matters closed
    within or after a month all occur. Most claimed matters get a progress report, on time
    (within 3 calendar days) more often each year; a matter closed before its report needs
    none. Drawn after every other column so they leave the rest of the ledger as it was.
    """
    M = mr.matters
    submitted, claimed, closed = M["submitted"], M["claimed"], M["closed"]
    n = len(submitted)
    day = np.timedelta64(1, "D")
    took = (closed.astype("datetime64[D]") - submitted.astype("datetime64[D]")) / day
    slow = ~np.isnat(closed) & (took > 7)
    major = rng.random(n) < np.where(slow, 0.35, 0.05)

    year = submitted.astype("datetime64[Y]").astype(np.int64) + 1970
    p_on_time = np.select([year == y for y in YEARS], [0.72, 0.8, 0.88])
    on_time = rng.random(n) < p_on_time
    hours = np.where(on_time, rng.uniform(2, 70, n), rng.uniform(76, 240, n))
    replied = claimed + (hours * 3600).astype(np.int64) * np.timedelta64(1, "s")
    keep = ~np.isnat(claimed) & (rng.random(n) < 0.85) & (replied <= END)
    keep &= np.isnat(closed) | (replied < closed)
    return np.where(keep, replied, np.datetime64("NaT", "s")), major
