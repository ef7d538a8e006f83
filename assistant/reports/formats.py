"""A report value as people read it, by its column's kind (model.py): 1,234 · 34.5% · +2 / −3 · 4.5 ·
2026-11-20 · "—" for no figure. One rule for every renderer: the terminal and the HTML page (and
its charts) print this text; the xlsx writer types the value instead and uses this text only to
size its columns.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeGuard

from assistant.text import visible

NONE = "—"  # no figure
MINUS = "\u2212"  # the minus sign of a delta (−3), not a hyphen
NUMERIC = frozenset({"int", "number", "rate", "delta"})  # right-aligned, never wrapped


def as_date(value: Any) -> dt.date | None:
    """A date column's value as a date: ISO text or a date; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def is_number(value: Any) -> TypeGuard[int | float]:
    """A figure: int or float, not bool (a flag is not a count)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _half_up(value: float, places: int) -> Decimal:
    """Rounded as Excel rounds what it shows (4.25 → 4.3), not to even as Python does (4.2): the
    terminal, the HTML page and the workbook show the same figure. The shortest repr of the float
    is rounded, so 0.345 is 0.345, not 0.34499999…"""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def cell_text(value: Any, kind: str) -> str:
    """`value` shown as its column's kind says; a value of the wrong type is shown as it is."""
    if value is None or (is_number(value) and not math.isfinite(value)):
        return NONE
    if kind in ("int", "delta") and is_number(value) and float(value).is_integer():
        n = int(value)
        if kind == "delta":
            return f"+{n:,}" if n > 0 else f"{MINUS}{-n:,}" if n < 0 else "0"
        return f"{n:,}"
    if kind == "number" and is_number(value):
        return f"{_half_up(value, 1):,}"
    if kind == "rate" and is_number(value):
        return f"{_half_up(value, 3) * 100:.1f}%"
    if kind == "date" and (day := as_date(value)) is not None:
        return day.isoformat()
    return visible(str(value))
