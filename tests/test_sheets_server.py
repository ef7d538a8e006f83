"""The fake Sheets API (tests/sheets_server.py) against the UNMODIFIED gspread 6.2.1 + google-auth."""

from __future__ import annotations

import datetime as dt

import gspread
import pytest
import requests
from google.oauth2.service_account import Credentials

from tests.sheets_server import Formula, SheetsServer, make_service_account, to_serial

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
UNFORMATTED = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
RED = {"red": 1.0, "green": 0.8, "blue": 0.8}
SHEET2 = 1001  # sheetId of the book's second sheet


@pytest.fixture
def key_file(tmp_path, sheets_server):
    return make_service_account(tmp_path, sheets_server)


@pytest.fixture
def gc(sheets_server, key_file):
    """A real gspread client; the only change: its HTTP client sends to the server's URL."""
    creds = Credentials.from_service_account_file(str(key_file), scopes=SCOPES)
    client = gspread.Client(auth=creds, http_client=sheets_server.http_client_class())
    client.set_timeout(5)
    return client


@pytest.fixture
def book(sheets_server):
    return sheets_server.add_spreadsheet(
        "督查台账",
        {
            "督查 督办": [
                ["事项", "截止", "完成", "数量", None],
                ["报告", dt.date(2026, 11, 20), False, 3, ""],
                ["会议", dt.datetime(2026, 12, 1, 12, 0), True, 2.5],
                [None, None, None, None],
                ["", ""],
            ],
            "Sheet2": [["a"]],
        },
    )


def test_open_worksheets_and_metadata(gc, sheets_server, book):
    ss = gc.open_by_key(book)
    assert ss.title == "督查台账"
    ws = ss.worksheets()
    assert [w.title for w in ws] == ["督查 督办", "Sheet2"]
    assert ws[0].id == 0 and ws[1].id != 0
    assert ws[0].row_count == 1000 and ws[0].col_count == 26
    assert sheets_server.token_requests == 1  # one token, reused
    assert sheets_server.counts["spreadsheets.get"] == 2 and sheets_server.counts["total"] == 2
    claims = sheets_server.token_claims[0]
    assert claims["aud"] == "https://oauth2.googleapis.com/token" and claims["scope"] == SCOPES[0]


def test_batch_get_unformatted_serial_quoted_and_trimmed(gc, book):
    ss = gc.open_by_key(book)
    res = ss.values_batch_get(["'督查 督办'!A1:Z", "'督查 督办'", "Sheet2!A1:B2"], params=dict(UNFORMATTED))
    assert res["spreadsheetId"] == book
    a, whole, b = res["valueRanges"]
    assert a["range"] == "'督查 督办'!A1:Z1000" and a["majorDimension"] == "ROWS"
    assert whole["range"] == "'督查 督办'!A1:Z1000"
    assert a["values"] == [
        ["事项", "截止", "完成", "数量"],  # trailing empty cells trimmed
        ["报告", to_serial(dt.date(2026, 11, 20)), False, 3],
        ["会议", to_serial(dt.datetime(2026, 12, 1, 12)), True, 2.5],
    ]  # trailing empty rows trimmed
    assert a["values"][1][1] == 46346 and a["values"][2][1] == 46357.5
    assert whole["values"] == a["values"]
    assert b == {"range": "Sheet2!A1:B2", "majorDimension": "ROWS", "values": [["a"]]}


def test_batch_get_formatted_and_empty_range(gc, book):
    ss = gc.open_by_key(book)
    res = ss.values_batch_get(["'督查 督办'!B2:D3", "Sheet2!C5:D9"])  # default FORMATTED_VALUE
    assert res["valueRanges"][0]["values"] == [["2026-11-20", "FALSE", "3"], ["2026-12-01 12:00:00", "TRUE", "2.5"]]
    assert "values" not in res["valueRanges"][1]  # the API omits values for an all-empty range
    res = ss.values_batch_get(
        ["'督查 督办'!B2"], params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"}
    )
    assert res["valueRanges"][0]["values"] == [["2026-11-20"]]


def test_bad_range_is_400(gc, book):
    ss = gc.open_by_key(book)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ss.values_batch_get(["'No such'!A1:B2"])
    assert err.value.code == 400 and err.value.error["status"] == "INVALID_ARGUMENT"
    assert "Unable to parse range" in err.value.error["message"]


