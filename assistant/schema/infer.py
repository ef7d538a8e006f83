"""`assistant schema infer`: a schema draft from a sheet people already keep (docs/commands.md).

The sheet is read by the xlsx source, as `check` reads it (merged cells, size limits, errors).
The header row is found by its look (a row of short, distinct texts across most of the table),
not by field names: there is no schema yet. Each column's type is the most specific one whose own
parser (assistant/fieldtypes.py, what `check` will use) reads nine in ten of its cells; the cells
it cannot read are kept, so the draft names them and `check` with the draft flags nothing else.
The YAML text, with its comments, is written by assistant/schema/infer_yaml.py.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from assistant.errors import UsageError, WorkbookNotFound
from assistant.fieldtypes import TYPES, Parsed
from assistant.i18n import get_lang, tr, using
from assistant.sources.base import Grid, Source
from assistant.suggest import did_you_mean
from assistant.table import HEADER_SCAN_ROWS, content_rows
from assistant.text import col_letter, display, norm_header

REGISTER_ID = re.compile(r"^[a-z][a-z0-9_]*$")  # as the schema loader wants it
MAX_HEADER_TEXT = 40  # longer than any column name: a title, a note
MAX_ENUM = 12
MAX_ENUM_TEXT = 20  # an enum lists categories (已办结), not sentences
MAX_KEY_TEXT = 20  # a key is a short code or a name, not a title
# Header words of an identifier column: the key when its values are all different.
KEY_WORDS = ("编号", "序号", "文号", "号码", "编码", "代码", "工号", "证号", "单号", "id", "no")
# Header words of a percentage column whose cells hold plain numbers (进度(%) 60).
PERCENT_WORDS = ("%", "百分", "比例", "率")
_LABEL_VALUE = re.compile(r"^[^:：]{1,12}[:：]\s*\S")  # 填报单位：凤凰镇 (a subtitle, not a column name)
SERIAL_DAY0 = dt.datetime(1899, 12, 30)  # day 0 of spreadsheets' serial numbers
_LEADING_ZERO = re.compile(r"^0\d")  # 001: a code typed as text, whose zeros a number would lose


@dataclass
class InferredField:
    name: str  # the header text, whitespace folded
    column: int  # 0-based sheet column
    type: str
    filled: int  # non-empty cells
    readable: int  # of those, read by `type`
    bad_cells: list[str]  # cells `type` cannot read (check's invalid_… findings)
    blanks: int
    required: bool = False
    unique: bool = False
    enum: list[str] | None = None
    near: tuple[str, int] | None = None  # a type that read many but too few of a text column's cells

    @property
    def letter(self) -> str:
        return col_letter(self.column)


@dataclass
class InferredSchema:
    register: str
    title: str
    sheet: str
    workbook: str  # the file's name (never its folder)
    header_row: int  # 1-based (the lower row of a two-row header)
    rows: int  # data rows below the header
    fields: list[InferredField]
    key: str | None = None
    derived_id: bool = False  # `register` was made up, not given
    no_header: list[str] = field(default_factory=list)  # columns left out: no header text
    duplicates: list[str] = field(default_factory=list)  # columns left out: a header seen before
    notices: list[str] = field(default_factory=list)
    lang: str = "zh"
    header_rows: int = 1  # 2: names under a group label in the row below the others (unmerged)

    def yaml_text(self) -> str:
        """The draft as YAML with a comment per field, in the reader's language."""
        from assistant.schema.infer_yaml import render

        with using(self.lang):
            return render(self)


def infer_schema(path: Path, sheet: str | None = None, header_row: int | None = None, register: str | None = None,
                 lang: str | None = None, output: Path | None = None, force: bool = False,
                 config_path: Path | None = None) -> InferredSchema:
    """A schema draft of one sheet of the workbook at `path` (a file, or the name of a `[[workbooks]]`
    entry of the config at `config_path`: a Google spreadsheet too); written to `output` when given
    (an existing file only with `force`). Messages and comments in `lang` (default: the current one)."""
    lang = lang or get_lang()
    with using(lang):
        if register is not None and not REGISTER_ID.match(register):
            raise UsageError(tr("infer.bad_register", id=register), hint=tr("infer.bad_register_hint"))
        if output is not None and output.exists() and not force:  # before a long read, not after it
            raise UsageError(tr("infer.exists", path=output), hint=tr("infer.exists_hint"))
        source = _source(Path(path), config_path)
        try:
            try:
                names = source.sheet_names()
            except WorkbookNotFound:  # the source's hint speaks of assistant.toml, which has no part here
                raise WorkbookNotFound(tr("source.file_missing", path=path), hint=tr("infer.file_missing_hint")) from None
            title, notices = _pick_sheet(names, sheet, source.location)
            grid = source.grids([title])[title]
            date_cells = getattr(source, "date_cells", None)  # Google Sheets: dates come as day numbers
            if date_cells is not None:
                grid = _dated(grid, date_cells(title))
        finally:
            source.refresh()  # the Source protocol's way to let go of what was read
        draft = infer_from_grid(grid, title, source.location, header_row=header_row,
                                register=register or _derived_id(title, names.index(title) + 1))
        draft.derived_id = register is None and not _ascii_id(title)
        draft.notices = notices + draft.notices
        draft.lang = lang
        if output is not None:
            from assistant.reports.output import put

            put(output, draft.yaml_text().encode("utf-8"))
        return draft


