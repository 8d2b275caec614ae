"""A ledger as a Parquet dataset partitioned by street, and one street read back as a ledger.

Layout under ``root``::

    govnet.json                          manifest: streets, years, row counts
    <table>/street_id=<S>/part-0.parquet the rows of street S (its "own" rows)
    halo/<table>/street_id=<S>/...       copies of other streets' rows that S's metrics read

Every row gets the street of its place (places: the street above them; links: the street
of their source node; resources: their place, else their provider's place). Rows outside
any street (the district itself, its venues) form the partition with a null street_id.

A community's metrics read a few nodes outside its street: units co-building with it,
property companies managing its compounds, social organizations and volunteer teams
serving it, people reporting to it, resources fulfilling its matters, the party
organizations its core leads. Those rows and the links among them are found once, with
joins over the whole ledger, when the dataset is written (the "halo"), so analyzing one
street later reads only that street's two small directories. Every row keeps its ledger
position in ``_row`` so a street read back has the ledger's row order.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pyarrow as pa

from graph.network import Network
from graph.schema import COMMUNITY_KINDS, NODE_TABLES, PARTY_ORG_KINDS, STREET_KINDS, TABLES
from graph.scope import nearest_of_kind
from graph.tables import Tables, coerce
from loaders.id_index import IdIndex, index_ids
from loaders.memory import release_memory

MANIFEST = "govnet.json"
HALO = "halo"
ROW = "_row"
STREET = "street_id"

_PANDAS_TYPES = {
    pa.string(): pd.StringDtype(),
    pa.large_string(): pd.StringDtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


@dataclass
class Part:
    """Some streets' ledger: their own rows plus their halo, and which ids are their own."""

    streets: list[str | None]
    tables: Tables
    own: dict[str, set[str]]  # node table → ids of own rows


@dataclass
class Codes:
    """A ledger's nodes as integers, so the joins that find the halo run on numbers.

    Node ``c`` is ``ids[c]``: places, organizations, people, matters and resources in
    ledger order, table ``t`` from ``start[t]``. Arrays indexed by a code have one slot
    more, read by code -1 (a missing or unknown id): string joins over a province's
    millions of rows took gigabytes and minutes, integer joins take a fraction.
    """

    ids: pa.Array
    start: dict[str, int]
    size: dict[str, int]
    refs: dict[tuple[str, str], np.ndarray]  # (table, column) → each row's code, -1 if none
    street: np.ndarray  # code → its street as the street place's code, -1 outside any

    def rows(self, table: str) -> np.ndarray:
        """The codes of a node table's rows."""
        first = self.start[table]
        return np.arange(first, first + self.size[table], dtype=np.int64)


# The reference columns the partitioning follows.
REFS = {
    "places": ("parent_id",),
    "organizations": ("place_id",),
    "people": ("place_id",),
    "matters": ("place_id",),
    "resources": ("place_id", "provider_id"),
    "conditions": ("place_id",),
    "links": ("source_id", "target_id"),
}
REF_COLUMNS = [(t, c) for t, cols in REFS.items() for c in cols]


def _text(df: pd.DataFrame | None, column: str) -> pa.Array:
    """A text column as one Arrow string array (all missing when the column is absent)."""
    if df is None or column not in df.columns:
        return pa.nulls(0 if df is None else len(df), pa.string())
    arr = pa.array(df[column].array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string())


