"""igraph is imported for its kernels on first use (not by importing them: a district's
graph metrics run in a forked process), without matplotlib's start-up cost, and without
taking plotting away from a process that already plots."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_kernels_import_no_plotting_library_and_leave_them_importable() -> None:
    out = _run(
        "import sys; import graph.analysis.kernels as k; print('igraph' in sys.modules); "
        "g = k.igraph_module().Graph(n=2); "
        "print(sorted(set(k.PLOTTING) & set(sys.modules)), g.vcount()); "
        "import matplotlib.pyplot; print(matplotlib.pyplot.__name__)"
    )
    assert out.split("\n") == ["False", "[] 2", "matplotlib.pyplot"]


def test_a_process_that_plots_first_keeps_igraphs_plotting() -> None:
    out = _run(
        "import matplotlib; import graph.analysis.kernels as k; k.igraph_module(); "
        "from igraph.drawing import shapes; print(shapes.mpl is matplotlib)"
    )
    assert out == "True"
