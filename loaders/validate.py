"""Validation: raw text tables → typed tables, with every error of the ledger collected.

Column checks (required values, enumerations, numbers, dates) run as one pandera schema
per table in lazy mode, so all failures come back at once — only for a table that has a
bad cell, which a vectorized pass finds first (a valid ledger never imports pandera, a
second of start-up on a busy machine); cross-table checks (duplicate
ids, references, parent kinds and cycles, link rules, dates in order) are vectorized
pandas and Arrow.
Nothing here loops in Python over rows of a big table, so a city-sized ledger stays fast.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.network import FIXED_KIND
from graph.schema import (
    COMMUNITY_KINDS,
    ENUMS,
    LABEL_TABLE,
    LINK_RULES,
    LINK_TYPES,
    NODE_TABLES,
    ORG_KINDS,
    PARENT_KINDS,
    PLACE_KINDS,
    RESOURCE_KINDS,
    TABLES,
    Column,
)
from graph.tables import Tables
from loaders.errors import Issue
from loaders.id_index import IdIndex, index_ids
from loaders.parse import arrow, parse_column
from loaders.read import RawLedger, RawTable

REQUIRED_TABLES = ("places",)
# counts, years, capacity and link strength are never negative (lat/lon and extra
# condition columns such as growth rates may be)
NONNEGATIVE_TYPES = {"int"}
NONNEGATIVE_COLUMNS = {"weight"}
PARSED = {"enum", "roles", "int", "float", "date", "bool"}
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
    index: IdIndex | None = None  # the ids and references as positions, for a conversion


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


def _at(mask: np.ndarray, s: pd.Series) -> pd.Series:
    """A precomputed per-row result for the rows (positional index) pandera checks."""
    return pd.Series(mask[s.index.to_numpy()], index=s.index)


def _column_schema(col: Column, parsed: pd.Series | None):
    """pandera column: required → not nullable; typed columns → every cell must parse."""
    import pandera.pandas as pa

    checks = []
    if parsed is not None and col.type in PARSED:
        ok = parsed.notna().to_numpy()  # pandera hands the check the non-missing cells only
        checks.append(pa.Check(lambda s, ok=ok: _at(ok, s), name="parse"))
    if parsed is not None and _nonnegative(col):
        positive = ~(parsed < 0).fillna(False).to_numpy()
        checks.append(pa.Check(lambda s, ok=positive: _at(ok, s), name="nonnegative"))
    return pa.Column(nullable=not col.required, checks=checks, required=False)


def _spec_columns(table: str, raw: RawTable) -> list[Column]:
    """Schema columns plus extra numeric condition columns present in this table."""
    spec = TABLES[table]
    cols = list(spec.columns)
    if spec.extra_numeric:
        cols += [Column(c, c, "float") for c in raw.data.columns if c not in spec.column_keys]
    return cols


def parse_table(table: str, raw: RawTable) -> pd.DataFrame:
    """Every present column parsed to its type (unreadable cells become missing)."""
    out = {
        c.key: parse_column(c, raw.data[c.key])
        for c in _spec_columns(table, raw)
        if c.key in raw.data.columns
    }
    return pd.DataFrame(out, index=raw.data.index)


def _nonnegative(col: Column) -> bool:
    return col.type in NONNEGATIVE_TYPES or col.key in NONNEGATIVE_COLUMNS


def _has_bad_cell(col: Column, values: pd.Series, parsed: pd.Series | None) -> bool:
    """Whether pandera would report a cell of this column (the same three checks)."""
    missing = values.isna().to_numpy()
    if col.required and missing.any():
        return True
    if parsed is None:
        return False
    if col.type in PARSED and (parsed.isna().to_numpy() & ~missing).any():
        return True
    return _nonnegative(col) and bool(((parsed < 0).fillna(False).to_numpy() & ~missing).any())


def check_columns(table: str, raw: RawTable, parsed: pd.DataFrame) -> list[Issue]:
    """Missing required columns and every bad cell of one table (one lazy pandera run)."""
    spec = TABLES[table]
    issues = [
        raw.issue(f"缺少必需的列 missing required column {c.key} ({c.zh})", row=1, column=c.key)
        for c in spec.columns
        if c.required and c.key not in raw.data.columns
    ]
    cols = [c for c in _spec_columns(table, raw) if c.key in raw.data.columns]
    if raw.data.empty or not any(
        _has_bad_cell(c, raw.data[c.key], parsed.get(c.key)) for c in cols
    ):
        return issues
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    schema = pa.DataFrameSchema(
        {c.key: _column_schema(c, parsed.get(c.key)) for c in cols}, strict=False
    )
    try:
        schema.validate(raw.data, lazy=True)
    except SchemaErrors as exc:
        by_key = {c.key: c for c in cols}
        fc = exc.failure_cases
        fc = fc[fc["column"].isin(list(by_key))]
        broken = fc[fc["index"].isna()]  # a check that could not run: never hide it
        issues += [
            raw.issue(f"检查失败 check {c} failed: {f}", column=col)
            for col, c, f in zip(
                broken["column"], broken["check"], broken["failure_case"], strict=True
            )
        ]
        fc = fc[fc["index"].notna()]
        for (column, check), group in fc.groupby(["column", "check"], sort=False):
            message = _messages(by_key[column]).get(str(check), str(check))
            pos = group["index"].astype(int).to_numpy()
            values = raw.data[column].iloc[pos].tolist()
            issues += [
                raw.issue(message, row=int(r), column=column, value=None if pd.isna(v) else v)
                for r, v in zip(raw.rows[pos], values, strict=True)
            ]
    return issues


def with_defaults(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Fill schema defaults (link weight 1, resource capacity 1)."""
    for col in TABLES[table].columns:
        if col.default is None:
            continue
        dtype = "Int64" if col.type == "int" else "Float64"
        if col.key in df.columns:
            df[col.key] = df[col.key].fillna(col.default)
        else:
            df[col.key] = pd.Series(col.default, index=df.index, dtype=dtype)
    return df


