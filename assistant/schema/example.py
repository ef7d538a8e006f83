"""One plausible row of a register for its staff page (`assistant schema doc`): a value per column
that the register's own checks accept.

Each value comes from the schema: the first allowed value (`enum`), an example the field's
description gives ("如 DB-2026-001") when it fits the field's type and pattern, a value made from
the pattern, or the type's example. Dates and numbers that rules compare are put in order (交办日期
before 完成时限), rules that tie fields together are followed (a field left empty unless …), and
the row is then run through the real validation: an optional cell that still gets a finding is
left empty, so the page never shows an example the assistant would mark wrong.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pandas as pd

from assistant.fieldtypes import TYPES
from assistant.i18n import tr
from assistant.schema.describe import such_as
from assistant.schema.model import Field, Register
from assistant.text import display

NAMES = ("张三", "李四", "王五", "赵六")  # people in examples; rules such as B角 != A角 need several
_PERSON = re.compile(r"(姓名|人|人员|领导|角|员)$")
_WEEK = dt.timedelta(days=7)


def example_row(reg: Register, registers: dict[str, Register], today: dt.date) -> dict[str, str]:
    """Field name → the text a person would type ("" for a cell left empty)."""
    row: dict[str, str] = {}
    for f in reg.fields:
        row[f.name] = _value(f, registers, reg, taken=set(row.values()))
    _order(reg, row, today)
    _follow_rules(reg, row)
    _repair(reg, row, today)
    return row


# --- one field on its own ------------------------------------------------------------------------

def _value(f: Field, registers: dict[str, Register], reg: Register, depth: int = 0, taken: frozenset[str] | set[str] = frozenset()) -> str:
    o = f.options
    if "enum" in o:
        return display(o["enum"][0])
    if f.type == "boolean":
        return tr("doc.example.yes")
    candidates = such_as(f.description)
    if TYPES[f.type].kind == "text" and _PERSON.search(f.name):
        candidates.append(_other_name("", set(taken)))  # each person column its own person
    ref = o.get("references")
    if ref and depth < 3 and ref["register"] in registers:  # what the other register's example holds
        other = registers[ref["register"]]
        if ref["field"] in other.field_names:
            candidates.append(_value(other.field(ref["field"]), registers, other, depth + 1))
    if "pattern" in o and (made := pattern_example(o["pattern"])) is not None:
        candidates.append(made)
    candidates.append(TYPES[f.type].example if f.type != "string" else tr("doc.example.text"))
    for c in candidates:
        c = _fit_length(c, o)
        if readable(f.type, c) and ("pattern" not in o or re.fullmatch(o["pattern"], c)):
            return c
    return ""


def readable(type_name: str, text: str) -> bool:
    """Whether the field type reads `text` as a value (a phone number as a phone number, …)."""
    parsed = TYPES[type_name].parse(pd.Series([text], dtype=object))
    return bool(parsed.valid.iloc[0])


def _fit_length(text: str, o: dict[str, Any]) -> str:
    if "min_length" in o and len(text) < o["min_length"]:
        text = text + "×" * (o["min_length"] - len(text))
    if "max_length" in o and len(text) > o["max_length"]:
        text = text[: o["max_length"]]
    return text


def pattern_example(pattern: str) -> str | None:
    """The shortest plain text a regular expression matches, more or less: each repeat taken at its
    least (left out when it may be absent), the first branch, the first character of a class; None for
    what this cannot follow (lookarounds, back references)."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _walk(_parser.parse(pattern))
    except Exception:  # an odd pattern: the page then shows no made-up example
        return None


def _walk(items: Any) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    out = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op is c.ANY:
            out.append("x")
        elif op is c.IN:
            out.append(_first_of(av))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            out.append(_walk(sub) * low)  # optional parts left out
        elif op is c.SUBPATTERN:
            out.append(_walk(av[-1]))
        elif op is c.BRANCH:
            out.append(_walk(av[1][0]))
        elif op is c.AT:
            continue
        elif op is c.CATEGORY:
            out.append(_category(av))
        else:
            raise ValueError(op)
    return "".join(out)


def _first_of(members: Any) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    op, av = members[0]
    if op is c.NEGATE:
        return "x"
    if op is c.LITERAL:
        return chr(av)
    if op is c.RANGE:
        return chr(av[0] + 1 if av[1] > av[0] and chr(av[0]) == "0" else av[0])
    if op is c.CATEGORY:
        return _category(av)
    raise ValueError(op)


def _category(cat: Any) -> str:
    name = str(cat)
    if "NOT" in name:
        return "x"
    return {"CATEGORY_DIGIT": "1", "CATEGORY_SPACE": " ", "CATEGORY_WORD": "a"}.get(name, "x")


# --- values that rules put in order --------------------------------------------------------------

def _kind(reg: Register, name: str) -> str:
    return TYPES[reg.field(name).type].kind


