"""A fake Google Sheets API v4 (+ OAuth token endpoint) on 127.0.0.1, for tests.

It speaks the subset gspread 6.2.1 uses for reading/writing values, formatting cells and
conditional formats, with the real JSON shapes, so the unmodified gspread client (and
google-auth) can be pointed at it:

    server = SheetsServer().start()            # or the `sheets_server` fixture below
    sid = server.add_spreadsheet("Tasks", {"督查 督办": [["Task", "Due"], ["a", date(2026, 1, 2)]]})
    key = make_service_account(tmp_path, server)            # real RSA key; token_uri -> server
    creds = Credentials.from_service_account_file(key, scopes=[SCOPE])
    gc = gspread.Client(auth=creds, http_client=server.http_client_class())
    gc.open_by_key(sid).values_batch_get(["'督查 督办'!A1:Z"])

Pointing gspread at it: gspread.http_client imports the URL constants from gspread.urls at
import time (`from .urls import SPREADSHEET_URL, ...`), so patching gspread.urls does NOT work.
`server.http_client_class()` returns an HTTPClient subclass whose `request()` rewrites the
prefix "https://sheets.googleapis.com" to the server's base URL (see `api_http_client`).

Endpoints (all but /token need `Authorization: Bearer <token from /token>`, else 401):
    GET  /v4/spreadsheets/{id}                      spreadsheets.get: properties, merges and
                                                    conditionalFormats of each sheet; `ranges`
                                                    keeps only the sheets they touch; grid data
                                                    (one GridData per range) with includeGridData
                                                    or a `fields` mask naming sheets.data (a mask
                                                    overrides includeGridData, as in the API)
    GET  /v4/spreadsheets/{id}/values:batchGet      values.batchGet
    POST /v4/spreadsheets/{id}/values:batchUpdate   values.batchUpdate
    PUT  /v4/spreadsheets/{id}/values/{range}       values.update (Worksheet.update_cell)
    POST /v4/spreadsheets/{id}:batchUpdate          spreadsheets.batchUpdate, applied in order and
                                                    atomically: repeatCell, updateCells,
                                                    add/update/deleteConditionalFormatRule,
                                                    appendDimension, updateDimensionProperties
                                                    (pixelSize), addSheet (replies with the new
                                                    sheet's properties), updateSheetProperties
                                                    (title, frozenRowCount, frozenColumnCount),
                                                    mergeCells (MERGE_ALL, MERGE_COLUMNS,
                                                    MERGE_ROWS), setDataValidation (a rule, or
                                                    none to clear), copyPaste (PASTE_FORMAT);
                                                    includeSpreadsheetInResponse,
                                                    responseRanges, responseIncludeGridData
    POST /token                                     JWT-bearer grant, RS256 checked against the
                                                    public keys of make_service_account()
A `fields` query parameter filters any response like the API's partial responses. GridRanges in
answers (conditional-format rules in spreadsheets.get, updatedSpreadsheet and replies) leave out
sheetId when it is 0, as the API's proto3 JSON does for the first sheet. Anything this
server does not model (another request kind, CellData field, dimension property) is a 400.

Deliberately unlike the API: formulas are never evaluated (a formula cell reads back as its
text, and that text is its effectiveValue); CellData has no formattedValue/effectiveFormat and
GridData no developer metadata; a date cell's userEnteredFormat carries the DATE/DATE_TIME
numberFormat Sheets gives typed dates (approximate pattern) unless the formats store has one.

Instrumentation: `counts` (Counter by endpoint name + "total"; /token counted in
`token_requests` only), `log` (list of dicts), `fail_next(n, status, retry_after)`,
`before_write(callback)` (before the next write of any kind), `after_next(endpoint, callback)`
(after the next answer of that endpoint, before it is sent), `requests_received` (requests of
applied spreadsheets.batchUpdate calls), `formats`/`notes` keyed by (spreadsheet_id, sheetId,
row0, col0), `formulas_written` (cells written as formulas, stored as `Formula`),
`column_width`/`row_height`/`grid_size`/`conditional_formats`/`merges`/`frozen`/`data_validation`
(the rules setDataValidation left on a cell; they are not in spreadsheets.get's CellData here). `insert_row`/`delete_row` edit
like a person in the UI: formats, notes, row heights, merges and conditional-format ranges move too;
`merge_cells` merges a range as the UI does (only the top-left value is kept).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import itertools
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from assistant.text import col_index, col_letter

GOOGLE_API_PREFIX = "https://sheets.googleapis.com"
MAX_PAYLOAD = 10_485_760  # bytes: the API refuses larger request bodies
GOOGLE_TOKEN_AUD = "https://oauth2.googleapis.com/token"
EPOCH = dt.datetime(1899, 12, 30)
DEFAULT_ROW_PX, DEFAULT_COL_PX = 21, 100  # what Sheets reports for rows/columns never resized

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
DEFAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
    "of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: str | None = None):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status or STATUS_NAMES.get(code, "UNKNOWN")

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


# ---------------------------------------------------------------- values and A1 ranges


def to_serial(value: dt.date | dt.datetime) -> float | int:
    """Google Sheets serial number (days since 1899-12-30; time as a fraction)."""
    if isinstance(value, dt.datetime):
        days = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return int(days) if days == int(days) else days
    return (value - EPOCH.date()).days


def quote_sheet(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", title):
        return title
    return "'" + title.replace("'", "''") + "'"


_CELL = re.compile(r"^([A-Za-z]*)([0-9]*)$")


def _is_empty(v: Any) -> bool:
    return v is None or v == ""


@dataclass(frozen=True)
class Formula:
    """A cell entered as a formula (formulaValue, or "=…" with USER_ENTERED). Never evaluated."""

    text: str


class Sheet:
    def __init__(self, title: str, sheet_id: int, index: int, rows: list[list], row_count: int, col_count: int):
        self.title, self.sheet_id, self.index = title, sheet_id, index
        self.rows = [list(r) for r in rows]
        self.row_count = max(row_count, len(self.rows))
        self.col_count = max(col_count, max((len(r) for r in self.rows), default=0))
        self.cf_rules: list[dict] = []  # ConditionalFormatRule JSON, in priority order
        self.merges: list[dict] = []  # GridRange JSON (sheetId included), as Sheet.merges
        self.row_px: dict[int, int] = {}  # pixelSize set by updateDimensionProperties, by index
        self.col_px: dict[int, int] = {}
        self.frozen_rows = self.frozen_cols = 0  # gridProperties.frozenRowCount / frozenColumnCount
        self.validations: dict[tuple[int, int], dict] = {}  # (row0, col0) -> DataValidationRule JSON

    def clone(self) -> Sheet:
        """A copy to roll back to: rows copied one level deep (cell values are immutable), which
        is far cheaper than deepcopy on a sheet of millions of cells."""
        twin = copy.copy(self)
        twin.rows = [list(r) for r in self.rows]
        twin.cf_rules = copy.deepcopy(self.cf_rules)
        twin.merges = copy.deepcopy(self.merges)
        twin.row_px, twin.col_px = dict(self.row_px), dict(self.col_px)
        twin.validations = dict(self.validations)  # rules are replaced whole, never changed in place
        return twin

    def properties(self) -> dict:
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.col_count,
                               # proto3 JSON leaves out a count of 0
                               **({"frozenRowCount": self.frozen_rows} if self.frozen_rows else {}),
                               **({"frozenColumnCount": self.frozen_cols} if self.frozen_cols else {})},
        }

    def get(self, r: int, c: int) -> Any:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def set(self, r: int, c: int, v: Any) -> None:
        if v is None and self.get(r, c) is None:
            return  # clearing an empty cell must not grow the stored rows
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = v


class Spreadsheet:
    def __init__(self, sid: str, title: str, shared: bool = True):
        self.id, self.title, self.shared = sid, title, shared
        self.sheets: list[Sheet] = []

    def sheet(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def parse_range(self, a1: str) -> tuple[Sheet, int, int, int, int]:
        """-> (sheet, r0, c0, r1, c1) half-open, clamped to the grid. 400 when unparsable."""
        bad = ApiError(400, f"Unable to parse range: {a1}")
        text = a1.strip()
        if text.startswith("'"):
            m = re.match(r"^'((?:[^']|'')*)'(?:!(.*))?$", text)
            if not m:
                raise bad
            title, cells = m.group(1).replace("''", "'"), m.group(2)
        elif "!" in text:
            title, cells = text.split("!", 1)
        elif self.sheet(text):
            title, cells = text, None
        else:
            title, cells = None, text
        sheet = self.sheets[0] if title is None and self.sheets else self.sheet(title) if title else None
        if sheet is None:
            raise bad
        if cells is None or cells == "":
            if cells == "":
                raise bad
            return sheet, 0, 0, sheet.row_count, sheet.col_count
        parts = cells.split(":")
        if len(parts) > 2:
            raise bad
        ms = [_CELL.match(p) for p in parts]
        if any(m is None or (not m.group(1) and not m.group(2)) for m in ms):
            raise bad
        (c_a, r_a) = ms[0].group(1), ms[0].group(2)
        if len(parts) == 1:
            if not (c_a and r_a):
                raise bad
            c_b, r_b = c_a, r_a
        else:
            c_b, r_b = ms[1].group(1), ms[1].group(2)
        if (r_a and int(r_a) == 0) or (r_b and int(r_b) == 0):
            raise bad
        c0 = col_index(c_a) if c_a else 0
        r0 = int(r_a) - 1 if r_a else 0
        c1 = col_index(c_b) + 1 if c_b else sheet.col_count
        r1 = int(r_b) if r_b else sheet.row_count
        c0, c1 = sorted((c0, c1 - 1))
        r0, r1 = sorted((r0, r1 - 1))
        return sheet, r0, c0, min(r1 + 1, sheet.row_count), min(c1 + 1, sheet.col_count)


def _overlaps(gr: dict, r0: int, c0: int, r1: int, c1: int) -> bool:
    return (gr["startRowIndex"] < r1 and r0 < gr["endRowIndex"]
            and gr["startColumnIndex"] < c1 and c0 < gr["endColumnIndex"])


def _merge(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> None:
    """Merge the half-open box as the UI does: only the top-left value is kept."""
    for r in range(r0, r1):
        for c in range(c0, c1):
            if (r, c) != (r0, c0):
                sheet.set(r, c, None)
    sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
                         "startColumnIndex": c0, "endColumnIndex": c1})


def a1(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> str:
    start = f"{col_letter(c0)}{r0 + 1}"
    end = f"{col_letter(max(c1 - 1, c0))}{max(r1, r0 + 1)}"
    return f"{quote_sheet(sheet.title)}!{start}" + ("" if start == end else f":{end}")


def beyond_grid(sheet: Sheet, rng: str) -> ApiError:
    return ApiError(
        400, f"Range ({rng}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
    )


def render(value: Any, value_option: str, date_option: str) -> Any:
    if isinstance(value, Formula):
        return value.text  # never evaluated: every render option shows the formula
    if isinstance(value, (dt.date, dt.datetime)):
        if value_option != "FORMATTED_VALUE" and date_option == "SERIAL_NUMBER":
            return to_serial(value)
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d")
    if value_option == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return "" if value is None else str(value)
    if value is None:
        return ""
    return value


def parse_user_entered(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value.startswith("="):
        return Formula(value)  # Sheets takes it as a formula; nothing is evaluated here
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    try:
        n = float(value.replace(",", "")) if re.fullmatch(r"[+-]?[0-9][0-9,]*(\.[0-9]+)?", value) else None
    except ValueError:
        n = None
    if n is not None:
        return int(n) if n.is_integer() and "." not in value else n
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if m:
        try:
            return dt.date(*map(int, m.groups()))
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- CellData and ExtendedValue

CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "note")  # the CellData fields stored here
EXTENDED_KINDS: dict[str, Any] = {
    "numberValue": (int, float),
    "stringValue": str,
    "boolValue": bool,
    "formulaValue": str,
}


def to_extended(value: Any, effective: bool = False) -> dict | None:
    """A stored value as an ExtendedValue; None for an empty cell. A formula's effective value
    is its own text, since nothing is evaluated."""
    if _is_empty(value):
        return None
    if isinstance(value, Formula):
        return {"stringValue": value.text} if effective else {"formulaValue": value.text}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (dt.date, dt.datetime)):
        return {"numberValue": to_serial(value)}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def from_extended(ev: Any) -> Any:
    """A request's ExtendedValue as a stored value; None (empty) when absent or {}."""
    if ev is None or ev == {}:
        return None
    if not isinstance(ev, dict) or len(ev) != 1:
        raise ApiError(400, f"Invalid ExtendedValue {json.dumps(ev)}: set exactly one of {', '.join(EXTENDED_KINDS)}")
    ((kind, v),) = ev.items()
    if kind not in EXTENDED_KINDS:  # errorValue is read-only
        raise ApiError(400, f'Invalid ExtendedValue field "{kind}" (the test server takes {", ".join(EXTENDED_KINDS)})')
    if not isinstance(v, EXTENDED_KINDS[kind]) or (kind == "numberValue" and isinstance(v, bool)):
        raise ApiError(400, f"Invalid value at 'userEnteredValue.{kind}', {json.dumps(v)}")
    return Formula(v) if kind == "formulaValue" else v


