"""graph.forked: a function run in a forked child gives what it gives in the caller."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from graph.forked import beside, can_fork
from tests.conftest import ROOT


def assert_prints_ok(code: str) -> None:
    """``code`` run in a fresh interpreter (no other thread: it may fork) prints only ok."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0 and done.stdout == "ok\n", (done.stdout, done.stderr)


def test_runs_in_a_child_where_it_can_fork() -> None:
    assert (beside(os.getpid).result() != os.getpid()) == can_fork()


def test_forks_in_a_process_without_other_threads() -> None:
    """The test session may hold threads (servers of other tests), so it may not fork:
    a fresh interpreter on this 2-core machine must, and a failure still reaches it."""
    code = (
        "import os; from graph.forked import beside\n"
        "assert beside(os.getpid).result() != os.getpid()\n"
        "pending = beside(int, 'x')\n"
        "try: pending.result()\n"
        "except ValueError: print('ok')\n"
    )
    assert_prints_ok(code)


def test_result_comes_back_whole() -> None:
    big = {str(i): list(range(i % 50)) for i in range(20_000)}  # more than a pipe's buffer
    assert beside(dict, big).result() == big


def test_arrays_come_back_through_shared_memory_equal_and_writable() -> None:
    """On Linux a child's arrays come back out of band in an in-memory file the caller maps
    (``_write_shared``): NumPy arrays and Arrow strings equal to the child's, each at an
    aligned address, and writable without touching the file. In a fresh interpreter, so
    that it forks."""
    code = (
        "import os, numpy as np, pandas as pd\n"
        "import graph.forked as forked\n"
        "def make():\n"
        "    text = pd.array([f'id{i}' for i in range(50_000)] + [None], dtype='string[pyarrow]')\n"
        "    return os.getpid(), np.arange(100_001), pd.DataFrame({'id': text, 'x': 0.5})\n"
        "pending = forked.beside(make)\n"
        "assert pending._shared is not None  # an in-memory file (Linux)\n"
        "pid, numbers, frame = pending.result()\n"
        "_, want_numbers, want_frame = make()\n"
        "assert pid != os.getpid() and pending._shared is None\n"
        "assert (numbers == want_numbers).all() and frame.equals(want_frame)\n"
        "assert numbers.ctypes.data % forked.ALIGN == 0\n"
        "numbers[0] = 7; frame.loc[0, 'x'] = 2.0\n"
        "assert numbers[0] == 7 and frame['x'].iloc[0] == 2.0\n"
        "print('ok')\n"
    )
    assert_prints_ok(code)


def test_a_failing_child_fails_in_the_caller() -> None:
    with pytest.raises(ValueError, match="not a number"):  # at once where it cannot fork
        beside(int, "not a number").result()


def test_a_finished_child_is_reaped_at_the_next_fork() -> None:
    """The caller takes a result without waiting for its child to exit; the next fork
    reaps it, so children never pile up as zombies in a long-lived process (a notebook)."""
    code = (
        "import os, time\n"
        "from graph.forked import _EXITING, beside\n"
        "first = beside(os.getpid)\n"
        "pid = first.result()\n"
        "time.sleep(1)  # long enough to have exited\n"
        "beside(os.getpid).result()\n"
        "assert pid not in _EXITING\n"
        "try: os.waitpid(pid, os.WNOHANG); print('not reaped')\n"
        "except ChildProcessError: print('ok')\n"
    )
    assert_prints_ok(code)


def test_cancel_reaps_the_child() -> None:
    pending = beside(time.sleep, 60 if can_fork() else 0)  # in the caller: at once
    pid = pending._pid
    pending.cancel()
    if pid is not None:  # forked: the child is gone, neither running nor a zombie
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_both_halves_come_back_and_a_failing_half_reaps_the_other() -> None:
    """``both``: the two results in order; when the caller's half fails, the child running
    the other half is killed and reaped (no child left), and the error goes on. In a fresh
    interpreter, so that it forks."""
    code = (
        "import os, time\n"
        "from graph.forked import both\n"
        "def half(x):\n"
        "    if x == 'fail': raise ValueError(x)\n"
        "    time.sleep(60)\n"
        "start = time.monotonic()\n"
        "try: both(half, ('fail',), ('sleep',))\n"
        "except ValueError: pass\n"
        "assert time.monotonic() - start < 30\n"
        "try: os.waitpid(-1, os.WNOHANG); print('a child is left')\n"
        "except ChildProcessError: pass\n"
        "assert both(divmod, (7, 2), (9, 4)) == ((3, 1), (2, 1))\n"
        "print('ok')\n"
    )
    assert_prints_ok(code)