# --- cross-table checks ----------------------------------------------------------------------

KINDS: tuple[str, ...] = tuple(
    dict.fromkeys([*PLACE_KINDS, *ORG_KINDS, *RESOURCE_KINDS, *FIXED_KIND.values()])
)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
TABLE_CODE = {t: i for i, t in enumerate(NODE_TABLES)}
KIND_NAMES = np.array([*KINDS, None], dtype=object)  # code -1 → None
LABEL_NAMES = np.array([*(TABLES[t].label for t in NODE_TABLES), None], dtype=object)
TABLE_NAMES = np.array([*NODE_TABLES, None], dtype=object)


def _codes(values: pd.Series, mapping: dict[str, int]) -> np.ndarray:
    """Text → integer codes (-1 for missing or unknown), decoded once per distinct value."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # as ``kept_across`` keeps them
        lut = np.array([mapping.get(v, -1) for v in values.cat.categories] + [-1], np.int64)
        return lut[values.cat.codes.to_numpy()]
    enc = arrow(values).dictionary_encode()
    lut = np.array([mapping.get(v, -1) for v in enc.dictionary.to_pylist()] + [-1], np.int64)
    idx = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return lut[idx]


class Ctx:
    """Typed tables, the raw tables that locate their rows, and one index of every id
    (``loaders.id_index``): every lookup afterwards is integer indexing.
    """

    def __init__(self, raw: dict[str, RawTable], typed: Tables) -> None:
        self.raw = raw
        self.typed = typed
        refs = [(t, c.key) for t in typed for c in TABLES[t].columns if c.type == "ref"]
        self.index = index_ids(typed, refs)
        tables, kinds = [], []
        for t, rows in self.index.rows.items():
            df = typed[t]
            tables.append(np.full(len(rows), TABLE_CODE[t], np.int8))
            if "kind" in df.columns:
                kinds.append(_codes(df["kind"], KIND_CODE)[rows])
            else:  # people/matters have one kind; a missing kind column is reported already
                code = KIND_CODE[FIXED_KIND[t]] if t in FIXED_KIND else -1
                kinds.append(np.full(len(rows), code, np.int8))
        # lookups by id position; the extra last slot answers position -1 (not found)
        self.table = np.concatenate([*tables, [-1]]).astype(np.int8, copy=False)
        self.kind = np.concatenate([*kinds, [-1]]).astype(np.int8, copy=False)
        self.pos = np.concatenate([*self.index.rows.values(), [-1]]).astype(np.int64, copy=False)

    def find(self, table: str, column: str) -> np.ndarray:
        """Id position of each value of a reference column, -1 when absent or missing."""
        return self.index.refs[(table, column)]

    def issues(self, table: str, pos, column: str, values, messages) -> list[Issue]:
        """Issues at row positions of a table; ``messages`` is one string or one per row."""
        raw = self.raw[table]
        pos = np.asarray(pos, dtype=np.int64)
        if isinstance(values, pd.Series):
            values = values.iloc[pos].tolist()
        if isinstance(messages, str):
            messages = [messages] * len(pos)
        vals = [None if v is None or v is pd.NA or v is pd.NaT else str(v) for v in values]
        return [
            raw.issue(m, row=int(r), column=column, value=v)
            for r, v, m in zip(raw.rows[pos], vals, messages, strict=True)
        ]


def check_duplicate_ids(ctx: Ctx) -> list[Issue]:
    first = ctx.index.first
    dup = np.flatnonzero(first != np.arange(len(first)))
    issues: list[Issue] = []
    for d in dup:
        f, t = first[d], TABLE_NAMES[ctx.table[d]]
        where = (
            f"{TABLE_NAMES[ctx.table[f]]} row {ctx.raw[TABLE_NAMES[ctx.table[f]]].rows[ctx.pos[f]]}"
        )
        msg = f"编号重复 duplicate id (ids are unique in the whole ledger; first at {where})"
        issues += ctx.issues(t, [ctx.pos[d]], "id", [ctx.index.ids[int(d)].as_py()], msg)
    return issues


def check_refs(ctx: Ctx) -> list[Issue]:
    issues: list[Issue] = []
    traced: dict[tuple[str, int], Counter] = {}  # unreadable row -> referring tables
    for table, df in ctx.typed.items():
        for col in TABLES[table].columns:
            if col.type != "ref" or col.key not in df.columns:
                continue
            if not any(r in ctx.typed for r in col.refs):
                continue  # the whole table is missing: reported once, not per reference
            values = df[col.key]
            found = ctx.table[ctx.find(table, col.key)]
            allowed = [TABLE_CODE[r] for r in col.refs]
            bad = np.flatnonzero(values.notna().to_numpy() & ~np.isin(found, allowed))
            bad = _untraced(ctx, table, values, bad, found, traced)
            if not len(bad):
                continue
            want = " / ".join(TABLE_ZH[r] for r in col.refs)
            msgs = [
                f"未知的编号 unknown id: no {want} has this id"
                if t < 0
                else f"编号类型不符 this id is a {TABLE_ZH[TABLE_NAMES[t]]}, expected a {want}"
                for t in found[bad]
            ]
            issues += ctx.issues(table, bad, col.key, values, msgs)
    return issues + _consequences(ctx, traced)


def _untraced(ctx: Ctx, table: str, values: pd.Series, bad, found, traced: dict) -> np.ndarray:
    """The bad references not explained by an unreadable row; the others are counted
    against that row (one bad place row must not read as 23 unknown ids)."""
    lost = {i: (t, r) for t, raw in ctx.raw.items() for i, r in raw.lost.items()}
    if not lost or not len(bad):
        return bad
    keep = []
    for pos, value, hit in zip(bad, values.iloc[bad], found[bad], strict=True):
        cause = lost.get(value) if hit < 0 else None
        if cause is None:
            keep.append(pos)
        else:
            traced.setdefault(cause, Counter())[table] += 1
    return np.asarray(keep, dtype=np.int64)


def _consequences(ctx: Ctx, traced: dict[tuple[str, int], Counter]) -> list[Issue]:
    """One counted line per unreadable row, placed right after that row's own error."""
    out = []
    for (table, row), counts in traced.items():
        ids = [i for i, r in ctx.raw[table].lost.items() if r == row]
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        where = ", ".join(f"{t} {n}" for t, n in counts.items())
        n = sum(counts.values())
        out.append(
            ctx.raw[table].issue(
                f"因此未知的编号 as a consequence, {n} references to the {len(ids)} ids this "
                f"unreadable row holds ({shown}) are unknown ({where}); fix this row first",
                row=row,
            )
        )
    return out