def test_values_batch_update_raw(gc, sheets_server, book):
    ss = gc.open_by_key(book)
    res = ss.values_batch_update(
        {
            "valueInputOption": "RAW",
            "data": [
                {"range": "'督查 督办'!E1:E3", "values": [["状态"], ["=SUM(1,2)"], ["12"]]},
                {"range": "Sheet2!B1:C1", "values": [[None, 7]]},
            ],
        }
    )
    assert res["totalUpdatedCells"] == 4 and res["totalUpdatedSheets"] == 2
    assert res["responses"][0]["updatedRange"] == "'督查 督办'!E1:E3"
    rows = sheets_server.values(book, "督查 督办")
    assert [r[4] for r in rows[:3]] == ["状态", "=SUM(1,2)", "12"]  # RAW: text stays text
    assert sheets_server.values(book, "Sheet2") == [["a", None, 7]]  # null skipped
    assert sheets_server.formulas_written == 0
    got = ss.values_batch_get(["'督查 督办'!E1:E3"], params=dict(UNFORMATTED))["valueRanges"][0]["values"]
    assert got == [["状态"], ["=SUM(1,2)"], ["12"]]
    assert sheets_server.counts["values.batchUpdate"] == 1
    assert sheets_server.log[-2]["body"]["valueInputOption"] == "RAW"


def test_user_entered_parses(gc, sheets_server, book):
    gc.open_by_key(book).values_batch_update(
        {"valueInputOption": "USER_ENTERED", "data": [{"range": "Sheet2!A2:C2", "values": [["12", "TRUE", "x"]]}]}
    )
    assert sheets_server.values(book, "Sheet2")[1] == [12, True, "x"]


def test_write_beyond_grid_is_400(gc, sheets_server):
    sid = sheets_server.add_spreadsheet("small", {"S": [["a"]]}, row_count=2, col_count=2)
    with pytest.raises(gspread.exceptions.APIError) as err:
        gc.open_by_key(sid).values_batch_update({"valueInputOption": "RAW", "data": [{"range": "S!A3", "values": [["x"]]}]})
    assert err.value.code == 400 and "exceeds grid limits" in err.value.error["message"]


def test_before_write_hook_runs_once_before_the_write(gc, sheets_server, book):
    ss = gc.open_by_key(book)
    seen = []

    def insert(server):
        seen.append(server.values(book, "Sheet2"))
        server.insert_row(book, "Sheet2", 0, ["inserted"])

    sheets_server.before_write(insert)
    ss.values_batch_update({"valueInputOption": "RAW", "data": [{"range": "Sheet2!B1", "values": [["w"]]}]})
    ss.values_batch_update({"valueInputOption": "RAW", "data": [{"range": "Sheet2!C1", "values": [["v"]]}]})
    assert seen == [[["a"]]]
    assert sheets_server.values(book, "Sheet2") == [["inserted", "w", "v"], ["a"]]


def test_batch_update_repeat_cell_and_note(gc, sheets_server, book):
    ss = gc.open_by_key(book)
    red = {"red": 1.0, "green": 0.8, "blue": 0.8}
    res = ss.batch_update(
        {
            "requests": [
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
                        "cell": {"userEnteredFormat": {"backgroundColor": red}},
                        "fields": "userEnteredFormat.backgroundColor",
                    }
                },
                {
                    "updateCells": {
                        "rows": [{"values": [{"note": "逾期"}]}],
                        "fields": "note",
                        "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 1},
                    }
                },
            ]
        }
    )
    assert res == {"spreadsheetId": book, "replies": [{}, {}]}
    assert sheets_server.format_at(book, "督查 督办", 1, 0) == {"backgroundColor": red}
    assert sheets_server.format_at(book, "督查 督办", 1, 1) == {"backgroundColor": red}
    assert sheets_server.format_at(book, "督查 督办", 2, 0) is None
    assert sheets_server.note_at(book, "督查 督办", 1, 1) == "逾期"
    assert [next(iter(r)) for r in sheets_server.requests_received] == ["repeatCell", "updateCells"]
    assert sheets_server.counts["spreadsheets.batchUpdate"] == 1


def test_unknown_batch_request_is_400(gc, sheets_server, book):
    ss = gc.open_by_key(book)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ss.batch_update({"requests": [{"frobnicate": {}}]})
    assert err.value.code == 400 and "frobnicate" in err.value.error["message"]
    assert sheets_server.requests_received == []


def test_fail_next_429_with_retry_after(gc, sheets_server, book):
    ss = gc.open_by_key(book)
    sheets_server.fail_next(1, status=429, retry_after=7)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ss.values_batch_get(["Sheet2"])
    assert err.value.code == 429 and err.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert err.value.response.headers["Retry-After"] == "7"
    assert ss.values_batch_get(["Sheet2"])["valueRanges"][0]["values"] == [["a"]]  # next call fine
    sheets_server.fail_next(2, status=500)
    for _ in range(2):
        with pytest.raises(gspread.exceptions.APIError) as err:
            ss.worksheets()
        assert err.value.code == 500 and "Retry-After" not in err.value.response.headers
    assert sheets_server.counts["values.batchGet"] == 2 and sheets_server.counts["total"] == 5


def test_401_without_token(sheets_server, book):
    r = requests.get(f"{sheets_server.url}/v4/spreadsheets/{book}", timeout=5)
    assert r.status_code == 401 and r.json()["error"]["status"] == "UNAUTHENTICATED"
    r = requests.get(
        f"{sheets_server.url}/v4/spreadsheets/{book}", headers={"Authorization": "Bearer forged"}, timeout=5
    )
    assert r.status_code == 401
    assert sheets_server.counts["total"] == 0 and len(sheets_server.log) == 2


