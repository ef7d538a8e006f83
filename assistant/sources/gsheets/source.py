"""Google Sheets as a source: the same registers, findings, statuses and write-back rules as an
xlsx file, in at most three API requests per spreadsheet for a whole check + flag + write-back:

1. spreadsheets.get, metadata only: the worksheets (titles, ids, sizes), their merged ranges and
   their conditional formats, so sheets are matched as in xlsx (spaces and full-width forms
   ignored), a missing one is named with what there is, cells merged down read as in xlsx (see
   assistant.sources.merges), and our colour rules can be compared with what is there;
2. values:batchGet of every register's sheet at once, UNFORMATTED_VALUE with SERIAL_NUMBER dates
   (turned into dates for date fields when the table is built, as calamine gives xlsx dates);
3. one spreadsheets:batchUpdate with all that differs (split in order only when that is over the
   API's 10 MB request limit, as on a first run over tens of thousands of rows): our columns'
   values (updateCells with stringValue/numberValue, which like RAW input never makes text a
   formula), new columns, our conditional-format rules and our columns' look (hints wrapped, the
   legend on the status header). It is atomic, and it is checked by
   key: its response carries the header row and the key column as they were when the write was
   applied; when they differ from our read (a row inserted, deleted or moved, a column inserted),
   the job re-reads, re-plans and writes again at once, so each status ends up on its own key. A
   separate read just before the write would cost a fourth request and still leave a gap before
   the write; the write's own response has none.

A rerun with nothing new sends no write at all (two requests). The values read are kept as a
backup (.assistant/backups/<workbook>/<key>.<time>.json.gz, the last N) before anything is
written; Google's version history holds the rest.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.i18n import tr
from assistant.sources.base import (
    ApplyReport,
    Grid,
    StaleAfterWrite,
    StalePlan,
    backup_settings,
    keep_backup,
    read_matching,
)
from assistant.sources.gsheets.http import api_base, connect, spreadsheet_key, translate
from assistant.sources.gsheets.plan import (
    SheetState,
    anchor_ranges,
    desired_rules,
    grid_requests,
    look_requests,
    moved,
    quote,
    rule_requests,
    value_requests,
)
from assistant.sources.merges import Merge, fill_merges, refuse_merged_outputs
from assistant.text import may_hold_surrogates, scrub_surrogates
from assistant.writeback import SheetPatch

if TYPE_CHECKING:
    from assistant.config import Config, WorkbookConfig

METADATA_FIELDS = ("properties.title,sheets(properties(sheetId,title,index,sheetType,"
                   "gridProperties(rowCount,columnCount)),merges,conditionalFormats)")
METADATA_URL = "https://sheets.googleapis.com/v4/spreadsheets/%s"  # gspread's URLs, as its client rewrites them
VALUES_URL = METADATA_URL + "/values:batchGet"
BATCH_UPDATE_URL = METADATA_URL + ":batchUpdate"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
MAX_PAYLOAD = 9_000_000  # bytes per batchUpdate; the API refuses requests over 10,485,760
READ_OPTIONS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                "majorDimension": "ROWS"}


def from_config(wb: WorkbookConfig, config: Config | None = None) -> GSheetsSource:
    """The source for a `[[workbooks]]` entry naming a spreadsheet (the registry's factory). No
    request is made and no credentials are read yet."""
    backups, keep = backup_settings(wb, config)
    api_base(wb)  # a bad api_url is a config error now, not at the first request
    return GSheetsSource(wb.name, spreadsheet_key(wb.source), lambda: connect(wb), backups=backups, keep_backups=keep,
                         tz=config.tz if config is not None else None)


class GSheetsSource:
    serial_dates = True  # UNFORMATTED_VALUE gives dates as serial numbers
    forkable = False  # its HTTP session and connections must not be shared with a forked process

    def __init__(self, name: str, key: str, connect: Callable[[], Any], backups: Path | None = None,
                 keep_backups: int = 10, max_payload: int = MAX_PAYLOAD, tz: dt.tzinfo | None = None):
        self.name = name
        self.tz = tz  # the office's: the time in the names of backups
        self.key = key
        self.backups = backups
        self.keep_backups = keep_backups
        self.max_payload = max_payload
        self.fingerprint: str | None = None
        self._connect = connect  # builds the HTTP client: credentials are read on first use only
        self._client: Any = None
        self._title: str | None = None
        self._sheets: dict[str, dict] | None = None  # title -> {"properties", "merges", "conditionalFormats"}
        self._grids: dict[str, Grid] = {}  # as read: what a write is compared with and backed up

    @property
    def location(self) -> str:
        return f"{self._title}（{self.key}）" if self._title else f"gsheets:{self.key}"

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        """One API call's decoded JSON, every lone surrogate in it replaced by U+FFFD. Sheets can
        hold text with half of a surrogate pair and its JSON then carries a "\\ud800" escape:
        decoded, that is a str no codec can encode (terminal, JSON output, backup, mail, the next
        write). Scrubbed here, where the source hands values and titles out, and in the write's
        response too, so the key column it returns compares equal to the scrubbed read."""
        def call() -> Any:
            response = self.client.request(method, url % self.key, **kwargs)
            data = response.json()
            return scrub_surrogates(data) if may_hold_surrogates(response.content) else data

        return self._guarded(call)

    def _guarded(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Exception as exc:  # the API's, the token endpoint's and the network's: as a message
            email = getattr(getattr(self._client, "auth", None), "service_account_email", None)
            raise translate(exc, self.name, self.key, email) from None

    # --- reading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._sheets, self._grids, self.fingerprint = None, {}, None

    def _metadata(self) -> dict[str, dict]:
        if self._sheets is None:
            meta = self._request("get", METADATA_URL,
                                 params={"fields": METADATA_FIELDS, "includeGridData": "false"})
            self._title = meta.get("properties", {}).get("title") or self._title
            self._sheets = {s["properties"]["title"]: s for s in meta.get("sheets", [])
                            if s.get("properties", {}).get("sheetType", "GRID") == "GRID"}
        return self._sheets

    def sheet_names(self) -> list[str]:
        return list(self._metadata())

    def grids(self, sheets: list[str]) -> dict[str, Grid]:
        missing = [s for s in sheets if s not in self._grids]
        if missing:
            reply = self._request("get", VALUES_URL, params={**READ_OPTIONS, "ranges": [quote(s) for s in missing]})
            for title, vr in zip(missing, reply.get("valueRanges", []), strict=False):
                self._grids[title] = vr.get("values", [])
            # Names this read: a plan is applied only after the read it was made from. Whether the
            # sheet still matches it is checked by key in the write's response (see `apply`).
            self.fingerprint = uuid.uuid4().hex
        return {s: fill_merges(self._grids[s], self._merges(s)) for s in sheets}

    def date_cells(self, title: str) -> dict[tuple[int, int], bool]:
        """The cells of sheet `title` formatted as dates: (row, column), 0-based -> whether the format
        shows a time too. `grids` gives their values as serial numbers, which a reader with the
        schema turns into dates by field type; one without it (`assistant schema infer`) asks here."""
        fields = "sheets.data(startRow,startColumn,rowData.values.userEnteredFormat.numberFormat.type)"
        reply = self._request("get", METADATA_URL, params={"ranges": quote(title), "fields": fields})
        out: dict[tuple[int, int], bool] = {}
        for sheet in reply.get("sheets", []):
            for data in sheet.get("data", []):
                r0, c0 = data.get("startRow", 0), data.get("startColumn", 0)
                for i, row in enumerate(data.get("rowData", [])):
                    for j, cell in enumerate(row.get("values", [])):
                        kind = cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type")
                        if kind in ("DATE", "DATE_TIME"):
                            out[(r0 + i, c0 + j)] = kind == "DATE_TIME"
        return out

    def _merges(self, title: str) -> list[Merge]:
        """The sheet's merged ranges (GridRange: 0-based, end exclusive, an index of 0 left out)."""
        return [(m.get("startRowIndex", 0), m.get("startColumnIndex", 0),
                 m.get("endRowIndex", 0) - 1, m.get("endColumnIndex", 0) - 1)
                for m in self._metadata()[title].get("merges", []) if "endRowIndex" in m and "endColumnIndex" in m]

    def read_sheets(self, wanted: list[str]) -> dict[str, tuple[str, Grid]]:
        return read_matching(self, wanted)

    def sheet_properties(self) -> list[dict]:
        """Each worksheet's properties (sheetId, title, index, gridProperties), from the metadata."""
        return [s["properties"] for s in self._metadata().values()]

    def batch_update(self, requests: list[dict]) -> dict:
        """One spreadsheets.batchUpdate through gspread's own call: applied whole or not at all. A
        new sheet (`assistant template`) is made this way; the metadata is read afresh after it."""
        try:
            reply: dict = self._guarded(lambda: self.client.batch_update(self.key, {"requests": requests}))
            return reply
        finally:
            self.refresh()

    # --- write-back -------------------------------------------------------------------------------

    def _state(self, title: str) -> SheetState:
        sheet = self._metadata()[title]
        props = sheet["properties"]
        return SheetState(sheet_id=props.get("sheetId", 0),
                          columns=props.get("gridProperties", {}).get("columnCount", 0),
                          rows=props.get("gridProperties", {}).get("rowCount", 0),
                          rules=sheet.get("conditionalFormats", []), grid=self._grids[title])

    def apply(self, patches: list[SheetPatch], planned_from: str | None) -> ApplyReport:
        """Write what differs, in one atomic batchUpdate (more only past 10 MB); StalePlan when the
        sheet moved under us."""
        if planned_from is None or planned_from != self.fingerprint:
            raise StalePlan(tr("write.stale", path=self.location))
        planned: list[tuple[SheetPatch, dict]] = []  # each request with the patch it comes from
        cells = 0
        for patch in patches:
            refuse_merged_outputs(patch, self._merges(patch.sheet), self.location)  # before any request
            state = self._state(patch.sheet)
            values, n = value_requests(patch, state)
            rules = [] if patch.keep_rules else rule_requests(state, desired_rules(patch, state.sheet_id))
            requests = grid_requests(patch, state) + values + rules
            if requests:  # the look of our columns goes with a write, never on its own
                requests += look_requests(patch, state)
            planned += [(patch, r) for r in requests]
            cells += n
        if not planned:  # a rerun with nothing new: no write, no backup
            return ApplyReport(self.name, self.location, 0, None)
        backup = self._backup([p.sheet for p in patches])
        read = {p.sheet: self._grids[p.sheet] for p in patches}
        try:
            for batch in batches(planned, self.max_payload):  # one, unless it is over the API's 10 MB
                touched = list({id(p): p for p, _ in batch}.values())
                reply = self._post({"requests": [r for _, r in batch], "includeSpreadsheetInResponse": True,
                                    "responseIncludeGridData": True,
                                    "responseRanges": [a for p in touched for a in anchor_ranges(p.sheet, p)]})
                landed: dict[str, list[dict]] = {}
                for sheet in reply.get("updatedSpreadsheet", {}).get("sheets", []):
                    landed.setdefault(sheet["properties"]["title"], []).extend(sheet.get("data", []))
                for patch in touched:
                    data = landed.get(patch.sheet, [])
                    after, landed[patch.sheet] = data[:2], data[2:]
                    if moved(patch, read[patch.sheet], after):
                        raise StaleAfterWrite(tr("gsheets.moved", sheet=patch.sheet, path=self.location))
        except Exception:
            self.refresh()  # what we hold may no longer be what the sheet holds: read afresh
            raise
        # Written: the read is kept (a re-plan of another workbook in the same run judges this one
        # again without spending requests), but no plan made from it can be applied any more.
        self.fingerprint = None
        return ApplyReport(self.name, self.location, cells, backup)

    def _post(self, body: dict) -> dict:
        """spreadsheets:batchUpdate with the body as compact UTF-8 JSON: Chinese text costs 3 bytes
        a character instead of the 6 of an ASCII escape, which keeps more rows under the API's
        10 MB request limit."""
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return self._request("post", BATCH_UPDATE_URL, data=payload, headers=JSON_HEADERS)

    def _backup(self, sheets: list[str]) -> Path | None:
        """The values as read, before our write, kept with the workbook's other backups."""
        if self.backups is None:
            return None
        snapshot = {"spreadsheet": self.key, "title": self._title, "sheets": {s: self._grids[s] for s in sheets}}
        data = gzip.compress(json.dumps(snapshot, ensure_ascii=False, default=str).encode())
        return keep_backup(self.backups, self.key, ".json.gz", data, self.keep_backups, self.tz)


def batches(planned: list[tuple[SheetPatch, dict]], limit: int = MAX_PAYLOAD) -> list[list[tuple[SheetPatch, dict]]]:
    """The requests, in order, in as few batches as keep each under `limit` bytes of JSON."""
    out: list[list[tuple[SheetPatch, dict]]] = [[]]
    size = 0
    for item in planned:
        n = len(json.dumps(item[1], ensure_ascii=False, separators=(",", ":")).encode()) + 1
        if out[-1] and size + n > limit:
            out.append([])
            size = 0
        out[-1].append(item)
        size += n
    return out
