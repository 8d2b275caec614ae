"""What ``govnet app`` changes in Streamlit's start: nothing a user would see, the same
options as a checkout's ``streamlit run app.py``."""

from __future__ import annotations

import tomllib

from streamlit import config as st_config
from streamlit import delta_generator
from streamlit.components.v2 import manifest_scanner

from govnet.app import launch
from govnet.cli.serve import SERVER_FLAGS
from tests.conftest import ROOT


def test_the_skipped_component_scan_would_find_nothing(monkeypatch) -> None:
    """The scan ``govnet app`` skips finds no packaged component in this environment."""
    real = manifest_scanner.scan_component_manifests
    assert real() == []
    monkeypatch.setattr(manifest_scanner, "scan_component_manifests", real)  # restored after
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    launch._skip_streamlit_start_work()
    assert manifest_scanner.scan_component_manifests is not real
    assert manifest_scanner.scan_component_manifests() == []
    assert delta_generator._use_warning_has_been_displayed


def test_govnet_app_passes_the_checkout_config() -> None:
    """``govnet app`` (installed, run anywhere) and ``./dev app`` (the checkout's
    .streamlit/config.toml) start the same server; every option is one Streamlit knows."""
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        toml = tomllib.load(f)
    checkout = {
        f"{section}.{key}": str(value).lower() if isinstance(value, bool) else str(value)
        for section, options in toml.items()
        for key, value in options.items()
    }
    assert checkout == SERVER_FLAGS
    known = st_config.get_config_options()
    assert all(key in known for key in SERVER_FLAGS)
