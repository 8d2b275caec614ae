"""A what-if scenario: links and nodes added or removed, checked like a ledger, applied to a copy.

The checks are the ledger's own rules (graph/schema.py): every id must exist, a link type
must be allowed between the kinds it joins, and what is removed must be there. All
problems are collected before anything is applied, so a bad scenario changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from graph.analysis.asof import active_links
from graph.network import FIXED_KIND, NODE_KIND_COLUMN
from graph.schema import (
    ENUMS,
    IMPLICIT_TYPES,
    LINK_RULES,
    LINK_TYPES,
    NODE_TABLES,
    TABLES,
)
from graph.tables import Tables, coerce

Link = tuple[str, str, str]  # (source_id, TYPE, target_id)


class ScenarioError(ValueError):
    """Every problem of a scenario, one line each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("情景有误 invalid scenario:\n" + "\n".join(f"  {e}" for e in errors))


@dataclass(frozen=True)
class Scenario:
    """The changes to test. Links are ``(source_id, TYPE, target_id)``; nodes are ledger rows
    with a ``table`` key (``organizations``, ``people``, …, or its label or Chinese name)."""

    add_links: tuple[Link, ...] = ()
    remove_links: tuple[Link, ...] = ()
    remove_nodes: tuple[str, ...] = ()
    add_nodes: tuple[dict, ...] = ()
    apply_suggestions: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        add_links: Iterable = (),
        remove_links: Iterable = (),
        remove_nodes: Iterable[str] = (),
        add_nodes: Iterable[dict] = (),
        apply_suggestions: Iterable[str] = (),
    ) -> Scenario:
        """A scenario from any iterables (lists from JSON, CLI options)."""
        return cls(
            tuple(_link(x) for x in add_links),
            tuple(_link(x) for x in remove_links),
            tuple(str(x) for x in remove_nodes),
            tuple(dict(x) for x in add_nodes),
            tuple(str(x) for x in apply_suggestions),
        )

    def to_json(self) -> dict:
        return {
            "add_links": [list(x) for x in self.add_links],
            "remove_links": [list(x) for x in self.remove_links],
            "remove_nodes": list(self.remove_nodes),
            "add_nodes": list(self.add_nodes),
            "apply_suggestions": list(self.apply_suggestions),
        }


def _link(x: object) -> Link:
    """A link triple from a tuple/list or a ``"SRC TYPE TGT"`` string."""
    parts = x.split() if isinstance(x, str) else list(x)  # type: ignore[arg-type]
    if len(parts) != 3:
        raise ScenarioError([f"a link is 'SOURCE TYPE TARGET', got {x!r}"])
    s, t, g = (str(p).strip() for p in parts)
    return s, t.upper(), g


@dataclass
class Applied:
    """The changed ledger and what changed in it (ids of nodes and links' ends)."""

    tables: Tables
    changed: set[str]  # every node id added, removed or at an end of an added/removed link
    added_links: pd.DataFrame  # rows appended to the links table
    removed: dict[str, list[str]] = field(default_factory=dict)  # table → ids removed
    added_nodes: tuple[dict, ...] = ()
    # no row of the ledger was dropped or altered (rows only appended): a row's position
    # in each table is the one it had before, so an index of the ledger still holds
    appended: bool = False


class Lookup(Protocol):
    """An index of the ledger a scenario is checked against (``Baseline`` keeps one), so a
    check looks its few ids up instead of scanning every table."""

    def rows(self, table: str, ids: Iterable[str]) -> pd.DataFrame:
        """The rows of ``table`` with these ids, in table order."""

    def links_from(self, ids: Iterable[str]) -> pd.DataFrame:
        """The links whose source is one of these ids, in table order."""


def table_key(name: object) -> str | None:
    """``organizations`` from its key, label (``Organization``) or Chinese name (``组织``)."""
    for key in NODE_TABLES:
        spec = TABLES[key]
        if name in (key, spec.label, spec.zh):
            return key
    return None


def _nodes(
    tables: Tables, ids: set[str], lookup: Lookup | None = None
) -> dict[str, tuple[str, str]]:
    """id → (table, kind) for the given ids that are nodes of the ledger."""
    out: dict[str, tuple[str, str]] = {}
    for table in NODE_TABLES:
        df = tables[table]
        hit = lookup.rows(table, ids) if lookup else df[df["id"].isin(ids)]
        kinds = hit[NODE_KIND_COLUMN[table]] if table in NODE_KIND_COLUMN else None
        for i, nid in enumerate(hit["id"].astype(object)):
            out[nid] = (table, FIXED_KIND.get(table) or str(kinds.iloc[i]))
    return out