def check_parents(ctx: Ctx) -> list[Issue]:
    places = ctx.typed.get("places")
    if places is None or not {"id", "kind", "parent_id"} <= set(places.columns):
        return []
    found = ctx.find("places", "parent_id")
    is_place = ctx.table[found] == TABLE_CODE["places"]
    kind = _codes(places["kind"], KIND_CODE)
    pkind = ctx.kind[found]
    allowed = np.zeros((len(KINDS) + 1, len(KINDS) + 1), dtype=bool)  # [kind, parent kind]
    for k, ps in PARENT_KINDS.items():
        for p in PLACE_KINDS if ps is None else ps:
            allowed[KIND_CODE[k], KIND_CODE[p]] = True
    known = is_place & (kind >= 0) & (pkind >= 0)  # a bad kind is reported on its own row
    bad = np.flatnonzero(known & ~allowed[kind, pkind])
    msgs = []
    for k, p in zip(KIND_NAMES[kind[bad]], KIND_NAMES[pkind[bad]], strict=True):
        ps = PARENT_KINDS[k]
        want = " / ".join(f"{a} {PLACE_KINDS[a]}" for a in sorted(ps)) if ps else "none (top)"
        msgs.append(
            f"上级类型不符 a {k} ({PLACE_KINDS[k]})'s parent must be {want}, "
            f"not a {p} ({PLACE_KINDS[p]})"
        )
    issues = ctx.issues("places", bad, "parent_id", places["parent_id"], msgs)
    return issues + _cycles(ctx, places)


