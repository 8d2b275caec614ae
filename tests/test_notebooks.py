"""The notebooks run top to bottom on the demo district, in a real kernel of this venv.

Each notebook is executed with nbclient exactly as committed, with papermill-style injected
parameters where a test needs them, and a probe cell appended that prints what the notebook
computed as one JSON line, which the tests check against the ledger itself. Executed copies go
to ``artifacts/notebooks/`` (gitignored) for inspection, also when a cell fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.conftest import ARTIFACTS, ROOT
from tests.oracles import UNITS, coreless, led_counts, unled_communities

NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_quickstart", "02_cypher", "03_network_science"]
PROBE_MARK = "NOTEBOOK-PROBE "
CELL_TIMEOUT = 1200  # seconds; the demo's slowest cell is an analysis of all three years


@pytest.fixture(scope="session")
def venv_kernel(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ``python3`` kernelspec that runs this interpreter, found before any user-level one.

    A ``python3`` spec in the user's Jupyter folder could start another Python without
    govnet; ``JUPYTER_PATH`` is searched first, so a spec written there wins.
    """
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("kernel")
    install(kernel_name="python3", prefix=str(prefix))
    data = prefix / "share" / "jupyter"
    spec = json.loads((data / "kernels" / "python3" / "kernel.json").read_text())
    assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(data))
    yield "python3"
    mp.undo()


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def inject(nb: nbformat.NotebookNode, **params: object) -> None:
    """Add a cell after the ``parameters`` cell that overrides some of them (as papermill does)."""
    idx = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    text = "\n".join(f"{k} = {v!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(text, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(idx + 1, cell)


def kernel_env() -> dict[str, str]:
    """The environment a kernel starts with, taken in the test's own thread: a kernel started
    from a pool thread must not copy ``os.environ`` itself while pytest sets and unsets
    ``PYTEST_CURRENT_TEST`` in the main thread (a KeyError when the two meet)."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def run(
    name: str, kernel: str, probe: str, copy: str = "", env: dict | None = None, **params: object
) -> tuple[nbformat.NotebookNode, dict]:
    """Execute a notebook with a probe cell appended; return it and the probe's JSON.

    The executed copy is ``artifacts/notebooks/<name>[.<copy>].ipynb``.
    """
    nb = load(name)
    if params:
        inject(nb, **params)
    emit = f"print({PROBE_MARK!r} + _json.dumps(_probe, default=str))"
    probe_code = f"import json as _json, sys as _sys\n{probe}\n{emit}"
    nb.cells.append(nbformat.v4.new_code_cell(probe_code))
    out = ARTIFACTS / "notebooks"
    out.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(ROOT)}}
    )
    try:
        client.execute(env=env if env is not None else kernel_env())
    finally:
        nbformat.write(nb, out / f"{name}{'.' + copy if copy else ''}.ipynb")
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    line = next(ln for ln in text.splitlines() if ln.startswith(PROBE_MARK))
    return nb, json.loads(line[len(PROBE_MARK) :])


def images(nb: nbformat.NotebookNode) -> int:
    return sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


def errors(nb: nbformat.NotebookNode) -> list[str]:
    return [
        f"{o.ename}: {o.evalue}"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]


SMALL = ROOT / "tests" / "fixtures" / "small"
QUICKSTART_PROBE = """
_probe = {
    "executable": _sys.executable,
    "year": int(year),
    "coverage_ids": sorted(coverage.index),
    "coverage_columns": list(coverage.columns),
    "weak_ids": sorted(weak.index),
    "weak_reasons_empty": int(sum(len(r) == 0 for r in weak["reasons"])),
    "drawn": cid,
    "core": core,
    "core_drawn": core in h,
    "drawn_nodes": h.number_of_nodes(),
    "lead_edges": len(lead_edges),
}
"""
SMALL_PROBE = '_probe = {"communities": sorted(communities.index), "year": int(year)}'
CYPHER_PROBE = """
_probe = {
    "end": END,
    "inventory_orgs": int(inventory.loc[inventory["label"] == "Organization", "nodes"].sum()),
    "leaders": leaders[["id", "actors_led"]].values.tolist(),
    "committees": len(per_committee),
    "paths": paths["kinds"].tolist(),
    "unled": sorted(unled["id"]),
    "shared": shared_units[["id", "communities_served"]].values.tolist(),
    "no_core": sorted(no_core["id"]),
    "started_server": server is not None,
    "server_stopped": server is not None and server.process.poll() is not None,
}
"""
NETWORK_SCIENCE_PROBE = """
_probe = {
    "engine_reach": engine_reach,
    "recomputed_reach": float(curve["targeted"].iloc[0]),
    "targeted": curve["targeted"].tolist(),
    "random": curve["random"].tolist(),
    "ari": float(scores["adjusted_rand"]),
    "nmi": float(scores["nmi"]),
    "ari_self": adjusted_rand(admin, admin),
    "nmi_self": normalized_mutual_info(admin, admin),
    "cores": len(core_table),
    "constraint_rows": int(burt["constraint"].notna().sum()),
    "trend_years": list(trend.index),
}
"""


def invalid_ledger(folder: Path) -> Path:
    """The small ledger with one place of an unknown kind ('castle')."""
    bad = folder / "ledger"
    shutil.copytree(SMALL, bad)
    places = pd.read_csv(bad / "places.csv", dtype=str, keep_default_na=False)
    places.loc[2, "kind"] = "castle"
    places.to_csv(bad / "places.csv", index=False)
    return bad


def planned(bad: Path) -> dict[str, tuple[str, str, str, dict]]:
    """Each test's notebook run (notebook, probe, copy name, injected parameters), in the
    order the tests come."""
    small = {"LEDGER": str(SMALL)}
    return {
        "test_quickstart": ("01_quickstart", QUICKSTART_PROBE, "", {}),
        "test_runs_on_a_small_ledger_given_by_path[01_quickstart]": (
            "01_quickstart", SMALL_PROBE, "small", small
        ),
        "test_runs_on_a_small_ledger_given_by_path[03_network_science]": (
            "03_network_science", SMALL_PROBE, "small", small
        ),
        "test_quickstart_lists_ledger_problems_without_a_traceback": (
            "01_quickstart", "_probe = {}", "invalid", {"LEDGER": str(bad)}
        ),
        "test_cypher_on_its_own_server": ("02_cypher", CYPHER_PROBE, "", {}),
        "test_network_science": ("03_network_science", NETWORK_SCIENCE_PROBE, "", {}),
    }  # fmt: skip


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, venv_kernel: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future]]:
    """The notebook runs of the selected tests, started together two at a time in test order:
    each is a kernel of its own, so on two cores they take about half the time of one after
    another. A test takes its own run's result (or what it raised) by its name."""
    plan = planned(invalid_ledger(tmp_path_factory.mktemp("invalid")))
    here = Path(request.module.__file__)
    wanted = [item.name for item in request.session.items if item.path == here]
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        yield {
            test: pool.submit(run, name, venv_kernel, probe, copy, kernel_env(), **params)
            for test in wanted
            if test in plan
            for name, probe, copy, params in [plan[test]]
        }
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name: str) -> None:
    """Committed notebooks carry no outputs and one papermill ``parameters`` cell."""
    nb = load(name)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_notebook_code_passes_pyflakes() -> None:
    """No undefined or unused names in the notebooks (ruff's config leaves notebooks out)."""
    paths = [str(NOTEBOOKS / f"{n}.ipynb") for n in NAMES]
    cmd = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,E9", *paths]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_quickstart(runs: dict[str, Future], request: pytest.FixtureRequest, demo_net) -> None:
    nb, p = runs[request.node.name].result()
    assert errors(nb) == []
    assert Path(p["executable"]).resolve() == Path(sys.executable).resolve()
    assert p["year"] == max(demo_net.years)
    places = demo_net.tables["places"]
    units = sorted(places.loc[places["kind"].isin(["community", "village"]), "id"])
    assert p["coverage_ids"] == units
    ext = ["ext_grid", "ext_compound", "ext_building", "ext_property", "ext_owners", "ext_social"]
    assert set([*ext, "coverage_index", "reach"]) <= set(p["coverage_columns"])
    assert p["weak_ids"], "the demo plants weak communities"
    assert set(p["weak_ids"]) <= set(units)
    assert p["weak_reasons_empty"] == 0, "every weak community names its reasons"
    assert p["core_drawn"] and p["drawn_nodes"] > 5 and p["lead_edges"] > 0
    assert images(nb) >= 2  # the street heatmap and the community drawing


