"""Run every check of a register over its tables: types, required, field options, rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from assistant.checks import FIELD_CHECKS, RULES, Context
from assistant.checks.base import parse_tables, text_values, when_mask
from assistant.checks.fields import required_findings, type_findings
from assistant.findings import Finding
from assistant.i18n import tr
from assistant.masking import mask_findings
from assistant.table import Table, lower_header_row


class ReferenceIndex:
    """Values of referenced fields across the tables read in this run (e.g. every roster name).

    Scope is "nearest": a table looking up a register sees that register's table in its own
    workbook when its workbook holds one (a township's duty roster names that township's staff),
    otherwise the tables of every workbook it was given."""

    def __init__(self, contexts: Iterable[Context]):
        self._values: dict[tuple, set[str] | None] = {}
        self._contexts: dict[str, list[Context]] = defaultdict(list)
        for c in contexts:
            self._contexts[c.register.id].append(c)

    def scope(self, register: str, near: str | None = None) -> list[Context]:
        every = self._contexts.get(register, [])
        own = [c for c in every if c.table.workbook == near]
        return own or every

    def __call__(self, register: str, field: str, where: dict[str, Any] | None = None,
                 near: str | None = None) -> set[str] | None:
        where = where or {}
        ctxs = [c for c in self.scope(register, near) if c.has(field, *where)]
        # cached per table set: every workbook without its own roster shares the office-wide one
        key = (register, field, repr(sorted(where.items())), tuple(map(id, ctxs)))
        if key not in self._values:
            self._values[key] = set().union(*(_selected(c, field, where) for c in ctxs)) if ctxs else None
        return self._values[key]


def _selected(c: Context, field: str, where: dict[str, Any]) -> set[str]:
    values = text_values(c, field)
    if where:  # read as that register's field types: 是 matches a boolean
        values = values[when_mask(c, where)]
    return set(values.dropna())


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


def validate(tables: list[Table], today: dt.date, others: Iterable[Context] = ()) -> tuple[list[Finding], list[Context]]:
    """Findings for every table, with references resolved across all of them and `others` (tables
    of other workbooks, parsed once by the caller, that are looked into but not validated here)."""
    contexts = [Context(t, today, parsed=p) for t, p in zip(tables, parse_tables(tables))]
    index = ReferenceIndex([*contexts, *others])
    findings: list[Finding] = []
    for c in contexts:
        c.lookup = index
        findings += validate_table(c)
    return findings, contexts
