"""Run every check of a register over its tables: types, required, field options, rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from assistant.checks import FIELD_CHECKS, RULES, Context
from assistant.checks.fields import required_findings, type_findings
from assistant.findings import Finding
from assistant.i18n import tr
from assistant.masking import mask_findings
from assistant.table import Table, lower_header_row


class ReferenceIndex:
    """Values of referenced fields across all tables read in this run (e.g. every roster name)."""

    def __init__(self, contexts: Iterable[Context]):
        self._values: dict[tuple[str, str], set[str]] = {}
        self._contexts: dict[str, list[Context]] = {c.register.id: [] for c in contexts}
        for c in contexts:
            self._contexts[c.register.id].append(c)

    def __call__(self, register: str, field: str) -> set[str] | None:
        key = (register, field)
        if key not in self._values:
            ctxs = [c for c in self._contexts.get(register, []) if c.has(field)]
            if not ctxs:
                return None
            self._values[key] = {str(v).strip() for c in ctxs for v in c.values(field).dropna()}
        return self._values[key]


def validate_table(ctx: Context) -> list[Finding]:
    reg = ctx.register
    out: list[Finding] = []
    upper = ctx.table.two_row_header
    note = tr("check.two_row_header", upper=upper, lower=upper + 1,
              also=lower_header_row(ctx.register, upper)) if upper else ""
    for name in ctx.table.missing:
        out.append(ctx.sheet_finding("missing_column", tr("check.missing_column", column=name, sheet=ctx.table.sheet)
                                     + note, "warning", column=name))
    for f in reg.fields:
        if not ctx.has(f.name):
            continue
        found = type_findings(ctx, f)
        if f.required:
            found += required_findings(ctx, f)
        if f.unique:
            found += FIELD_CHECKS["unique"].run(ctx, f, True)
        for option, value in f.options.items():
            found += FIELD_CHECKS[option].run(ctx, f, value)
        if f.severity != "error":
            found = [_lower(x, f.severity) for x in found]
        out += found
    for r in reg.rules:
        out += RULES[r.kind].run(ctx, r.options, r.severity)
    return mask_findings(ctx, out)


def _lower(f: Finding, severity: str) -> Finding:
    return replace(f, severity=severity)


def validate(tables: list[Table], today: dt.date) -> tuple[list[Finding], list[Context]]:
    """Findings for every table, with references resolved across all of them."""
    contexts = [Context(t, today) for t in tables]
    index = ReferenceIndex(contexts)
    findings: list[Finding] = []
    for c in contexts:
        c.lookup = index
        findings += validate_table(c)
    return findings, contexts
