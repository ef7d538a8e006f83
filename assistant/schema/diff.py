"""What changes between two versions of a register's schema (`assistant schema diff`), as a plan
record a non-programmer can read: fields added, removed, renamed, and what changed in a field,
the key, the outputs and the rules.

A field counts as renamed only when the new schema says so with `renamed_from`: a field that
keeps its place and type under a new name is a removal and an addition (the sheet's column with
the old header would otherwise be taken for the new field silently).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import SchemaError, SchemaProblem
from assistant.i18n import tr
from assistant.schema.model import Field, Register, Rule
from assistant.text import norm_header

# The field attributes compared, in the order they are listed; "required"/"unique" are on Field
# itself, the rest in its options.
COMPARED = ("type", "required", "unique", "severity", "enum", "pattern", "minimum", "maximum",
            "min_length", "max_length", "references", "mask", "aliases", "renamed_from")


@dataclass
class FieldChange:
    field: str  # the field's name in the new schema
    what: str  # one of COMPARED
    old: Any
    new: Any


@dataclass
class SchemaDiff:
    register: str
    old_file: str
    new_file: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    changed: list[FieldChange] = field(default_factory=list)
    key: tuple[str | None, str | None] | None = None  # (old, new) when it changed
    outputs: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (role, old, new)
    rules_added: list[str] = field(default_factory=list)  # rules as short text: kind and options
    rules_removed: list[str] = field(default_factory=list)
    others: list[tuple[str, Any, Any]] = field(default_factory=list)  # title, sheet, header rows: (what, old, new)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed or self.key or self.outputs
                    or self.rules_added or self.rules_removed or self.others)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["renamed"] = [{"from": a, "to": b} for a, b in self.renamed]
        out["key"] = None if self.key is None else {"from": self.key[0], "to": self.key[1]}
        out["outputs"] = [{"role": r, "from": a, "to": b} for r, a, b in self.outputs]
        out["others"] = [{"what": w, "from": a, "to": b} for w, a, b in self.others]
        out["changed"] = [{"field": c.field, "what": c.what, "from": c.old, "to": c.new} for c in self.changed]
        out["unchanged"] = self.empty
        return json.loads(json.dumps(out, ensure_ascii=False, default=str))  # dates as text


def _value(f: Field, what: str) -> Any:
    if what in ("type", "required", "unique", "severity"):
        return getattr(f, what)
    if what in ("aliases", "renamed_from"):
        return sorted(getattr(f, what))
    return f.options.get(what)


def _former(new: Field, old_by_key: dict[str, Field], taken: set[str]) -> Field | None:
    """The old field `new` was renamed from, by its `renamed_from` (never by position or type)."""
    for former in new.renamed_from:
        old = old_by_key.get(norm_header(former))
        if old is not None and old.name not in taken:
            return old
    return None


def rule_text(rule: Rule) -> str:
    """A rule as one line: its kind and options (as written), and its severity when it is not error."""
    opts = json.dumps(rule.options, ensure_ascii=False, default=str, sort_keys=True)
    return f"{rule.kind} {opts}" + ("" if rule.severity == "error" else f" ({rule.severity})")


def diff_registers(old: Register, new: Register) -> SchemaDiff:
    d = SchemaDiff(register=new.id, old_file=old.file, new_file=new.file)
    old_names = {f.name for f in old.fields}
    new_names = {f.name for f in new.fields}
    old_by_key = {norm_header(f.name): f for f in old.fields}
    pairs: list[tuple[Field, Field]] = []
    matched: set[str] = set()  # old fields that live on
    for f in new.fields:
        if f.name in old_names:
            pairs.append((old.field(f.name), f))
            matched.add(f.name)
    for f in new.fields:
        if f.name in old_names:
            continue
        former = _former(f, old_by_key, matched | new_names)
        if former is None:
            d.added.append(f.name)
        else:
            d.renamed.append((former.name, f.name))
            pairs.append((former, f))
            matched.add(former.name)
    d.removed = [f.name for f in old.fields if f.name not in matched]
    for o, n in sorted(pairs, key=lambda p: new.field_names.index(p[1].name)):
        for what in COMPARED:
            a, b = _value(o, what), _value(n, what)
            if what == "renamed_from" or a == b:
                continue  # renamed_from says how the column was named: the rename itself is listed
            d.changed.append(FieldChange(n.name, what, a, b))
    if old.key != new.key:
        d.key = (old.key, new.key)
    for role in ("status", "days", "findings"):
        a, b = getattr(old.outputs, role), getattr(new.outputs, role)
        if a != b:
            d.outputs.append((role, a, b))
    old_rules, new_rules = [rule_text(r) for r in old.rules], [rule_text(r) for r in new.rules]
    d.rules_added = [r for r in new_rules if r not in old_rules]
    d.rules_removed = [r for r in old_rules if r not in new_rules]
    for what in ("id", "title", "sheet", "header_row", "header_rows"):
        if getattr(old, what) != getattr(new, what):
            d.others.append((what, getattr(old, what), getattr(new, what)))
    return d


def load_schema_file(path: Path) -> Register:
    """One schema file, linted on its own; SchemaError with located problems if it is wrong."""
    from assistant.schema.loader import lint_text

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError([SchemaProblem(path.name, None, "", None, tr("schema.unreadable", detail=exc))]) from None
    register, problems = lint_text(text, path.name)
    if problems or register is None:
        raise SchemaError(problems)
    return register


def diff_files(old: Path, new: Path) -> SchemaDiff:
    """The changes from schema file `old` to `new`; SchemaError (located) if either is wrong."""
    problems: list[SchemaProblem] = []
    regs: list[Register] = []
    for p in (old, new):
        try:
            regs.append(load_schema_file(p))
        except SchemaError as exc:
            problems += exc.problems
    if problems:
        raise SchemaError(problems)
    return diff_registers(regs[0], regs[1])


def _shown(value: Any) -> str:
    if value is None:
        return tr("diff.none")
    if isinstance(value, bool):
        return tr("diff.yes") if value else tr("diff.no")
    if isinstance(value, list):
        return "、".join(map(str, value)) if value else tr("diff.none")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def diff_lines(d: SchemaDiff) -> list[str]:
    """The changes as short lines in the current language, one change a line."""
    lines = [tr("diff.title", register=d.register, old=d.old_file, new=d.new_file)]
    if d.empty:
        return lines + [tr("diff.unchanged")]
    lines += [tr("diff.added", name=n) for n in d.added]
    lines += [tr("diff.removed", name=n) for n in d.removed]
    lines += [tr("diff.renamed", old=a, new=b) for a, b in d.renamed]
    lines += [tr("diff.changed", name=c.field, what=tr(f"diff.what.{c.what}"), old=_shown(c.old), new=_shown(c.new))
              for c in d.changed]
    if d.key:
        lines.append(tr("diff.key", old=_shown(d.key[0]), new=_shown(d.key[1])))
    lines += [tr("diff.output", role=tr(f"diff.role.{r}"), old=_shown(a), new=_shown(b)) for r, a, b in d.outputs]
    lines += [tr("diff.rule_added", rule=r) for r in d.rules_added]
    lines += [tr("diff.rule_removed", rule=r) for r in d.rules_removed]
    lines += [tr("diff.other", what=tr(f"diff.what.{w}"), old=_shown(a), new=_shown(b)) for w, a, b in d.others]
    return lines
