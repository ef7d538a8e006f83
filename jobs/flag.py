"""flag: deadline statuses in working days, written back into the sheets' assistant-owned columns.

One workbook at a time: read → judge (validate, deadlines) → annotate → apply, then its tables are
dropped. A dry run stops before apply. When a workbook changed between our read and our write, it
is read and planned again (a few times at most); a plan is never applied to bytes it was not made
from.
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
from assistant.i18n import tr
from assistant.judge import Judge, Judgement
from assistant.outcome import JobResult, Outcome
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

    @property
    def outcome(self) -> Outcome:
        if self.problems:  # a workbook that could not be written back
            return Outcome.PROBLEM
        return Outcome.DATA_ERRORS if counts(self.findings)["error"] else Outcome.OK


def run(ctx: JobContext) -> FlagResult:
    """One workbook at a time (read, judge, write back, drop its tables); its items are kept."""
    judge = Judge(ctx, WorkCalendar.from_config(ctx.office.config))
    written: list[ApplyReport] = []
    problems: list[str] = []
    findings: list[Finding] = []
    frames: dict[tuple[str, str], pd.DataFrame] = {}
    for wb in ctx.office.config.workbooks:
        j = _flag_workbook(ctx, judge, wb, written, problems)
        findings += j.findings
        frames.update(j.frames)
        judge.done(wb)
        del j  # its tables are not held while the next workbook is read
    return FlagResult(items=_items(frames), findings=sorted(findings, key=sort_key), notices=judge.notices(),
                      written=written, problems=problems)


def _flag_workbook(ctx: JobContext, judge: Judge, wb: WorkbookConfig, written: list[ApplyReport],
                   problems: list[str]) -> Judgement:
    """Judge one workbook and write its statuses back. When it changed between our read and our
    write, it is read and planned again (a few times at most)."""
    source = ctx.sources[wb.name]
    last: StalePlan | None = None
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # only what changed is read again: each read of a spreadsheet is an API request
            source.refresh()
        j = judge.workbook(wb)
        patches = [p for c in j.contexts
                   if (p := sheet_patch(c, j.findings_of(wb.name, c.register.id), j.frames.get((wb.name, c.register.id))))]
        if ctx.dry_run or not patches:
            return j
        try:
            written.append(source.apply(patches, source.fingerprint))
            return j
        except StalePlan as exc:
            last = exc
        except SourceError as exc:  # locked, unpatchable, disk full: this workbook only
            problems.append(exc.message + (f"\n{tr('cli.hint')}{exc.hint}" if exc.hint else ""))
            return j
    assert last is not None
    problems.append(tr("write.gave_up_written", workbook=wb.name, attempts=MAX_ATTEMPTS, detail=last.message)
                    if last.written else tr("write.gave_up", workbook=wb.name, attempts=MAX_ATTEMPTS))
    return j


def _items(frames: dict[tuple[str, str], pd.DataFrame]) -> list[dict]:
    items = [item for (workbook, register), df in frames.items() for item in to_items(df, workbook, register)]
    return sorted(items, key=lambda i: (order(i["status"]),
                                        i["days_left"] if i["days_left"] is not None else 0, i["workbook"], i["row"]))
