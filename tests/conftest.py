"""Shared fixtures: the demo district, made once per session by the real generator and loaders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Pseudonyms must be reproducible in tests and must not touch the user's key file.
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-test-key")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


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
