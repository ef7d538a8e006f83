"""A report as an xlsx workbook that opens in Excel, WPS and LibreOffice: a summary sheet (title,
office, period, notices, sections), then one sheet per table with typed values (numbers, rates,
dates with number formats, so they sort and sum) and native charts beside their table, drawn from
the table's own cells (edit a figure and the chart follows).

Nothing here is a formula: text is always written as text ("=…" stays what it says) after
`clean` (no control characters, at most Excel's 32,767 characters a cell).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, NumRef, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assistant.i18n import tr
from assistant.reports.cells import width
from assistant.reports.formats import as_date, cell_text, is_number
from assistant.reports.model import Chart, Report, Section, Table
from assistant.text import clean

FORMATS = {"int": "#,##0", "delta": "+0;-0;0", "rate": "0.0%", "number": "0.0", "date": "yyyy-mm-dd"}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_COLOUR = "DDEBF7"  # light blue: the header rows of every sheet we make (reports, samples, templates)
HEAD_FILL = PatternFill("solid", fgColor=HEAD_COLOUR)
FLAG_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "light red fill"
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
LINE_HEIGHT = 16.0  # points a wrapped line of 11-point text takes (CJK fonts a little over 15)

# A table sheet: its title in row 1, the header in row 2, the rows from row 3.
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
MAX_WIDTH = 50  # a text column wider than this wraps instead
SUMMARY_TEXT_WIDTH = 90
LONG_NAME = 10  # categories wider than this (in half-width characters) get horizontal bars
CM_PER_ROW = 0.53  # a row of the default height; taller rows only add space between stacked charts


def workbook_bytes(report: Report) -> bytes:
    """The report as the bytes of an .xlsx file."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None  # a new Workbook always has its first sheet
    names = _SheetNames()
    summary.title = names.take(tr("report_xlsx.summary_sheet"))
    _summary(summary, report)
    wb.properties.title = clean(report.title, 255)
    wb.properties.creator = "office-assistant"
    placed: dict[str, _Placed] = {}
    for block in report.blocks:
        if isinstance(block, Table):
            ws = wb.create_sheet(names.take(block.title or block.key))
            placed[block.key] = _table(ws, block)
    for block in report.blocks:
        if isinstance(block, Chart):
            where = placed[block.table]
            if where.last_row >= FIRST_ROW:  # an empty table has nothing to draw
                _chart(where, block)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def put_cell(cell: Cell, value: Any) -> Cell:
    """A value in a cell; text always as text (openpyxl would store "=…" as a formula)."""
    if isinstance(value, str):
        cell.value = clean(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _lines(text: str, chars: float) -> int:
    """Lines `text` takes wrapped in a column `chars` wide (CJK characters count two)."""
    return sum(max(1, math.ceil(width(line) / max(chars - 1, 1))) for line in text.split("\n"))


def _fit_height(ws: Worksheet, row: int, lines: int) -> None:
    """Rows of wrapped text made tall enough: Excel does not size them when it opens the file."""
    if lines > 1:
        current = ws.row_dimensions[row].height or LINE_HEIGHT
        ws.row_dimensions[row].height = max(current, lines * LINE_HEIGHT)


# --- the summary sheet ---------------------------------------------------------------------------

def _summary(ws: Worksheet, report: Report) -> None:
    put_cell(ws.cell(1, 1), report.title).font = TITLE
    rows: list[tuple[str, Any]] = [
        (tr("report_xlsx.office"), report.office),
        (tr("report_xlsx.period"), report.period.label()),
        (tr("report_xlsx.generated"), report.today),
    ]
    rows += [(tr("report_xlsx.notices") if i == 0 else "", n) for i, n in enumerate(report.notices)]
    r = 3
    for label, value in rows:
        if label:
            put_cell(ws.cell(r, 1), label).font = BOLD
        cell = put_cell(ws.cell(r, 2), value)
        if not isinstance(value, str):
            cell.number_format = FORMATS["date"]
            cell.alignment = Alignment(horizontal="left")
        else:
            _wrap_text(ws, cell, value)
        r += 1
    for section in (b for b in report.blocks if isinstance(b, Section)):
        r += 1
        put_cell(ws.cell(r, 1), section.title).font = BOLD
        r += 1
        for paragraph in section.paragraphs:
            _wrap_text(ws, put_cell(ws.cell(r, 2), paragraph), paragraph)
            r += 1
    labels = [width(label) for label, _ in rows] + [6]
    ws.column_dimensions["A"].width = min(max(labels) + 2, 20)
    ws.column_dimensions["B"].width = SUMMARY_TEXT_WIDTH


def _wrap_text(ws: Worksheet, cell: Cell, text: str) -> None:
    cell.alignment = WRAP
    _fit_height(ws, cell.row, _lines(text, SUMMARY_TEXT_WIDTH))


# --- a table's sheet -----------------------------------------------------------------------------

@dataclass
class _Placed:
    """Where a table landed, for its charts."""

    ws: Worksheet
    table: Table
    last_row: int  # the last data row (the totals row not counted); < FIRST_ROW when no rows
    next_row: int = HEADER_ROW  # where the table's next chart goes

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.table.columns, start=1) if c.key == key)


