"""Run a function in a forked process beside the caller's own work, on a 2-core machine.

Cheaper than a process pool for one task: the child gets its inputs by fork (nothing is
pickled in) and sends its result back pickled. Where Linux gives an in-memory file
(``memfd``), the result's arrays go there out of band (pickle protocol 5) and the caller
maps them instead of copying them (a district's ledger, 12 MB of arrays: 13–23 ms instead
of 45–64 through a pipe); the pipe then only says where they lie. Where forking is not
safe or possible (no ``os.fork``, another Python thread whose held locks the child would
inherit, e.g. the Streamlit app), or the child fails, the function runs in the caller.
For many tasks, ``process_pool`` gives the analysis' one kind of process pool.
"""

from __future__ import annotations

import atexit
import contextlib
import mmap
import multiprocessing as mp
import os
import pickle
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Generic, TypeVar

from graph.collector import one_job

T = TypeVar("T")
# Each out-of-band buffer starts at a multiple of this in the shared file (Arrow's alignment).
ALIGN = 64


def can_fork() -> bool:
    """Whether a fork is worth it and safe: 2+ cores, POSIX, no other Python thread."""
    return (os.cpu_count() or 1) > 1 and hasattr(os, "fork") and threading.active_count() == 1


def spare_core() -> bool:
    """Whether a core is idle (the last minute's load average below cores - 0.5).

    On a busy machine a child beside the caller only takes turns with it on the same cores,
    and the fork costs CPU: the pages either then writes are copied (a district analysis
    took 0.5 CPU-s more forked than not at load 15 on 2 cores, and no less wall).
    """
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1) - 0.5
    except OSError:  # no load average on this platform
        return True


class Pending(Generic[T]):
    """A value being computed: ``result()`` waits for it, ``cancel()`` drops it.

    Call one of them (``cancel`` where the caller fails meanwhile): they reap the child.
    """

    def __init__(
        self,
        fn: Callable[..., T],
        args: tuple,
        pid: int | None,
        read: int | None,
        shared: int | None = None,
    ):
        self._fn, self._args, self._pid, self._read = fn, args, pid, read
        self._shared = shared

    @classmethod
    def done(cls, value: T) -> Pending[T]:
        """An already computed value."""
        return cls(lambda: value, (), None, None)

    def result(self) -> T:
        if self._pid is None:
            return self._fn(*self._args)
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        pid, self._pid = self._pid, None
        try:  # the child writes only a whole result, after ``fn`` returned
            value = pickle.loads(data)
            if self._shared is not None:  # ``data`` told where the result lies in the file
                value = _mapped(self._shared, value)
        except Exception:  # it failed (nothing written) or died while writing
            os.waitpid(pid, 0)
            return self._fn(*self._args)
        finally:
            self._close_shared()
        _EXITING.append(pid)  # not waited for: see ``_reap``
        _reap()
        return value

    def cancel(self) -> None:
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            os.close(self._read)
            self._close_shared()
            self._pid = None

    def _close_shared(self) -> None:
        if self._shared is not None:
            os.close(self._shared)
            self._shared = None


def _shared_file() -> int | None:
    """An in-memory file for a child's result (Linux), else None: the pipe carries it."""
    try:
        return os.memfd_create("govnet-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _write_shared(fd: int, value: object) -> list[tuple[int, int]]:
    """``value`` pickled into the file ``fd``, its arrays out of band, each aligned:
    the (offset, length) of the pickle, then of each buffer."""
    buffers: list[pickle.PickleBuffer] = []
    parts = [memoryview(pickle.dumps(value, protocol=5, buffer_callback=buffers.append))]
    parts += [b.raw() for b in buffers]
    spans, at = [], 0
    with open(fd, "wb", closefd=False) as out:
        for part in parts:
            at = -(-at // ALIGN) * ALIGN
            out.seek(at)
            out.write(part)
            spans.append((at, part.nbytes))
            at += part.nbytes
    return spans


def _mapped(fd: int, spans: list[tuple[int, int]]) -> object:
    """The value ``_write_shared`` wrote, its arrays on a private (copy-on-write) map of the
    file: nothing copied, and writable as any array."""
    end = max(at + n for at, n in spans)
    view = memoryview(mmap.mmap(fd, end, mmap.MAP_PRIVATE, mmap.PROT_READ | mmap.PROT_WRITE))
    meta, *buffers = (view[at : at + n] for at, n in spans)
    return pickle.loads(meta, buffers=buffers)


# Children whose whole result came back, maybe still exiting: a district's child takes
# 10–15 ms to unmap its copy of the parent's memory, which the caller need not wait for.
_EXITING: list[int] = []


def _reap(wait: bool = False) -> None:
    """Reap the children of ``_EXITING`` that have exited; ``wait``: all of them.

    A notebook reaps them at its next fork; every process at its exit (long after they
    ended), so their CPU time is counted as its children's (``RUSAGE_CHILDREN``)."""
    for pid in list(_EXITING):
        with contextlib.suppress(ChildProcessError):  # reaped already (``os.wait`` elsewhere)
            if os.waitpid(pid, 0 if wait else os.WNOHANG)[0] == 0:
                continue
        _EXITING.remove(pid)


atexit.register(_reap, True)


def beside(fn: Callable[..., T], *args: object) -> Pending[T]:
    """Start ``fn(*args)`` in a forked child if ``can_fork()``, else compute it now."""
    if not can_fork():
        return Pending.done(fn(*args))
    _reap()
    shared = _shared_file()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no cleanup handlers, no flushing the parent's buffers
        code = 1
        try:
            one_job()
            os.close(read)
            value = fn(*args)
            if shared is not None:
                value = _write_shared(shared, value)  # the pipe then says where it is
            with os.fdopen(write, "wb") as out:
                out.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return Pending(fn, args, pid, read, shared)


def both(fn: Callable[..., T], mine: tuple, other: tuple) -> tuple[T, T]:
    """``fn(*mine)`` here while ``fn(*other)`` runs ``beside`` it: the two halves of one job.

    If this half fails, the other is cancelled (its child reaped) before the error goes on.
    """
    pending = beside(fn, *other)
    try:
        first = fn(*mine)
    except BaseException:
        pending.cancel()
        raise
    return first, pending.result()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, each a one-job process (``graph.collector``).

    Forked workers start with govnet already imported (a fresh interpreter spends about
    1.5 CPU s importing it); a threaded host (e.g. the Streamlit app, a progress bar) must
    not fork its locks, so there they come from a fork server.
    """
    method = "fork" if threading.active_count() == 1 else "forkserver"
    return ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=one_job)
