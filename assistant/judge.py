"""read → judge: the step every job shares. Reads the office's workbooks, validates them and
computes deadline statuses; nothing is written and nothing is sent here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from assistant.calendar import WorkCalendar
from assistant.checks.base import Context
from assistant.deadlines import evaluate
from assistant.findings import Finding, sort_key
from assistant.office import read_office
from assistant.validate import validate

if TYPE_CHECKING:  # the context imports the sender, which needs this module
    from assistant.context import JobContext


@dataclass
class Judgement:
    findings: list[Finding]  # of the wanted registers, sorted
    contexts: list[Context]  # the wanted registers' parsed tables
    frames: dict[tuple[str, str], pd.DataFrame]  # (workbook, register) -> deadline statuses
    notices: list[str] = field(default_factory=list)

    def findings_of(self, workbook: str, register: str) -> list[Finding]:
        return self._by_table.get((workbook, register), [])

    def __post_init__(self) -> None:
        self._by_table: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in self.findings:
            self._by_table[(f.workbook, f.register)].append(f)


def judge(ctx: JobContext, calendar: WorkCalendar | None = None, deadlines: bool = True) -> Judgement:
    """Read every workbook afresh and judge it (`deadlines=False`: validation only). Narrowed to
    some registers (`ctx.only`), the registers they reference are still read, so references
    resolve; only the wanted are returned."""
    office = ctx.office
    wanted = lambda reg_id: ctx.only is None or reg_id in ctx.only  # noqa: E731
    read = read_office(office, ctx.sources, office.with_references(ctx.only))
    findings, contexts = validate(read.tables, ctx.today)
    contexts = [c for c in contexts if wanted(c.register.id)]
    frames, notices = {}, list(read.notices)
    if deadlines:
        calendar = calendar or WorkCalendar.from_config(office.config)
        frames = {(c.table.workbook, c.register.id): evaluate(c, calendar, ctx.today)
                  for c in contexts if c.register.deadline}
        notices += [n] if (n := calendar.notice()) else []
    return Judgement(findings=sorted((f for f in findings if wanted(f.register)), key=sort_key),
                     contexts=contexts, frames=frames, notices=notices)
