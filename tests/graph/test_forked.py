"""graph.forked: a function run in a forked child gives what it gives in the caller."""

from __future__ import annotations

import os
import time

import pytest

from graph.forked import beside, can_fork


def test_runs_in_a_child_where_it_can_fork() -> None:
    assert (beside(os.getpid).result() != os.getpid()) == can_fork()


def test_result_comes_back_whole() -> None:
    big = {str(i): list(range(i % 50)) for i in range(20_000)}  # more than a pipe's buffer
    assert beside(dict, big).result() == big


def test_a_failing_child_fails_in_the_caller() -> None:
    pending = beside(int, "not a number")
    with pytest.raises(ValueError, match="not a number"):
        pending.result()


def test_cancel_reaps_the_child() -> None:
    pending = beside(time.sleep, 60 if can_fork() else 0)  # in the caller: at once
    pid = pending._pid
    pending.cancel()
    if pid is not None:  # forked: the child is gone, neither running nor a zombie
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
