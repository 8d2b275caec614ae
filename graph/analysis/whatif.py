"""What if: the analysis before and after a scenario, recomputing only what it touches.

A change reaches a community only through the nodes near it, so the communities that can
see a changed node are found by walking at most three link steps (and up the leadership
graph L, whose chains a core reaches down without limit). Only those are measured again,
each on the part of the ledger its metrics can read (its own nodes, two link steps around
them, what its core reaches in L, its street's resources); every other row is taken from
the analysis before. The district-wide scoring (quartiles, weak flags, stars, roll-ups)
is then redone over the whole table. A property test checks that the result equals a
full re-analysis of the changed ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from graph.analysis.metrics import COMMUNITY_METRICS
from graph.analysis.model import Analysis, plain, to_json
from graph.analysis.rollup import rollups
from graph.analysis.rubric import Rubric, load_rubric
from graph.analysis.run import analyze, latest_year, score
from graph.analysis.scenario import Applied, Link, Scenario, ScenarioError, apply, table_key
from graph.analysis.scope import COMMUNITY_KINDS, place_scopes
from graph.network import Network
from graph.tables import Tables

L_TYPES = ("LEADS", "ESTABLISHED_IN", "SUBORDINATE_TO")
CHANGE_COLUMNS = ["community_id", "name", "metric", "before", "after"]


@dataclass
class WhatIf:
    """A scenario's outcome: the analyses before and after and every changed value."""

    scenario: Scenario
    before: Analysis
    after: Analysis
    changes: pd.DataFrame  # community_id, name, metric, before, after
    recomputed: list[str]  # communities measured again
    tables: Tables  # the changed ledger
    links: list[Link] = field(default_factory=list)  # links added (suggestions resolved)
    removed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def network(self) -> Network:
        """The changed ledger as a Network (for a full re-analysis or an export)."""
        return Network(self.tables)

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario.to_json(),
            "links_added": [list(x) for x in self.links],
            "removed": self.removed,
            "recomputed": self.recomputed,
            "before": to_json(self.before),
            "after": to_json(self.after),
            "changes": [
                {k: plain(v) for k, v in rec.items()} for rec in self.changes.to_dict("records")
            ],
        }


# columns the score step adds to the measured table
def scored_columns(columns: list[str]) -> list[str]:
    return [
        c
        for c in columns
        if c in ("weak_score", "weak", "reasons", "stars") or c.startswith("star_")
    ]


