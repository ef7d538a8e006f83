"""docs/templates.md describes everything a template override can use, and its examples work."""

from __future__ import annotations

import ast
import dataclasses
import email
import re
from email import policy
from pathlib import Path

import jinja2
import jinja2.nodes as nodes
import pytest

from assistant.config import Recipient
from assistant.digests import Digest, Item, Reason, UnitLine
from assistant.layout import Column, Layout
from assistant.render import environment
from tests.conftest import TODAY, run_cli

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
TEMPLATES = ROOT / "templates"


def mentioned(name: str) -> bool:
    """Named in code style: `name`, `d.name`, `name(…)`, `name` with a type, …"""
    return re.search(rf"`[^`\n]*\b{re.escape(name)}\b[^`\n]*`", DOC) is not None


def members(cls: type) -> set[str]:
    """A dataclass's fields and its properties: all a template can read."""
    return {f.name for f in dataclasses.fields(cls)} | {n for n, v in vars(cls).items() if isinstance(v, property)}


@pytest.mark.parametrize("cls", [Digest, Item, UnitLine, Recipient, Layout, Column, Reason])
def test_every_field_of_what_templates_get_is_documented(cls):
    assert sorted(n for n in members(cls) if not mentioned(n)) == []


def test_every_global_is_documented():
    ours = set(environment(None).globals) - set(jinja2.Environment().globals)
    assert ours >= {"t", "colours", "lang", "layout"}
    assert sorted(n for n in ours if not mentioned(n)) == []


def _render_variables() -> set[str]:
    """The variables the jobs pass to templates: render(env, name, subject, **these)."""
    out = {"subject"}
    for path in (ROOT / "jobs").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "render":
                out |= {k.arg for k in node.keywords if k.arg}
    return out


def _partial_variables() -> set[str]:
    """The variables templates set for the partials they include ({% with items=…, late=… %})."""
    env = environment(None)
    out: set[str] = set()
    for path in TEMPLATES.glob("*.*"):
        if path.suffix in (".html", ".txt"):
            for w in env.parse(path.read_text(encoding="utf-8")).find_all(nodes.With):
                out |= {t.name for t in w.targets if isinstance(t, nodes.Name)}
    return out


def test_every_template_variable_is_documented():
    variables = _render_variables() | _partial_variables()
    assert {"d", "name", "items", "escalation", "office", "late"} <= variables
    assert sorted(n for n in variables if not mentioned(n)) == []


def test_every_default_template_is_documented():
    files = sorted(p.name for p in TEMPLATES.iterdir() if p.suffix in (".html", ".txt"))
    assert sorted(f for f in files if f"`{f}`" not in DOC) == []


def test_the_examples_are_valid_templates():
    examples = re.findall(r"```jinja\n(.*?)```", DOC, flags=re.S)
    assert len(examples) >= 2
    for text in examples:
        environment(None).parse(text)


def test_the_override_example_replaces_only_that_file(tmp_path):
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    example = re.search(r"`templates/reminder.txt`.*?```jinja\n(.*?)```", DOC, flags=re.S).group(1)
    (folder / "templates" / "reminder.txt").write_text(example, encoding="utf-8")
    res = run_cli("remind", "--config", folder / "assistant.toml", "--today", TODAY)
    assert res.code == 0, res.err
    msg = next(email.message_from_bytes(p.read_bytes(), policy=policy.default)
               for p in (folder / "outbox").glob("*zhengqiang*.eml"))
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "郑强：您好！" in text and "DB-2026-003 凤凰村道路破损修复: 临期, 2026-11-22" in text
    assert "如有疑问请联系党政办，分机 8001" in text
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "如有疑问" not in html and "请及时办理" in html  # the HTML part is still the default
