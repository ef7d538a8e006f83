"""A report value as people read it, by its column's kind (assistant/reports/model.py): one rule for
every renderer that shows text (the HTML page and its charts, the terminal table), so a rate reads
34.5% everywhere."""

from __future__ import annotations

from typing import Any

NO_FIGURE = "—"  # None: no figure (not zero)
MINUS = "\u2212"  # a typographic minus: "−3" reads as a change, "-3" as a hyphenated code
NUMERIC = frozenset({"int", "number", "rate", "delta"})  # right-aligned, never wrapped


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def format_value(kind: str, value: Any) -> str:
    """`value` of a column of `kind`: int 1,234; number 3.5; rate 34.5% (from 0.345); delta +2, −3,
    0; date and text as they are; None as "—". A value that is not a number in a numeric column
    (a word the report put there) is shown as it is."""
    if value is None:
        return NO_FIGURE
    if kind not in NUMERIC or not is_number(value):
        return str(value)
    if kind == "int":
        return f"{round(value):,}"
    if kind == "number":
        return f"{value:,.1f}"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    n = round(value)  # delta
    return f"+{n:,}" if n > 0 else f"{MINUS}{-n:,}" if n < 0 else "0"
