"""Pseudonymization: clear names, phones and id numbers never reach the network."""

from __future__ import annotations

import hmac
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from graph.schema import PERSONAL_COLUMNS
from loaders import pseudonymize
from loaders.ledger import read_ledger, validate_ledger
from loaders.pseudonymize import hmac_sha256_hex, is_pseudonym, load_key, pseudonym
from tests.bad_ledgers import base_tables, write_csv

CLEAR = [
    "张三",
    "李四",
    "王五",
    "13800000000",
    "13900000000",
    "41010519900101123X",
    "410105198001011234",
]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv(base_tables(), tmp_path_factory.mktemp("p"))


def test_no_clear_value_in_the_network(ledger: Path) -> None:
    net = read_ledger(ledger, key="k1")
    people = net.tables["people"]
    for column in PERSONAL_COLUMNS["people"]:
        values = people[column].dropna().tolist()
        assert values and all(is_pseudonym(column, v) for v in values), values
    assert people["phone"].isna().tolist() == [False, True, False]  # missing stays missing
    dump = json.dumps(
        [list(net.graph.nodes(data=True)), list(net.graph.edges(data=True))],
        ensure_ascii=False,
        default=str,
    )
    for clear in CLEAR:
        assert clear not in dump
    assert net.graph.nodes["p1"]["name"].startswith("人员-")


def test_stable_with_the_same_key(ledger: Path) -> None:
    a = read_ledger(ledger, key="k1").tables["people"]
    b = read_ledger(ledger, key="k1").tables["people"]
    assert a.equals(b)


def test_different_with_another_key(ledger: Path) -> None:
    a = read_ledger(ledger, key="k1").tables["people"]
    b = read_ledger(ledger, key="k2").tables["people"]
    for column in PERSONAL_COLUMNS["people"]:
        assert set(a[column].dropna()).isdisjoint(set(b[column].dropna()))


def test_reimport_keeps_pseudonyms(ledger: Path, tmp_path: Path) -> None:
    """An exported ledger (already pseudonymized) imported again, even with another key."""
    first = read_ledger(ledger, key="k1")
    tables = base_tables()
    for column in PERSONAL_COLUMNS["people"]:
        tables["people"][column] = first.tables["people"][column].astype(object).tolist()
    again = read_ledger(write_csv(tables, tmp_path / "again"), key="other-key")
    assert again.tables["people"].equals(first.tables["people"])


def test_same_person_typed_two_ways() -> None:
    key = b"k"
    assert pseudonym("phone", "+86 138-0000-0000", key) == pseudonym("phone", "13800000000", key)
    assert pseudonym("id_number", "41010519900101123x", key) == pseudonym(
        "id_number", "41010519900101123X", key
    )
    assert pseudonym("name", "张三", key) != pseudonym("phone", "张三", key)


def test_it_is_hmac_sha256() -> None:
    key = os.urandom(80)  # longer than a SHA-256 block: hashed first, as RFC 2104 says
    for value in ["13800000000", "张三", ""]:
        expected = hmac.digest(key, b"tag" + value.encode(), "sha256").hex()
        assert hmac_sha256_hex(key, b"tag", [value]) == [expected]


def test_key_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv("GOVNET_CONFIG", raising=False)
    monkeypatch.setenv("GOVNET_PSEUDONYM_KEY", "from-env")
    assert load_key() == b"from-env"

    monkeypatch.delenv("GOVNET_PSEUDONYM_KEY")
    config = tmp_path / "govnet.toml"
    config.write_text('pseudonym_key = "from-config"\n')
    monkeypatch.setenv("GOVNET_CONFIG", str(config))
    assert load_key() == b"from-config"

    monkeypatch.delenv("GOVNET_CONFIG")
    keyfile = tmp_path / "cfg" / "govnet" / "pseudonym.key"
    assert not keyfile.exists()
    made = load_key()
    assert keyfile.exists() and len(made) == 64
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
    assert load_key() == made  # kept: the same pseudonyms on this machine next time

    default_config = tmp_path / "cfg" / "govnet" / "config.toml"
    default_config.write_text('pseudonym_key = "from-default-config"\n')
    assert load_key() == b"from-default-config"
    assert pseudonymize.config_dir() == tmp_path / "cfg" / "govnet"


