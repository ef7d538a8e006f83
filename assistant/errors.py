"""Failures that stop a run. Everything a user can cause ends in one of these, never a traceback.

    AssistantError                  message + where; exit code 2 unless said otherwise
    ├── UsageError                  bad command-line use (an unknown register name, …)
    ├── ConfigError                 assistant.toml: unknown key, wrong type, missing file
    ├── SchemaError                 a register schema: one or more SchemaProblem (file, line, path)
    └── SourceError                 a workbook or spreadsheet cannot be read as the schema says
        ├── WorkbookNotFound
        ├── WorkbookUnreadable      not a workbook, corrupt, password-protected
        ├── SheetMissing
        └── HeaderError             no header row, missing required columns, duplicate headers

Data problems inside cells are not exceptions: they are Findings (assistant/findings.py).
"""

from __future__ import annotations

from dataclasses import dataclass


class AssistantError(Exception):
    """Base of every failure that stops a command; `exit_code` follows docs/design.md §6."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(AssistantError):
    pass


class ConfigError(AssistantError):
    pass


@dataclass(frozen=True)
class SchemaProblem:
    file: str
    register: str | None
    path: str  # YAML path such as fields[3].type
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        reg = f" [{self.register}]" if self.register else ""
        path = f" {self.path}:" if self.path else ""
        return f"{where}{reg}{path} {self.message}"


class SchemaError(AssistantError):
    def __init__(self, problems: list[SchemaProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SourceError(AssistantError):
    pass


class WorkbookNotFound(SourceError):
    pass


class WorkbookUnreadable(SourceError):
    pass


class SheetMissing(SourceError):
    pass


class HeaderError(SourceError):
    pass
