"""What if: the analysis before and after a scenario, recomputing only what it touches.

A change reaches a community only through the nodes near it: the communities that can see
it are those of the changed nodes (both ends of a changed link) and of their neighbours,
those whose core reaches a changed node down the leadership graph L (without limit), and
a street's communities for a resource added or removed. Only those are measured again,
each on the part of the ledger its metrics can read (its own nodes, two link steps around
them, what its core reaches in L, its street's resources); ``Measured.update`` swaps those
rows into the cached measure and ``score`` redoes the district-wide rest (quartiles, weak
flags, stars, roll-ups, suggestions) from the measured rows alone. A property test checks
that the result equals a full re-analysis of the changed ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from graph.analysis.asof import active_links
from graph.analysis.metrics import COMMUNITY_METRICS
from graph.analysis.model import Analysis, Measured, plain, to_json
from graph.analysis.resources import records_replies
from graph.analysis.rubric import Rubric, load_rubric
from graph.analysis.run import Rater, _rated, latest_year, measure, score
from graph.analysis.scenario import Applied, Link, Scenario, ScenarioError, apply, table_key
from graph.analysis.scope import COMMUNITY_KINDS, place_scopes
from graph.analysis.stars import community_stars, earned_counts
from graph.analysis.weak import WEAK_COLUMNS, weak_columns
from graph.network import Network
from graph.tables import Tables

L_TYPES = ("LEADS", "ESTABLISHED_IN", "SUBORDINATE_TO")
OWN_TABLES = ("matters", "resources", "organizations")  # node rows a Measured holds
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
    baseline: Baseline | None = None  # to run further scenarios on the same ledger

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


class Baseline:
    """One ledger, year and rubric measured once; scenarios run against it.

    Keeps what every scenario reuses: the measure and the analysis before, the place
    scopes and parents. ``measured`` reuses a measure of the same ledger, year and rubric.
    """

    def __init__(
        self,
        network: Network,
        year: int | None = None,
        rubric: Rubric | str | None = None,
        measured: Measured | None = None,
    ) -> None:
        self.network = network
        self.rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
        self.year = latest_year(network) if year is None else int(year)
        self.measured = measured or measure(network, self.year, self.rubric)
        if self.measured.year != self.year:
            raise ValueError(f"the measure given is of {self.measured.year}, not {self.year}")
        # the evidence (millions of rows on a city) in blocks by community, so a scenario
        # drops a few communities' rows by slicing instead of masking every row
        codes, ids = pd.factorize(self.measured.evidence["community_id"])
        order = np.argsort(codes, kind="stable")
        evidence = self.measured.evidence.take(order).reset_index(drop=True)
        self.measured = replace(self.measured, evidence=evidence)
        self._evidence_ids = pd.Index(ids, dtype=object)
        self._evidence_bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
        self._rated0: tuple[pd.DataFrame, pd.DataFrame, pd.Series] | None = None

        def first(table: pd.DataFrame, rubric: Rubric):  # kept: scenarios re-rate from it
            self._rated0 = _rated(table, rubric)
            return self._rated0

        self.before = score(self.measured, self.rubric, rate=first)
        self._blocks = _blocks(self.before.star_detail["community_id"])
        self._star_metrics = {
            c.metric
            for kind in COMMUNITY_KINDS
            for rule in self.rubric.for_kind(kind).stars
            for c in rule.criteria
        }
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
        self.index = _Index.of(self.tables, self.tables["links"])
        self.rows_ = _Rows.of(self.tables, self.street_of)
        self._owned = self._owned_by_community()
        self.ids = {t: set(self.tables[t]["id"]) for t in OWN_TABLES}
        self._community: dict[str, str] = self.community_of.dropna().to_dict()
        self._places: set[str] = set(self.community_of.index) | self.parent.keys()
        # node id → the places of its rows (ids are unique per table, not across tables)
        self._place_of: dict[str, set[str]] = {}
        for table in ("organizations", "people", "matters", "resources"):
            df = self.tables[table]
            df = df[df["place_id"].notna()]
            for i, p in zip(df["id"], df["place_id"].astype(object), strict=True):
                self._place_of.setdefault(i, set()).add(p)

    # -- the ledger looked up (scenario.Lookup) ----------------------------------------------
    def rows(self, table: str, ids) -> pd.DataFrame:
        """The ledger's rows of ``table`` with these ids, in table order."""
        return self.tables[table].take(self.rows_.at(table, ids))

    def links_from(self, ids) -> pd.DataFrame:
        """The ledger's links leaving these ids, in table order."""
        return self.tables["links"].take(self.rows_.links_from(ids))

    # -- scenario --------------------------------------------------------------------------
    def suggestion_links(
        self, communities: tuple[str, ...], removed: tuple[str, ...] = ()
    ) -> list[Link]:
        """The suggested links of these communities: matter ← resource (FULFILLS) matches and
        co-building partners: the unit CO_BUILDS with the core and the core LEADS it (with
        no core, or the core removed, the unit co-builds with the community)."""
        return [x for _rec, links in self.suggested(communities, removed) for x in links]

    def suggested(
        self, communities: tuple[str, ...], removed: tuple[str, ...] = ()
    ) -> list[tuple[dict, list[Link]]]:
        """Each suggestion row of these communities with the links it adds (one or two)."""
        known = set(self.before.communities["id"])
        unknown = [c for c in communities if c not in known]
        if unknown:
            raise ScenarioError(
                [f"apply suggestions of {c}: no such community or village" for c in unknown]
            )
        s = self.before.suggestions
        recs = s[s["community_id"].isin(communities)].to_dict("records")
        out = [(rec, suggestion_pair(rec, removed)) for rec in recs]
        leaders = {x[0] for _r, links in out for x in links if x[1] == "LEADS"}
        if leaders:  # a core may already lead a unit that does not co-build: that link stays
            links = self.tables["links"]
            links = links[(links["type"] == "LEADS") & links["source_id"].isin(leaders)]
            active = active_links(links, self.year)
            have = set(zip(active["source_id"], active["type"], active["target_id"], strict=True))
            out = [(rec, [x for x in links_ if x not in have]) for rec, links_ in out]
        return out

    def run(self, scenario: Scenario) -> WhatIf:
        """The analysis after ``scenario``."""
        links = list(scenario.add_links) + self.suggestion_links(
            scenario.apply_suggestions, scenario.remove_nodes
        )
        full = Scenario(
            tuple(dict.fromkeys(links)),
            scenario.remove_links,
            scenario.remove_nodes,
            scenario.add_nodes,
        )
        applied = apply(self.tables, full, self.year, self)
        touched = self.touched(applied)
        fresh = self.remeasure(applied, touched)
        after = self.score(self.update(fresh), fresh)
        return WhatIf(
            scenario,
            self.before,
            after,
            diff(
                self.before.communities,
                after.communities,
                touched,
                list(self.measured.communities.columns),
            ),
            sorted(touched),
            applied.tables,
            list(full.add_links),
            applied.removed,
            self,
        )

    # -- which communities a change can reach ---------------------------------------------
    def _scope(self, applied: Applied, ids: set[str]) -> set[str]:
        """Communities the given nodes are in, before or after ``applied`` (places by their
        PART_OF chain): looked up in the ledger's node places, plus the nodes it adds."""
        where = self._community
        out = {where.get(i) for i in ids}
        for i in ids & self._place_of.keys():
            out |= {where.get(p) for p in self._place_of[i]}
        for r in applied.added_nodes:
            i, table = str(r.get("id")), table_key(r.get("table"))
            if i not in ids:
                continue
            if table == "places":
                out.add(self._community_of_new(applied.tables, i))
            elif isinstance(p := r.get("place_id"), str):
                out.add(where.get(p))
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
        gone = set(applied.removed.get("resources", []))
        made = {str(r.get("id")) for r in self.added_rows(applied, "resources")}
        start = set(applied.changed)
        for tables in (old, new):
            r = tables["resources"]
            start |= set(r.loc[r["id"].isin(gone | made), "provider_id"].astype(object))
        extra = _Index.of(new, applied.added_links, self.added_ids(applied))
        near = start | self.index.near(start, extra)
        near |= self.index.walk(applied.changed, extra, up=True)
        out = self._scope(applied, near)
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

    def added_ids(self, applied: Applied) -> set[str]:
        return {str(r.get("id")) for r in applied.added_nodes}

    @staticmethod
    def added_rows(applied: Applied, table: str) -> list[dict]:
        return [r for r in applied.added_nodes if table_key(r.get("table")) == table]

    # -- measure the touched, score all --------------------------------------------------
    def sub_ledger(
        self,
        tables: Tables,
        communities: set[str],
        seeds: set[str] = frozenset(),
        applied: Applied | None = None,
    ) -> Tables:
        """The part of the ledger the metrics of ``communities`` read (a superset), and of
        ``seeds`` (nodes whose own rows, e.g. a resource's spare capacity, are wanted).

        ``tables`` is the ledger indexed here, or ``applied``'s (the index's neighbours
        and what ``applied`` adds are then a superset of its neighbours)."""
        own = self.owned(communities, applied)
        p0 = own["places"]
        k0 = set().union(*own.values()) | set(seeds)
        extra = None
        if applied is not None:
            extra = _Index.of(tables, applied.added_links, self.added_ids(applied))
        k1 = k0 | self.index.near(k0, extra)
        k2 = k1 | self.index.near(k1, extra)
        k2 |= self.index.walk(k0, extra, up=False)
        # the ledger's rows are where the index put them unless the scenario dropped some
        fast = applied.appended if applied is not None else tables is self.tables
        streets = {self.street_of.get(c) for c in communities} - {None}
        res = self._resources(tables, k2, streets, fast)
        keep = k2 | set(res["id"].astype(object)) | set(res["provider_id"].astype(object))
        out: Tables = {}
        located: set[str] = set(p0)
        for t in ("organizations", "people", "matters", "resources"):
            sub = self._pick(tables, t, "id", keep, fast)
            out[t] = sub
            located |= set(sub["place_id"].dropna().astype(object))
        located |= keep & self._places
        out["places"] = self._pick(
            tables, "places", "id", self._with_ancestors(located, applied), fast
        )
        ids = keep | set(out["places"]["id"].astype(object))
        links = self._pick(tables, "links", "source_id", ids, fast)
        out["links"] = links[links["target_id"].isin(ids)]
        place_ids = set(out["places"]["id"].astype(object))
        out["conditions"] = self._pick(tables, "conditions", "place_id", place_ids, fast)
        return {k: v.reset_index(drop=True) for k, v in out.items()}

    def _pick(self, tables: Tables, table: str, column: str, keys: set, fast: bool):
        """The rows of ``tables[table]`` whose ``column`` is in ``keys``, in table order:
        the ledger's own rows looked up in the index when ``fast`` (rows only appended
        since it was built), the rest (or, not ``fast``, all) by a scan."""
        df = tables[table]
        if not fast:
            return df[df[column].isin(keys)]
        n = self.rows_.sizes[table]
        hit = df.take(self.rows_.by[table, column].positions(keys))
        if len(df) == n:
            return hit
        tail = df.iloc[n:]
        return pd.concat([hit, tail[tail[column].isin(keys)]])

    def _resources(self, tables: Tables, ids: set, streets: set, fast: bool) -> pd.DataFrame:
        """Resources that are, or are provided by, one of ``ids``, or lie in ``streets``."""
        r = tables["resources"]
        n = self.rows_.sizes["resources"] if fast else 0
        tail = r.iloc[n:]
        street = tail["place_id"].astype(object).map(self.street_of)
        scan = tail[tail["id"].isin(ids) | tail["provider_id"].isin(ids) | street.isin(streets)]
        if not fast:
            return scan
        by = self.rows_.by
        at = [by["resources", c].positions(k) for c, k in (("id", ids), ("provider_id", ids))]
        at.append(by["resources", "street"].positions(streets))
        return pd.concat([r.take(np.unique(np.concatenate(at))), scan])

    def _with_ancestors(self, ids: set[str], applied: Applied | None = None) -> set[str]:
        """``ids`` and every place above them (the places ``applied`` adds included)."""
        parent = self.parent
        if applied is not None and (made := self.added_rows(applied, "places")):
            parent = {**parent, **{str(r.get("id")): r.get("parent_id") for r in made}}
        out: set[str] = set()
        for i in ids:
            node = i
            while isinstance(node, str) and node not in out:
                out.add(node)
                node = parent.get(node)
        return out

    def score(self, measured: Measured, fresh: Measured) -> Analysis:
        """``score`` of the measure updated with ``fresh``, with the min-cost flow solved again
        only for the (district, domain) groups whose open matters or spare resources changed
        (only rows ``fresh`` owns can): the flow is solved per group, so the other groups'
        matches are those of before."""
        om, sp = self.measured.open_matters, self.measured.spare
        own = fresh.own or {}
        groups = _changed(
            om[om["id"].isin(own.get("matters", ()))], fresh.open_matters, "district_id"
        )
        groups |= _changed(
            sp[sp["id"].isin(own.get("resources", ()))], fresh.spare, "loc_district_id"
        )
        mo, ms = measured.open_matters, measured.spare
        lite = replace(
            measured,
            open_matters=mo[_in(mo, "district_id", groups)],
            spare=ms[_in(ms, "loc_district_id", groups)],
        )
        a = score(lite, self.rubric, rate=self._rater(set(fresh.communities["id"])))
        s = self.before.suggestions
        old = s[s["kind"] == "resource"]
        keep = old
        if groups:
            district = old["matter_id"].map(om.set_index("id")["district_id"])
            pairs = pd.Series(list(zip(district, old["domain"], strict=True)), index=old.index)
            keep = old[~pairs.isin(groups)]
        new = a.suggestions[a.suggestions["kind"] == "resource"]
        res = pd.concat([keep, new]).sort_values(["cost", "matter_id"])
        partners = a.suggestions[a.suggestions["kind"] != "resource"]
        a.suggestions = pd.concat([res, partners], ignore_index=True)
        return a

    def _rater(self, fresh: set[str]) -> Rater:
        """``_rated`` redone only for the rows that can differ from the baseline's: those
        measured again and those whose weak flags moved (the district quartiles are
        recomputed over every row, which is cheap); the star detail of the others is
        the baseline's. Any other change of rows (a community added or removed) rates
        the whole table again."""

        def rate(table: pd.DataFrame, rubric: Rubric):
            t0, d0, max_stars = self._rated0
            same = (
                self._blocks is not None
                and len(table) == len(t0)
                and all(_equal(table[c], t0[c]) for c in ("id", "kind"))
            )
            if not same:
                return _rated(table, rubric)
            measured = table
            table = pd.concat([table, weak_columns(table, rubric)], axis=1)
            read = [c for c in WEAK_COLUMNS if c in self._star_metrics]
            redo = table["id"].isin(fresh).to_numpy() | _differs(table, t0, read)
            rows = table[redo]
            detail = community_stars(rows, rubric)
            # the new rows in place of each redone community's block of the baseline's
            blocks = [
                self._blocks[c]
                for kind in COMMUNITY_KINDS
                for c in rows.loc[rows["kind"] == kind, "id"]
                if c in self._blocks
            ]
            if sum(b - a for a, b in blocks) != len(detail):
                return _rated(measured, rubric)
            offsets = np.cumsum([0] + [b - a for a, b in blocks])
            parts, prev = [], 0
            for (a, b), o in sorted(zip(blocks, offsets[:-1], strict=True)):
                parts += [d0.iloc[prev:a], detail.iloc[o : o + b - a]]
                prev = b
            spliced = pd.concat([*parts, d0.iloc[prev:]], ignore_index=True)
            if not spliced.dtypes.equals(d0.dtypes):  # a kind with no rows redone
                spliced = spliced.astype(d0.dtypes.to_dict())
            at_rows = np.flatnonzero(redo)
            got = earned_counts(detail, "community_id", pd.Index(rows["id"]))
            table["stars"] = _put(t0["stars"].to_numpy(), at_rows, got)
            for i in range(1, 6):
                won = detail[(detail["star"] == i) & detail["earned"]]["community_id"]
                col = t0[f"star_{i}"].to_numpy()
                table[f"star_{i}"] = _put(col, at_rows, rows["id"].isin(won))
            return table, spliced, max_stars

        return rate

    def update(self, fresh: Measured) -> Measured:
        """``self.measured.update(fresh)``; the evidence is cut by community blocks."""
        m = self.measured
        empty = m.evidence.iloc[:0]
        out = replace(m, evidence=empty).update(replace(fresh, evidence=empty))
        hit = self._evidence_ids.get_indexer(list(fresh.own["places"]))
        bounds, prev, parts = self._evidence_bounds, 0, []
        for k in np.unique(hit[hit >= 0]):
            parts.append(m.evidence.iloc[prev : bounds[k]])
            prev = bounds[k + 1]
        parts += [m.evidence.iloc[prev:], fresh.evidence]
        parts = [f for f in parts if len(f)] or [empty]
        return replace(out, evidence=pd.concat(parts, ignore_index=True))

    def _owned_by_community(self) -> dict[str, dict[str, set[str]]]:
        """Community → ledger table → ids of its nodes (as ``nodes_in`` its places), once
        per ledger: a scenario then looks its communities up instead of scanning tables."""
        t = self.tables
        where = {"places": t["places"]["id"].map(self.community_of)}
        for table in ("matters", "organizations", "people"):
            where[table] = t[table]["place_id"].map(self.community_of)
        located = pd.concat(
            [
                pd.Series(where[x].to_numpy(), index=t[x]["id"].to_numpy())
                for x in ("organizations", "people")
            ]
        )
        r = t["resources"]
        by_provider = r["provider_id"].map(located[~located.index.duplicated()])
        where["resources"] = (
            r["place_id"].map(self.community_of).where(r["place_id"].notna(), by_provider)
        )
        out: dict[str, dict[str, set[str]]] = {}
        for table, comm in where.items():
            for i, c in zip(t[table]["id"], comm, strict=True):
                if isinstance(c, str):
                    out.setdefault(c, {}).setdefault(table, set()).add(i)
        return out

    def owned(self, communities: set[str], applied: Applied | None = None) -> dict[str, set[str]]:
        """Ledger table → ids of the nodes in these communities (as ``community_nodes``),
        before the change and, with ``applied``, the nodes it adds there too."""
        out: dict[str, set[str]] = {t: set() for t in ("places", *OWN_TABLES, "people")}
        for c in communities:
            for table, ids in self._owned.get(c, {}).items():
                out[table] |= ids
        added = self.added_ids(applied) if applied is not None else set()
        if not added:
            return out
        new = applied.tables
        p = new["places"]
        for pid in p.loc[p["id"].isin(added), "id"].astype(object):
            if self._community_of_new(new, pid) in communities:
                out["places"].add(pid)
        for table in ("matters", "organizations", "people"):
            df = new[table][new[table]["id"].isin(added)]
            out[table] |= set(df.loc[df["place_id"].isin(out["places"]), "id"].astype(object))
        r = new["resources"][new["resources"]["id"].isin(added)]
        providers = out["organizations"] | out["people"]
        at = r["place_id"].isin(out["places"]) | (
            r["place_id"].isna() & r["provider_id"].isin(providers)
        )
        out["resources"] |= set(r.loc[at, "id"].astype(object))
        return out

    def remeasure(self, applied: Applied, touched: set[str]) -> Measured:
        """A partial measure of the touched communities and of every changed node's row.

        It owns what those communities hold before and after the change (so a removed
        node's rows go) and the changed matters, resources and organizations wherever
        they are (a street's resource given a new FULFILLS link has less spare).
        """
        own = self.owned(touched, applied)
        for t in OWN_TABLES:
            made = {str(r.get("id")) for r in self.added_rows(applied, t)}
            own[t] |= set(applied.changed) & (self.ids[t] | made)
            own[t] |= set(applied.removed.get(t, ()))
        seeds = set().union(*own.values())
        sub = self.sub_ledger(applied.tables, touched, seeds, applied)
        # whether replies are recorded is a property of the whole ledger, not of the part
        replies = records_replies(applied.tables["matters"])
        return measure(sub, self.year, self.rubric, own=own, replies=replies)


