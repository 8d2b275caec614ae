"""Key actors: who a community would miss most ("what if they left").

Articulation points say who holds the structure together; this asks what each actor and
party organization of a community is worth to its numbers: remove that one node, measure
the community again, and see how far ``reach``, ``coverage_index`` and ``weak_score`` move.
The community is measured on its own part of the ledger and scored against the rest of
the district as it is, so the list costs one small measurement per candidate.
"""

from __future__ import annotations

import pandas as pd

from graph.analysis.metrics import COMMUNITY_METRICS
from graph.analysis.run import measure
from graph.analysis.scenario import Scenario, apply
from graph.analysis.weak import weak_columns
from graph.analysis.whatif import Baseline
from graph.network import Network
from graph.schema import TABLES
from graph.tables import Tables

SEP = "~world"

COLUMNS = [
    "community_id",
    "id",
    "name",
    "kind",
    "is_core",
    "reach",
    "reach_after",
    "coverage_index",
    "coverage_index_after",
    "weak_score",
    "weak_score_after",
    "has_core_after",
    "core_after",
    "impact",
]


def candidates(base: Baseline, community_id: str) -> pd.DataFrame:
    """The community's actors (as counted by ``reach``) and its party organizations."""
    e = base.before.evidence
    acts = e[(e["community_id"] == community_id) & (e["metric"] == "reach")]["id"]
    orgs = base.tables["organizations"]
    place_c = orgs["place_id"].map(base.community_of)
    party = orgs[orgs["kind"].str.startswith("party_") & (place_c == community_id)]["id"]
    ids = set(acts.astype(object)) | set(party.astype(object))
    return orgs[orgs["id"].isin(ids)][["id", "name", "kind"]].sort_values("id")


def _renamed(tables: Tables, suffix: str) -> Tables:
    """The same ledger with every id and reference suffixed: an independent copy."""
    out: Tables = {}
    for t, df in tables.items():
        df = df.copy()
        for col in TABLES[t].columns:
            if col.type in ("id", "ref"):
                s = df[col.key].astype(object)
                df[col.key] = s.where(s.isna(), s + suffix)
        out[t] = df
    return out


def _worlds(sub: Tables, removed: list[str], year: int) -> Tables:
    """One renamed copy of the community's ledger per removed node, side by side, so one
    measurement covers every candidate (the copies share no id, hence no link)."""
    parts = [
        _renamed(apply(sub, Scenario(remove_nodes=(x,)), year).tables, f"{SEP}{i}")
        for i, x in enumerate(removed)
    ]
    return {t: pd.concat([p[t] for p in parts], ignore_index=True) for t in sub}


def key_actors(base: Baseline, community_id: str) -> pd.DataFrame:
    """One row per actor or party organization of the community, most missed first.

    ``impact`` orders them: the rise of ``weak_score`` first, then the loss of ``reach``
    and of ``coverage_index`` (a lost core counts as losing all of it). ``weak_score``
    after is scored against the rest of the district as it is.
    """
    cand = candidates(base, community_id)
    if cand.empty:
        return pd.DataFrame(columns=COLUMNS)
    before = base.before.communities
    row = before.set_index("id").loc[community_id]
    sub = base.sub_ledger(base.tables, {community_id})
    ids = cand["id"].astype(object).tolist()
    worlds = _worlds(sub, ids, base.year)
    names = [f"{community_id}{SEP}{i}" for i in range(len(ids))]
    found = measure(Network(worlds), base.year, base.rubric, communities=names, evidence=False)
    rows = found.communities.set_index("id").loc[names]
    measured = base.measured.communities.sort_values("id").reset_index(drop=True)
    at = measured.index[measured["id"] == community_id][0]
    metrics = [m for m in COMMUNITY_METRICS if m in measured.columns]
    weak_after = []
    for name in names:
        table = measured.copy()
        for m in metrics:  # ids in the copies carry a suffix: only the values are taken
            table.at[at, m] = rows.at[name, m]
        weak_after.append(int(weak_columns(table, base.rubric).at[at, "weak_score"]))
    core_after = rows["core"].astype(object)
    out = pd.DataFrame(
        {
            "community_id": community_id,
            "id": ids,
            "name": cand["name"].to_numpy(),
            "kind": cand["kind"].to_numpy(),
            "is_core": [x == row["core"] for x in ids],
            "reach": row["reach"],
            "reach_after": rows["reach"].to_numpy(),
            "coverage_index": row["coverage_index"],
            "coverage_index_after": rows["coverage_index"].to_numpy(),
            "weak_score": row["weak_score"],
            "weak_score_after": weak_after,
            "has_core_after": rows["has_core"].astype(bool).to_numpy(),
            "core_after": [c.split(SEP)[0] if isinstance(c, str) else None for c in core_after],
        }
    )

    def drop(a: str, b: str) -> pd.Series:
        return (out[a].astype("Float64").fillna(0) - out[b].astype("Float64").fillna(0)).astype(
            float
        )

    out["impact"] = (
        (out["weak_score_after"].astype(float) - out["weak_score"].astype(float)) * 100
        + drop("reach", "reach_after") * 10
        + drop("coverage_index", "coverage_index_after")
    ).round(9)
    return out.sort_values(["impact", "id"], ascending=[False, True]).reset_index(drop=True)