def date_format(value: Any) -> dict | None:
    """The numberFormat Sheets gives a cell into which a date (and time) is typed."""
    if isinstance(value, dt.datetime):
        return {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
    if isinstance(value, dt.date):
        return {"type": "DATE", "pattern": "yyyy-mm-dd"}
    return None


def cell_data(value: Any, fmt: dict | None, note: str | None) -> dict:
    """A CellData as spreadsheets.get returns it; {} for an empty cell."""
    out: dict = {}
    if not _is_empty(value):
        out["userEnteredValue"] = to_extended(value)
        out["effectiveValue"] = to_extended(value, effective=True)
    if date_format(value) and not (fmt or {}).get("numberFormat"):
        fmt = {**(fmt or {}), "numberFormat": date_format(value)}
    if fmt:
        out["userEnteredFormat"] = copy.deepcopy(fmt)
    if note:
        out["note"] = note
    return out


# ---------------------------------------------------------------- field masks


def parse_mask(text: str) -> dict:
    """A field mask ("a.b(c,d),e", "/" works as ".") as a tree: {"a": {"b": {"c": None, "d":
    None}}, "e": None}, where None selects the whole subtree. 400 when unparsable."""
    bad = ApiError(400, f"Invalid field mask: {text!r}")
    tokens = re.findall(r"[A-Za-z0-9_*]+|[./,()]|\S", text)
    pos = 0

    def take(expected: str | None = None) -> str:
        nonlocal pos
        if pos == len(tokens) or (expected and tokens[pos] != expected):
            raise bad
        pos += 1
        return tokens[pos - 1]

    def name() -> str:
        tok = take()
        if not re.fullmatch(r"[A-Za-z0-9_*]+", tok):
            raise bad
        return tok

    def items() -> dict:
        tree: dict = {}
        while True:
            path = [name()]
            while pos < len(tokens) and tokens[pos] in (".", "/"):
                take()
                path.append(name())
            sub = None
            if pos < len(tokens) and tokens[pos] == "(":
                take()
                sub = items()
                take(")")
            _add_mask_path(tree, path, sub)
            if pos == len(tokens) or tokens[pos] != ",":
                return tree
            take()

    tree = items()
    if pos != len(tokens):
        raise bad
    return tree


def _add_mask_path(tree: dict, path: list[str], sub: dict | None) -> None:
    *parents, leaf = path
    for name in parents:
        if name in tree and tree[name] is None:
            return  # already selected whole
        tree = tree.setdefault(name, {})
    if sub is None or (leaf in tree and tree[leaf] is None):
        tree[leaf] = None
    else:
        node = tree.setdefault(leaf, {})
        for key, below in sub.items():
            _add_mask_path(node, [key], below)


def apply_mask(value: Any, tree: dict | None) -> Any:
    """`value` reduced to what the mask selects, like the API's partial responses."""
    if tree is None or not isinstance(value, (dict, list)):
        return value
    if isinstance(value, list):
        return [apply_mask(v, tree) for v in value]
    if "*" in tree:
        return value
    return {k: apply_mask(v, tree[k]) for k, v in value.items() if k in tree}


def mask_selects(tree: dict | None, path: list[str]) -> bool:
    for name in path:
        if tree is None or "*" in tree:
            return True
        if name not in tree:
            return False
        tree = tree[name]
    return True


def merge_masked(old: Any, new: Any, tree: dict | None) -> Any:
    """`old` with the parts the mask names taken from `new`; a named part that `new` lacks is
    cleared, as a batchUpdate `fields` mask does. None stands for nothing."""
    if tree is None or "*" in tree:
        return None if new is None or new == {} else copy.deepcopy(new)
    out = dict(old) if isinstance(old, dict) else {}
    src = new if isinstance(new, dict) else {}
    for key, below in tree.items():
        merged = merge_masked(out.get(key), src.get(key), below)
        if merged is None:
            out.pop(key, None)
        else:
            out[key] = merged
    return out or None


def _mask(query: dict) -> dict | None:
    fields = query.get("fields", [""])[0]
    return parse_mask(fields) if fields else None


# ---------------------------------------------------------------- request checks


def _check_known(obj: Any, allowed: tuple[str, ...] | dict, where: str) -> dict:
    """`obj` when it is an object holding only fields this server models; else 400."""
    if not isinstance(obj, dict):
        raise ApiError(400, f"Invalid JSON payload received. Expected an object at '{where or 'the root'}'.")
    for name in obj:
        if name not in allowed:
            at = f" at '{where}'" if where else ""
            raise ApiError(
                400,
                f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field. '
                f"(The test server knows: {', '.join(allowed)}.)",
            )
    return obj


def _index(obj: dict, name: str, default: int = 0) -> int:
    v = obj.get(name, default)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ApiError(400, f"Invalid value at '{name}', {json.dumps(v)}")
    return v


def _bool_param(query: dict, name: str) -> bool:
    raw = query.get(name, ["false"])[0]
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f"Invalid value at '{name}' (TYPE_BOOL), \"{raw}\"")
    return raw.lower() == "true"


