"""Memory handed back to the system between the big steps of reading and converting."""

from __future__ import annotations

import ctypes
from contextlib import suppress

import pyarrow as pa


def release_memory() -> None:
    """Hand freed memory back to the system.

    Arrow's allocator and glibc's malloc keep what a step freed for reuse; the next step's
    arrays have other sizes, so on a province the kept pages added up to gigabytes of
    resident memory that nothing used.
    """
    pa.default_memory_pool().release_unused()
    with suppress(AttributeError, OSError):  # not glibc: nothing to trim
        ctypes.CDLL(None).malloc_trim(0)
