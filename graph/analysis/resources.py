"""Resource-link metrics: co-building, reporting members, volunteers, needs, 13710 and backlog.

All vectorized over the whole ledger; the ids behind each number go to the evidence table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.analysis import evidence as ev
from graph.analysis.asof import year_end
from graph.analysis.scope import Context

if TYPE_CHECKING:  # rubric → metrics → coverage → here: a runtime import would be a cycle
    from graph.analysis.rubric import Rubric


def has_role(roles: pd.Series, role: str) -> pd.Series:
    """Whether a `;`-joined roles string holds one role (matched by Arrow: Python's regular
    expressions took a second on a city's people)."""
    arr = pa.array(roles.to_numpy(object, na_value=None), type=pa.string())
    held = pc.fill_null(pc.match_substring_regex(arr, rf"(?:^|;){role}(?:;|$)"), False)
    return pd.Series(held.to_numpy(zero_copy_only=False), index=roles.index)


def records_replies(matters: pd.DataFrame) -> bool:
    """Whether the ledger records replies (13710's "3"): any matter has a ``replied_at``.

    An empty column cannot be told from a missing one once stored in a graph database,
    so a ledger with no reply date at all is read as one without the column.
    """
    return bool(matters["replied_at"].notna().any())


def sla_limits(units: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Per community id the 13710 day limits of its kind's rubric settings."""
    cols = ["claim_days", "reply_days", "close_days", "major_close_days"]
    by_kind = {k: rubric.for_kind(k).settings for k in units["kind"].unique()}
    return pd.DataFrame(
        [[getattr(by_kind[k], c) for c in cols] for k in units["kind"]],
        index=pd.Index(units["id"].astype(object)),
        columns=cols,
    )


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Calendar days from ``earlier`` to ``later`` (time of day ignored; NaN when missing)."""
    return (later.dt.normalize() - earlier.dt.normalize()).dt.days.astype(float)


def on_time(m: pd.DataFrame, limits: pd.DataFrame, year: int, replies: bool) -> pd.DataFrame:
    """Per matter whether it is *due* as of Y-12-31 and whether it met every 13710 limit.

    Due: closed by Y-12-31, or its closing limit (``close_days``, ``major_close_days`` when
    major) ended on or before it. A step not taken by Y-12-31 is not taken; one not taken
    within its limit is late. The reply limit applies only when ``replies`` (the ledger
    records replies): replied, or closed, within ``reply_days``.
    """
    end = year_end(year)
    lim = limits.reindex(m["community_id"].astype(object)).set_axis(m.index)
    close_limit = lim["major_close_days"].where(m["major"].fillna(False).astype(bool))
    close_limit = close_limit.fillna(lim["close_days"])
    sub = m["submitted_at"]
    closed = m["closed"].astype(bool)
    closed_days = _days(m["closed_at"], sub).where(closed)
    claimed = m["claimed_at"].where(m["claimed_at"].dt.normalize() <= end)
    due = closed | (_days(pd.Series(end, index=m.index), sub) >= close_limit)
    ok = (_days(claimed, sub) <= lim["claim_days"]) & (closed_days <= close_limit)
    if replies:
        replied = m["replied_at"].where(m["replied_at"].dt.normalize() <= end)
        ok &= (_days(replied, sub) <= lim["reply_days"]) | (closed_days <= lim["reply_days"])
    return pd.DataFrame({"due": due.astype(bool), "on_time": (ok & due).astype(bool)})


def resource_evidence(
    ctx: Context, actors: pd.DataFrame, limits: pd.DataFrame, replies: bool
) -> list[ev.Piece]:
    """Evidence rows of every resource-link metric.

    ``limits``: the 13710 day limits per community id (``sla_limits``); ``replies``:
    whether the ledger records replies (``records_replies`` of the whole ledger).
    """
    out: list[ev.Piece] = []
    out.append(ev.rows(actors[actors["group"] == "unit"], "co_building_units", ev.NUM))

    people = ctx.people
    rep = ctx.links_of("REPORTS_TO")
    rep = rep[rep["source_id"].isin(people["id"])]
    rep = rep[rep["target_id"].isin(ctx.units["id"])]
    out.append(ev.rows(rep, "reporting_members_per_1000", ev.NUM, "target_id", "source_id"))

    vols = people[has_role(people["roles"], "volunteer")]
    teams = ctx.orgs[ctx.orgs["kind"] == "volunteer_team"]
    place_c = ctx.places.set_index("id")["community_id"]
    serves = ctx.links_of("SERVES")
    serves = serves[serves["source_id"].isin(teams["id"])]
    team_c = pd.concat(
        [
            teams[["community_id", "id"]],
            pd.DataFrame(
                {"community_id": serves["target_id"].map(place_c), "id": serves["source_id"]}
            ),
        ]
    ).dropna()
    member = ctx.links_of("MEMBER_OF")
    member = member[member["source_id"].isin(people["id"])]
    member = member.merge(team_c, left_on="target_id", right_on="id")
    out.append(ev.rows(vols, "volunteers_per_1000", ev.NUM))
    out.append(ev.rows(member, "volunteers_per_1000", ev.NUM, id_="source_id"))

    in_c = ctx.matters[ctx.matters["community_id"].notna()]
    out.append(ev.rows(in_c[~in_c["closed"]], "backlog", ev.NUM))
    m = in_c[in_c["in_year"]]
    out.append(ev.rows(m, "needs_total", ev.NUM))
    out.append(ev.rows(m[m["closed"]], "needs_closed", ev.NUM))
    out.append(ev.rows(m, "closure_rate", ev.DEN))
    out.append(ev.rows(m[m["closed"]], "closure_rate", ev.NUM))

    fulfills = ctx.links_of("FULFILLS")
    open_m = m[~m["closed"] & ~m["id"].isin(fulfills["target_id"])]
    out.append(ev.rows(_unmatched(ctx, actors, open_m), "unmatched_needs", ev.NUM))

    sla = on_time(m, limits, ctx.year, replies)
    out.append(ev.rows(m[sla["due"]], "sla_rate", ev.DEN))
    out.append(ev.rows(m[sla["on_time"]], "sla_rate", ev.NUM))

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
