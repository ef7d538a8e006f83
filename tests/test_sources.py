"""How the sources are laid out and found: each source a subpackage that knows nothing of the domain
(it is handed a write-back model, `assistant.writeback`), and a registry that picks the source for
a workbook entry."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "assistant" / "sources"

# What a source adapter may import from the assistant: infrastructure, never the domain.
ALLOWED = {
    "assistant.errors",  # the exceptions that carry a message and a hint to people
    "assistant.i18n",  # those messages, in the office's language
    "assistant.text",  # header normalisation, column letters
    "assistant.config",  # the workbook entry (credentials, api_url) a source is opened from
    "assistant.suggest",  # "did you mean" for a missing sheet (base.py)
    "assistant.writeback",  # the neutral write-back model: SheetPatch, Fill, the rule marker
    "assistant.sources",  # the Protocol, shared helpers and the source's own modules
}
# The domain: what statuses, deadlines, findings and checks are, and who uses sources.
DOMAIN = ("assistant.annotate", "assistant.deadlines", "assistant.status", "assistant.findings", "assistant.checks",
          "assistant.digest", "assistant.judge", "assistant.validate", "assistant.office", "assistant.jobs")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions (absolute names)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(code: str, package: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    return out


def within(name: str, packages: tuple[str, ...] | set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


@pytest.mark.parametrize("package", ["gsheets", "xlsx"])
def test_source_adapters_import_no_domain_module(package):
    files = sorted((SOURCES / package).rglob("*.py"))
    assert {f.stem for f in files} >= {"__init__", "source"}
    for path in files:
        importlib.import_module(module_name(path))  # each one imports on its own
        ours = {m for m in imported(path) if m == "assistant" or m.startswith("assistant.")}
        domain = sorted(m for m in ours if within(m, DOMAIN))
        assert not domain, f"{path.relative_to(ROOT)} imports the domain: {domain}"
        other = sorted(m for m in ours if not within(m, ALLOWED))
        assert not other, f"{path.relative_to(ROOT)} imports {other}, which is not infrastructure"


def test_writeback_model_imports_no_domain_module():
    ours = {m for m in imported(ROOT / "assistant" / "writeback.py") if m.startswith("assistant")}
    assert ours <= {"assistant.text", "assistant.text.col_index", "assistant.text.col_letter"}, ours


def test_the_import_check_sees_imports_inside_functions_and_relative_ones():
    code = "import json\ndef f():\n    from assistant.status import labels\n    from . import plan\n"
    found = imports_in(code, "assistant.sources.gsheets")
    assert {"json", "assistant.status", "assistant.sources.gsheets.plan"} <= found
    assert within("assistant.status", DOMAIN) and not within("assistant.statusbar", DOMAIN)


def test_patches_carry_what_sheets_needs_to_colour_statuses_and_findings():
    from assistant.annotate import FINDING_FILLS, STATUS_FILLS, label_fills
    from assistant.status import STATUSES

    fills = label_fills()
    assert list(fills) == [s.label for s in STATUSES.values()]  # most urgent first
    assert all(fills[s.label].rgb == s.fill == STATUS_FILLS[s.code].rgb for s in STATUSES.values())
    assert set(FINDING_FILLS) == {"error", "warning"}


def test_importing_the_sources_does_not_import_gspread():
    code = ("import sys, assistant.sources, assistant.sources.xlsx; "
            "assert 'gspread' not in sys.modules and 'google.auth' not in sys.modules, 'imported'; "
            "assert 'assistant.sources.gsheets' not in sys.modules, 'gsheets imported'")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
