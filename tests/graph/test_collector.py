"""graph.collector: govnet's own one-job processes collect less often; a host is untouched."""

from __future__ import annotations

import gc
import subprocess
import sys

from graph.collector import THRESHOLDS
from tests.conftest import ROOT
from tests.graph.test_forked import assert_prints_ok


def test_a_forked_child_and_a_pool_worker_are_tuned_and_the_caller_is_not() -> None:
    """In a fresh interpreter (no other thread: it forks): the analysis' forked child and
    its process pool's workers run with govnet's thresholds and a frozen inheritance,
    while the calling process (a notebook's) keeps Python's defaults and frees nothing late."""
    code = (
        "import gc\n"
        "from graph.analysis.partitioned import run_local\n"
        "from graph.forked import beside\n"
        "default = gc.get_threshold()\n"
        "def seen(_=None): return gc.get_threshold(), gc.get_freeze_count() > 0\n"
        f"tuned = ({THRESHOLDS!r}, True)\n"
        "assert beside(seen).result() == tuned, beside(seen).result()\n"
        "assert run_local(seen, [1, 2, 3], workers=2) == [tuned] * 3\n"
        "assert seen() == (default, False), seen()\n"
        "print('ok')\n"
    )
    assert_prints_ok(code)


def _python(code: str) -> subprocess.CompletedProcess:
    """``code`` run in a fresh interpreter from the repository, its output captured."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def _seen_by(command: str) -> str:
    """What a CLI command sees of the collector (``govnet app``: its server, not started)."""
    code = (
        "import gc, sys\n"
        "def seen(): print(gc.get_threshold(), gc.get_freeze_count() > 0)\n"
        "import govnet.app.launch\n"
        "govnet.app.launch.main = lambda args: seen()\n"
        "from govnet.cli import cli\n"
        "cli.app.command('thresholds')(seen)\n"
        f"sys.argv = ['govnet', {command!r}]\n"
        "from govnet.cli.main import main\n"
        "main()\n"
    )
    done = _python(code)
    return done.stdout + done.stderr


def test_a_cli_command_runs_tuned_and_the_app_server_does_not() -> None:
    """A command runs once and exits; ``govnet app`` serves on in the same process."""
    assert _seen_by("thresholds") == f"{THRESHOLDS} True\n"
    assert _seen_by("app") == f"{gc.get_threshold()} False\n"


def _ends(code: int, thread: bool) -> subprocess.CompletedProcess:
    """A CLI command that registers an exit handler, writes a line without its newline,
    with an object held by a module that prints when freed, exits with ``code`` (optionally while
    another thread is still at work)."""
    script = (
        "import atexit, sys, threading, time, typer\n"
        "from govnet.cli import cli\n"
        "class Freed:\n"
        "    def __del__(self): print('freed', file=sys.stderr)\n"
        "cli.held = Freed()  # freed one by one when the interpreter tears its modules down\n"
        "def ends(code: int, thread: bool = False):\n"
        "    atexit.register(print, 'handler', file=sys.stderr)\n"
        "    if thread:\n"
        "        threading.Thread(target=lambda: (time.sleep(0.3), print('joined'))).start()\n"
        "    print('partial', end='')\n"
        "    raise typer.Exit(code)\n"
        "cli.app.command('ends')(ends)\n"
        f"sys.argv = {['govnet', 'ends', str(code), *(['--thread'] if thread else [])]!r}\n"
        "from govnet.cli.main import main\n"
        "main()\n"
    )
    return _python(script)


def test_a_cli_command_leaves_with_its_code_output_and_exit_handlers_but_no_teardown() -> None:
    for code in (0, 3):
        done = _ends(code, thread=False)
        assert (done.returncode, done.stdout) == (code, "partial")
        assert done.stderr == "handler\n"  # and nothing freed one by one at the end


def test_a_cli_command_with_a_thread_still_running_exits_as_usual() -> None:
    done = _ends(4, thread=True)
    assert (done.returncode, done.stdout) == (4, "partialjoined\n")
    assert done.stderr.startswith("handler\n")


def test_a_cli_command_under_cprofile_exits_as_usual_so_the_stats_are_written(
    tmp_path,
) -> None:
    stats = tmp_path / "cli.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "govnet.cli.main", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert stats.stat().st_size > 0
