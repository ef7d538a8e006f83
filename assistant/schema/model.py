"""The register schema as the engine sees it (docs/design.md §5), after loading and linting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.text import norm_header

SEVERITIES = ("error", "warning")


@dataclass
class Field:
    name: str
    type: str = "string"
    description: str | None = None
    required: bool = False
    unique: bool = False
    options: dict[str, Any] = field(default_factory=dict)  # enum, pattern, minimum, … as written
    severity: str = "error"
    aliases: tuple[str, ...] = ()
    renamed_from: tuple[str, ...] = ()  # former header texts (`assistant migrate` renames them)
    line: int | None = None  # where the field stands in its YAML file, for messages

    @property
    def header_keys(self) -> set[str]:
        """Normalised header texts that name this field in a sheet. A former name counts too, so
        a sheet not yet migrated still checks."""
        return {norm_header(self.name), *(norm_header(a) for a in (*self.aliases, *self.renamed_from))}


@dataclass
class Rule:
    kind: str
    options: dict[str, Any]
    severity: str = "error"
    path: str = ""  # rules[2]: where it stands in the YAML, for messages
    line: int | None = None


@dataclass
class Deadline:
    due: str
    start: str | None = None
    done_when: dict[str, Any] = field(default_factory=dict)
    done_date: str | None = None
    warn_within: int = 3
    escalate_after: int = 2
    owner: str | None = None
    leader: str | None = None
    unit: str | None = None
    progress: str | None = None
    pace_tolerance: float = 20
    content: str | None = None
    due_default: dict[str, Any] | None = None  # {from, by?, working_days | days}: due when the cell is empty


@dataclass
class Outputs:
    status: str | None = None
    days: str | None = None
    findings: str | None = None

    def columns(self) -> list[str]:
        return [c for c in (self.status, self.days, self.findings) if c]


@dataclass
class Register:
    id: str
    title: str
    sheet: str
    fields: list[Field]
    key: str | None = None
    header_row: int | None = None  # 1-based; with header_rows 2, the lower row
    header_rows: int = 1  # 2: a group-label row above the row that names the columns
    rules: list[Rule] = field(default_factory=list)
    deadline: Deadline | None = None
    outputs: Outputs = field(default_factory=Outputs)
    description: str | None = None
    file: str = ""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]
