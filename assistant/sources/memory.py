"""Memory while a sheet is read and judged: freed memory handed back to the system, where the C
library keeps it otherwise, and Python's cycle collector paused while many objects are made.

python-calamine parses a sheet into many small Rust allocations; once its cells are Python objects
and the parsed sheet is dropped, glibc keeps those pages for later small allocations, which numpy's
arrays and Python's object arenas (both mapped separately) never reuse. The process would then carry
the parsed sheet to its end: about 60 MB per 100,000 rows of a register. `malloc_trim` returns them.
Elsewhere (Windows, macOS, musl) the allocator decides for itself and this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import sys
from collections.abc import Iterator


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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector walks every container it tracks each time enough new ones are made:
    with a sheet's 100,000 row lists alive, making the findings spent more time in it than in the
    findings, and making the row lists themselves a tenth of their time. Reading and judging make no
    cycles worth collecting before the workbook is done, so the collector waits until then (it is
    left as it was: off stays off)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
