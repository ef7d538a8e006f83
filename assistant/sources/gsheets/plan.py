"""A SheetPatch as Sheets API requests: only what differs from what the sheet holds now.

Values go into the assistant-owned columns with `updateCells` and `userEnteredValue.stringValue`
/ `numberValue`: like RAW input, text is never parsed, so "=1+1" stays text and nothing we write
is a formula. Each column's changed cells go in runs of rows, one request per run; unchanged cells
are not sent (but for the few a run bridges).

Colour is conditional formatting, never a cell's own format: a few rules of ours per sheet, each
recognised by the marker in its formula (as in the xlsx write-back), so a later run replaces
exactly these and never the rules people made. The rules colour the status and days columns by
the status label, the findings column when it has text, and the cells with errors (plus that
row's findings cell) in red. People's cells keep their formats; the rules follow rows that are
inserted or moved, and they can be compared with what the metadata says, so a rerun with nothing
new sends nothing at all.

The look of our own columns goes with every write to the sheet (`look_requests`): the hints wrap
within their column, and the status column's header carries the legend of the colours as a note.
Cell formats and notes are not in the metadata we read, so they cannot be compared; sent with a
write, they cost no request of their own, and a rerun with nothing new still sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.i18n import tr
from assistant.sources.base import Grid
from assistant.writeback import MARKER_FORMULA, Fill, SheetPatch, col_letter, split_ref

MAX_CELL_TEXT = 50000  # the Sheets limit per cell
BRIDGE = 3  # unchanged rows a run of changed rows may span, rather than start a new request
PIXELS_PER_CHAR = 7  # column widths are given in characters (as in xlsx), Sheets wants pixels
ERROR_TEXTS = {"ERROR": "#ERROR!", "NULL_VALUE": "#NULL!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!",
               "REF": "#REF!", "NAME": "#NAME?", "NUM": "#NUM!", "N_A": "#N/A", "LOADING": "Loading..."}


@dataclass
class SheetState:
    """What the metadata and the read said about one worksheet."""

    sheet_id: int
    columns: int  # gridProperties.columnCount
    rules: list[dict]  # its conditional-format rules, in order (index = position)
    grid: Grid  # the values read
    rows: int = 0  # gridProperties.rowCount


def plain(value: Any) -> Any:
    """A cell value as both reads give it (values:batchGet and grid data): numbers as float,
    blank as None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def extended_value(ev: dict | None) -> Any:
    """An ExtendedValue (grid data) as a plain value."""
    if not ev:
        return None
    for kind in ("numberValue", "stringValue", "boolValue"):
        if kind in ev:
            return plain(ev[kind])
    # An error cell, as values:batchGet writes it (so a #N/A key reads the same both ways).
    return ERROR_TEXTS.get(ev.get("errorValue", {}).get("type", "ERROR"), "#ERROR!")


def cell_at(grid: Grid, row0: int, col0: int) -> Any:
    return plain(grid[row0][col0]) if row0 < len(grid) and col0 < len(grid[row0]) else None


def _cell(value: Any) -> dict:
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)[:MAX_CELL_TEXT]}}


def value_requests(patch: SheetPatch, state: SheetState) -> tuple[list[dict], int]:
    """updateCells for the rows whose cells in our columns changed, and the header and note of
    each new column; (requests, cells that changed).

    Each column is sent on its own (on a normal day only the days left change: the long findings
    texts next to them are not sent again), in runs of rows that bridge up to BRIDGE unchanged
    rows (sent again as they are), so a first run over 10,000 rows is a handful of requests,
    not 30,000."""
    requests: list[dict] = []
    cells = 0
    for name in patch.new_columns:
        note = patch.notes.get(name, tr("gsheets.column_note"))
        requests.append(_update(state.sheet_id, patch.header_row - 1, patch.columns[name],
                                [[{**_cell(name), "note": note}]], "userEnteredValue,note"))
        cells += 1
    for row, by_col in sorted(patch.header_cells().items()):  # renamed and new header cells: text only
        for col, text in sorted(by_col.items()):
            if plain(text) != cell_at(state.grid, row - 1, col):
                requests.append(_update(state.sheet_id, row - 1, col, [[text]], "userEnteredValue"))
                cells += 1
    order = sorted(range(len(patch.rows)), key=lambda i: patch.rows[i])
    rows0 = [patch.rows[i] - 1 for i in order]
    for name in sorted(patch.values, key=lambda n: patch.columns[n]):
        col = patch.columns[name]
        want = [[_wanted(patch, name, i)] for i in order]
        changed = [plain(w[0]) != cell_at(state.grid, r, col) for w, r in zip(want, rows0, strict=True)]
        cells += sum(changed)
        start = last = -1
        for k in [k for k, c in enumerate(changed) if c]:
            # Extend the run over rows k-1.. when they follow in the sheet and few are unchanged.
            if start >= 0 and k - last <= BRIDGE + 1 and rows0[k] - rows0[last] == k - last:
                last = k
                continue
            if start >= 0:
                requests.append(_update(state.sheet_id, rows0[start], col, want[start:last + 1], "userEnteredValue"))
            start = last = k
        if start >= 0:
            requests.append(_update(state.sheet_id, rows0[start], col, want[start:last + 1], "userEnteredValue"))
    return requests, cells


