"""Partitioned and distributed analysis: same results as the whole-ledger run, bounded memory.

The Parquet dataset is written by the real converter from ledgers read by the real
loaders (the analysis fixture and the demo district); the Dask runs use a real
``distributed.LocalCluster``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graph.analysis import analyze, to_json
from graph.analysis.partitioned import analyze_dataset, batches
from graph.network import Network
from loaders.ledger import read_ledger
from loaders.parquet import Dataset, convert, read_manifest, read_streets
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture(scope="module")
def fixture_net() -> Network:
    return read_ledger(FIXTURE)


@pytest.fixture(scope="module")
def fixture_ds(fixture_net: Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _converted(fixture_net, tmp_path_factory.mktemp("fixture") / "ds")


@pytest.fixture(scope="module")
def district_ds(demo_net: Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _converted(demo_net, tmp_path_factory.mktemp("district") / "ds")


@pytest.fixture(scope="module")
def district_json(demo_net: Network) -> dict:
    return to_json(analyze(demo_net, 2024))


def _converted(net: Network, out: Path) -> Path:
    convert(net, out)
    return out


def _links_touching(tables: dict[str, pd.DataFrame], ids: set[str]) -> set[tuple]:
    links = tables["links"]
    hit = links["source_id"].isin(ids) | links["target_id"].isin(ids)
    cols = ["source_id", "target_id", "type", "since", "until"]
    return set(links.loc[hit, cols].astype(object).itertuples(index=False, name=None))


def test_partitions_cover_the_ledger_and_every_link_of_their_nodes(
    fixture_net: Network, fixture_ds: Path
) -> None:
    """Own rows partition every table; each street sees every link touching its own nodes."""
    manifest = read_manifest(fixture_ds)
    streets = [s["id"] for s in manifest["streets"]]
    assert len([s for s in streets if s]) == 2 and manifest["halo_links"] > 0
    own: dict[str, list[str]] = {}
    for street in streets:
        part = read_streets(fixture_ds, [street])
        for table, ids in part.own.items():
            own.setdefault(table, []).extend(ids)
        mine = set().union(*part.own.values())
        assert _links_touching(fixture_net.tables, mine) <= _links_touching(part.tables, mine)
    for table, ids in own.items():
        assert sorted(ids) == sorted(fixture_net.tables[table]["id"].astype(object)), table
    whole = read_streets(fixture_ds, streets)
    assert Network(whole.tables).equals(fixture_net)


def test_fixture_partitioned_and_dask_equal_whole(fixture_net: Network, fixture_ds: Path) -> None:
    """Every year of the fixture one street per task; the latest year also on Dask."""
    from distributed import LocalCluster

    assert len(batches(read_manifest(fixture_ds), 1)) == 3  # street-less part, two streets
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        for year in fixture_net.years:
            whole = to_json(analyze(fixture_net, year))
            assert whole["communities"] and whole["suggestions"]
            local = analyze_dataset(Dataset(fixture_ds), year, batch=1, workers=1)
            assert to_json(local) == whole, year
            if year == max(fixture_net.years):
                dask = analyze_dataset(
                    Dataset(fixture_ds),
                    year,
                    engine="dask",
                    scheduler=cluster.scheduler_address,
                    batch=1,
                )
                assert to_json(dask) == whole, year


def test_demo_district_parquet_local_pool_equals_whole(
    district_ds: Path, district_json: dict
) -> None:
    """The demo district in groups of streets across a 2-process pool: the same JSON."""
    assert len(batches(read_manifest(district_ds), 50)) >= 3
    a = analyze_dataset(Dataset(district_ds), 2024, batch=50, workers=2)
    assert to_json(a) == district_json
    assert len(a.evidence) and a.explain(a.communities["id"].iloc[0], "reach")


@pytest.mark.slow
def test_demo_district_dask_local_cluster_equals_whole(
    district_ds: Path, district_json: dict
) -> None:
    """The same on a Dask LocalCluster of two workers (threads), without evidence."""
    a = analyze_dataset(
        Dataset(district_ds), 2024, engine="dask", workers=2, batch=50, evidence=False
    )
    assert a.evidence.empty
    assert to_json(a) == district_json


CHILD = """
import json, sys
mode, root = sys.argv[1], sys.argv[2]
import pyarrow as pa
pa.set_cpu_count(1)
pa.set_io_thread_count(1)
from graph.analysis import analyze
from graph.analysis.partitioned import analyze_dataset
from graph.network import Network
from loaders.parquet import Dataset, read_manifest, read_streets
if mode == "whole":
    streets = [s["id"] for s in read_manifest(root)["streets"]]
    a = analyze(Network(read_streets(root, streets).tables), 2024, parallel=False)
