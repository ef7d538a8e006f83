"""A register's schema in words for staff (`assistant schema doc`): each field's type, limits and
references, each rule and the deadline tracking as a sentence in the reader's language.

Nothing here is a regex or a YAML key: a pattern is explained by an example value that matches it
(the schema's own example from the field's description when there is one), a rule by what it asks
of the rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.checks.base import describe_when
from assistant.fieldtypes import TYPES
from assistant.i18n import quote, tr
from assistant.schema.model import Deadline, Register, Rule
from assistant.text import display

# "如 DB-2026-001", "如：党政办、应急办": what follows 如 up to the next separator
_SUCH_AS = re.compile(r"如[：:\s]*([^，,、；;。（(）)\s]+)")


def such_as(description: str | None) -> list[str]:
    """The example values a description gives (督办事项编号，如 DB-2026-001 → DB-2026-001)."""
    return _SUCH_AS.findall(description or "")


def type_words(type_name: str) -> str:
    """日期，如 2026-11-05."""
    return tr(f"doc.type.{type_name}", example=TYPES[type_name].example)


def _sep() -> str:
    return tr("word.list_sep")


def _names(names: list[Any]) -> str:
    return _sep().join(map(str, names))


def _value(value: Any) -> str:
    return tr("word.today") if value == "today" else display(value)


def title_of(registers: dict[str, Register], reg_id: str) -> str:
    reg = registers.get(reg_id)
    return reg.title if reg else reg_id


def limits(field_type: str, options: dict[str, Any], pattern_example: str | None) -> list[str]:
    """The field options beyond required/unique/enum/references, as short phrases."""
    out = []
    kind = TYPES[field_type].kind
    lo, hi = options.get("minimum"), options.get("maximum")
    if lo is not None and hi is not None:
        out.append(tr(f"doc.limit.between.{kind}", lo=_value(lo), hi=_value(hi)))
    elif lo is not None:
        out.append(tr(f"doc.limit.minimum.{kind}", bound=_value(lo)))
    elif hi is not None:
        out.append(tr(f"doc.limit.maximum.{kind}", bound=_value(hi)))
    short, long = options.get("min_length"), options.get("max_length")
    if short is not None and long is not None:
        out.append(tr("doc.limit.length_between", lo=short, hi=long))
    elif short is not None:
        out.append(tr("doc.limit.min_length", n=short))
    elif long is not None:
        out.append(tr("doc.limit.max_length", n=long))
    if "pattern" in options:
        out.append(tr("doc.limit.pattern", example=pattern_example) if pattern_example else tr("doc.limit.pattern_only"))
    return out


def reference(registers: dict[str, Register], ref: dict[str, Any]) -> str:
    """须是人员名册中的“姓名”（状态为在岗的人）; when: 仅当…时核对."""
    title = title_of(registers, ref["register"])
    text = (tr("doc.ref.where", register=title, field=ref["field"], where=describe_when(ref["where"]))
            if ref.get("where") else tr("doc.ref", register=title, field=ref["field"]))
    if ref.get("when"):
        text += tr("doc.ref.when", when=describe_when(ref["when"]))
    return text


# --- rules ---------------------------------------------------------------------------------------

def _op(kind: str, op: str) -> str:
    return tr(f"op.{'date' if kind == 'date' else 'number'}.{op}")


def _compare(reg: Register, o: dict[str, Any], registers: dict[str, Register]) -> str:
    kind = TYPES[reg.field(o["left"]).type].kind
    right = o["right"] if "right" in o else _value(o["value"])
    return tr("doc.rule.compare", left=o["left"], op=_op(kind, o["op"]), right=right)


def _sequence(reg: Register, o: dict[str, Any], registers: dict[str, Register]) -> str:
    text = tr("doc.rule.sequence", field=o["field"])
    if o.get("group_by"):
        text += tr("doc.rule.per", group=_names(o["group_by"]))
    if o.get("start") is not None:
        text += tr("doc.rule.start", start=o["start"])
    return text


def _coverage(reg: Register, o: dict[str, Any], registers: dict[str, Register]) -> str:
    if o.get("whole"):
        text = tr("doc.rule.coverage_month", field=o["field"])
    else:
        text = tr("doc.rule.coverage", field=o["field"], start=_value(o.get("from", "")) or tr("doc.rule.earliest"),
                  end=_value(o.get("to", "")) or tr("doc.rule.latest"))
    return text


def _monotonic(reg: Register, o: dict[str, Any], registers: dict[str, Register]) -> str:
    order = o.get("order_by") or tr("doc.rule.row_order")
    if o.get("previous"):
        text = tr("doc.rule.monotonic_previous", field=o["field"], previous=o["previous"], order=order)
    else:
        text = tr("doc.rule.increasing" if o.get("strict") else "doc.rule.monotonic", field=o["field"], order=order)
    if o.get("group_by"):
        text += tr("doc.rule.each", group=_names(o["group_by"]))
    return text


def _quota(reg: Register, o: dict[str, Any], registers: dict[str, Register]) -> str:
    text = tr("doc.rule.quota", group=o["group_by"], period=tr(f"doc.period.{o['period']}"), min=o["min"],
              date=o["date"])
    if o.get("units"):
        text += tr("doc.rule.units", group=o["group_by"], units=_names(o["units"]))
    return text


def _across(key: str) -> Callable[[Register, dict[str, Any], dict[str, Register]], str]:
    def sentence(reg: Register, o: dict[str, Any], registers: dict[str, Register]) -> str:
        where = tr("doc.rule.where", where=describe_when(o["where"])) if o.get("where") else ""
        return tr(key, register=title_of(registers, o["register"]), where=where,
                  **{k: (_names(v) if isinstance(v, list) else v) for k, v in o.items() if k not in ("register", "where")})
    return sentence


def _latest(reg: Register, o: dict[str, Any], registers: dict[str, Register]) -> str:
    mapping = _sep().join(f"{k}→{v}" for k, v in o["map"].items())
    return tr("doc.rule.latest_agrees", field=o["field"], register=title_of(registers, o["register"]),
              match=_names(list(o["match"].values())), order=o["order_by"], source=o["from"], map=mapping)


_SENTENCES: dict[str, Callable[[Register, dict[str, Any], dict[str, Register]], str]] = {
    "compare": _compare,
    "required_if": lambda reg, o, _: tr("doc.rule.required_if", field=o["field"], when=describe_when(o["when"])),
    "empty_unless": lambda reg, o, _: tr("doc.rule.empty_unless", field=o["field"], when=describe_when(o["when"])),
    "unique_together": lambda reg, o, _: tr("doc.rule.unique_together", fields=_names(o["fields"])),
    "sequence": _sequence,
    "no_overlap": lambda reg, o, _: tr("doc.rule.no_overlap", key=o["key"], start=o["start"], end=o["end"]),
    "coverage": _coverage,
    "monotonic": _monotonic,
    "quota": _quota,
    "disjoint": lambda reg, o, _: tr("doc.rule.disjoint", fields=_names(o["fields"])),
    "exactly_when": lambda reg, o, _: tr("doc.rule.exactly_when", field=o["field"], value=quote(_value(o["value"])),
                                         when=describe_when(o["when"])),
    "complete": _across("doc.rule.complete"),
    "latest_agrees": _latest,
    "staffed": _across("doc.rule.staffed"),
}


def rule_sentence(reg: Register, rule: Rule, registers: dict[str, Register]) -> str:
    """The rule as a sentence; a warning rule says it only reminds."""
    make = _SENTENCES.get(rule.kind)
    text = make(reg, rule.options, registers) if make else tr("doc.rule.other", kind=rule.kind)
    text = text[:1].upper() + text[1:]  # an English sentence starts with a capital; Chinese is unchanged
    return text + (tr("doc.warning_only") if rule.severity == "warning" else "")


# the options of each kind that name fields of this register (a `when`'s and a `match`'s keys too)
_FIELD_OPTIONS = {"compare": ("left", "right"), "required_if": ("field", "when"), "empty_unless": ("field", "when"),
                  "unique_together": ("fields",), "sequence": ("field", "group_by"), "no_overlap": ("key", "start", "end"),
                  "coverage": ("field",), "monotonic": ("field", "order_by", "group_by", "previous"),
                  "quota": ("group_by", "date"), "disjoint": ("fields",), "exactly_when": ("field", "when"),
                  "complete": ("field",), "latest_agrees": ("field", "match"), "staffed": ("fields",)}


def rule_fields(rule: Rule) -> list[str]:
    """The fields of this register a rule involves (their columns list its sentence)."""
    names: list[Any] = []
    for key in _FIELD_OPTIONS.get(rule.kind, ()):
        value = rule.options.get(key)
        names += list(value) if isinstance(value, (list, dict)) else [value] if value else []
    return list(dict.fromkeys(n for n in names if isinstance(n, str)))


# --- deadline ------------------------------------------------------------------------------------

def deadline_sentences(d: Deadline) -> list[str]:
    """How the assistant tracks the deadline of each row, in a few sentences."""
    out = [tr("doc.deadline.due", due=d.due)]
    if d.due_default:
        dd = d.due_default
        if "by" in dd:
            unit = "working_days" if "working_days" in dd else "days"
            table = _sep().join(f"{k} {v}" for k, v in dd[unit].items())
            out.append(tr(f"doc.deadline.default_by.{unit}", due=d.due, start=dd["from"], by=dd["by"], table=table))
        else:
            unit = "working_days" if "working_days" in dd else "days"
            out.append(tr(f"doc.deadline.default.{unit}", due=d.due, start=dd["from"], n=dd[unit]))
    if d.done_when:
        out.append(tr("doc.deadline.done_when", when=describe_when(d.done_when))
                   + (tr("doc.deadline.fill_done", field=d.done_date) if d.done_date else ""))
    elif d.done_date:
        out.append(tr("doc.deadline.done_date", field=d.done_date))
    if d.done_date:
        out.append(tr("doc.deadline.late", field=d.done_date, due=d.due))
    out.append(tr("doc.deadline.warn", n=d.warn_within))
    out.append(tr("doc.deadline.overdue"))
    if d.owner:
        out.append(tr("doc.deadline.owner", field=d.owner))
    if d.leader:
        out.append(tr("doc.deadline.leader", field=d.leader, n=d.escalate_after))
    if d.progress and d.start:  # the pace check needs the day the item was assigned
        out.append(tr("doc.deadline.pace", field=d.progress, start=d.start, n=display(d.pace_tolerance)))
    return out
