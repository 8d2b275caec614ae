"""graph.collector: govnet's own one-job processes collect less often; a host is untouched."""

from __future__ import annotations

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


def test_the_cli_runs_tuned() -> None:
    code = (
        "import gc, sys\n"
        "from govnet.cli import cli\n"
        "@cli.app.command('thresholds')\n"
        "def thresholds(): print(gc.get_threshold(), gc.get_freeze_count() > 0)\n"
        "sys.argv = ['govnet', 'thresholds']\n"
        "from govnet.cli.main import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stdout == f"{THRESHOLDS} True\n", (done.stdout, done.stderr)
