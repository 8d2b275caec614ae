"""The reference in docs/ and the README's settings table are generated from the code and must
be current; no file refers to a spec outside the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from govnet import docs
from graph.schema import ENUMS, TABLES

ROOT = Path(__file__).resolve().parent.parent


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
        if not path.is_file() or name == "tests/test_docs.py":
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        if "../shared" in text or "shared/DOMAIN.md" in text:
            bad.append(name)
    assert not bad, f"these refer to ../shared, which users do not have: {bad}"
