"""The message catalog: one assembly, one formatting rule, both languages complete, and every key
the code and the templates ask for present."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from assistant import messages
from assistant.i18n import CATALOG, tr, using

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted([*(ROOT / "assistant").rglob("*.py"), *(ROOT / "jobs").rglob("*.py")])
TEMPLATES = sorted(p for p in (ROOT / "templates").iterdir() if p.suffix in (".html", ".txt"))
KEY_SHAPE = re.compile(r"[a-z_]+(\.[A-Za-z0-9_/<>=!]+)+")

# English names the month ("every year on November 20"), Chinese numbers it ("每年11月20日"): the
# caller passes both, which test_literal_calls_pass_every_placeholder checks.
DIFFERENT_PLACEHOLDERS = {"cron.yearly"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# --- 1. one catalog ---


def test_the_catalog_is_assembled_once_without_late_updates():
    tree = ast.parse(Path(messages.__file__).read_text(encoding="utf-8"))
    patched = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
               and n.value.id == "CATALOG"]
    assert patched == [], "CATALOG is assembled in one expression, not patched afterwards"
    first_code = next(i for i, n in enumerate(tree.body) if not isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr)))
    late = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
            and n not in tree.body[:first_code]]
    assert late == [], "every part of the catalog is imported at the top"
    assigned = [n for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AnnAssign))
                and any(isinstance(t, ast.Name) and t.id == "CATALOG"
                        for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    assert len(assigned) == 1


def test_no_key_is_defined_twice():
    """A key written twice silently shows the later wording; the assembly refuses it."""
    for module in (Path(messages.__file__), *sorted((ROOT / "assistant").glob("messages_*.py"))):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                assert len(keys) == len(set(keys)), {k for k in keys if keys.count(k) > 1}
    with pytest.raises(ValueError, match="word.today"):
        messages.assemble({"word.today": ("a", "b")}, {"word.today": ("c", "d")})


# --- 2. one formatting rule ---


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_doubled_braces_show_single_whether_or_not_there_are_arguments(lang):
    with using(lang):
        hint = tr("gsheets.no_creds_hint")
        assert '{ env = "GOOGLE_APPLICATION_CREDENTIALS" }' in hint and "{{" not in hint and "}}" not in hint
        assert "{ env" in tr("config.secret_form") and "{{" not in tr("config.secret_form")
        assert '{ env = "ASSISTANT_SMTP_PASSWORD" }' in tr("mail.password_not_configured_hint")
        assert tr("type.table").endswith("({ … })") or tr("type.table") == "表（{ … }）"
        assert "{ register:" in tr("schema.reference_form")


# --- 3. complete in every language, and every key used exists ---


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_key_in_every_language_with_the_same_placeholders(key):
    entry = CATALOG[key]
    assert isinstance(entry, tuple) and len(entry) == 2 and all(isinstance(t, str) and t.strip() for t in entry)
    zh, en = (placeholders(t) for t in entry)  # raises on a stray brace
    assert all(re.fullmatch(r"[A-Za-z_]\w*", n) for n in zh | en), f"{key}: a literal brace must be doubled"
    if key not in DIFFERENT_PLACEHOLDERS:
        assert zh == en, key


Usage = tuple[str, str, "set[str] | None"]  # (where, key, keyword arguments given; None: unknown)


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _python_keys() -> list[Usage]:
    """Keys named in code: in tr()/t() calls, and kept for a later call (message = "check.…",
    for col in ("report.col.cell", …), {SENT: "send.sent", …}[status])."""
    out: list[Usage] = []
    for path in CODE:
        if path.name.startswith("messages"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "t") \
                    and node.args:
                given = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
                out += [(where, key, given) for key in _constants(node.args[0])]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "message" for t in targets):
                    out += [(where, key, None) for key in _constants(node.value) if KEY_SHAPE.fullmatch(key)]
            elif isinstance(node, (ast.Tuple, ast.List, ast.Dict)):
                elts = node.values if isinstance(node, ast.Dict) else node.elts
                values = [c for e in elts for c in _constants(e)]
                if len(elts) > 1 and len(values) == len(elts) and all(KEY_SHAPE.fullmatch(v) for v in values) \
                        and any(v in CATALOG for v in values):
                    out += [(where, key, None) for key in values]
    return out


def _template_keys() -> list[Usage]:
    import jinja2.nodes as n

    from assistant.render import environment

    env = environment(None)
    out: list[Usage] = []
    for path in TEMPLATES:
        tree = env.parse(path.read_text(encoding="utf-8"))
        for call in tree.find_all(n.Call):
            if isinstance(call.node, n.Name) and call.node.name == "t" and call.args:
                first = call.args[0]
                options = [first.expr1, first.expr2] if isinstance(first, n.CondExpr) else [first]
                assert all(isinstance(o, n.Const) for o in options), \
                    f"{path.name}:{call.lineno}: t() with a computed key; use a literal key or a helper"
                given = None if call.dyn_kwargs else {k.key for k in call.kwargs}
                out += [(f"{path.name}:{call.lineno}", o.value, given) for o in options]
    return out


def _dynamic_keys() -> set[str]:
    """Keys built at run time (f"deadline.status.{code}"), from the values they are built from."""
    from assistant import calendar, cron
    from assistant.checks import rules
    from assistant.config import _TYPE_NAMES
    from assistant.fieldtypes import TYPES
    from assistant.render import ATTACHMENT_COLUMNS
    from assistant.status import CODES

    fields = [v.key for v in vars(cron).values() if isinstance(v, cron._Field)]
    assert set(fields) == {"second", "minute", "hour", "dom", "month", "dow"}
    assert set(re.findall(r'_basis = "(\w+)"', Path(calendar.__file__).read_text(encoding="utf-8"))) \
        == {"holidays", "weekends"}
    return {
        *(f"deadline.status.{c}" for c in CODES),
        *(f"kind.{k}" for k in ("digest", "remind", "escalate", "alert")),
        *(f"{k}.subject" for k in ("remind", "escalate")),
        *(f"digest.col.{c}" for c in ATTACHMENT_COLUMNS),
        *(f"severity.{s}" for s in ("error", "warning")),
        *(f"cron.field.{f}" for f in fields),
        *(f"cron.weekday.{d}" for d in range(7)), *(f"cron.weekdays.{d}" for d in range(7)),
        *(f"calendar.basis.{b}" for b in ("holidays", "weekends")),
        *(f"check.{t.error_code}" for t in TYPES.values() if getattr(t, "error_code", None)),
        "check.id_card_as_number", "check.id_card_checksum",
        *(f"op.{kind}.{op}" for kind in ("date", "number") for op in rules._OPS),
        *(f"type.{name}" for name in _TYPE_NAMES.values()),
    }


def test_every_key_the_code_and_templates_use_exists():
    used = _python_keys() + _template_keys()
    assert len({key for _, key, _ in used}) > 250  # the scan sees the code
    assert sorted(f"{where} {key}" for where, key, _ in used if key not in CATALOG) == []
    assert sorted(k for k in _dynamic_keys() if k not in CATALOG) == []


def test_literal_calls_pass_every_placeholder():
    """tr always formats: a call without the arguments its message needs would fail for the user."""
    short = []
    for where, key, given in _python_keys() + _template_keys():
        if given is not None and key in CATALOG:
            needed = placeholders(CATALOG[key][0]) | placeholders(CATALOG[key][1])
            if needed - given:
                short.append(f"{where} {key}: {sorted(needed - given)}")
    assert short == []
