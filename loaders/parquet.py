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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from graph.network import Network
from graph.schema import NODE_TABLES, TABLES
from graph.scope import place_scopes
from graph.tables import Tables, coerce

MANIFEST = "govnet.json"
HALO = "halo"
ROW = "_row"
STREET = "street_id"
NONE = ""  # in-memory key of the street-less partition (ids are never empty)
# Second-hop links a community's metrics follow from an outside node into it.
SECOND_HOP = {"ESTABLISHED_IN": None, "MEMBER_OF": "volunteer_team"}

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


def node_streets(tables: Tables) -> pd.Series:
    """id → street key of every node (NONE for nodes outside any street)."""
    scopes = place_scopes(tables["places"])
    place_street = pd.Series(
        scopes["street_id"].astype(object).fillna(NONE).to_numpy(),
        index=scopes["id"].astype(object).to_numpy(),
    )
    parts = [place_street]
    for table in ("organizations", "people", "matters"):
        df = tables[table]
        parts.append(
            pd.Series(
                df["place_id"].astype(object).map(place_street).fillna(NONE).to_numpy(),
                index=df["id"].astype(object).to_numpy(),
            )
        )
    key = pd.concat(parts)
    r = tables["resources"]
    provider_key = r["provider_id"].astype(object).map(key)
    own_key = r["place_id"].astype(object).map(place_street)
    parts.append(
        pd.Series(
            own_key.fillna(provider_key).fillna(NONE).to_numpy(),
            index=r["id"].astype(object).to_numpy(),
        )
    )
    return pd.concat(parts)


def _pairs(street: pd.Series, ids: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"street": street.to_numpy(), "id": ids.to_numpy()})