def _value_input_option(v: Any) -> str:
    if v is None:
        raise ApiError(400, "'valueInputOption' is required but not specified")
    if v not in ("RAW", "USER_ENTERED"):
        enum = "type.googleapis.com/google.apps.sheets.v4.ValueInputOption"
        raise ApiError(400, f"Invalid value at 'value_input_option' ({enum}), \"{v}\"")
    return v


def _dimension(v: Any) -> str:
    if v not in ("ROWS", "COLUMNS"):
        raise ApiError(
            400, f"Invalid value at 'dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), {json.dumps(v)}"
        )
    return v


def _cell_mask(spec: dict) -> dict:
    """The request's `fields` as a mask over CELL_FIELDS ("*" = all of them)."""
    fields = spec.get("fields")
    if not fields:
        raise ApiError(400, "At least one field must be specified.")
    mask = parse_mask(fields)
    if "*" in mask:
        return dict.fromkeys(CELL_FIELDS)
    for name in mask:
        if name not in CELL_FIELDS:
            raise ApiError(400, f"Invalid field mask {fields!r}: the test server supports {', '.join(CELL_FIELDS)}")
    return mask


def _checked_cell(cell: Any) -> dict:
    _check_known(cell, CELL_FIELDS, "CellData")
    if not isinstance(cell.get("userEnteredFormat", {}), dict) or not isinstance(cell.get("note", ""), str):
        raise ApiError(400, f"Invalid CellData {json.dumps(cell)}")
    return cell


GRID_RANGE_FIELDS = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")


def returned_range(gr: dict) -> dict:
    """A GridRange as the API answers it: proto3 JSON leaves out default values, so the first
    sheet's ranges (sheetId 0) come back without a sheetId."""
    return {k: v for k, v in gr.items() if not (k == "sheetId" and v == 0)}


def returned_merge(gr: dict) -> dict:
    """A merged range as the API answers it in Sheet.merges: proto3 JSON leaves out every index
    that is 0, so a merge starting in row 1 or column A has no startRowIndex or startColumnIndex."""
    return {k: v for k, v in gr.items() if v != 0}


def returned_rule(rule: dict) -> dict:
    """A ConditionalFormatRule as the API answers it (a copy): its ranges as `returned_range`."""
    out = copy.deepcopy(rule)
    out["ranges"] = [returned_range(gr) for gr in out.get("ranges", [])]
    return out
CONDITION_TYPES = frozenset(
    "NUMBER_GREATER NUMBER_GREATER_THAN_EQ NUMBER_LESS NUMBER_LESS_THAN_EQ NUMBER_EQ NUMBER_NOT_EQ "
    "NUMBER_BETWEEN NUMBER_NOT_BETWEEN TEXT_CONTAINS TEXT_NOT_CONTAINS TEXT_STARTS_WITH TEXT_ENDS_WITH "
    "TEXT_EQ TEXT_IS_EMAIL TEXT_IS_URL DATE_EQ DATE_BEFORE DATE_AFTER DATE_ON_OR_BEFORE DATE_ON_OR_AFTER "
    "DATE_BETWEEN DATE_NOT_BETWEEN DATE_IS_VALID ONE_OF_RANGE ONE_OF_LIST BLANK NOT_BLANK CUSTOM_FORMULA "
    "BOOLEAN TEXT_NOT_EQ DATE_NOT_EQ".split()
)
# request kind -> the fields it may carry (those of the API's request message)
BATCH_REQUESTS: dict[str, tuple[str, ...]] = {
    "repeatCell": ("range", "cell", "fields"),
    "updateCells": ("rows", "fields", "start", "range"),
    "addConditionalFormatRule": ("rule", "index"),
    "updateConditionalFormatRule": ("index", "sheetId", "rule", "newIndex"),
    "deleteConditionalFormatRule": ("index", "sheetId"),
    "appendDimension": ("sheetId", "dimension", "length"),
    "updateDimensionProperties": ("range", "properties", "fields"),
    "addSheet": ("properties",),
    "updateSheetProperties": ("properties", "fields"),
    "mergeCells": ("range", "mergeType"),
    "setDataValidation": ("range", "rule", "filteredRowsIncluded"),
    "copyPaste": ("source", "destination", "pasteType", "pasteOrientation"),
}
GRID_PROPERTIES = ("rowCount", "columnCount", "frozenRowCount", "frozenColumnCount")
MERGE_TYPES = ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS")
# condition types that take no value, and those that take two; any other takes one (ONE_OF_LIST: 1+)
NO_VALUES = frozenset({"BLANK", "NOT_BLANK", "DATE_IS_VALID", "TEXT_IS_EMAIL", "TEXT_IS_URL", "BOOLEAN"})
TWO_VALUES = frozenset({"NUMBER_BETWEEN", "NUMBER_NOT_BETWEEN", "DATE_BETWEEN", "DATE_NOT_BETWEEN"})
BATCH_BODY_FIELDS = ("requests", "includeSpreadsheetInResponse", "responseRanges", "responseIncludeGridData")

# path after /v4/spreadsheets/{id}, endpoint name, HTTP method
_ROUTES = (
    ("", "spreadsheets.get", "GET"),
    (":batchUpdate", "spreadsheets.batchUpdate", "POST"),
    ("/values:batchGet", "values.batchGet", "GET"),
    ("/values:batchUpdate", "values.batchUpdate", "POST"),
    ("/values/([^/:]+)", "values.update", "PUT"),  # gspread percent-encodes the range, ":" and "/" too
)
ENDPOINTS = tuple(name for _, name, _ in _ROUTES)
WRITES = ("values.batchUpdate", "values.update", "spreadsheets.batchUpdate")


def _route(path: str) -> tuple[str, str, str, list[str]] | None:
    """-> (endpoint, HTTP method, spreadsheet id, further path arguments); None when unknown."""
    for suffix, endpoint, method in _ROUTES:
        m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)" + suffix, path)
        if m:
            return endpoint, method, unquote(m.group(1)), [unquote(g) for g in m.groups()[1:]]
    return None


def _endpoint_name(path: str) -> str | None:
    route = _route(path)
    return route[0] if route else None


# ---------------------------------------------------------------- JWT


