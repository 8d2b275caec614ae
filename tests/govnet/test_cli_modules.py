"""``govnet COMMAND`` imports the one module that registers COMMAND (``MODULES``).

Each module is imported alone in a fresh interpreter: it must register every command
``MODULES`` sends to it (and may register more: some import ``analyze`` for its helpers),
and every command any module registers must be in ``MODULES``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from govnet.cli.main import MODULES
from tests.conftest import ROOT


def _run(code: str, env: dict[str, str] | None = None) -> object:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_each_module_registers_the_commands_mapped_to_it() -> None:
    registered: set[str] = set()
    for module in sorted(set(MODULES.values())):
        code = (
            "import json, typer\n"
            "from govnet.cli.cli import app\n"
            f"import govnet.cli.{module}\n"
            "print(json.dumps(sorted(typer.main.get_command(app).commands)))\n"
        )
        commands = set(_run(code))
        assert {c for c, m in MODULES.items() if m == module} <= commands, module
        registered |= commands
    assert registered == set(MODULES)


def test_a_command_imports_its_module_only_and_help_imports_them_all() -> None:
    code = (
        "import json, sys\n"
        "sys.argv = ['govnet', {command!r}]\n"
        "import govnet.cli.main\n"
        "print(json.dumps(sorted(m.rsplit('.', 1)[1] for m in sys.modules\n"
        "    if m.startswith('govnet.cli.') and m.rsplit('.', 1)[1] in {modules!r})))\n"
    )
    modules = set(MODULES.values())
    assert _run(code.format(command="analyze", modules=modules)) == ["analyze"]
    assert _run(code.format(command="query", modules=modules)) == ["db"]
    assert _run(code.format(command="--help", modules=modules)) == sorted(modules)


def test_the_cli_looks_for_no_pydantic_plugin_unless_asked() -> None:
    """Looking for Pydantic's plugins scans every installed package's entry points: the CLI
    skips it (its arguments and the rubric are Pydantic models), unless the variable is
    set, to an empty value to have them loaded."""
    code = (
        "import json, os, sys\n"
        "sys.argv = ['govnet', 'analyze']\n"
        "import govnet.cli.main\n"
        "from graph.analysis.rubric import load_rubric\n"
        "load_rubric(None)\n"
        "from pydantic.plugin import _loader\n"
        "print(json.dumps([os.environ['PYDANTIC_DISABLE_PLUGINS'], _loader._plugins is None]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    assert _run(code, env) == ["__all__", True]
    assert _run(code, {**env, "PYDANTIC_DISABLE_PLUGINS": ""}) == ["", False]


def test_parsing_a_commands_arguments_imports_no_pydantic() -> None:
    """Typer 0.29 builds a Pydantic adapter per argument when a command starts (0.1 s of
    every command): ``pyproject.toml`` holds Typer below it (docs/decisions.md)."""
    code = (
        "import json, sys\n"
        "sys.argv = ['govnet', 'analyze']\n"
        "import typer\n"
        "import govnet.cli.main\n"
        "from govnet.cli.cli import app\n"
        "group = typer.main.get_command(app)\n"
        "ctx = group.make_context('govnet', ['analyze'])\n"
        "args = ['ledger', '--year', '2024', '--format', 'json', '--out', 'a.json']\n"
        "sub = group.get_command(ctx, 'analyze').make_context('analyze', args, parent=ctx)\n"
        "print(json.dumps([sub.params['year'], sub.params['fmt'], 'pydantic' in sys.modules]))\n"
    )
    assert _run(code) == [2024, "json", False]
