"""Which sheet a schema reads, known without loading the schema (no field types, no pandas).

The loader takes a register's sheet from here too, so the early read (assistant/prefetch.py) and
the real one always agree on the sheet name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def schema_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def title_of(data: dict[str, Any]) -> Any:
    return data.get("title", data.get("register"))


def sheet_of(data: dict[str, Any]) -> Any:
    """The sheet a register lives on: `sheet:`, else its title, else its id (may be no text: the
    loader reports that)."""
    return data.get("sheet", title_of(data))


def schema_sheets(folder: Path, only: set[str] | None = None) -> list[str]:
    """The sheet of every schema in `folder` (of the registers `only` names, when given). Best
    effort: a file that cannot be read or parsed is left out; the loader reports it."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: list[str] = []
    for path in schema_files(folder) if folder.is_dir() else []:
        try:
            data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=loader)  # noqa: S506 - a safe loader
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict) or (only is not None and data.get("register") not in only):
            continue
        sheet = sheet_of(data)
        if isinstance(sheet, str) and sheet not in out:
            out.append(sheet)
    return out
