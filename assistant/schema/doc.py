"""`assistant schema doc`: a page for the staff who fill a register in (not for programmers), made
from its schema: what each column means, whether it must be filled, what to type (in words and
by example), the rules between columns, the deadline tracking, the columns the assistant fills, and
an example row the register's checks accept.

Two forms of the same content: Markdown (`markdown`) and a self-contained HTML page (`html`, the
shipped `templates/schema_doc.html`, every text escaped by jinja2's autoescape).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from assistant.errors import UsageError
from assistant.i18n import tr
from assistant.schema.describe import (
    deadline_sentences,
    limits,
    reference,
    rule_fields,
    rule_sentence,
    such_as,
    type_words,
)
from assistant.schema.example import example_row, pattern_example
from assistant.schema.model import Field, Register

if TYPE_CHECKING:
    from assistant.office import Office
from assistant.text import display

FORMATS = ("md", "html")


@dataclass
class ColumnDoc:
    name: str
    meaning: str  # the field's description ("" when it has none)
    required: bool
    type: str  # 日期，如 2026-11-05
    allowed: str  # the enum values, 、-separated ("" when any value goes)
    limits: list[str]  # 不能重复, 最多 500 个字, 须是人员名册中的“姓名”, …
    rules: list[str]  # the sentences of the table rules that involve this column
    owned: bool = False  # written by the assistant (`outputs`), not by staff


@dataclass
class RegisterDoc:
    id: str
    title: str
    description: str
    facts: list[str]  # which sheet, header row, the key column
    columns: list[ColumnDoc]
    rules: list[str]
    deadline: list[str]
    example: list[tuple[str, str]]  # (column, value) in column order, the assistant's columns left out
    owned: list[tuple[str, str]] = field(default_factory=list)  # (column, what the assistant writes there)


def build(registers: dict[str, Register], ids: list[str], today: dt.date) -> list[RegisterDoc]:
    """The pages of the registers `ids` (in that order), in the current language."""
    return [_page(registers[i], registers, today) for i in ids]


def _page(reg: Register, registers: dict[str, Register], today: dt.date) -> RegisterDoc:
    sentences = [(rule_sentence(reg, r, registers), rule_fields(r)) for r in reg.rules]
    columns = [_column(reg, f, registers, [s for s, names in sentences if f.name in names]) for f in reg.fields]
    owned = _owned(reg)
    columns += [ColumnDoc(name=name, meaning=what, required=False, type="", allowed="", limits=[], rules=[], owned=True)
                for name, what in owned]
    row = example_row(reg, registers, today)
    return RegisterDoc(id=reg.id, title=reg.title, description=reg.description or "", facts=_facts(reg),
                       columns=columns, rules=[s for s, _ in sentences],
                       deadline=deadline_sentences(reg.deadline) if reg.deadline else [],
                       example=list(row.items()), owned=owned)


def _column(reg: Register, f: Field, registers: dict[str, Register], rules: list[str]) -> ColumnDoc:
    o = f.options
    found = limits(f.type, o, _pattern_example(f))
    if f.unique or f.name == reg.key:
        found.insert(0, tr("doc.unique"))
    if "references" in o:
        found.append(reference(registers, o["references"]))
    if f.aliases:  # other headings staff may have used for the column
        found.append(tr("doc.aliases", names=tr("word.list_sep").join(f.aliases)))
    if o.get("mask"):
        found.append(tr("doc.masked"))
    if f.severity == "warning":
        found.append(tr("doc.field_warning"))
    return ColumnDoc(name=f.name, meaning=f.description or "", required=f.required or f.name == reg.key,
                     type=tr("doc.type.choice") if "enum" in o else type_words(f.type),
                     allowed=tr("word.list_sep").join(map(display, o.get("enum", []))), limits=found, rules=rules)


def _pattern_example(f: Field) -> str | None:
    """A value that matches the field's pattern: the description's own example (如 DB-2026-001)
    when it matches, else one made from the pattern; None when neither matches."""
    pattern = f.options.get("pattern")
    if pattern is None:
        return None
    candidates = [*such_as(f.description), pattern_example(pattern)]
    return next((c for c in candidates if c is not None and re.fullmatch(pattern, c)), None)


def _facts(reg: Register) -> list[str]:
    out = [tr("doc.fact.sheet", sheet=reg.sheet)]
    if reg.header_row:
        out.append(tr("doc.fact.header_row", row=reg.header_row))
    if reg.header_rows == 2:
        out.append(tr("doc.fact.two_rows"))
    if reg.key:
        out.append(tr("doc.fact.key", key=reg.key))
    out.append(tr("doc.fact.headers"))
    return out


def _owned(reg: Register) -> list[tuple[str, str]]:
    o = reg.outputs
    pairs = [(o.status, "doc.owned.status"), (o.days, "doc.owned.days"), (o.findings, "doc.owned.findings")]
    return [(name, tr(key)) for name, key in pairs if name]


# --- Markdown ------------------------------------------------------------------------------------

def _cell(text: str) -> str:
    """Text inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def markdown(docs: list[RegisterDoc]) -> str:
    out: list[str] = []
    for d in docs:
        out += [f"# {tr('doc.heading', title=d.title, id=d.id)}", ""]
        if d.description:
            out += [d.description, ""]
        out += [f"- {fact}" for fact in d.facts] + [""]
        out += [f"## {tr('doc.h.columns')}", ""]
        head = [tr(f"doc.col.{k}") for k in ("name", "meaning", "required", "type", "allowed", "limits", "rules")]
        out += [_row(head), _row(["---"] * len(head))]
        for c in d.columns:
            if c.owned:
                out.append(_row([c.name, tr("doc.owned_cell", what=c.meaning), "", "", "", "", ""]))
            else:
                out.append(_row([c.name, c.meaning, tr("doc.required") if c.required else "", c.type, c.allowed,
                                 tr("doc.sep").join(c.limits), tr("doc.sep").join(c.rules)]))
        out.append("")
        if d.rules:
            out += [f"## {tr('doc.h.rules')}", ""] + [f"{n}. {s}" for n, s in enumerate(d.rules, 1)] + [""]
        if d.deadline:
            out += [f"## {tr('doc.h.deadline')}", ""] + [f"- {s}" for s in d.deadline] + [""]
        if d.owned:
            out += [f"## {tr('doc.h.owned')}", "", tr("doc.owned_intro"), ""]
            out += [f"- {tr('doc.owned_item', name=name, what=what)}" for name, what in d.owned] + [""]
        out += [f"## {tr('doc.h.example')}", "", tr("doc.example_intro"), ""]
        out += [_row([n for n, _ in d.example]), _row(["---"] * len(d.example)), _row([v for _, v in d.example]), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML ----------------------------------------------------------------------------------------

@functools.cache
def _environment() -> jinja2.Environment:
    from assistant.render import environment

    return environment(None)  # the shipped templates only: the page's layout is not an office's to change


def html(docs: list[RegisterDoc], office: str) -> str:
    title = docs[0].title if len(docs) == 1 else tr("doc.all_title", office=office)
    return _environment().get_template("schema_doc.html").render(docs=docs, title=title, office=office)


def make(office: Office, register: str | None, fmt: str, today: dt.date, output: Path | None = None,
         force: bool = False) -> tuple[str, Path | None]:
    """The page of `register` (every register of the office when None) in `fmt`, and the file it
    was written to when `output` is given (None otherwise). An unknown register is a ConfigError
    with a "did you mean"."""
    ids = [office.register(register).id] if register else list(office.registers)
    docs = build(office.registers, ids, today)
    text = html(docs, office.name) if fmt == "html" else markdown(docs)
    return text, (write(text, output, force) if output is not None else None)


def write(text: str, output: Path, force: bool) -> Path:
    """`text` into `output`, which must not exist yet unless `force` (a page someone edited by hand
    is not overwritten by mistake); written whole (a temporary file renamed into place)."""
    from assistant.reports.output import put

    if output.exists() and not force:
        raise UsageError(tr("doc.exists", path=output), hint=tr("doc.exists_hint"))
    if output.is_dir():
        raise UsageError(tr("doc.is_folder", path=output), hint=tr("doc.is_folder_hint"))
    return put(output, text.encode("utf-8"))
