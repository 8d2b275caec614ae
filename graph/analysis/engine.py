"""Partition the ledger into one small graph per community and analyze them in parallel.

Communities are independent once each carries the few outside nodes its metrics need
(property companies managing its compounds, co-building units, social organizations
serving it, the party organizations its core reaches). Partitions are built with
vectorized joins, then analyzed across cores with a process pool in chunks; a mid-sized
input (a district) runs in one forked process beside the caller's own work (``started``),
and small inputs run serially because starting a process would cost more than it saves.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from graph.analysis.core import leadership_edges
from graph.analysis.kernels import Partition, analyze_batch, igraph_module
from graph.analysis.scope import Context
from graph.forked import Pending, beside, process_pool, spare_core

T = TypeVar("T")
# Below this many structure edges in total a serial run is faster than starting workers.
PARALLEL_MIN_EDGES = 150_000
# From this many a forked process pays (a fork and the results' pickle: a few hundredths
# of a second) when the caller has other work to do meanwhile.
BESIDE_MIN_EDGES = 20_000


def preload() -> None:
    """Import the graph kernels' and the flow solver's libraries now (≈ 0.08 s), for a caller
    with time to spare before it analyzes (``govnet analyze`` while its ledger is read in
    another process): the forked graph metrics then start with igraph already imported,
    and the suggestions find OR-Tools imported."""
    igraph_module()
    with contextlib.suppress(ImportError):  # NetworkX solves the flows without it
        import ortools.graph.python.min_cost_flow  # noqa: F401


def _grouped(df: pd.DataFrame, cols: list[str]) -> dict[str, list]:
    """community_id → list of tuples (or values for one column), in the rows' order, via
    one sort (of the communities' integer codes, not their strings) and split."""
    out: dict[str, list] = {}
    if df.empty:
        return out
    codes, names = pd.factorize(df["community_id"], use_na_sentinel=False)
    order = np.argsort(codes, kind="stable")
    keys = codes[order]
    columns = [df[c].to_numpy()[order].tolist() for c in cols]
    values = list(zip(*columns, strict=True)) if len(cols) > 1 else columns[0]
    bounds = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(keys)]
    for start, end in itertools.pairwise(bounds):  # runs of one community: no per-row loop
        out[names[keys[start]]] = values[start:end]
    return out


def _member_frames(ctx: Context, core: pd.Series, actors: pd.DataFrame) -> list[pd.DataFrame]:
    """(community_id, id) of each kind of structure node: actors, core, party orgs and
    people in C (a node may stand in several; rows outside any C have no community_id)."""
    return [
        actors[["community_id", "id"]],
        pd.DataFrame({"community_id": core.index, "id": core.to_numpy()}),
        ctx.orgs.loc[ctx.orgs["party"], ["community_id", "id"]],
        ctx.people[["community_id", "id"]],
    ]


def structure_members(ctx: Context, core: pd.Series, actors: pd.DataFrame) -> pd.DataFrame:
    """(community_id, id) of structure nodes: actors, core, party orgs and people in C."""
    frames = _member_frames(ctx, core, actors)
    members = pd.concat(frames, ignore_index=True).dropna().astype(object)
    return members.drop_duplicates().reset_index(drop=True)


def build_partitions(
    ctx: Context,
    core: pd.Series,
    actors: pd.DataFrame,
    targets: pd.DataFrame,
) -> list[Partition]:
    """One Partition per community, from whole-ledger tables by joins (no per-community scans)."""
    members = structure_members(ctx, core, actors)
    edges = _grouped(_member_links(ctx.links, members), ["source_id", "target_id"])
    nodes = _grouped(members, ["id"])
    acts = _grouped(actors, ["id"])
    tgts = _grouped(targets, ["id"])

    lead = leadership_edges(ctx.links)
    party_ids = set(ctx.orgs.loc[ctx.orgs["party"], "id"].astype(object))
    into_party = lead[lead["dst"].isin(party_ids)]
    below: dict[str, list[str]] = {}
    for src, dst in zip(into_party["src"].tolist(), into_party["dst"].tolist(), strict=True):
        below.setdefault(src, []).append(dst)
    out_edges = _grouped(lead.rename(columns={"src": "community_id"}), ["community_id", "dst"])

    parts = []
    for cid, c in core.items():
        c = None if pd.isna(c) else c
        l_edges: list[tuple[str, str]] = []
        if c is not None:
            leaders = _reachable(below, c)
            l_edges = [e for s in sorted(leaders) for e in out_edges.get(s, [])]
        parts.append(
            Partition(
                cid,
                c,
                l_edges,
                tgts.get(cid, []),
                nodes.get(cid, []),
                acts.get(cid, []),
                edges.get(cid, []),
            )
        )
    return parts


