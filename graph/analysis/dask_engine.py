"""Pass 1 of the partitioned analysis on Dask: one task per group of streets, on any cluster.

With no scheduler address a ``distributed.LocalCluster`` is started for the run. Workers
import govnet and read their streets themselves (the task carries the street source, e.g.
a Parquet dataset on a path they can all open); only the small measures travel back.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.analysis.model import Measured


def run_dask(
    task: Callable[[list[str | None]], Measured],
    parts: list[list[str | None]],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    done: Callable[[Measured], None] | None = None,
) -> list[Measured]:
    """``task`` (picklable) over every group of streets as Dask tasks; completion order."""
    from distributed import Client, LocalCluster, as_completed

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
            futures = client.map(task, parts, pure=False)
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