def test_revoked_token_is_refreshed_by_google_auth(gc, sheets_server, book):
    gc.open_by_key(book)
    sheets_server.revoke_tokens()
    assert gc.open_by_key(book).title == "督查台账"  # AuthorizedSession refreshes on 401 and retries
    assert sheets_server.token_requests == 2


def test_token_endpoint_rejects_an_untrusted_key(tmp_path, sheets_server, book):
    make_service_account(tmp_path / "good", sheets_server)
    key = make_service_account(tmp_path / "bad", sheets_server, trusted=False)  # same email, other key
    creds = Credentials.from_service_account_file(str(key), scopes=SCOPES)
    gc = gspread.Client(auth=creds, http_client=sheets_server.http_client_class())
    with pytest.raises(Exception) as err:
        gc.open_by_key(book)
    assert "invalid_grant" in str(err.value) and "Signature" in str(err.value)
    assert sheets_server.counts["total"] == 0


def test_token_endpoint_rejects_foreign_key(tmp_path, sheets_server, book):
    other = SheetsServer()  # a key the server never trusted, same email, same token_uri
    other._httpd = sheets_server._httpd
    key = make_service_account(tmp_path, other)
    creds = Credentials.from_service_account_file(str(key), scopes=SCOPES)
    gc = gspread.Client(auth=creds, http_client=sheets_server.http_client_class())
    with pytest.raises(Exception) as err:
        gc.open_by_key(book)
    assert "invalid_grant" in str(err.value) and "Signature" in str(err.value)
    other._httpd = None


def test_404_unknown_spreadsheet(gc):
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound) as err:
        gc.open_by_key("nope")
    api = err.value.__cause__  # gspread raises SpreadsheetNotFound(...) from the APIError
    assert api.code == 404
    assert api.response.json()["error"] == {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}


def test_403_not_shared(gc, sheets_server):
    sid = sheets_server.add_spreadsheet("private", {"S": [["x"]]}, shared=False)
    with pytest.raises(PermissionError) as err:
        gc.open_by_key(sid)
    api = err.value.__cause__
    assert api.code == 403 and api.error["status"] == "PERMISSION_DENIED"


# ---------------------------------------------------------------- spreadsheets.get with grid data


def meta(gc, sid, **params):
    """spreadsheets.get the way the product calls it (lists become repeated query params)."""
    return gc.http_client.fetch_sheet_metadata(sid, params=params)


def batch(gc, sid, *requests, **body):
    return gc.http_client.batch_update(sid, {"requests": list(requests), **body})


def grid(sheet_id, r0, r1, c0, c1):
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}


def write_at(sheet_id, row0, col0, *cells, fields="userEnteredValue"):
    return {
        "updateCells": {
            "rows": [{"values": list(cells)}],
            "fields": fields,
            "start": {"sheetId": sheet_id, "rowIndex": row0, "columnIndex": col0},
        }
    }


def text(s):
    return {"userEnteredValue": {"stringValue": s}}


def cf_rule(sheet_id, r0, r1, formula):
    return {
        "ranges": [grid(sheet_id, r0, r1, 0, 5)],
        "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
            "format": {"backgroundColor": RED},
        },
    }


def answered(rule):
    """A rule on the first sheet as the API answers it: its ranges without sheetId (0 is left out)."""
    return {**rule, "ranges": [{k: v for k, v in gr.items() if k != "sheetId"} for gr in rule["ranges"]]}


def api_error(call, *args, **kwargs) -> dict:
    with pytest.raises(gspread.exceptions.APIError) as err:
        call(*args, **kwargs)
    assert err.value.code == 400 and err.value.error["status"] == "INVALID_ARGUMENT"
    return err.value.error


def test_get_grid_data_cells_and_trimming(gc, sheets_server, book):
    sheets_server.formats[(book, 0, 0, 0)] = {"textFormat": {"bold": True}}
    sheets_server.notes[(book, 0, 4, 1)] = "看这里"
    res = meta(gc, book, ranges=["'督查 督办'!A1:E6"], includeGridData="true")
    (sheet,) = res["sheets"]  # Sheet2 is not in the ranges
    assert sheet["properties"]["title"] == "督查 督办" and "conditionalFormats" not in sheet
    (data,) = sheet["data"]
    assert "startRow" not in data and "startColumn" not in data  # 0 is left out, as in the API's JSON
    rows = data["rowData"]
    assert len(rows) == 5  # the empty 6th row is trimmed
    head = rows[0]["values"]
    assert len(head) == 4  # the trailing empty cell is trimmed
    assert head[0] == {
        "userEnteredValue": {"stringValue": "事项"},
        "effectiveValue": {"stringValue": "事项"},
        "userEnteredFormat": {"textFormat": {"bold": True}},
    }
    due, done, qty = rows[1]["values"][1:]  # the trailing "" is an empty cell too
    assert due == {
        "userEnteredValue": {"numberValue": 46346},
        "effectiveValue": {"numberValue": 46346},
        "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}},
    }
    assert done == {"userEnteredValue": {"boolValue": False}, "effectiveValue": {"boolValue": False}}
    assert qty["effectiveValue"] == {"numberValue": 3}
    stamp = rows[2]["values"][1]
    assert stamp["userEnteredValue"] == {"numberValue": 46357.5}
    assert stamp["userEnteredFormat"]["numberFormat"]["type"] == "DATE_TIME"
    assert rows[3] == {}  # a row without cells
    assert rows[4] == {"values": [{}, {"note": "看这里"}]}  # an empty cell before a noted one
    assert len(data["rowMetadata"]) == 6 and data["columnMetadata"] == [{"pixelSize": 100}] * 5