@pytest.mark.parametrize("name", ["01_quickstart", "03_network_science"])
def test_runs_on_a_small_ledger_given_by_path(
    runs: dict[str, Future], request: pytest.FixtureRequest, name: str
) -> None:
    """A district's own ledger (here the small CSV fixture) through ``LEDGER``: no demo-sized
    assumptions (fewer organizations than removal steps, one street, few communities)."""
    nb, p = runs[request.node.name].result()
    assert errors(nb) == []
    places = pd.read_csv(SMALL / "places.csv", dtype=str)
    assert p["communities"] == sorted(places.loc[places["kind"].isin(UNITS), "id"])
    assert p["year"] == 2024


def test_quickstart_lists_ledger_problems_without_a_traceback(
    runs: dict[str, Future], request: pytest.FixtureRequest
) -> None:
    """An invalid ledger (a place of kind 'castle') stops the notebook at the load cell with
    a table of its problems."""
    with pytest.raises(CellExecutionError) as failed:
        runs[request.node.name].result()
    assert failed.value.ename == "SystemExit"
    assert "台账有误 invalid ledger" in failed.value.evalue
    nb = nbformat.read(ARTIFACTS / "notebooks" / "01_quickstart.invalid.ipynb", as_version=4)
    load_cell = next(c for c in nb.cells if c.cell_type == "code" and "def load(" in c.source)
    shown = "".join(o.get("data", {}).get("text/plain", "") for o in load_cell.outputs)
    assert "castle" in shown and "places" in shown and "kind" in shown
    (error,) = [o for o in load_cell.outputs if o.output_type == "error"]
    assert len(error.traceback) <= 2, "a message, not a stack trace"
    assert not [o for o in load_cell.outputs if o.output_type == "stream"]


