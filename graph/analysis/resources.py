"""Resource-link metrics: co-building, reporting members, volunteers, needs and 13710 timing.

All vectorized over the whole ledger; the ids behind each number go to the evidence table.
"""

from __future__ import annotations

import pandas as pd

from graph.analysis import evidence as ev
from graph.analysis.scope import Context


def has_role(roles: pd.Series, role: str) -> pd.Series:
    """Whether a `;`-joined roles string holds one role."""
    return roles.str.contains(rf"(?:^|;){role}(?:;|$)", regex=True).fillna(False).astype(bool)


def resource_evidence(
    ctx: Context, actors: pd.DataFrame, claim_days: pd.Series, close_days: pd.Series
) -> list[pd.DataFrame]:
    """Evidence rows of every resource-link metric.

    ``claim_days``/``close_days`` are indexed by community id (rubric settings per kind).
    """
    out: list[pd.DataFrame] = []
    links = ctx.links
    out.append(ev.rows(actors[actors["group"] == "unit"], "co_building_units", ev.NUM))

    people = ctx.people
    rep = links[(links["type"] == "REPORTS_TO") & links["source_id"].isin(people["id"])]
    rep = rep[rep["target_id"].isin(ctx.units["id"])]
    out.append(ev.rows(rep, "reporting_members_per_1000", ev.NUM, "target_id", "source_id"))

    vols = people[has_role(people["roles"], "volunteer")]
    teams = ctx.orgs[ctx.orgs["kind"] == "volunteer_team"]
    place_c = ctx.places.set_index("id")["community_id"]
    serves = links[(links["type"] == "SERVES") & links["source_id"].isin(teams["id"])]
    team_c = pd.concat(
        [
            teams[["community_id", "id"]],
            pd.DataFrame(
                {"community_id": serves["target_id"].map(place_c), "id": serves["source_id"]}
            ),
        ]
    ).dropna()
    member = links[(links["type"] == "MEMBER_OF") & links["source_id"].isin(people["id"])]
    member = member.merge(team_c, left_on="target_id", right_on="id")
    out.append(ev.rows(vols, "volunteers_per_1000", ev.NUM))
    out.append(ev.rows(member, "volunteers_per_1000", ev.NUM, id_="source_id"))

    m = ctx.matters[ctx.matters["in_year"] & ctx.matters["community_id"].notna()]
    out.append(ev.rows(m, "needs_total", ev.NUM))
    out.append(ev.rows(m[m["closed"]], "needs_closed", ev.NUM))
    out.append(ev.rows(m, "closure_rate", ev.DEN))
    out.append(ev.rows(m[m["closed"]], "closure_rate", ev.NUM))

    fulfills = links[links["type"] == "FULFILLS"]
    open_m = m[~m["closed"] & ~m["id"].isin(fulfills["target_id"])]
    out.append(ev.rows(_unmatched(ctx, actors, open_m), "unmatched_needs", ev.NUM))

    claim = pd.to_timedelta(m["community_id"].map(claim_days).astype(float), unit="D")
    close = pd.to_timedelta(m["community_id"].map(close_days).astype(float), unit="D")
    on_time = (
        (m["claimed_at"] - m["submitted_at"] <= claim)
        & m["closed"]
        & (m["closed_at"] - m["submitted_at"] <= close)
    ).fillna(False)
    out.append(ev.rows(m, "sla_rate", ev.DEN))
    out.append(ev.rows(m[on_time.astype(bool)], "sla_rate", ev.NUM))

    f = fulfills.merge(m[["id", "community_id"]], left_on="target_id", right_on="id")
    f = f.merge(
        ctx.resources[["id", "provider_id"]].rename(columns={"id": "resource_id"}),
        left_on="source_id",
        right_on="resource_id",
    )
    f["link"] = f["source_id"].astype(object) + "→" + f["target_id"].astype(object)
    f = f.drop_duplicates(["community_id", "link"])
    out.append(ev.rows(f, "top_provider_share", ev.DEN, id_="link"))
    by = f.groupby(["community_id", "provider_id"]).size().rename("n").reset_index()
    by = by.sort_values(["community_id", "n", "provider_id"], ascending=[True, False, True])
    top = by.drop_duplicates("community_id")[["community_id", "provider_id"]]
    out.append(
        ev.rows(
            f.merge(top, on=["community_id", "provider_id"]),
            "top_provider_share",
            ev.NUM,
            id_="link",
        )
    )
    return out


def _unmatched(ctx: Context, actors: pd.DataFrame, open_m: pd.DataFrame) -> pd.DataFrame:
    """Open, unfulfilled matters whose domain no resource of C's actors or C's street offers."""
    r = ctx.resources
    by_actor = actors.merge(r[["provider_id", "domain"]], left_on="id", right_on="provider_id")
    offered = {(c, d) for c, d in zip(by_actor["community_id"], by_actor["domain"], strict=True)}
    street_of = ctx.units.set_index("id")["street_id"]
    in_street = {
        (s, d)
        for s, d in zip(
            r["street_id"].dropna(), r.loc[r["street_id"].notna(), "domain"], strict=True
        )
    }
    keep = [
        (c, d) not in offered and (street_of.get(c), d) not in in_street
        for c, d in zip(open_m["community_id"], open_m["domain"], strict=True)
    ]
    return open_m[pd.Series(keep, index=open_m.index, dtype=bool)]