def _cycles(ctx: Ctx, places: pd.DataFrame) -> list[Issue]:
    """Parent cycles by pointer doubling: a place still has an ancestor after n steps."""
    n = len(places)
    if n == 0:
        return []
    found = ctx.find("places", "parent_id")
    is_place = ctx.table[found] == TABLE_CODE["places"]
    parent = np.where(is_place, ctx.pos[found], n)
    jump = np.append(parent, n)  # slot n = "no parent", its own parent
    steps = 1
    while steps <= n:
        jump = jump[jump]
        steps *= 2
    starts = np.unique(jump[:n][jump[:n] < n])
    seen: set[int] = set()
    issues: list[Issue] = []
    ids = places["id"]
    for start in starts.tolist():
        if start in seen:
            continue
        cycle = [start]
        node = int(parent[start])
        while node != start:
            cycle.append(node)
            node = int(parent[node])
        seen.update(cycle)
        names = [str(ids.iloc[i]) for i in cycle]
        msg = f"上级循环 parent cycle: {' → '.join([*names, names[0]])}"
        issues += ctx.issues("places", cycle, "parent_id", places["parent_id"], msg)
    return issues


def check_links(ctx: Ctx) -> list[Issue]:
    links = ctx.typed.get("links")
    if links is None or not {"source_id", "target_id", "type"} <= set(links.columns):
        return []
    src, tgt = ctx.find("links", "source_id"), ctx.find("links", "target_id")
    s_tab, t_tab = ctx.table[src], ctx.table[tgt]
    s_kind, t_kind = ctx.kind[src], ctx.kind[tgt]
    type_ = _codes(links["type"], {t: i for i, t in enumerate(LINK_RULES)})
    issues: list[Issue] = []
    for code, (name, rule) in enumerate(LINK_RULES.items()):
        m = (type_ == code) & (s_tab >= 0) & (t_tab >= 0)
        if not m.any():
            continue
        ok = _ends_ok(rule.sources, s_tab, s_kind) & _ends_ok(rule.targets, t_tab, t_kind)
        bad = np.flatnonzero(m & ~ok)
        msgs = [
            f"关系类型不符 {name} {LINK_TYPES[name]} goes {rule.doc}, "
            f"not {LABEL_NAMES[a]}:{KIND_NAMES[b]} → {LABEL_NAMES[c]}:{KIND_NAMES[d]} ({s} → {t})"
            for a, b, c, d, s, t in zip(
                s_tab[bad],
                s_kind[bad],
                t_tab[bad],
                t_kind[bad],
                links["source_id"].iloc[bad],
                links["target_id"].iloc[bad],
                strict=True,
            )
        ]
        issues += ctx.issues("links", bad, "type", links["type"], msgs)
    return issues


