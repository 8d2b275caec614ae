"""Validation: raw text tables → typed tables, with every error of the ledger collected.

Column checks (required values, enumerations, numbers, dates) run as one pandera schema
per table in lazy mode, so all failures come back at once; cross-table checks (duplicate
ids, references, parent kinds and cycles, link rules, dates in order) are vectorized pandas.
Nothing here loops in Python over rows of a big table, so a city-sized ledger stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from graph.network import FIXED_KIND
from graph.schema import (
    ENUM_ALIASES,
    ENUMS,
    LINK_RULES,
    LINK_TYPES,
    NODE_TABLES,
    PARENT_KINDS,
    PLACE_KINDS,
    ROLES,
    TABLES,
    Column,
)
from graph.tables import Tables
from loaders.errors import Issue
from loaders.read import RawLedger, RawTable, match_name, normalize

REQUIRED_TABLES = ("places",)
NONNEGATIVE = {"int", "float"}  # counts, capacity and weights are never negative
_ROLE_SPLIT = re.compile(r"[;；,，、]+")
TABLE_ZH = {
    "places": "地点 place",
    "organizations": "组织 organization",
    "people": "人员 person",
    "matters": "事项 matter",
    "resources": "资源 resource",
}


@dataclass
class Checked:
    """The outcome of validation: typed tables (meaningful only without errors) and issues."""

    tables: Tables
    errors: list[Issue]
    warnings: list[Issue]
    counts: dict[str, int]


# --- value parsers (vectorized; shared by the pandera checks and the typed output) ----------


@cache
def enum_lookup(enum: str) -> dict[str, str]:
    """Every accepted spelling (normalized) of an enumeration → its English key."""
    names = ENUMS[enum]
    out = {normalize(k): k for k in names}
    out.update({normalize(v): k for k, v in names.items()})
    out.update({normalize(a): k for a, k in ENUM_ALIASES.get(enum, {}).items()})
    return out


def _enum_value(text: str, enum: str) -> str | None:
    found = enum_lookup(enum).get(normalize(text))
    return found if found is not None else match_name(text, ENUMS[enum])


def _by_unique(s: pd.Series, fn: Callable[[str], object]) -> np.ndarray:
    """Apply ``fn`` to each distinct value only: ledgers repeat kinds, roles, dates a lot."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [fn(u) for u in uniques]
    mapped[-1] = None  # code -1 (missing) picks the last slot
    return mapped[codes]


def parse_enum(s: pd.Series, enum: str) -> pd.Series:
    """Enumeration text (English, Chinese or alias) → English key; NA when unknown."""
    return pd.Series(_by_unique(s, lambda u: _enum_value(u, enum)), index=s.index, dtype="string")


def _roles_value(text: str) -> str | None:
    keys = {_enum_value(p.strip(), "role") for p in _ROLE_SPLIT.split(text) if p.strip()}
    if None in keys or not keys:
        return None
    return ";".join(k for k in ROLES if k in keys)


def parse_roles(s: pd.Series) -> pd.Series:
    """``;``-separated roles (also ``；``, ``,``, ``、``) → English keys in schema order."""
    return pd.Series(_by_unique(s, _roles_value), index=s.index, dtype="string")


def parse_number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype(object), errors="coerce").astype("Float64")


def parse_int(s: pd.Series) -> pd.Series:
    v = parse_number(s)
    whole = v.isna() | (v % 1 == 0)
    return v.where(whole).round().astype("Int64")


_DATE_FIXES = [("年", "-"), ("月", "-"), ("日", " "), ("/", "-"), (".", "-"), ("T", " ")]


def _date_text(text: str) -> str:
    for a, b in _DATE_FIXES:
        text = text.replace(a, b)
    return " ".join(text.split())