def _source(path: Path, config_path: Path | None) -> Source:
    """The workbook file at `path`; where there is none, the config's `[[workbooks]]` entry of that
    name (how a Google spreadsheet is named here: its credentials are in the config)."""
    from assistant.sources.xlsx.source import XlsxSource

    if not path.exists() and config_path is not None and config_path.is_file():
        from assistant.config import load_config
        from assistant.sources import open_source

        config = load_config(config_path)
        for wb in config.workbooks:
            if wb.name == str(path):
                return open_source(wb, config)
    return XlsxSource(path.name, path)


def _dated(grid: Grid, cells: dict[tuple[int, int], bool]) -> Grid:
    """`grid` with the serial numbers of date-formatted cells as the dates (or date-times) they
    show, as an xlsx read gives them; every other cell as it was."""
    out = [list(row) for row in grid]
    for (r, c), timed in cells.items():
        if r < len(out) and c < len(out[r]) and isinstance(v := out[r][c], (int, float)) and not isinstance(v, bool):
            stamp = SERIAL_DAY0 + dt.timedelta(seconds=round(float(v) * 86400))
            out[r][c] = stamp if timed else stamp.date()
    return out


def _pick_sheet(names: list[str], wanted: str | None, location: str) -> tuple[str, list[str]]:
    sep = tr("infer.list_sep")
    if not names:
        raise UsageError(tr("infer.unknown_sheet", path=location, sheet=wanted or "", sheets=tr("infer.no_sheets")))
    if wanted is None:
        return names[0], [tr("infer.first_sheet", sheet=names[0], n=len(names), sheets=sep.join(names))]
    if wanted in names:
        return wanted, []
    by_norm = {norm_header(n): n for n in names}  # spaces and full-width forms ignored, as check does
    if norm_header(wanted) in by_norm:
        return by_norm[norm_header(wanted)], []
    raise UsageError(tr("infer.unknown_sheet", path=location, sheet=wanted, sheets=sep.join(names))
                     + did_you_mean(wanted, names), hint=tr("infer.unknown_sheet_hint"))


def _ascii_id(title: str) -> str | None:
    """The sheet's name as a register id when it is ASCII letters (Tasks 2026 → tasks_2026)."""
    text = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return text if title.isascii() and REGISTER_ID.match(text) else None


def _derived_id(title: str, index: int) -> str:
    # No pinyin here: a Chinese name becomes register<N>, N the sheet's place in the workbook.
    return _ascii_id(title) or f"register{index}"


# --- the header ---------------------------------------------------------------------------------

def _filled(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip())
                or (isinstance(value, float) and value != value))


def _span(row: list) -> int:
    """1 + the index of the row's last filled cell; 0 for an empty row."""
    for i in range(len(row) - 1, -1, -1):
        if _filled(row[i]):
            return i + 1
    return 0


def _header_like(row: list, width: int) -> bool:
    """Short, distinct texts over most of the table's width, mostly not "label：value" (a subtitle)."""
    cells = [v for v in row[:width] if _filled(v)]
    if len(cells) < min(2, width) or len(cells) < 0.6 * width:
        return False
    if not all(isinstance(v, str) and len(v.strip()) <= MAX_HEADER_TEXT for v in cells):
        return False
    if sum(bool(_LABEL_VALUE.match(v.strip())) for v in cells) * 2 >= len(cells):
        return False
    return len({norm_header(v) for v in cells}) == len(cells)


