"""Analyze a ledger split by street, street by street, then score it district-wide once.

Pass 1 (per group of streets, any engine): read the streets and their halo from a
``StreetSource`` (e.g. ``loaders.parquet.Dataset``; the caller hands it in, this module
reads no files itself) and ``measure`` that small ledger, keeping its own rows.
Peak memory is one group of streets, not the province.

Pass 2 (once, cheap): ``score`` of the combined measure — the same function the
whole-ledger ``analyze`` ends with, so the result equals it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import Protocol

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

from graph.analysis.model import Analysis, Measured
from graph.analysis.rubric import Rubric, load_rubric
from graph.analysis.run import measure, score
from graph.forked import process_pool
from graph.network import Network
from graph.tables import Tables

# Communities per pass-1 task: one measure has a fixed cost of about a second, so tiny
# streets are grouped; memory stays bounded by this size (or the largest street).
BATCH = 200
Streets = list[str | None]


class StreetPart(Protocol):
    """Some streets' ledger: their own rows plus the halo their metrics read."""

    tables: Tables
    own: Mapping[str, Collection[str]]  # ledger table → ids of the streets' own rows


class StreetSource(Protocol):
    """A ledger split by street that workers can read (picklable; e.g. a Parquet dataset).

    ``manifest`` has ``years``, ``streets`` ([{"id": street id or None, "communities": n}])
    and ``replies`` (whether any matter of the ledger has a replied_at).
    """

    @property
    def manifest(self) -> dict: ...

    def read(self, streets: Streets) -> StreetPart: ...


def measure_streets(
    source: StreetSource,
    streets: Streets,
    year: int,
    rubric: Rubric,
    evidence: bool = True,
    replies: bool = False,
) -> Measured:
    """Pass 1 for a group of streets: ``measure`` of its ledger, kept to its own rows.

    ``replies`` is the whole ledger's (a street without reply dates is judged alike). The
    result's ``own`` (the ids of the group's rows) is dropped: every group is combined into
    the whole district, which nothing of it reads, and on a province those millions of ids
    cost more to send back and unite than the rest of the measure.
    """
    part = source.read(streets)
    network = Network(part.tables)
    measured = measure(
        network, year, rubric, own=part.own, parallel=False, evidence=evidence, replies=replies
    )
    return replace(measured, own=None)


def batches(manifest: dict, size: int) -> list[Streets]:
    """Streets in manifest order packed into groups of about ``size`` communities.

    A street is never split, so the largest street bounds a group's memory; packing
    small streets together saves the fixed cost of one measure per street.
    """
    out: list[Streets] = [[]]
    count = 0
    for s in manifest["streets"]:
        if out[-1] and count + s["communities"] > size:
            out.append([])
            count = 0
        out[-1].append(s["id"])
        count += s["communities"]
    return [b for b in out if b]


Done = Callable[[Measured], None]


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

        def done(r: Measured) -> None:
            bar.advance(task, len(r.communities))

        yield done


def run_local(
    task: Callable[[Streets], Measured],
    parts: list[Streets],
    *,
    workers: int | None = None,
    done: Done | None = None,
) -> list[Measured]:
    """``task`` over every group of streets: serially, or in a process pool of ``workers``."""
    workers = workers or os.cpu_count() or 1
    out: list[Measured] = []

    def keep(r: Measured) -> None:
        out.append(r)
        if done:
            done(r)

    if workers == 1 or len(parts) == 1:
        for part in parts:
            keep(task(part))
        return out
    # At most 2×workers groups in flight, so finished results never pile up unread.
    with process_pool(workers) as pool:
        running: set = set()
        for part in parts:
            running.add(pool.submit(task, part))
            if len(running) >= 2 * workers:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for f in finished:
                    keep(f.result())
        for f in running:
            keep(f.result())
    return out


def dataset_year(source: StreetSource, year: int | None) -> int:
    """The analysis year: as given, else the latest year the ledger speaks of."""
    if year is not None:
        return int(year)
    years = source.manifest["years"]
    if not years:
        raise ValueError(
            "the ledger has no conditions or matters, so no year to analyze; pass year="
        )
    return max(years)


def analyze_dataset(
    source: StreetSource,
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
    """``analyze`` of a street-split ledger: ``measure`` per street group, one ``score``.

    The same Analysis as the whole-ledger run. ``engine`` is ``local`` (process pool of
    ``workers``) or ``dask`` (the cluster at ``scheduler``, else a LocalCluster of
    ``workers``). Streets are measured in groups of about ``batch`` communities (a street
    is never split). ``evidence=False`` drops the ids behind each metric (``explain``),
    which otherwise grow with the whole ledger.
    """
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    year = dataset_year(source, year)
    manifest = source.manifest
    parts = batches(manifest, batch)
    task = partial(
        measure_streets,
        source,
        year=year,
        rubric=rubric,
        evidence=evidence,
        replies=bool(manifest.get("replies", False)),
    )
    with street_progress(manifest, progress) as done:
        if engine == "dask":
            from graph.analysis.dask_engine import run_dask

            results = run_dask(task, parts, scheduler=scheduler, workers=workers, done=done)
        elif engine == "local":
            results = run_local(task, parts, workers=workers, done=done)
        else:
            raise ValueError(f"unknown engine {engine!r}; choose local or dask")
    return score(Measured.combine(results), rubric)
