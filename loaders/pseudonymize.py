"""Pseudonyms for personal data: people's name, phone and id_number become keyed hashes.

HMAC-SHA256 with a district's secret key: the same person gets the same pseudonym on every
import with that key, nobody without the key can recompute or reverse it, and another key
gives unrelated pseudonyms. Pseudonyms carry a fixed prefix (``人员-``, ``tel-``, ``idn-``)
so a ledger exported by govnet and imported again keeps them as they are.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import tomllib
from pathlib import Path

import pandas as pd

KEY_ENV = "GOVNET_PSEUDONYM_KEY"
CONFIG_ENV = "GOVNET_CONFIG"
DIGITS = 12  # hex digits: 48 bits, collisions negligible for a city's people

PREFIXES: dict[str, str] = {"name": "人员-", "phone": "tel-", "id_number": "idn-"}
PATTERNS = {c: re.compile(f"^{re.escape(p)}[0-9a-f]{{{DIGITS}}}$") for c, p in PREFIXES.items()}


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "govnet"


def load_key() -> bytes:
    """The pseudonym key: env ``GOVNET_PSEUDONYM_KEY``, else ``pseudonym_key`` in the config
    file (``GOVNET_CONFIG`` or ``~/.config/govnet/config.toml``), else a random key made once
    and kept in ``~/.config/govnet/pseudonym.key`` (mode 0600) so pseudonyms stay stable."""
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode()
    config = Path(os.environ.get(CONFIG_ENV) or config_dir() / "config.toml")
    if config.is_file():
        with config.open("rb") as f:
            value = tomllib.load(f).get("pseudonym_key")
        if value:
            return str(value).encode()
    keyfile = config_dir() / "pseudonym.key"
    if keyfile.is_file():
        return keyfile.read_text().strip().encode()
    keyfile.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key.encode()


def _canonical(column: str, value: str) -> str:
    """The same phone or id number typed two ways hashes the same."""
    if column == "phone":
        digits = re.sub(r"[^\d]", "", value)
        return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    if column == "id_number":
        return re.sub(r"\s", "", value).upper()
    return " ".join(value.split())


def pseudonym(column: str, value: str, key: bytes) -> str:
    """One value's pseudonym; an existing pseudonym of that column is kept."""
    if PATTERNS[column].match(value):
        return value
    msg = f"{column}\x1f{_canonical(column, value)}".encode()
    return PREFIXES[column] + hmac.digest(key, msg, "sha256").hex()[:DIGITS]


def is_pseudonym(column: str, value: str) -> bool:
    return bool(PATTERNS[column].match(value))


def pseudonymize_people(people: pd.DataFrame, key: bytes | str | None = None) -> pd.DataFrame:
    """A copy of the people table with name, phone and id_number replaced by pseudonyms."""
    key = load_key() if key is None else key.encode() if isinstance(key, str) else key
    out = people.copy()
    for column in PREFIXES:
        if column not in out.columns:
            continue
        s = out[column]
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        if not len(uniques):
            continue
        mapped = pd.array([pseudonym(column, str(u), key) for u in uniques] + [None], "string")
        out[column] = pd.Series(mapped.take(codes), index=s.index)
    return out