def test_get_grid_data_column_row_and_open_ranges(gc, book):
    res = meta(gc, book, ranges=["'督查 督办'!B:B", "'督查 督办'!3:3", "'督查 督办'!A2:C"], includeGridData="true")
    col, row, tail = res["sheets"][0]["data"]
    assert col["startColumn"] == 1 and "startRow" not in col
    assert [r["values"][0]["effectiveValue"] for r in col["rowData"]] == [
        {"stringValue": "截止"},
        {"numberValue": 46346},
        {"numberValue": 46357.5},
    ]
    assert len(col["rowMetadata"]) == 1000 and len(col["columnMetadata"]) == 1
    assert row["startRow"] == 2 and "startColumn" not in row
    assert [c["effectiveValue"] for c in row["rowData"][0]["values"]] == [
        {"stringValue": "会议"},
        {"numberValue": 46357.5},
        {"boolValue": True},
        {"numberValue": 2.5},
    ]
    assert tail["startRow"] == 1 and len(tail["rowData"]) == 2 and len(tail["rowData"][0]["values"]) == 3


def test_get_ranges_pick_sheets_in_spreadsheet_order(gc, book):
    res = meta(gc, book, ranges=["Sheet2!A1", "'督查 督办'!A1"])
    assert [s["properties"]["title"] for s in res["sheets"]] == ["督查 督办", "Sheet2"]
    assert all("data" not in s for s in res["sheets"])  # no includeGridData, no data
    res = meta(gc, book, ranges=["Sheet2!A1:B2"], includeGridData="false")
    assert [s["properties"]["title"] for s in res["sheets"]] == ["Sheet2"]
    res = meta(gc, book, includeGridData="true")  # no ranges: every sheet, each as one whole GridData
    assert [len(s["data"]) for s in res["sheets"]] == [1, 1]
    assert res["sheets"][1]["data"][0]["rowData"] == [
        {"values": [{"userEnteredValue": {"stringValue": "a"}, "effectiveValue": {"stringValue": "a"}}]}
    ]
    assert "Unable to parse range" in api_error(meta, gc, book, ranges=["'No such'!A1"])["message"]
    assert "TYPE_BOOL" in api_error(meta, gc, book, includeGridData="yes")["message"]


def test_get_fields_mask_filters_and_overrides_include_grid_data(gc, book):
    fields = (
        "sheets(properties(sheetId,title),conditionalFormats,data(startRow,rowData(values(userEnteredValue,note))))"
    )
    # a mask naming sheets.data returns grid data without includeGridData, as the API does
    assert meta(gc, book, ranges=["Sheet2!A1:A3"], fields=fields) == {
        "sheets": [
            {
                "properties": {"sheetId": SHEET2, "title": "Sheet2"},
                "data": [{"rowData": [{"values": [{"userEnteredValue": {"stringValue": "a"}}]}]}],
            }
        ]
    }
    # and a mask without it wins over includeGridData=true
    res = meta(gc, book, ranges=["Sheet2!A1"], includeGridData="true", fields="sheets.properties.title")
    assert res == {"sheets": [{"properties": {"title": "Sheet2"}}]}
    res = meta(gc, book, fields="spreadsheetId,sheets/properties/index")  # "/" paths, as gspread writes some
    assert res == {"spreadsheetId": book, "sheets": [{"properties": {"index": 0}}, {"properties": {"index": 1}}]}
    assert "Invalid field mask" in api_error(meta, gc, book, fields="sheets(properties")["message"]


# ---------------------------------------------------------------- spreadsheets.batchUpdate