def _wanted(patch: SheetPatch, name: str, i: int) -> Any:
    value = patch.values[name][i]
    return float(value) if name in patch.numbers and value is not None else value


def _update(sheet_id: int, row0: int, col0: int, rows: list[list], fields: str) -> dict:
    """One updateCells from (row0, col0): `rows` of values, or of CellData dicts already made."""
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row0, "columnIndex": col0},
                            "rows": [{"values": [c if isinstance(c, dict) else _cell(c) for c in row]} for row in rows],
                            "fields": fields}}


def look_requests(patch: SheetPatch, state: SheetState) -> list[dict]:
    """Our columns' look, sent along with a write: text wrapped within the column (every row below
    the header, rows added later too), and the note on a header (one made now already has it)."""
    out: list[dict] = []
    for name in sorted(patch.wrap, key=lambda n: patch.columns[n]):
        out.append({"repeatCell": {"range": _column(state.sheet_id, patch.columns[name], patch.header_row),
                                   "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP"}},
                                   "fields": "userEnteredFormat.wrapStrategy"}})
    for name, note in patch.notes.items():
        if name not in patch.new_columns:
            out.append(_update(state.sheet_id, patch.header_row - 1, patch.columns[name], [[{"note": note}]], "note"))
    return out + header_look_requests(patch, state) + entry_requests(patch, state)


def entry_requests(patch: SheetPatch, state: SheetState) -> list[dict]:
    """New columns' entry rules (setDataValidation) and number formats over their cells below the
    header; no value is written there."""
    out: list[dict] = []
    for e in patch.entries:
        box = {"sheetId": state.sheet_id, "startRowIndex": e.first - 1, "endRowIndex": e.last,
               "startColumnIndex": e.column, "endColumnIndex": e.column + 1}
        if e.sheets_format is not None:
            out.append({"repeatCell": {"range": box, "cell": {"userEnteredFormat": {"numberFormat": e.sheets_format}},
                                       "fields": "userEnteredFormat.numberFormat"}})
        if e.sheets_rule is not None:
            out.append({"setDataValidation": {"range": box, "rule": e.sheets_rule}})
    return out


def header_look_requests(patch: SheetPatch, state: SheetState) -> list[dict]:
    """A header cell that was blank (a new column's) takes the format of the last header cell with
    text left of it, as in xlsx; a renamed one keeps its own. The format is copied by the API
    (copyPaste, PASTE_FORMAT): cell formats are not in what we read."""
    out: list[dict] = []
    for row, by_col in sorted(patch.header_cells().items()):
        line = state.grid[row - 1] if row - 1 < len(state.grid) else []
        filled = [c for c, v in enumerate(line) if plain(v) is not None]
        for col in sorted(by_col):
            left = [c for c in filled if c < col]
            if cell_at(state.grid, row - 1, col) is not None or not left:
                continue
            out.append({"copyPaste": {"source": _cell_range(state.sheet_id, row - 1, left[-1]),
                                      "destination": _cell_range(state.sheet_id, row - 1, col),
                                      "pasteType": "PASTE_FORMAT"}})
    return out


def _cell_range(sheet_id: int, row0: int, col0: int) -> dict:
    return {"sheetId": sheet_id, "startRowIndex": row0, "endRowIndex": row0 + 1, "startColumnIndex": col0,
            "endColumnIndex": col0 + 1}


