"""A process that runs one job, then exits: its collector tuned, its exit without teardown.

Such a process (the CLI, a pool's worker, a forked child) keeps what it has imported or
inherited until it exits, yet each full collection walks all of it again, and a forked
child's walks copy its parent's pages. Tables are built of many small objects, so the
default gen-0 threshold (700 allocations) runs a collection every few rows of work.
Arrays are freed by reference count, not by the collector: memory peaks are unchanged
(a province's convert: 2.72 GB either way), and a district's cold ``govnet analyze`` takes
0.2 s less (1.72 → 1.50 s), a city's partitioned analysis 6% less.

At its end, tearing the interpreter down frees every object of pandas, Arrow and the
tables one by one, which the system does at once when the process exits: ``leave`` skips
that (≈ 0.07 s of a district's ``govnet analyze``).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from typing import NoReturn

# a gen-0 pass every 20,000 allocations, a full one every 100 of those (default: 700, 10, 10)
THRESHOLDS = (20_000, 10, 10)


def one_job() -> None:
    """Tune this process's collector: what it holds now is frozen (never walked again),
    and collections come less often. Only for a process of govnet's own: frozen objects
    are never freed, which a long-lived host (a notebook, the app) must not have."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def leave(code: object = 0) -> NoReturn:
    """Exit as ``sys.exit(code)`` does, without the interpreter's teardown.

    What a program relies on at exit still happens: the ``atexit`` handlers run (temporary
    folders, logging), then the standard streams are flushed. Files a job writes are closed
    by the job itself. Where another thread still runs (a Dask cluster's, a pool's), the
    usual exit joins it; under a profiler or tracer (cProfile, coverage, a debugger), which
    writes its results at the very end, too. Only for a one-job process of govnet's own
    (the CLI's ``main``)."""
    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace():
        sys.exit(code)
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # as sys.exit("message") does
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (``… | head``)
            stream.flush()
    os._exit(code or 0)