def test_batch_update_is_atomic_and_sequential(gc, sheets_server, book):
    before = sheets_server.values(book, "督查 督办")
    good = [
        {
            "repeatCell": {
                "range": grid(0, 1, 2, 0, 5),
                "cell": {"userEnteredFormat": {"backgroundColor": RED}},
                "fields": "userEnteredFormat.backgroundColor",
            }
        },
        write_at(0, 1, 4, {"userEnteredValue": {"formulaValue": "=1+1"}}),
        {"addConditionalFormatRule": {"rule": cf_rule(0, 1, 3, "=TRUE"), "index": 0}},
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
    ]
    beyond_z = {"repeatCell": {"range": grid(0, 0, 1, 0, 30), "cell": {"note": "x"}, "fields": "note"}}
    error = api_error(batch, gc, book, *good, beyond_z)
    # the appendDimension before it had been applied to the state the last request was checked against
    assert error["message"] == (
        "Invalid requests[4].repeatCell: Range ('督查 督办'!A1:AD1) exceeds grid limits. Max rows: 1005, max columns: 26"
    )

    def untouched():
        assert sheets_server.values(book, "督查 督办") == before
        assert sheets_server.format_at(book, "督查 督办", 1, 0) is None
        assert sheets_server.conditional_formats(book, "督查 督办") == []
        assert sheets_server.grid_size(book, "督查 督办") == (1000, 26)
        assert sheets_server.formulas_written == 0 and sheets_server.requests_received == []

    untouched()
    assert "addChart" in api_error(batch, gc, book, *good, {"addChart": {}})["message"]  # a kind not modelled
    untouched()
    bad_grid = {"repeatCell": {"range": {"sheetId": 99}, "cell": {}, "fields": "note"}}
    assert (
        api_error(batch, gc, book, *good, bad_grid)["message"] == "Invalid requests[4].repeatCell: No grid with id: 99"
    )
    untouched()
    assert batch(gc, book, *good)["replies"] == [{}, {}, {}, {}]
    assert sheets_server.format_at(book, "督查 督办", 1, 4) == {"backgroundColor": RED}
    assert sheets_server.grid_size(book, "督查 督办") == (1005, 26)
    assert sheets_server.formulas_written == 1 and sheets_server.requests_received == good


def test_append_dimension_makes_room_for_a_later_request(gc, sheets_server):
    sid = sheets_server.add_spreadsheet("small", {"S": [["a", "b"]]}, row_count=2, col_count=2)
    error = api_error(batch, gc, sid, write_at(0, 0, 2, text("c")))
    assert error["message"] == (
        "Invalid requests[0].updateCells: Attempting to write column: 2, beyond the last requested column of: 1"
    )
    batch(
        gc,
        sid,
        {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 3}},
        write_at(0, 0, 2, text("c")),
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 1}},
        {
            "updateCells": {
                "range": grid(0, 2, 3, 0, 1),
                "rows": [{"values": [text("r3")]}],
                "fields": "userEnteredValue",
            }
        },
    )
    assert sheets_server.values(sid, "S") == [["a", "b", "c"], [], ["r3"]]
    assert meta(gc, sid)["sheets"][0]["properties"]["gridProperties"] == {"rowCount": 3, "columnCount": 5}
    error = api_error(batch, gc, sid, {"appendDimension": {"sheetId": 0, "dimension": "CELLS", "length": 1}})
    assert "google.apps.sheets.v4.Dimension" in error["message"]
    assert (
        "length"
        in api_error(batch, gc, sid, {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 0}})["message"]
    )


def test_conditional_format_rules_add_update_move_delete(gc, sheets_server, book):
    a, b, c = cf_rule(0, 1, 10, "=$C2=FALSE"), cf_rule(0, 1, 10, "=$D2>2"), cf_rule(0, 2, 5, "=TRUE")
    res = batch(
        gc, book, {"addConditionalFormatRule": {"rule": b, "index": 0}}, {"addConditionalFormatRule": {"rule": a}}
    )
    assert res["replies"] == [{}, {}]  # index 0 (the default) puts a first
    sheets = meta(gc, book, fields="sheets(properties.title,conditionalFormats)")["sheets"]
    assert sheets == [
        {"properties": {"title": "督查 督办"}, "conditionalFormats": [answered(a), answered(b)]},
        {"properties": {"title": "Sheet2"}},
    ]
    res = batch(
        gc,
        book,
        {"updateConditionalFormatRule": {"index": 1, "sheetId": 0, "rule": c}},
        {"updateConditionalFormatRule": {"index": 1, "sheetId": 0, "newIndex": 0}},
    )
    assert res["replies"] == [
        {"updateConditionalFormatRule": {"newRule": answered(c), "oldRule": answered(b), "newIndex": 1}},
        {"updateConditionalFormatRule": {"newRule": answered(c), "newIndex": 0, "oldIndex": 1}},
    ]
    assert sheets_server.conditional_formats(book, "督查 督办") == [c, a]  # as stored: as sent
    res = batch(gc, book, {"deleteConditionalFormatRule": {"index": 1, "sheetId": 0}})
    assert res["replies"] == [{"deleteConditionalFormatRule": {"rule": answered(a)}}]
    assert sheets_server.conditional_formats(book, "督查 督办") == [c]
    other_type = {**a, "booleanRule": {"condition": {"type": "FORMULA_ISH"}}}
    for request, words in [
        ({"deleteConditionalFormatRule": {"index": 1, "sheetId": 0}}, "out of range"),
        ({"addConditionalFormatRule": {"rule": a, "index": 2}}, "out of range"),
        ({"updateConditionalFormatRule": {"index": 0, "sheetId": SHEET2, "rule": a}}, "not on sheetId"),
        ({"updateConditionalFormatRule": {"index": 0, "sheetId": 0, "rule": a, "newIndex": 0}}, "Exactly one"),
        ({"addConditionalFormatRule": {"rule": cf_rule(7, 0, 1, "=TRUE")}}, "No grid with id: 7"),
        ({"addConditionalFormatRule": {"rule": cf_rule(0, 0, 1001, "=TRUE")}}, "exceeds grid limits"),
        ({"addConditionalFormatRule": {"rule": other_type}}, "ConditionType"),
        ({"addConditionalFormatRule": {"rule": cf_rule(0, 0, 1, "TRUE")}}, "CUSTOM_FORMULA"),
        ({"addConditionalFormatRule": {"rule": {**a, "ranges": []}}}, "at least one range"),
    ]:
        assert words in api_error(batch, gc, book, request)["message"], request
    assert sheets_server.conditional_formats(book, "督查 督办") == [c]


