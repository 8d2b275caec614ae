"""The core of each community and the leadership graph L (docs/metrics.md: Core, Leadership graph).

The core is the highest party organization located at C itself; L points from leaders
to the led, so what the core reaches is ``nx.descendants(L, core)``.
"""

from __future__ import annotations

import pandas as pd

from graph.schema import CORE_KINDS


def cores(orgs: pd.DataFrame, unit_ids: pd.Series) -> pd.Series:
    """community id → its core id (NA if none): committee > general branch > branch, then id."""
    cand = orgs[orgs["kind"].isin(CORE_KINDS) & orgs["place_id"].isin(unit_ids)].copy()
    cand["rank"] = cand["kind"].map({k: i for i, k in enumerate(CORE_KINDS)})
    cand = cand.sort_values(["place_id", "rank", "id"]).drop_duplicates("place_id")
    found = cand.set_index("place_id")["id"]
    return pd.Series(unit_ids.map(found).to_numpy(), index=unit_ids.to_numpy(), dtype="string")


def leadership_edges(links: pd.DataFrame) -> pd.DataFrame:
    """L as (src, dst): LEADS a→b, SUBORDINATE_TO superior→sub, ESTABLISHED_IN org→host."""
    leads = links[links["type"].isin(["LEADS", "ESTABLISHED_IN"])][["source_id", "target_id"]]
    sub = links[links["type"] == "SUBORDINATE_TO"][["target_id", "source_id"]]
    edges = pd.concat(
        [
            leads.set_axis(["src", "dst"], axis=1),
            sub.set_axis(["src", "dst"], axis=1),
        ],
        ignore_index=True,
    )
    edges = edges[edges["src"] != edges["dst"]]
    return edges.drop_duplicates().astype(object).reset_index(drop=True)
