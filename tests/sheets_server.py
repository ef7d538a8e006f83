"""A fake Google Sheets API v4 (+ OAuth token endpoint) on 127.0.0.1, for tests.

It speaks the subset gspread 6.2.1 uses for reading/writing values and formatting cells,
with the real JSON shapes, so the unmodified gspread client (and google-auth) can be pointed
at it:

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
    GET  /v4/spreadsheets/{id}                      spreadsheets.get (metadata)
    GET  /v4/spreadsheets/{id}/values:batchGet      values.batchGet
    POST /v4/spreadsheets/{id}/values:batchUpdate   values.batchUpdate
    POST /v4/spreadsheets/{id}:batchUpdate          spreadsheets.batchUpdate (repeatCell, updateCells)
    POST /token                                     JWT-bearer grant, RS256 checked against the
                                                    public keys of make_service_account()

Instrumentation: `counts` (Counter by endpoint name + "total"; /token counted in
`token_requests` only), `log` (list of dicts), `fail_next(n, status, retry_after)`,
`before_write(callback)`, `requests_received` (spreadsheets.batchUpdate requests), `formats`/
`notes` keyed by (spreadsheet_id, sheetId, row0, col0).
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from assistant.text import col_index, col_letter

GOOGLE_API_PREFIX = "https://sheets.googleapis.com"
GOOGLE_TOKEN_AUD = "https://oauth2.googleapis.com/token"
EPOCH = dt.datetime(1899, 12, 30)

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


class Sheet:
    def __init__(self, title: str, sheet_id: int, index: int, rows: list[list], row_count: int, col_count: int):
        self.title, self.sheet_id, self.index = title, sheet_id, index
        self.rows = [list(r) for r in rows]
        self.row_count = max(row_count, len(self.rows))
        self.col_count = max(col_count, max((len(r) for r in self.rows), default=0))

    def properties(self) -> dict:
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.col_count},
        }

    def get(self, r: int, c: int) -> Any:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def set(self, r: int, c: int, v: Any) -> None:
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


def a1(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> str:
    start = f"{col_letter(c0)}{r0 + 1}"
    end = f"{col_letter(max(c1 - 1, c0))}{max(r1, r0 + 1)}"
    return f"{quote_sheet(sheet.title)}!{start}" + ("" if start == end else f":{end}")


def render(value: Any, value_option: str, date_option: str) -> Any:
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
    return value  # formulas ("=…") are kept as their text; nothing is evaluated


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
        self.requests_received: list[dict] = []  # every request of spreadsheets.batchUpdate, in order
        self.formats: dict[tuple, dict] = {}
        self.notes: dict[tuple, str] = {}
        self.token_lifetime = 3600
        self._fail: list[tuple[int, Any]] = []
        self._before_write: list[Callable] = []
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle
    def start(self) -> "SheetsServer":
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

    def __enter__(self) -> "SheetsServer":
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

    def values(self, spreadsheet_id: str, sheet_title: str) -> list[list]:
        """The stored rows of a sheet (a copy), as Python values."""
        return [list(r) for r in self.spreadsheets[spreadsheet_id].sheet(sheet_title).rows]

    def insert_row(self, spreadsheet_id: str, sheet_title: str, index0: int, row: list) -> None:
        """Insert a row before 0-based `index0` (like a human inserting a row in the UI)."""
        with self._lock:
            sh = self.spreadsheets[spreadsheet_id].sheet(sheet_title)
            while len(sh.rows) < index0:
                sh.rows.append([])
            sh.rows.insert(index0, list(row))
            sh.row_count += 1
            sh.col_count = max(sh.col_count, len(row))

    def format_at(self, spreadsheet_id: str, sheet_title: str, row0: int, col0: int) -> dict | None:
        sh = self.spreadsheets[spreadsheet_id].sheet(sheet_title)
        return self.formats.get((spreadsheet_id, sh.sheet_id, row0, col0))

    def note_at(self, spreadsheet_id: str, sheet_title: str, row0: int, col0: int) -> str | None:
        sh = self.spreadsheets[spreadsheet_id].sheet(sheet_title)
        return self.notes.get((spreadsheet_id, sh.sheet_id, row0, col0))

    # ---- instrumentation
    def fail_next(self, n: int = 1, status: int = 429, retry_after: Any = None) -> None:
        with self._lock:
            self._fail.extend([(status, retry_after)] * n)

    def before_write(self, callback: Callable[["SheetsServer"], Any]) -> None:
        """`callback(server)` runs once, just before the next values:batchUpdate is applied."""
        with self._lock:
            self._before_write.append(callback)

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
            raise deny("Invalid JWT: malformed")
        if header.get("alg") != "RS256":
            raise deny("Invalid JWT: alg")
        key = self.trusted_keys.get(claims.get("iss"))
        if key is None:
            raise deny("Invalid JWT Signature.")
        try:
            key.verify(sig, f"{h64}.{c64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise deny("Invalid JWT Signature.")
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
        m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(:batchUpdate|/values:batchGet|/values:batchUpdate)?", path)
        if not m:
            raise ApiError(404, "Requested entity was not found.")
        sid, suffix = unquote(m.group(1)), m.group(2)
        endpoint = {
            None: "spreadsheets.get",
            ":batchUpdate": "spreadsheets.batchUpdate",
            "/values:batchGet": "values.batchGet",
            "/values:batchUpdate": "values.batchUpdate",
        }[suffix]
        want = "GET" if endpoint in ("spreadsheets.get", "values.batchGet") else "POST"
        if method != want:
            raise ApiError(405, f"Method {method} not allowed", "METHOD_NOT_ALLOWED")
        ss = self.spreadsheets.get(sid)
        if ss is None:
            raise ApiError(404, "Requested entity was not found.")
        if not ss.shared:
            raise ApiError(403, "The caller does not have permission")
        return endpoint, getattr(self, "_" + endpoint.replace(".", "_"))(ss, query, body)

    def _spreadsheets_get(self, ss: Spreadsheet, query: dict, body: Any) -> dict:
        out = {
            "spreadsheetId": ss.id,
            "properties": {"title": ss.title, "locale": "en_US", "timeZone": "Etc/GMT", "autoRecalc": "ON_CHANGE"},
            "sheets": [{"properties": s.properties()} for s in ss.sheets],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{ss.id}/edit",
        }
        fields = query.get("fields", [""])[0]
        if fields:  # loosely: keep only the top-level keys named
            top = {f.split(".")[0].split("(")[0].strip() for f in re.split(r",(?![^(]*\))", fields)}
            out = {k: v for k, v in out.items() if k in top} or out
        return out

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
        vio = body.get("valueInputOption")
        if vio not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified")
        while self._before_write:
            self._before_write.pop(0)(self)
        planned = []
        for item in body.get("data", []):
            sheet, r0, c0, r1, c1 = ss.parse_range(item.get("range", ""))
            values = item.get("values", [])
            if item.get("majorDimension", "ROWS") == "COLUMNS":
                h = max((len(c) for c in values), default=0)
                values = [[c[i] if i < len(c) else None for c in values] for i in range(h)]
            height, width = len(values), max((len(r) for r in values), default=0)
            if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
                raise ApiError(
                    400,
                    f"Range ({item.get('range')}) exceeds grid limits. Max rows: {sheet.row_count}, "
                    f"max columns: {sheet.col_count}",
                )
            planned.append((sheet, r0, c0, values, height, width))
        responses, cells, sheets_touched = [], 0, set()
        for sheet, r0, c0, values, height, width in planned:
            n = 0
            for i, row in enumerate(values):
                for j, v in enumerate(row):
                    if v is None:
                        continue  # null = leave the cell alone, as the API does
                    sheet.set(r0 + i, c0 + j, v if vio == "RAW" else parse_user_entered(v))
                    n += 1
            cells += n
            sheets_touched.add(sheet.sheet_id)
            responses.append(
                {
                    "spreadsheetId": ss.id,
                    "updatedRange": a1(sheet, r0, c0, r0 + height, c0 + width),
                    "updatedRows": height,
                    "updatedColumns": width,
                    "updatedCells": n,
                }
            )
        return {
            "spreadsheetId": ss.id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
            "totalUpdatedCells": cells,
            "totalUpdatedSheets": len(sheets_touched),
            "responses": responses,
        }

    def _spreadsheets_batchUpdate(self, ss: Spreadsheet, query: dict, body: Any) -> dict:
        reqs = (body or {}).get("requests")
        if not isinstance(reqs, list):
            raise ApiError(400, "Invalid requests: requests must be a list")
        for i, req in enumerate(reqs):  # validate everything before applying anything (atomic, like the API)
            kinds = list(req)
            if len(kinds) != 1 or kinds[0] not in ("repeatCell", "updateCells"):
                raise ApiError(
                    400,
                    f"Invalid JSON payload received. Unknown name \"{kinds[0] if kinds else ''}\" "
                    f"at 'requests[{i}]': Cannot find field.",
                )
        for req in reqs:
            self.requests_received.append(req)
            kind, spec = next(iter(req.items()))
            fields = spec.get("fields", "*")
            if kind == "repeatCell":
                sheet, r0, r1, c0, c1 = self._grid(ss, spec.get("range", {}))
                for r in range(r0, r1):
                    for c in range(c0, c1):
                        self._apply_cell(ss, sheet, r, c, spec.get("cell", {}), fields)
            else:
                if "start" in spec:
                    st = spec["start"]
                    sheet = self._sheet_by_id(ss, st.get("sheetId", 0))
                    r0, c0 = st.get("rowIndex", 0), st.get("columnIndex", 0)
                else:
                    sheet, r0, _, c0, _ = self._grid(ss, spec.get("range", {}))
                for i, row in enumerate(spec.get("rows", [])):
                    for j, cell in enumerate(row.get("values", [])):
                        self._apply_cell(ss, sheet, r0 + i, c0 + j, cell, fields)
        return {"spreadsheetId": ss.id, "replies": [{} for _ in reqs]}

    def _sheet_by_id(self, ss: Spreadsheet, sheet_id: int) -> Sheet:
        sheet = ss.sheet_by_id(sheet_id)
        if sheet is None:
            raise ApiError(400, f"Invalid requests[0]: No grid with id: {sheet_id}")
        return sheet

    def _grid(self, ss: Spreadsheet, gr: dict) -> tuple[Sheet, int, int, int, int]:
        sheet = self._sheet_by_id(ss, gr.get("sheetId", 0))
        return (
            sheet,
            gr.get("startRowIndex", 0),
            gr.get("endRowIndex", sheet.row_count),
            gr.get("startColumnIndex", 0),
            gr.get("endColumnIndex", sheet.col_count),
        )

    def _apply_cell(self, ss: Spreadsheet, sheet: Sheet, r: int, c: int, cell: dict, fields: str) -> None:
        key = (ss.id, sheet.sheet_id, r, c)
        wanted = [f.strip() for f in fields.split(",")]
        every = "*" in wanted

        def covers(name: str) -> bool:
            return every or any(w == name or w.startswith(name + ".") or name.startswith(w + ".") for w in wanted)

        if covers("userEnteredFormat"):
            fmt = dict(self.formats.get(key, {}))
            new = cell.get("userEnteredFormat", {})
            if every or "userEnteredFormat" in wanted:
                fmt = dict(new)
            else:
                for w in wanted:
                    if w.startswith("userEnteredFormat."):
                        sub = w.split(".", 1)[1]
                        if sub in new:
                            fmt[sub] = new[sub]
                        else:
                            fmt.pop(sub, None)
            if fmt:
                self.formats[key] = fmt
            else:
                self.formats.pop(key, None)
        if covers("note"):
            if cell.get("note"):
                self.notes[key] = cell["note"]
            else:
                self.notes.pop(key, None)
        if covers("userEnteredValue") and "userEnteredValue" in cell:
            uev = cell["userEnteredValue"]
            v = next(iter(uev.values())) if uev else None
            sheet.set(r, c, v)


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
                if srv._fail:
                    status, retry_after = srv._fail.pop(0)
                    if retry_after is not None:
                        headers["Retry-After"] = retry_after
                    raise ApiError(status, DEFAULT_MESSAGES.get(status, "Injected failure."))
                _, payload = srv.handle_api(method, path, query, body)
                status = 200
            except ApiError as e:
                status, payload = e.code, e.body()
            entry["status"] = status
        self._send(status, payload, headers)


def _endpoint_name(path: str) -> str | None:
    if path.endswith("/values:batchGet"):
        return "values.batchGet"
    if path.endswith("/values:batchUpdate"):
        return "values.batchUpdate"
    if path.endswith(":batchUpdate"):
        return "spreadsheets.batchUpdate"
    if re.fullmatch(r"/v4/spreadsheets/[^/:]+", path):
        return "spreadsheets.get"
    return None


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
    tmp_path: Path, server: SheetsServer, client_email: str = "robot@office-assistant-test.iam.gserviceaccount.com"
) -> Path:
    """Write a service-account key JSON (a fresh 2048-bit RSA key) whose token_uri is the server's
    /token; the server trusts its public key for `client_email`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
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
