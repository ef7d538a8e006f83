"""check: read every register and validate it against its schema. A workbook that cannot be read is
named in `problems` (exit 2); every other workbook is still checked."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.config import WorkbookConfig
from assistant.context import JobContext
from assistant.findings import Finding, counts, sort_key
from assistant.judge import Judge, Learned
from assistant.outcome import JobResult, Outcome
from assistant.parallel import each_workbook


@dataclass
class CheckResult(JobResult):
    findings: list[Finding]
    notices: list[str] = field(default_factory=list)
    # (workbook, register) -> (sheet name, data rows), in reading order, for reports
    sheets: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # workbooks that could not be read, and why

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)

    @property
    def ok(self) -> bool:
        return self.counts["error"] == 0

    @property
    def outcome(self) -> Outcome:
        if self.problems:  # a workbook that could not be read: the others were checked
            return Outcome.PROBLEM
        return Outcome.OK if self.ok else Outcome.DATA_ERRORS


@dataclass
class _Part:
    """One workbook's share of the result (sent back by a worker process, so no tables)."""

    findings: list[Finding]
    sheets: dict[tuple[str, str], tuple[str, int]]
    learned: Learned
    problems: list[str] = field(default_factory=list)


def run(ctx: JobContext) -> CheckResult:
    """Workbook by workbook (several at once where parallel.py may): findings and sheet sizes are
    kept, tables dropped."""
    judge = Judge(ctx, deadlines=False)

    def one(wb: WorkbookConfig) -> _Part:
        j = judge.safely(wb)
        sheets = {(c.table.workbook, c.register.id): (c.table.sheet, len(c.table)) for c in j.contexts}
        judge.done(wb)
        return _Part(j.findings, sheets, judge.learned(), [u.problem for u in j.unreadable])

    findings: list[Finding] = []
    sheets: dict[tuple[str, str], tuple[str, int]] = {}
    problems: list[str] = []
    for part in each_workbook(ctx, one):
        findings += part.findings
        sheets.update(part.sheets)
        problems += part.problems
        judge.learn(part.learned)
    return CheckResult(sorted(findings, key=sort_key), judge.notices(), sheets, problems)