def _member_links(links: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """(community_id, source_id, target_id) of the links between two structure nodes of
    one community, in the order of ``links``: joined on integer codes of the ids, not on
    their strings (a district's joins: 50 → 15 ms)."""
    where, ids = pd.factorize(members["id"])
    cid, cids = pd.factorize(members["community_id"])
    index = pd.Index(ids)
    src = index.get_indexer(links["source_id"])
    dst = index.get_indexer(links["target_id"])
    kept = (src >= 0) & (dst >= 0) & (src != dst)  # both ends nodes; no self-loop
    m = pd.DataFrame({"c": cid, "i": where})
    e = pd.DataFrame({"s": src[kept], "t": dst[kept]}).merge(m, left_on="s", right_on="i")
    e = e[["c", "s", "t"]].merge(m, left_on=["c", "t"], right_on=["c", "i"])
    values = np.asarray(ids, dtype=object)
    return pd.DataFrame(
        {
            "community_id": np.asarray(cids, dtype=object)[e["c"].to_numpy()],
            "source_id": values[e["s"].to_numpy()],
            "target_id": values[e["t"].to_numpy()],
        }
    )


def _reachable(below: dict[str, list[str]], start: str) -> set[str]:
    """``start`` and every node reachable from it along ``below`` (``{start} |
    nx.descendants``): a walk over a dict, not a NetworkX graph built for it."""
    seen, stack = {start}, [start]
    while stack:
        for w in below.get(stack.pop(), ()):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return seen


def _size(parts: list[Partition]) -> int:
    return sum(len(p.edges) + len(p.nodes) for p in parts)


def started(
    ctx: Context,
    core: pd.Series,
    actors: pd.DataFrame,
    targets: pd.DataFrame,
    then: Callable[[list[dict]], T],
    parallel: bool | None = None,
) -> Pending[T]:
    """Start the graph metrics of every community: the ``result()`` is
    ``then(run_partitions(build_partitions(ctx, core, actors, targets), parallel))``
    (``then`` runs where they ran: what the caller makes of them is made meanwhile too).

    With ``parallel=None`` a mid-sized input (a district: about a CPU second of joins and
    graph searches) is partitioned and analyzed in a forked process (``graph.forked``)
    while the caller computes its other metrics, so both cores work, if one is idle
    (``spare_core``); otherwise the work is done here before returning. The size is
    estimated before partitioning from the structure nodes (their edges are about as
    many: community graphs are mostly trees).
    """
    size = 2 * _members_at_most(ctx, core, actors)
    if parallel is None and BESIDE_MIN_EDGES <= size < PARALLEL_MIN_EDGES and spare_core():
        return beside(_partitions_analyzed, ctx, core, actors, targets, then)
    return Pending.done(
        then(run_partitions(build_partitions(ctx, core, actors, targets), parallel))
    )


def _members_at_most(ctx: Context, core: pd.Series, actors: pd.DataFrame) -> int:
    """``structure_members``' rows in the measured units, counted without building them
    (a node in two of its parts counts twice): the size ``started`` decides by, so the
    members themselves are built in the forked process, not before it starts."""
    return sum(
        int((f["community_id"].isin(core.index) & f["id"].notna()).sum())
        for f in _member_frames(ctx, core, actors)
    )


def _partitions_analyzed(
    ctx: Context,
    core: pd.Series,
    actors: pd.DataFrame,
    targets: pd.DataFrame,
    then: Callable[[list[dict]], T],
) -> T:
    return then(analyze_batch(build_partitions(ctx, core, actors, targets)))


def run_partitions(parts: list[Partition], parallel: bool | None = None) -> list[dict]:
    """Analyze every partition; in a process pool when the input is big enough."""
    workers = os.cpu_count() or 1
    if parallel is None:
        parallel = workers > 1 and _size(parts) >= PARALLEL_MIN_EDGES
    if not parallel or len(parts) < 2:
        return analyze_batch(parts)  # one igraph graph for the lot (graph.analysis.kernels)
    # Big partitions first, dealt round-robin, so chunks carry similar work.
    order = sorted(range(len(parts)), key=lambda i: -(len(parts[i].edges) + len(parts[i].nodes)))
    n_chunks = min(len(parts), workers * 8)
    chunks = [[parts[i] for i in order[k::n_chunks]] for k in range(n_chunks)]
    with process_pool(workers) as pool:
        results = [r for chunk in pool.map(analyze_batch, chunks) for r in chunk]
    by_cid = {r["cid"]: r for r in results}
    return [by_cid[p.cid] for p in parts]


def run_whole_graph(ctx: Context, parts: list[Partition]) -> list[dict]:
    """The naive baseline: the same NetworkX calls on subgraph views of one whole graph.

    Used by the benchmark and the equivalence test; partitions only supply node lists.
    NetworkX is imported here only: an analysis runs the igraph kernels.
    """
    import networkx as nx

    from graph.analysis.structure import reached, structure_metrics

    lead = leadership_edges(ctx.links)
    lg = nx.DiGraph(lead.itertuples(index=False, name=None))
    whole = nx.Graph()
    whole.add_edges_from(
        (a, b) for a, b in ctx.links[["source_id", "target_id"]].itertuples(index=False) if a != b
    )
    out = []
    for p in parts:
        whole.add_nodes_from(p.nodes)
        view = whole.subgraph(p.nodes)
        out.append(
            {
                "cid": p.cid,
                "reached": reached(lg, p.core, p.targets),
                **structure_metrics(view, p.core, set(p.actors)),
            }
        )
    return out
