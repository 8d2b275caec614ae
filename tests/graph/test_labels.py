"""The one bilingual label table: every enumeration value named in both languages, looked
up per enumeration (a resource venue is 场地, a place venue 阵地) by CLI and app alike."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from govnet.app.i18n import enum_label, kind_label
from govnet.cli.main import app
from graph import labels
from graph.schema import ENUMS, REL_TYPES, RESOURCE_KINDS, TABLE_LABEL


def test_every_enumeration_value_has_both_names() -> None:
    for name, values in ENUMS.items():
        table = "rel_type" if name == "link_type" else name
        assert set(labels.ZH[table]) >= set(values), name
        assert set(labels.EN[table]) == set(labels.ZH[table]), name
    assert set(labels.EN["rel_type"]) == set(REL_TYPES)
    assert set(labels.ZH["node_label"]) == set(TABLE_LABEL.values())


def test_venue_is_named_per_enumeration() -> None:
    assert RESOURCE_KINDS["venue"] == "场地"
    assert labels.kind_label("Resource", "venue") == "场地"
    assert labels.kind_label("Place", "venue") == "阵地"
    assert kind_label("Resource", "venue", "zh") == "场地"
    assert enum_label("venue", "zh", enum="resource_kind") == "场地"
    assert labels.kind_label("Person", "person", "en") == "person"
    assert labels.label("status", "in_progress", "en") == "in progress"


def test_cli_info_names_resource_venues_as_such(demo_dir) -> None:
    result = CliRunner().invoke(app, ["info", str(demo_dir / "csv")])
    assert result.exit_code == 0, result.output
    assert "场地 venue" in result.output and "阵地 venue" in result.output
    data = CliRunner().invoke(app, ["info", str(demo_dir / "csv"), "--format", "json"])
    kinds = {(n["label"], n["kind"]) for n in json.loads(data.output)["nodes"]}
    assert {("Resource", "venue"), ("Place", "venue")} <= kinds
