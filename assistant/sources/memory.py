"""Handing memory that was freed back to the system, where the C library keeps it otherwise.

python-calamine parses a sheet into many small Rust allocations; once its cells are Python objects
and the parsed sheet is dropped, glibc keeps those pages for later small allocations, which numpy's
arrays and Python's object arenas (both mapped separately) never reuse. The process would then carry
the parsed sheet to its end: about 60 MB per 100,000 rows of a register. `malloc_trim` returns them.
Elsewhere (Windows, macOS, musl) the allocator decides for itself and this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys


@functools.cache
def _trim() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_freed_memory() -> None:
    trim = _trim()
    if trim is not None:
        trim(0)  # type: ignore[operator]