def _b64url_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class SheetsServer:
    """The fake API. `start()` / `stop()`; `url` is e.g. http://127.0.0.1:54321."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.trusted_keys: dict[str, Any] = {}  # client_email -> public key
        self.tokens: set[str] = set()
        self.counts: Counter = Counter()
        self.token_requests = 0
        self.token_claims: list[dict] = []
        self.log: list[dict] = []
        self.requests_received: list[dict] = []  # requests of applied spreadsheets.batchUpdate calls, in order
        self.formats: dict[tuple, dict] = {}
        self.notes: dict[tuple, str] = {}
        self.formulas_written = 0  # cells written as formulas, through any endpoint
        self.token_lifetime = 3600
        self._fail: list[tuple[int, Any]] = []
        self._before_write: list[Callable] = []
        self._after_next: dict[str, list[Callable]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle
    def start(self) -> SheetsServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> SheetsServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    def http_client_class(self) -> type:
        return api_http_client(self.url)

    # ---- data
    def add_spreadsheet(
        self,
        title: str,
        sheets: dict[str, list[list]],
        spreadsheet_id: str | None = None,
        shared: bool = True,
        row_count: int = 1000,
        col_count: int = 26,
    ) -> str:
        """Rows hold values as UNFORMATTED_VALUE gives them (int/float/str/bool, None = empty);
        date/datetime cells come back as serial numbers or strings per dateTimeRenderOption."""
        sid = spreadsheet_id or f"sheet{next(self._ids):04d}" + "x" * 30
        ss = Spreadsheet(sid, title, shared)
        for i, (name, rows) in enumerate(sheets.items()):
            ss.sheets.append(Sheet(name, 0 if i == 0 else 1000 + i, i, rows, row_count, col_count))
        with self._lock:
            self.spreadsheets[sid] = ss
        return sid

    def _sheet(self, spreadsheet_id: str, sheet_title: str) -> Sheet:
        sheet = self.spreadsheets[spreadsheet_id].sheet(sheet_title)
        if sheet is None:
            raise KeyError(f"no sheet {sheet_title!r} in {spreadsheet_id}")
        return sheet

    def values(self, spreadsheet_id: str, sheet_title: str) -> list[list]:
        """The stored rows of a sheet (a copy), as Python values (formulas as `Formula`)."""
        return [list(r) for r in self._sheet(spreadsheet_id, sheet_title).rows]

    def insert_row(self, spreadsheet_id: str, sheet_title: str, index0: int, row: list) -> None:
        """Insert a row before 0-based `index0`, like a person in the UI: formats, notes, row
        heights and conditional-format ranges at/after it move down with their rows."""
        with self._lock:
            sh = self._sheet(spreadsheet_id, sheet_title)
            while len(sh.rows) < index0:
                sh.rows.append([])
            sh.rows.insert(index0, list(row))
            sh.row_count += 1
            sh.col_count = max(sh.col_count, len(row))
            self._shift_rows(spreadsheet_id, sh, index0, +1)

    def delete_row(self, spreadsheet_id: str, sheet_title: str, index0: int) -> None:
        """Delete the row at 0-based `index0`, like a person in the UI (what is below moves up)."""
        with self._lock:
            sh = self._sheet(spreadsheet_id, sheet_title)
            if not 0 <= index0 < sh.row_count:
                raise IndexError(f"row {index0} is outside the {sh.row_count} rows of {sheet_title!r}")
            if index0 < len(sh.rows):
                del sh.rows[index0]
            sh.row_count -= 1
            self._shift_rows(spreadsheet_id, sh, index0, -1)

    def merge_cells(self, spreadsheet_id: str, sheet_title: str, a1_range: str) -> None:
        """Merge a range like a person in the UI (Format > Merge cells > Merge all): the top-left
        value is kept and every other value in the range is discarded."""
        with self._lock:
            ss = self.spreadsheets[spreadsheet_id]
            sheet, r0, c0, r1, c1 = ss.parse_range(f"{quote_sheet(sheet_title)}!{a1_range}")
            if (r1 - r0) * (c1 - c0) < 2:
                raise ValueError(f"{a1_range}: a merge needs at least two cells")
            if any(_overlaps(m, r0, c0, r1, c1) for m in sheet.merges):
                raise ValueError(f"{a1_range} overlaps a merge already on {sheet_title!r}")
            _merge(sheet, r0, c0, r1, c1)

    def merges(self, spreadsheet_id: str, sheet_title: str) -> list[str]:
        """The sheet's merged ranges in A1 notation ("C4:C6"), in the order they were made."""
        with self._lock:
            return [f"{col_letter(m['startColumnIndex'])}{m['startRowIndex'] + 1}:"
                    f"{col_letter(m['endColumnIndex'] - 1)}{m['endRowIndex']}"
                    for m in self._sheet(spreadsheet_id, sheet_title).merges]

    def _shift_rows(self, spreadsheet_id: str, sheet: Sheet, at: int, delta: int) -> None:
        """Move what is kept by row index for a row inserted (delta=1) or deleted (-1) at `at`."""

        def moved(r: int) -> int | None:  # the row's new index; None when it was deleted
            if r < at:
                return r
            return None if delta < 0 and r == at else r + delta

        for store in (self.formats, self.notes):
            below = [k for k in store if k[:2] == (spreadsheet_id, sheet.sheet_id) and k[2] >= at]
            for (sid, gid, r, c), v in [(k, store.pop(k)) for k in below]:
                if moved(r) is not None:
                    store[(sid, gid, moved(r), c)] = v
        sheet.row_px = {moved(r): px for r, px in sheet.row_px.items() if moved(r) is not None}
        for rule in sheet.cf_rules:
            for gr in rule["ranges"]:  # an absent index means unbounded: it stays so
                start = gr.get("startRowIndex")
                if start is not None and (start >= at if delta > 0 else start > at):
                    gr["startRowIndex"] = start + delta
                if gr.get("endRowIndex", -1) > at:
                    gr["endRowIndex"] += delta
            # a deletion can empty a range, and a rule left without ranges is gone, as in Sheets
            rule["ranges"] = [
                g for g in rule["ranges"] if g.get("startRowIndex", 0) < g.get("endRowIndex", sheet.row_count)
            ]
        sheet.cf_rules = [rule for rule in sheet.cf_rules if rule["ranges"]]
        for m in sheet.merges:  # a row inserted inside a merge widens it; one deleted narrows it
            if m["startRowIndex"] >= at + (0 if delta > 0 else 1):
                m["startRowIndex"] += delta
            if m["endRowIndex"] > at:
                m["endRowIndex"] += delta
        sheet.merges = [m for m in sheet.merges  # a merge left with one cell is no merge
                        if (m["endRowIndex"] - m["startRowIndex"]) * (m["endColumnIndex"] - m["startColumnIndex"]) > 1]

    def format_at(self, spreadsheet_id: str, sheet_title: str, row0: int, col0: int) -> dict | None:
        sh = self._sheet(spreadsheet_id, sheet_title)
        return self.formats.get((spreadsheet_id, sh.sheet_id, row0, col0))

    def note_at(self, spreadsheet_id: str, sheet_title: str, row0: int, col0: int) -> str | None:
        sh = self._sheet(spreadsheet_id, sheet_title)
        return self.notes.get((spreadsheet_id, sh.sheet_id, row0, col0))

    def column_width(self, spreadsheet_id: str, sheet_title: str, col0: int) -> int:
        """Pixel width of a column: 100 unless updateDimensionProperties set it."""
        return self._sheet(spreadsheet_id, sheet_title).col_px.get(col0, DEFAULT_COL_PX)

    def row_height(self, spreadsheet_id: str, sheet_title: str, row0: int) -> int:
        """Pixel height of a row: 21 unless updateDimensionProperties set it."""
        return self._sheet(spreadsheet_id, sheet_title).row_px.get(row0, DEFAULT_ROW_PX)

    def grid_size(self, spreadsheet_id: str, sheet_title: str) -> tuple[int, int]:
        """(rowCount, columnCount) of a sheet."""
        sh = self._sheet(spreadsheet_id, sheet_title)
        return sh.row_count, sh.col_count

    def frozen(self, spreadsheet_id: str, sheet_title: str) -> tuple[int, int]:
        """(frozenRowCount, frozenColumnCount) of a sheet."""
        sh = self._sheet(spreadsheet_id, sheet_title)
        return sh.frozen_rows, sh.frozen_cols

    def data_validation(self, spreadsheet_id: str, sheet_title: str, row0: int, col0: int) -> dict | None:
        """The DataValidationRule JSON (a copy) setDataValidation left on a cell; None without one."""
        with self._lock:
            rule = self._sheet(spreadsheet_id, sheet_title).validations.get((row0, col0))
            return copy.deepcopy(rule)

    def conditional_formats(self, spreadsheet_id: str, sheet_title: str) -> list[dict]:
        """The sheet's ConditionalFormatRule JSON (a copy), in priority order, as stored: ranges keep
        the sheetId they were sent with (answers leave out a sheetId of 0: see `returned_rule`)."""
        with self._lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, sheet_title).cf_rules)

    # ---- instrumentation
    def fail_next(self, n: int = 1, status: int = 429, retry_after: Any = None) -> None:
        with self._lock:
            self._fail.extend([(status, retry_after)] * n)

    def before_write(self, callback: Callable[[SheetsServer], Any]) -> None:
        """`callback(server)` runs once, just before the next write (values.batchUpdate,
        values.update or spreadsheets.batchUpdate) is checked and applied."""
        with self._lock:
            self._before_write.append(callback)

    def after_next(self, endpoint: str, callback: Callable[[SheetsServer], Any]) -> None:
        """`callback(server)` runs once, right after the next successful `endpoint` request
        (e.g. "values.batchGet") was answered in memory and before the answer is sent: for the
        client, the change happens just after its read."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; one of {ENDPOINTS}")
        with self._lock:
            self._after_next.setdefault(endpoint, []).append(callback)

    def revoke_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.log.clear()

    # ---- token endpoint
    def issue_token(self, form: dict[str, list[str]]) -> dict:
        def deny(desc: str) -> ApiError:
            e = ApiError(400, desc)
            e.oauth = {"error": "invalid_grant", "error_description": desc}
            return e

        if form.get("grant_type", [""])[0] != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            raise deny("Invalid grant_type")
        assertion = form.get("assertion", [""])[0]
        try:
            h64, c64, s64 = assertion.split(".")
            header = json.loads(_b64url_decode(h64))
            claims = json.loads(_b64url_decode(c64))
            sig = _b64url_decode(s64)
        except Exception:
            raise deny("Invalid JWT: malformed") from None
        if header.get("alg") != "RS256":
            raise deny("Invalid JWT: alg")
        key = self.trusted_keys.get(claims.get("iss"))
        if key is None:
            raise deny("Invalid JWT Signature.")
        try:
            key.verify(sig, f"{h64}.{c64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise deny("Invalid JWT Signature.") from None
        # google-auth always signs aud = https://oauth2.googleapis.com/token, whatever token_uri is
        if claims.get("aud") not in (GOOGLE_TOKEN_AUD, self.token_url):
            raise deny("Invalid JWT: aud")
        now = time.time()
        if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) + 300):
            raise deny("Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.")
        if not claims.get("scope"):
            raise deny("Invalid JWT: no scope")
        with self._lock:
            token = f"ya29.fake-{next(self._ids)}"
            self.tokens.add(token)
            self.token_claims.append(claims)
        return {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}

    # ---- API
    def handle_api(self, method: str, path: str, query: dict, body: Any) -> tuple[str, dict]:
        route = _route(path)
        if route is None:
            raise ApiError(404, "Requested entity was not found.")
        endpoint, want, sid, args = route
        if method != want:
            raise ApiError(405, f"Method {method} not allowed", "METHOD_NOT_ALLOWED")
        ss = self.spreadsheets.get(sid)
        if ss is None:
            raise ApiError(404, "Requested entity was not found.")
        if not ss.shared:
            raise ApiError(403, "The caller does not have permission")
        mask = _mask(query)
        if endpoint in WRITES:
            while self._before_write:
                self._before_write.pop(0)(self)
        payload = getattr(self, "_" + endpoint.replace(".", "_"))(ss, query, body, *args)
        return endpoint, apply_mask(payload, mask)

    def _spreadsheets_get(self, ss: Spreadsheet, query: dict, body: Any) -> dict:
        mask = _mask(query)
        grid = mask_selects(mask, ["sheets", "data"]) if mask is not None else _bool_param(query, "includeGridData")
        return self._spreadsheet_json(ss, query.get("ranges", []), grid)

    def _spreadsheet_json(self, ss: Spreadsheet, ranges: list[str], grid: bool) -> dict:
        """The Spreadsheet resource. With `ranges`, only the sheets they touch (in spreadsheet
        order); with `grid`, each sheet's `data` holds one GridData per range on it."""
        boxes: dict[int, list[tuple[int, int, int, int]]] = {}
        for rng in ranges:
            sheet, r0, c0, r1, c1 = ss.parse_range(rng)
            boxes.setdefault(sheet.sheet_id, []).append((r0, c0, r1, c1))
        sheets = []
        for sheet in ss.sheets:
            if ranges and sheet.sheet_id not in boxes:
                continue
            js: dict = {"properties": sheet.properties()}
            if grid:
                whole = [(0, 0, sheet.row_count, sheet.col_count)]
                js["data"] = [self._grid_data(ss, sheet, *box) for box in boxes.get(sheet.sheet_id, whole)]
            if sheet.merges:  # an empty repeated field is left out of the answer, as in the API
                js["merges"] = [returned_merge(m) for m in sheet.merges]
            if sheet.cf_rules:
                js["conditionalFormats"] = [returned_rule(r) for r in sheet.cf_rules]
            sheets.append(js)
        return {
            "spreadsheetId": ss.id,
            "properties": {"title": ss.title, "locale": "en_US", "timeZone": "Etc/GMT", "autoRecalc": "ON_CHANGE"},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{ss.id}/edit",
        }

    def _grid_data(self, ss: Spreadsheet, sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> dict:
        """One GridData: trailing empty cells and rows trimmed, a row without cells is {},
        startRow/startColumn left out when 0 (as the API's JSON does)."""
        used = [k[2] for store in (self.formats, self.notes) for k in store if k[:2] == (ss.id, sheet.sheet_id)]
        last = max([len(sheet.rows) - 1, *used])  # no need to look further down
        rows = []
        for r in range(r0, min(r1, last + 1)):
            cells = [self._cell_json(ss, sheet, r, c) for c in range(c0, c1)]
            while cells and not cells[-1]:
                cells.pop()
            rows.append({"values": cells} if cells else {})
        while rows and not rows[-1]:
            rows.pop()
        gd: dict = {}
        if r0:
            gd["startRow"] = r0
        if c0:
            gd["startColumn"] = c0
        if rows:
            gd["rowData"] = rows
        gd["rowMetadata"] = [{"pixelSize": sheet.row_px.get(r, DEFAULT_ROW_PX)} for r in range(r0, r1)]
        gd["columnMetadata"] = [{"pixelSize": sheet.col_px.get(c, DEFAULT_COL_PX)} for c in range(c0, c1)]
        return gd

    def _cell_json(self, ss: Spreadsheet, sheet: Sheet, r: int, c: int) -> dict:
        key = (ss.id, sheet.sheet_id, r, c)
        return cell_data(sheet.get(r, c), self.formats.get(key), self.notes.get(key))

    def _values_batchGet(self, ss: Spreadsheet, query: dict, body: Any) -> dict:
        vro = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        dtro = query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0]
        major = query.get("majorDimension", ["ROWS"])[0]
        if vro not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA") or dtro not in (
            "SERIAL_NUMBER",
            "FORMATTED_STRING",
        ):
            raise ApiError(400, "Invalid value at 'value_render_option'")
        ranges = query.get("ranges", [])
        vrs = []
        for rng in ranges:
            sheet, r0, c0, r1, c1 = ss.parse_range(rng)
            values = []
            for r in range(r0, r1):
                row = [render(sheet.get(r, c), vro, dtro) for c in range(c0, c1)]
                while row and _is_empty(row[-1]):
                    row.pop()
                values.append(row)
            while values and not values[-1]:
                values.pop()
            if major == "COLUMNS":
                width = max((len(r) for r in values), default=0)
                values = [[r[i] if i < len(r) else "" for r in values] for i in range(width)]
                for col in values:
                    while col and _is_empty(col[-1]):
                        col.pop()
            vr = {"range": a1(sheet, r0, c0, r1, c1), "majorDimension": major}
            if values:
                vr["values"] = values
            vrs.append(vr)
        return {"spreadsheetId": ss.id, "valueRanges": vrs}

    def _values_batchUpdate(self, ss: Spreadsheet, query: dict, body: Any) -> dict:
        body = body or {}
        vio = _value_input_option(body.get("valueInputOption"))
        planned = [self._plan_values(ss, item.get("range", ""), item) for item in body.get("data", [])]
        responses = [self._write_values(ss, vio, *plan) for plan in planned]  # all checked first: atomic
        return {
            "spreadsheetId": ss.id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len({sheet.sheet_id for sheet, *_ in planned}),
            "responses": responses,
        }

    def _values_update(self, ss: Spreadsheet, query: dict, body: Any, rng: str) -> dict:
        body = _check_known(body or {}, ("range", "majorDimension", "values"), "")
        vio = _value_input_option(query.get("valueInputOption", [None])[0])
        if _bool_param(query, "includeValuesInResponse"):
            raise ApiError(400, "includeValuesInResponse is not supported by the test server")
        if "range" in body and ss.parse_range(body["range"]) != ss.parse_range(rng):
            raise ApiError(400, f"Invalid ValueRange: its range {body['range']} is not the request's range {rng}")
        return self._write_values(ss, vio, *self._plan_values(ss, rng, body))

    def _plan_values(self, ss: Spreadsheet, rng: str, vr: dict) -> tuple[Sheet, int, int, list[list]]:
        """Check one ValueRange against the grid and its own range -> (sheet, r0, c0, rows)."""
        sheet, r0, c0, r1, c1 = ss.parse_range(rng)
        values = vr.get("values", [])
        if vr.get("majorDimension", "ROWS") == "COLUMNS":
            h = max((len(c) for c in values), default=0)
            values = [[c[i] if i < len(c) else None for c in values] for i in range(h)]
        height, width = len(values), max((len(r) for r in values), default=0)
        if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
            raise beyond_grid(sheet, rng)
        if r0 + height > r1:
            raise ApiError(400, f"Requested writing within range [{rng}], but tried writing to row [{r0 + height}]")
        if c0 + width > c1:
            raise ApiError(
                400,
                f"Requested writing within range [{rng}], but tried writing to column [{col_letter(c0 + width - 1)}]",
            )
        return sheet, r0, c0, values

    def _write_values(self, ss: Spreadsheet, vio: str, sheet: Sheet, r0: int, c0: int, values: list[list]) -> dict:
        """Apply one checked ValueRange -> its UpdateValuesResponse."""
        n = 0
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v is None:
                    continue  # null = leave the cell alone, as the API does
                self._store_value(sheet, r0 + i, c0 + j, v if vio == "RAW" else parse_user_entered(v))
                n += 1
        height, width = len(values), max((len(r) for r in values), default=0)
        return {
            "spreadsheetId": ss.id,
            "updatedRange": a1(sheet, r0, c0, r0 + height, c0 + width),
            "updatedRows": height,
            "updatedColumns": width,
            "updatedCells": n,
        }

    def _store_value(self, sheet: Sheet, r: int, c: int, v: Any) -> None:
        if isinstance(v, Formula):
            self.formulas_written += 1
        sheet.set(r, c, v)

    # ---- spreadsheets.batchUpdate
    def _spreadsheets_batchUpdate(self, ss: Spreadsheet, query: dict, body: Any) -> dict:
        body = _check_known(body or {}, BATCH_BODY_FIELDS, "")
        reqs = body.get("requests")
        if not isinstance(reqs, list) or not reqs:
            raise ApiError(400, "Must specify at least one request.")
        replies = []
        with self._all_or_nothing(ss):  # applied in order to the live state, undone on any error
            for i, req in enumerate(reqs):
                kinds = list(req) if isinstance(req, dict) else []
                if len(kinds) != 1 or kinds[0] not in BATCH_REQUESTS:
                    _check_known(req, BATCH_REQUESTS, f"requests[{i}]")
                    raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request is required.")
                kind = kinds[0]
                spec = _check_known(req[kind], BATCH_REQUESTS[kind], f"requests[{i}].{kind}")
                try:
                    replies.append(getattr(self, "_do_" + kind)(ss, spec) or {})
                except ApiError as e:
                    raise ApiError(400, f"Invalid requests[{i}].{kind}: {e.message}") from None
            out = {"spreadsheetId": ss.id, "replies": replies}
            if body.get("includeSpreadsheetInResponse"):
                mask = _mask(query)
                grid = (
                    mask_selects(mask, ["updatedSpreadsheet", "sheets", "data"])
                    if mask is not None
                    else bool(body.get("responseIncludeGridData"))
                )
                ranges = body.get("responseRanges") or []
                if not isinstance(ranges, list):
                    raise ApiError(400, "Invalid value at 'response_ranges': a list of A1 ranges is required")
                out["updatedSpreadsheet"] = self._spreadsheet_json(ss, ranges, grid)
        self.requests_received.extend(reqs)
        return out

    @contextmanager
    def _all_or_nothing(self, ss: Spreadsheet) -> Iterator[None]:
        """Restore `ss` (values, grid, rules, sizes, formats, notes) if the block fails."""

        def own(store: dict) -> dict:
            return {k: v for k, v in store.items() if k[0] == ss.id}

        saved = ([sh.clone() for sh in ss.sheets], copy.deepcopy(own(self.formats)), dict(own(self.notes))), \
            self.formulas_written
        try:
            yield
        except BaseException:
            (ss.sheets, formats, notes), self.formulas_written = saved
            for store, old in ((self.formats, formats), (self.notes, notes)):
                for k in own(store):
                    del store[k]
                store.update(old)
            raise

    def _sheet_by_id(self, ss: Spreadsheet, sheet_id: Any) -> Sheet:
        sheet = ss.sheet_by_id(sheet_id)
        if sheet is None:
            raise ApiError(400, f"No grid with id: {sheet_id}")
        return sheet

    def _grid_range(self, ss: Spreadsheet, gr: Any) -> tuple[Sheet, int, int, int, int]:
        """A GridRange -> (sheet, r0, r1, c0, c1); absent indexes are unbounded. 400 beyond the grid."""
        _check_known(gr, GRID_RANGE_FIELDS, "range")
        sheet = self._sheet_by_id(ss, gr.get("sheetId", 0))
        r0, r1 = _index(gr, "startRowIndex"), _index(gr, "endRowIndex", sheet.row_count)
        c0, c1 = _index(gr, "startColumnIndex"), _index(gr, "endColumnIndex", sheet.col_count)
        if max(r0, r1) > sheet.row_count or max(c0, c1) > sheet.col_count:
            raise beyond_grid(sheet, a1(sheet, r0, c0, r1, c1))
        if r0 > r1 or c0 > c1:
            raise ApiError(400, f"Invalid GridRange {json.dumps(gr)}: a start index is after its end index")
        return sheet, r0, r1, c0, c1

    def _apply_cell(self, ss: Spreadsheet, sheet: Sheet, r: int, c: int, cell: dict, mask: dict) -> None:
        """Write the fields `mask` names from `cell`; a named field that `cell` lacks is cleared."""
        key = (ss.id, sheet.sheet_id, r, c)
        if "userEnteredValue" in mask:  # only then: a round trip would turn a stored date into a number
            uev = merge_masked(to_extended(sheet.get(r, c)), cell.get("userEnteredValue"), mask["userEnteredValue"])
            self._store_value(sheet, r, c, from_extended(uev))
        for store, name in ((self.formats, "userEnteredFormat"), (self.notes, "note")):
            if name in mask:
                new = merge_masked(store.get(key), cell.get(name), mask[name])
                if new:
                    store[key] = new
                else:
                    store.pop(key, None)

    def _do_repeatCell(self, ss: Spreadsheet, spec: dict) -> None:
        sheet, r0, r1, c0, c1 = self._grid_range(ss, spec.get("range", {}))
        mask, cell = _cell_mask(spec), _checked_cell(spec.get("cell", {}))
        for r in range(r0, r1):
            for c in range(c0, c1):
                self._apply_cell(ss, sheet, r, c, cell, mask)

    def _do_copyPaste(self, ss: Spreadsheet, spec: dict) -> None:
        """PASTE_FORMAT only (what the product sends): the source's formats tiled over the destination."""
        if spec.get("pasteType") != "PASTE_FORMAT":
            raise ApiError(400, f"copyPaste pasteType {spec.get('pasteType')!r} is not modelled by this server")
        src, sr0, sr1, sc0, sc1 = self._grid_range(ss, spec.get("source", {}))
        dst, dr0, dr1, dc0, dc1 = self._grid_range(ss, spec.get("destination", {}))
        for r in range(dr0, dr1):
            for c in range(dc0, dc1):
                fmt = self.formats.get((ss.id, src.sheet_id, sr0 + (r - dr0) % (sr1 - sr0), sc0 + (c - dc0) % (sc1 - sc0)))
                if fmt:
                    self.formats[(ss.id, dst.sheet_id, r, c)] = copy.deepcopy(fmt)
                else:
                    self.formats.pop((ss.id, dst.sheet_id, r, c), None)

    def _do_updateCells(self, ss: Spreadsheet, spec: dict) -> None:
        mask = _cell_mask(spec)
        if ("start" in spec) == ("range" in spec):
            raise ApiError(400, "Exactly one of start or range must be set.")
        at_start = "start" in spec
        if at_start:  # from a cell to the end of the grid
            st = _check_known(spec["start"], ("sheetId", "rowIndex", "columnIndex"), "start")
            sheet = self._sheet_by_id(ss, st.get("sheetId", 0))
            r0, r1, c0, c1 = _index(st, "rowIndex"), sheet.row_count, _index(st, "columnIndex"), sheet.col_count
        else:
            sheet, r0, r1, c0, c1 = self._grid_range(ss, spec["range"])
        if not isinstance(spec.get("rows", []), list):
            raise ApiError(400, "Invalid value at 'rows': a list of RowData is required")
        rows = [_check_known(row, ("values",), "rows[]").get("values", []) for row in spec.get("rows", [])]
        for i, cells in enumerate(rows):
            if r0 + i >= r1:
                raise ApiError(400, f"Attempting to write row: {r0 + i}, beyond the last requested row of: {r1 - 1}")
            if c0 + len(cells) > c1:
                raise ApiError(
                    400,
                    f"Attempting to write column: {c0 + len(cells) - 1}, beyond the last requested column of: {c1 - 1}",
                )
            for cell in cells:
                _checked_cell(cell)
        # with a range, the API clears (for the masked fields) the cells of it that rows leave out
        for i in range(len(rows) if at_start else r1 - r0):
            cells = rows[i] if i < len(rows) else []
            for j in range(len(cells) if at_start else c1 - c0):
                self._apply_cell(ss, sheet, r0 + i, c0 + j, cells[j] if j < len(cells) else {}, mask)

    def _cf_rule(self, ss: Spreadsheet, rule: Any) -> tuple[Sheet, dict]:
        """Check a ConditionalFormatRule -> (the sheet its ranges are on, a copy to store)."""
        _check_known(rule, ("ranges", "booleanRule", "gradientRule"), "rule")
        ranges = rule.get("ranges")
        if not isinstance(ranges, list) or not ranges:
            raise ApiError(400, "A conditional format rule needs at least one range.")
        sheet_ids = {self._grid_range(ss, gr)[0].sheet_id for gr in ranges}
        if len(sheet_ids) != 1:
            raise ApiError(400, "All ranges of a conditional format rule must be on the same sheet.")
        if ("booleanRule" in rule) == ("gradientRule" in rule):
            raise ApiError(400, "Exactly one of booleanRule or gradientRule must be set.")
        if "booleanRule" in rule:
            boolean = _check_known(rule["booleanRule"], ("condition", "format"), "rule.booleanRule")
            cond = _check_known(boolean.get("condition", {}), ("type", "values"), "rule.booleanRule.condition")
            if cond.get("type") not in CONDITION_TYPES:
                raise ApiError(
                    400,
                    "Invalid value at 'rule.boolean_rule.condition.type' "
                    f"(type.googleapis.com/google.apps.sheets.v4.ConditionType), {json.dumps(cond.get('type'))}",
                )
            values = cond.get("values", [])
            if cond["type"] == "CUSTOM_FORMULA" and not (
                len(values) == 1
                and isinstance(values[0], dict)
                and str(values[0].get("userEnteredValue", "")).startswith("=")
            ):
                raise ApiError(400, "CUSTOM_FORMULA takes exactly one value: a formula starting with '='.")
        return self._sheet_by_id(ss, sheet_ids.pop()), copy.deepcopy(rule)

    @staticmethod
    def _rule_index(sheet: Sheet, spec: dict, name: str = "index", extra: int = 0) -> int:
        index = _index(spec, name)
        if index >= len(sheet.cf_rules) + extra:
            raise ApiError(
                400, f"{name} {index} is out of range: the sheet has {len(sheet.cf_rules)} conditional format rules"
            )
        return index

    def _do_addConditionalFormatRule(self, ss: Spreadsheet, spec: dict) -> None:
        sheet, rule = self._cf_rule(ss, spec.get("rule"))
        sheet.cf_rules.insert(self._rule_index(sheet, spec, extra=1), rule)

    def _do_updateConditionalFormatRule(self, ss: Spreadsheet, spec: dict) -> dict:
        if ("rule" in spec) == ("newIndex" in spec):
            raise ApiError(400, "Exactly one of rule or newIndex must be set.")
        if "rule" in spec:  # replace
            sheet, rule = self._cf_rule(ss, spec["rule"])
            if spec.get("sheetId", sheet.sheet_id) != sheet.sheet_id:
                raise ApiError(
                    400, f"The rule's ranges are on sheet {sheet.sheet_id}, not on sheetId {spec['sheetId']}"
                )
            index = self._rule_index(sheet, spec)
            old, sheet.cf_rules[index] = sheet.cf_rules[index], rule
            return {"updateConditionalFormatRule": {"newRule": returned_rule(rule), "oldRule": returned_rule(old),
                                                    "newIndex": index}}
        sheet = self._sheet_by_id(ss, spec.get("sheetId", 0))  # move
        index, new_index = self._rule_index(sheet, spec), self._rule_index(sheet, spec, "newIndex")
        sheet.cf_rules.insert(new_index, sheet.cf_rules.pop(index))
        rule = returned_rule(sheet.cf_rules[new_index])
        return {"updateConditionalFormatRule": {"newRule": rule, "newIndex": new_index, "oldIndex": index}}

    def _do_deleteConditionalFormatRule(self, ss: Spreadsheet, spec: dict) -> dict:
        sheet = self._sheet_by_id(ss, spec.get("sheetId", 0))
        return {"deleteConditionalFormatRule": {"rule": returned_rule(sheet.cf_rules.pop(self._rule_index(sheet, spec)))}}

    def _do_appendDimension(self, ss: Spreadsheet, spec: dict) -> None:
        sheet = self._sheet_by_id(ss, spec.get("sheetId", 0))
        dimension, length = _dimension(spec.get("dimension")), _index(spec, "length")
        if length < 1:
            raise ApiError(400, "length must be at least 1")
        if dimension == "ROWS":
            sheet.row_count += length
        else:
            sheet.col_count += length

    def _do_updateDimensionProperties(self, ss: Spreadsheet, spec: dict) -> None:
        dr = _check_known(spec.get("range"), ("sheetId", "dimension", "startIndex", "endIndex"), "range")
        sheet = self._sheet_by_id(ss, dr.get("sheetId", 0))
        rows = _dimension(dr.get("dimension")) == "ROWS"
        count = sheet.row_count if rows else sheet.col_count
        start, end = _index(dr, "startIndex"), _index(dr, "endIndex", count)
        if max(start, end) > count:
            box = (start, 0, end, sheet.col_count) if rows else (0, start, sheet.row_count, end)
            raise beyond_grid(sheet, a1(sheet, *box))
        props = _check_known(spec.get("properties", {}), ("pixelSize",), "properties")
        if not spec.get("fields"):
            raise ApiError(400, "At least one field must be specified.")
        mask = parse_mask(spec["fields"])
        if not set(mask) <= {"*", "pixelSize"}:
            raise ApiError(400, f"Invalid field mask {spec['fields']!r}: the test server supports pixelSize")
        px = props.get("pixelSize")
        if px is not None:
            _index(props, "pixelSize")
        sizes = sheet.row_px if rows else sheet.col_px
        for i in range(start, end):
            if px is None:
                sizes.pop(i, None)  # the mask names pixelSize and the request has none: back to default
            else:
                sizes[i] = px

    def _do_addSheet(self, ss: Spreadsheet, spec: dict) -> dict:
        props = _check_known(spec.get("properties", {}), ("sheetId", "title", "index", "gridProperties"),
                             "properties")
        grid = _check_known(props.get("gridProperties", {}), GRID_PROPERTIES, "properties.gridProperties")
        taken = {sh.sheet_id for sh in ss.sheets}
        sheet_id = _index(props, "sheetId", max(taken, default=0) + 1)
        if sheet_id in taken:
            raise ApiError(400, f"Invalid sheetId {sheet_id}: a sheet with this ID already exists.")
        title = props.get("title", f"Sheet{len(ss.sheets) + 1}")
        if not isinstance(title, str) or not title.strip():
            raise ApiError(400, f"Invalid value at 'properties.title', {json.dumps(title)}")
        if any(sh.title.casefold() == title.casefold() for sh in ss.sheets):  # Sheets ignores case here
            raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
        index = min(_index(props, "index", len(ss.sheets)), len(ss.sheets))
        sheet = Sheet(title, sheet_id, index, [], _index(grid, "rowCount", 1000), _index(grid, "columnCount", 26))
        self._set_frozen(sheet, grid)
        ss.sheets.insert(index, sheet)
        for i, sh in enumerate(ss.sheets):
            sh.index = i
        return {"addSheet": {"properties": sheet.properties()}}

    @staticmethod
    def _set_frozen(sheet: Sheet, grid: dict, mask: dict | None = None) -> None:
        for name, attr, count in (("frozenRowCount", "frozen_rows", sheet.row_count),
                                  ("frozenColumnCount", "frozen_cols", sheet.col_count)):
            if mask is None or name in mask:
                n = _index(grid, name)
                if n > count:
                    raise ApiError(400, f"Invalid {name} {n}: the sheet has only {count}.")
                setattr(sheet, attr, n)

    def _do_updateSheetProperties(self, ss: Spreadsheet, spec: dict) -> None:
        props = _check_known(spec.get("properties", {}), ("sheetId", "title", "gridProperties"), "properties")
        sheet = self._sheet_by_id(ss, props.get("sheetId", 0))
        if not spec.get("fields"):
            raise ApiError(400, "At least one field must be specified.")
        mask = parse_mask(spec["fields"])
        if not set(mask) <= {"title", "gridProperties"}:
            raise ApiError(400, f"Invalid field mask {spec['fields']!r}: the test server supports title, "
                                "gridProperties.frozenRowCount, gridProperties.frozenColumnCount")
        grid_mask = mask.get("gridProperties") or {"frozenRowCount": None, "frozenColumnCount": None}
        if "gridProperties" in mask:
            if not set(grid_mask) <= {"frozenRowCount", "frozenColumnCount"}:
                raise ApiError(400, f"Invalid field mask {spec['fields']!r}: of gridProperties the test server "
                                    "supports frozenRowCount, frozenColumnCount")
            grid = _check_known(props.get("gridProperties", {}), GRID_PROPERTIES, "properties.gridProperties")
            self._set_frozen(sheet, grid, grid_mask)
        if "title" in mask:
            title = props.get("title")
            if not isinstance(title, str) or not title.strip():
                raise ApiError(400, f"Invalid value at 'properties.title', {json.dumps(title)}")
            if any(sh is not sheet and sh.title.casefold() == title.casefold() for sh in ss.sheets):
                raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
            sheet.title = title

    def _do_mergeCells(self, ss: Spreadsheet, spec: dict) -> None:
        sheet, r0, r1, c0, c1 = self._grid_range(ss, spec.get("range", {}))
        kind = spec.get("mergeType", "MERGE_ALL")
        if kind not in MERGE_TYPES:
            raise ApiError(400, f"Invalid value at 'merge_type' (type.googleapis.com/google.apps.sheets.v4.MergeType), "
                                f"{json.dumps(kind)}")
        boxes = ([(r0, c0, r1, c1)] if kind == "MERGE_ALL" else
                 [(r0, c, r1, c + 1) for c in range(c0, c1)] if kind == "MERGE_COLUMNS" else
                 [(r, c0, r + 1, c1) for r in range(r0, r1)])
        for box in boxes:
            if (box[2] - box[0]) * (box[3] - box[1]) < 2:
                raise ApiError(400, "Must merge at least two cells.")
            if any(_overlaps(m, *box) for m in sheet.merges):
                raise ApiError(400, "You can't merge cells that overlap with an existing merge.")
            _merge(sheet, *box)

    def _do_setDataValidation(self, ss: Spreadsheet, spec: dict) -> None:
        sheet, r0, r1, c0, c1 = self._grid_range(ss, spec.get("range", {}))
        rule = spec.get("rule")
        if rule is not None:
            rule = copy.deepcopy(self._validation_rule(rule))
        for r in range(r0, r1):
            for c in range(c0, c1):
                if rule is None:
                    sheet.validations.pop((r, c), None)  # no rule: clear
                else:
                    sheet.validations[(r, c)] = rule

    @staticmethod
    def _validation_rule(rule: Any) -> dict:
        """Check a DataValidationRule as the API does (the parts this server models)."""
        _check_known(rule, ("condition", "inputMessage", "strict", "showCustomUi"), "rule")
        cond = rule.get("condition")
        if cond is None:
            raise ApiError(400, "Invalid rule: a data validation rule requires a condition.")
        _check_known(cond, ("type", "values"), "rule.condition")
        kind, values = cond.get("type"), cond.get("values", [])
        if kind not in CONDITION_TYPES:
            raise ApiError(400, "Invalid value at 'rule.condition.type' "
                                f"(type.googleapis.com/google.apps.sheets.v4.ConditionType), {json.dumps(kind)}")
        if not isinstance(values, list):
            raise ApiError(400, "Invalid value at 'rule.condition.values': a list is required")
        for i, v in enumerate(values):
            _check_known(v, ("userEnteredValue", "relativeDate"), f"rule.condition.values[{i}]")
            if "relativeDate" in v:
                raise ApiError(400, "Invalid data validation rule: relative dates are not supported in data "
                                    "validation.")
            if not isinstance(v.get("userEnteredValue"), str):
                raise ApiError(400, f"Invalid value at 'rule.condition.values[{i}].user_entered_value'")
        want = 0 if kind in NO_VALUES else 2 if kind in TWO_VALUES else None if kind == "ONE_OF_LIST" else 1
        if (want is None and not values) or (want is not None and len(values) != want):
            raise ApiError(400, f"Invalid condition {kind}: it takes {'one or more' if want is None else want} "
                                f"value(s), not {len(values)}.")
        if kind == "CUSTOM_FORMULA" and not values[0]["userEnteredValue"].startswith("="):
            raise ApiError(400, "CUSTOM_FORMULA takes exactly one value: a formula starting with '='.")
        for name in ("strict", "showCustomUi"):
            if not isinstance(rule.get(name, False), bool):
                raise ApiError(400, f"Invalid value at 'rule.{name}', {json.dumps(rule[name])}")
        if not isinstance(rule.get("inputMessage", ""), str):
            raise ApiError(400, f"Invalid value at 'rule.input_message', {json.dumps(rule['inputMessage'])}")
        return rule


