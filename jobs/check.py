"""check: read every register and validate it against its schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.context import JobContext
from assistant.findings import Finding, counts, sort_key
from assistant.office import read_office
from assistant.validate import validate


@dataclass
class CheckResult:
    findings: list[Finding]
    notices: list[str] = field(default_factory=list)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (workbook, register) -> data rows

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)

    @property
    def ok(self) -> bool:
        return self.counts["error"] == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def run(ctx: JobContext) -> CheckResult:
    read = read_office(ctx.office, ctx.sources, ctx.only)
    findings, _ = validate(read.tables, ctx.today)
    rows = {(t.workbook, t.register.id): len(t) for t in read.tables}
    return CheckResult(sorted(findings, key=sort_key), read.notices, rows)