def test_read_ledger_uses_the_configured_key(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_PSEUDONYM_KEY", "k1")
    assert (
        read_ledger(ledger).tables["people"].equals(read_ledger(ledger, key="k1").tables["people"])
    )


def test_broken_config_is_a_clear_error(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVNET_PSEUDONYM_KEY", raising=False)
    config = tmp_path / "bad.toml"
    config.write_text("pseudonym_key = [unclosed\n")
    monkeypatch.setenv("GOVNET_CONFIG", str(config))
    report = validate_ledger(ledger)
    (err,) = report.errors
    assert "pseudonym key" in err.message and report.network is None


def test_personal_columns_come_from_the_schema() -> None:
    """Every column the schema marks personal is pseudonymized, and nothing else."""
    assert PERSONAL_COLUMNS == {"people": ("name", "phone", "id_number")}
    assert set(pseudonymize.PREFIXES) == set(PERSONAL_COLUMNS["people"])
    people = pd.DataFrame(
        {"id": ["p1"], "name": ["张三"], "phone": ["13800000000"], "id_number": ["X"]}
    ).astype("string[pyarrow]")
    out = pseudonymize.pseudonymize_people(people, key=b"k")
    assert out["id"].tolist() == ["p1"]
    for column in PERSONAL_COLUMNS["people"]:
        assert is_pseudonym(column, out[column].iloc[0])


def test_split_across_processes_gives_each_value_its_own_pseudonym(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many people: half of each column hashed in a forked process, the same pseudonyms."""
    n = 3000
    people = pd.DataFrame(
        {
            "id": [f"P{i}" for i in range(n)],
            "name": [f"人{i % 2000}" for i in range(n)],
            "phone": [None if i % 7 == 0 else f"138{i:08d}" for i in range(n)],
            "id_number": [f"4101051990{i:08d}" for i in range(n)],
        },
        dtype="string",
    )
    monkeypatch.setattr(pseudonymize, "BESIDE_MIN_VALUES", 100)
    monkeypatch.setattr(pseudonymize, "spare_core", lambda: True)  # split on a busy machine too
    split = pseudonymize.pseudonymize_people(people, b"k")
    for column in ("name", "phone", "id_number"):
        whole = pseudonymize.pseudonymize_values(column, people[column], b"k")  # one process
        assert split[column].equals(whole)
        assert split[column].isna().equals(people[column].isna())
        for i in (1, n // 2 + 1, n - 1):  # first and second halves
            assert split[column].iloc[i] == pseudonym(column, people[column].iloc[i], b"k")


def test_an_analysis_only_read_keeps_nothing_personal_and_analyzes_the_same(
    demo_dir: Path, demo_analysis
) -> None:
    """``personal=False`` (what ``govnet analyze`` reads): the personal columns are empty,
    every other column is the pseudonymized read's, and the analysis is the same."""
    from graph.analysis import analyze, json_text, to_json

    full = read_ledger(demo_dir / "csv", key="k1").tables["people"]
    bare = read_ledger(demo_dir / "csv", key="k1", personal=False)
    people = bare.tables["people"]
    personal = list(PERSONAL_COLUMNS["people"])
    assert people[personal].isna().all().all()
    assert full[personal].notna().any().all()  # the demo has all of them: blanking is seen
    assert people.dtypes.equals(full.dtypes)
    pd.testing.assert_frame_equal(people.drop(columns=personal), full.drop(columns=personal))
    same = analyze(bare, 2024, parallel=False)
    assert json_text(to_json(same)) == json_text(to_json(demo_analysis))