def check_cypher_answers(nb: nbformat.NotebookNode, p: dict, tables: dict) -> None:
    """Each Cypher answer equals the same question answered with pandas on the ledger."""
    assert errors(nb) == []
    assert p["inventory_orgs"] == len(tables["organizations"])
    expected = led_counts(tables, p["end"])
    assert p["leaders"], "party organizations lead actors in the demo"
    assert p["leaders"][0][1] == max(expected.values())
    assert all(expected[i] == n for i, n in p["leaders"])
    assert p["committees"] > 0 and p["paths"], "the demo's volunteer teams are led via the party"
    for chain in p["paths"]:
        assert chain[0] == "party_working_committee" and chain[-1] == "volunteer_team"
    assert p["unled"], "the demo plants property companies that are never led"
    assert p["unled"] == unled_communities(tables, p["end"])
    assert p["shared"] and all(n >= 2 for _, n in p["shared"])
    assert p["no_core"] and p["no_core"] == coreless(tables)


@pytest.mark.slow
@pytest.mark.db
def test_cypher_on_its_own_server(
    runs: dict[str, Future], request: pytest.FixtureRequest, demo_net
) -> None:
    """As a user runs it: the notebook starts FalkorDB, loads the demo, and stops the server."""
    nb, p = runs[request.node.name].result()
    check_cypher_answers(nb, p, demo_net.tables)
    assert p["started_server"] and p["server_stopped"]


@pytest.mark.slow
@pytest.mark.db
def test_cypher_on_a_running_database(venv_kernel: str, demo_net, store_target: dict) -> None:
    """Connected by URI to a database that already holds the district (FalkorDB, and Neo4j 5
    when NEO4J_URI is set): the same portable Cypher gives the same answers, nothing is
    written, and a server the notebook did not start keeps running."""
    from graph.store import open_store

    with open_store(**store_target) as store:
        store.write(demo_net, replace=True)
    params = {
        "DB_URI": store_target["uri"],
        "GRAPH": store_target.get("graph"),
        "DB_USER": store_target.get("user"),
        "DB_PASSWORD": store_target.get("password"),
        "LOAD": False,
    }
    nb, p = run("02_cypher", venv_kernel, CYPHER_PROBE, copy="connected", **params)
    check_cypher_answers(nb, p, demo_net.tables)
    assert not p["started_server"]
    assert p["end"] == f"{max(demo_net.years)}-12-31"
    with open_store(**store_target) as store:
        assert store.status()["complete"]


@pytest.mark.slow
def test_network_science(runs: dict[str, Future], request: pytest.FixtureRequest, demo_net) -> None:
    nb, p = runs[request.node.name].result()
    assert errors(nb) == []
    assert p["recomputed_reach"] == pytest.approx(p["engine_reach"], abs=1e-9)
    targeted = p["targeted"]
    assert all(b <= a + 1e-12 for a, b in zip(targeted, targeted[1:], strict=False))
    assert targeted[-1] < targeted[0], "removing the top brokers lowers reach"
    assert 0 <= p["ari"] <= 1 and 0 <= p["nmi"] <= 1
    assert p["ari_self"] == pytest.approx(1) and p["nmi_self"] == pytest.approx(1)
    assert p["cores"] > 0 and p["constraint_rows"] > 0
    assert p["trend_years"] == demo_net.years
    assert images(nb) >= 5
