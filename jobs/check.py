"""check: read every register and validate it against its schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.context import JobContext
from assistant.findings import Finding, counts, sort_key
from assistant.judge import Judge
from assistant.outcome import JobResult, Outcome


@dataclass
class CheckResult(JobResult):
    findings: list[Finding]
    notices: list[str] = field(default_factory=list)
    # (workbook, register) -> (sheet name, data rows), in reading order, for reports
    sheets: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)

    @property
    def ok(self) -> bool:
        return self.counts["error"] == 0

    @property
    def outcome(self) -> Outcome:
        return Outcome.OK if self.ok else Outcome.DATA_ERRORS


def run(ctx: JobContext) -> CheckResult:
    """One workbook at a time: its findings and sheet sizes are kept, its tables dropped."""
    judge = Judge(ctx, deadlines=False)
    findings: list[Finding] = []
    sheets: dict[tuple[str, str], tuple[str, int]] = {}
    for wb in ctx.office.config.workbooks:
        j = judge.workbook(wb)
        findings += j.findings
        sheets.update({(c.table.workbook, c.register.id): (c.table.sheet, len(c.table)) for c in j.contexts})
        judge.done(wb)
        del j  # not held while the next workbook is read
    return CheckResult(sorted(findings, key=sort_key), judge.notices(), sheets)
