"""Run a function in a forked process beside the caller's own work, on a 2-core machine.

Cheaper than a process pool for one task: the child gets its inputs by fork (nothing is
pickled in) and sends its result back pickled through a pipe. Where forking is not safe
or possible (no ``os.fork``, another Python thread whose held locks the child would
inherit, e.g. the Streamlit app), or the child fails, the function runs in the caller.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a fork is worth it and safe: 2+ cores, POSIX, no other Python thread."""
    return (os.cpu_count() or 1) > 1 and hasattr(os, "fork") and threading.active_count() == 1


def beside(fn: Callable[..., T], *args: object) -> Callable[[], T]:
    """Start ``fn(*args)`` (in a forked child if ``can_fork()``); the returned call waits
    for it and gives its result. Always call it (in a ``finally``): it reaps the child."""
    if not can_fork():
        value = fn(*args)
        return lambda: value
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no cleanup handlers, no flushing the parent's buffers
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                out.write(pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL))
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result() -> T:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return pickle.loads(data) if status == 0 and data else fn(*args)

    return result