def _blocks(ids: pd.Series) -> dict[str, tuple[int, int]] | None:
    """id → (start, stop) of its rows when each id's rows are contiguous (else None)."""
    values = ids.to_numpy(object)
    if not len(values):
        return {}
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    stops = np.r_[starts[1:], len(values)]
    out = {values[a]: (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
    return out if len(out) == len(starts) else None


def _equal(a: pd.Series, b: pd.Series) -> bool:
    return a.astype(object).tolist() == b.astype(object).tolist()


def _differs(a: pd.DataFrame, b: pd.DataFrame, cols) -> np.ndarray:
    """Per row, whether any of ``cols`` differs between two aligned frames."""
    hit = np.zeros(len(a), dtype=bool)
    for c in cols:
        x, y = a[c].to_numpy(object), b[c].to_numpy(object)
        hit |= np.fromiter((not _same(p, q) for p, q in zip(x, y, strict=True)), bool, len(x))
    return hit


def _put(values: np.ndarray, at: np.ndarray, new) -> np.ndarray:
    """A copy of ``values`` with ``new`` at positions ``at``."""
    out = values.copy()
    out[at] = np.asarray(new, dtype=out.dtype)
    return out


def _rows(df: pd.DataFrame) -> set[tuple]:
    """A frame's rows as hashable tuples (missing values as None)."""
    plain_ = df.astype(object).where(df.notna(), None)
    return set(plain_.itertuples(index=False, name=None))


def _changed(before: pd.DataFrame, after: pd.DataFrame, district: str) -> set[tuple]:
    """(district, domain) of every row added, removed or altered."""
    cols = list(before.columns)
    d, k = cols.index(district), cols.index("domain")
    return {(r[d], r[k]) for r in _rows(before) ^ _rows(after[cols])}


def _in(df: pd.DataFrame, district: str, groups: set[tuple]) -> pd.Series:
    if not groups:
        return pd.Series(False, index=df.index)
    pairs = pd.Series(list(zip(df[district], df["domain"], strict=True)), index=df.index)
    return pairs.isin(groups)


def _objects(df: pd.DataFrame) -> pd.DataFrame:
    """String columns as Python objects: ``isin`` with sets is far faster on them."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def suggestion_pair(rec: dict, removed: tuple[str, ...] = ()) -> list[Link]:
    """The links one suggestion row adds (see ``graph.analysis.suggest``)."""
    if rec["kind"] == "resource":
        return [(str(rec["resource_id"]), "FULFILLS", str(rec["matter_id"]))]
    unit, leader = str(rec["unit_id"]), plain(rec.get("leader_id"))
    if leader is None or leader in removed:
        return [(unit, "CO_BUILDS", str(rec["community_id"]))]
    return [(unit, "CO_BUILDS", str(leader)), (str(leader), "LEADS", unit)]


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


def _adjacency(pairs, both: bool) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, b in pairs:
        if isinstance(a, str) and isinstance(b, str):
            out.setdefault(a, set()).add(b)
            if both:
                out.setdefault(b, set()).add(a)
    return out


@dataclass
class _Groups:
    """Row positions by the value of one column, so a few values are looked up, not scanned."""

    keys: pd.Index
    order: np.ndarray  # row positions, grouped by value
    bounds: np.ndarray  # value k's rows: order[bounds[k]:bounds[k + 1]]

    @classmethod
    def of(cls, column: pd.Series) -> _Groups:
        codes, keys = pd.factorize(column.astype(object))  # missing → -1, sorted first
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
        return cls(pd.Index(keys, dtype=object), order, bounds)

    def positions(self, values) -> np.ndarray:
        """Sorted positions of the rows holding any of ``values``."""
        codes = self.keys.get_indexer(list(values))
        b, order = self.bounds, self.order
        parts = [order[b[k] : b[k + 1]] for k in codes[codes >= 0]]
        return np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.intp)


@dataclass
class _Rows:
    """Where a ledger's rows are, by id and by the columns a sub-ledger selects on."""

    by: dict[tuple[str, str], _Groups]  # (table, column) → positions
    sizes: dict[str, int]  # rows per table when indexed

    @classmethod
    def of(cls, tables: Tables, street_of: pd.Series) -> _Rows:
        by = {(t, "id"): _Groups.of(tables[t]["id"]) for t in (*OWN_TABLES, "people", "places")}
        r = tables["resources"]
        by["resources", "provider_id"] = _Groups.of(r["provider_id"])
        by["resources", "street"] = _Groups.of(r["place_id"].astype(object).map(street_of))
        by["links", "source_id"] = _Groups.of(tables["links"]["source_id"])
        by["conditions", "place_id"] = _Groups.of(tables["conditions"]["place_id"])
        return cls(by, {t: len(df) for t, df in tables.items()})

    def at(self, table: str, ids) -> np.ndarray:
        return self.by[table, "id"].positions(ids)

    def links_from(self, ids) -> np.ndarray:
        return self.by["links", "source_id"].positions(ids)


@dataclass
class _Index:
    """Who is next to whom, built once per ledger so a scenario looks nodes up instead of
    scanning every link: ``near`` by a link, or as a resource's provider or a matter's
    handler (the column edges that are not about place); ``down``/``up`` along L."""

    near_: dict[str, set[str]]
    down: dict[str, set[str]]
    up: dict[str, set[str]]

    @classmethod
    def of(cls, tables: Tables, links: pd.DataFrame, rows: set[str] | None = None) -> _Index:
        """The index of ``links`` and of the column edges of ``tables`` (of the rows with
        ids in ``rows`` only, when given: the nodes a scenario adds)."""
        pairs = list(
            zip(links["source_id"].astype(object), links["target_id"].astype(object), strict=True)
        )
        for table, col in (("resources", "provider_id"), ("matters", "handler_id")):
            df = tables[table]
            if rows is not None:
                df = df[df["id"].isin(rows)] if rows else df.iloc[:0]
            pairs += zip(df["id"].astype(object), df[col].astype(object), strict=True)
        lk = _l_edges(links)
        return cls(
            _adjacency(pairs, both=True),
            _adjacency(zip(lk["src"], lk["dst"], strict=True), both=False),
            _adjacency(zip(lk["dst"], lk["src"], strict=True), both=False),
        )

    def near(self, ids: set[str], extra: _Index | None = None) -> set[str]:
        """Nodes one step from ``ids`` here or in ``extra``."""
        out: set[str] = set()
        for index in (self, extra) if extra else (self,):
            for i in ids:
                out |= index.near_.get(i, set())
        return out

    def walk(self, start: set[str], extra: _Index | None = None, *, up: bool) -> set[str]:
        """Everything below (or, ``up``, above) ``start`` in L, here or in ``extra``."""
        maps = [x.up if up else x.down for x in ((self, extra) if extra else (self,))]
        seen, frontier = set(start), set(start)
        while frontier:
            frontier = {y for x in frontier for m in maps for y in m.get(x, ())} - seen
            seen |= frontier
        return seen - set(start)


def _same(a: object, b: object) -> bool:
    a, b = plain(a), plain(b)
    return a == b


def _maybe_changed(
    before: pd.DataFrame, after: pd.DataFrame, ids: set[str], cols: list[str]
) -> set[str]:
    """The ids among ``ids`` whose ``cols`` may differ (a superset, compared column-wise):
    only those go through the per-value comparison, not every community of a city."""
    if not ids or not cols:
        return set()
    order = sorted(ids)
    x = before.set_index("id").loc[order, cols]
    y = after.set_index("id").loc[order, cols]
    hit = np.zeros(len(order), dtype=bool)
    for c in cols:
        try:
            same = (x[c] == y[c]).fillna(False).to_numpy(dtype=bool)
        except (TypeError, ValueError):  # e.g. lists: compare every row
            same = np.zeros(len(order), dtype=bool)
        hit |= ~(same | (x[c].isna().to_numpy(dtype=bool) & y[c].isna().to_numpy(dtype=bool)))
    return {i for i, h in zip(order, hit, strict=True) if h}


def diff(
    before: pd.DataFrame,
    after: pd.DataFrame,
    touched: set[str] | None = None,
    measured: list[str] = (),
) -> pd.DataFrame:
    """One row per (community, metric) whose value differs; metrics from the registry.

    With ``touched`` (the communities measured again) the other rows are compared only on
    the columns not in ``measured`` (those the district-wide scoring writes), the measured
    ones being the cached values.
    """
    metrics = [m for m in (*COMMUNITY_METRICS, "stars") if m in before.columns]
    scored = [m for m in metrics if m not in measured]
    both = set(before["id"]) & set(after["id"])
    full = (set(before["id"]) | set(after["id"])) - both
    full |= both if touched is None else both & set(touched)

    def records(df: pd.DataFrame, ids: set, cols: list[str]) -> dict[str, dict]:
        """Rows by id, only the columns compared (a whole row per community is slow)."""
        rows = df[df["id"].isin(ids)][["id", "name", *cols]]
        return {r["id"]: r for r in rows.to_dict("records")}

    rest = _maybe_changed(before, after, both - full, scored)
    b = records(before, full, metrics) | records(before, rest, scored)
    a = records(after, full, metrics) | records(after, rest, scored)
    recs = []
    for cid in sorted(b.keys() | a.keys()):
        x, y = b.get(cid, {}), a.get(cid, {})
        for m in metrics if cid in full else scored:
            if not _same(x.get(m), y.get(m)):
                name = (y or x)["name"]
                recs.append(
                    {
                        "community_id": cid,
                        "name": name,
                        "metric": m,
                        "before": plain(x.get(m)),
                        "after": plain(y.get(m)),
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
    baseline: Baseline | None = None,
) -> WhatIf:
    """The analysis before and after a change, and every (community, metric) it changes.

    ``baseline`` reuses the measure of the same ledger, year and rubric (a ``WhatIf``'s
    ``baseline``, the app's cache); without it the ledger is measured first.
    """
    scenario = Scenario.of(add_links, remove_links, remove_nodes, add_nodes, apply_suggestions)
    base = baseline or Baseline(network, year, rubric)
    return base.run(scenario)
