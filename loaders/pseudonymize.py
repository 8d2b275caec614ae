"""Pseudonyms for personal data: the schema's personal columns become keyed hashes.

HMAC-SHA256 with a district's secret key: the same person gets the same pseudonym on every
import with that key, nobody without the key can recompute or reverse it, and another key
gives unrelated pseudonyms. Pseudonyms carry a fixed prefix (``人员-``, ``tel-``, ``idn-``)
so a ledger exported by govnet and imported again keeps them as they are.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.config import config_dir, get
from graph.forked import both, spare_core
from graph.schema import PERSONAL_COLUMNS
from loaders.parse import arrow
from loaders.read import TEXT

DIGITS = 12  # hex digits: 48 bits, collisions negligible for a city's people
# From this many distinct values a forked process pays (a fork: a few hundredths of a second).
BESIDE_MIN_VALUES = 20_000

# Readable prefixes for the columns people know; any other personal column gets "<column>-".
_KNOWN_PREFIXES = {"name": "人员-", "phone": "tel-", "id_number": "idn-"}
PREFIXES: dict[str, str] = {c: _KNOWN_PREFIXES.get(c, f"{c}-") for c in PERSONAL_COLUMNS["people"]}
PATTERNS = {c: re.compile(f"^{re.escape(p)}[0-9a-f]{{{DIGITS}}}$") for c, p in PREFIXES.items()}


def load_key() -> bytes:
    """The pseudonym key: the ``pseudonym_key`` setting (env ``GOVNET_PSEUDONYM_KEY`` or the
    config file), else a random key made once and kept in ``config_dir()/pseudonym.key``
    (mode 0600) so pseudonyms stay stable on this machine."""
    value = get("pseudonym_key")
    if value:
        return str(value).encode()
    keyfile = config_dir() / "pseudonym.key"
    if keyfile.is_file():
        return keyfile.read_text().strip().encode()
    keyfile.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another import made it a moment ago: use that one
        return keyfile.read_text().strip().encode()
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key.encode()


def _canonical(column: str, a: pa.Array) -> pa.Array:
    """The same phone or id number typed two ways hashes the same (vectorized)."""
    if column == "phone":
        digits = pc.replace_substring_regex(a, r"\D", "")
        cn = pc.and_(pc.starts_with(digits, "86"), pc.equal(pc.utf8_length(digits), 13))
        out = pc.if_else(cn, pc.utf8_slice_codeunits(digits, 2), digits)
    elif column == "id_number":
        out = pc.utf8_upper(pc.replace_substring_regex(a, r"\s", ""))
    else:
        out = pc.replace_substring_regex(pc.utf8_trim_whitespace(a), r"\s+", " ")
    return pc.if_else(pc.equal(out, ""), a, out)  # nothing left: hash what was typed


def hmac_sha256_hex(key: bytes, tag: bytes, values: list[str]) -> list[str]:
    """HMAC-SHA256(key, tag + value) of many values, as hex.

    The same result as ``hmac.digest`` (RFC 2104), with the keyed inner and outer SHA-256
    states computed once: twice as fast on a city's million phone numbers.
    """
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner0 = hashlib.sha256(bytes(b ^ 0x36 for b in key) + tag)
    outer0 = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    out = []
    for v in values:
        inner = inner0.copy()
        inner.update(v.encode())
        outer = outer0.copy()
        outer.update(inner.digest())
        out.append(outer.hexdigest())
    return out


def _tag(column: str) -> bytes:
    return f"{column}\x1f".encode()


def _encoded(column: str, values: pd.Series) -> tuple[pa.Array, pa.Array, pa.DictionaryArray]:
    """The column as Arrow, which values are pseudonyms already, and its canonical forms
    dictionary-encoded (the HMAC runs once per distinct value)."""
    a = arrow(values)
    keep = pc.match_substring_regex(a, PATTERNS[column].pattern)
    return a, keep, _canonical(column, a).dictionary_encode()


def _replaced(column: str, index: pd.Index, encoded: tuple, digests: list[str]) -> pd.Series:
    """The column with each value's pseudonym (``digests`` of its dictionary) put in."""
    a, keep, enc = encoded
    prefix = PREFIXES[column]
    hashed = pa.array([prefix + d[:DIGITS] for d in digests], pa.string())
    out = pc.if_else(keep, a, hashed.take(enc.indices))
    return pd.Series(pd.arrays.ArrowStringArray(out), index=index)


def pseudonymize_values(column: str, values: pd.Series, key: bytes) -> pd.Series:
    """Pseudonyms of one column; existing pseudonyms are kept, missing stays missing.

    HMAC runs once per distinct value; everything else is Arrow compute.
    """
    encoded = _encoded(column, values)
    digests = hmac_sha256_hex(key, _tag(column), encoded[2].dictionary.to_pylist())
    return _replaced(column, values.index, encoded, digests)


def _hashed(key: bytes, jobs: list[tuple[bytes, list[str]]]) -> list[list[str]]:
    return [hmac_sha256_hex(key, tag, values) for tag, values in jobs]


def pseudonym(column: str, value: str, key: bytes) -> str:
    """One value's pseudonym (an existing pseudonym of that column is kept)."""
    return pseudonymize_values(column, pd.Series([value], dtype=TEXT), key).iloc[0]


def is_pseudonym(column: str, value: str) -> bool:
    return bool(PATTERNS[column].match(value))


def pseudonymize_people(people: pd.DataFrame, key: bytes | str | None = None) -> pd.DataFrame:
    """A copy of the people table with its personal columns replaced by pseudonyms.

    The HMACs are most of the time: from ``BESIDE_MIN_VALUES`` distinct values on, the
    second half of each column's runs in a forked process beside the first
    (``graph.forked``) when a core is idle, so a district's people take half the wall time
    on 2 cores.
    """
    key = load_key() if key is None else key.encode() if isinstance(key, str) else key
    out = people.copy()
    columns = [c for c in PREFIXES if c in out.columns]
    encoded = {c: _encoded(c, out[c]) for c in columns}
    jobs = [(_tag(c), encoded[c][2].dictionary.to_pylist()) for c in columns]
    if sum(len(v) for _, v in jobs) < BESIDE_MIN_VALUES or not spare_core():
        digests = _hashed(key, jobs)
    else:
        first, rest = both(
            _hashed,
            (key, [(t, v[: len(v) // 2]) for t, v in jobs]),
            (key, [(t, v[len(v) // 2 :]) for t, v in jobs]),
        )
        digests = [a + b for a, b in zip(first, rest, strict=True)]
    for c, d in zip(columns, digests, strict=True):
        out[c] = _replaced(c, out.index, encoded[c], d)
    return out