def find_header(grid: Grid) -> int | None:
    """The 0-based header row: the first header-like row within the first rows that has data below
    it (else the first header-like row at all: a register with no rows yet). A header merged down
    over two rows (a group label above some columns) is read from its lower row, which names every
    column, as `check` reads it."""
    spans = [_span(r) for r in grid]
    found: list[int] = []
    for i in range(min(len(grid), HEADER_SCAN_ROWS)):
        below = sorted(s for s in spans[i + 1:i + 21] if s)
        width = max(spans[i], below[len(below) // 2] if below else 0)  # the median row: a stray cell is not the table
        if spans[i] and _header_like(grid[i], width):
            if below:
                if i + 1 < len(grid) and _header_like(grid[i + 1], width) and _merged_down(grid[i], grid[i + 1]):
                    return i + 1
                return i
            found.append(i)
    return found[0] if found else None


def _merged_down(upper: list, lower: list) -> bool:
    return any(_filled(a) and a == b for a, b in zip(upper, lower))


def _sub_header(upper: list, lower: list) -> bool:
    """Whether `lower` is the second row of a header drawn without merges: a group label in `upper`
    (时间节点) with the names of its columns below it and beside it (交办日期, 完成时限), the other
    columns named in `upper` only. Its cells are short distinct texts, and one at least stands under
    a blank of `upper`, right of a label: a data row fills the columns the header names."""
    cells = [(c, v) for c, v in enumerate(lower) if _filled(v)]
    named = sum(_filled(v) for v in upper)
    if len(cells) < 2 or len(cells) > named:
        return False
    if not all(isinstance(v, str) and len(v.strip()) <= MAX_HEADER_TEXT and not _LABEL_VALUE.match(v.strip())
               for _, v in cells):
        return False
    if len({norm_header(v) for _, v in cells}) < len(cells):
        return False
    under_blank = [c for c, _ in cells if c >= len(upper) or not _filled(upper[c])]
    return bool(under_blank) and all(any(_filled(v) for v in upper[:c]) for c in under_blank)


# --- the columns --------------------------------------------------------------------------------

def _enough(readable: int, filled: int) -> bool:
    """Nine in ten, rounded in the type's favour: 13 dates of 15 cells are a date column with two
    mistakes, 1 of 2 is not."""
    return filled > 0 and filled - readable <= math.ceil(filled / 10) and readable >= 0.75 * filled


def _plain_numbers(raw: pd.Series) -> pd.Series:
    return raw.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).astype(bool)


def _date_readable(raw: pd.Series, parsed: Parsed) -> pd.Series:
    """Cells read as dates, but a plain number only as yyyymmdd: 45210 read as a date would be
    Excel's day number, which is what a mileage or a count looks like too."""
    num = _plain_numbers(raw)
    compact = raw[num].map(lambda v: float(v).is_integer() and 19000101 <= v <= 21001231).astype(bool)
    ok = parsed.valid
    ok[compact[~compact].index] = False
    return ok


def _choose(raw: pd.Series, header: str) -> tuple[str, Parsed]:
    """The most specific type that reads enough of the column, and its reading."""
    filled = ~TYPES["string"].parse(raw).empty
    n = int(filled.sum())
    texts = raw[filled & raw.map(lambda v: isinstance(v, str)).astype(bool)]
    numbers = int((_plain_numbers(raw) & filled).sum())
    for name in ("id_card", "phone", "email"):
        parsed = TYPES[name].parse(raw)
        if _enough(int(parsed.valid.sum()), n):
            return name, parsed
    parsed = TYPES["datetime"].parse(raw)
    if _enough(int(_date_readable(raw, parsed).sum()), n):
        stamps = parsed.values[parsed.valid]
        timed = int((stamps != stamps.dt.normalize()).sum())
        # A date column where someone typed a time once stays a date column.
        return ("datetime", parsed) if timed * 2 >= len(stamps) else ("date", TYPES["date"].parse(raw))
    hinted = any(w in header.casefold() for w in PERCENT_WORDS) or texts.str.strip().str.endswith("%").any()
    if hinted:
        parsed = TYPES["percent"].parse(raw)
        if _enough(int(parsed.valid.sum()), n):
            return "percent", parsed
    if numbers < n:  # a column of only 0 and 1 is a count, not yes/no
        parsed = TYPES["boolean"].parse(raw)
        if _enough(int(parsed.valid.sum()), n):
            return "boolean", parsed
    if not texts.map(lambda t: bool(_LEADING_ZERO.match(t.strip()))).any():
        for name in ("integer", "number"):
            parsed = TYPES[name].parse(raw)
            if _enough(int(parsed.valid.sum()), n):
                return name, parsed
    return "string", TYPES["string"].parse(raw)


def _near(raw: pd.Series, filled: int) -> tuple[str, int] | None:
    """For a text column: a type that reads at least half of it (a phone column with mistakes)."""
    for name in ("id_card", "phone", "email", "date", "integer", "number"):
        parsed = TYPES[name].parse(raw)
        ok = int((_date_readable(raw, parsed) if name == "date" else parsed.valid).sum())
        if filled and ok * 2 >= filled:
            return name, ok
    return None


def infer_column(raw: pd.Series, header: str, column: int, rows: list[int]) -> InferredField:
    """One column's field; `raw` holds its cells of the data rows, `rows` their 1-based numbers."""
    ftype, parsed = _choose(raw, header)
    empty = parsed.empty.to_numpy(dtype=bool)
    valid = parsed.valid.to_numpy(dtype=bool)
    bad = [f"{col_letter(column)}{r}" for r, e, v in zip(rows, empty, valid) if not e and not v]
    filled = int((~empty).sum())
    f = InferredField(name=header, column=column, type=ftype, filled=filled, readable=int(valid.sum()),
                      bad_cells=bad, blanks=len(rows) - filled)
    f.required = bool(rows) and f.blanks == 0
    if ftype == "string":
        values = [display(v) for v in parsed.values[parsed.valid]]
        counts = Counter(values)
        if (2 <= len(counts) <= MAX_ENUM and len(counts) * 2 <= len(values) and min(counts.values()) >= 2
                and max(map(len, counts)) <= MAX_ENUM_TEXT):
            f.enum = list(counts)  # in the order the sheet shows them first
        f.near = _near(raw, filled)
    return f


def _distinct(raw: pd.Series, ftype: str) -> bool:
    """All values different as `check`'s `unique` compares them (the typed values)."""
    parsed = TYPES[ftype].parse(raw)
    values = parsed.values[parsed.valid]
    return len(values) == len(raw) and not values.duplicated().any()


def _pick_key(fields: list[InferredField], columns: dict[str, pd.Series]) -> str | None:
    """An identifier: text or whole numbers, no blanks, all different; a 编号/序号-like name first,
    else the table's first column when it holds short values (where registers keep their
    identifier; a description that happens to be all different is no key)."""
    eligible = [f for f in fields if f.type in ("string", "integer") and f.required and f.filled >= 2
                and _distinct(columns[f.name], f.type)]
    named = [f for f in eligible if any(w in norm_header(f.name) for w in KEY_WORDS)]
    first = [f for f in eligible[:1] if f is fields[0] and (
        f.type == "integer" or columns[f.name].map(lambda v: len(display(v).strip()) <= MAX_KEY_TEXT).all())]
    if not (named or first):
        return None
    chosen = (named or first)[0]
    chosen.unique = True
    return chosen.name


def infer_from_grid(grid: Grid, sheet: str, workbook: str, header_row: int | None = None,
                    register: str = "register1") -> InferredSchema:
    """The draft of one sheet's cells (grid[0] is sheet row 1), as a source read them."""
    grid = grid[:content_rows(grid)]
    if not grid:
        raise UsageError(tr("infer.empty_sheet", sheet=sheet), hint=tr("infer.empty_sheet_hint"))
    if header_row is not None:
        if header_row > len(grid):
            raise UsageError(tr("infer.header_beyond", row=header_row, sheet=sheet, rows=len(grid)))
        h = header_row - 1
        if not any(_filled(v) for v in grid[h]):
            raise UsageError(tr("infer.header_empty", sheet=sheet, row=header_row), hint=tr("infer.no_header_hint"))
    else:
        found = find_header(grid)
        if found is None:
            raise UsageError(tr("infer.no_header", sheet=sheet, rows=HEADER_SCAN_ROWS), hint=tr("infer.no_header_hint"))
        h = found
    header = grid[h]
    two_rows = header_row is None and h + 1 < len(grid) and _sub_header(grid[h], grid[h + 1])
    if two_rows:  # as check reads header_rows: 2: the lower row's name, else the one above it
        lower = grid[h + 1]
        header = [lower[c] if c < len(lower) and _filled(lower[c]) else (header[c] if c < len(header) else None)
                  for c in range(max(len(header), len(lower)))]
        h += 1
    named: dict[int, str] = {}
    seen: set[str] = set()
    no_header: list[str] = []
    duplicates: list[str] = []
    width = max(map(len, grid))
    for c in range(width):
        value = header[c] if c < len(header) else None
        if not _filled(value):
            if any(c < len(r) and _filled(r[c]) for r in grid[h + 1:]):
                no_header.append(col_letter(c))  # data under no name: check cannot read it either
            continue
        name = " ".join(display(value).split())
        if norm_header(name) in seen:
            duplicates.append(col_letter(c))
            continue
        seen.add(norm_header(name))
        named[c] = name
    # The data rows, as check counts them: a row whose named cells are all None or "" is no record.
    body = [(i + 1, r) for i, r in enumerate(grid[h + 1:], start=h + 1)
            if any(c < len(r) and r[c] is not None and r[c] != "" for c in named)]
    rows = [n for n, _ in body]
    columns = {name: pd.Series([r[c] if c < len(r) else None for _, r in body], dtype=object)
               for c, name in named.items()}
    fields = [infer_column(columns[name], name, c, rows) for c, name in named.items()]
    draft = InferredSchema(register=register, title=sheet, sheet=sheet, workbook=workbook, header_row=h + 1,
                           rows=len(rows), fields=fields, no_header=no_header, duplicates=duplicates,
                           header_rows=2 if two_rows else 1)
    draft.key = _pick_key(fields, columns)
    if not rows:
        draft.notices.append(tr("infer.no_rows", sheet=sheet, row=h + 1))
    return draft