class _Handler(BaseHTTPRequestHandler):
    owner: SheetsServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        srv = self.owner
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path == "/token":
            with srv._lock:
                srv.token_requests += 1
            try:
                if method != "POST":
                    raise ApiError(405, "POST only")
                self._send(200, srv.issue_token(parse_qs(raw.decode())))
            except ApiError as e:
                self._send(e.code, getattr(e, "oauth", None) or e.body())
            return
        entry = {"method": method, "path": path, "query": query, "body": None, "endpoint": None, "status": None}
        headers: dict = {}
        with srv._lock:
            srv.log.append(entry)
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            entry["body"] = body
            try:
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in srv.tokens:
                    headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
                    raise ApiError(
                        401,
                        "Request is missing required authentication credential. Expected OAuth 2 access token, "
                        "login cookie or other valid authentication credential.",
                    )
                srv.counts["total"] += 1
                endpoint = _endpoint_name(path)
                entry["endpoint"] = endpoint
                if endpoint:
                    srv.counts[endpoint] += 1
                if len(raw) > MAX_PAYLOAD:
                    raise ApiError(400, f"Request payload size exceeds the limit: {MAX_PAYLOAD} bytes.")
                if srv._fail:
                    status, retry_after = srv._fail.pop(0)
                    if retry_after is not None:
                        headers["Retry-After"] = retry_after
                    raise ApiError(status, DEFAULT_MESSAGES.get(status, "Injected failure."))
                endpoint, payload = srv.handle_api(method, path, query, body)
                status = 200
                for callback in srv._after_next.pop(endpoint, []):
                    callback(srv)  # the answer is computed; for the client the change comes after it
            except ApiError as e:
                status, payload = e.code, e.body()
            entry["status"] = status
        self._send(status, payload, headers)


