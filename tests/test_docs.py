"""The docs in docs/ cover what the code accepts. Each list comes from the code itself (the click
commands, the config loader, the schema loader and the registries), so a new command, option, config
key, field type, field option or rule kind fails here until it is documented, in its own section."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from assistant.checks import RULES
from assistant.checks.base import OPS
from assistant.cli import main
from assistant.config import known_keys
from assistant.fieldtypes import TYPES
from assistant.schema.loader import DEADLINE_OPTS, FIELD_KEYS, OUTPUT_KEYS, TOP_KEYS
from assistant.schema.model import SEVERITIES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


def sections(path: Path) -> dict[str, str]:
    """Heading title (backticks removed) → the text under it, down to the next heading of the same
    or a higher level (subsections included). Lines inside ``` fences are never headings."""
    lines = path.read_text(encoding="utf-8").splitlines()
    heads: list[tuple[int, int, str]] = []  # (line index, level, title)
    fenced = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = _HEADING.match(line)
        if m and not fenced:
            heads.append((i, len(m.group(1)), m.group(2).replace("`", "").strip()))
    out: dict[str, str] = {}
    for n, (i, level, title) in enumerate(heads):
        end = next((j for j, lv, _ in heads[n + 1:] if lv <= level), len(lines))
        out[title] = "\n".join(lines[i + 1:end])
    return out


def prose(text: str) -> str:
    """`text` without its ``` fenced blocks: examples and synopses do not count as documenting a name."""
    return re.sub(r"^\s*```.*?^\s*```[^\n]*$", "", text, flags=re.MULTILINE | re.DOTALL)


def code(name: str, text: str) -> bool:
    """`name` written as code (in backticks) in the prose of `text`, e.g. in a table row."""
    return f"`{name}`" in prose(text)


def section(doc: dict[str, str], title: str, missing: list[str], what: str) -> str:
    if title not in doc:
        missing.append(f"no section “{title}” ({what})")
        return ""
    return doc[title]


def report(missing: list[str], doc: str) -> str:
    return f"undocumented in docs/{doc}:\n  " + "\n  ".join(missing)


# --- commands.md ---------------------------------------------------------------------------------

def _commands(cmd: click.Command, path: str):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, f"{path} {name}")


COMMANDS = list(_commands(main, "assistant"))


def test_the_command_walk_finds_nested_commands():
    paths = {p for p, _ in COMMANDS}
    assert {"assistant", "assistant check", "assistant jobs run", "assistant schema lint"} <= paths


def test_every_command_has_a_section_in_commands_md():
    doc = sections(DOCS / "commands.md")
    missing = [f"no section “{path}”" for path, _ in COMMANDS if path not in doc]
    assert not missing, report(missing, "commands.md")


def test_every_option_and_argument_is_documented_under_its_command():
    doc = sections(DOCS / "commands.md")
    missing = []
    for path, cmd in COMMANDS:
        text = doc.get(path)
        if text is None:
            continue  # the test above reports it
        for param in cmd.params:
            if isinstance(param, click.Option):
                names = [*param.opts, *param.secondary_opts]
            else:
                names = [param.human_readable_name]
            missing += [f"{path}: {n}" for n in names if not code(n, text)]
    assert not missing, report(missing, "commands.md")


# --- config.md -----------------------------------------------------------------------------------

def _table_title(table: str) -> tuple[str, ...]:
    """The section titles a config table may have: "Top level", "[office]", "[[workbooks]]"."""
    return ("Top level",) if table == "" else (f"[{table}]", f"[[{table}]]")


def test_every_config_key_is_in_config_md():
    doc = sections(DOCS / "config.md")
    keys = known_keys()
    assert {"", "office", "workbooks", "mail", "recipients"} <= set(keys)  # the walk itself works
    missing = []
    for table, names in sorted(keys.items()):
        title = next((t for t in _table_title(table) if t in doc), None)
        if title is None:
            missing.append(f"no section “{' or '.join(_table_title(table))}”")
            continue
        missing += [f"{title} {k}" for k in sorted(names) if not code(k, doc[title])]
    assert not missing, report(missing, "config.md")