def parse_date(s: pd.Series) -> pd.Series:
    """ISO dates and times, also 2024/1/5, 2024.1.5, 2024年1月5日; NaT when unparseable."""
    text = s.astype(object)
    out = pd.to_datetime(text, format="ISO8601", errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    todo = text.notna() & out.isna()
    if todo.any():
        fixed = pd.Series(_by_unique(text[todo], _date_text), index=text[todo].index)
        for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
            got = pd.to_datetime(fixed, format=fmt, errors="coerce")
            out.loc[got.index] = out.loc[got.index].fillna(got)
    return out.astype("datetime64[ns]")


def parse_bool(s: pd.Series) -> pd.Series:
    return parse_enum(s, "bool").map({"true": True, "false": False}).astype("boolean")


def parse_column(col: Column, s: pd.Series) -> pd.Series:
    """Text → the column's typed values (unparseable → missing; checks report them)."""
    match col.type:
        case "enum":
            return parse_enum(s, col.enum or "")
        case "roles":
            return parse_roles(s)
        case "int":
            return parse_int(s)
        case "float":
            return parse_number(s)
        case "date":
            return parse_date(s)
        case "bool":
            return parse_bool(s)
        case _:
            return s.astype("string")


# --- column checks with pandera --------------------------------------------------------------


def _allowed(enum: str) -> str:
    return ", ".join(f"{k} {v}" for k, v in ENUMS[enum].items())


def _name(col: Column) -> str:
    return col.key if col.zh == col.key else f"{col.zh} {col.key}"


def _parse_message(col: Column) -> str:
    name = _name(col)
    match col.type:
        case "enum":
            return f"未知的{col.zh} unknown {col.key} (可选 allowed: {_allowed(col.enum or '')})"
        case "roles":
            return f"未知的角色 unknown role (可选 allowed: {_allowed('role')})"
        case "int":
            return f"{name} 不是整数 not a whole number"
        case "float":
            return f"{name} 不是数字 not a number"
        case "date":
            return f"{name} 无法识别的日期 unparseable date (use YYYY-MM-DD)"
        case "bool":
            return f"{name} 应为 是/否 expected 是/否 (yes/no)"
    return f"{name} invalid value"


def _messages(col: Column) -> dict[str, str]:
    name = _name(col)
    return {
        "not_nullable": f"缺少必填值 {name} is required",
        "parse": _parse_message(col),
        "nonnegative": f"{name} 不能为负数 must not be negative",
    }


def _column_schema(col: Column) -> pa.Column:
    checks = []
    if col.type in ("enum", "roles", "int", "float", "date", "bool"):
        checks.append(
            pa.Check(lambda s, c=col: s.isna() | parse_column(c, s).notna(), name="parse")
        )
    if col.type in NONNEGATIVE:
        checks.append(pa.Check(lambda s: ~(parse_number(s) < 0).fillna(False), name="nonnegative"))
    return pa.Column(nullable=not col.required, checks=checks, required=False)


def _spec_columns(table: str, raw: RawTable) -> list[Column]:
    """Schema columns plus extra numeric condition columns present in this table."""
    spec = TABLES[table]
    cols = list(spec.columns)
    if spec.extra_numeric:
        cols += [Column(c, c, "float") for c in raw.data.columns if c not in spec.column_keys]
    return cols


def check_columns(table: str, raw: RawTable) -> list[Issue]:
    """Missing required columns and every bad cell of one table."""
    spec = TABLES[table]
    issues = [
        raw.issue(f"缺少必需的列 missing required column {c.key} ({c.zh})", row=1, column=c.key)
        for c in spec.columns
        if c.required and c.key not in raw.data.columns
    ]
    cols = [c for c in _spec_columns(table, raw) if c.key in raw.data.columns]
    if raw.data.empty:
        return issues
    schema = pa.DataFrameSchema({c.key: _column_schema(c) for c in cols}, strict=False)
    try:
        schema.validate(raw.data, lazy=True)
    except SchemaErrors as exc:
        by_key = {c.key: c for c in cols}
        fc = exc.failure_cases
        fc = fc[fc["column"].isin(list(by_key)) & fc["index"].notna()]
        for (column, check), group in fc.groupby(["column", "check"], sort=False):
            message = _messages(by_key[column]).get(str(check), str(check))
            pos = group["index"].astype(int).to_numpy()
            values = raw.data[column].to_numpy()[pos]
            rows = raw.rows[pos]
            issues += [
                raw.issue(message, row=int(r), column=column, value=None if pd.isna(v) else v)
                for r, v in zip(rows, values, strict=True)
            ]
    return issues


def typed_table(table: str, raw: RawTable) -> pd.DataFrame:
    """The parsed table with schema columns (absent optional columns stay absent)."""
    out = {}
    for col in _spec_columns(table, raw):
        if col.key in raw.data.columns:
            out[col.key] = parse_column(col, raw.data[col.key])
    df = pd.DataFrame(out, index=raw.data.index)
    for col in TABLES[table].columns:
        if col.default is not None:
            if col.key in df.columns:
                df[col.key] = df[col.key].fillna(col.default)
            else:
                df[col.key] = pd.Series(col.default, index=df.index).astype(
                    "Int64" if col.type == "int" else "Float64"
                )
    return df


# --- cross-table checks ----------------------------------------------------------------------


class Ctx:
    """Typed tables with the raw tables that locate their rows, plus id lookups."""

    def __init__(self, raw: dict[str, RawTable], typed: Tables) -> None:
        self.raw = raw
        self.typed = typed
        frames = []
        for t in NODE_TABLES:
            df = typed.get(t)
            if df is None or "id" not in df.columns:
                continue
            fixed = FIXED_KIND.get(t, t)
            kind = df["kind"] if "kind" in df.columns else pd.Series(fixed, index=df.index)
            frames.append(
                pd.DataFrame(
                    {
                        "id": df["id"].astype(object),
                        "table": t,
                        "kind": kind.astype(object),
                        "pos": np.arange(len(df)),
                    }
                )
            )
        cols = ["id", "table", "kind", "pos"]
        allids = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
        self.allids = allids[allids["id"].notna()]
        first = self.allids.drop_duplicates("id")
        self.table_of = pd.Series(first["table"].to_numpy(), index=first["id"].to_numpy())
        self.kind_of = pd.Series(first["kind"].to_numpy(), index=first["id"].to_numpy())

    def issues(self, table: str, pos, column, values, messages) -> list[Issue]:
        """Issues at row positions of a table; ``messages`` is one string or one per row."""
        raw = self.raw[table]
        pos = np.asarray(pos, dtype=np.int64)
        if isinstance(messages, str):
            messages = [messages] * len(pos)
        vals = ["" if pd.isna(v) else str(v) for v in values]
        return [
            raw.issue(m, row=int(r), column=column, value=v)
            for r, v, m in zip(raw.rows[pos], vals, messages, strict=True)
        ]


def check_duplicate_ids(ctx: Ctx) -> list[Issue]:
    ids = ctx.allids
    dup = ids["id"].duplicated(keep="first")
    if not dup.any():
        return []
    first = ids.drop_duplicates("id").set_index("id")
    issues: list[Issue] = []
    for table, group in ids[dup].groupby("table", sort=False):
        f = first.loc[group["id"]]
        where = [f"{t} row {ctx.raw[t].rows[p]}" for t, p in zip(f["table"], f["pos"], strict=True)]
        msgs = [
            f"编号重复 duplicate id (ids are unique in the whole ledger; first at {w})"
            for w in where
        ]
        issues += ctx.issues(str(table), group["pos"], "id", group["id"], msgs)
    return issues


def check_refs(ctx: Ctx) -> list[Issue]:
    issues: list[Issue] = []
    for table, df in ctx.typed.items():
        for col in TABLES[table].columns:
            if col.type != "ref" or col.key not in df.columns:
                continue
            values = df[col.key]
            present = values.notna().to_numpy()
            found = ctx.table_of.reindex(values.astype(object).to_numpy())
            ok = found.isin(col.refs).to_numpy()
            bad = np.flatnonzero(present & ~ok)
            if not len(bad):
                continue
            want = " / ".join(TABLE_ZH[r] for r in col.refs)
            msgs = [
                f"未知的编号 unknown id: no {want} has this id"
                if pd.isna(t)
                else f"编号类型不符 this id is a {TABLE_ZH[t]}, expected a {want}"
                for t in found.to_numpy()[bad]
            ]
            issues += ctx.issues(table, bad, col.key, values.to_numpy()[bad], msgs)
    return issues


def check_parents(ctx: Ctx) -> list[Issue]:
    places = ctx.typed.get("places")
    if places is None or not {"id", "kind", "parent_id"} <= set(places.columns):
        return []
    issues: list[Issue] = []
    parent = places["parent_id"].astype(object)
    is_place = (ctx.table_of.reindex(parent.to_numpy()) == "places").to_numpy()
    pkind = ctx.kind_of.reindex(parent.to_numpy()).to_numpy()
    kind = places["kind"].astype(object).to_numpy()
    pairs = {f"{k}>{p}" for k, ps in PARENT_KINDS.items() if ps is not None for p in ps}
    free = {k for k, ps in PARENT_KINDS.items() if ps is None}
    pair = pd.Series(kind, dtype=object) + ">" + pd.Series(pkind, dtype=object)
    checkable = is_place & pd.notna(kind) & ~np.isin(kind.astype(str), list(free))
    bad = np.flatnonzero(checkable & ~pair.isin(pairs).to_numpy())
    msgs = []
    for k, p in zip(kind[bad], pkind[bad], strict=True):
        allowed = PARENT_KINDS[k]
        want = (
            " / ".join(f"{a} {PLACE_KINDS[a]}" for a in sorted(allowed))
            if allowed
            else "none (it is the top)"
        )
        msgs.append(
            f"上级类型不符 a {k} ({PLACE_KINDS[k]})'s parent must be {want}, "
            f"not a {p} ({PLACE_KINDS.get(p, p)})"
        )
    issues += ctx.issues("places", bad, "parent_id", parent.to_numpy()[bad], msgs)
    issues += _cycles(ctx, places)
    return issues


def _cycles(ctx: Ctx, places: pd.DataFrame) -> list[Issue]:
    """Parent cycles by pointer doubling: a place still has an ancestor after n steps."""
    ids = places["id"].astype(object)
    n = len(ids)
    if n == 0:
        return []
    index = pd.Index(ids.to_numpy()).drop_duplicates()
    ppos = index.get_indexer(places["parent_id"].astype(object).to_numpy())
    own = index.get_indexer(ids.to_numpy())
    jump = np.full(len(index) + 1, len(index), dtype=np.int64)  # last slot = no parent
    valid = (own >= 0) & (ppos >= 0)
    jump[own[valid]] = ppos[valid]
    steps = 1
    while steps <= len(index):
        jump = jump[jump]
        steps *= 2
    on_cycle_start = np.unique(jump[: len(index)][jump[: len(index)] < len(index)])
    if not len(on_cycle_start):
        return []
    parent_of = dict(zip(own[valid], ppos[valid], strict=True))
    seen: set[int] = set()
    issues: list[Issue] = []
    first_pos = pd.Series(np.arange(n), index=ids.to_numpy()).groupby(level=0).first()
    for start in on_cycle_start:
        if start in seen:
            continue
        cycle = [int(start)]
        node = parent_of[int(start)]
        while node != start:
            cycle.append(int(node))
            node = parent_of[int(node)]
        seen.update(cycle)
        names = [str(index[i]) for i in cycle]
        path = " → ".join([*names, names[0]])
        pos = first_pos.loc[names].to_numpy()
        msg = f"上级循环 parent cycle: {path}"
        issues += ctx.issues("places", pos, "parent_id", places["parent_id"].to_numpy()[pos], msg)
    return issues


def check_links(ctx: Ctx) -> list[Issue]:
    links = ctx.typed.get("links")
    if links is None or not {"source_id", "target_id", "type"} <= set(links.columns):
        return []
    src = links["source_id"].astype(object).to_numpy()
    tgt = links["target_id"].astype(object).to_numpy()
    label = ctx.table_of.map(lambda t: TABLES[t].label)
    s_label = label.reindex(src).to_numpy()
    t_label = label.reindex(tgt).to_numpy()
    s_kind = ctx.kind_of.reindex(src).to_numpy()
    t_kind = ctx.kind_of.reindex(tgt).to_numpy()
    type_ = links["type"].astype(object).to_numpy()
    issues: list[Issue] = []
    for name, rule in LINK_RULES.items():
        m = (type_ == name) & pd.notna(s_label) & pd.notna(t_label)
        if not m.any():
            continue
        ok_s = _ends_ok(rule.sources, s_label, s_kind)
        ok_t = _ends_ok(rule.targets, t_label, t_kind)
        bad = np.flatnonzero(m & ~(ok_s & ok_t))
        msgs = [
            f"关系类型不符 {name} {LINK_TYPES[name]} goes {rule.doc}, "
            f"not {sl}:{sk} → {tl}:{tk} ({s} → {t})"
            for s, t, sl, sk, tl, tk in zip(
                src[bad],
                tgt[bad],
                s_label[bad],
                s_kind[bad],
                t_label[bad],
                t_kind[bad],
                strict=True,
            )
        ]
        issues += ctx.issues("links", bad, "type", type_[bad], msgs)
    return issues


def _ends_ok(ends, label: np.ndarray, kind: np.ndarray) -> np.ndarray:
    ok = np.zeros(len(label), dtype=bool)
    for end in ends:
        hit = label == end.label
        if end.kinds is not None:
            hit &= np.isin(kind.astype(str), list(end.kinds))
        ok |= hit
    return ok


def check_dates(ctx: Ctx) -> list[Issue]:
    matters = ctx.typed.get("matters")
    if matters is None or not {"submitted_at", "closed_at"} <= set(matters.columns):
        return []
    bad = np.flatnonzero((matters["closed_at"] < matters["submitted_at"]).to_numpy())
    sub = matters["submitted_at"].dt.strftime("%Y-%m-%d %H:%M").to_numpy()[bad]
    msgs = [f"结单时间早于交单时间 closed_at is before submitted_at ({s})" for s in sub]
    raw = ctx.raw["matters"].data["closed_at"].to_numpy()[bad]
    return ctx.issues("matters", bad, "closed_at", raw, msgs)


def check_conditions(ctx: Ctx) -> list[Issue]:
    cond = ctx.typed.get("conditions")
    if cond is None or not {"place_id", "year"} <= set(cond.columns):
        return []
    key = cond[["place_id", "year"]]
    dup = key.duplicated(keep="first") & key.notna().all(axis=1)
    bad = np.flatnonzero(dup.to_numpy())
    if not len(bad):
        return []
    msg = "重复的年度情况 duplicate conditions row: this place already has a row for this year"
    return ctx.issues("conditions", bad, "year", cond["year"].to_numpy()[bad], msg)


# --- warnings --------------------------------------------------------------------------------


def warn(ctx: Ctx) -> list[Issue]:
    out: list[Issue] = []
    places = ctx.typed.get("places")
    cond = ctx.typed.get("conditions")
    if places is not None and {"id", "kind"} <= set(places.columns):
        has = cond["place_id"] if cond is not None and "place_id" in cond.columns else []
        m = places["kind"].isin(["community", "village"]) & ~places["id"].isin(has)
        pos = np.flatnonzero(m.to_numpy())
        out += ctx.issues(
            "places",
            pos,
            "id",
            places["id"].to_numpy()[pos],
            "没有情况数据 no conditions row for this community/village "
            "(per-1000 metrics stay empty)",
        )
    links = ctx.typed.get("links")
    if links is not None and {"since", "until"} <= set(links.columns):
        pos = np.flatnonzero((links["until"] < links["since"]).to_numpy())
        raw = ctx.raw["links"].data["until"].to_numpy()[pos]
        out += ctx.issues(
            "links", pos, "until", raw, "终止早于起始 until is before since; the link never counts"
        )
    if links is not None and len(links):
        pos = np.flatnonzero(links.duplicated(keep="first").to_numpy())
        out += ctx.issues(
            "links", pos, "type", links["type"].to_numpy()[pos], "重复的关系 duplicate link"
        )
    return out


# --- entry -----------------------------------------------------------------------------------


def validate_raw(raw: RawLedger, tick: Callable[[str], None] | None = None) -> Checked:
    """Check a raw ledger and parse it into typed tables; every problem becomes an Issue."""
    errors = list(raw.errors)
    warnings = list(raw.warnings)
    if raw.tables or not errors:
        for t in REQUIRED_TABLES:
            if t not in raw.tables:
                errors.append(
                    Issue(
                        t,
                        None,
                        None,
                        None,
                        f"缺少必需的表 missing required table {t} ({TABLES[t].zh})",
                    )
                )
    typed: Tables = {}
    for table, rt in raw.tables.items():
        if tick:
            tick(f"checking {table}")
        errors += check_columns(table, rt)
        typed[table] = typed_table(table, rt)
    if tick:
        tick("checking links between tables")
    ctx = Ctx(raw.tables, typed)
    for check in (
        check_duplicate_ids,
        check_refs,
        check_parents,
        check_links,
        check_dates,
        check_conditions,
    ):
        errors += check(ctx)
    warnings += warn(ctx)
    order = {t: i for i, t in enumerate(TABLES)}
    errors.sort(key=lambda e: (order.get(e.table or "", -1), e.row or 0))
    counts = {t: len(rt.data) for t, rt in raw.tables.items()}
    return Checked(typed, errors, warnings, counts)
