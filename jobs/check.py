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
    # (workbook, register) -> (sheet name, data rows), in reading order, for reports
    sheets: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

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
    # Narrowed to some registers, still read the registers they reference, so `references` checks
    # keep working; only the asked-for registers are reported.
    read = read_office(ctx.office, ctx.sources, ctx.office.with_references(ctx.only))
    findings, _ = validate(read.tables, ctx.today)
    wanted = lambda reg_id: ctx.only is None or reg_id in ctx.only  # noqa: E731
    sheets = {(t.workbook, t.register.id): (t.sheet, len(t)) for t in read.tables if wanted(t.register.id)}
    findings = [f for f in findings if wanted(f.register)]
    return CheckResult(sorted(findings, key=sort_key), read.notices, sheets)