def halo(tables: Tables, key: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(street, id) rows and (street, link position) links each street needs from others."""
    links = tables["links"]
    lk = pd.DataFrame(
        {
            "src": links["source_id"].astype(object).to_numpy(),
            "dst": links["target_id"].astype(object).to_numpy(),
            "type": links["type"].astype(object).to_numpy(),
            "pos": range(len(links)),
        }
    )
    lk["ks"] = lk["src"].map(key).fillna(NONE)
    lk["kd"] = lk["dst"].map(key).fillna(NONE)
    cross = lk[lk["ks"] != lk["kd"]]
    need_links = [pd.DataFrame({"street": cross["kd"], "pos": cross["pos"]})]

    r = tables["resources"]
    rk = pd.DataFrame(
        {"id": r["id"].astype(object).to_numpy(), "provider": r["provider_id"].astype(object)}
    )
    rk["kr"] = rk["id"].map(key).fillna(NONE)
    rk["kp"] = rk["provider"].map(key).fillna(NONE)
    rx = rk[rk["kr"] != rk["kp"]]
    h1 = pd.concat(
        [
            _pairs(cross["kd"], cross["src"]),
            _pairs(cross["ks"], cross["dst"]),
            _pairs(rx["kr"], rx["provider"]),
            _pairs(rx["kp"], rx["id"]),
        ]
    ).drop_duplicates()
    need_rows = [h1]

    # Second hop: party organizations established in an outside node, members of an
    # outside volunteer team, and the links among outside nodes (structure metrics).
    kinds = (
        tables["organizations"]
        .set_index(tables["organizations"]["id"].astype(object))["kind"]
        .astype(object)
    )
    into = h1.merge(lk, left_on="id", right_on="dst")
    into = into[into["ks"] != into["street"]]
    hop = pd.Series(False, index=into.index)
    for type_, kind in SECOND_HOP.items():
        hit = into["type"] == type_
        if kind is not None:
            hit &= into["dst"].map(kinds) == kind
        hop |= hit
    among = h1.merge(lk, left_on="id", right_on="src").merge(
        h1.rename(columns={"id": "dst"}), on=["street", "dst"]
    )
    among = among[among["ks"] != among["street"]]
    for df in (into[hop], among):
        need_links.append(df[["street", "pos"]])
        need_rows.append(_pairs(df["street"], df["src"]))
    provided = h1.merge(rk, left_on="id", right_on="provider")
    need_rows.append(_pairs(provided["street"], provided["id_y"]))

    # What the cores lead: party organizations reachable in L from a street's own nodes.
    need_links.append(_led_links(tables, lk, key))
    need_links = pd.concat(need_links).drop_duplicates()
    ends = need_links.merge(lk[["pos", "src", "dst"]], on="pos")
    need_rows += [_pairs(ends["street"], ends["src"]), _pairs(ends["street"], ends["dst"])]
    need_rows.append(_ancestors(tables["places"], key))
    rows = pd.concat(need_rows).drop_duplicates()
    rows = rows[rows["id"].map(key).fillna(NONE) != rows["street"]]
    links_out = need_links.merge(lk[["pos", "ks"]], on="pos")
    links_out = links_out[links_out["ks"] != links_out["street"]][["street", "pos"]]
    return rows.reset_index(drop=True), links_out.reset_index(drop=True)


def _led_links(tables: Tables, lk: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """(street, link position) of L-links out of outside party organizations a street reaches.

    L as in docs/metrics.md: LEADS and ESTABLISHED_IN point source → target, SUBORDINATE_TO
    superior → subordinate. Links of every year are followed (a superset of any one year).
    """
    orgs = tables["organizations"]
    party = set(orgs.loc[orgs["kind"].astype(object).str.startswith("party_"), "id"].astype(object))
    fwd = lk[lk["type"].isin(["LEADS", "ESTABLISHED_IN"])]
    sub = lk[lk["type"] == "SUBORDINATE_TO"]
    edges = pd.concat(
        [
            fwd[["src", "dst", "pos"]],
            pd.DataFrame({"src": sub["dst"], "dst": sub["src"], "pos": sub["pos"]}),
        ],
        ignore_index=True,
    )
    edges = edges[edges["src"] != edges["dst"]]
    to_party = edges[edges["dst"].isin(party)]
    seen = pd.DataFrame({"street": to_party["src"].map(key).fillna(NONE), "id": to_party["dst"]})
    seen = seen[seen["id"].map(key).fillna(NONE) != seen["street"]].drop_duplicates()
    frontier = seen
    while len(frontier):
        step = frontier.merge(to_party, left_on="id", right_on="src")
        nxt = pd.DataFrame({"street": step["street"], "id": step["dst"]}).drop_duplicates()
        nxt = nxt[nxt["id"].map(key).fillna(NONE) != nxt["street"]]
        nxt = nxt.merge(seen, how="left", indicator=True)
        frontier = nxt[nxt["_merge"] == "left_only"][["street", "id"]]
        seen = pd.concat([seen, frontier], ignore_index=True)
    led = seen.merge(edges, left_on="id", right_on="src")
    return led[["street", "pos"]]


def _ancestors(places: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """(street, id) of the places above every street (its district), for scope tagging."""
    parent = dict(zip(places["id"].astype(object), places["parent_id"].astype(object), strict=True))
    rows = []
    for street in set(key.unique()) - {NONE}:
        seen = {street}
        node = parent.get(street)
        while isinstance(node, str) and node not in seen:
            rows.append((street, node))
            seen.add(node)
            node = parent.get(node)
    return pd.DataFrame(rows, columns=["street", "id"])


def _row_keys(table: str, df: pd.DataFrame, key: pd.Series) -> pd.Series:
    """The street key of every row of a table (links: their source's street)."""
    col = {"conditions": "place_id", "links": "source_id"}.get(table, "id")
    return df[col].astype(object).map(key).fillna(NONE)


def _write(df: pd.DataFrame, streets: pd.Series, folder: Path) -> None:
    """One table's rows into hive partitions street_id=<S> (null for NONE)."""
    out = df.copy()
    out[ROW] = pd.array(df.index.to_numpy() if ROW not in df else df[ROW], dtype="int64")
    out[STREET] = pd.array(streets.where(streets != NONE).to_numpy(), dtype="string")
    table = pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
    ds.write_dataset(
        table,
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


def convert(network: Network, out: str | Path, progress: bool = False) -> dict:
    """Write ``network`` as a street-partitioned Parquet dataset with halos; the manifest."""
    from rich.progress import Progress

    root = Path(out)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    tables = {t: df.reset_index(drop=True) for t, df in network.tables.items()}
    key = node_streets(tables)
    key = key[~key.index.duplicated()]
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("halo", total=2 * len(TABLES) + 1)
        rows, links = halo(tables, key)
        bar.advance(task)
        for name in TABLES:
            df = tables[name]
            _write(df, _row_keys(name, df, key), root / name)
            bar.update(task, advance=1, description=name)
            if name == "links":
                extra = df.iloc[links["pos"].to_numpy()]
                extra = extra.assign(**{ROW: links["pos"].to_numpy()})
                street = pd.Series(links["street"].to_numpy(), index=extra.index)
            elif name in NODE_TABLES:
                pos = pd.Series(range(len(df)), index=df["id"].astype(object).to_numpy())
                hit = rows[rows["id"].isin(pos.index)]
                at = pos.reindex(hit["id"]).to_numpy()
                extra = df.iloc[at].assign(**{ROW: at})
                street = pd.Series(hit["street"].to_numpy(), index=extra.index)
            else:
                extra = df.iloc[:0]
                street = pd.Series([], dtype=object)
            if len(extra):
                _write(
                    extra.reset_index(drop=True), street.reset_index(drop=True), root / HALO / name
                )
            bar.advance(task)
    places = tables["places"]
    units = places[places["kind"].isin(["community", "village"])]
    per_street = _row_keys("places", units, key).value_counts()
    streets = sorted(_dirs.__wrapped__(root / "places"), key=lambda s: (s is not None, s or ""))
    manifest = {
        "format": "govnet-parquet/1",
        "years": network.years,
        "counts": network.counts(),
        "halo_rows": len(rows),
        "halo_links": len(links),
        # whether the ledger records replies (13710's reply limit is judged ledger-wide)
        "replies": bool(tables["matters"]["replied_at"].notna().any()),
        "streets": [
            {"id": s, "communities": int(per_street.get(NONE if s is None else s, 0))}
            for s in streets
        ],
    }
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return manifest


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
