"""A missing extra is one line naming what to install, from the CLI and from the API.

Each case runs in a subprocess whose ``sys.modules`` marks the driver as absent (``None``),
which is exactly what an install without the extra looks like to an ``import``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_without(module: str, code: str) -> subprocess.CompletedProcess:
    prelude = f"import sys; sys.modules[{module!r}] = None\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def cli(*args: str) -> str:
    return f"sys.argv = ['govnet', *{list(args)!r}]\nfrom govnet.cli.main import main\nmain()\n"


@pytest.mark.parametrize(
    ("module", "args", "extra"),
    [
        ("neo4j", ["query", "--db", "bolt://127.0.0.1:1", "RETURN 1"], "db"),
        ("redis", ["query", "--db", "falkor://127.0.0.1:1", "RETURN 1"], "db"),
        ("streamlit", ["app"], "app"),
    ],
)
def test_cli_names_the_missing_extra(module: str, args: list[str], extra: str) -> None:
    result = run_without(module, cli(*args))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"pip install 'govnet[{extra}]'" in lines[0] and module in lines[0]
    assert "Traceback" not in result.stderr


def test_api_names_the_missing_extra() -> None:
    code = (
        "import govnet as gn\n"
        "from graph.extras import MissingExtra\n"
        "try:\n    gn.open_store('bolt://127.0.0.1:1')\n"
        "except MissingExtra as e:\n    print(e)\n"
    )
    result = run_without("neo4j", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "gn.open_store needs the db extra (neo4j is not installed): pip install 'govnet[db]'"
    )


def test_the_core_imports_without_any_extra() -> None:
    code = (
        "import sys\n"
        "for m in ('streamlit', 'falkordb', 'redis', 'neo4j', 'dask', 'distributed', 'pyvis'):\n"
        "    sys.modules[m] = None\n"
        "import govnet, govnet.cli.main, graph.analysis, loaders.ledger\n"
        "print('ok')\n"
    )
    result = run_without("plotly", code)
    assert result.stdout.strip() == "ok", result.stderr
