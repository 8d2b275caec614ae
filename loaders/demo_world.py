"""The demo district itself: places, party organizations, actors, people, matters and
resources of a 二七区-like district, drawn layer by layer with numpy.

The story is a three-year plan: links carry ``since`` dates so that, as of 2022, fewer party
organizations reach grids, compounds, property companies and social organizations than as
of 2024, and closure and on-time rates of matters rise year by year. Weak spots are planted
on purpose so every metric has something to find: communities without a core, property
companies never led, isolated social organizations, needs in domains no resource of the
street covers, actors led only through one grid branch.

Each layer is one function (``make_places``, ``make_party``, ``make_actors``, ``make_people``,
``make_matters_and_resources``) that reads the frozen results of the layers below it and
returns its own; rows go into the shared ``Ledger`` builder, and ``world`` runs them in order.
The random draws happen in a fixed order, so the same seed gives the same bytes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import LINK_TYPES, PARTY_ORG_KINDS
from loaders import text_columns as T
from loaders.demo_actors import make_actors
from loaders.demo_draw import Ledger
from loaders.demo_matters import (
    DOMAIN_KEYS,
    YEARS,
    Matters,
    make_matters_and_resources,
    replies_and_major,
    resources_table,
)
from loaders.demo_party import make_party
from loaders.demo_people import People, make_people, people_table
from loaders.demo_places import Places, make_places

__all__ = ["YEARS", "world"]


def world(factor: int, scale: str, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The demo tables: each layer drawn by its own function from the layers below it."""
    L = Ledger()
    pl = make_places(rng, factor, scale, L)
    pt = make_party(rng, L, pl)
    ac = make_actors(rng, L, pl, pt)
    pp = make_people(rng, L, pl, pt, ac)
    mr = make_matters_and_resources(rng, L, pl, pt, ac, pp)
    out = tables(rng, L, pl, pp, mr)
    # the 13710 and 三零 columns come last, so the columns before them keep their values
    replied, major = replies_and_major(rng, mr)
    out["matters"].insert(
        out["matters"].columns.get_loc("closed_at"), "replied_at", T.series(T.iso(replied))
    )
    out["matters"]["major"] = pd.array(major, dtype="boolean")
    out["conditions"] = with_safety_counts(rng, out["conditions"], pl)
    return out


def tables(
    rng: np.random.Generator, L: Ledger, pl: Places, pp: People, mr: Matters
) -> dict[str, pd.DataFrame]:
    """The layers as ledger tables (ids, names, dates as text)."""
    L, rng = L, rng
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
    conditions = _conditions(rng, pl, place_id)

    orgs = {k: L.orgs.get(k) for k in L.orgs.cols}
    n_org = len(orgs["name"])
    ids = {
        "places": place_id,
        "orgs": T.numbered("O", n_org),
        "people": T.numbered("P", L.people.n),
        "matters": T.numbered("M", len(mr.matters["domain"])),
        "resources": T.numbered("R", len(mr.resources["who"])),
    }
    links, member_counts = _links(L, ids, n_org)

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

    M = mr.matters
    handler = pc.coalesce(
        T.take(ids["orgs"], mr.m_handler_org), T.take(ids["people"], mr.m_handler_person)
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
        "people": people_table(rng, L, pp, ids["people"], place_id),
        "matters": matters,
        "resources": resources_table(rng, mr, ids, orgs["name"]),
        "links": links,
    }


def _conditions(rng: np.random.Generator, pl: Places, place_id: pa.Array) -> pd.DataFrame:
    """Population, households and elderly of communities, summed to streets and district."""
    nc, ns = pl.nc, len(pl.streets)
    growth = rng.normal(0.006, 0.012, nc)
    hh_size = rng.uniform(2.5, 3.0, nc)
    old_share = rng.uniform(0.13, 0.24, nc)
    where = np.concatenate([[pl.district], pl.streets, pl.comms])
    rows = []
    for i, y in enumerate(YEARS):
        pop = np.round(pl.c_pop * (1 + growth) ** i).astype(np.int64)
        values = {
            "population": pop,
            "households": np.round(pop / hh_size).astype(np.int64),
            "elderly": np.round(pop * (old_share + 0.004 * i)).astype(np.int64),
        }
        cols = {
            k: np.concatenate(
                [[v.sum()], np.bincount(pl.c_street, weights=v, minlength=ns), v]
            ).astype(np.int64)
            for k, v in values.items()
        }
        rows.append(pd.DataFrame({"year": np.full(len(where), y), **cols}))
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "place_id", T.series(T.take(place_id, np.tile(where, len(YEARS)))))
    return out.astype({c: "Int64" for c in out.columns if c != "place_id"})


def with_safety_counts(
    rng: np.random.Generator, conditions: pd.DataFrame, pl: Places
) -> pd.DataFrame:
    """Petitions, accidents and criminal cases of communities and villages per year (三零).

    Mostly zeros (about half the community-years are all zero), some above zero, fewer each
    year; about one community-year in twenty records none of the three and a few record only
    some, so every reading of ``three_zero`` (true, false, unknown) occurs. Streets and the
    district record none (the counts belong to communities and villages).
    """
    nc, ny = pl.nc, len(YEARS)
    first = 1 + len(pl.streets)  # rows per year: district, streets, then communities
    per_year = first + nc
    comm = np.concatenate([np.arange(first, per_year) + i * per_year for i in range(ny)])
    trend = np.repeat([1.0, 0.85, 0.7], nc)
    out = conditions.copy()
    recorded = rng.random(len(comm)) >= 0.05
    for column, rate in (("petitions", 0.35), ("accidents", 0.12), ("criminal_cases", 0.2)):
        values = pd.array(np.full(len(out), pd.NA), dtype="Int64")
        counts = rng.poisson(rate * trend)
        known = recorded & (rng.random(len(comm)) >= 0.02)
        values[comm[known]] = counts[known]
        out.insert(out.columns.get_loc("elderly"), column, values)
    return out


def _links(L: Ledger, ids: dict[str, pa.Array], n_org: int) -> tuple[pd.DataFrame, np.ndarray]:
    """All queued links as a table (one per source, target and type) and the number of
    MEMBER_OF links into each organization."""
    parts = L.links
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
