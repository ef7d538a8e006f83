"""Load and lint register schemas (YAML). Every problem names the file, the line, the register and
the YAML path; all problems of a file are collected before reporting, so an admin fixes them in
one pass."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from assistant.checks import FIELD_CHECKS, RULES, Opt, check_option
from assistant.errors import SchemaError, SchemaProblem
from assistant.fieldtypes import TYPES
from assistant.i18n import tr
from assistant.schema.model import SEVERITIES, Deadline, Field, Outputs, Register, Rule
from assistant.schema.references import lint_references
from assistant.schema.sheets import schema_files, sheet_of, title_of
from assistant.suggest import did_you_mean
from assistant.text import norm_header

TOP_KEYS = ["register", "title", "sheet", "header_row", "header_rows", "key", "description", "fields", "rules", "deadline", "outputs"]
FIELD_KEYS = ["name", "type", "description", "required", "severity", "aliases", "renamed_from", *FIELD_CHECKS]
DEADLINE_OPTS = {
    "due": Opt("field", required=True), "start": Opt("field"), "done_when": Opt("when"), "done_date": Opt("field"),
    "warn_within": Opt("int"), "escalate_after": Opt("int"), "owner": Opt("field"), "leader": Opt("field"),
    "unit": Opt("field"), "progress": Opt("field"), "pace_tolerance": Opt("number"), "content": Opt("field"),
    "due_default": Opt("table"),
}
DUE_DEFAULT_KEYS = ["from", "by", "working_days", "days"]
OUTPUT_KEYS = ["status", "days", "findings"]
REFERENCE_KEYS = ["register", "field", "where", "when"]
_REGISTER_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None, dups: list | None = None) -> dict:
    """YAML path (tuple of keys and indexes) → 1-based line; duplicate keys go to `dups`."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for k, v in node.value:
            key = k.value
            if key in seen and dups is not None:
                dups.append((path + (key,), k.start_mark.line + 1))
            seen.add(key)
            _line_map(v, path + (key,), out, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_map(v, path + (i,), out, dups)
    return out


def _path_text(path: tuple) -> str:
    text = ""
    for p in path:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
    return text


class _Linter:
    def __init__(self, file: str, lines: dict):
        self.file = file
        self.lines = lines
        self.register: str | None = None
        self.problems: list[SchemaProblem] = []

    def add(self, path: tuple, message: str) -> None:
        line = None
        for n in range(len(path), -1, -1):  # the nearest node that exists
            if path[:n] in self.lines:
                line = self.lines[path[:n]]
                break
        self.problems.append(SchemaProblem(self.file, self.register, _path_text(path), line, message))

    def keys(self, data: dict, path: tuple, allowed: list[str]) -> None:
        for k in data:
            if k not in allowed:
                self.add(path + (k,), tr("schema.unknown_key", allowed=", ".join(allowed)) + did_you_mean(k, allowed))

    def option(self, opt: Opt, value: Any, path: tuple, fields: dict[str, Field]) -> bool:
        if opt.kind == "reference":
            return self.reference(value, path)
        problem = check_option(opt, value, fields)
        if problem:
            self.add(path, problem)
        return problem is None

    def reference(self, value: Any, path: tuple) -> bool:
        if not (isinstance(value, dict) and {"register", "field"} <= set(value) <= set(REFERENCE_KEYS)
                and isinstance(value["register"], str) and isinstance(value["field"], str)):
            self.add(path, tr("schema.reference_form"))
            return False
        # `where` names the other register's fields (checked with all files); `when` this one's (see load)
        problems = [(k, p) for k in ("where", "when") if k in value and (p := check_option(Opt("condition"), value[k], {}))]
        for k, problem in problems:
            self.add(path + (k,), problem)
        return not problems

    # --- sections ---

    def load(self, data: Any) -> Register | None:
        if not isinstance(data, dict):
            self.add((), tr("schema.not_mapping"))
            return None
        reg_id = data.get("register")
        if isinstance(reg_id, str) and _REGISTER_ID.match(reg_id):
            self.register = reg_id
        else:
            self.add(("register",), tr("schema.register_id"))
        self.keys(data, (), TOP_KEYS)
        title = title_of(data)
        if not isinstance(title, str):
            self.add(("title",), tr("schema.expected", what=tr("type.text")))
            title = str(reg_id)
        sheet = sheet_of(data) if "sheet" in data else title
        if not isinstance(sheet, str):
            self.add(("sheet",), tr("schema.expected", what=tr("type.text")))
        header_row = data.get("header_row")
        if header_row is not None and not (isinstance(header_row, int) and not isinstance(header_row, bool) and header_row >= 1):
            self.add(("header_row",), tr("schema.expected", what=tr("type.positive_integer")))
            header_row = None
        header_rows = data.get("header_rows", 1)
        if type(header_rows) is not int or header_rows not in (1, 2):  # not True, not 2.0
            self.add(("header_rows",), tr("schema.header_rows"))
            header_rows = 1
        elif header_rows == 2 and header_row == 1:
            self.add(("header_row",), tr("schema.header_row_upper"))

        fields = self.fields(data.get("fields"))
        by_name = {f.name: f for f in fields}
        for i, f in enumerate(fields):  # a reference's `when` is a condition on this register's rows
            if "when" in f.options.get("references", {}):
                self.option(Opt("when"), f.options["references"]["when"], ("fields", i, "references", "when"), by_name)
        key = data.get("key")
        if key is not None and self.option(Opt("field"), key, ("key",), by_name):
            k = by_name[key]
            k.required, k.unique = True, True  # write-back matches rows by the key
        rules = self.rules(data.get("rules", []), by_name)
        deadline = self.deadline(data.get("deadline"), by_name)
        outputs = self.outputs(data.get("outputs"), by_name)
        if outputs.columns() and key is None:
            self.add(("outputs",), tr("schema.outputs_need_key"))
        if self.problems or not isinstance(reg_id, str):
            return None
        return Register(id=reg_id, title=title, sheet=sheet, fields=fields, key=key, header_row=header_row,
                        header_rows=header_rows,
                        rules=rules, deadline=deadline, outputs=outputs, description=data.get("description"),
                        file=self.file)

    def fields(self, raw: Any) -> list[Field]:
        if not isinstance(raw, list) or not raw:
            self.add(("fields",), tr("schema.fields_required"))
            return []
        out: list[Field] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            path = ("fields", i)
            if not isinstance(item, dict) or not isinstance(item.get("name"), (str, int)):
                self.add(path, tr("schema.field_needs_name"))
                continue
            f = self.field(item, path)
            for hk in f.header_keys:
                if hk in seen:
                    self.add(path + ("name",), tr("schema.duplicate_field", name=f.name, other=seen[hk]))
                seen[hk] = i
            out.append(f)
        return out

    def field(self, item: dict, path: tuple) -> Field:
        self.keys(item, path, FIELD_KEYS)
        name = str(item["name"]).strip()
        ftype = item.get("type", "string")
        if ftype not in TYPES:
            self.add(path + ("type",), tr("schema.unknown_type", types=", ".join(TYPES)) + did_you_mean(ftype, TYPES))
            ftype = "string"
        severity = item.get("severity", "error")
        if severity not in SEVERITIES:
            self.add(path + ("severity",), tr("config.one_of", choices=" | ".join(SEVERITIES)) + did_you_mean(severity, SEVERITIES))
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            self.add(path + ("aliases",), tr("schema.expected", what=tr("type.list_of_text")))
            aliases = []
        renamed = item.get("renamed_from", [])
        renamed = [renamed] if isinstance(renamed, str) else renamed
        if not isinstance(renamed, list) or not all(isinstance(a, str) and a.strip() for a in renamed):
            self.add(path + ("renamed_from",), tr("schema.expected", what=tr("type.text_or_list")))
            renamed = []
        for flag in ("required",):
            if flag in item and not isinstance(item[flag], bool):
                self.add(path + (flag,), tr("schema.expected", what=tr("type.true/false")))
        options: dict[str, Any] = {}
        kind = TYPES[ftype].kind
        for opt_name, check in FIELD_CHECKS.items():
            if opt_name not in item:
                continue
            value = item[opt_name]
            if check.kinds is not None and kind not in check.kinds:
                self.add(path + (opt_name,), tr("schema.option_not_for_type", option=opt_name, type=ftype))
            elif self.option(check.spec, value, path + (opt_name,), {}):
                if problem := check.lint(value, kind):
                    self.add(path + (opt_name,), problem)
                elif opt_name != "unique":  # `unique` lives on Field itself (the key implies it)
                    options[opt_name] = value
        return Field(name=name, type=ftype, description=item.get("description"), required=item.get("required") is True,
                     unique=item.get("unique") is True, options=options,
                     severity=severity if severity in SEVERITIES else "error", aliases=tuple(aliases),
                     renamed_from=tuple(r.strip() for r in renamed),
                     line=self.lines.get(path + ("references",), self.lines.get(path)))

    def rules(self, raw: Any, fields: dict[str, Field]) -> list[Rule]:
        if not isinstance(raw, list):
            self.add(("rules",), tr("schema.expected", what=tr("type.list")))
            return []
        out = []
        for i, item in enumerate(raw):
            path = ("rules", i)
            if not isinstance(item, dict) or "kind" not in item:
                self.add(path, tr("schema.rule_needs_kind", kinds=", ".join(RULES)))
                continue
            kind = item["kind"]
            if kind not in RULES:
                self.add(path + ("kind",), tr("schema.unknown_kind", kinds=", ".join(RULES)) + did_you_mean(kind, RULES))
                continue
            check = RULES[kind]
            opts = {k: v for k, v in item.items() if k not in ("kind", "severity")}
            self.keys(opts, path, list(check.options) + ["kind", "severity"])
            ok = True
            for name, spec in check.options.items():
                if name in opts:
                    ok &= self.option(spec, opts[name], path + (name,), fields)
                elif spec.required:
                    self.add(path + (name,), tr("schema.option_required", option=name, kind=kind))
                    ok = False
            if ok:
                for opt_name, message in check.lint(opts, fields):
                    self.add(path + (opt_name,), message)
            severity = item.get("severity", "error")
            if severity not in SEVERITIES:
                self.add(path + ("severity",), tr("config.one_of", choices=" | ".join(SEVERITIES)))
            out.append(Rule(kind=kind, options=opts, severity=severity, path=_path_text(path), line=self.lines.get(path)))
        return out

    def deadline(self, raw: Any, fields: dict[str, Field]) -> Deadline | None:
        if raw is None:
            return None
        path = ("deadline",)
        if not isinstance(raw, dict):
            self.add(path, tr("schema.expected", what=tr("type.table")))
            return None
        self.keys(raw, path, list(DEADLINE_OPTS))
        for name, spec in DEADLINE_OPTS.items():
            if name in raw:
                self.option(spec, raw[name], path + (name,), fields)
            elif spec.required:
                self.add(path + (name,), tr("schema.option_required", option=name, kind="deadline"))
        if "due_default" in raw:
            self.due_default(raw["due_default"], path + ("due_default",), fields)
        for name in ("due", "start", "done_date"):
            if raw.get(name) in fields and TYPES[fields[raw[name]].type].kind != "date":
                self.add(path + (name,), tr("schema.needs_date_field", name=raw[name]))
        for name in ("owner", "leader"):  # reminders find the person by this name: it cannot be masked
            if raw.get(name) in fields and fields[raw[name]].options.get("mask"):
                self.add(path + (name,), tr("schema.mask_on_person", name=raw[name]))
        if raw.get("progress") in fields and TYPES[fields[raw["progress"]].type].kind != "number":
            self.add(path + ("progress",), tr("schema.needs_number_field", name=raw["progress"]))
        known = {k: raw[k] for k in DEADLINE_OPTS if k in raw}
        return Deadline(**known) if "due" in known else None

    def due_default(self, raw: Any, path: tuple, fields: dict[str, Field]) -> None:
        """{from: date field, working_days | days: N, or by: field with working_days | days: {value: N}}."""
        if not isinstance(raw, dict):  # already reported by the option's shape
            return
        self.keys(raw, path, DUE_DEFAULT_KEYS)
        if "from" not in raw:
            self.add(path + ("from",), tr("schema.option_required", option="from", kind="due_default"))
        elif self.option(Opt("field"), raw["from"], path + ("from",), fields) and TYPES[fields[raw["from"]].type].kind != "date":
            self.add(path + ("from",), tr("schema.needs_date_field", name=raw["from"]))
        counts = [k for k in ("working_days", "days") if k in raw]
        if len(counts) != 1:
            self.add(path, tr("schema.due_default_count"))
            return
        n, by = raw[counts[0]], raw.get("by")
        if by is not None:
            self.option(Opt("field"), by, path + ("by",), fields)
            if not (isinstance(n, dict) and n and all(check_option(Opt("int"), v, {}) is None for v in n.values())):
                self.add(path + (counts[0],), tr("schema.due_default_map", by=by))
        else:
            self.option(Opt("int"), n, path + (counts[0],), fields)

    def outputs(self, raw: Any, fields: dict[str, Field]) -> Outputs:
        if raw is None:
            return Outputs()
        path = ("outputs",)
        if not isinstance(raw, dict):
            self.add(path, tr("schema.expected", what=tr("type.table")))
            return Outputs()
        self.keys(raw, path, OUTPUT_KEYS)
        taken = {hk for f in fields.values() for hk in f.header_keys}
        for k, v in raw.items():
            if not isinstance(v, str):
                self.add(path + (k,), tr("schema.expected", what=tr("type.text")))
            elif norm_header(v) in taken:
                self.add(path + (k,), tr("schema.output_is_field", name=v))
        return Outputs(**{k: v for k, v in raw.items() if k in OUTPUT_KEYS and isinstance(v, str)})


# libyaml's loader when PyYAML was built with it: ten times faster, same documents and marks
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def lint_text(text: str, file: str) -> tuple[Register | None, list[SchemaProblem]]:
    """Parse and check one schema's YAML text."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return None, [SchemaProblem(file, None, "", line, tr("schema.yaml_syntax", detail=getattr(exc, "problem", exc)))]
    if node is None:
        return None, [SchemaProblem(file, None, "", None, tr("schema.empty_file"))]
    dups: list = []
    lines = _line_map(node, dups=dups)
    linter = _Linter(file, lines)
    for path, line in dups:
        linter.problems.append(SchemaProblem(file, None, _path_text(path), line, tr("schema.duplicate_key")))
    register = linter.load(data)
    return (register if not linter.problems else None), linter.problems


def lint_files(paths: list[Path]) -> tuple[dict[str, Register], list[SchemaProblem]]:
    """Lint several schema files together: ids must be unique and references must resolve."""
    registers: dict[str, Register] = {}
    problems: list[SchemaProblem] = []
    for p in paths:
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(SchemaProblem(p.name, None, "", None, tr("schema.unreadable", detail=exc)))
            continue
        reg, probs = lint_text(text, p.name)
        problems += probs
        if reg is None:
            continue
        if reg.id in registers:
            problems.append(SchemaProblem(p.name, reg.id, "register", None,
                                          tr("schema.duplicate_register", other=registers[reg.id].file)))
            continue
        registers[reg.id] = reg
    for reg in registers.values():
        problems += lint_references(reg, registers)
    return registers, problems


def office_schema_files(folder: Path) -> list[Path]:
    """The schema files of an office's folder: a missing or empty folder is an error, never
    "0 files checked" (a mistyped `[office] schemas` would otherwise pass every lint)."""
    files = schema_files(folder) if folder.is_dir() else []
    if not files:
        raise SchemaError([SchemaProblem(str(folder.name), None, "", None, tr("schema.no_schemas", folder=folder))])
    return files


def load_registers(folder: Path) -> dict[str, Register]:
    """Every schema in `folder`; a SchemaError listing all problems if any file is wrong."""
    registers, problems = lint_files(office_schema_files(folder))
    if problems:
        raise SchemaError(problems)
    return registers
