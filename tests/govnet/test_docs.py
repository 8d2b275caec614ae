"""The reference in docs/ and the README's settings table are generated from the code and must
be current; no file refers to a spec outside the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd

from govnet import docs
from graph.schema import ENUMS, TABLES
from tests.conftest import ROOT


def test_generated_docs_are_current() -> None:
    stale = [str(p.relative_to(ROOT)) for p in docs.stale(ROOT)]
    assert not stale, f"stale: {stale}; run python -m govnet.docs"


def test_ledger_doc_names_every_column_and_enumeration_value() -> None:
    text = docs.render_ledger()
    for table in TABLES.values():
        assert f"### `{table.key}` {table.zh}" in text
        for col in table.columns:
            assert f"| `{col.key}` | {col.zh} |" in text
    for values in ENUMS.values():
        for key, zh in values.items():
            assert f"| `{key}` | {zh} |" in text
    assert "| `venue` | 场地 | venue |" in text and "| `venue` | 阵地 |" in text


def test_check_mode_fails_on_a_stale_file(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        f"intro\n{docs.README_START}old table\n{docs.README_END}", encoding="utf-8"
    )
    assert docs.main([str(tmp_path), "--check"]) == 1
    assert docs.main([str(tmp_path)]) == 0
    assert docs.main([str(tmp_path), "--check"]) == 0
    assert "GOVNET_DB_URI" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_no_file_refers_to_a_spec_outside_the_repository() -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    bad = []
    for name in filter(None, files):
        path = ROOT / name
        if not path.is_file() or name == "tests/govnet/test_docs.py":
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        if "../shared" in text or "shared/DOMAIN.md" in text:
            bad.append(name)
    assert not bad, f"these refer to ../shared, which users do not have: {bad}"


def test_definitions_page_shows_every_metric_and_help_texts(tmp_path: Path) -> None:
    """The app's 定义与口径 page renders the same reference, and metric columns carry the
    definition as help text, in the language chosen."""
    from streamlit.testing.v1 import AppTest

    from govnet.app.common import metric_table
    from govnet.app.i18n import LABELS, metric_help
    from graph.analysis.metrics import METRICS
    from tests.ledgers import small_tables, zip_bytes

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["lang"] = "en"
    at.session_state["src"] = "upload"
    at.session_state["upload_bytes"] = ("small.zip", zip_bytes(small_tables()))
    at.run()
    at.switch_page("govnet/app/definitions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert LABELS["page_definitions"][1] in " ".join(h.value for h in at.header)
    shown = "\n".join(m.value for m in at.markdown)
    for m in METRICS.values():
        assert m.definition_zh in shown and m.definition_en in shown, m.name
    assert "| `venue` | 场地 | venue |" in shown  # the ledger format is there too

    sla = METRICS["sla_rate"]
    assert metric_help("sla_rate", "en").startswith(sla.definition_en)
    assert sla.assumption_zh in metric_help("sla_rate", "zh")
    assert metric_help("name", "zh") is None
    frame = pd.DataFrame({"sla_rate": [0.5], "reach": [0.2]})
    _, config = metric_table(frame, ["sla_rate", "reach"])
    assert config["sla_rate"]["help"] == metric_help("sla_rate")
