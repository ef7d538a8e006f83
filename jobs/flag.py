"""flag: deadline statuses in working days, written back into the sheets' assistant-owned columns.

read → judge (validate, deadlines) → annotate → apply. A dry run stops before apply. When a
workbook changed between our read and our write, everything is read and planned again (a few
times at most); a plan is never applied to bytes it was not made from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from assistant.annotate import sheet_patch
from assistant.calendar import WorkCalendar
from assistant.context import JobContext
from assistant.deadlines import to_items
from assistant.errors import SourceError
from assistant.findings import Finding, counts
from assistant.i18n import tr
from assistant.judge import Judgement, judge
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
    judgement: Judgement | None = None

    @property
    def outcome(self) -> Outcome:
        if self.problems:  # a workbook that could not be written back
            return Outcome.PROBLEM
        return Outcome.DATA_ERRORS if counts(self.findings)["error"] else Outcome.OK


def run(ctx: JobContext) -> FlagResult:
    calendar = WorkCalendar.from_config(ctx.office.config)
    pending = [wb.name for wb in ctx.office.config.workbooks]
    written: list[ApplyReport] = []
    problems: list[str] = []
    last_stale: dict[str, StalePlan] = {}
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # only what changed is read again: each read of a spreadsheet is an API request
            for name in pending:
                ctx.sources[name].refresh()
        j = judge(ctx, calendar)
        result = FlagResult(items=_items(j.frames), findings=j.findings, notices=j.notices, written=written,
                            problems=problems, judgement=j)
        if ctx.dry_run:
            return result
        stale = []
        for name in pending:
            patches = [p for c in j.contexts if c.table.workbook == name
                       if (p := sheet_patch(c, j.findings_of(name, c.register.id), j.frames.get((name, c.register.id))))]
            if not patches:
                continue
            source = ctx.sources[name]
            try:
                written.append(source.apply(patches, source.fingerprint))
            except StalePlan as exc:
                stale.append(name)
                last_stale[name] = exc
            except SourceError as exc:  # locked, unpatchable, disk full: this workbook only
                problems.append(exc.message + (f"\n{tr('cli.hint')}{exc.hint}" if exc.hint else ""))
        pending = stale
        if not pending:
            return result
    problems += [tr("write.gave_up_written", workbook=name, attempts=MAX_ATTEMPTS, detail=last_stale[name].message)
                 if last_stale[name].written else tr("write.gave_up", workbook=name, attempts=MAX_ATTEMPTS)
                 for name in pending]
    return result


def _items(frames: dict[tuple[str, str], pd.DataFrame]) -> list[dict]:
    items = [item for (workbook, register), df in frames.items() for item in to_items(df, workbook, register)]
    return sorted(items, key=lambda i: (order(i["status"]),
                                        i["days_left"] if i["days_left"] is not None else 0, i["workbook"], i["row"]))
