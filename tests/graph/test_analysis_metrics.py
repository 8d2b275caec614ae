"""The metric registry: one entry per output column, the same labels in CLI, report and app."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.analysis import analyze, to_json, write_report
from graph.analysis.metrics import METRICS, zh
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"
IDS = {"id", "name", "kind", "street_id", "district_id"}


@pytest.fixture(scope="module")
def a24():
    return analyze(read_ledger(SMALL), 2024)


def test_every_entry_is_complete_and_bilingual() -> None:
    for name, m in METRICS.items():
        assert m.name == name
        for text in (m.zh, m.en, m.definition_zh, m.definition_en):
            assert text.strip(), name
        assert bool(m.null_zh) == bool(m.null_en), name
        assert bool(m.assumption_zh) == bool(m.assumption_en), name
        assert m.levels and set(m.levels) <= {"community", "street", "district"}, name
    # the six extensions' reading, stars and weak thresholds are flagged as assumptions
    for name in ("ext_grid", "ext_social", "coverage_index", "weak", "stars", "sla_rate"):
        assert METRICS[name].assumption_zh, name


def test_every_output_column_is_registered_with_its_format(a24) -> None:
    tables = {"community": a24.communities, "street": a24.streets, "district": a24.district}
    for level, df in tables.items():
        for col in df.columns:
            if col in IDS or col.startswith(("star_", "good_")):
                continue
            assert col in METRICS and level in METRICS[col].levels, (level, col)
            values = df[col].dropna()
            fmt = METRICS[col].format
            if fmt == "share":
                assert values.astype(float).between(0, 1).all(), col
            elif fmt == "bool":
                assert values.map(type).eq(bool).all() or str(df[col].dtype) in ("bool", "boolean")
            elif fmt == "count":
                assert (values.astype(float) % 1 == 0).all(), col
            elif fmt == "list":
                assert values.map(lambda v: isinstance(v, list)).all(), col
    for name in METRICS:  # and every registered metric is an output column
        assert any(name in df.columns for df in tables.values()) or name in (
            "backlog",
            "cleared",
            "three_zero",
            "data_gaps",
            "completeness",
        ), name


def test_cli_report_json_and_app_share_the_labels(a24, tmp_path: Path) -> None:
    from govnet.app.i18n import PERMILLE_METRICS, SHARE_METRICS, metric_label

    for name, m in METRICS.items():
        assert metric_label(name, "zh") == m.zh == zh(name)
        assert metric_label(name, "en") == m.en
        assert (name in SHARE_METRICS) == (m.format == "share")
        assert (name in PERMILLE_METRICS) == (m.format == "per_1000")
    j = to_json(a24)
    assert j["metrics"]["sla_rate"] == {
        "zh": "13710达标率",
        "en": "13710 on-time rate",
        "format": "share",
    }
    assert set(j["metrics"]) >= set(j["communities"][0]) - IDS - {"star_detail"}
    path = write_report(a24, tmp_path / "r.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert METRICS["reach"].zh in sheets["社区村指标2024"].columns
    defs = sheets["指标说明"].set_index("字段名 name")
    assert defs.loc["sla_rate", "Definition"] == METRICS["sla_rate"].definition_en
    assert len(defs) == len(METRICS)
