"""check: read every register and validate it against its schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.context import JobContext
from assistant.findings import Finding, counts
from assistant.judge import judge
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
    j = judge(ctx, deadlines=False)
    sheets = {(c.table.workbook, c.register.id): (c.table.sheet, len(c.table)) for c in j.contexts}
    return CheckResult(j.findings, j.notices, sheets)
