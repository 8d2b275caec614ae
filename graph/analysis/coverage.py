"""The six extensions, the actors of each community and who the core reaches (docs/metrics.md).

Denominators and the parts that need no graph search are vectorized over the whole
ledger; what is reached from the core comes from the per-community graph run (engine).
"""

from __future__ import annotations

import pandas as pd

from graph.analysis import evidence as ev
from graph.analysis.resources import has_role
from graph.analysis.scope import Context
from graph.schema import ACTOR_KIND_GROUPS

IN_C_ACTOR_GROUPS = ("committee", "owners_committee", "social_org", "volunteer_team")


def _links(ctx: Context, type_: str) -> pd.DataFrame:
    return ctx.links_of(type_)


def _party_hosts(ctx: Context, host_kind: str) -> set[str]:
    """Places of one kind with a party organization located in them or ESTABLISHED_IN them."""
    party = ctx.orgs[ctx.orgs["party"]]
    located = set(party["place_id"].astype(object))
    est = _links(ctx, "ESTABLISHED_IN")
    est = est[est["source_id"].isin(party["id"])]
    return located | set(est["target_id"].astype(object))


def actors(ctx: Context) -> pd.DataFrame:
    """Actors of each community: (community_id, id, group), per docs/metrics.md "Reach"."""
    kind_group = {k: g for g, kinds in ACTOR_KIND_GROUPS.items() for k in kinds}
    orgs = ctx.orgs.assign(group=ctx.orgs["kind"].map(kind_group))
    in_c = orgs[orgs["group"].isin(IN_C_ACTOR_GROUPS) & orgs["community_id"].notna()]
    frames = [in_c[["community_id", "id", "group"]]]
    frames.append(managers(ctx).assign(group="property_company"))
    frames.append(co_builders(ctx).assign(group="unit"))
    out = (
        pd.concat(frames, ignore_index=True).astype(object).drop_duplicates(["community_id", "id"])
    )
    return out.reset_index(drop=True)


def managers(ctx: Context) -> pd.DataFrame:
    """(community_id, id) of property companies that MANAGE a compound in the community."""
    comp = ctx.orgs[ctx.orgs["kind"] == "property_company"]["id"]
    m = _links(ctx, "MANAGES")
    m = m[m["source_id"].isin(comp)]
    place_c = ctx.places.set_index("id")["community_id"]
    out = pd.DataFrame({"community_id": m["target_id"].map(place_c), "id": m["source_id"]})
    return out.dropna().astype(object).drop_duplicates()


def co_builders(ctx: Context) -> pd.DataFrame:
    """(community_id, id) of units with CO_BUILDS to C or to a party organization located in C."""
    units = ctx.orgs[ctx.orgs["kind"] == "unit"]["id"]
    cb = _links(ctx, "CO_BUILDS")
    cb = cb[cb["source_id"].isin(units)]
    to_place = cb["target_id"].map(ctx.places.set_index("id")["community_id"])
    # only CO_BUILDS aimed at the community itself, not at one of its places
    to_place = to_place.where(cb["target_id"] == to_place)
    party = ctx.orgs[ctx.orgs["party"]].set_index("id")["community_id"]
    to_org = cb["target_id"].map(party)
    out = pd.DataFrame({"community_id": to_place.fillna(to_org), "id": cb["source_id"]})
    return out.dropna().astype(object).drop_duplicates()


def social_candidates(ctx: Context) -> pd.DataFrame:
    """(community_id, id) of social organizations in C or SERVING a place in C."""
    social = ctx.orgs[ctx.orgs["kind"] == "social_org"]
    in_c = social[["community_id", "id"]]
    serves = _links(ctx, "SERVES")
    serves = serves[serves["source_id"].isin(social["id"])]
    place_c = ctx.places.set_index("id")["community_id"]
    served = pd.DataFrame(
        {"community_id": serves["target_id"].map(place_c), "id": serves["source_id"]}
    )
    out = pd.concat([in_c, served], ignore_index=True).dropna().astype(object)
    return out.drop_duplicates().reset_index(drop=True)


def extension_evidence(ctx: Context) -> list[ev.Piece]:
    """Numerator and denominator ids of ext_grid … ext_owners (ext_social needs reachability)."""
    out: list[ev.Piece] = []
    places = ctx.places[ctx.places["community_id"].notna()]
    for metric, kind in (("ext_grid", "grid"), ("ext_compound", "compound")):
        den = places[places["kind"] == kind]
        out.append(ev.rows(den, metric, ev.DEN))
        out.append(ev.rows(den[den["id"].isin(_party_hosts(ctx, kind))], metric, ev.NUM))

    buildings = places[places["kind"] == "building"]
    p = ctx.people
    leaders = p[p["party_member"] & has_role(p["roles"], "building_leader")]
    out.append(ev.rows(buildings, "ext_building", ev.DEN))
    out.append(
        ev.rows(buildings[buildings["id"].isin(leaders["place_id"])], "ext_building", ev.NUM)
    )

    mgr = managers(ctx)
    party = ctx.orgs[ctx.orgs["party"]]
    est = _links(ctx, "ESTABLISHED_IN")
    red_anywhere = set(est[est["source_id"].isin(party["id"])]["target_id"].astype(object))
    leads = _links(ctx, "LEADS").merge(
        party[["id", "community_id"]], left_on="source_id", right_on="id"
    )
    led = set(
        zip(leads["community_id"].astype(object), leads["target_id"].astype(object), strict=True)
    )
    red = mgr[
        mgr["id"].isin(red_anywhere)
        | pd.Series(
            [(c, i) in led for c, i in zip(mgr["community_id"], mgr["id"], strict=True)],
            index=mgr.index,
            dtype=bool,
        )
    ]
    out.append(ev.rows(mgr, "ext_property", ev.DEN))
    out.append(ev.rows(red, "ext_property", ev.NUM))

    owners = ctx.orgs[(ctx.orgs["kind"] == "owners_committee") & ctx.orgs["community_id"].notna()]
    members = ctx.links_of("HOLDS_ROLE", "MEMBER_OF")
    members = members[members["source_id"].isin(p[p["party_member"]]["id"])]
    out.append(ev.rows(owners, "ext_owners", ev.DEN))
    out.append(ev.rows(owners[owners["id"].isin(members["target_id"])], "ext_owners", ev.NUM))
    return out
