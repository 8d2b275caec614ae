"""Archives (a ``.zip`` of CSV, an ``.xlsx`` workbook) are checked before they are read.

A 3 MB zip can hold a 3 GB ``places.csv`` (a decompression bomb): read naively it takes
the memory of the machine, and on the app server one upload would take the server down.
So before anything is decompressed, the sizes the archive declares are held against the
limits in ``graph.config`` (``archive.*``): number of members, uncompressed size of each
member and of all of them, and the compression ratio of each big member. Declared sizes
can lie, so reading is bounded too: every member is decompressed as a stream with a
counting cap: the real stream, not the declared size, is counted, and a member that
holds one byte more than it declares is refused (as is one that fails its CRC). A
workbook is streamed through that check before calamine or openpyxl opens it. A refusal
is one line naming the file, the member, the limit and the setting that changes it.
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from graph import config

MB = 1024 * 1024
RATIO_FLOOR = MB  # members smaller than this are never refused for their ratio
CHUNK = MB


class ArchiveRefused(Exception):
    """An archive over a limit, or damaged: the message is the one line a user sees."""


def _number(name: str) -> float:
    value = config.get(name)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if not number > 0:
        env = config.SETTINGS[name].env
        raise config.ConfigError(f"{env} ({name}) must be a positive number, not {value!r}")
    return number


@dataclass(frozen=True)
class Limits:
    """What an archive may hold; ``from_config`` reads the ``archive.*`` settings."""

    total: int  # bytes, all members uncompressed
    entry: int  # bytes, one member uncompressed
    ratio: float  # uncompressed / compressed size of a member over RATIO_FLOOR
    entries: int  # members

    @classmethod
    def from_config(cls) -> Limits:
        return cls(
            total=int(_number("archive.max_total_mb") * MB),
            entry=int(_number("archive.max_entry_mb") * MB),
            ratio=_number("archive.max_ratio"),
            entries=int(_number("archive.max_entries")),
        )


def _mb(n: float) -> str:
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n / MB:,.2f} MB"


def _env(name: str) -> str:
    return config.SETTINGS[name].env


def check(zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
    """Hold the sizes an archive declares against the limits; raise ``ArchiveRefused``."""
    infos = zf.infolist()
    refused = "压缩包超出限制 archive refused:"
    if len(infos) > limits.entries:
        raise ArchiveRefused(
            f"{refused} {file} holds {len(infos):,} files, over the limit of "
            f"{limits.entries:,} ({_env('archive.max_entries')})"
        )
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > limits.entry:
            raise ArchiveRefused(
                f"{refused} {info.filename} in {file} is {_mb(size)} uncompressed, over the "
                f"limit of {_mb(limits.entry)} per file ({_env('archive.max_entry_mb')})"
            )
        if size > RATIO_FLOOR and size / packed > limits.ratio:
            raise ArchiveRefused(
                f"{refused} {info.filename} in {file} expands {size / packed:,.0f}× "
                f"({_mb(packed)} → {_mb(size)}), over the limit of {limits.ratio:,.0f}× "
                f"({_env('archive.max_ratio')}); a decompression bomb?"
            )
        total += size
        if total > limits.total:
            raise ArchiveRefused(
                f"{refused} {file} holds over {_mb(total)} uncompressed, over the limit of "
                f"{_mb(limits.total)} in all ({_env('archive.max_total_mb')})"
            )


class Reader:
    """Reads the members of one checked archive, each no further than it declares."""

    def __init__(self, zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
        check(zf, file, limits)
        self.zf, self.file = zf, file

    def read(self, info: zipfile.ZipInfo, keep: bool = True) -> bytes:
        """A member's bytes (or b"" when ``keep`` is false). The real stream is counted,
        not the declared size (``zipfile`` would stop there and a CRC of the prefix would
        pass, while another reader went on): one byte more than declared is a refusal."""
        probe = copy.copy(info)
        probe.file_size = 1 << 62  # zipfile would stop at the declared size: the count decides
        out = io.BytesIO() if keep else None
        n = 0
        try:
            with self.zf.open(probe) as member:
                while chunk := member.read(CHUNK):
                    n += len(chunk)
                    if n > info.file_size:
                        break
                    if out is not None:
                        out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            if n <= info.file_size:
                raise self._damaged(info, f"cannot be decompressed ({exc})") from None
        except (NotImplementedError, RuntimeError) as exc:  # unknown method, encrypted
            raise ArchiveRefused(
                f"无法解压 cannot decompress {info.filename} in {self.file}: {exc}"
            ) from None
        if n != info.file_size:
            more = "more than" if n > info.file_size else "less than"
            raise self._damaged(
                info, f"decompresses to {more} the {info.file_size:,} bytes it declares"
            )
        return out.getvalue() if out is not None else b""

    def _damaged(self, info: zipfile.ZipInfo, what: str) -> ArchiveRefused:
        return ArchiveRefused(
            f"压缩包已损坏 damaged archive: {info.filename} in {self.file} {what}; "
            "its header lies or it is broken"
        )


def verify(path: Path, limits: Limits) -> None:
    """Check a workbook's members and stream each one through the capped, CRC-checked
    reader, so the library that opens it next never meets a bomb or a lying header."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: the workbook reader reports it as unreadable
    with zf:
        reader = Reader(zf, path.name, limits)
        for info in zf.infolist():
            if not info.is_dir():
                reader.read(info, keep=False)
