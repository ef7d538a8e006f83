"""flag: deadline statuses in working days, written back into the sheets' assistant-owned columns.

Workbook by workbook (several at once on a multi-core machine, assistant/parallel.py): read →
judge (validate, deadlines) → annotate → apply, then its tables are dropped. A dry run stops
before apply. When a workbook changed between our read and our write, it is read and planned again
(a few times at most); a plan is never applied to bytes it was not made from.

After every workbook, the cycle is recorded in the status history (assistant/history.py) from the
snapshots the workbooks sent back; a dry run records nothing. A history that cannot be written
takes nothing back from the write-back already done: it is a problem line, exit 2. So is a workbook
that cannot be read: the others are still flagged and written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from assistant.annotate import sheet_patch
from assistant.calendar import WorkCalendar
from assistant.config import WorkbookConfig
from assistant.context import JobContext
from assistant.deadlines import to_items
from assistant.errors import SourceError
from assistant.findings import Finding, counts, sort_key
from assistant.history import FILENAME, History, HistoryError, Recorded
from assistant.i18n import tr
from assistant.judge import Judge, Learned
from assistant.outcome import JobResult, Outcome, problem_line
from assistant.parallel import each_workbook
from assistant.snapshots import Snapshot, snapshot
from assistant.sources.base import ApplyReport, StalePlan
from assistant.status import order

MAX_ATTEMPTS = 3


@dataclass
class FlagResult(JobResult):
    items: list[dict]
    findings: list[Finding]
    notices: list[str] = field(default_factory=list)
    written: list[ApplyReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # write-backs that did not happen, and why
    recorded: Recorded | None = None  # what the status history recorded (None: a dry run, or it failed)

    @property
    def outcome(self) -> Outcome:
        if self.problems:  # a workbook that could not be written back
            return Outcome.PROBLEM
        return Outcome.DATA_ERRORS if counts(self.findings)["error"] else Outcome.OK


@dataclass
class _Part:
    """One workbook's share of the result (sent back by a worker process, so no tables)."""

    findings: list[Finding]
    items: list[dict]
    learned: Learned
    written: list[ApplyReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)  # for the history (not in a dry run)


def run(ctx: JobContext) -> FlagResult:
    """Workbook by workbook (several at once where parallel.py may): read, judge, write back, drop
    its tables; its items are kept."""
    judge = Judge(ctx, WorkCalendar.from_config(ctx.office.config))

    def one(wb: WorkbookConfig) -> _Part:
        part = _flag_workbook(ctx, judge, wb)
        judge.done(wb)
        return part

    parts = []
    for part in each_workbook(ctx, one):
        judge.learn(part.learned)
        parts.append(part)
    result = FlagResult(items=_sorted_items([i for p in parts for i in p.items]),
                        findings=sorted((f for p in parts for f in p.findings), key=sort_key),
                        notices=judge.notices(), written=[w for p in parts for w in p.written],
                        problems=[m for p in parts for m in p.problems])
    if not ctx.dry_run:
        _record(ctx, [s for p in parts for s in p.snapshots], result)
    return result


def _record(ctx: JobContext, snapshots: list[Snapshot], result: FlagResult) -> None:
    """The cycle into the status history, for the (workbook, register) pairs judged."""
    try:
        with History(ctx.office.config.state_dir / FILENAME) as history:
            result.recorded = history.record(ctx.today, snapshots)
    except HistoryError as exc:
        result.problems.append(problem_line(tr("history.not_recorded", detail=exc.message), exc.hint))
        return
    if result.recorded.notice:
        result.notices.append(result.recorded.notice)


def _flag_workbook(ctx: JobContext, judge: Judge, wb: WorkbookConfig) -> _Part:
    """Judge one workbook and write its statuses back. When it changed between our read and our
    write, it is read and planned again (a few times at most)."""
    source = ctx.sources[wb.name]
    last: StalePlan | None = None
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # only what changed is read again: each read of a spreadsheet is an API request
            source.refresh()
        j = judge.safely(wb)  # one that cannot be read (also on a re-read) is named; the others go on
        part = _Part(j.findings, _items(j.frames), judge.learned(), problems=[u.problem for u in j.unreadable],
                     snapshots=[] if ctx.dry_run else [snapshot(df, *pair, j.findings_of(*pair))
                                                   for pair, df in j.frames.items()])
        patches = [p for c in j.contexts
                   if (p := sheet_patch(c, j.findings_of(wb.name, c.register.id), j.frames.get((wb.name, c.register.id))))]
        if ctx.dry_run or not patches:
            return part
        try:
            part.written.append(source.apply(patches, source.fingerprint))
            return part
        except StalePlan as exc:
            last = exc
        except SourceError as exc:  # locked, unpatchable, disk full: this workbook only
            part.problems.append(problem_line(exc.message, exc.hint))
            return part
    assert last is not None
    part.problems.append(tr("write.gave_up_written", workbook=wb.name, attempts=MAX_ATTEMPTS, detail=last.message)
                         if last.written else tr("write.gave_up", workbook=wb.name, attempts=MAX_ATTEMPTS))
    return part


def _items(frames: dict[tuple[str, str], pd.DataFrame]) -> list[dict]:
    return [item for (workbook, register), df in frames.items() for item in to_items(df, workbook, register)]


def _sorted_items(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda i: (order(i["status"]),
                                        i["days_left"] if i["days_left"] is not None else 0, i["workbook"], i["row"]))