elif mode == "partitioned":
    a = analyze_dataset(Dataset(root), 2024, workers=1, batch=1, evidence=False)
status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
peak = int(status["VmHWM"].split()[0]) * 1024  # unlike ru_maxrss, not inherited across exec
print(json.dumps({"peak": peak, "communities": 0 if mode == "probe" else len(a.communities)}))
"""


def _peak(mode: str, root: Path) -> dict:
    """Run one mode in a fresh process; its resident high-water mark and community count."""
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.slow
def test_partitioned_run_needs_less_memory_than_the_whole_graph_run(district_ds: Path) -> None:
    """Resident high-water marks above the libraries' own footprint (a probe that only imports).

    Measured here: one street at a time ~110 MB above the footprint, the whole ledger ~210 MB.
    Resident pages are what the data touches, so the figures do not move with the machine's
    load. An address-space limit did: allocators reserve and retry, and a whole-graph run once
    squeezed under the limit that was meant to stop it.
    """
    footprint = _peak("probe", district_ds)["peak"]
    part = _peak("partitioned", district_ds)
    whole = _peak("whole", district_ds)
    assert part["communities"] == whole["communities"] == 156
    part_extra, whole_extra = part["peak"] - footprint, whole["peak"] - footprint
    assert 0 < part_extra < 0.7 * whole_extra, (part_extra / 2**20, whole_extra / 2**20)


def test_convert_command_writes_a_dataset_and_refuses_other_folders(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from govnet.cli.main import app

    runner = CliRunner()
    out = tmp_path / "ds.parquet"
    done = runner.invoke(app, ["convert", str(FIXTURE), str(out)])
    assert done.exit_code == 0, done.output
    manifest = read_manifest(out)
    assert [s["id"] for s in manifest["streets"]] == [None, "S1", "S2"]
    assert sorted(p.name for p in (out / "links").iterdir()) == ["street_id=S1", "street_id=S2"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    refused = runner.invoke(app, ["convert", str(FIXTURE), str(other)])
    assert refused.exit_code == 1 and (other / "keep.txt").exists()
    missing = runner.invoke(app, ["convert", str(tmp_path / "nope.xlsx"), str(tmp_path / "x")])
    assert missing.exit_code != 0 and "Traceback" not in missing.output


def test_analyze_command_on_a_dataset_locally_and_on_dask(fixture_ds: Path, tmp_path: Path) -> None:
    """`govnet analyze DATASET` (local pool, Dask) prints the ledger's own JSON."""
    from typer.testing import CliRunner

    from govnet.cli.main import app

    runner = CliRunner()
    want = runner.invoke(app, ["analyze", str(FIXTURE), "-f", "json"])
    assert want.exit_code == 0, want.output
    for extra in ([], ["--engine", "dask"]):
        out = tmp_path / "a.json"
        got = runner.invoke(app, ["analyze", str(fixture_ds), "-f", "json", "-o", str(out), *extra])
        assert got.exit_code == 0, got.output
        assert json.loads(out.read_text("utf-8")) == json.loads(want.stdout), extra
    on_the_fly = tmp_path / "b.json"  # a ledger converted table by table into a temporary dataset
    got = runner.invoke(
        app, ["analyze", str(FIXTURE), "--engine", "local", "-f", "json", "-o", str(on_the_fly)]
    )
    assert got.exit_code == 0, got.output
    assert json.loads(on_the_fly.read_text("utf-8")) == json.loads(want.stdout)
    remote = runner.invoke(
        app, ["analyze", str(FIXTURE), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"]
    )
    message = " ".join(remote.output.replace("│", " ").split())  # rich wraps it in a box
    assert remote.exit_code == 2 and "govnet convert" in message
