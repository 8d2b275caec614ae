"""What exists and which links count *as of a year* (docs/metrics.md, "Metrics").

Every metric reads the ledger through this filter, so an analysis of 2022 never sees a
link that started in 2023 or ended in 2021.
"""

from __future__ import annotations

import pandas as pd

from graph.schema import PARTY_ORG_KINDS


def year_end(year: int) -> pd.Timestamp:
    """The cut-off day Y-12-31 that `since` and `until` are compared with."""
    return pd.Timestamp(year=year, month=12, day=31)


def existing_orgs(orgs: pd.DataFrame, year: int) -> pd.DataFrame:
    """Organizations founded by Y-12-31 (or with no founding date): later ones do not exist yet."""
    founded = orgs["founded"].dt.normalize()
    return orgs[founded.isna() | (founded <= year_end(year))]


def active_links(links: pd.DataFrame, year: int, dropped: set[str] | None = None) -> pd.DataFrame:
    """Links with `since` ≤ Y-12-31 and (`until` empty or `until` > Y-12-31).

    Dates are compared by calendar day. Links touching a node in ``dropped`` (an
    organization not yet founded) are left out too.
    """
    end = year_end(year)
    since = links["since"].dt.normalize()
    until = links["until"].dt.normalize()
    keep = (since.isna() | (since <= end)) & (until.isna() | (until > end))
    out = links[keep]
    if dropped:
        out = out[~(out["source_id"].isin(dropped) | out["target_id"].isin(dropped))]
    return out[["source_id", "target_id", "type", "weight"]].reset_index(drop=True)


def population(conditions: pd.DataFrame, place_ids: pd.Series, year: int) -> pd.Series:
    """Population of each place from its row for Y, else the latest earlier year (NA if none)."""
    cond = conditions[(conditions["year"] <= year) & conditions["population"].notna()]
    cond = cond.sort_values("year").drop_duplicates("place_id", keep="last")
    pop = cond.set_index("place_id")["population"]
    return pd.Series(place_ids.map(pop).to_numpy(), index=place_ids.to_numpy(), dtype="Int64")


THREE_ZERO = ("petitions", "accidents", "criminal_cases")


def three_zero(conditions: pd.DataFrame, place_ids: pd.Series, year: int) -> pd.Series:
    """三零 from each place's conditions row for Y itself (not an earlier year).

    True when petitions, accidents and criminal cases are all recorded and 0, false when
    any recorded one is above 0, NA when none is recorded (or some are 0, some missing).
    """
    rows = conditions[conditions["year"] == year].drop_duplicates("place_id")
    counts = rows.set_index("place_id")[list(THREE_ZERO)].astype("Float64")
    counts = counts.reindex(place_ids.to_numpy())
    above = (counts > 0).fillna(False).any(axis=1)
    all_zero = (counts == 0).fillna(False).all(axis=1)
    out = pd.Series(pd.NA, index=counts.index, dtype="boolean")
    out[all_zero.to_numpy()] = True
    out[above.to_numpy()] = False
    return out


def is_party(kind: pd.Series) -> pd.Series:
    """Whether an organization kind is a party organization."""
    return kind.isin(list(PARTY_ORG_KINDS))