def _environment_variables() -> set[str]:
    """Variables the code reads: os.environ.get("X") / getenv("X") and constants named *_ENV."""
    found: set[str] = set()
    for path in [*(ROOT / "assistant").rglob("*.py"), *(ROOT / "jobs").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        found |= set(re.findall(r"""^\w*_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", text, re.MULTILINE))
    return found


def test_every_environment_variable_is_in_config_md():
    env = _environment_variables()
    assert "ASSISTANT_CONFIG" in env and "ASSISTANT_DEBUG" in env  # the scan itself works
    text = sections(DOCS / "config.md").get("Environment variables", "")
    missing = [f"Environment variables: {v}" for v in sorted(env) if not code(v, text)]
    assert not missing, report(missing, "config.md")


# --- schema.md -----------------------------------------------------------------------------------

@pytest.mark.parametrize("title, names", [
    ("Top-level keys", TOP_KEYS),
    ("Field options", FIELD_KEYS),
    ("deadline", list(DEADLINE_OPTS)),
    ("outputs", OUTPUT_KEYS),
    ("Severity", list(SEVERITIES)),
], ids=["top-level", "field-options", "deadline", "outputs", "severity"])
def test_every_schema_key_is_in_schema_md(title, names):
    doc = sections(DOCS / "schema.md")
    missing: list[str] = []
    text = section(doc, title, missing, "schema.md")
    missing += [f"{title}: {n}" for n in names if text and not code(n, text)]
    assert not missing, report(missing, "schema.md")


def test_every_field_type_is_in_schema_md():
    doc = sections(DOCS / "schema.md")
    missing: list[str] = []
    text = section(doc, "Field types", missing, "schema.md")
    for name, ftype in TYPES.items():
        missing += [f"Field types: {n}" for n in (name, ftype.error_code) if text and not code(n, text)]
    assert not missing, report(missing, "schema.md")


def test_every_rule_kind_and_option_is_in_schema_md():
    doc = sections(DOCS / "schema.md")
    missing: list[str] = []
    rules = section(doc, "Rules", missing, "schema.md")
    missing += [f"Rules: {k}" for k in ("kind", "severity") if rules and not code(k, rules)]
    for kind, check in RULES.items():
        text = section(doc, kind, missing, f"rule kind {kind}")
        if not text:
            continue
        if not re.search(rf"kind:\s*{kind}\b", text):
            missing.append(f"{kind}: a YAML example (kind: {kind})")
        for name, spec in check.options.items():
            values = [name, *spec.choices, *(OPS if spec.kind == "op" else ())]
            missing += [f"{kind}: {v}" for v in values if not code(v, text)]
    assert not missing, report(missing, "schema.md")


# --- design.md and README ----------------------------------------------------------------------------

def test_design_sections_cited_in_the_code_exist():
    numbered = {int(m.group(1)) for t in sections(DOCS / "design.md") if (m := re.match(r"(\d+)\.\s", t))}
    assert numbered and numbered == set(range(1, max(numbered) + 1)), f"design.md sections: {sorted(numbered)}"
    cited: dict[int, list[str]] = {}
    for top in ("assistant", "jobs", "tests"):
        for path in (ROOT / top).rglob("*.py"):
            for n in re.findall(r"(?:DESIGN|docs/design\.md)\s*§\s*(\d+)", path.read_text(encoding="utf-8")):
                cited.setdefault(int(n), []).append(str(path.relative_to(ROOT)))
    missing = [f"§{n} (cited in {', '.join(sorted(set(files)))})" for n, files in sorted(cited.items())
               if n not in numbered]
    assert not missing, report(missing, "design.md")


def test_readme_links_every_doc():
    text = sections(ROOT / "README.md").get("Documentation", "")
    missing = [f"README “Documentation”: docs/{p.name}" for p in sorted(DOCS.glob("*.md"))
               if f"docs/{p.name}" not in text]
    assert not missing, "\n  ".join(["not linked from README.md:", *missing])


def test_every_test_the_guarantees_cite_exists():
    """docs/guarantees.md names the test holding each promise; a renamed or removed test must not
    leave a promise that nothing checks. `::name` alone refers to the file named before it."""
    text = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
    cited = re.findall(r"`(?:(test_\w+\.py))?::(test_\w+)`", text)
    assert len(cited) > 30
    current, missing = None, []
    for file, name in cited:
        current = file or current
        assert current, f"::{name} cited before any file"
        if not re.search(rf"^def {name}\(", (ROOT / "tests" / current).read_text(encoding="utf-8"), re.M):
            missing.append(f"{current}::{name}")
    assert not missing