def _table(ws: Worksheet, table: Table) -> _Placed:
    put_cell(ws.cell(TITLE_ROW, 1), table.title).font = Font(bold=True, size=12)
    if not table.rows:
        put_cell(ws.cell(HEADER_ROW, 1), table.empty or "—")
        _note(ws, table, HEADER_ROW + 2)
        ws.column_dimensions["A"].width = min(max(width(table.empty or ""), 10) + 2, MAX_WIDTH)
        return _Placed(ws, table, HEADER_ROW)
    for c, column in enumerate(table.columns, start=1):
        cell = put_cell(ws.cell(HEADER_ROW, c), column.label)
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center",
                                   horizontal="left" if column.kind == "text" else "center")
    rows: list[tuple[dict[str, Any], bool]] = [(row, False) for row in table.rows]
    if table.total is not None:
        rows.append((table.total, True))
    for r, (row, is_total) in enumerate(rows, start=FIRST_ROW):
        flagged = bool(table.flag and row.get(table.flag))
        for c, column in enumerate(table.columns, start=1):
            cell = _value(ws.cell(r, c), row.get(column.key), column.kind)
            cell.alignment = TOP  # beside a wrapped cell, a figure stays on its first line
            if is_total:
                cell.font = BOLD
            if flagged:
                cell.fill = FLAG_FILL
    last = FIRST_ROW + len(table.rows) - 1
    ws.freeze_panes = ws.cell(FIRST_ROW, 1).coordinate
    # The filter covers the header and the rows, not the totals row: sorting keeps it last.
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(table.columns))}{last}"
    _fit_columns(ws, table, rows)
    _note(ws, table, FIRST_ROW + len(rows) + 1)
    return _Placed(ws, table, last)


def _value(cell: Cell, value: Any, kind: str) -> Cell:
    """A value typed by its column's kind: numbers and dates as such, with their number format."""
    if value is None or (is_number(value) and not math.isfinite(value)):
        return cell  # no figure (a NaN would make Excel repair the file)
    typed: Any = value
    if kind == "text":
        typed = str(value)
    elif kind == "date":
        typed = as_date(value) or str(value)
    elif not is_number(value):
        typed = str(value)  # a figure that is not one ("n/a") is shown as written
    elif kind in ("int", "delta") and float(value).is_integer():
        typed = int(value)
    put_cell(cell, typed)
    if not isinstance(typed, str) and kind in FORMATS:
        cell.number_format = FORMATS[kind]
    return cell


def _fit_columns(ws: Worksheet, table: Table, rows: list[tuple[dict[str, Any], bool]]) -> None:
    for c, column in enumerate(table.columns, start=1):
        fit_column(ws, c, column.label, [cell_text(row.get(column.key), column.kind) for row, _ in rows])


def fit_column(ws: Worksheet, c: int, label: str, texts: list[str], header_row: int = HEADER_ROW,
               first_row: int = FIRST_ROW) -> None:
    """Column `c` (1-based; its header in `header_row`, its rows' `texts` as shown from `first_row`)
    as wide as its widest entry (CJK counting two), up to MAX_WIDTH and wrapped beyond; rows of
    wrapped text made tall enough to show it."""
    widest = max([width(t) for t in texts] + [width(label), 4])
    chars = min(widest + 2, MAX_WIDTH)
    ws.column_dimensions[get_column_letter(c)].width = chars
    _fit_height(ws, header_row, _lines(label, chars))
    if widest + 2 > MAX_WIDTH:
        for r, text in enumerate(texts, start=first_row):
            ws.cell(r, c).alignment = WRAP
            _fit_height(ws, r, _lines(text, chars))


