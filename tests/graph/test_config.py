"""One settings registry: every GOVNET_* name in the repository is registered, read through
``graph.config`` with one XDG-aware locator shared by the store and the pseudonym key."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from graph import config
from graph.store.config import resolve
from graph.store.errors import StoreError
from loaders.pseudonymize import load_key
from tests.conftest import ROOT


def _tracked_text() -> dict[str, str]:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    out = {}
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".toml", ".ipynb", ""} and path.is_file():
            out[name] = path.read_text(encoding="utf-8", errors="replace")
    return out


def test_every_govnet_variable_in_the_repository_is_registered() -> None:
    known = {s.env for s in config.SETTINGS.values()} | {config.CONFIG_ENV}
    known.add("GOVNET_LABELS")  # a Python constant in graph/store/backend.py, not a setting
    found = {
        (m, name)
        for name, text in _tracked_text().items()
        for m in re.findall(r"GOVNET_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_])", text)
    }
    unknown = {(m, n) for m, n in found if m not in known}
    assert not unknown, f"register these in graph/config.py SETTINGS: {sorted(unknown)}"


def test_environment_then_file_then_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("GOVNET_CONFIG", raising=False)
    for s in config.SETTINGS.values():
        monkeypatch.delenv(s.env, raising=False)
    assert config.config_file() == tmp_path / "xdg" / "govnet" / "config.toml"
    assert config.get("db.timeout") == 300.0
    config.config_file().parent.mkdir(parents=True)
    config.config_file().write_text(
        'pseudonym_key = "k-file"\n[db]\ngraph = "g-file"\ntimeout = 5\n'
    )
    assert config.get("db.graph") == "g-file" and config.get("db.timeout") == 5.0
    monkeypatch.setenv("GOVNET_DB_GRAPH", "g-env")
    assert config.get("db.graph") == "g-env"
    # the store and the pseudonym key read the same file through the same locator
    assert resolve().graph == "g-env"
    assert load_key() == b"k-file"
    monkeypatch.setenv("GOVNET_DB_TIMEOUT", "soon")
    with pytest.raises(config.ConfigError, match="GOVNET_DB_TIMEOUT.*positive number"):
        config.get("db.timeout")


def test_a_broken_config_file_is_a_clear_store_error(tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[db\n")
    monkeypatch.setenv("GOVNET_CONFIG", str(bad))
    monkeypatch.delenv("GOVNET_DB_URI", raising=False)
    with pytest.raises(StoreError, match="bad.toml"):
        resolve()


def test_readme_settings_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert config.settings_table() in readme, "run: python -m govnet.docs"
