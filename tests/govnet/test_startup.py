"""Start-up: the CLI imports no app, Dask or database client until a command needs one."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ["streamlit", "dask", "distributed", "plotly", "falkordb", "redis", "neo4j", "igraph"]
# The analysis (what ``gn.analyze`` loads) runs its graph kernels on igraph, and only that.
ANALYSIS = {"igraph"}


def _imported_after(statement: str, among: list[str] = HEAVY) -> list[str]:
    """Top-level packages from ``among`` in sys.modules after ``statement`` in a fresh
    interpreter."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(set(sys.modules))))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    return [m for m in among if m in loaded]


def test_cli_imports_no_app_dask_or_database_client() -> None:
    assert _imported_after("import govnet.cli.main") == []


def test_the_facade_loads_its_api_on_first_use() -> None:
    loaded = _imported_after("import govnet as gn\nassert callable(gn.analyze)")
    assert set(loaded) <= ANALYSIS


def test_an_analysis_runs_without_networkx(demo_dir) -> None:
    """NetworkX is the reference of the graph metrics and the flow solver, not the engine:
    analyzing the demo district imports igraph and OR-Tools, never NetworkX (a tenth of a
    second of a district's cold ``govnet analyze``). igraph is imported where the graph
    metrics run: with them in a forked process beside the caller, only there."""
    read = (
        "import govnet as gn, graph.analysis.engine as engine\n"
        "from graph.analysis import analyze\n"
        "from loaders.ledger import read_ledger\n"
        f"net = read_ledger({str(demo_dir / 'csv')!r}, key='k', personal=False)\n"
    )
    among = ["networkx", "igraph", "ortools"]
    here = read + "analyze(net, parallel=False)"
    assert _imported_after(here, among) == ["igraph", "ortools"]
    forked = read + "engine.spare_core = lambda: True\ngn.analyze(net)"  # an idle machine's way
    assert _imported_after(forked, among) == ["ortools"]


def test_govnet_app_starts_its_server_without_the_engine() -> None:
    """``govnet app`` only launches Streamlit: pandas and NetworkX load in the server, not in
    the launcher, which is still the ``app`` subcommand with its options."""
    code = (
        "import sys\nsys.argv = ['govnet', 'app', '--help']\n"
        "import govnet.cli.main\n"
        "print(sorted({'pandas', 'networkx'} & set(sys.modules)))\n"
        "govnet.cli.main.main()"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "[]"
    assert "govnet app [OPTIONS]" in out.stdout and "--ledger" in out.stdout  # a subcommand