# ---------------------------------------------------------------- gspread + service account helpers


def api_http_client(base_url: str) -> type:
    """A gspread HTTPClient subclass sending every Sheets API call to `base_url` instead of
    https://sheets.googleapis.com (pass it as `gspread.Client(auth=creds, http_client=...)`).
    Same idea works for BackOffHTTPClient."""
    import gspread.http_client

    base = base_url.rstrip("/")

    class RedirectedHTTPClient(gspread.http_client.HTTPClient):
        def request(self, method, endpoint, *args, **kwargs):  # type: ignore[override]
            if endpoint.startswith(GOOGLE_API_PREFIX):
                endpoint = base + endpoint[len(GOOGLE_API_PREFIX) :]
            return super().request(method, endpoint, *args, **kwargs)

    return RedirectedHTTPClient


def make_service_account(
    tmp_path: Path,
    server: SheetsServer,
    client_email: str = "robot@office-assistant-test.iam.gserviceaccount.com",
    trusted: bool = True,
) -> Path:
    """Write `tmp_path`/service-account.json, a key (a fresh 2048-bit RSA key) whose token_uri is
    the server's /token. The server then trusts its public key for `client_email`, in place of
    any earlier one; with trusted=False it does not (a key Google would refuse)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    if trusted:
        server.trusted_keys[client_email] = key.public_key()
    info = {
        "type": "service_account",
        "project_id": "office-assistant-test",
        "private_key_id": f"{abs(hash(pem)):040x}"[:40],
        "private_key": pem,
        "client_email": client_email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": server.token_url,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/robot",
        "universe_domain": "googleapis.com",
    }
    path = Path(tmp_path) / "service-account.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info, indent=2))
    return path


@pytest.fixture
def sheets_server():
    """A started SheetsServer, stopped after the test."""
    server = SheetsServer().start()
    try:
        yield server
    finally:
        server.stop()
