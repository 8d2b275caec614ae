"""``govnet COMMAND`` imports the one module that registers COMMAND (``MODULES``).

Each module is imported alone in a fresh interpreter: it must register every command
``MODULES`` sends to it (and may register more: some import ``analyze`` for its helpers),
and every command any module registers must be in ``MODULES``.
"""

from __future__ import annotations

import json
import subprocess
import sys

from govnet.cli.main import MODULES
from tests.conftest import ROOT


def _run(code: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
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