def grid_requests(patch: SheetPatch, state: SheetState) -> list[dict]:
    """Columns appended when ours lie beyond the grid, rows when a new column's entry rule does,
    and the widths of the new columns."""
    out: list[dict] = []
    needed = max([*patch.columns.values(), *(split_ref(ref)[0] for ref in patch.headers)], default=-1) + 1
    if needed > state.columns:
        out.append({"appendDimension": {"sheetId": state.sheet_id, "dimension": "COLUMNS",
                                        "length": needed - state.columns}})
    rows = max((e.last for e in patch.entries), default=0)
    if rows > state.rows:
        out.append({"appendDimension": {"sheetId": state.sheet_id, "dimension": "ROWS", "length": rows - state.rows}})
    for name in patch.new_columns:
        col = patch.columns[name]
        width = round(patch.widths.get(name, 10.0) * PIXELS_PER_CHAR + 5)
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": state.sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
            "properties": {"pixelSize": width}, "fields": "pixelSize"}})
    return out


# --- conditional formats ----------------------------------------------------------------------------


def sheets_colour(hex_colour: str) -> dict:
    """A colour written RRGGBB or AARRGGBB (as openpyxl and our fills write it) as a Sheets Color."""
    rgb = hex_colour[-6:]
    return {"red": int(rgb[0:2], 16) / 255, "green": int(rgb[2:4], 16) / 255, "blue": int(rgb[4:6], 16) / 255}


def _rule(ranges: list[dict], condition: str, fill: Fill) -> dict:
    fmt: dict[str, Any] = {"backgroundColor": sheets_colour(fill.rgb)}
    if fill.font:
        fmt["textFormat"] = {"foregroundColor": sheets_colour(fill.font)}
    return {"ranges": ranges, "booleanRule": {
        "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": f"=AND({MARKER_FORMULA},{condition})"
                                                            if condition else f"={MARKER_FORMULA}"}]},
        "format": fmt}}


def _column(sheet_id: int, col: int, first_row0: int) -> dict:
    # No end row: the rule covers rows people add later too.
    return {"sheetId": sheet_id, "startRowIndex": first_row0, "startColumnIndex": col, "endColumnIndex": col + 1}