def test_answers_leave_sheet_id_0_out_of_ranges_as_the_api_does(gc, book):
    first, second = cf_rule(0, 1, 10, "=$A2"), cf_rule(SHEET2, 1, 10, "=$A2")
    res = batch(gc, book, {"addConditionalFormatRule": {"rule": first}},
                {"addConditionalFormatRule": {"rule": second}}, includeSpreadsheetInResponse=True)
    got = [s.get("conditionalFormats") for s in res["updatedSpreadsheet"]["sheets"]]
    assert got == [[answered(first)], [second]]  # proto3 JSON: a default value (0) is not written
    assert "sheetId" not in got[0][0]["ranges"][0] and got[1][0]["ranges"][0]["sheetId"] == SHEET2
    meta_rules = [s.get("conditionalFormats") for s in meta(gc, book)["sheets"]]
    assert meta_rules == got
    res = batch(gc, book, {"updateConditionalFormatRule": {"index": 0, "sheetId": 0, "rule": first}})
    assert res["replies"][0]["updateConditionalFormatRule"]["newRule"] == answered(first)


def test_insert_and_delete_row_move_formats_notes_and_rule_ranges(gc, sheets_server, book):
    title = "督查 督办"
    batch(
        gc,
        book,
        {
            "repeatCell": {
                "range": grid(0, 2, 3, 0, 1),
                "cell": {"userEnteredFormat": {"backgroundColor": RED}},
                "fields": "*",
            }
        },
        write_at(0, 3, 1, {"note": "n"}, fields="note"),
        {"addConditionalFormatRule": {"rule": cf_rule(0, 1, 5, "=$A2"), "index": 0}},  # spans the insertion point
        {"addConditionalFormatRule": {"rule": cf_rule(0, 0, 2, "=$B1"), "index": 1}},  # ends at it
        {"addConditionalFormatRule": {"rule": cf_rule(0, 2, 3, "=$C3"), "index": 2}},  # starts at it
    )

    def rule_rows():
        return [
            (r["ranges"][0]["startRowIndex"], r["ranges"][0]["endRowIndex"])
            for r in sheets_server.conditional_formats(book, title)
        ]

    sheets_server.insert_row(book, title, 2, ["新"])
    assert sheets_server.format_at(book, title, 3, 0) == {"backgroundColor": RED}
    assert sheets_server.format_at(book, title, 2, 0) is None
    assert sheets_server.note_at(book, title, 4, 1) == "n" and sheets_server.note_at(book, title, 3, 1) is None
    assert rule_rows() == [(1, 6), (0, 2), (3, 4)]
    rules = meta(gc, book, fields="sheets.conditionalFormats")["sheets"][0]["conditionalFormats"]
    assert rules[0]["ranges"][0]["endRowIndex"] == 6  # what the client sees
    sheets_server.delete_row(book, title, 3)  # the row of the format and of the third rule's only range
    assert rule_rows() == [(1, 5), (0, 2)]  # a rule left without ranges is gone
    assert sheets_server.format_at(book, title, 3, 0) is None and sheets_server.note_at(book, title, 3, 1) == "n"
    assert [r[0] for r in sheets_server.values(book, title)[:3]] == ["事项", "报告", "新"]
    assert sheets_server.grid_size(book, title) == (1000, 26)


