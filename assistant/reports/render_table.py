"""A report in the terminal (rich), fitting 80 columns: title, period, notices, then the blocks in
reading order. Tables wrap their text columns and keep figures whole (long text cut with "…");
flagged rows are red and marked "!", which survives output without colour; a chart is drawn as
one text bar per category (▇▇▇▇ 34.5%), so a leader on a terminal still sees the ranking.

Everything that may come from a cell goes into a rich `Text` (never parsed as markup) after
`visible` (control characters shown as symbols), as assistant/report.py does for findings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from assistant.i18n import tr
from assistant.reports.cells import ELLIPSIS, cut, width, wrap
from assistant.reports.formats import NONE, cell_text, is_number
from assistant.reports.model import Chart, Column, Report, Section, Table
from assistant.text import visible

WIDTH = 80  # columns when the output is not a terminal (a file, a pipe, a mail body)
TEXT_MAX = 40  # cells a text column takes at most (its values wrap beyond)
TEXT_LINES = 2  # lines a text value takes at most; longer ones end with "…"
TEXT_MIN = 6  # cells a text column keeps however many figures stand beside it
KEY_MAX = 20  # cells the first column (names) keeps before a wide table is split into parts
HEADER_MAX = 8  # a figure's column is at least this wide for its header's longest word (CJK folds)
WORD_MAX = 14  # cells of a figure's header word kept whole ("Administrative")
GAP = 2  # cells between two columns (one of padding, one of the box's blank divider)
CATEGORY_MAX = 20  # cells of a category's name beside a bar
BAR_MAX = 40  # cells of the longest bar
BAR = "▇"
MARK = "!"  # flagged rows: the marker that still shows without colour


def console_for(out: TextIO) -> Console:
    """The console a report is shown on (assistant/report.py's conventions): a terminal keeps its
    width and colours (NO_COLOR honoured); a file or pipe gets 80 columns and no colour."""
    terminal = out.isatty()
    return Console(file=out, width=None if terminal else WIDTH, highlight=False, soft_wrap=False,
                   no_color=None if terminal else True, emoji=False)


def show(report: Report, console: Console) -> None:
    """The report on `console`, in the current language (its text is already in it)."""
    _say(console, report.title, "bold")
    _say(console, tr("report_table.head", office=report.office, period=report.period.label(),
                     date=report.today.isoformat()), "dim")
    for notice in report.notices:
        _say(console, notice, lead=(tr("report.notice"), "yellow"))
    for block in report.blocks:
        console.print()
        if isinstance(block, Section):
            _section(console, block)
        elif isinstance(block, Table):
            _table(console, block)
        elif isinstance(block, Chart):
            _chart(console, block, report.table(block.table))


def _say(con: Console, text: str, style: str = "", indent: int = 0, lead: tuple[str, str] = ("", "")) -> None:
    """Text from data or the catalog, wrapped to the console as Chinese is wrapped (cells.wrap),
    never read as rich markup; `lead` a label in its own style before it ("提示：")."""
    label, label_style = lead
    for i, line in enumerate(wrap(label + visible(text), con.width - indent)):
        out = Text(" " * indent)
        if i == 0 and label:
            out.append(label, label_style)
            line = line[len(label):]
        out.append(line, style)
        con.print(out)


def _section(con: Console, section: Section) -> None:
    _say(con, section.title, "bold")
    for paragraph in section.paragraphs:
        _say(con, paragraph, indent=2)


@dataclass
class _Col:
    """A table column as the terminal shows it: its texts and the cells it needs."""

    column: Column
    texts: list[str]  # one per row (totals row last), formatted, on one line
    natural: int  # cells to show it all: a figure's widest text, a text column's up to TEXT_MAX
    least: int  # cells it cannot do with less: a figure is never cut, a text column wraps

    @classmethod
    def measure(cls, column: Column, rows: list[dict[str, Any]]) -> _Col:
        texts = [" ".join(cell_text(row.get(column.key), column.kind).split()) for row in rows]
        widest = max(width(t) for t in texts)
        if column.kind == "text":
            natural = min(max(widest, width(visible(column.label))), TEXT_MAX)
            return cls(column, texts, natural, min(natural, TEXT_MIN))
        figure = max(widest, _header_width(column.label))
        return cls(column, texts, figure, figure)


def _table(con: Console, table: Table) -> None:
    _say(con, table.title, "bold")
    if not table.rows:
        _say(con, table.empty or NONE, "dim")
        _note(con, table.note)
        return
    rows = table.rows + ([table.total] if table.total is not None else [])
    flags = [bool(table.flag and row.get(table.flag)) for row in rows]  # a total over the line too
    cols = [_Col.measure(c, rows) for c in table.columns]
    for part in _parts(con.width, cols, marker=table.flag is not None):
        _grid(con, part, _widths(con.width, part, marker=table.flag is not None), flags,
              table.flag is not None, table.total is not None)
    if any(flags):
        _note(con, tr("report_table.flag_legend", mark=MARK))
    _note(con, table.note)


def _parts(total: int, cols: list[_Col], marker: bool) -> list[list[_Col]]:
    """The columns in groups that fit side by side, each group after the first column (the unit,
    the township): a table too wide for the screen is shown in parts, never with figures cut, and
    the names in the first column keep up to KEY_MAX cells rather than let one more column in."""
    first, rest = cols[0], cols[1:]
    room = total - (1 + GAP if marker else 0) - min(first.natural, KEY_MAX)
    needs = [GAP + c.least for c in rest]
    parts = _pack(rest, needs, room, float("inf"))
    if len(parts) > 1:  # as many parts, the columns shared out evenly
        even = _pack(rest, needs, room, sum(needs) / len(parts))
        parts = even if len(even) == len(parts) else parts
    return [[first, *part] for part in parts]


def _pack(cols: list[_Col], needs: list[int], room: int, share: float) -> list[list[_Col]]:
    """`cols` in order into groups of at most `room` cells, a group closed once it holds `share`."""
    parts: list[list[_Col]] = [[]]
    used = 0
    for col, need in zip(cols, needs):
        if parts[-1] and (used + need > room or used + need / 2 > share):
            parts.append([])
            used = 0
        parts[-1].append(col)
        used += need
    return parts


def _widths(total: int, cols: list[_Col], marker: bool) -> list[int]:
    """Each column's width in cells: a figure's column its natural width; text columns share what
    is left, the widest narrowed first (down to TEXT_MIN), and wrap."""
    fixed = sum(c.natural for c in cols if c.column.kind != "text")
    budget = total - fixed - (1 + GAP if marker else 0) - GAP * (len(cols) - 1)
    texts = [c.natural for c in cols if c.column.kind == "text"]
    level = max(texts, default=0)
    while level > TEXT_MIN and sum(min(w, level) for w in texts) > budget:
        level -= 1
    return [min(c.natural, level) if c.column.kind == "text" else c.natural for c in cols]


def _grid(con: Console, cols: list[_Col], widths: list[int], flags: list[bool], marker: bool, total: bool) -> None:
    """One rich table of these columns: figures right-aligned, flagged rows red and marked, the
    totals row (the last, when `total`) bold under a blank line."""
    grid = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                     header_style="bold")
    if marker:
        grid.add_column("", width=1, no_wrap=True)
    for col, cells in zip(cols, widths):
        header = Text("\n".join(wrap(visible(col.column.label), cells)))  # wraps above its figures
        if col.column.kind == "text":
            grid.add_column(header, width=cells, overflow="fold")
        else:
            grid.add_column(header, width=cells, justify="right", no_wrap=True, overflow="ellipsis")
    n = len(flags)
    for i, flagged in enumerate(flags):
        is_total = total and i == n - 1
        row = [Text("\n".join(_clip(wrap(col.texts[i], w), w)) if col.column.kind == "text" else col.texts[i])
               for col, w in zip(cols, widths)]
        if marker:
            row.insert(0, Text(MARK if flagged else ""))
        style = " ".join(s for s, on in (("bold", is_total), ("red", flagged)) if on) or None
        grid.add_row(*row, style=style, end_section=total and i == n - 2)
    con.print(grid)


def _clip(lines: list[str], cells: int) -> list[str]:
    """At most TEXT_LINES lines, the last ending with "…" when some were left out."""
    if len(lines) <= TEXT_LINES:
        return lines
    kept = lines[:TEXT_LINES]
    last = kept[-1]
    kept[-1] = last + ELLIPSIS if width(last) < cells else cut(last + ELLIPSIS, cells)
    return kept


def _header_width(label: str) -> int:
    """Cells a figure's header needs: its longest word; a CJK word over HEADER_MAX folded into
    equal lines (逾期工/作日 rather than 逾期工作/日), even so that no character is split; a word of
    Latin letters never split (up to WORD_MAX)."""
    out = 1
    for word in visible(label).split():
        cells = width(word)
        if cells > len(word) and cells > HEADER_MAX:  # wide characters: folded
            cells = math.ceil(cells / math.ceil(cells / HEADER_MAX))
            cells += cells % 2
        out = max(out, min(cells, WORD_MAX))
    return out


def _note(con: Console, note: str) -> None:
    if note:
        _say(con, note, "dim")


def _chart(con: Console, chart: Chart, table: Table) -> None:
    """One bar per category and series, scaled to the series' largest value."""
    if not table.rows:
        return
    _say(con, chart.title, "bold")
    names = [cut(" ".join(cell_text(row.get(chart.category), "text").split()), CATEGORY_MAX) for row in table.rows]
    name_width = max(width(n) for n in names)
    for key in chart.series:
        column = table.column(key)
        if len(chart.series) > 1:
            _say(con, column.label, "italic")
        values = [row.get(key) for row in table.rows]
        figures = [cell_text(v, column.kind) for v in values]
        figure_width = max(width(f) for f in figures)
        bar_width = max(4, min(BAR_MAX, con.width - name_width - figure_width - 2))
        top = max([float(v) for v in values if is_number(v) and math.isfinite(v)] + [0.0])
        bars = RichTable.grid(padding=(0, 1))
        bars.add_column(width=name_width, no_wrap=True, overflow="ellipsis")
        bars.add_column(width=bar_width, no_wrap=True, overflow="crop")
        bars.add_column(width=figure_width, justify="right", no_wrap=True)
        for name, value, figure in zip(names, values, figures):
            bars.add_row(Text(name), Text(BAR * _bar(value, top, bar_width), style="cyan"), Text(figure))
        con.print(bars)


def _bar(value: object, top: float, cells: int) -> int:
    """Cells of a value's bar: proportional to the largest, at least one for any positive value."""
    if not is_number(value) or not math.isfinite(value) or top <= 0 or value <= 0:
        return 0
    return max(1, round(value / top * cells))
