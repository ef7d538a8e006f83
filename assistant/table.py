"""From a sheet's grid of cells to a Table: header found and matched, data rows with coordinates.

Shared by every source: a source only has to produce the grid (rows of raw cell values, the first
list being sheet row 1), so header detection and matching behave the same for xlsx and Sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from itertools import takewhile
from operator import eq

import numpy as np
import pandas as pd

from assistant.errors import HeaderError
from assistant.i18n import tr
from assistant.schema.model import Register
from assistant.text import col_letter, norm_header

HEADER_SCAN_ROWS = 30
SERIAL_EPOCH = np.datetime64("1899-12-30", "s")
MAX_SERIAL = 2958465  # 9999-12-31


@dataclass
class Table:
    workbook: str
    register: Register
    sheet: str
    header_row: int  # 1-based, as the sheet shows it
    frame: pd.DataFrame  # raw cells of the schema's fields present in the sheet; object dtype
    rows: np.ndarray  # the sheet row number of each frame row
    columns: dict[str, int]  # field or output column name -> 0-based sheet column
    headers: list[str]  # header texts as found, for messages
    missing: list[str] = field(default_factory=list)  # optional fields the sheet lacks
    width: int = 0  # columns in the sheet's used range
    # rows with no data left but something still in our output columns (to be cleared)
    stale_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    # the 1-based upper row of what looks like a two-row header the schema reads as one (a hint)
    two_row_header: int | None = None

    def cell(self, column: str, position: int) -> str:
        return f"{col_letter(self.columns[column])}{self.rows[position]}"

    def __len__(self) -> int:
        return len(self.frame)


def _is_blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def _blank_row(row: list) -> bool:
    """No cell holds anything but whitespace (spaces, the full-width space, tabs)."""
    if row.count("") + row.count(None) == len(row):  # the common case, counted in C
        return True
    return all(_is_blank(v) or (isinstance(v, str) and not v.strip()) for v in row)


def content_rows(grid: list[list]) -> int:
    """How many rows of the grid count: trailing rows that hold nothing but whitespace are not data.
    A stray space typed at row 1,048,576 makes the reader hand over a million rows; they are cut
    off here, before any array is built for them. A row below the data that still holds an old
    status of ours is kept (it is then a stale row, to be cleared)."""
    end = len(grid)
    empties: dict[int, partial[bool]] = {}  # width -> "is a row of that many empty cells"
    while end:
        # Rows of "" as long as the last one (what the readers give for an empty row) are skipped
        # a run at a time, compared in C: a stray space can leave a million of them.
        width = len(grid[end - 1])
        empty = empties.get(width) or empties.setdefault(width, partial(eq, [""] * width))
        run = len(list(takewhile(empty, map(grid.__getitem__, range(end - 1, -1, -1)))))
        if run:
            end -= run
        elif _blank_row(grid[end - 1]):
            end -= 1  # whitespace, None: not data either
        else:
            break
    return end


def _header_map(register: Register) -> dict[str, str]:
    keys: dict[str, str] = {}
    for f in register.fields:
        for k in f.header_keys:
            keys[k] = f.name
    for name in register.outputs.columns():
        keys[norm_header(name)] = name
    return keys


def header_names(grid: list[list], h: int, rows: int = 1) -> list:
    """The cells naming the columns when row `h` (0-based) is the header's last row. With a two-row
    header, a blank cell of the lower row takes the text above it (a header typed into the upper
    row only); a cell merged down over both rows is in the lower row already (see
    assistant.sources.merges), and a group label above named columns names none."""
    lower = list(grid[h]) if h < len(grid) else []
    if rows == 1 or h == 0:
        return lower
    upper = grid[h - 1]
    lower += [None] * (len(upper) - len(lower))
    return [upper[c] if _is_blank(v) and c < len(upper) else v for c, v in enumerate(lower)]


def _hits(names: list, keys: dict[str, str]) -> set[str]:
    return {keys[k] for k in (norm_header(v) for v in names if not _is_blank(v)) if k in keys}


def find_header_row(grid: list[list], register: Register) -> int:
    """The 0-based (last) header row, whose cells match most field names. On a tie the first such
    row wins, but for the row right below it: a header merged down over two rows reads the same in
    both, and its data start below the lower one."""
    keys = _header_map(register)
    best, best_row = 0, -1
    for i in range(register.header_rows - 1, min(len(grid), HEADER_SCAN_ROWS)):
        hits = len(_hits(header_names(grid, i, register.header_rows), keys))
        if hits > best or (hits and hits == best and i == best_row + 1):
            best, best_row = hits, i
    if best_row < 0:
        names = "、".join(register.field_names[:6])
        raise HeaderError(tr("source.no_header", sheet=register.sheet, fields=names),
                          hint=tr("source.no_header_hint"))
    return best_row


def build_table(grid: list[list], register: Register, workbook: str, sheet: str, serial_dates: bool = False) -> Table:
    """`serial_dates`: the source gives dates as serial numbers (Google Sheets' UNFORMATTED_VALUE);
    those in date and datetime fields become dates, as calamine gives an xlsx date cell."""
    end = content_rows(grid)
    if end < len(grid):
        grid = grid[:end]  # row numbers are unchanged: grid[0] is still sheet row 1
    if register.header_row is not None:
        h = register.header_row - 1
        if h >= len(grid):
            raise HeaderError(tr("source.header_beyond", sheet=sheet, row=register.header_row, rows=len(grid)))
    else:
        h = find_header_row(grid, register)
    header = header_names(grid, h, register.header_rows)
    keys = _header_map(register)
    columns: dict[str, int] = {}
    headers = [str(v).strip() for v in header if not _is_blank(v)]
    for ci, value in enumerate(header):
        if _is_blank(value):
            continue
        name = keys.get(norm_header(value))
        if name is None:
            continue
        if name in columns:
            raise HeaderError(tr("source.duplicate_header", sheet=sheet, row=h + 1, name=name,
                                 first=col_letter(columns[name]), second=col_letter(ci)),
                              hint=tr("source.duplicate_header_hint"))
        columns[name] = ci

    needed = [f.name for f in register.fields if f.required or f.name == register.key]
    absent = [n for n in needed if n not in columns]
    missing = [f.name for f in register.fields if f.name not in columns]
    two_rows = _two_row_header(grid, h, keys, missing) if register.header_rows == 1 and missing else None
    if absent:
        raise HeaderError(tr("source.missing_columns", sheet=sheet, row=h + 1, names="、".join(absent),
                             found="、".join(headers) or tr("source.nothing")),
                          hint=tr("source.two_row_header_hint", upper=two_rows, lower=two_rows + 1)
                          + lower_header_row(register, two_rows) if two_rows else tr("source.missing_columns_hint"))

    lengths = set(map(len, grid))
    width = max(lengths, default=0)
    data = grid[h + 1:]
    fields = [f.name for f in register.fields if f.name in columns]
    if data:
        if len(lengths) > 1:  # Sheets trims trailing blanks: pad the rows
            data = [list(r) + [None] * (width - len(r)) for r in data]
        arr = np.empty((len(data), width), dtype=object)
        arr[:] = data
        cols = [columns[n] for n in fields]
        # The fields side by side in the sheet (the usual layout): a view, not another copy of every cell.
        sub = arr[:, cols[0]:cols[-1] + 1] if cols == list(range(cols[0], cols[0] + len(cols))) else arr[:, cols]
        keep = ~_all_blank(sub)
        frame = pd.DataFrame(sub if keep.all() else sub[keep], columns=fields, dtype=object, copy=False)
        if serial_dates:
            for f in register.fields:
                if f.name in frame.columns and f.type in ("date", "datetime"):
                    frame[f.name] = serials_to_dates(frame[f.name])
        rows = np.nonzero(keep)[0] + h + 2
        ours = [columns[n] for n in register.outputs.columns() if n in columns]
        if ours:
            filled = ~_all_blank(arr[:, ours])
            stale = np.nonzero(~keep & filled)[0] + h + 2
        else:
            stale = np.array([], dtype=int)
    else:
        frame = pd.DataFrame({n: pd.Series([], dtype=object) for n in fields})
        rows = stale = np.array([], dtype=int)
    return Table(workbook=workbook, register=register, sheet=sheet, header_row=h + 1, frame=frame,
                 rows=rows, columns=columns, headers=headers, missing=missing, width=width,
                 stale_rows=stale, two_row_header=two_rows)


def _all_blank(cells: np.ndarray) -> np.ndarray:
    """Rows whose cells are all None or "". Column by column, each only over the rows still blank
    so far: in a register almost every row stops at its first column."""
    blank = np.ones(len(cells), dtype=bool)
    for c in range(cells.shape[1]):
        at = np.flatnonzero(blank)
        if not len(at):
            break
        column = cells[at, c]
        blank[at] = (column == None) | (column == "")  # noqa: E711 - elementwise on an object array
    return blank


def lower_header_row(register: Register, upper: int) -> str:
    """What else the schema needs for a two-row header from row `upper`: a `header_row` it gives
    must name the lower row."""
    if register.header_row is None or register.header_row == upper + 1:
        return ""
    return tr("source.header_row_lower", lower=upper + 1)


def _two_row_header(grid: list[list], h: int, keys: dict[str, str], missing: list[str]) -> int | None:
    """The 1-based upper row of a two-row header around row `h` that would name some of the
    `missing` columns (the header was read as one row: header_rows 2 is what the schema lacks)."""
    for lower in (h, h + 1):
        if 0 < lower < len(grid) and _hits(header_names(grid, lower, 2), keys) & set(missing):
            return lower
    return None


def serials_to_dates(column: pd.Series) -> pd.Series:
    """Serial numbers (days since 1899-12-30, time as the fraction) as date or datetime objects;
    anything else (text, yyyymmdd numbers, blanks) as it was."""
    kind = column.map(type)
    num = column[kind.isin((int, float))].astype(float)
    num = num[(num >= 1) & (num <= MAX_SERIAL)]
    if num.empty:
        return column
    seconds = (num * 86400).round().astype(np.int64).to_numpy()
    stamps = pd.Series(SERIAL_EPOCH + seconds.astype("timedelta64[s]"), index=num.index)
    whole = (seconds % 86400) == 0
    out = column.copy()
    out[num.index[whole]] = stamps[whole].dt.date.to_numpy()
    out[num.index[~whole]] = stamps[~whole].dt.to_pydatetime()
    return out