class Baseline:
    """One ledger, year and rubric analyzed once; scenarios run against it.

    Keeps what every scenario reuses: the analysis before, the place scopes and parents.
    """

    def __init__(
        self,
        network: Network,
        year: int | None = None,
        rubric: Rubric | str | None = None,
        before: Analysis | None = None,
    ) -> None:
        self.network = network
        self.rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
        self.year = latest_year(network) if year is None else int(year)
        self.before = before if before is not None else analyze(network, self.year, self.rubric)
        if self.before.year != self.year:
            raise ValueError(f"the analysis given is of {self.before.year}, not {self.year}")
        self._index(network)

    def _index(self, network: Network) -> None:
        """The ledger with plain-object ids, and where every place lies."""
        self.tables = {k: _objects(v) for k, v in network.tables.items()}
        places = self.tables["places"]
        scopes = place_scopes(network.tables["places"]).set_index("id")
        self.community_of: pd.Series = scopes["community_id"].astype(object)
        self.street_of: pd.Series = scopes["street_id"].astype(object)
        self.parent: dict[str, str] = {
            i: p
            for i, p in zip(
                places["id"].astype(object), places["parent_id"].astype(object), strict=True
            )
            if isinstance(p, str)
        }

    # -- scenario --------------------------------------------------------------------------
    def suggestion_links(
        self, communities: tuple[str, ...], removed: tuple[str, ...] = ()
    ) -> list[Link]:
        """The suggested links of these communities: matter ← resource (FULFILLS) matches and
        co-building partners (CO_BUILDS to the core, else to the community)."""
        known = set(self.before.communities["id"])
        unknown = [c for c in communities if c not in known]
        if unknown:
            raise ScenarioError(
                [f"apply suggestions of {c}: no such community or village" for c in unknown]
            )
        s = self.before.suggestions
        core = self.before.communities.set_index("id")["core"]
        out: list[Link] = []
        for rec in s[s["community_id"].isin(communities)].to_dict("records"):
            if rec["kind"] == "resource":
                out.append((rec["resource_id"], "FULFILLS", rec["matter_id"]))
            else:
                c = core.get(rec["community_id"])
                gone = c is None or c is pd.NA or c in removed
                target = rec["community_id"] if gone else c
                out.append((rec["unit_id"], "CO_BUILDS", str(target)))
        return out

    def run(self, scenario: Scenario, only: set[str] | None = None) -> WhatIf:
        """The analysis after ``scenario``; ``only`` restricts re-measuring to those
        communities (key actors: the others are held as they are)."""
        links = list(scenario.add_links) + self.suggestion_links(
            scenario.apply_suggestions, scenario.remove_nodes
        )
        full = Scenario(
            tuple(dict.fromkeys(links)),
            scenario.remove_links,
            scenario.remove_nodes,
            scenario.add_nodes,
        )
        applied = apply(self.tables, full, self.year)
        touched = self.touched(applied) if only is None else set(only)
        after = self._after(applied, touched)
        return WhatIf(
            scenario,
            self.before,
            after,
            diff(self.before.communities, after.communities),
            sorted(touched),
            applied.tables,
            list(full.add_links),
            applied.removed,
        )

    # -- which communities a change can reach ---------------------------------------------
    def _scope(self, tables: Tables, ids: set[str]) -> set[str]:
        """Communities the given nodes are in (places by their PART_OF chain)."""
        out = {self.community_of.get(i) for i in ids}
        for table in ("organizations", "people", "matters", "resources"):
            df = tables[table]
            places = df.loc[df["id"].isin(ids), "place_id"].dropna().astype(object)
            out |= {self.community_of.get(p) for p in places}
        places = tables["places"]
        new = places[places["id"].isin(ids) & ~places["id"].isin(self.community_of.index)]
        for pid in new["id"].astype(object):
            out.add(self._community_of_new(tables, pid))
        return {c for c in out if isinstance(c, str)}

    def _community_of_new(self, tables: Tables, pid: str) -> str | None:
        """The community of a place the scenario adds (walks its parents)."""
        places = tables["places"].set_index("id")
        node, seen = pid, set()
        while isinstance(node, str) and node not in seen:
            seen.add(node)
            if node in self.community_of.index:
                return self.community_of.get(node)
            if places.at[node, "kind"] in COMMUNITY_KINDS:
                return node
            node = places.at[node, "parent_id"]
            node = node if isinstance(node, str) else None
        return None

    def touched(self, applied: Applied) -> set[str]:
        """Communities whose measured row may differ after the change (a superset).

        A community reads its own nodes, their neighbours (actors outside it, people
        reporting to it) and the links of those neighbours; so a changed node or link end
        matters to the communities of itself and of its neighbours, to every community
        whose core reaches it in L, and a resource added or removed to its street (whose
        resources decide ``unmatched_needs``) and its provider's neighbours.
        """
        old, new = self.tables, applied.tables
        links = pd.concat([old["links"], applied.added_links.astype(object)], ignore_index=True)
        gone = set(applied.removed.get("resources", []))
        made = {str(r.get("id")) for r in self.added_rows(applied, "resources")}
        start = set(applied.changed)
        for tables in (old, new):
            r = tables["resources"]
            start |= set(r.loc[r["id"].isin(gone | made), "provider_id"].astype(object))
        near = start | _neighbours(old, links, start) | _neighbours(new, links, start)
        near |= _ancestors_in_l(links, applied.changed)
        out = self._scope(old, near) | self._scope(new, near)
        streets = set()
        for tables in (old, new):
            r = tables["resources"]
            places = r.loc[r["id"].isin(gone | made), "place_id"].dropna().astype(object)
            streets |= {self.street_of.get(p) for p in places}
        units = self.before.communities
        out |= set(units.loc[units["street_id"].isin(streets - {None}), "id"])
        for tables in (old, new):
            p = tables["places"]
            hit = p["id"].isin(near) & p["kind"].isin(COMMUNITY_KINDS)
            out |= set(p.loc[hit, "id"].astype(object))
        return out

    @staticmethod
    def added_rows(applied: Applied, table: str) -> list[dict]:
        return [r for r in applied.added_nodes if table_key(r.get("table")) == table]

    # -- measure the touched, score all --------------------------------------------------
    def sub_ledger(self, tables: Tables, communities: set[str]) -> Tables:
        """The part of the ledger the metrics of ``communities`` read (a superset)."""
        places = tables["places"]
        pid = places["id"].astype(object)
        comm = pid.map(self.community_of)
        fresh = ~pid.isin(self.community_of.index)
        if fresh.any():
            comm[fresh] = [self._community_of_new(tables, p) for p in pid[fresh]]
        p0 = set(pid[comm.isin(communities)])
        k0 = set(p0)
        nodes = {t: tables[t] for t in ("organizations", "people", "matters", "resources")}
        for df in nodes.values():
            k0 |= set(df.loc[df["place_id"].isin(p0), "id"].astype(object))
        links = tables["links"]
        k1 = k0 | _neighbours(tables, links, k0)
        k2 = k1 | _neighbours(tables, links, k1)
        k2 |= _descendants_in_l(links, k0)
        r = nodes["resources"]
        streets = {self.street_of.get(c) for c in communities} - {None}
        r_street = r["place_id"].astype(object).map(self.street_of)
        res = r[r["id"].isin(k2) | r["provider_id"].isin(k2) | r_street.isin(streets)]
        keep = k2 | set(res["id"].astype(object)) | set(res["provider_id"].astype(object))
        out: Tables = {}
        located: set[str] = set(p0)
        for t, df in nodes.items():
            sub = df[df["id"].isin(keep)]
            out[t] = sub
            located |= set(sub["place_id"].dropna().astype(object))
        located |= {x for x in keep if x in self.parent or x in self.community_of.index}
        out["places"] = places[places["id"].isin(self._with_ancestors(tables, located))]
        ids = keep | set(out["places"]["id"].astype(object))
        out["links"] = links[links["source_id"].isin(ids) & links["target_id"].isin(ids)]
        c = tables["conditions"]
        out["conditions"] = c[c["place_id"].isin(out["places"]["id"])]
        return {k: v.reset_index(drop=True) for k, v in out.items()}

    def _with_ancestors(self, tables: Tables, ids: set[str]) -> set[str]:
        parent = self.parent
        extra = tables["places"]
        extra = extra[~extra["id"].isin(self.community_of.index)]
        if len(extra):
            parent = {
                **parent,
                **dict(
                    zip(extra["id"].astype(object), extra["parent_id"].astype(object), strict=True)
                ),
            }
        out: set[str] = set()
        for i in ids:
            node = i
            while isinstance(node, str) and node not in out:
                out.add(node)
                node = parent.get(node)
        return out

    def measure(self, tables: Tables, touched: set[str], cut: bool = True) -> tuple:
        """Measured rows (before scoring) and evidence of ``touched`` from ``tables``.

        ``cut`` first takes the part of the ledger they read (off when ``tables`` is one).
        """
        sub = self.sub_ledger(tables, touched) if cut else tables
        a = analyze(Network(sub), self.year, self.rubric)
        rows = a.communities[a.communities["id"].isin(touched)]
        return rows.drop(columns=scored_columns(list(rows.columns))), a.evidence[
            a.evidence["community_id"].isin(touched)
        ]

    def rescore(self, applied: Applied, touched: set[str], cut: bool = True) -> tuple:
        """The whole district scored again with ``touched`` measured anew: the communities
        table, star detail, each row's star maximum and the evidence."""
        cols = list(self.before.communities.columns)
        measured = self.before.communities.drop(columns=scored_columns(cols))
        keep = measured[~measured["id"].isin(touched)]
        ev = self.before.evidence
        ev = ev[~ev["community_id"].isin(touched)]
        if touched:
            fresh, found = self.measure(applied.tables, touched, cut)
            keep = pd.concat([keep, fresh.astype(keep.dtypes.to_dict())], ignore_index=True)
            ev = pd.concat([ev, found], ignore_index=True)
        table = keep.sort_values("id").reset_index(drop=True)
        table, detail, max_stars = score(table, self.rubric)
        return table[cols], detail, max_stars, ev.reset_index(drop=True)

    def _after(self, applied: Applied, touched: set[str]) -> Analysis:
        table, detail, max_stars, ev = self.rescore(applied, touched)
        streets, goods, district, flag = rollups(
            table, applied.tables["places"], self.rubric, max_stars
        )
        return Analysis(
            self.year,
            table,
            streets,
            district,
            self._open_suggestions(applied),
            detail,
            goods,
            flag,
            ev,
            self.rubric,
        )

    def _open_suggestions(self, applied: Applied) -> pd.DataFrame:
        """The suggestions before, less those applied and those naming a removed node.

        A new district-wide matching is a full run; a scenario keeps the one it started from.
        """
        s = self.before.suggestions
        gone = set().union(*applied.removed.values()) if applied.removed else set()
        core = self.before.communities.set_index("id")["core"].astype(object)
        added = applied.added_links
        used = set(
            zip(added["source_id"].astype(object), added["target_id"].astype(object), strict=True)
        )
        taken = [
            (r, m) in used or (u, c) in used or (u, core.get(c)) in used
            for r, m, u, c in zip(
                s["resource_id"], s["matter_id"], s["unit_id"], s["community_id"], strict=True
            )
        ]
        stale = s[["matter_id", "resource_id", "unit_id"]].isin(gone).any(axis=1)
        return s[~(pd.Series(taken, index=s.index, dtype=bool) | stale)].reset_index(drop=True)