def encode(tables: Tables, index: IdIndex | None = None) -> Codes:
    """Every id and reference as a code, and every node's street.

    A node's street is its place's (places: the street above them); a resource's is its
    place's, else its provider's. ``tables`` are a valid ledger's (every node has an id)
    and need only the ids, kinds and references; ``index`` is their validation's
    (``Checked.index``), if at hand, so the strings are not matched again.
    """
    if index is None:
        index = index_ids(tables, REF_COLUMNS)
    sizes = [len(index.rows.get(t, ())) for t in NODE_TABLES]
    starts = np.cumsum([0, *sizes]).tolist()
    c = Codes(
        ids=index.ids.combine_chunks(),  # one array: taking from chunks concatenates them each time
        start=dict(zip(NODE_TABLES, starts, strict=False)),
        size=dict(zip(NODE_TABLES, sizes, strict=True)),
        refs={r: index.refs.get(r, _none(tables.get(r[0]))) for r in REF_COLUMNS},
        street=np.full(starts[-1] + 1, -1, np.int64),
    )
    n_places = c.size["places"]
    kinds = _which(_text(tables.get("places"), "kind"), list(STREET_KINDS))

    def place(ref: np.ndarray) -> np.ndarray:  # the code of a referenced place, else -1
        return np.where((ref >= 0) & (ref < n_places), ref, -1)

    c.street[:n_places] = nearest_of_kind(place(c.refs[("places", "parent_id")]), kinds >= 0)

    for t in ("organizations", "people", "matters"):
        c.street[c.rows(t)] = c.street[place(c.refs[(t, "place_id")])]
    at_place = place(c.refs[("resources", "place_id")])
    provider = c.refs[("resources", "provider_id")]
    provider = np.where(provider < c.start["resources"], provider, -1)
    c.street[c.rows("resources")] = np.where(at_place >= 0, c.street[at_place], c.street[provider])
    return c


def _none(df: pd.DataFrame | None) -> np.ndarray:
    """The codes of a reference column the table lacks: none, on every row."""
    return np.full(0 if df is None else len(df), -1, np.int32)


def _which(values: pa.Array, names: list[str]) -> np.ndarray:
    """Index of each value in ``names`` (-1 for any other or missing value)."""
    enc = values.dictionary_encode()
    lut = [names.index(v) if v in names else -1 for v in enc.dictionary.to_pylist()]
    return np.array([*lut, -1], np.int64)[enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)]


def _node_flags(tables: Tables, c: Codes, table: str, column: str, test) -> np.ndarray:
    """A per-code flag: ``test(value)`` of a node table's column (false elsewhere)."""
    out = np.zeros(len(c.street), bool)
    values = _text(tables.get(table), column).to_pylist()
    out[c.rows(table)] = np.array([v is not None and test(v) for v in values], bool)
    return out


# Link types the halo follows (``Coded.link_type`` indexes this list).
LINK_TYPES = ["ESTABLISHED_IN", "MEMBER_OF", "LEADS", "SUBORDINATE_TO"]


@dataclass
class Coded:
    """All the layout reads of a ledger, as numbers, so the tables can go before the joins."""

    codes: Codes
    link_type: np.ndarray  # each link's index in LINK_TYPES, -1 for any other
    team: np.ndarray  # per code: a volunteer team
    party: np.ndarray  # per code: a party organization
    units: np.ndarray  # per place: a community or village


def coded(tables: Tables, index: IdIndex | None = None) -> Coded:
    """``encode`` plus the kinds and link types the halo and the manifest need."""
    c = encode(tables, index)
    places = tables.get("places")
    return Coded(
        c,
        _which(_text(tables.get("links"), "type"), LINK_TYPES).astype(np.int8),
        _node_flags(tables, c, "organizations", "kind", lambda k: k == "volunteer_team"),
        _node_flags(tables, c, "organizations", "kind", lambda k: k in PARTY_ORG_KINDS),
        _which(_text(places, "kind"), list(COMMUNITY_KINDS)) >= 0,
    )