def _note(ws: Worksheet, table: Table, row: int) -> None:
    """The note under the table, wrapped across the table's width (a chart stands to its right)."""
    if not table.note:
        return
    cell = put_cell(ws.cell(row, 1), table.note)
    cell.font = Font(italic=True)
    last = max(len(table.columns), 1) if table.rows else 1
    if last > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    chars = sum((ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(1, last + 1))
    cell.alignment = WRAP
    _fit_height(ws, row, _lines(table.note, chars))


# --- charts --------------------------------------------------------------------------------------

def _chart(where: _Placed, chart: Chart) -> None:
    """A native chart of the table's cells, to the right of the table (one column apart)."""
    table, ws = where.table, where.ws
    n = where.last_row - FIRST_ROW + 1
    names = [cell_text(row.get(chart.category), "text") for row in table.rows]
    native: BarChart | LineChart = LineChart() if chart.kind == "line" else BarChart()
    native.title = clean(chart.title, 255)
    native.x_axis.title = clean(table.column(chart.category).label, 255)
    labels = [table.column(s).label for s in chart.series]
    native.y_axis.title = clean(tr("word.list_sep").join(labels), 255)
    kinds = {table.column(s).kind for s in chart.series}
    native.y_axis.number_format = "0%" if kinds == {"rate"} else "#,##0"
    # openpyxl ≥ 3.1 writes axes as deleted unless told otherwise: Excel would draw no labels.
    native.x_axis.delete = False
    native.y_axis.delete = False
    native.width, native.height = min(max(16.0, 1.3 * n + 4), 32.0), 10.0  # cm: room for every label
    if isinstance(native, BarChart):
        native.grouping = "clustered"
        native.gapWidth = 60
        native.type = "col"
        if max(width(name) for name in names) > LONG_NAME:
            # Long unit names read across, top to bottom as in the table: horizontal bars, the
            # category axis reversed and the value axis kept at the bottom.
            native.type = "bar"
            native.x_axis.scaling.orientation = "maxMin"
            native.y_axis.crosses = "max"
            native.width, native.height = 20.0, min(max(8.0, 0.75 * n * len(chart.series) + 3), 30.0)
    if len(chart.series) == 1:
        native.legend = None  # the axis title names the one series
    for key in chart.series:
        data = Reference(ws, min_col=where.column(key), min_row=HEADER_ROW, max_row=where.last_row)
        native.add_data(data, titles_from_data=True)
    if isinstance(native, LineChart):
        for series in native.series:
            series.marker.symbol = "circle"
            series.smooth = False  # a trend of counts, not a curve
    cat = where.column(chart.category)
    categories = Reference(ws, min_col=cat, min_row=FIRST_ROW, max_row=where.last_row)
    for series in native.series:
        # Names are text: a string reference, or Excel may number the categories 1, 2, 3 instead.
        text = table.column(chart.category).kind == "text"
        series.cat = AxDataSource(strRef=StrRef(f=str(categories))) if text else \
            AxDataSource(numRef=NumRef(f=str(categories)))
    anchor_col = get_column_letter(len(table.columns) + 2)
    ws.add_chart(native, f"{anchor_col}{where.next_row}")
    where.next_row += math.ceil(native.height / CM_PER_ROW) + 2


# --- sheet names ---------------------------------------------------------------------------------

_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_NAME = 31


class _SheetNames:
    """Sheet names as Excel accepts them: at most 31 characters, none of []:*?/\\, not starting or
    ending with an apostrophe, unique regardless of case ("History" is Excel's own)."""

    def __init__(self) -> None:
        self.taken: set[str] = {"history"}

    def take(self, wanted: str) -> str:
        base = _NOT_IN_NAME.sub(" ", clean(wanted, None)).strip().strip("'").strip() or "Sheet"
        name, n = base[:MAX_NAME].rstrip("'"), 1
        while name.casefold() in self.taken:
            n += 1
            suffix = f" ({n})"
            name = base[:MAX_NAME - len(suffix)].rstrip("'") + suffix
        self.taken.add(name.casefold())
        return name
