"""The fake Sheets API (tests/sheets_server.py) against the UNMODIFIED gspread 6.2.1 + google-auth."""

from __future__ import annotations

import datetime as dt

import gspread
import pytest
import requests
from google.oauth2.service_account import Credentials

from tests.sheets_server import SheetsServer, make_service_account, to_serial

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
UNFORMATTED = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}


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
                {"range": "Sheet2!B1", "values": [[None, 7]]},
            ],
        }
    )
    assert res["totalUpdatedCells"] == 4 and res["totalUpdatedSheets"] == 2
    assert res["responses"][0]["updatedRange"] == "'督查 督办'!E1:E3"
    rows = sheets_server.values(book, "督查 督办")
    assert [r[4] for r in rows[:3]] == ["状态", "=SUM(1,2)", "12"]  # RAW: text stays text
    assert sheets_server.values(book, "Sheet2") == [["a", None, 7]]  # null skipped
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
