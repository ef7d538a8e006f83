"""Where the default schemas and templates are: inside the wheel (assistant/defaults/…) or, in a
source checkout, at the top of the repository (the design card's layout)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def defaults(name: str) -> Path:
    """The folder of defaults `name` ("sheets_schema" or "templates")."""
    for candidate in (_PACKAGE / "defaults" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"default {name} not found beside {_PACKAGE}")
