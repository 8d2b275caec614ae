"""The product as a user gets it: a wheel built from the repository, installed in a fresh
virtual environment outside it, runs the CLI and the README's Python example.

To stay fast the fresh venv borrows the dependencies of the running interpreter through a
``.pth`` file (only its site-packages directory: the editable govnet of a checkout is not
activated, so ``govnet``, ``graph`` and ``loaders`` come from the wheel alone).
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def run(cmd: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HOME"] = str(cwd)  # the pseudonym key file goes here, not into the user's home
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def readme_python_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    return next(b for b in blocks if "import govnet as gn" in b)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv outside the repository with the wheel installed; returns its bin directory."""
    work = tmp_path_factory.mktemp("wheel")
    assert ROOT not in work.parents
    src = work / "src"
    tracked = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in tracked:  # build from the files a clone has, not from local leftovers
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    build = ["pip", "wheel", "--no-deps", "--no-build-isolation", "-w", "dist", str(src)]
    built = run([sys.executable, "-m", *build], work)  # offline: the venv's setuptools
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (work / "dist").glob("govnet-*.whl")
    with zipfile.ZipFile(wheel) as z:
        top = {name.split("/")[0] for name in z.namelist()}
    dist_info = {t for t in top if t.endswith(".dist-info")}
    assert len(dist_info) == 1 and top - dist_info == {"govnet", "graph", "loaders"}, top

    venv = work / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work)
    assert made.returncode == 0, made.stderr
    py = venv / "bin" / "python"
    purelib = run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work
    )
    (Path(purelib.stdout.strip()) / "deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    pip = [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", str(wheel)]
    done = run(pip, work)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return venv / "bin"


def test_the_wheel_installs_and_imports_from_the_venv(installed: Path) -> None:
    where = run(
        [
            str(installed / "python"),
            "-c",
            "import govnet, graph, loaders; "
            "print(govnet.__file__, graph.__file__, loaders.__file__)",
        ],
        installed,
    )
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout and str(installed.parent) in where.stdout


@pytest.fixture(scope="module")
def outside(installed: Path) -> dict[str, subprocess.CompletedProcess]:
    """What a user runs outside the repository with the installed wheel: ``govnet --help``,
    ``govnet demo`` then ``govnet analyze`` on it, and the README's Python example (in a
    folder of its own). Independent processes, so they run at once (two cores: about half
    the time of one after another)."""
    work = installed.parent.parent
    govnet = str(installed / "govnet")
    example = work / "example"
    example.mkdir()
    (example / "example.py").write_text(readme_python_example(), encoding="utf-8")

    def demo_then_analyze() -> dict[str, subprocess.CompletedProcess]:
        demo = run([govnet, "demo", "demo", "--seed", "7"], work)
        if demo.returncode != 0:
            return {"demo": demo}
        return {"demo": demo, "analyze": run([govnet, "analyze", "demo/csv", "-f", "json"], work)}

    with ThreadPoolExecutor(max_workers=3) as pool:
        helped = pool.submit(run, [govnet, "--help"], work)
        cli = pool.submit(demo_then_analyze)
        readme = pool.submit(run, [str(installed / "python"), "example.py"], example)
        return {"help": helped.result(), **cli.result(), "readme": readme.result()}


def test_cli_demo_and_analyze_run_outside_the_repository(installed: Path, outside: dict) -> None:
    work = installed.parent.parent
    helped = outside["help"]
    assert helped.returncode == 0 and "analyze" in helped.stdout and "app" in helped.stdout
    demo = outside["demo"]
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert (work / "demo" / "ledger.xlsx").is_file()
    analyzed = outside["analyze"]
    assert analyzed.returncode == 0, analyzed.stderr[-3000:]
    assert '"communities"' in analyzed.stdout


def test_readme_python_example_runs_outside_the_repository(outside: dict) -> None:
    ran = outside["readme"]
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "community" in ran.stdout  # the ranked communities table
    assert "'G0" in ran.stdout  # the grids counted by explain("C001", "ext_grid")
