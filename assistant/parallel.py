"""Workbooks judged side by side: a district's townships on every core of the machine.

`check` and `flag` handle each workbook on its own (read → judge → write back), so they can run
several at once, each in a process of its own. Only where that is safe:

- on Linux, where a worker is a fork of this process: it starts at once, with the office, the
  schemas and the sources already loaded, and nothing but the workbook's position and its result
  crosses between processes;
- when every workbook is a local file (a Sheets client's open connections must not be shared);
- from the main thread of a process running no other threads (a scheduled job runs in a thread of
  the scheduler: there it is one workbook after another).

Elsewhere, and with `[limits] workers = 1`, the same function runs for each workbook in turn, in
this process. Results come back in the config's order either way.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from assistant.config import WorkbookConfig
from assistant.context import JobContext

T = TypeVar("T")

# The task of the running pool, set before its workers fork: they inherit it, so only a position
# is sent to them (a closure over the job's context could not be pickled).
_task: Callable[[WorkbookConfig], object] | None = None
_workbooks: tuple[WorkbookConfig, ...] = ()


def workers(ctx: JobContext) -> int:
    """How many workbooks this job may handle at once."""
    wanted = min(ctx.office.config.limits.workers, len(ctx.office.config.workbooks))
    if wanted < 2 or not sys.platform.startswith("linux"):
        return 1
    if threading.current_thread() is not threading.main_thread() or threading.active_count() > 1:
        return 1
    if not all(getattr(s, "forkable", False) for s in ctx.sources.values()):
        return 1
    return wanted


def each_workbook(ctx: JobContext, task: Callable[[WorkbookConfig], T]) -> Iterator[T]:
    """`task(wb)` for every workbook of the office, in order; in worker processes when it may.
    The task's result must pickle: keep it to findings, items and reports, not tables."""
    global _task, _workbooks
    books = ctx.office.config.workbooks
    n = workers(ctx)
    if n == 1:
        yield from map(task, books)
        return
    _task, _workbooks = task, books
    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(_run, range(len(books)))  # type: ignore[misc]
    except BaseException:
        # A workbook that stops the run stops it as it would one after another: no workbook not
        # yet started is started (those in hand finish; a write is never cut short).
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        _task, _workbooks = None, ()


def _run(i: int) -> object:
    assert _task is not None  # set by each_workbook before the fork
    return _task(_workbooks[i])