def _rule_error(link: Link, ends: dict[str, tuple[str, str]]) -> str | None:
    """Why a link is not allowed between its ends' kinds (None when it is)."""
    s, type_, t = link
    if type_ in IMPLICIT_TYPES:
        return f"{type_} is set by a column (parent_id, place_id, …), not by a link: {link}"
    if type_ not in LINK_TYPES:
        return f"unknown link type {type_!r} in {link} (allowed: {', '.join(LINK_TYPES)})"
    rule = LINK_RULES[type_]
    (st, sk), (tt, tk) = ends[s], ends[t]
    ok = any(e.allows(TABLES[st].label, sk) for e in rule.sources) and any(
        e.allows(TABLES[tt].label, tk) for e in rule.targets
    )
    if ok:
        return None
    return f"{type_} not allowed from {sk} {s} to {tk} {t} ({type_} is {rule.doc})"


def _check_new_node(row: dict, known: set[str], n: int) -> tuple[str | None, list[str]]:
    """The table of a node to add and the problems of its row."""
    table = table_key(row.get("table"))
    where = f"add_nodes[{n}] {row.get('id', '')!s}".rstrip()
    if table is None:
        names = ", ".join(NODE_TABLES)
        return None, [f"{where}: table must be one of {names}, got {row.get('table')!r}"]
    spec, errors = TABLES[table], []
    cols = {k: v for k, v in row.items() if k != "table"}
    for key in cols:
        if key not in spec.column_keys:
            errors.append(f"{where}: unknown column {key!r} of {table}")
        elif spec.column(key).personal:  # pseudonymized on import only, never taken here
            errors.append(f"{where}: personal data ({key}) is only taken through a ledger import")
    for col in spec.columns:
        value = cols.get(col.key)
        if col.required and value in (None, ""):
            errors.append(f"{where}: {col.key} is required")
        elif value is None:
            continue
        elif col.type == "enum" and value not in ENUMS[col.enum or ""]:
            errors.append(
                f"{where}: {col.key} {value!r} is not one of {', '.join(ENUMS[col.enum or ''])}"
            )
        elif col.type == "ref" and value not in known:
            errors.append(f"{where}: {col.key} {value!r} is not a known id")
    return table, errors


def check(tables: Tables, scenario: Scenario, year: int, lookup: Lookup | None = None) -> list[str]:
    """Every problem of a scenario against a ledger (empty when it can be applied);
    ``lookup``, an index of ``tables``, finds the ids it names without a scan."""
    mentioned = {
        x for link in (*scenario.add_links, *scenario.remove_links) for x in (link[0], link[2])
    }
    mentioned |= set(scenario.remove_nodes)
    new_ids = [str(r.get("id")) for r in scenario.add_nodes]
    refs = {str(v) for r in scenario.add_nodes for v in r.values() if isinstance(v, str)}
    existing = _nodes(tables, mentioned | set(new_ids) | refs, lookup)
    errors: list[str] = []
    added: dict[str, tuple[str, str]] = {}
    for n, row in enumerate(scenario.add_nodes):
        nid = str(row.get("id") or "")
        if nid in existing or nid in added:
            errors.append(f"add_nodes[{n}]: id {nid!r} already exists")
        table, problems = _check_new_node(row, set(existing) | set(added) | set(new_ids), n)
        errors += problems
        if table and nid:
            kind = FIXED_KIND.get(table) or str(row.get(NODE_KIND_COLUMN.get(table, ""), ""))
            added[nid] = (table, kind)
    removed = set(scenario.remove_nodes)
    for nid in scenario.remove_nodes:
        if nid not in existing:
            errors.append(f"remove {nid}: no such node")
        elif existing[nid][0] == "places":
            errors += _place_in_use(tables, nid)
    ends = {**existing, **added}
    # only links leaving a mentioned node can match: the rest of the ledger is not read
    sources = {x[0] for x in (*scenario.add_links, *scenario.remove_links)}
    if lookup is not None:
        links = lookup.links_from(sources)
    else:
        links = tables["links"]
        links = links[links["source_id"].isin(sources)]
    active = active_links(links, year)
    seen: set[Link] = set()
    for link in scenario.add_links:
        s, type_, t = link
        missing = [x for x in (s, t) if x not in ends or x in removed]
        if missing:
            errors.append(f"add link {' '.join(link)}: unknown id {', '.join(missing)}")
            continue
        problem = _rule_error(link, ends)
        if problem:
            errors.append(f"add link {' '.join(link)}: {problem}")
        elif link in seen or _has(active, link):
            errors.append(f"add link {' '.join(link)}: the link already exists in {year}")
        seen.add(link)
    for link in scenario.remove_links:
        if link[1] not in LINK_TYPES:
            errors.append(f"remove link {' '.join(link)}: {link[1]!r} is not a link type")
        elif not _has(links, link):
            errors.append(f"remove link {' '.join(link)}: no such link in the ledger")
    return errors


