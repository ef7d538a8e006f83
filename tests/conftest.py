"""Shared fixtures: real xlsx workbooks in a real working folder, and the CLI run in-process."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from assistant.cli import main

# loopback SMTP, Sheets API and group-chat robot servers; the `backend` fixture (xlsx and Sheets); headless Chromium
pytest_plugins = ["tests.smtp_server", "tests.sheets_server", "tests.backends", "tests.browser", "tests.robot_servers"]

TODAY = "2026-11-20"


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A real .xlsx file: each sheet's rows written from row 1 (None leaves a cell empty). Text is
    text, also when it starts with "=" (as typed into a text cell); openpyxl alone would make it a
    formula."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = ws.cell(row=r, column=c, value=value)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


def read_terminal(primary: int) -> bytes:
    """Everything written to a pseudo-terminal until its other end closed (POSIX tests only)."""
    import os

    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: all of it read
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    return shown


def run_cli(*args: str) -> Result:
    res = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Result(res.exit_code, res.stdout, res.stderr)


@dataclass
class OfficeFolder:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "assistant.toml"

    def schema(self, name: str, text: str) -> Path:
        p = self.root / "sheets_schema" / f"{name}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
        return p

    def workbook(self, sheets: dict[str, list[list]], name: str = "镇.xlsx") -> Path:
        return write_xlsx(self.root / "data" / name, sheets)

    def write_config(self, extra: str = "", workbooks: str | None = None) -> Path:
        wb = workbooks if workbooks is not None else '[[workbooks]]\nname = "凤凰镇"\nsource = "data/镇.xlsx"\n'
        self.config.write_text(f'[office]\nname = "测试镇党政办"\n\n{wb}\n{textwrap.dedent(extra)}', encoding="utf-8")
        return self.config

    def check(self, *args: str) -> Result:
        return run_cli("check", "--config", self.config, "--today", TODAY, *args)

    def findings(self, *args: str) -> list[dict]:
        res = self.check("--format", "json", *args)
        assert res.code in (0, 1), res.err
        return res.json()["findings"]


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Every test starts in the default language, whatever an earlier test set."""
    from assistant.i18n import using

    with using("zh"):
        yield


MINIMAL_SCHEMA = """
register: tasks
title: 台账
fields:
  - { name: 编号, required: true }
"""


@pytest.fixture
def minimal_office(office: OfficeFolder) -> OfficeFolder:
    """One register of one column and a workbook that passes: a base for config tests."""
    office.schema("tasks", MINIMAL_SCHEMA)
    office.workbook({"台账": [["编号"], ["A-1"]]})
    return office


@pytest.fixture
def office(tmp_path: Path) -> OfficeFolder:
    """An empty working folder; tests add schemas, a workbook and the config."""
    return OfficeFolder(tmp_path / "office")
