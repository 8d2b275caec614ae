"""Which community, street and district every place and node belongs to.

A node is *in C* when its place's PART_OF chain reaches the community or village C
(docs/metrics.md, "Scope"). The mapping is computed once for all places, then every table gets
`community_id`, `street_id` and `district_id` columns by a vectorized lookup, which is
what lets each community be analyzed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.analysis.asof import active_links, existing_orgs, population, year_end
from graph.scope import COMMUNITY_KINDS, STREET_KINDS, place_scopes
from graph.tables import Tables

__all__ = ["COMMUNITY_KINDS", "STREET_KINDS", "Context", "build_context", "place_scopes"]


SCOPE_COLUMNS = ("community_id", "street_id", "district_id")


class _Where:
    """Each place's scope columns as Python objects, for one index lookup per table."""

    def __init__(self, scopes: pd.DataFrame) -> None:
        self.ids = pd.Index(scopes["id"])
        # a last None, taken by a place not found (``get_indexer`` gives -1)
        self.columns = {
            c: np.append(scopes[c].to_numpy(object, na_value=None), None) for c in SCOPE_COLUMNS
        }


def _located(df: pd.DataFrame, where: _Where, col: str = "place_id") -> pd.DataFrame:
    """Add community/street/district of each row's place (Python strings, None where none)."""
    pos = where.ids.get_indexer(df[col])
    out = df.copy()
    for c, values in where.columns.items():
        out[c] = pd.Series(values.take(pos), index=out.index, dtype=object)
    return out


@dataclass
class Context:
    """The ledger as seen in year Y, every node tagged with its community, street, district."""

    year: int
    units: (
        pd.DataFrame
    )  # communities and villages: id, name, kind, street_id, district_id, population
    places: pd.DataFrame  # id, kind, community_id, street_id, district_id
    orgs: pd.DataFrame  # organizations existing in Y, plus party flag and scope columns
    people: pd.DataFrame
    matters: pd.DataFrame  # matters submitted by Y-12-31; `in_year`, `closed` flags
    resources: pd.DataFrame  # resources of existing providers; scope from place, else provider
    links: pd.DataFrame  # links counting in Y: source_id, target_id, type, weight
    dropped_orgs: frozenset[str]
    # ``links_of``'s grouping, with the frame it was made from: not a constructor argument
    _by_type: tuple[pd.DataFrame, dict] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def links_of(self, *types: str) -> pd.DataFrame:
        """The ``links`` of these types, in their order: ``links[links["type"].isin(types)]``.

        The links are grouped by type once, not compared again for every metric (a few
        milliseconds a comparison, hundreds of them on a city)."""
        if self._by_type is None or self._by_type[0] is not self.links:
            self._by_type = (self.links, self.links.groupby("type", sort=False).indices)
        links, where = self._by_type
        rows = [where[t] for t in types if t in where]
        if len(rows) == 1:
            return links.iloc[rows[0]]
        return links.iloc[np.sort(np.concatenate(rows)) if rows else []]


def build_context(tables: Tables, year: int) -> Context:
    """Tag every table with its scope and filter it to what counts as of ``year``."""
    scopes = place_scopes(tables["places"])
    where = _Where(scopes)
    units = tables["places"][tables["places"]["kind"].isin(COMMUNITY_KINDS)][["id", "name", "kind"]]
    units = units.merge(scopes[["id", "street_id", "district_id"]], on="id", how="left")
    units = units.sort_values("id").reset_index(drop=True)
    units["population"] = population(tables["conditions"], units["id"], year).array

    all_orgs = tables["organizations"]
    orgs = existing_orgs(all_orgs, year)
    dropped = frozenset(set(all_orgs["id"].astype(object)) - set(orgs["id"].astype(object)))
    orgs = _located(orgs[["id", "name", "kind", "place_id"]], where)
    orgs["party"] = orgs["kind"].str.startswith("party_").astype(bool)

    people = _located(tables["people"][["id", "place_id", "party_member", "roles"]], where)
    people["party_member"] = people["party_member"].fillna(False).astype(bool)
    people["roles"] = people["roles"].fillna("")

    end = year_end(year)
    m = tables["matters"]
    m = m[m["submitted_at"].dt.normalize() <= end]
    m = _located(
        m[
            [
                "id",
                "place_id",
                "domain",
                "status",
                "submitted_at",
                "claimed_at",
                "replied_at",
                "closed_at",
                "major",
            ]
        ],
        where,
    )
    m["in_year"] = (m["submitted_at"].dt.year == year).astype(bool)
    closed_by = m["closed_at"].isna() | (m["closed_at"].dt.normalize() <= end)
    m["closed"] = ((m["status"] == "closed") & closed_by).astype(bool)

    r = tables["resources"]
    r = r[~r["provider_id"].isin(dropped)][
        ["id", "domain", "provider_id", "place_id", "capacity"]
    ].copy()
    r["capacity"] = r["capacity"].fillna(1).astype(int)
    provider_place = pd.concat(
        [tables["organizations"][["id", "place_id"]], tables["people"][["id", "place_id"]]]
    ).set_index("id")["place_id"]
    r["located_at"] = r["place_id"].fillna(r["provider_id"].map(provider_place))
    r = _located(r, where, "place_id")
    loc = _located(r[["located_at"]], where, "located_at")
    for c in ("community_id", "street_id", "district_id"):
        r["loc_" + c] = loc[c]

    links = active_links(tables["links"], year, set(dropped))
    frames = (scopes, orgs, people, m, r, links)
    return Context(year, units, *(_plain_strings(f) for f in frames), dropped)


def _plain_strings(df: pd.DataFrame) -> pd.DataFrame:
    """String columns as Python objects: pandas' arrow strings are slow in ``isin`` with sets."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = pd.Series(out[c].to_numpy(object, na_value=None), out.index, object)
    return out