def _ends_ok(ends, table: np.ndarray, kind: np.ndarray) -> np.ndarray:
    ok = np.zeros(len(table), dtype=bool)
    for end in ends:
        hit = table == TABLE_CODE[LABEL_TABLE[end.label]]
        if end.kinds is not None:  # a bad kind (-1) is reported on its own row, not here
            hit &= np.isin(kind, [KIND_CODE[k] for k in end.kinds]) | (kind < 0)
        ok |= hit
    return ok


DATE_ORDER = {  # a step of a matter cannot come before its submission
    "closed_at": "结单时间早于交单时间 closed_at is before submitted_at",
    "replied_at": "反馈时间早于交单时间 replied_at is before submitted_at",
}


def check_dates(ctx: Ctx) -> list[Issue]:
    matters = ctx.typed.get("matters")
    if matters is None or "submitted_at" not in matters.columns:
        return []
    out: list[Issue] = []
    for col, message in DATE_ORDER.items():
        if col not in matters.columns:
            continue
        bad = np.flatnonzero((matters[col] < matters["submitted_at"]).fillna(False))
        sub = matters["submitted_at"].iloc[bad].dt.strftime("%Y-%m-%d %H:%M")
        msgs = [f"{message} ({s})" for s in sub]
        out += ctx.issues("matters", bad, col, ctx.raw["matters"].data[col], msgs)
    return out


def check_conditions(ctx: Ctx) -> list[Issue]:
    cond = ctx.typed.get("conditions")
    if cond is None or not {"place_id", "year"} <= set(cond.columns):
        return []
    key = cond[["place_id", "year"]]
    dup = key.duplicated(keep="first") & key.notna().all(axis=1)
    bad = np.flatnonzero(dup.to_numpy())
    msg = "重复的年度情况 duplicate conditions row: this place already has a row for this year"
    return ctx.issues("conditions", bad, "year", cond["year"], msg)


# --- warnings --------------------------------------------------------------------------------


def warn(ctx: Ctx) -> list[Issue]:
    out: list[Issue] = []
    places = ctx.typed.get("places")
    cond = ctx.typed.get("conditions")
    if places is not None and {"id", "kind"} <= set(places.columns):
        has = cond["place_id"] if cond is not None and "place_id" in cond.columns else []
        m = places["kind"].isin(COMMUNITY_KINDS) & ~places["id"].isin(has)
        pos = np.flatnonzero(m.to_numpy())
        out += ctx.issues(
            "places",
            pos,
            "id",
            places["id"],
            "没有情况数据 no conditions row for this community/village "
            "(per-1000 metrics stay empty)",
        )
    links = ctx.typed.get("links")
    if links is not None and {"since", "until"} <= set(links.columns):
        pos = np.flatnonzero((links["until"] < links["since"]).fillna(False))
        out += ctx.issues(
            "links",
            pos,
            "until",
            ctx.raw["links"].data["until"],
            "终止早于起始 until is before since; the link never counts",
        )
    if links is not None and len(links) and {"source_id", "target_id", "type"} <= set(links):
        source, target = ctx.find("links", "source_id"), ctx.find("links", "target_id")
        key = [
            source,
            target,
            _codes(links["type"], {t: i for i, t in enumerate(LINK_RULES)}),
            *(_comparable(links[c]) for c in ("weight", "since", "until") if c in links),
        ]
        pos = repeated_rows(key)
        pos = pos[(source[pos] >= 0) & (target[pos] >= 0)]
        out += ctx.issues("links", pos, "type", links["type"], "重复的关系 duplicate link")
    return out


