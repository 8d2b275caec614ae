"""Analyze a street-partitioned Parquet dataset street by street, then finish district-wide.

Pass 1 (per group of streets, any engine): read the streets and their halo
(``loaders.parquet``), run the ordinary ``analyze`` on that small ledger and keep its own
communities' rows, their evidence, and the small inputs the district-wide steps need:
open unfulfilled matters, resources with spare capacity (and their FULFILLS links),
co-building units.
Peak memory is one group of streets, not the province.

Pass 2 (once, cheap): the weak-link percentiles, stars, roll-ups and partner suggestions
over the small communities table, and the min-cost flow of resource suggestions over the
district's small matter and resource tables (rows in ledger order, so the flow is the
very same problem the whole-ledger run solves). The result equals ``analyze`` on the
whole ledger.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from graph.analysis.model import Analysis
from graph.analysis.rollup import rollups
from graph.analysis.rubric import Rubric, load_rubric
from graph.analysis.run import analyze, score
from graph.analysis.scope import COMMUNITY_KINDS, STREET_KINDS, Context, build_context
from graph.analysis.suggest import COLUMNS as SUGGESTION_COLUMNS
from graph.analysis.suggest import (
    open_matters,
    partner_suggestions,
    resource_suggestions,
    spare_capacity,
)
from graph.network import Network
from loaders.parquet import batches, read_manifest, read_streets

ROW = "_row"
# Communities per pass-1 task: one analysis has a fixed cost of about a second, so tiny
# streets are grouped; memory stays bounded by this size (or the largest street).
BATCH = 200
# Columns of the communities table that depend on the whole district: made in pass 2.
DISTRICT_WIDE = ["weak_score", "weak", "reasons", "stars"] + [f"star_{i}" for i in range(1, 6)]


@dataclass
class PartResult:
    """What pass 1 keeps of a group of streets (all small, picklable)."""

    streets: list[str | None]
    communities: pd.DataFrame  # own communities' rows (district-wide columns redone in pass 2)
    evidence: pd.DataFrame | None
    co_builders: pd.DataFrame  # (community_id, id) of own communities' co-building units
    open_matters: pd.DataFrame  # own open matters without FULFILLS, with ledger row _row
    spare: pd.DataFrame  # own resources with spare capacity, with _row
    fulfills: pd.DataFrame  # FULFILLS links counting in Y out of those resources
    units: pd.DataFrame  # own units existing in Y (partner suggestions)
    places: pd.DataFrame  # own street/town/district places (names in roll-ups)


def analyze_part(
    root: str | Path, streets: list[str | None], year: int, rubric: Rubric, evidence: bool = True
) -> PartResult:
    """Pass 1 for a group of streets; runs in any worker that can read ``root``."""
    s = read_streets(root, streets)
    network = Network(s.tables)
    places = network.tables["places"]
    own_units = places[places["kind"].isin(COMMUNITY_KINDS) & places["id"].isin(s.own["places"])]
    communities = pd.DataFrame()
    ev = co_builders = pd.DataFrame(columns=["community_id", "id"])
    if len(own_units):
        a = analyze(network, year, rubric, parallel=False)
        communities = a.communities[a.communities["id"].isin(own_units["id"])]
        ev = a.evidence[a.evidence["community_id"].isin(own_units["id"])]
        co_builders = ev[(ev["metric"] == "co_building_units") & (ev["part"] == "numerator")]
        co_builders = co_builders[["community_id", "id"]]
    ctx = build_context(network.tables, year)
    m = open_matters(ctx)
    m = m[m["id"].isin(s.own["matters"])]
    r = spare_capacity(ctx)
    r = r[r["id"].isin(s.own["resources"])]
    f = ctx.links[(ctx.links["type"] == "FULFILLS") & ctx.links["source_id"].isin(r["id"])]
    units = ctx.orgs[(ctx.orgs["kind"] == "unit") & ctx.orgs["id"].isin(s.own["organizations"])]
    return PartResult(
        streets,
        communities.reset_index(drop=True),
        ev if evidence else None,
        co_builders,
        m.assign(**{ROW: m["id"].astype(object).map(s.rows["matters"])}),
        r.assign(**{ROW: r["id"].astype(object).map(s.rows["resources"])}),
        f,
        units,
        places[
            places["kind"].isin([*STREET_KINDS, "district"]) & places["id"].isin(s.own["places"])
        ],
    )


def _concat(frames: Iterable[pd.DataFrame | None]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _in_order(frames: Iterable[pd.DataFrame], like: pd.DataFrame) -> pd.DataFrame:
    """Rows of every street in ledger order, typed like the whole-ledger frame."""
    out = _concat(frames)
    if out.empty:
        return like.iloc[:0]
    return out.sort_values(ROW, kind="stable").drop(columns=[ROW]).reset_index(drop=True)


def assemble(results: list[PartResult], year: int, rubric: Rubric) -> Analysis:
    """Pass 2: district-wide steps over the per-street results (same as ``analyze``'s tail)."""
    table = _concat(r.communities for r in results)
    order = list(table.columns)
    table = table.drop(columns=DISTRICT_WIDE).sort_values("id", kind="stable")
    table = table.reset_index(drop=True)
    table, detail, max_stars = score(table, rubric)
    places = _concat(r.places for r in results)
    streets, goods, district, flag = rollups(table, places, rubric, max_stars)

    evidence = _concat(r.evidence for r in results)
    co_builders = _concat(r.co_builders for r in results)
    first = results[0]
    ctx = Context(
        year,
        table,
        places,
        _concat(r.units for r in results),
        pd.DataFrame(),
        _in_order((r.open_matters for r in results), first.open_matters),
        _in_order((r.spare for r in results), first.spare),
        _concat(r.fulfills for r in results).reindex(columns=first.fulfills.columns),
        frozenset(),
    )
    suggestions = pd.concat(
        [
            resource_suggestions(ctx).astype(object),
            partner_suggestions(ctx, table, co_builders, rubric).astype(object),
        ],
        ignore_index=True,
    ).reindex(columns=SUGGESTION_COLUMNS)
    return Analysis(
        year, table[order], streets, district, suggestions, detail, goods, flag, evidence, rubric
    )


Done = Callable[[PartResult], None]


class _Rate(ProgressColumn):
    """Communities per second (rich has a bytes/s column only)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} 社区/s communities/s" if speed else "…", style="cyan")


@contextmanager
def street_progress(manifest: dict, show: bool) -> Iterator[Done]:
    """A progress bar over communities (rate, ETA) and the callback that advances it."""
    total = sum(s["communities"] for s in manifest["streets"])
    columns = [
        TextColumn("分析 analyzing"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, disable=not show, console=Console(stderr=True)) as bar:
        task = bar.add_task("streets", total=total)

        def done(r: PartResult) -> None:
            bar.advance(task, len(r.communities))

        yield done


def run_local(
    root: str | Path,
    parts: list[list[str | None]],
    year: int,
    rubric: Rubric,
    *,
    workers: int | None = None,
    evidence: bool = True,
    done: Done | None = None,
) -> list[PartResult]:
    """Pass 1 over every group of streets: serially, or in a process pool of ``workers``."""
    workers = workers or os.cpu_count() or 1
    out: list[PartResult] = []

    def keep(r: PartResult) -> None:
        out.append(r)
        if done:
            done(r)

    if workers == 1 or len(parts) == 1:
        for part in parts:
            keep(analyze_part(root, part, year, rubric, evidence))
        return out
    # At most 2×workers groups in flight, so finished results never pile up unread.
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("forkserver")) as pool:
        running: set = set()
        for part in parts:
            running.add(pool.submit(analyze_part, root, part, year, rubric, evidence))
            if len(running) >= 2 * workers:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for f in finished:
                    keep(f.result())
        for f in running:
            keep(f.result())
    return out


def dataset_year(root: str | Path, year: int | None) -> int:
    """The analysis year: as given, else the latest year the ledger speaks of."""
    if year is not None:
        return int(year)
    years = read_manifest(root)["years"]
    if not years:
        raise ValueError(
            "the ledger has no conditions or matters, so no year to analyze; pass year="
        )
    return max(years)


def analyze_dataset(
    root: str | Path,
    year: int | None = None,
    rubric: Rubric | str | None = None,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    evidence: bool = True,
    progress: bool = False,
    batch: int = BATCH,
) -> Analysis:
    """``analyze`` of a Parquet dataset street by street; the same Analysis as the whole run.

    ``engine`` is ``local`` (process pool of ``workers``) or ``dask`` (the cluster at
    ``scheduler``, else a LocalCluster of ``workers``). Streets are analyzed in groups of
    about ``batch`` communities (a street is never split). ``evidence=False`` drops the ids
    behind each metric (``explain``), which otherwise grow with the whole ledger.
    """
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    year = dataset_year(root, year)
    manifest = read_manifest(root)
    parts = batches(manifest, batch)
    with street_progress(manifest, progress) as done:
        if engine == "dask":
            from graph.analysis.dask_engine import run_dask

            results = run_dask(
                root,
                parts,
                year,
                rubric,
                scheduler=scheduler,
                workers=workers,
                evidence=evidence,
                done=done,
            )
        elif engine == "local":
            results = run_local(
                root, parts, year, rubric, workers=workers, evidence=evidence, done=done
            )
        else:
            raise ValueError(f"unknown engine {engine!r}; choose local or dask")
    return assemble(results, year, rubric)