def test_batch_update_can_return_the_updated_spreadsheet(gc, book):
    res = batch(
        gc,
        book,
        write_at(SHEET2, 0, 1, text("b")),
        includeSpreadsheetInResponse=True,
        responseRanges=["Sheet2!A1:B1"],
        responseIncludeGridData=True,
    )
    up = res["updatedSpreadsheet"]
    assert res["replies"] == [{}] and up["spreadsheetId"] == book
    assert up == meta(gc, book, ranges=["Sheet2!A1:B1"], includeGridData="true")  # shaped as spreadsheets.get
    cells = up["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert [c["effectiveValue"] for c in cells] == [{"stringValue": "a"}, {"stringValue": "b"}]  # after the batch
    res = batch(gc, book, write_at(SHEET2, 0, 2, text("c")), includeSpreadsheetInResponse=True)
    assert [len(s) for s in res["updatedSpreadsheet"]["sheets"]] == [1, 1]  # properties only: no grid data
    assert "updatedSpreadsheet" not in batch(gc, book, write_at(SHEET2, 0, 3, text("d")))


def test_formula_value_is_recorded_and_equals_text_is_not(gc, sheets_server, book):
    batch(gc, book, write_at(SHEET2, 1, 0, text("=SUM(1,2)"), {"userEnteredValue": {"formulaValue": "=SUM(1,2)"}}))
    assert sheets_server.formulas_written == 1
    assert sheets_server.values(book, "Sheet2")[1] == ["=SUM(1,2)", Formula("=SUM(1,2)")]
    res = meta(gc, book, ranges=["Sheet2!A2:B2"], includeGridData="true")
    plain, formula = res["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert plain["userEnteredValue"] == {"stringValue": "=SUM(1,2)"}
    assert formula == {
        "userEnteredValue": {"formulaValue": "=SUM(1,2)"},
        "effectiveValue": {"stringValue": "=SUM(1,2)"},
    }
    gc.open_by_key(book).worksheet("Sheet2").update_cell(3, 1, "=1+1")  # USER_ENTERED "=…" is a formula too
    assert sheets_server.formulas_written == 2 and sheets_server.values(book, "Sheet2")[2] == [Formula("=1+1")]


def test_update_cells_fields_mask_clears_what_it_names(gc, sheets_server, book):
    title, at_a2 = "督查 督办", {"sheetId": 0, "rowIndex": 1, "columnIndex": 0}
    styled = {"userEnteredFormat": {"backgroundColor": RED, "textFormat": {"bold": True}}, "note": "n"}
    batch(gc, book, {"repeatCell": {"range": grid(0, 1, 2, 0, 1), "cell": styled, "fields": "userEnteredFormat,note"}})
    assert sheets_server.values(book, title)[1][0] == "报告"  # fields without userEnteredValue keep the value
    cleared = {
        "rows": [{"values": [{}]}],
        "fields": "userEnteredValue,userEnteredFormat.backgroundColor",
        "start": at_a2,
    }
    batch(gc, book, {"updateCells": cleared})
    assert sheets_server.values(book, title)[1][0] is None
    assert sheets_server.format_at(book, title, 1, 0) == {"textFormat": {"bold": True}}
    assert sheets_server.note_at(book, title, 1, 0) == "n"
    italic = {"userEnteredFormat": {"textFormat": {"italic": True}}}
    batch(gc, book, write_at(0, 1, 0, italic, fields="userEnteredFormat(textFormat.italic),note"))
    assert sheets_server.format_at(book, title, 1, 0) == {"textFormat": {"bold": True, "italic": True}}
    assert sheets_server.note_at(book, title, 1, 0) is None
    seven = {"range": grid(0, 2, 3, 0, 3), "rows": [{"values": [{"userEnteredValue": {"numberValue": 7}}]}]}
    batch(gc, book, {"updateCells": {**seven, "fields": "userEnteredValue"}})
    assert sheets_server.values(book, title)[2] == [7, None, None, 2.5]  # the rest of the range is cleared
    for request, words in [
        (write_at(0, 0, 0, text("x"), fields=""), "At least one field"),
        (write_at(0, 0, 0, {"dataValidation": {}}, fields="*"), "dataValidation"),
        (write_at(0, 0, 0, text("x"), fields="userEnteredValue,hyperlink"), "Invalid field mask"),
        (write_at(0, 0, 0, {"userEnteredValue": {"numberValue": "7"}}), "number"),
        (write_at(0, 0, 0, {"userEnteredValue": {"errorValue": {}}}), "errorValue"),
        (
            {"updateCells": {**seven, "rows": [{"values": [{}]}] * 2, "fields": "note"}},
            "beyond the last requested row of: 2",
        ),
    ]:
        assert words in api_error(batch, gc, book, request)["message"], request
    assert api_error(batch, gc, book)["message"] == "Must specify at least one request."


def test_update_dimension_properties_pixel_size(gc, sheets_server, book):
    title = "督查 督办"

    def resize(dimension, start, end, px, fields="pixelSize"):
        rng = {"sheetId": 0, "dimension": dimension, "startIndex": start, "endIndex": end}
        return {"updateDimensionProperties": {"range": rng, "properties": {"pixelSize": px}, "fields": fields}}

    batch(gc, book, resize("COLUMNS", 1, 3, 180), resize("ROWS", 0, 1, 40))
    assert [sheets_server.column_width(book, title, c) for c in range(4)] == [100, 180, 180, 100]
    assert sheets_server.row_height(book, title, 0) == 40 and sheets_server.row_height(book, title, 1) == 21
    data = meta(gc, book, ranges=["'督查 督办'!A1:D2"], includeGridData="true")["sheets"][0]["data"][0]
    assert data["columnMetadata"] == [{"pixelSize": p} for p in (100, 180, 180, 100)]
    assert data["rowMetadata"] == [{"pixelSize": 40}, {"pixelSize": 21}]
    sheets_server.insert_row(book, title, 0, ["top"])
    assert sheets_server.row_height(book, title, 1) == 40  # heights move with their rows
    assert "exceeds grid limits" in api_error(batch, gc, book, resize("COLUMNS", 25, 27, 50))["message"]
    assert "At least one field" in api_error(batch, gc, book, resize("COLUMNS", 0, 1, 50, fields=""))["message"]
    hidden = resize("ROWS", 0, 1, 50)
    hidden["updateDimensionProperties"]["properties"]["hiddenByUser"] = True
    assert "hiddenByUser" in api_error(batch, gc, book, hidden)["message"]
    assert sheets_server.column_width(book, title, 0) == 100


# ---------------------------------------------------------------- values.update and hooks


def test_values_update_through_update_cell(gc, sheets_server, book):
    ws = gc.open_by_key(book).sheet1
    sheets_server.reset_counts()
    res = ws.update_cell(2, 5, "已完成")
    assert res == {
        "spreadsheetId": book,
        "updatedRange": "'督查 督办'!E2",
        "updatedRows": 1,
        "updatedColumns": 1,
        "updatedCells": 1,
    }
    ws.update_cell(3, 4, "12")  # USER_ENTERED, as if typed
    rows = sheets_server.values(book, "督查 督办")
    assert rows[1][4] == "已完成" and rows[2][3] == 12
    assert sheets_server.counts["values.update"] == 2 and sheets_server.counts["total"] == 2
    assert sheets_server.log[-1]["method"] == "PUT" and sheets_server.log[-1]["query"] == {
        "valueInputOption": ["USER_ENTERED"]
    }
    put = gc.http_client.values_update
    error = api_error(put, book, "Sheet2!A1", params={}, body={"values": [["x"]]})
    assert error["message"] == "'valueInputOption' is required but not specified"
    error = api_error(put, book, "Sheet2!A1", params={"valueInputOption": "RAW"}, body={"values": [["x", "y"]]})
    assert error["message"] == "Requested writing within range [Sheet2!A1], but tried writing to column [B]"
    assert "exceeds grid limits" in api_error(ws.update_cell, 1001, 1, "x")["message"]
    assert sheets_server.values(book, "Sheet2") == [["a"]]


def test_after_next_changes_the_sheet_just_after_a_read(gc, sheets_server, book):
    ss = gc.open_by_key(book)
    calls = []

    def insert(server):
        calls.append(server.counts["values.batchGet"])
        server.insert_row(book, "Sheet2", 0, ["inserted"])

    sheets_server.after_next("values.batchGet", insert)
    assert ss.values_batch_get(["Sheet2"])["valueRanges"][0]["values"] == [["a"]]  # answered before the change
    assert sheets_server.values(book, "Sheet2") == [["inserted"], ["a"]]  # which did happen
    assert ss.values_batch_get(["Sheet2"])["valueRanges"][0]["values"] == [["inserted"], ["a"]]
    assert calls == [1]  # once
    sheets_server.after_next("spreadsheets.get", lambda server: server.delete_row(book, "Sheet2", 0))
    sheets_server.fail_next(1, status=503)
    with pytest.raises(gspread.exceptions.APIError):
        meta(gc, book)
    assert len(sheets_server.values(book, "Sheet2")) == 2  # a failed request does not use it up
    assert [s["properties"]["title"] for s in meta(gc, book)["sheets"]] == ["督查 督办", "Sheet2"]
    assert sheets_server.values(book, "Sheet2") == [["a"]]
    with pytest.raises(ValueError):
        sheets_server.after_next("values.get", print)


def test_before_write_fires_before_other_writes_too(gc, sheets_server, book):
    sheets_server.before_write(lambda server: server.insert_row(book, "Sheet2", 0, ["inserted"]))
    batch(gc, book, write_at(SHEET2, 0, 1, text("w")))  # lands on the inserted row
    batch(gc, book, write_at(SHEET2, 0, 2, text("v")))  # no second insert
    assert sheets_server.values(book, "Sheet2") == [["inserted", "w", "v"], ["a"]]
    sheets_server.before_write(lambda server: server.delete_row(book, "Sheet2", 0))
    gc.open_by_key(book).worksheet("Sheet2").update_cell(1, 2, "z")  # reads first: the hook waits for the write
    assert sheets_server.values(book, "Sheet2") == [["a", "z"]]
