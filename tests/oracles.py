"""Oracles: the research questions' answers recomputed from the ledger tables with pandas.

The notebooks' probes and the query templates are both checked against these, so the two
cannot drift apart, and neither test module has to import the other."""

from __future__ import annotations

import pandas as pd

from graph.schema import CORE_KINDS, PARTY_ORG_KINDS

PARTY = list(PARTY_ORG_KINDS)
UNITS = ["community", "village"]
ACTORS = [
    "residents_committee", "villagers_committee", "property_company", "owners_committee",
    "social_org", "volunteer_team", "unit",
]  # fmt: skip


def active_links(tables: dict, end: str) -> pd.DataFrame:
    """Links active as of ``end`` (compared by calendar day), as docs/metrics.md defines it."""
    links = tables["links"]
    since, until = links["since"].dt.normalize(), links["until"].dt.normalize()
    day = pd.Timestamp(end)
    return links[(since.isna() | (since <= day)) & (until.isna() | (until > day))]


def kinds(tables: dict) -> pd.Series:
    return pd.concat([tables[t].set_index("id")["kind"] for t in ("organizations", "places")])


def led_counts(tables: dict, end: str) -> dict[str, int]:
    """Distinct actors each party organization LEADS."""
    act, kind = active_links(tables, end), kinds(tables)
    lead = act[(act["type"] == "LEADS") & act["source_id"].map(kind).isin(PARTY)]
    lead = lead[lead["target_id"].map(kind).isin(ACTORS)]
    return lead.groupby("source_id")["target_id"].nunique().astype(int).to_dict()


def unled_communities(tables: dict, end: str) -> list[str]:
    """Communities whose managing property companies no party org LEADS or is ESTABLISHED_IN."""
    act, kind = active_links(tables, end), kinds(tables)
    parent = tables["places"].set_index("id")["parent_id"]
    m = act[act["type"] == "MANAGES"]
    m = m[m["source_id"].map(kind).eq("property_company") & m["target_id"].map(kind).eq("compound")]
    m = m.assign(c=m["target_id"].map(parent))
    m = m[m["c"].map(kind).isin(UNITS)]
    hosts = act["type"].isin(["LEADS", "ESTABLISHED_IN"]) & act["source_id"].map(kind).isin(PARTY)
    led = set(act.loc[hosts, "target_id"])
    return sorted(c for c, g in m.groupby("c") if not set(g["source_id"]) & led)


def coreless(tables: dict) -> list[str]:
    """Communities and villages with no party committee/general branch/branch located at them."""
    places, orgs = tables["places"], tables["organizations"]
    units = set(places.loc[places["kind"].isin(UNITS), "id"])
    with_core = set(orgs.loc[orgs["kind"].isin(list(CORE_KINDS)), "place_id"])
    return sorted(units - with_core)
