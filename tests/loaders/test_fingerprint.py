"""ledger_fingerprint: equal for the same bytes and key, different when either changes."""

from __future__ import annotations

import shutil

from loaders.ledger import ledger_fingerprint
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


def test_same_bytes_same_fingerprint_wherever_they_are(tmp_path) -> None:
    copy = shutil.copytree(SMALL, tmp_path / "elsewhere")
    (copy / "notes.txt").write_text("not read by the loader", encoding="utf-8")
    assert ledger_fingerprint(copy, key="k") == ledger_fingerprint(SMALL, key="k")


def test_changed_cell_renamed_file_or_key_changes_it(tmp_path) -> None:
    first = ledger_fingerprint(SMALL, key="k")
    assert ledger_fingerprint(SMALL, key="another key") != first
    copy = shutil.copytree(SMALL, tmp_path / "copy")
    places = copy / "places.csv"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("C1", "C9", 1), encoding="utf-8")
    assert ledger_fingerprint(copy, key="k") != first
    places.write_text(text, encoding="utf-8")
    assert ledger_fingerprint(copy, key="k") == first
    (copy / "links.csv").rename(copy / "links_old.csv")  # another table name
    assert ledger_fingerprint(copy, key="k") != first


def test_archive_limits_are_part_of_it(monkeypatch) -> None:
    first = ledger_fingerprint(SMALL, key="k")
    monkeypatch.setenv("GOVNET_ARCHIVE_MAX_RATIO", "7")
    assert ledger_fingerprint(SMALL, key="k") != first
