"""How the sources are laid out and found: each source a subpackage that knows nothing of the domain
(it is handed a write-back model, `assistant.writeback`), and a registry that picks the source for
a workbook entry."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

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


# --- the registry ----------------------------------------------------------------------------------

class Dummy:
    """A source kind of the tests' own: what a new source's factory returns."""

    def __init__(self, wb, config):
        self.wb, self.config = wb, config


def dummy_factory(wb, config):
    return Dummy(wb, config)


@pytest.fixture
def registry(monkeypatch):
    """The source registry, restored after the test."""
    import assistant.sources as sources

    monkeypatch.setattr(sources, "SOURCES", dict(sources.SOURCES))
    return sources


def test_the_registry_lists_xlsx_and_gsheets(registry):
    assert list(registry.SOURCES)[:2] == ["xlsx", "gsheets"]
    assert registry.source_kind("/office/镇.xlsx").name == "xlsx"
    assert registry.source_kind("gsheets:1AbCdEfGhIjK").name == "gsheets"
    assert registry.source_kind("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjK/edit").name == "gsheets"
    # what nobody claims is a path, as before: a missing file is reported as one
    assert registry.source_kind("https://example.com/镇.xlsx").name == "xlsx"


def test_a_registered_kind_is_picked_for_its_scheme(registry, tmp_path):
    from assistant.config import WorkbookConfig
    from assistant.sources.xlsx import XlsxSource

    registry.register_source("dummy", "tests.test_sources:dummy_factory", scheme="dummy")
    assert "dummy" in registry.SOURCES
    office = object()
    src = registry.open_source(WorkbookConfig(name="镇", source="dummy:whatever"), office)
    assert isinstance(src, Dummy) and src.wb.source == "dummy:whatever" and src.config is office
    # its scheme only: a path that merely contains the word is still a file
    assert isinstance(registry.open_source(WorkbookConfig(name="镇", source=str(tmp_path / "dummy.xlsx"))), XlsxSource)
    # a factory may also be given as the function, and a predicate instead of a scheme
    registry.register_source("csv", dummy_factory, claims=lambda s: s.endswith(".csv"))
    assert isinstance(registry.open_source(WorkbookConfig(name="镇", source=str(tmp_path / "a.csv"))), Dummy)
    with pytest.raises(ValueError):
        registry.register_source("both", dummy_factory, scheme="x", claims=lambda s: True)
    with pytest.raises(ValueError):
        registry.register_source("neither", dummy_factory)


def test_open_source_opens_xlsx_paths_and_spreadsheets(registry, tmp_path):

    from assistant.config import Limits, WorkbookConfig
    from assistant.sources.gsheets import GSheetsSource
    from assistant.sources.xlsx import XlsxSource

    tz = ZoneInfo("Asia/Shanghai")
    office = type("Office", (), {"state_dir": tmp_path / ".assistant", "keep_backups": 3, "limits": Limits(), "tz": tz})()
    xlsx = registry.open_source(WorkbookConfig(name="凤凰镇", source=str(tmp_path / "镇.xlsx")), office)
    assert isinstance(xlsx, XlsxSource) and xlsx.location == "镇.xlsx" and xlsx.tz == tz  # backups named in its time
    assert xlsx.backups == tmp_path / ".assistant" / "backups" / "凤凰镇" and xlsx.keep_backups == 3
    assert xlsx.tz == ZoneInfo("Asia/Shanghai")  # the office's, for the times people read (a lock file's)
    bare = registry.open_source(WorkbookConfig(name="凤凰镇", source=str(tmp_path / "镇.xlsx")))
    assert bare.backups is None and bare.keep_backups == 10  # no office: nowhere to keep backups
    key = "1AbCdEfGhIjKlMnOp"
    for source in (f"gsheets:{key}", f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0"):
        sheet = registry.open_source(WorkbookConfig(name="凤凰镇", source=source), office)
        assert isinstance(sheet, GSheetsSource) and sheet.key == key, source
        assert sheet.backups == tmp_path / ".assistant" / "backups" / "凤凰镇" and sheet.keep_backups == 3


def test_importing_the_sources_and_opening_a_file_do_not_import_gspread(tmp_path):
    code = ("import sys; from assistant.config import WorkbookConfig; from assistant.sources import open_source; "
            f"open_source(WorkbookConfig(name='x', source={str(tmp_path / 'x.xlsx')!r})); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('gspread', 'google') "
            "or m.startswith('assistant.sources.gsheets')); assert not bad, bad")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_a_registered_scheme_reaches_its_source_as_written(tmp_path, monkeypatch):
    """The config resolves only file paths against its folder: a source another kind claims is
    handed to that kind unchanged (not turned into a path and opened as xlsx)."""
    from assistant import sources
    from assistant.config import load_config

    opened: list[str] = []
    monkeypatch.setitem(sources.SOURCES, "memo", sources.SourceKind(
        "memo", lambda s: s.startswith("memo:"), lambda wb, config: opened.append(wb.source) or "memo source"))
    config = tmp_path / "assistant.toml"
    config.write_text('[office]\nname = "x"\n\n[[workbooks]]\nname = "a"\nsource = "memo:inbox"\n\n'
                      '[[workbooks]]\nname = "b"\nsource = "data/b.xlsx"\n', encoding="utf-8")
    loaded = load_config(config)
    assert [wb.source for wb in loaded.workbooks] == ["memo:inbox", str((tmp_path / "data" / "b.xlsx").resolve())]
    assert sources.open_source(loaded.workbooks[0], loaded) == "memo source" and opened == ["memo:inbox"]
