"""`assistant template --workbook NAME`: the register's blank sheet (assistant/template.py's `Layout`)
added to a Google spreadsheet of the office, through the workbook's own source and client.

Everything is one spreadsheets.batchUpdate, which the API applies whole or not at all: the new
sheet (its id chosen here, so the other requests can name it), the title and header cells (text as
stringValue: never a formula), merges, formats, entry rules (setDataValidation), column widths and
the frozen header. A sheet of the same name (spaces and full-width forms ignored, as the
registers are matched) is never touched: the command is refused before any write.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from assistant.errors import SourceError, UsageError
from assistant.i18n import tr
from assistant.reports.render_xlsx import HEAD_COLOUR
from assistant.schema.entry import sheets_number_format, sheets_validation
from assistant.sources.gsheets.plan import sheets_colour
from assistant.template import OWNED_FILL, OWNED_HEAD_FILL, Layout, Written
from assistant.text import norm_header

if TYPE_CHECKING:
    from assistant.config import Config, WorkbookConfig

PX_PER_CHAR = 8  # a column's width in pixels per character of `Column.width`


def add_sheet(lay: Layout, wb: WorkbookConfig, config: Config) -> Written:
    """The template as a new sheet of the spreadsheet `wb` names."""
    from assistant.sources import source_kind

    kind = source_kind(wb.source)
    if kind.name != "gsheets":
        raise UsageError(tr("template.not_gsheets", workbook=wb.name, source=wb.source),
                         hint=tr("template.not_gsheets_hint"))
    source: Any = kind.open(wb, config)
    reg = lay.register
    existing = source.sheet_properties()
    clash = next((p["title"] for p in existing if norm_header(p.get("title", "")) == norm_header(reg.sheet)), None)
    if clash is not None:
        raise UsageError(tr("template.sheet_exists", workbook=wb.name, sheet=clash), hint=tr("template.sheet_exists_hint"))
    taken = {p.get("sheetId", 0) for p in existing}
    sheet_id = next(i for i in iter(lambda: secrets.randbelow(2**31 - 1) + 1, None) if i not in taken)
    reply = source.batch_update(requests(lay, sheet_id))
    added = (reply.get("replies") or [{}])[0].get("addSheet", {}).get("properties", {})
    if added.get("sheetId") != sheet_id:  # the API would have refused the batch; a gateway might not
        raise SourceError(tr("gsheets.bad_answer", workbook=wb.name, detail="addSheet"))
    return Written(wb.name, reg.sheet, lay.header_row, lay.rows)


def requests(lay: Layout, sheet_id: int) -> list[dict]:
    """The batchUpdate requests that make the sheet, in order (the sheet first)."""
    n = len(lay.columns)
    out: list[dict] = [{"addSheet": {"properties": {
        "sheetId": sheet_id, "title": lay.register.sheet,
        "gridProperties": {"rowCount": max(lay.last_data, 1000), "columnCount": max(n, 26)}}}}]

    def box(r0: int, r1: int, c0: int, c1: int) -> dict:  # 1-based rows inclusive -> GridRange
        return {"sheetId": sheet_id, "startRowIndex": r0 - 1, "endRowIndex": r1,
                "startColumnIndex": c0, "endColumnIndex": c1}

    if lay.title_row is not None:
        out.append(_cells(sheet_id, lay.title_row, [{
            "userEnteredValue": {"stringValue": lay.register.title},
            "userEnteredFormat": {"textFormat": {"bold": True, "fontSize": 14}, "horizontalAlignment": "CENTER"}}]))
        if n > 1:
            out.append({"mergeCells": {"range": box(lay.title_row, lay.title_row, 0, n), "mergeType": "MERGE_ALL"}})
    for r in range(lay.header_top, lay.header_row + 1):
        out.append(_cells(sheet_id, r, [_header_cell(c.header if r == lay.header_top else None, c.owned)
                                        for c in lay.columns]))
    if lay.header_top < lay.header_row:  # each column's name over both header rows
        out.append({"mergeCells": {"range": box(lay.header_top, lay.header_row, 0, n), "mergeType": "MERGE_COLUMNS"}})
    for i, col in enumerate(lay.columns):
        data = box(lay.first_data, lay.last_data, i, i + 1)
        if col.number_format is not None:
            out.append({"repeatCell": {"range": data, "cell": {"userEnteredFormat": {
                "numberFormat": sheets_number_format(col.number_format)}}, "fields": "userEnteredFormat.numberFormat"}})
        if col.owned:
            out.append({"repeatCell": {"range": data, "cell": {"userEnteredFormat": {"backgroundColor": sheets_colour(OWNED_FILL)}},
                                       "fields": "userEnteredFormat.backgroundColor"}})
        if col.rule is not None:
            out.append(sheets_validation(col.rule, box(lay.header_top if col.owned else lay.first_data,
                                                       lay.last_data, i, i + 1)))
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
            "properties": {"pixelSize": col.width * PX_PER_CHAR}, "fields": "pixelSize"}})
    out.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {
        "frozenRowCount": lay.header_row}}, "fields": "gridProperties.frozenRowCount"}})
    return out


def _cells(sheet_id: int, row: int, cells: list[dict]) -> dict:
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row - 1, "columnIndex": 0},
                            "rows": [{"values": cells}], "fields": "userEnteredValue,userEnteredFormat"}}


def _header_cell(text: str | None, owned: bool) -> dict:
    cell: dict[str, Any] = {"userEnteredFormat": {
        "backgroundColor": sheets_colour(OWNED_HEAD_FILL if owned else HEAD_COLOUR), "textFormat": {"bold": True},
        "horizontalAlignment": "CENTER", "verticalAlignment": "MIDDLE", "wrapStrategy": "WRAP"}}
    if text is not None:
        cell["userEnteredValue"] = {"stringValue": text}
    return cell