def _comparable(s: pd.Series) -> np.ndarray:
    """A number or date column as int64 keys, equal where the values are (missing equal to
    missing, 0.0 to -0.0), for ``repeated_rows``."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.to_numpy().view(np.int64)  # NaT is one value
    values = s.to_numpy(dtype=np.float64, na_value=np.nan) + 0.0  # -0.0 + 0.0 is 0.0
    bits = values.view(np.int64)
    return np.where(np.isnan(values), np.iinfo(np.int64).min, bits)


def repeated_rows(columns: list[np.ndarray]) -> np.ndarray:
    """Row positions equal in every column to an earlier row (``DataFrame.duplicated()``).

    One stable sort of integer keys: ``duplicated`` hashed whole rows, and on a province's
    8 million links its tables took 2 GB.
    """
    n = len(columns[0]) if columns else 0
    if n < 2:
        return np.zeros(0, np.int64)
    order = np.lexsort(columns[::-1])  # stable: equal rows stay in row order
    same = np.ones(n - 1, dtype=bool)
    for c in columns:
        ordered = c[order]
        same &= ordered[1:] == ordered[:-1]
    return np.sort(order[1:][same])


# --- entry -----------------------------------------------------------------------------------


def missing_tables(present: Collection[str]) -> list[Issue]:
    """One issue per required table that is not among ``present``."""
    return [
        Issue(t, None, None, None, f"缺少必需的表 missing required table {t} ({TABLES[t].zh})")
        for t in REQUIRED_TABLES
        if t not in present
    ]


# What check_across reads besides ids and references: typed columns, and the raw text
# some messages quote. The table-by-table reader keeps only these of a table.
CROSS_COLUMNS = {
    "places": ("kind",),
    "organizations": ("kind",),
    "resources": ("kind",),
    "matters": ("submitted_at", "closed_at", "replied_at"),
    "conditions": ("year",),
    "links": ("type", "weight", "since", "until"),
}
CROSS_TEXT = {"matters": ("closed_at", "replied_at"), "links": ("until",)}


def kept_across(table: str, full: pd.DataFrame, raw: RawTable) -> tuple[pd.DataFrame, RawTable]:
    """What ``check_across`` needs of a table (its ids, references, ``CROSS_COLUMNS`` and
    ``CROSS_TEXT``), for a reader that lets the rest go. Kinds and link types repeat a few
    values over millions of rows, so they are kept as categories: a tenth of the memory of
    their strings."""
    spec = {c.key: c for c in TABLES[table].columns}
    crossing = {k for k, c in spec.items() if c.type in ("id", "ref")}
    crossing.update(CROSS_COLUMNS.get(table, ()))
    typed = full[[c for c in full.columns if c in crossing]]
    enums = [c for c in typed.columns if spec[c].type == "enum"]
    text = [c for c in CROSS_TEXT.get(table, ()) if c in raw.data.columns]
    kept = dataclasses.replace(raw, data=raw.data[text])
    return typed.astype(dict.fromkeys(enums, "category")), kept


def check_across(ctx: Ctx) -> tuple[list[Issue], list[Issue]]:
    """The checks between tables (errors, warnings); the whole-ledger and the
    table-by-table readers both run exactly these."""
    errors: list[Issue] = []
    for check in (
        check_duplicate_ids,
        check_refs,
        check_parents,
        check_links,
        check_dates,
        check_conditions,
    ):
        errors += check(ctx)
    return errors, warn(ctx)


def in_table_order(errors: list[Issue]) -> list[Issue]:
    """Errors by table (the ledger's order) then row, as users read them."""
    order = {t: i for i, t in enumerate(TABLES)}
    return sorted(errors, key=lambda e: (order.get(e.table or "", -1), e.row or 0))


def validate_raw(raw: RawLedger, tick: Callable[[str], None] | None = None) -> Checked:
    """Check a raw ledger and parse it into typed tables; every problem becomes an Issue."""
    errors = list(raw.errors)
    warnings = list(raw.warnings)
    if raw.tables or not errors:
        errors += missing_tables(raw.tables)
    typed: Tables = {}
    for table, rt in raw.tables.items():
        if tick:
            tick(f"checking {table}")
        parsed = parse_table(table, rt)
        errors += check_columns(table, rt, parsed)
        typed[table] = with_defaults(table, parsed)
    if tick:
        tick("checking links between tables")
    ctx = Ctx(raw.tables, typed)
    across, warned = check_across(ctx)
    errors = in_table_order(errors + across)
    warnings += warned
    counts = {t: len(raw.tables[t].data) if t in raw.tables else 0 for t in TABLES}
    return Checked(typed, errors, warnings, counts, ctx.index)