def _order(reg: Register, row: dict[str, str], today: dt.date) -> None:
    """Dates, date-times and numbers: each field a rank (after every field it must follow), the
    value climbing with the rank; the latest date is today, so dates that may not be in the future
    are not."""
    ordered = [f.name for f in reg.fields if _kind(reg, f.name) in ("date", "number") and "enum" not in f.options]
    after: list[tuple[str, str]] = []  # (later, earlier)
    for r in reg.rules:
        o = r.options
        if r.kind == "compare" and "right" in o and o["left"] in ordered and o["right"] in ordered:
            if o["op"] in (">", ">="):
                after.append((o["left"], o["right"]))
            elif o["op"] in ("<", "<="):
                after.append((o["right"], o["left"]))
    rank = dict.fromkeys(ordered, 0)
    for _ in ordered:  # longest path; a cycle (a mistaken schema) just stops climbing
        for later, earlier in after:
            rank[later] = max(rank[later], rank[earlier] + 1)
    top = max(rank.values(), default=0)
    quota_dates = {r.options["date"] for r in reg.rules if r.kind == "quota"}
    for name in ordered:
        f = reg.field(name)
        if f.type == "date":
            day = today if name in quota_dates else today - _WEEK * (top - rank[name])  # a quota's period is the running one
            row[name] = day.isoformat()
        elif f.type == "datetime":
            start = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(8, 30))
            row[name] = display(start + dt.timedelta(hours=3 * rank[name]))
        elif rank[name] or any(name in pair for pair in after):
            base = _number(row[name])
            if base is not None:
                row[name] = display(base + 10 * rank[name])
    _due_ahead(reg, row, today, after)


def _number(text: str) -> float | None:
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return None


def _due_ahead(reg: Register, row: dict[str, str], today: dt.date, after: list[tuple[str, str]]) -> None:
    """The deadline's due date two weeks ahead (an item still running), unless something must come
    after it or it may not be in the future."""
    d = reg.deadline
    if d is None or d.due not in row or reg.field(d.due).type != "date":
        return
    bounded = "maximum" in reg.field(d.due).options or any(earlier == d.due for _, earlier in after) or any(
        r.kind == "compare" and r.options.get("left") == d.due and "value" in r.options for r in reg.rules)
    if not bounded:
        row[d.due] = (today + 2 * _WEEK).isoformat()


# --- rules that tie fields together --------------------------------------------------------------

def _holds(reg: Register, row: dict[str, str], when: dict[str, Any]) -> bool:
    for name, wanted in when.items():
        choices = wanted if isinstance(wanted, list) else [wanted]
        shown = {_shown(reg.field(name).type, v) for v in choices}
        if row.get(name, "") not in shown:
            return False
    return True


def _shown(type_name: str, value: Any) -> str:
    if isinstance(value, bool):
        return tr("doc.example.yes") if value else tr("doc.example.no")
    return display(value)


def _optional(reg: Register, name: str) -> bool:
    return not reg.field(name).required and name != reg.key


def _follow_rules(reg: Register, row: dict[str, str]) -> None:
    for r in reg.rules:
        o = r.options
        if r.kind == "sequence" and o.get("start") is not None:
            row[o["field"]] = _numbered(row[o["field"]], o["start"], _kind(reg, o["field"]) == "text")
        elif r.kind == "exactly_when":
            value = _shown(reg.field(o["field"]).type, o["value"])
            if _holds(reg, row, o["when"]):
                row[o["field"]] = value
            elif row[o["field"]] == value:
                others = [display(v) for v in reg.field(o["field"]).options.get("enum", []) if display(v) != value]
                row[o["field"]] = others[0] if others else ""
        elif r.kind == "compare" and "right" in o and _kind(reg, o["left"]) == "text":
            if o["op"] == "==":
                row[o["left"]] = row[o["right"]]
            elif o["op"] == "!=" and row[o["left"]] == row[o["right"]]:
                row[o["left"]] = _other_name(row[o["left"]], set(row.values()))
        elif r.kind == "disjoint":
            seen: set[str] = set()
            for name in o["fields"]:
                if row[name] in seen:
                    row[name] = _other_name(row[name], set(row.values()))
                seen.add(row[name])
    d = reg.deadline
    if d and d.done_when and d.done_date and not _holds(reg, row, d.done_when) and _optional(reg, d.done_date):
        row[d.done_date] = ""  # not done yet: no done date
    for r in reg.rules:
        o = r.options
        if r.kind == "empty_unless" and not _holds(reg, row, o["when"]) and _optional(reg, o["field"]):
            row[o["field"]] = ""


def _numbered(value: str, start: int, text: bool) -> str:
    """The first number of a sequence: DB-2026-007 → DB-2026-001 (start 1); a number → the start."""
    digits = re.search(r"\d+$", value) if text else None
    return value[: digits.start()] + str(start).zfill(len(digits.group())) if digits else str(start)


def _other_name(current: str, taken: set[str]) -> str:
    return next((n for n in NAMES if n not in taken), current + "2" if current else NAMES[0])


def _repair(reg: Register, row: dict[str, str], today: dt.date) -> None:
    """Run the register's checks on the row; an optional cell with a finding is left empty."""
    from assistant.table import build_table
    from assistant.validate import validate

    flat = dataclasses.replace(reg, header_row=1, header_rows=1)
    for _ in range(3):
        grid: list[list[Any]] = [list(row), [row[n] or None for n in row]]
        findings, _ctx = validate([build_table(grid, flat, "example", reg.sheet)], today)
        wrong = {f.column for f in findings if f.row is not None and f.column and row.get(f.column)
                 and _optional(reg, f.column)}
        if not wrong:
            return
        for name in wrong:
            row[name] = ""
