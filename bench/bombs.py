"""Zip and workbook bombs for the readers' size limits: a sheet padded with megabytes of
zeros, and a zip whose headers lie about a member's size. Shared by the fuzzer
(``bench/ledger_fuzz.py``, run by ``bench/fuzz.py`` and ``tests/loaders/test_fuzz.py``) and
the safe-files tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MB = 1024 * 1024
DEFLATED = zipfile.ZIP_DEFLATED


def lie_about_size(
    data: bytes, member: str, declared: int = 1000, prefix_crc: bool = False
) -> bytes:
    """A zip whose local header and central directory declare ``declared`` bytes for
    ``member``, whose real content is longer (a lying header); with ``prefix_crc`` the CRC
    is that of the first ``declared`` bytes, so a reader stopping there sees no damage."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        crc = zlib.crc32(z.read(member)[:declared])
    out = bytearray(data)
    name = member.encode()
    patched = 0
    # (signature, offset of the CRC, of the uncompressed size, of the name length, of the name)
    for sig, crc_at, size_at, len_at, name_at in (
        (b"PK\x03\x04", 14, 22, 26, 30),
        (b"PK\x01\x02", 16, 24, 28, 46),
    ):
        start = 0
        while (i := out.find(sig, start)) >= 0:
            (n,) = struct.unpack_from("<H", out, i + len_at)
            if out[i + name_at : i + name_at + n] == name:
                struct.pack_into("<I", out, i + size_at, declared)
                if prefix_crc:
                    struct.pack_into("<I", out, i + crc_at, crc)
                patched += 1
            start = i + 4
    assert patched == 2, patched
    return bytes(out)


def xlsx_bomb(data: bytes, mb: float, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A workbook whose sheet XML ends in ``mb`` MB of zeros inside a comment: still
    well-formed, so a reader that did not check would parse it all."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buf, "w", DEFLATED) as z:
        for info in zin.infolist():
            member = zin.read(info)
            if info.filename == sheet:
                member += b"<!--" + b"0" * int(mb * MB) + b"-->"
            z.writestr(info.filename, member)
    return buf.getvalue()