def _has(links: pd.DataFrame, link: Link) -> bool:
    s, type_, t = link
    return bool(
        ((links["source_id"] == s) & (links["type"] == type_) & (links["target_id"] == t)).any()
    )


def _place_in_use(tables: Tables, pid: str) -> list[str]:
    """A place can go only when nothing is located in or under it."""
    users = [
        f"{len(hit)} {table}"
        for table, col in (
            ("places", "parent_id"),
            ("organizations", "place_id"),
            ("people", "place_id"),
            ("matters", "place_id"),
            ("resources", "place_id"),
        )
        if len(hit := tables[table][tables[table][col] == pid])
    ]
    if not users:
        return []
    return [f"remove {pid}: the place still holds {', '.join(users)}; remove those first"]


def apply(tables: Tables, scenario: Scenario, year: int, lookup: Lookup | None = None) -> Applied:
    """The ledger with the scenario applied (a copy; ``tables`` is left as it is).

    Removing an organization or person also removes the links touching it and the
    resources it provides (a resource cannot exist without its provider); the matters
    it handles lose their handler. Raises ScenarioError listing every problem.
    ``lookup`` (an index of ``tables``) spares the checks a scan of the ledger.
    """
    errors = check(tables, scenario, year, lookup)
    if errors:
        raise ScenarioError(errors)
    out = dict(tables)
    removed = set(scenario.remove_nodes)
    by_table: dict[str, list[str]] = {}
    if removed:  # with nothing removed no table is scanned (a city's are large)
        res = tables["resources"]
        removed |= set(res[res["provider_id"].isin(removed)]["id"].astype(object))
    for table in NODE_TABLES if removed else ():
        df = out[table]
        hit = df["id"].isin(removed)
        if hit.any():
            by_table[table] = sorted(df.loc[hit, "id"].astype(object))
            out[table] = df[~hit].reset_index(drop=True)
    if removed:
        m = out["matters"]
        if m["handler_id"].isin(removed).any():
            m = m.copy()
            m["handler_id"] = m["handler_id"].mask(m["handler_id"].isin(removed))
            out["matters"] = m
        c = out["conditions"]
        out["conditions"] = c[~c["place_id"].isin(removed)].reset_index(drop=True)
    for table in NODE_TABLES:
        rows = [
            {k: v for k, v in r.items() if k != "table"}
            for r in scenario.add_nodes
            if table_key(r.get("table")) == table
        ]
        if rows:
            new = coerce(table, pd.DataFrame(rows))
            out[table] = pd.concat([out[table], new], ignore_index=True)
    links = out["links"]
    drop = pd.Series(False, index=links.index)
    if removed:
        drop |= links["source_id"].isin(removed) | links["target_id"].isin(removed)
    for s, type_, t in scenario.remove_links:
        drop |= (links["source_id"] == s) & (links["type"] == type_) & (links["target_id"] == t)
    dropped = bool(drop.any())
    added = coerce(
        "links",
        pd.DataFrame(
            [{"source_id": s, "type": ty, "target_id": t} for s, ty, t in scenario.add_links]
        ),
    )
    added["weight"] = added["weight"].fillna(1.0)
    changed = set(removed) | {str(r.get("id")) for r in scenario.add_nodes}
    if dropped:
        changed |= set(links.loc[drop, "source_id"].astype(object))
        changed |= set(links.loc[drop, "target_id"].astype(object))
    changed |= {x for s, _t, g in scenario.add_links for x in (s, g)}
    kept = links[~drop] if dropped else links
    out["links"] = pd.concat([kept, added], ignore_index=True) if len(added) else kept
    out["links"] = out["links"].reset_index(drop=True)
    appended = not removed and not dropped
    return Applied(out, changed, added, by_table, scenario.add_nodes, appended)