def _objects(df: pd.DataFrame) -> pd.DataFrame:
    """String columns as Python objects: ``isin`` with sets is far faster on them."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def _neighbours(tables: Tables, links: pd.DataFrame, ids: set[str]) -> set[str]:
    """Nodes one step from ``ids``: by a link, or as a resource's provider or a matter's
    handler (the column edges that are not about place)."""
    src, tgt = links["source_id"], links["target_id"]
    out = set(tgt[src.isin(ids)].astype(object)) | set(src[tgt.isin(ids)].astype(object))
    for table, col in (("resources", "provider_id"), ("matters", "handler_id")):
        df = tables[table]
        out |= set(df.loc[df["id"].isin(ids), col].dropna().astype(object))
        out |= set(df.loc[df[col].isin(ids), "id"].astype(object))
    return out


def _l_edges(links: pd.DataFrame) -> pd.DataFrame:
    """Leadership edges as (src, dst) (SUBORDINATE_TO points from the superior)."""
    lk = links[links["type"].isin(L_TYPES)]
    sub = lk["type"] == "SUBORDINATE_TO"
    return pd.DataFrame(
        {
            "src": lk["target_id"].where(sub, lk["source_id"]).astype(object),
            "dst": lk["source_id"].where(sub, lk["target_id"]).astype(object),
        }
    )


def _walk(edges: pd.DataFrame, start: set[str], a: str, b: str) -> set[str]:
    seen, frontier = set(start), set(start)
    while frontier:
        frontier = set(edges.loc[edges[a].isin(frontier), b]) - seen
        seen |= frontier
    return seen - set(start)


def _descendants_in_l(links: pd.DataFrame, ids: set[str]) -> set[str]:
    return _walk(_l_edges(links), ids, "src", "dst")


def _ancestors_in_l(links: pd.DataFrame, ids: set[str]) -> set[str]:
    return _walk(_l_edges(links), ids, "dst", "src")


def _same(a: object, b: object) -> bool:
    a, b = plain(a), plain(b)
    return a == b


def diff(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """One row per (community, metric) whose value differs; metrics from the registry."""
    metrics = [m for m in (*COMMUNITY_METRICS, "stars") if m in before.columns]
    b = before.set_index("id")
    a = after.set_index("id")
    names = pd.concat([b["name"], a["name"]])
    names = names[~names.index.duplicated()]
    recs = []
    for cid in sorted(set(b.index) | set(a.index)):
        for m in metrics:
            x = b.at[cid, m] if cid in b.index else None
            y = a.at[cid, m] if cid in a.index else None
            if not _same(x, y):
                recs.append(
                    {
                        "community_id": cid,
                        "name": names.get(cid),
                        "metric": m,
                        "before": plain(x),
                        "after": plain(y),
                    }
                )
    return pd.DataFrame(recs, columns=CHANGE_COLUMNS, dtype=object)


def what_if(
    network: Network,
    year: int | None = None,
    rubric: Rubric | str | None = None,
    add_links=(),
    remove_links=(),
    remove_nodes=(),
    add_nodes=(),
    apply_suggestions=(),
    *,
    before: Analysis | None = None,
) -> WhatIf:
    """The analysis before and after a change, and every (community, metric) it changes.

    ``before`` reuses an analysis of the same ledger, year and rubric (the app's cache).
    """
    scenario = Scenario.of(add_links, remove_links, remove_nodes, add_nodes, apply_suggestions)
    return Baseline(network, year, rubric, before).run(scenario)
