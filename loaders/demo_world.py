"""The demo district itself: places, party organizations, actors, people, matters and
resources of a 二七区-like district, drawn layer by layer with numpy.

The story is a three-year plan: links carry ``since`` dates so that, as of 2022, fewer party
organizations reach grids, compounds, property companies and social organizations than as
of 2024, and closure and on-time rates of matters rise year by year. Weak spots are planted
on purpose so every metric has something to find: communities without a core, property
companies never led, isolated social organizations, needs in domains no resource of the
street covers, actors led only through one grid branch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import LINK_TYPES, PARTY_ORG_KINDS
from loaders import demo_names as N
from loaders import text_columns as T
from loaders.demo_draw import Arr, Ledger, cat, day_in_year, draw_since, group_pick, rank

YEARS: tuple[int, ...] = (2022, 2023, 2024)
DOMAIN_KEYS: tuple[str, ...] = tuple(N.MATTER_TITLES)
GAP_DOMAINS: tuple[str, ...] = ("childcare", "legal", "employment", "health", "elderly_care")
END = np.datetime64("2024-12-31T23:59:59", "s")  # the demo ledger is "as of" this moment


class Generator:
    """One run of the demo generator; each method adds one layer of the district."""

    def __init__(self, factor: int, scale: str, rng: np.random.Generator) -> None:
        self.k = factor
        self.scale = scale
        self.rng = rng
        self.L = Ledger()

    # -- places ---------------------------------------------------------------------------
    def run(self) -> dict[str, pd.DataFrame]:
        self.make_places()
        self.make_party()
        self.make_actors()
        self.make_people()
        self.make_matters_and_resources()
        return self.tables()

    def _place(
        self,
        prefix: str,
        names: Arr,
        kinds: Arr,
        parent: Arr,
        lat: Arr | None = None,
        lon: Arr | None = None,
    ) -> np.ndarray:
        n = len(names)
        nan = np.full(n, np.nan)
        idx = self.L.places.add(
            id=T.numbered(prefix, n).to_numpy(zero_copy_only=False).astype(str),
            name=np.asarray(names).astype(str),
            kind=np.broadcast_to(np.asarray(kinds), (n,)).astype(str),
            parent=np.asarray(parent, dtype=np.int64),
            lat=nan if lat is None else np.round(lat, 6),
            lon=nan if lon is None else np.round(lon, 6),
        )
        return idx

    def make_places(self) -> None:
        rng, k = self.rng, self.k
        stems = np.array(N.STEMS)
        name = N.DISTRICT if k == 1 else f"{N.DISTRICT}（{self.scale}规模演示）"
        self.district = self._place("D", [name], "district", [-1], [34.724], [113.626])[0]

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
        self.streets = self._place(
            "S",
            s_names,
            np.where(is_town, "town", "street"),
            np.full(ns, self.district),
            s_lat,
            s_lon,
        )
        self.street_is_town = is_town
        self.street_names = s_names

        # communities and villages
        n_comm = np.where(is_town, rng.integers(1, 3, ns), rng.integers(7, 12, ns))
        n_vill = np.where(is_town, rng.integers(8, 15, ns), 0)
        c_street = np.concatenate(
            [np.repeat(np.arange(ns), n_comm), np.repeat(np.arange(ns), n_vill)]
        )
        order = np.argsort(c_street, kind="stable")
        c_street = c_street[order]
        c_village = np.concatenate([np.zeros(n_comm.sum(), bool), np.ones(n_vill.sum(), bool)])[
            order
        ]
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
        self.c_pop = np.clip(pop, 800, 22000).round().astype(np.int64)
        c_lat = s_lat[c_street] + rng.normal(0, 0.008, nc)
        c_lon = s_lon[c_street] + rng.normal(0, 0.008, nc)
        self.comms = self._place(
            "C",
            c_names,
            np.where(c_village, "village", "community"),
            self.streets[c_street],
            c_lat,
            c_lon,
        )
        self.c_street, self.c_village, self.c_names = c_street, c_village, c_names
        self.nc = nc

        # grids
        n_grid = np.where(
            c_village,
            rng.integers(3, 8, nc),
            np.clip(np.round(self.c_pop / 600 + rng.normal(0, 1, nc)), 4, 20).astype(np.int64),
        )
        g_comm = np.repeat(np.arange(nc), n_grid)
        g_no = rank(g_comm) + 1
        g_names = cat(c_names[g_comm], "第", g_no, "网格")
        self.grids = self._place("G", g_names, "grid", self.comms[g_comm])
        self.g_comm, self.g_names = g_comm, g_names

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
        self.compounds = self._place("Q", q_names, "compound", self.comms[q_comm], q_lat, q_lon)
        self.q_comm, self.q_names = q_comm, q_names
        self.q_grid = group_pick(rng, g_comm, nc, q_comm)  # grid index (local)
        self.q_old = rng.random(nq) < 0.3  # 老旧小区
        p_prop = np.where(c_village[q_comm], 0.6, np.where(self.q_old, 0.45, 0.9))
        self.q_managed = rng.random(nq) < p_prop
        self.L.link(
            "COVERS",
            ("places", self.grids[self.q_grid]),
            ("places", self.compounds),
            np.full(nq, np.datetime64("2019-01-01"), "datetime64[D]"),
        )

        # buildings: in compounds, plus scattered buildings directly under a grid
        n_b = rng.poisson(7, nq) + 2
        b_q = np.repeat(np.arange(nq), n_b)
        b_names = cat(q_names[b_q], rank(b_q) + 1, "号楼")
        n_sb = np.where(c_village[g_comm], 0, rng.integers(0, 3, len(g_comm)))
        sb_g = np.repeat(np.arange(len(g_comm)), n_sb)
        sb_names = cat(g_names[sb_g], "散居楼院", rank(sb_g) + 1, "号")
        self.buildings = self._place(
            "B",
            np.concatenate([b_names, sb_names]),
            "building",
            np.concatenate([self.compounds[b_q], self.grids[sb_g]]),
        )
        self.b_comm = np.concatenate([q_comm[b_q], g_comm[sb_g]])
        self.b_q = np.concatenate([b_q, np.full(len(sb_g), -1)])
        self.b_grid = np.concatenate([self.q_grid[b_q], sb_g])
        self.L.link(
            "COVERS",
            ("places", self.grids[sb_g]),
            ("places", self.buildings[len(b_q) :]),
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
        v_parent = np.concatenate(
            [[self.district], self.streets, self.comms, self.comms[v_civ], self.compounds[v_red]]
        )
        v_lat = np.concatenate([[34.724], s_lat, c_lat, c_lat[v_civ], q_lat[v_red]])
        v_lon = np.concatenate([[113.626], s_lon, c_lon, c_lon[v_civ], q_lon[v_red]])
        venues = self._place("V", v_names, "venue", v_parent, v_lat, v_lon)
        self.c_venue = venues[1 + ns : 1 + ns + nc]  # each community's 党群服务中心

        # global place index → street (local index), -1 above street level
        n_places = self.L.places.n
        street_of = np.full(n_places, -1)
        street_of[self.streets] = np.arange(ns)
        street_of[self.comms] = c_street
        street_of[self.grids] = c_street[g_comm]
        street_of[self.compounds] = c_street[q_comm]
        street_of[self.buildings] = c_street[self.b_comm]
        street_of[venues] = np.concatenate(
            [[-1], np.arange(ns), c_street, c_street[v_civ], c_street[q_comm[v_red]]]
        )
        self.street_of = street_of
        comm_of = np.full(n_places, -1)
        comm_of[self.comms] = np.arange(nc)
        comm_of[self.grids] = g_comm
        comm_of[self.compounds] = q_comm
        comm_of[self.buildings] = self.b_comm
        comm_of[venues] = np.concatenate(
            [np.full(1 + ns, -1), np.arange(nc), np.flatnonzero(v_civ), q_comm[v_red]]
        )
        self.comm_of = comm_of

    # -- party organizations --------------------------------------------------------------
    def make_party(self) -> None:
        rng, L, nc = self.rng, self.L, self.nc
        ns = len(self.streets)
        old = np.datetime64("2010-07-01", "D")

        self.dist_org = L.add_orgs(
            ["中共郑州市二七区委员会"], "party_committee", [self.district], [old]
        )[0]
        s_kind = np.where(self.street_is_town, "party_committee", "party_working_committee")
        s_org_names = np.where(
            self.street_is_town,
            cat("中共二七区", self.street_names, "委员会"),
            cat("中共二七区", self.street_names, "工作委员会"),
        )
        self.s_org = L.add_orgs(s_org_names, s_kind, self.streets, np.full(ns, old))
        L.link(
            "SUBORDINATE_TO",
            ("orgs", self.s_org),
            ("orgs", np.full(ns, self.dist_org)),
            np.full(ns, old),
        )

        # community cores; a few communities have none (a planted weak spot)
        n_none = max(2, round(0.04 * nc))
        has_core = np.ones(nc, bool)
        has_core[rng.choice(nc, n_none, replace=False)] = False
        kind = np.where(
            self.c_pop > 8000,
            "party_committee",
            np.where(self.c_pop > 4000, "party_general_branch", "party_branch"),
        )
        kind = np.where(self.c_village & (self.c_pop <= 3500), "party_branch", kind)
        suffix = np.where(
            kind == "party_committee",
            "委员会",
            np.where(kind == "party_general_branch", "总支部委员会", "支部委员会"),
        )
        ci = np.flatnonzero(has_core)
        founded = day_in_year(rng, rng.integers(2005, 2018, len(ci)))
        cores = L.add_orgs(
            cat("中共", self.c_names[ci], suffix[ci]), kind[ci], self.comms[ci], founded
        )
        self.core = np.full(nc, -1)
        self.core[ci] = cores
        L.link("SUBORDINATE_TO", ("orgs", cores), ("orgs", self.s_org[self.c_street[ci]]), founded)
        # the organization above a community's own organizations: its core, else the street's
        self.upper = np.where(has_core, self.core, self.s_org[self.c_street])
        self.has_core = has_core

        # numbered branches under committees and general branches
        n_sub = np.where(
            kind == "party_committee", 3, np.where(kind == "party_general_branch", 2, 0)
        )
        n_sub = np.where(has_core, n_sub, 0)
        sb_c = np.repeat(np.arange(nc), n_sub)
        sb_no = np.array(list("一二三"))[rank(sb_c)]
        sb_f = day_in_year(rng, rng.integers(2008, 2020, len(sb_c)))
        self.sub_branch = L.add_orgs(
            cat("中共", self.c_names[sb_c], "第", sb_no, "支部委员会"),
            "party_branch",
            self.comms[sb_c],
            sb_f,
        )
        self.sb_comm = sb_c
        L.link("SUBORDINATE_TO", ("orgs", self.sub_branch), ("orgs", self.core[sb_c]), sb_f)

        # grid branches: older ones sit in their grid; new ones (2022+) are registered at the
        # community's service centre and ESTABLISHED_IN the grid, so coverage grows by year
        ng = len(self.grids)
        g_since = draw_since(rng, ng, (0.55, 0.13, 0.12, 0.10))
        gi = np.flatnonzero(~np.isnat(g_since))
        new = g_since[gi] >= np.datetime64("2022-01-01")
        g_place = np.where(new, self.c_venue[self.g_comm[gi]], self.grids[gi])
        self.grid_branch = np.full(ng, -1)
        self.grid_branch[gi] = L.add_orgs(
            cat("中共", self.g_names[gi], "支部委员会"), "party_branch", g_place, g_since[gi]
        )
        self.grid_since = g_since
        L.link(
            "ESTABLISHED_IN",
            ("orgs", self.grid_branch[gi[new]]),
            ("places", self.grids[gi[new]]),
            g_since[gi[new]],
        )
        L.link(
            "SUBORDINATE_TO",
            ("orgs", self.grid_branch[gi]),
            ("orgs", self.upper[self.g_comm[gi]]),
            g_since[gi],
        )

        # compound party groups, same pattern (new ones registered at the covering grid)
        nq = len(self.compounds)
        q_since = draw_since(rng, nq, (0.42, 0.1, 0.1, 0.1))
        qi = np.flatnonzero(~np.isnat(q_since))
        new = q_since[qi] >= np.datetime64("2022-01-01")
        q_place = np.where(new, self.grids[self.q_grid[qi]], self.compounds[qi])
        self.q_group = np.full(nq, -1)
        self.q_group[qi] = L.add_orgs(
            cat(self.q_names[qi], "党小组"), "party_group", q_place, q_since[qi]
        )
        self.q_group_since = q_since
        L.link(
            "ESTABLISHED_IN",
            ("orgs", self.q_group[qi[new]]),
            ("places", self.compounds[qi[new]]),
            q_since[qi[new]],
        )
        gb = self.grid_branch[self.q_grid[qi]]
        sup = np.where(gb >= 0, gb, self.upper[self.q_comm[qi]])
        L.link("SUBORDINATE_TO", ("orgs", self.q_group[qi]), ("orgs", sup), q_since[qi])

        # a few building party groups
        nb = len(self.buildings)
        bi = np.flatnonzero(rng.random(nb) < 0.03)
        b_f = day_in_year(rng, rng.integers(2016, 2025, len(bi)))
        names = self.L.places.get("name")[self.buildings[bi]]
        b_groups = L.add_orgs(cat(names, "党小组"), "party_group", self.buildings[bi], b_f)
        qg = np.where(self.b_q[bi] >= 0, self.q_group[np.maximum(self.b_q[bi], 0)], -1)
        gb = self.grid_branch[self.b_grid[bi]]
        sup = np.where(qg >= 0, qg, np.where(gb >= 0, gb, self.upper[self.b_comm[bi]]))
        L.link("SUBORDINATE_TO", ("orgs", b_groups), ("orgs", sup), b_f)

    # -- actors ---------------------------------------------------------------------------
    def make_actors(self) -> None:
        rng, L, nc = self.rng, self.L, self.nc
        ns = len(self.streets)
        stems = np.array(N.STEMS)
        old = day_in_year(rng, rng.integers(2012, 2020, nc))

        # residents' / villagers' committees, led by the core (or by the street when none)
        self.committee = L.add_orgs(
            np.where(
                self.c_village, cat(self.c_names, "村民委员会"), cat(self.c_names, "居民委员会")
            ),
            np.where(self.c_village, "villagers_committee", "residents_committee"),
            self.comms,
            old,
        )
        L.link("LEADS", ("orgs", self.upper), ("orgs", self.committee), old)

        # collective economies of villages
        vi = np.flatnonzero(self.c_village)
        ce = L.add_orgs(
            cat(self.c_names[vi], "股份经济合作社"), "collective_economy", self.comms[vi], old[vi]
        )
        L.link("LEADS", ("orgs", self.upper[vi]), ("orgs", ce), old[vi])

        # property companies: a pool per street; every managed compound gets one
        qm = np.flatnonzero(self.q_managed)
        q_street = self.c_street[self.q_comm[qm]]
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
        first_q = np.full(nco, len(self.compounds))
        np.minimum.at(first_q, q_co, qm)  # each company sits in the first compound it manages
        brands = np.array(N.PROPERTY_BRANDS)[rng.integers(0, len(N.PROPERTY_BRANDS), nco)]
        co_names = cat(
            "郑州", brands, "物业服务有限公司", stems[rng.integers(0, len(stems), nco)], "分公司"
        )
        co_f = day_in_year(rng, rng.integers(2005, 2020, nco))
        self.company = L.add_orgs(co_names, "property_company", self.compounds[first_q], co_f)
        self.co_comm = self.q_comm[first_q]
        self.q_company = np.full(len(self.compounds), -1)
        self.q_company[qm] = self.company[q_co]
        # management contracts; some compounds changed company in 2023
        m_since = day_in_year(rng, rng.integers(2010, 2022, len(qm)))
        switch = rng.random(len(qm)) < 0.08
        sw_date = day_in_year(rng, np.full(switch.sum(), 2023))
        until = np.full(len(qm), np.datetime64("NaT"), "datetime64[D]")
        until[switch] = sw_date
        prev_co = co_start[q_street[switch]] + ((local[switch] + 1) % n_co[q_street[switch]])
        L.link(
            "MANAGES",
            ("orgs", self.company[prev_co]),
            ("places", self.compounds[qm[switch]]),
            m_since[switch],
            until[switch],
        )
        m_since[switch] = sw_date
        L.link("MANAGES", ("orgs", self.company[q_co]), ("places", self.compounds[qm]), m_since)
        # red property: a branch in the company, or led by its community's core; some never
        red = draw_since(rng, nco, (0.25, 0.2, 0.15, 0.15))
        by_branch = rng.random(nco) < 0.4
        bi = np.flatnonzero(by_branch & ~np.isnat(red))
        br = L.add_orgs(
            cat("中共", co_names[bi], "支部委员会"),
            "party_branch",
            self.compounds[first_q[bi]],
            red[bi],
        )
        L.link("ESTABLISHED_IN", ("orgs", br), ("orgs", self.company[bi]), red[bi])
        L.link("SUBORDINATE_TO", ("orgs", br), ("orgs", self.upper[self.co_comm[bi]]), red[bi])
        li = np.flatnonzero(~by_branch)
        L.link("LEADS", ("orgs", self.core[self.co_comm[li]]), ("orgs", self.company[li]), red[li])

        # owners' committees in half of the managed compounds
        oi = qm[rng.random(len(qm)) < 0.5]
        o_f = day_in_year(rng, rng.integers(2014, 2025, len(oi)))
        self.owners = L.add_orgs(
            cat(self.q_names[oi], "业主委员会"), "owners_committee", self.compounds[oi], o_f
        )
        self.o_comm = self.q_comm[oi]
        qg = self.q_group[oi]
        by_group = (qg >= 0) & (rng.random(len(oi)) < 0.5)
        g_since = np.maximum(o_f, self.q_group_since[oi])
        L.link("LEADS", ("orgs", np.where(by_group, qg, -1)), ("orgs", self.owners), g_since)
        c_since = draw_since(rng, len(oi), (0.15, 0.15, 0.15, 0.15))
        c_since = np.where(c_since < o_f, o_f, c_since)
        L.link(
            "LEADS",
            ("orgs", np.where(by_group, -1, self.core[self.o_comm])),
            ("orgs", self.owners),
            c_since,
        )

        # social organizations: a pool per street, serving some of its communities
        n_so = rng.integers(5, 11, ns)
        so_street = np.repeat(np.arange(ns), n_so)
        nso = len(so_street)
        so_comm = group_pick(rng, self.c_street, nc, so_street)
        types = np.array(N.SOCIAL_ORG_TYPES)
        so_type = rng.integers(0, len(types), nso)
        so_names = cat("郑州市二七区", stems[rng.integers(0, len(stems), nso)], types[so_type])
        so_f = day_in_year(rng, rng.integers(2012, 2024, nso))
        self.social = L.add_orgs(so_names, "social_org", self.c_venue[so_comm], so_f)
        self.so_comm, self.so_type = so_comm, so_type
        n_serve = rng.integers(1, 4, nso)
        sv = np.repeat(np.arange(nso), n_serve)
        sv_comm = np.where(
            rank(sv) == 0, so_comm[sv], group_pick(rng, self.c_street, nc, so_street[sv])
        )
        sv_since = np.maximum(draw_since(rng, len(sv), (0.4, 0.25, 0.2, 0.15)), so_f[sv])
        L.link("SERVES", ("orgs", self.social[sv]), ("places", self.comms[sv_comm]), sv_since)
        mode = rng.choice(4, nso, p=[0.45, 0.2, 0.15, 0.2])  # led, branch, via person, isolated
        led_since = np.maximum(draw_since(rng, nso, (0.3, 0.3, 0.2, 0.2)), so_f)
        li = np.flatnonzero(mode == 0)
        L.link("LEADS", ("orgs", self.core[so_comm[li]]), ("orgs", self.social[li]), led_since[li])
        bi = np.flatnonzero((mode == 1) & ~np.isnat(led_since))
        br = L.add_orgs(
            cat("中共", so_names[bi], "支部委员会"),
            "party_branch",
            self.c_venue[so_comm[bi]],
            led_since[bi],
        )
        L.link("ESTABLISHED_IN", ("orgs", br), ("orgs", self.social[bi]), led_since[bi])
        L.link("SUBORDINATE_TO", ("orgs", br), ("orgs", self.upper[so_comm[bi]]), led_since[bi])
        self.so_via_person = np.flatnonzero(mode == 2)

        # volunteer teams: led by the core, some only through a grid branch, a few not at all
        n_vt = rng.integers(1, 4, nc)
        vt_comm = np.repeat(np.arange(nc), n_vt)
        nvt = len(vt_comm)
        themes = np.array(N.VOLUNTEER_THEMES)[rng.integers(0, len(N.VOLUNTEER_THEMES), nvt)]
        vt_f = day_in_year(rng, rng.integers(2013, 2025, nvt))
        self.teams = L.add_orgs(
            cat(self.c_names[vt_comm], themes, "志愿服务队"),
            "volunteer_team",
            self.comms[vt_comm],
            vt_f,
        )
        self.vt_comm = vt_comm
        L.link("SERVES", ("orgs", self.teams), ("places", self.comms[vt_comm]), vt_f)
        mode = rng.choice(3, nvt, p=[0.75, 0.15, 0.10])
        since = np.maximum(draw_since(rng, nvt, (0.5, 0.2, 0.2, 0.1)), vt_f)
        L.link(
            "LEADS",
            ("orgs", np.where(mode == 0, self.core[vt_comm], -1)),
            ("orgs", self.teams),
            since,
        )
        gb = self.grid_branch[group_pick(rng, self.g_comm, nc, vt_comm)]
        L.link(
            "LEADS",
            ("orgs", np.where(mode == 1, gb, -1)),
            ("orgs", self.teams),
            np.maximum(since, vt_f),
        )

        # co-building units: district bureaus, and a pool of units per street
        tmpl = np.array(N.UNIT_TEMPLATES)
        is_bureau = np.strings.find(tmpl, "{stem}") < 0
        bureaus = tmpl[is_bureau]
        nbu = len(bureaus)
        bu_f = np.full(nbu, np.datetime64("2000-01-01"), "datetime64[D]")
        bu = L.add_orgs(bureaus, "unit", np.full(nbu, self.district), bu_f)
        per = tmpl[~is_bureau]
        n_u = rng.integers(8, 17, ns)
        u_street = np.repeat(np.arange(ns), n_u)
        nu = len(u_street)
        t = per[rng.integers(0, len(per), nu)]
        u_names = np.strings.replace(t, "{stem}", stems[rng.integers(0, len(stems), nu)])
        u_f = day_in_year(rng, rng.integers(1990, 2020, nu))
        su = L.add_orgs(u_names, "unit", self.streets[u_street], u_f)
        self.units = np.concatenate([bu, su])
        self.u_street = np.concatenate([np.full(nbu, -1), u_street])
        n_all = len(self.units)
        # partners: street units pair with communities of their street; bureaus anywhere
        n_pair = np.where(self.u_street < 0, rng.integers(3, 7, n_all), rng.integers(1, 4, n_all))
        pu = np.repeat(np.arange(n_all), n_pair)
        p_comm = np.where(
            self.u_street[pu] < 0,
            rng.integers(0, nc, len(pu)),
            group_pick(rng, self.c_street, nc, np.maximum(self.u_street[pu], 0)),
        )
        p_since = draw_since(rng, len(pu), (0.22, 0.25, 0.25, 0.2))
        to_core = (rng.random(len(pu)) < 0.5) & self.has_core[p_comm]
        L.link(
            "CO_BUILDS",
            ("orgs", self.units[pu[to_core]]),
            ("orgs", self.core[p_comm[to_core]]),
            p_since[to_core],
        )
        L.link(
            "CO_BUILDS",
            ("orgs", self.units[pu[~to_core]]),
            ("places", self.comms[p_comm[~to_core]]),
            p_since[~to_core],
        )
        first = rank(pu) == 0
        rep = first & (rng.random(len(pu)) < 0.6)
        L.link(
            "REPORTS_TO",
            ("orgs", self.units[pu[rep]]),
            ("places", self.comms[p_comm[rep]]),
            p_since[rep],
        )
        # half of the units have their own party branch (under the district's organs)
        ub = np.flatnonzero(rng.random(n_all) < 0.5)
        ub_place = np.where(
            self.u_street[ub] < 0, self.district, self.streets[np.maximum(self.u_street[ub], 0)]
        )
        ub_f = np.concatenate([bu_f, u_f])[ub]
        self.unit_branch = np.full(n_all, -1)
        self.unit_branch[ub] = L.add_orgs(
            cat("中共", np.concatenate([bureaus, u_names])[ub], "支部委员会"),
            "party_branch",
            ub_place,
            ub_f,
        )
        L.link("ESTABLISHED_IN", ("orgs", self.unit_branch[ub]), ("orgs", self.units[ub]), ub_f)
        L.link(
            "SUBORDINATE_TO",
            ("orgs", self.unit_branch[ub]),
            ("orgs", np.full(len(ub), self.dist_org)),
            ub_f,
        )

        # shops and businesses
        n_bz = np.where(self.c_village, rng.integers(0, 2, nc), rng.poisson(2, nc))
        bz_comm = np.repeat(np.arange(nc), n_bz)
        nbz = len(bz_comm)
        bz_names = cat(
            stems[rng.integers(0, len(stems), nbz)],
            np.array(N.BUSINESS_TYPES)[rng.integers(0, len(N.BUSINESS_TYPES), nbz)],
        )
        bz_q = group_pick(rng, self.q_comm, nc, bz_comm)
        bz_place = np.where(bz_q >= 0, self.compounds[np.maximum(bz_q, 0)], self.comms[bz_comm])
        self.business = L.add_orgs(
            bz_names, "business", bz_place, day_in_year(rng, rng.integers(2008, 2024, nbz))
        )

    # -- people ---------------------------------------------------------------------------
    def _people(self, place: Arr, party: Arr, roles: Arr, comm: Arr) -> np.ndarray:
        n = len(place)
        return self.L.people.add(
            place=np.asarray(place, np.int64),
            party=np.broadcast_to(np.asarray(party, bool), (n,)).copy(),
            roles=np.broadcast_to(np.asarray(roles, np.int64), (n,)).copy(),
            comm=np.asarray(comm, np.int64),
        )

    def _home(self, comm: np.ndarray) -> np.ndarray:
        """A random building of each community (its grid or itself when it has none)."""
        b = group_pick(self.rng, self.b_comm, self.nc, comm)
        g = group_pick(self.rng, self.g_comm, self.nc, comm)
        return np.where(
            b >= 0,
            self.buildings[np.maximum(b, 0)],
            np.where(g >= 0, self.grids[np.maximum(g, 0)], self.comms[comm]),
        )

    def make_people(self) -> None:
        rng, L, nc = self.rng, self.L, self.nc
        R = {
            r: 1 << i
            for i, r in enumerate(
                ("grid_worker", "building_leader", "volunteer", "cadre", "in_service_member")
            )
        }
        self.role_bits = R

        # community cadres
        n = np.where(self.c_village, rng.integers(3, 6, nc), rng.integers(5, 10, nc))
        comm = np.repeat(np.arange(nc), n)
        party = rng.random(len(comm)) < 0.8
        cad = self._people(
            self.comms[comm],
            party,
            R["cadre"] | np.where(rng.random(len(comm)) < 0.3, R["volunteer"], 0),
            comm,
        )
        since = draw_since(rng, len(comm), (0.7, 0.1, 0.1, 0.1))
        L.link("HOLDS_ROLE", ("people", cad), ("orgs", self.committee[comm]), since)
        L.link("MEMBER_OF", ("people", cad[party]), ("orgs", self.upper[comm[party]]), since[party])
        self.cadres, self.cad_comm = cad, comm
        # some social organizations are tied to the core only through one cadre
        via = self.so_via_person
        c = group_pick(rng, comm, nc, self.so_comm[via])
        L.link(
            "HOLDS_ROLE",
            ("people", np.where(c >= 0, cad[np.maximum(c, 0)], -1)),
            ("orgs", self.social[via]),
            draw_since(rng, len(via), (0.3, 0.3, 0.2, 0.2)),
        )

        # grid workers: one per grid, a second in some
        ng = len(self.grids)
        g = np.concatenate([np.arange(ng), np.flatnonzero(rng.random(ng) < 0.2)])
        party = rng.random(len(g)) < 0.6
        gw = self._people(self.grids[g], party, R["grid_worker"], self.g_comm[g])
        L.link(
            "SERVES",
            ("people", gw),
            ("places", self.grids[g]),
            draw_since(rng, len(g), (0.7, 0.1, 0.1, 0.1)),
        )
        gb = self.grid_branch[g]
        org = np.where(gb >= 0, gb, self.upper[self.g_comm[g]])
        since = np.where(gb >= 0, self.grid_since[g], draw_since(rng, len(g), (1, 0, 0, 0)))
        L.link("MEMBER_OF", ("people", gw[party]), ("orgs", org[party]), since[party])
        self.gw, self.gw_grid = gw, g

        # building leaders in most buildings
        b = np.flatnonzero(rng.random(len(self.buildings)) < 0.6)
        party = rng.random(len(b)) < 0.55
        bl = self._people(
            self.buildings[b],
            party,
            R["building_leader"] | np.where(rng.random(len(b)) < 0.4, R["volunteer"], 0),
            self.b_comm[b],
        )
        qg = np.where(self.b_q[b] >= 0, self.q_group[np.maximum(self.b_q[b], 0)], -1)
        gb = self.grid_branch[self.b_grid[b]]
        org = np.where(qg >= 0, qg, np.where(gb >= 0, gb, self.upper[self.b_comm[b]]))
        qs = np.where(
            self.b_q[b] >= 0, self.q_group_since[np.maximum(self.b_q[b], 0)], np.datetime64("NaT")
        )
        since = np.where(
            qg >= 0,
            qs,
            np.where(
                gb >= 0, self.grid_since[self.b_grid[b]], draw_since(rng, len(b), (1, 0, 0, 0))
            ),
        )
        L.link("MEMBER_OF", ("people", bl[party]), ("orgs", org[party]), since[party])

        # resident party members
        n = np.round(self.c_pop * 0.018 * rng.lognormal(0, 0.2, nc)).astype(np.int64)
        comm = np.repeat(np.arange(nc), n)
        home = self._home(comm)
        pm = self._people(
            home, True, np.where(rng.random(len(comm)) < 0.35, R["volunteer"], 0), comm
        )
        grid_of_home = np.full(L.places.n, -1)
        grid_of_home[self.buildings] = self.b_grid
        gb = self.grid_branch[np.maximum(grid_of_home[home], 0)]
        gb = np.where(grid_of_home[home] >= 0, gb, -1)
        sb = self.sub_branch[np.maximum(group_pick(rng, self.sb_comm, nc, comm), 0)]
        has_sb = group_pick(rng, self.sb_comm, nc, comm) >= 0
        u = rng.random(len(comm))
        org = np.where(
            (u < 0.5) & (gb >= 0), gb, np.where((u < 0.75) & has_sb, sb, self.upper[comm])
        )
        since = draw_since(rng, len(comm), (0.75, 0.09, 0.08, 0.08))
        L.link("MEMBER_OF", ("people", pm), ("orgs", org), since)
        self.pm, self.pm_comm = pm, comm
        # owners' committee directors who are party members (rising year by year)
        d = group_pick(rng, comm, nc, self.o_comm)
        L.link(
            "HOLDS_ROLE",
            ("people", np.where(d >= 0, pm[np.maximum(d, 0)], -1)),
            ("orgs", self.owners),
            draw_since(rng, len(d), (0.35, 0.2, 0.15, 0.1)),
        )

        # in-service party members: members of a unit of their street, reporting to home
        n = np.round(self.c_pop * 0.008 * rng.lognormal(0, 0.3, nc)).astype(np.int64)
        comm = np.repeat(np.arange(nc), n)
        ism = self._people(
            self._home(comm),
            True,
            R["in_service_member"] | np.where(rng.random(len(comm)) < 0.2, R["volunteer"], 0),
            comm,
        )
        street_units = np.flatnonzero(self.u_street >= 0)
        u = street_units[
            group_pick(rng, self.u_street[street_units], len(self.streets), self.c_street[comm])
        ]
        org = np.where(self.unit_branch[u] >= 0, self.unit_branch[u], self.units[u])
        L.link(
            "MEMBER_OF", ("people", ism), ("orgs", org), draw_since(rng, len(comm), (1, 0, 0, 0))
        )
        paired = rng.random(len(comm)) < 0.1
        target = np.where(paired, group_pick(rng, self.c_street, nc, self.c_street[comm]), comm)
        L.link(
            "REPORTS_TO",
            ("people", ism),
            ("places", self.comms[target]),
            draw_since(rng, len(comm), (0.25, 0.25, 0.2, 0.15)),
        )

        # volunteers: long-registered ones carry the role; new recruits join a team
        n = np.round(self.c_pop * 0.02 * rng.lognormal(0, 0.35, nc)).astype(np.int64)
        comm = np.repeat(np.arange(nc), n)
        join = draw_since(rng, len(comm), (0.6, 0.14, 0.13, 0.13))
        registered = join < np.datetime64("2022-01-01")
        vol = self._people(self._home(comm), False, np.where(registered, R["volunteer"], 0), comm)
        t = group_pick(rng, self.vt_comm, nc, comm)
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
            ("orgs", np.where(t >= 0, self.teams[np.maximum(t, 0)], -1)),
            join,
            until.astype("datetime64[D]"),
        )
        # a few non-party volunteers also sit on owners' committees
        o = np.flatnonzero(rng.random(len(self.owners)) < 0.3)
        d = group_pick(rng, comm, nc, self.o_comm[o])
        L.link(
            "HOLDS_ROLE",
            ("people", np.where(d >= 0, vol[np.maximum(d, 0)], -1)),
            ("orgs", self.owners[o]),
            draw_since(rng, len(o), (0.6, 0.15, 0.15, 0.1)),
        )
        self.p_place = L.people.get("place")

    # -- matters and resources ------------------------------------------------------------
    def make_matters_and_resources(self) -> None:
        rng, L, nc = self.rng, self.L, self.nc
        ns = len(self.streets)
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
        offer("orgs", self.committee, org_place[self.committee], ["culture", "other"], ["venue"])
        u2 = np.repeat(self.units, 2)
        street_unit = np.repeat(self.u_street, 2) >= 0
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
        so_n = np.repeat(np.arange(len(self.social)), rng.integers(1, 4, len(self.social)))
        offer(
            "orgs",
            self.social[so_n],
            org_place[self.social[so_n]],
            everything,
            ["service", "expertise"],
        )
        offer(
            "orgs",
            self.teams,
            org_place[self.teams],
            ["environment", "safety", "elderly_care", "culture", "other"],
            ["service"],
        )
        offer(
            "orgs",
            self.company,
            org_place[self.company],
            ["repair", "repair", "safety"],
            ["service"],
        )
        offer(
            "orgs",
            self.business,
            org_place[self.business],
            ["employment", "other"],
            ["jobs", "supplies"],
        )
        ex = self.pm[rng.random(len(self.pm)) < 0.03]
        offer("people", ex, self.p_place[ex], ["legal", "health", "repair", "other"], ["expertise"])
        r_table = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])
        r_who = np.concatenate([p[1] for p in parts])
        r_place = np.concatenate([p[2] for p in parts])
        r_dom = np.concatenate([p[3] for p in parts])
        r_kind = np.concatenate([p[4] for p in parts])
        r_street = self.street_of[r_place]
        # each street lacks one domain entirely: its needs there stay unmatched
        gap = np.array([d_index[d] for d in GAP_DOMAINS])[rng.integers(0, len(GAP_DOMAINS), ns)]
        in_gap = (r_street >= 0) & (r_dom == gap[np.maximum(r_street, 0)])
        r_dom = np.where(in_gap, d_index["other"], r_dom)
        self.gap = gap

        # matters: per community and year, more of them and handled better each year
        activity = rng.lognormal(0, 0.3, nc)
        quality = np.clip(rng.normal(0, 0.07, nc), -0.2, 0.1)
        rate = {2022: 6.0, 2023: 7.0, 2024: 8.0}
        p_claim1 = {2022: 0.68, 2023: 0.8, 2024: 0.9}
        p_close = {2022: 0.84, 2023: 0.89, 2024: 0.93}
        p_close7 = {2022: 0.6, 2023: 0.73, 2024: 0.85}
        comm_l, year_l = [], []
        for y in YEARS:
            n = rng.poisson(self.c_pop / 1000 * rate[y] * activity)
            comm_l.append(np.repeat(np.arange(nc), n))
            year_l.append(np.full(n.sum(), y))
        comm, year = np.concatenate(comm_l), np.concatenate(year_l)
        nm = len(comm)
        where = rng.choice(3, nm, p=[0.45, 0.25, 0.3])  # grid, compound, community
        g = group_pick(rng, self.g_comm, nc, comm)
        q = group_pick(rng, self.q_comm, nc, comm)
        in_grid = (where == 0) & (g >= 0)
        in_q = (where == 1) & (q >= 0)
        m_place = np.where(
            in_grid,
            self.grids[np.maximum(g, 0)],
            np.where(in_q, self.compounds[np.maximum(q, 0)], self.comms[comm]),
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
            np.where(
                claimed_ok, np.where(rng.random(nm) < 0.5, "claimed", "in_progress"), "submitted"
            ),
        )

        # handlers: the committee, the grid worker, the property company or a social org
        h = rng.choice(4, nm, p=[0.45, 0.3, 0.15, 0.1])
        gw_by_grid = np.full(len(self.grids), -1)
        gw_by_grid[self.gw_grid[::-1]] = self.gw[::-1]
        gw = np.where(in_grid, gw_by_grid[np.maximum(g, 0)], -1)
        co = np.where(in_q, self.q_company[np.maximum(q, 0)], -1)
        so = group_pick(rng, self.c_street[self.so_comm], ns, self.c_street[comm])
        so = np.where(so >= 0, self.social[np.maximum(so, 0)], -1)
        h_org = np.select(
            [(h == 2) & (co >= 0), (h == 3) & (so >= 0)], [co, so], self.committee[comm]
        )
        by_person = (h == 1) & (gw >= 0)
        self.m_handler_org = np.where(claimed_ok & ~by_person, h_org, -1)
        self.m_handler_person = np.where(claimed_ok & by_person, gw, -1)

        # joint deliberation (三级联议) on some matters
        mi = np.flatnonzero(rng.random(nm) < 0.08)
        for who in (self.core[comm[mi]], self.committee[comm[mi]], co[mi]):
            L.link(
                "PARTICIPATES_IN",
                ("orgs", who),
                ("matters", mi),
                submitted[mi].astype("datetime64[D]"),
            )

        # resources fulfil claimed matters of their street and domain
        m_street = self.c_street[comm]
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

        self.matters = dict(
            place=m_place,
            domain=dom,
            title=m_title,
            status=status,
            submitted=submitted,
            claimed=claimed,
            closed=closed,
        )
        self.resources = dict(
            table=r_table, who=r_who, place=r_place, domain=r_dom, kind=r_kind, capacity=capacity
        )
        self.rk = rk

    # -- assembly -------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        L, rng = self.L, self.rng
        places_cols = {k: L.places.get(k) for k in L.places.cols}
        place_id = pa.array(places_cols["id"])
        places = pd.DataFrame(
            {
                "id": T.series(place_id),
                "name": T.series(pa.array(places_cols["name"])),
                "kind": T.series(pa.array(places_cols["kind"])),
                "parent_id": T.series(T.take(place_id, places_cols["parent"])),
                "lat": pd.array(places_cols["lat"], dtype="Float64"),
                "lon": pd.array(places_cols["lon"], dtype="Float64"),
            }
        )
        conditions = self._conditions(place_id)

        orgs = {k: L.orgs.get(k) for k in L.orgs.cols}
        n_org = len(orgs["name"])
        ids = {
            "places": place_id,
            "orgs": T.numbered("O", n_org),
            "people": T.numbered("P", L.people.n),
            "matters": T.numbered("M", len(self.matters["domain"])),
            "resources": T.numbered("R", len(self.resources["who"])),
        }
        links, member_counts = self._links(ids, n_org)

        is_party = np.isin(orgs["kind"], list(PARTY_ORG_KINDS))
        party_members = pd.array(member_counts + rng.integers(2, 25, n_org), dtype="Int64")
        party_members[~is_party] = pd.NA
        organizations = pd.DataFrame(
            {
                "id": T.series(ids["orgs"]),
                "name": T.series(pa.array(orgs["name"])),
                "kind": T.series(pa.array(orgs["kind"])),
                "place_id": T.series(T.take(place_id, orgs["place"])),
                "party_members": party_members,
                "founded": T.series(T.iso(orgs["founded"])),
            }
        )

        M = self.matters
        handler = pc.coalesce(
            T.take(ids["orgs"], self.m_handler_org), T.take(ids["people"], self.m_handler_person)
        )
        matters = pd.DataFrame(
            {
                "id": T.series(ids["matters"]),
                "place_id": T.series(T.take(place_id, M["place"])),
                "domain": T.series(T.take(DOMAIN_KEYS, M["domain"])),
                "title": T.series(pa.array(M["title"])),
                "status": T.series(pa.array(M["status"])),
                "submitted_at": T.series(T.iso(M["submitted"])),
                "claimed_at": T.series(T.iso(M["claimed"])),
                "closed_at": T.series(T.iso(M["closed"])),
                "handler_id": T.series(handler),
            }
        )
        return {
            "places": places,
            "conditions": conditions,
            "organizations": organizations,
            "people": self._people_table(ids["people"], place_id),
            "matters": matters,
            "resources": self._resources_table(ids, orgs["name"]),
            "links": links,
        }

    def _conditions(self, place_id: pa.Array) -> pd.DataFrame:
        """Population, households and elderly of communities, summed to streets and district."""
        nc, ns = self.nc, len(self.streets)
        growth = self.rng.normal(0.006, 0.012, nc)
        hh_size = self.rng.uniform(2.5, 3.0, nc)
        old_share = self.rng.uniform(0.13, 0.24, nc)
        where = np.concatenate([[self.district], self.streets, self.comms])
        rows = []
        for i, y in enumerate(YEARS):
            pop = np.round(self.c_pop * (1 + growth) ** i).astype(np.int64)
            values = {
                "population": pop,
                "households": np.round(pop / hh_size).astype(np.int64),
                "elderly": np.round(pop * (old_share + 0.004 * i)).astype(np.int64),
            }
            cols = {
                k: np.concatenate(
                    [[v.sum()], np.bincount(self.c_street, weights=v, minlength=ns), v]
                ).astype(np.int64)
                for k, v in values.items()
            }
            rows.append(pd.DataFrame({"year": np.full(len(where), y), **cols}))
        out = pd.concat(rows, ignore_index=True)
        out.insert(0, "place_id", T.series(T.take(place_id, np.tile(where, len(YEARS)))))
        return out.astype({c: "Int64" for c in out.columns if c != "place_id"})

    def _links(self, ids: dict[str, pa.Array], n_org: int) -> tuple[pd.DataFrame, np.ndarray]:
        """All queued links as a table (one per source, target and type) and the number of
        MEMBER_OF links into each organization."""
        parts = self.L.links
        tables = list(ids)
        offset = dict(zip(tables, np.cumsum([0] + [len(ids[t]) for t in tables]), strict=False))
        types = list(LINK_TYPES)
        src = np.concatenate([offset[p[1]] + p[2] for p in parts])
        dst = np.concatenate([offset[p[3]] + p[4] for p in parts])
        typ = np.concatenate([np.full(len(p[2]), types.index(p[0])) for p in parts])
        since = np.concatenate([p[5] for p in parts])
        until = np.concatenate([p[6] for p in parts])
        # random partner picks can repeat a pair: keep the first link per (source, target, type)
        n_all = offset[tables[-1]] + len(ids[tables[-1]])
        key = (src * n_all + dst) * len(types) + typ
        _, first = np.unique(key, return_index=True)
        keep = np.sort(first)
        src, dst, typ, since, until = (a[keep] for a in (src, dst, typ, since, until))
        all_ids = pa.concat_arrays([ids[t] for t in tables])
        member = typ == types.index("MEMBER_OF")
        counts = np.bincount(dst[member] - offset["orgs"], minlength=n_org)[:n_org]
        links = pd.DataFrame(
            {
                "source_id": T.series(all_ids.take(pa.array(src))),
                "target_id": T.series(all_ids.take(pa.array(dst))),
                "type": T.series(T.take(types, typ)),
                "weight": pd.array(np.ones(len(src)), dtype="Float64"),
                "since": T.series(T.iso(since)),
                "until": T.series(T.iso(until)),
            }
        )
        return links, counts

    def _resources_table(self, ids: dict[str, pa.Array], org_names: np.ndarray) -> pd.DataFrame:
        Rs, rng = self.resources, self.rng
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
                "kind": T.series(T.take(self.rk, Rs["kind"])),
                "domain": T.series(T.take(DOMAIN_KEYS, dom)),
                "provider_id": T.series(provider),
                "place_id": T.series(T.take(ids["places"], Rs["place"])),
                "capacity": pd.array(Rs["capacity"], dtype="Int64"),
            }
        )

    def _people_table(self, person_id: pa.Array, place_id: pa.Array) -> pd.DataFrame:
        """People with fake but well-formed names, mobile numbers and ID numbers."""
        rng, L = self.rng, self.L
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
                "place_id": T.series(T.take(place_id, self.p_place)),
                "party_member": pd.array(L.people.get("party"), dtype="boolean"),
                "roles": T.series(T.take(lookup, np.where(bits > 0, bits, -1))),
                "phone": T.series(T.from_matrix(phone)),
                "id_number": T.series(T.from_matrix(idn)),
            }
        )
