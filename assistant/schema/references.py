"""What a schema says about other registers, checked once every file is loaded (assistant/schema/
loader.py `lint_files`): the registers named in `references` and in rules exist, and have the
fields named."""

from __future__ import annotations

from assistant.checks import RULES
from assistant.errors import SchemaProblem
from assistant.i18n import tr
from assistant.schema.model import Register
from assistant.suggest import did_you_mean


def _other_field_problem(name: str, target: Register) -> str:
    return tr("schema.unknown_field_in", name=name, register=target.id) + did_you_mean(name, target.field_names)


def lint_references(reg: Register, registers: dict[str, Register]) -> list[SchemaProblem]:
    """What a schema says about other registers: the register exists and has the fields named."""
    problems: list[SchemaProblem] = []

    def unknown_register(name: str, path: str, line: int | None) -> None:
        problems.append(SchemaProblem(reg.file, reg.id, path, line,
                                      tr("schema.unknown_register", name=name) + did_you_mean(name, registers)))

    for i, f in enumerate(reg.fields):
        ref = f.options.get("references")
        if not ref:
            continue
        target = registers.get(ref["register"])
        path = f"fields[{i}].references"
        if target is None:
            unknown_register(ref["register"], path, f.line)
            continue
        bad = [(path, n) for n in [ref["field"]] if n not in target.field_names]
        bad += [(f"{path}.where", n) for n in ref.get("where", {}) if n not in target.field_names]
        for p, name in bad:
            problems.append(SchemaProblem(reg.file, reg.id, p, f.line, _other_field_problem(name, target)))
        if not bad:
            f.options["references"] = {**ref, "title": target.title}  # for messages people read
    for r in reg.rules:
        other = RULES[r.kind].other_register(r.options)
        if other is None:
            continue
        target = registers.get(other)
        if target is None:
            unknown_register(other, f"{r.path}.register", r.line)
            continue
        found = [(option, _other_field_problem(name, target)) for option, name in RULES[r.kind].other_fields(r.options)
                 if name not in target.field_names]
        for option, message in found or RULES[r.kind].lint_other(r.options, target):
            problems.append(SchemaProblem(reg.file, reg.id, f"{r.path}.{option}", r.line, message))
    return problems