def halo(x: Coded) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(street, node) rows and (street, link position) links each street needs from others.

    Streets and nodes are codes (``Codes``); -1 is the partition outside any street. The
    joins run on 32-bit integers (a province's join tables took gigabytes at 64).
    """
    c = x.codes
    S = c.street.astype(np.int32)
    src = c.refs[("links", "source_id")].astype(np.int32)
    dst = c.refs[("links", "target_id")].astype(np.int32)
    lk = pd.DataFrame(
        {
            "src": src,
            "dst": dst,
            "type": x.link_type,
            "pos": np.arange(len(src), dtype=np.int32),
            "ks": S[src],
            "kd": S[dst],
        }
    )
    cross = lk[lk["ks"] != lk["kd"]]
    need_links = [pd.DataFrame({"street": cross["kd"], "pos": cross["pos"]})]

    rid = c.rows("resources").astype(np.int32)
    provider = c.refs[("resources", "provider_id")].astype(np.int32)
    rk = pd.DataFrame({"rid": rid, "provider": provider, "kr": S[rid], "kp": S[provider]})
    rx = rk[rk["kr"] != rk["kp"]]
    h1 = pd.concat(
        [
            _pairs(cross["kd"], cross["src"]),
            _pairs(cross["ks"], cross["dst"]),
            _pairs(rx["kr"], rx["provider"]),
            _pairs(rx["kp"], rx["rid"]),
        ]
    ).drop_duplicates()
    need_rows = [h1]

    # Second hop: party organizations established in an outside node, members of an
    # outside volunteer team, and the links among outside nodes (structure metrics).
    into = h1.merge(lk, left_on="id", right_on="dst")
    into = into[into["ks"] != into["street"]]
    established, member = LINK_TYPES.index("ESTABLISHED_IN"), LINK_TYPES.index("MEMBER_OF")
    hop = (into["type"] == established) | (
        (into["type"] == member) & x.team[into["dst"].to_numpy()]
    )
    among = h1.merge(lk, left_on="id", right_on="src").merge(
        h1.rename(columns={"id": "dst"}), on=["street", "dst"]
    )
    among = among[among["ks"] != among["street"]]
    for df in (into[hop], among):
        need_links.append(df[["street", "pos"]])
        need_rows.append(_pairs(df["street"], df["src"]))
    provided = h1.merge(rk, left_on="id", right_on="provider")
    need_rows.append(_pairs(provided["street"], provided["rid"]))

    # What the cores lead: party organizations reachable in L from a street's own nodes.
    # The partition outside any street measures only the communities it holds, if any:
    # with none, nothing of it reads what its nodes lead (the district's committee leads
    # every party organization: that was nearly all of a province's halo).
    outside = x.units & (S[: len(x.units)] < 0)
    need_links.append(_led_links(lk, LINK_TYPES, x.party, S, outside=bool(outside.any())))
    need_links = pd.concat(need_links).drop_duplicates()
    ends = need_links.merge(lk[["pos", "src", "dst"]], on="pos")
    need_rows += [_pairs(ends["street"], ends["src"]), _pairs(ends["street"], ends["dst"])]
    need_rows.append(_ancestors(c))
    rows = pd.concat(need_rows).drop_duplicates()
    rows = rows[S[rows["id"].to_numpy()] != rows["street"].to_numpy()]
    links_out = need_links.merge(lk[["pos", "ks"]], on="pos")
    links_out = links_out[links_out["ks"] != links_out["street"]][["street", "pos"]]
    return (
        rows.reset_index(drop=True).astype(np.int64),
        links_out.reset_index(drop=True).astype(np.int64),
    )


def _pairs(street: pd.Series, ids: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"street": street.to_numpy(), "id": ids.to_numpy()})


def _led_links(
    lk: pd.DataFrame, link_types: list[str], party: np.ndarray, S: np.ndarray, outside: bool
) -> pd.DataFrame:
    """(street, link position) of L-links out of outside party organizations a street reaches.

    L as in docs/metrics.md: LEADS and ESTABLISHED_IN point source → target, SUBORDINATE_TO
    superior → subordinate. Links of every year are followed (a superset of any one year).
    The partition outside any street (-1) reaches nothing unless ``outside`` (it holds a
    community or village).
    """
    fwd = lk[lk["type"].isin([link_types.index("LEADS"), link_types.index("ESTABLISHED_IN")])]
    sub = lk[lk["type"] == link_types.index("SUBORDINATE_TO")]
    edges = pd.concat(
        [
            fwd[["src", "dst", "pos"]],
            pd.DataFrame({"src": sub["dst"], "dst": sub["src"], "pos": sub["pos"]}),
        ],
        ignore_index=True,
    )
    edges = edges[edges["src"] != edges["dst"]]
    to_party = edges[party[edges["dst"].to_numpy()]]
    seen = pd.DataFrame({"street": S[to_party["src"].to_numpy()], "id": to_party["dst"]})
    street = seen["street"].to_numpy()
    seen = seen[(S[seen["id"].to_numpy()] != street) & (outside | (street >= 0))]
    seen = seen.drop_duplicates()
    frontier = seen
    while len(frontier):
        step = frontier.merge(to_party, left_on="id", right_on="src")
        nxt = pd.DataFrame({"street": step["street"], "id": step["dst"]}).drop_duplicates()
        nxt = nxt[S[nxt["id"].to_numpy()] != nxt["street"].to_numpy()]
        nxt = nxt.merge(seen, how="left", indicator=True)
        frontier = nxt[nxt["_merge"] == "left_only"][["street", "id"]]
        seen = pd.concat([seen, frontier], ignore_index=True)
    led = seen.merge(edges, left_on="id", right_on="src")
    return led[["street", "pos"]]


def _ancestors(c: Codes) -> pd.DataFrame:
    """(street, id) of the places above every street (its district), for scope tagging."""
    parent = np.full(len(c.street), -1, np.int64)
    places = c.rows("places")
    parent[places] = c.refs[("places", "parent_id")]
    rows = []
    for street in set(np.unique(c.street[:-1]).tolist()) - {-1}:
        seen = {street}
        node = int(parent[street])
        while node >= 0 and node not in seen:
            rows.append((street, node))
            seen.add(node)
            node = int(parent[node])
    return pd.DataFrame(rows, columns=["street", "id"], dtype=np.int32)


def _row_streets(table: str, c: Codes) -> np.ndarray:
    """The street code of every row of a table (links: their source's street)."""
    if table in NODE_TABLES:
        return c.street[c.rows(table)]
    return c.street[c.refs[(table, {"conditions": "place_id", "links": "source_id"}[table])]]


def _street_ids(c: Codes, streets: np.ndarray) -> pa.Array:
    """Street codes as street ids (null outside any street)."""
    at = pa.array(np.where(streets < 0, 0, streets), mask=streets < 0)
    return c.ids.take(at).cast(pa.string())


# Rows handed to the writer at a time (see ``_write``).
WRITE_ROWS = 1 << 18


def _write(table: pa.Table, rows: np.ndarray, streets: np.ndarray, c: Codes, folder: Path) -> None:
    """Rows of a table (their ledger positions ``rows``) into hive partitions street_id=<S>.

    The writer makes a row group of each street's rows in every slice it is given. In
    ledger order a street's rows are spread over the whole table, so a province's street
    files held dozens of tiny row groups and reading a street cost more the bigger the
    ledger. Sorted by street (stably: ledger order within a street), a street's rows come
    in one or two slices.
    """
    import pyarrow.dataset as ds  # only to write or read a dataset: not to recognize one

    order = np.argsort(streets, kind="stable")

    def part(at: np.ndarray) -> pa.Table:
        out = table.take(at).append_column(ROW, pa.array(rows[at], pa.int64()))
        return out.append_column(STREET, _street_ids(c, streets[at]))

    slices = (part(order[i : i + WRITE_ROWS]) for i in range(0, len(order), WRITE_ROWS))
    schema = part(order[:0]).schema
    ds.write_dataset(
        pa.RecordBatchReader.from_batches(schema, (b for t in slices for b in t.to_batches())),
        folder,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([(STREET, pa.string())]), flavor="hive"),
        existing_data_behavior="overwrite_or_ignore",
        basename_template="part-{i}.parquet",
        max_partitions=1_000_000,
        max_open_files=4096,
    )


@lru_cache(maxsize=64)
def _dirs(folder: Path, stamp: int = 0) -> dict[str | None, Path]:
    """street id (None for the street-less partition) → its directory.

    Listed once per dataset version (``stamp``: the manifest's mtime), so a long-lived
    worker never reads a re-converted dataset through a stale listing.
    """
    out: dict[str | None, Path] = {}
    if not folder.exists():
        return out
    for d in folder.iterdir():
        value = unquote(d.name.split("=", 1)[1])
        out[None if value == "__HIVE_DEFAULT_PARTITION__" else value] = d
    return out


def _facts(name: str, df: pd.DataFrame) -> dict:
    """What the manifest says of one table: rows, years spoken of, whether replies exist."""
    out: dict = {"rows": len(df), "years": set()}
    if name == "conditions":
        out["years"] = set(df["year"].dropna().astype(int))
    if name == "matters":
        out["years"] = set(df["submitted_at"].dropna().dt.year.astype(int))
        out["replies"] = bool(df["replied_at"].notna().any())
    return out


@dataclass
class Layout:
    """Where every row of a ledger goes: its own street's partition and the halos."""

    codes: Codes  # without the references: only ids and streets are needed to write
    own: dict[str, np.ndarray]  # table → street code of each row
    rows: pd.DataFrame  # halo (street, node code)
    links: pd.DataFrame  # halo (street, link position)
    communities: Counter  # street id → communities and villages


def layout(tables: Tables) -> Layout:
    """The layout of a ledger; ``tables`` needs the ids, kinds and references only."""
    return place_rows(coded(tables))


def place_rows(x: Coded) -> Layout:
    """The layout from a ledger's codes alone (its tables may be gone: less memory)."""
    codes = x.codes
    rows, links = halo(x)
    own = {name: _row_streets(name, codes) for name in TABLES}
    communities = Counter(_street_ids(codes, own["places"][x.units]).to_pylist())
    codes.refs = {}
    return Layout(codes, own, rows, links, communities)


def write_dataset(
    plan: Layout, load: Callable[[str], pa.Table], facts: dict[str, dict], out: Path, bar
) -> dict:
    """The partitioned dataset of a valid ledger, written into the new folder ``out``.

    ``load(name)`` gives a whole table (typed as in a ``Network``) when its turn comes,
    so one table is in memory at a time.
    """
    out.mkdir(parents=True)
    codes, rows, links = plan.codes, plan.rows, plan.links
    task = bar.add_task("write", total=len(TABLES))
    for name in TABLES:
        bar.update(task, description=name)
        table = load(name)
        _write(table, np.arange(table.num_rows), plan.own[name], codes, out / name)
        if name == "links":
            at, street = links["pos"].to_numpy(), links["street"].to_numpy()
        elif name in NODE_TABLES:
            first = codes.start[name]
            hit = rows[(rows["id"] >= first) & (rows["id"] < first + table.num_rows)]
            at, street = hit["id"].to_numpy() - first, hit["street"].to_numpy()
        else:
            at = street = np.zeros(0, np.int64)
        if len(at):
            _write(table.take(at), at, street, codes, out / HALO / name)
        del table
        bar.advance(task)
    streets = sorted(_dirs.__wrapped__(out / "places"), key=lambda s: (s is not None, s or ""))
    manifest = {
        "format": "govnet-parquet/1",
        "years": sorted(set().union(*(f["years"] for f in facts.values()))),
        "counts": {t: facts[t]["rows"] for t in TABLES},
        "halo_rows": len(rows),
        "halo_links": len(links),
        # whether the ledger records replies (13710's reply limit is judged ledger-wide)
        "replies": facts["matters"]["replies"],
        "streets": [{"id": s, "communities": plan.communities.get(s, 0)} for s in streets],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return manifest


def convert(network: Network, out: str | Path, progress: bool = False) -> dict:
    """Write ``network`` as a street-partitioned Parquet dataset with halos; the manifest."""
    tables = {t: df.reset_index(drop=True) for t, df in network.tables.items()}
    facts = {t: _facts(t, df) for t, df in tables.items()}
    root = Path(out)
    if root.exists():
        shutil.rmtree(root)
    with _bar(progress) as bar:
        return write_dataset(
            layout(tables),
            lambda t: pa.Table.from_pandas(tables[t], preserve_index=False),
            facts,
            root,
            bar,
        )


def convert_ledger(
    ledger: str | Path, out: str | Path, *, key: bytes | str | None = None, progress: bool = False
) -> dict:
    """Read, validate and convert a ledger file by file; the manifest of the dataset.

    Each table is checked and pseudonymized as it is read (``loaders.ledger.read_tables``)
    and kept as an Arrow file in a work folder beside ``out``; only when the whole ledger
    is valid is the dataset written, from those files one table at a time, and moved to
    ``out`` (replacing it). So the peak is one table and the halo's codes, not the ledger,
    and an invalid ledger (``LedgerInvalid``) leaves ``out`` as it was.
    """
    from loaders.errors import LedgerInvalid
    from loaders.ledger import read_tables

    root = Path(out).resolve()
    root.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    facts: dict[str, dict] = {}

    def keep(name: str, df: pd.DataFrame) -> None:
        facts[name] = _facts(name, df)
        table = pa.Table.from_pandas(df, preserve_index=False)
        with (
            pa.OSFile(str(work / f"{name}.arrow"), "wb") as f,
            pa.ipc.new_file(f, table.schema) as w,
        ):
            w.write_table(table)

    def load(name: str) -> pa.Table:
        return pa.ipc.open_file(pa.memory_map(str(work / f"{name}.arrow"))).read_all()

    try:
        checked = read_tables(ledger, keep, key=key, progress=progress)
        if checked.errors:
            raise LedgerInvalid(checked.errors, checked.warnings)
        numbers = coded(checked.tables, checked.index)
        del checked  # its ids and references, before the halo's joins: codes are enough
        release_memory()
        plan = place_rows(numbers)
        del numbers
        release_memory()
        with _bar(progress) as bar:
            manifest = write_dataset(plan, load, facts, work / "dataset", bar)
        if root.exists():
            shutil.rmtree(root)
        (work / "dataset").rename(root)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bar(progress: bool):
    from rich.progress import Progress

    return Progress(disable=not progress, transient=True)


def read_manifest(root: str | Path) -> dict:
    """The manifest of a dataset written by ``convert`` (clear error otherwise)."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{root} is not a govnet Parquet dataset (no {MANIFEST})")
    return json.loads(path.read_text("utf-8"))


def _read_files(folders: list[Path]) -> pa.Table | None:
    """The Parquet files of some partition directories as one Arrow table (None if none).

    One read per table for a whole group of streets: reading a hundred small directories
    one by one cost more than the analysis of their rows.
    """
    files = [str(f) for d in folders for f in sorted(d.glob("*.parquet"))]
    if not files:
        return None
    import pyarrow.dataset as ds

    return ds.dataset(files, format="parquet").to_table()


def read_streets(root: str | Path, streets: list[str | None]) -> Part:
    """Some streets' own rows and halos as one typed ledger, in ledger row order."""
    root = Path(root)
    stamp = (root / MANIFEST).stat().st_mtime_ns
    tables: Tables = {}
    own: dict[str, set[str]] = {}
    for name in TABLES:
        mine = _read_files([d for s in streets if (d := _dirs(root / name, stamp).get(s))])
        extra = _read_files([d for s in streets if (d := _dirs(root / HALO / name, stamp).get(s))])
        if name in NODE_TABLES:
            own[name] = set(mine.column("id").to_pylist()) if mine is not None else set()
        both = [t for t in (mine, extra) if t is not None]
        if not both:
            tables[name] = coerce(name, pd.DataFrame())
            continue
        t = pa.concat_tables(both, promote_options="default")
        # a halo row may be another street's own row too: keep one, in ledger order
        _, first = np.unique(t.column(ROW).to_numpy(), return_index=True)
        t = t.take(first).drop_columns([ROW])
        tables[name] = coerce(name, t.to_pandas(types_mapper=_PANDAS_TYPES.get))
    return Part(list(streets), tables, own)


@dataclass(frozen=True)
class Dataset:
    """A dataset written by ``convert``, read street by street (a picklable street source).

    The partitioned analysis takes it as data: workers call ``read`` on their streets.
    """

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())
        read_manifest(self.root)  # fail here, clearly, if it is not a dataset

    @property
    def manifest(self) -> dict:
        return read_manifest(self.root)

    def read(self, streets: list[str | None]) -> Part:
        return read_streets(self.root, streets)
