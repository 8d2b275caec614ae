"""Pass 1 of the partitioned analysis on Dask: one task per group of streets, on any cluster.

With no scheduler address a ``distributed.LocalCluster`` is started for the run. Workers
import govnet and read the Parquet dataset themselves, so the dataset path must be one
they can all open (a shared filesystem); only the small per-street results travel back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.analysis.partitioned import PartResult, analyze_part
from graph.analysis.rubric import Rubric


def run_dask(
    root: str | Path,
    parts: list[list[str | None]],
    year: int,
    rubric: Rubric,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    evidence: bool = True,
    done: Callable[[PartResult], None] | None = None,
) -> list[PartResult]:
    """Analyze every group of streets as a Dask task; results in completion order."""
    from distributed import Client, LocalCluster, as_completed

    root = str(Path(root).resolve())
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        )
    try:
        with Client(cluster or scheduler) as client:
            futures = client.map(
                analyze_part,
                [root] * len(parts),
                parts,
                year=year,
                rubric=rubric,
                evidence=evidence,
            )
            out = []
            for future in as_completed(futures):
                out.append(future.result())
                future.release()
                if done:
                    done(out[-1])
            return out
    finally:
        if cluster is not None:
            cluster.close()
