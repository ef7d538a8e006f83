"""The write-back model every source applies: what to write into one worksheet's assistant-owned
columns (`SheetPatch`), the fills it uses, and the marker that recognises our own conditional-format
rules.

Neutral ground between the domain and the sources: `assistant.annotate` builds patches from the
judged tables, and each source writes them. Nothing here knows what a status or a finding is, so
this module imports no domain module; a patch carries what an adapter needs to know about them
(which fill goes with which status label, which with an error or a warning finding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text import col_index, col_letter

# Our conditional-format rules are recognised by this formula (always TRUE), so a later run replaces
# them and never touches the conditional formats people made. The same in xlsx and in Sheets.
MARKER_FORMULA = 'N("office-assistant")=0'

_REF = re.compile(r"^([A-Z]+)(\d+)$")

__all__ = ["MARKER_FORMULA", "ColumnEntry", "Fill", "SheetPatch", "col_index", "col_letter", "split_ref"]


@dataclass(frozen=True)
class Fill:
    """A solid fill, as ARGB; `font` is a font colour for highlights (differential formats)."""

    rgb: str
    font: str | None = None


@dataclass(frozen=True)
class ColumnEntry:
    """What cells typed later into a new column get (`assistant migrate`): the field's entry rule
    (a drop-down, a date, a prompt…) over rows `first`..`last` (1-based, inclusive) and the number
    format of the column (None: General). The column has no data cells yet, so nothing typed is
    restyled. Made by the domain (assistant/schema/entry.py) in each source's own terms, so the
    sources only place them."""

    column: int  # 0-based
    first: int
    last: int
    xlsx_rule: bytes | None  # a <dataValidation> element for the range, in no namespace
    sheets_rule: dict | None  # a Sheets DataValidationRule for the range
    number_format: str | None  # as an xlsx number format code
    sheets_format: dict | None  # the same as a Sheets NumberFormat


@dataclass
class SheetPatch:
    """What to write into one worksheet, column by column (lists aligned with `rows`)."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # output header -> 0-based column (existing, or where to create it)
    new_columns: list[str]  # headers of columns to create
    rows: list[int]  # sheet rows to write
    values: dict[str, list]  # output header -> value per row (None clears the cell)
    fills: dict[str, list]  # output header -> Fill or None per row
    style_column: int  # a data column whose cell style ours copy (borders, font)
    numbers: set[str] = field(default_factory=set)  # output headers whose values are numbers
    highlights: list[str] = field(default_factory=list)  # cell refs to mark as erroneous
    highlight: Fill | None = None  # how they are marked (None: not at all)
    widths: dict[str, float] = field(default_factory=dict)  # of our columns, in characters, where none is set
    wrap: set[str] = field(default_factory=set)  # output headers whose text wraps within the column's width
    notes: dict[str, str] = field(default_factory=dict)  # output header -> the note on its header cell
    roles: dict[str, str] = field(default_factory=dict)  # "status"/"days"/"findings" -> output header
    key_column: int = 0  # 0-based: the key (or first data) column, which finds rows that moved
    # For sources that colour by rule rather than cell by cell (Sheets): the fill of each status
    # label as written in the status column, most urgent first, and the fill of the findings cell of
    # a row with an "error" or (only) a "warning" finding.
    label_fills: dict[str, Fill] = field(default_factory=dict)
    finding_fills: dict[str, Fill] = field(default_factory=dict)
    # Header cells to (re)write, as cell ref -> text (`assistant migrate`: a column renamed, a
    # field's new column). An existing cell keeps its own style; a new one looks like the last
    # header cell of its row. Only text, never a formula; the rest of the row stays as it is.
    headers: dict[str, str] = field(default_factory=dict)
    # True: leave our conditional formats (the colours `flag` made) as they are; a patch that only
    # writes header cells must not clear them.
    keep_rules: bool = False
    # New columns' entry rules and number formats (`assistant migrate`); empty for `flag`.
    entries: list[ColumnEntry] = field(default_factory=list)

    def header_cells(self) -> dict[int, dict[int, str]]:
        """`headers` by sheet row (1-based), then 0-based column."""
        out: dict[int, dict[int, str]] = {}
        for ref, text in self.headers.items():
            col, row = split_ref(ref)
            out.setdefault(row, {})[col] = text
        return out


def split_ref(ref: str) -> tuple[int, int]:
    """An A1 cell reference as (0-based column, 1-based row): "C7" -> (2, 7). ValueError if it is none."""
    m = _REF.match(ref)
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return col_index(m.group(1)), int(m.group(2))