def _text(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def desired_rules(patch: SheetPatch, sheet_id: int) -> list[dict]:
    """Our rules for the sheet, most important first: error cells, then statuses, then findings."""
    sid, first, roles = sheet_id, patch.header_row, patch.roles
    rules = []
    errors = error_ranges(patch, sid)
    if errors and patch.highlight is not None:
        rules.append(_rule(errors, "", patch.highlight))
    status_col = patch.columns.get(roles.get("status", ""))
    if status_col is not None:
        coloured = [_column(sid, status_col, first)]
        if roles.get("days") in patch.columns:
            coloured.append(_column(sid, patch.columns[roles["days"]], first))
        ref = f"${col_letter(status_col)}{first + 1}"
        by_fill: dict[Fill, list[str]] = {}
        for label, fill in patch.label_fills.items():
            by_fill.setdefault(fill, []).append(f"{ref}={_text(label)}")
        for fill, tests in by_fill.items():
            rules.append(_rule(coloured, tests[0] if len(tests) == 1 else f"OR({','.join(tests)})", fill))
    findings_col = patch.columns.get(roles.get("findings", ""))
    warning = patch.finding_fills.get("warning")
    if findings_col is not None and warning is not None:
        ref = f"${col_letter(findings_col)}{first + 1}"
        rules.append(_rule([_column(sid, findings_col, first)], f"LEN({ref})>0", warning))
    return rules


def error_ranges(patch: SheetPatch, sheet_id: int) -> list[dict]:
    """The error cells, and the findings cell of each row with an error, as vertical runs."""
    cells = set()
    for ref in patch.highlights:
        col, row = split_ref(ref)
        cells.add((col, row - 1))
    findings = patch.roles.get("findings")
    error = patch.finding_fills.get("error")
    if findings is not None and findings in patch.fills and error is not None:
        col = patch.columns[findings]
        cells |= {(col, row - 1) for row, fill in zip(patch.rows, patch.fills[findings], strict=False) if fill == error}
    ranges: list[dict] = []
    for col, row0 in sorted(cells):
        last = ranges[-1] if ranges else None
        if last and last["startColumnIndex"] == col and last["endRowIndex"] == row0:
            last["endRowIndex"] = row0 + 1
        else:
            ranges.append({"sheetId": sheet_id, "startRowIndex": row0, "endRowIndex": row0 + 1,
                           "startColumnIndex": col, "endColumnIndex": col + 1})
    return ranges


def is_ours(rule: dict) -> bool:
    values = rule.get("booleanRule", {}).get("condition", {}).get("values", [])
    return any(MARKER_FORMULA in str(v.get("userEnteredValue", "")) for v in values)


def _canon(rule: dict) -> tuple:
    """A rule as comparable data: the API fills in defaults and rounds colours its own way, and
    leaves out of a range what is 0 (proto3 defaults): the sheetId of the first sheet, a start
    index of 0. An absent end index means unbounded."""
    def rng(r: dict) -> tuple:
        return tuple(r.get(k, None if k.startswith("end") else 0) for k in
                     ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"))

    def colour(c: dict | None) -> tuple | None:
        return None if c is None else tuple(round(c.get(k, 0) * 255) for k in ("red", "green", "blue"))

    br = rule.get("booleanRule", {})
    fmt = br.get("format", {})
    return (tuple(rng(r) for r in rule.get("ranges", [])), br.get("condition", {}).get("type"),
            tuple(str(v.get("userEnteredValue")) for v in br.get("condition", {}).get("values", [])),
            colour(fmt.get("backgroundColor")), colour(fmt.get("textFormat", {}).get("foregroundColor")))


def rule_requests(state: SheetState, wanted: list[dict]) -> list[dict]:
    """Make our rules on the sheet equal `wanted`: update ours in place, add or delete the rest.
    Nothing when they are equal already."""
    ours = [i for i, r in enumerate(state.rules) if is_ours(r)]
    if [_canon(state.rules[i]) for i in ours] == [_canon(r) for r in wanted]:
        return []
    out: list[dict] = []
    for index, rule in zip(ours, wanted, strict=False):  # the shorter: the rest are added or deleted
        out.append({"updateConditionalFormatRule": {"index": index, "sheetId": state.sheet_id, "rule": rule}})
    next_index = ours[-1] + 1 if ours else 0  # ours stay together; new ones first when there are none
    for offset, rule in enumerate(wanted[len(ours):]):
        out.append({"addConditionalFormatRule": {"index": next_index + offset, "rule": rule}})
    for index in sorted(ours[len(wanted):], reverse=True):  # from the end, so indices stay valid
        out.append({"deleteConditionalFormatRule": {"index": index, "sheetId": state.sheet_id}})
    return out


# --- checking where the write landed ----------------------------------------------------------------


def anchors(patch: SheetPatch) -> tuple[int, int]:
    """(header row, key column), both 0-based: what must not have moved for the plan to hold."""
    return patch.header_row - 1, patch.key_column


def quote(title: str) -> str:
    """A sheet title as an A1 range: always quoted, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def anchor_ranges(title: str, patch: SheetPatch) -> list[str]:
    header0, key = anchors(patch)
    letter = col_letter(key)
    return [f"{quote(title)}!{header0 + 1}:{header0 + 1}", f"{quote(title)}!{letter}:{letter}"]


def moved(patch: SheetPatch, read: Grid, after: list[dict]) -> bool:
    """Whether the header row (but for our columns) or the key column differ between our read and
    the sheet as the write's response shows it: then rows or columns moved under us."""
    header0, key = anchors(patch)
    ours = set(patch.columns.values()) | set(patch.header_cells().get(patch.header_row, {}))
    header = _row_values(after[0] if after else {})
    for c in range(max(len(header), len(read[header0]) if header0 < len(read) else 0)):
        if c not in ours and (header[c] if c < len(header) else None) != cell_at(read, header0, c):
            return True
    column = _column_values(after[1] if len(after) > 1 else {})
    height = max(len(column), len(read))
    return any((column[r] if r < len(column) else None) != cell_at(read, r, key) for r in range(height))


def _row_values(data: dict) -> list:
    rows = data.get("rowData", [])
    start = data.get("startColumn", 0)
    values = [extended_value(c.get("effectiveValue")) for c in rows[0].get("values", [])] if rows else []
    return [None] * start + values


def _column_values(data: dict) -> list:
    start = data.get("startRow", 0)
    return [None] * start + [extended_value((r.get("values") or [{}])[0].get("effectiveValue"))
                             for r in data.get("rowData", [])]
