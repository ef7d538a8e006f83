"""Google Sheets specifics (issue 6): the request budget, credentials, sharing, endpoints, retries,
and what happens when a write's outcome is unknown. The behaviour shared with xlsx is held by
tests/test_source_contract.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import threading
import time

import pytest
from google.oauth2.service_account import Credentials

import assistant.jobs.flag
from assistant.api import make_context
from assistant.errors import ConfigError, SourceError
from assistant.office import load_office
from assistant.sources.gsheets import GSheetsSource
from assistant.sources.gsheets.http import (
    SCOPES,
    RetryPolicy,
    backoff,
    client_class,
    retry_after_seconds,
    spreadsheet_key,
)
from tests.backends import GSheetsBackend
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import SHEET, TASKS
from tests.sheets_server import make_service_account
from tests.test_source_contract import FIRST, by_key, ours, register_sheets


@pytest.fixture
def gs(tmp_path, sheets_server) -> GSheetsBackend:
    return GSheetsBackend(tmp_path / "office", sheets_server)


def cli(b: GSheetsBackend, command: str, *args: str):
    return run_cli(command, "--config", b.config, "--today", TODAY, *args)


def many_registers(b: GSheetsBackend, n: int, rows: int) -> dict[str, list[list]]:
    """`n` task registers (copies of the default schema under other sheet names), `rows` rows each."""
    schema = (b.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8")
    sheets = {}
    base = register_sheets()[SHEET]
    body = [r for r in base[FIRST:]]
    for i in range(n):
        name = f"台账{i + 1:02d}"
        (b.root / "sheets_schema" / f"t{i:02d}.yaml").write_text(
            schema.replace("register: tasks", f"register: t{i:02d}").replace("sheet: 督查督办台账", f"sheet: {name}"),
            encoding="utf-8")
        data = [list(body[j % len(body)]) for j in range(rows)]
        for j, row in enumerate(data):
            row[0] = f"DB-2026-{j + 1:05d}"
        sheets[name] = base[:FIRST] + data
    for other in (b.root / "sheets_schema").glob("*.yaml"):  # the copies, the roster and the changes it reads
        if other.stem not in ("roster", "changes") and not re.fullmatch(r"t\d\d", other.stem):
            other.unlink()
    sheets.update({k: v for k, v in register_sheets().items() if k != SHEET})
    return sheets


# --- the budget ----------------------------------------------------------------------------------


@pytest.mark.parametrize("registers,rows", [(1, 100), (9, 100), (3, 3000)])
def test_a_whole_cycle_costs_at_most_three_requests(gs, registers, rows):
    gs.create(many_registers(gs, registers, rows))
    res = cli(gs, "flag")
    assert res.code == 1, res.err
    counts = gs.server.counts
    assert counts["total"] <= 3, dict(counts)
    assert counts["spreadsheets.get"] == 1 and counts["values.batchGet"] == 1
    assert counts["spreadsheets.batchUpdate"] == 1 and counts["values.update"] == 0
    gs.server.reset_counts()
    assert cli(gs, "flag").code == 1
    assert gs.server.counts["total"] == 2, dict(gs.server.counts)  # nothing new: read, no write
    gs.server.reset_counts()
    assert cli(gs, "check").code == 1
    assert gs.server.counts["total"] == 2, dict(gs.server.counts)


def test_a_rerun_on_the_first_sheet_sends_no_write(gs):
    """The API leaves sheetId out of a GridRange when it is 0 (the first sheet): our rules read back
    from the metadata must still compare equal to the planned ones, or every rerun resends them."""
    gs.create(register_sheets())
    sheet = gs.server.spreadsheets[gs.sid].sheet(SHEET)
    assert sheet.sheet_id == 0 and sheet.index == 0
    assert cli(gs, "flag").code == 1
    assert gs.server.counts["spreadsheets.batchUpdate"] == 1
    meta = gs.server.handle_api("GET", f"/v4/spreadsheets/{gs.sid}", {}, None)[1]
    [first] = [s for s in meta["sheets"] if s["properties"]["title"] == SHEET]
    assert first["conditionalFormats"] and all("sheetId" not in r for c in first["conditionalFormats"]
                                               for r in c["ranges"])  # as the API answers
    gs.server.reset_counts()
    assert cli(gs, "flag").code == 1
    counts = dict(gs.server.counts)
    assert counts == {"spreadsheets.get": 1, "values.batchGet": 1, "total": 2}, counts  # metadata + read
    assert [e["endpoint"] for e in gs.server.log] == ["spreadsheets.get", "values.batchGet"]  # no batchUpdate


def test_one_token_per_run(gs):
    gs.create(register_sheets())
    cli(gs, "flag")
    assert gs.server.token_requests == 1
    claims = gs.server.token_claims[-1]
    assert claims["iss"] == json.loads(gs.key_file.read_text())["client_email"]
    assert "spreadsheets" in claims["scope"]


# --- source forms and endpoints ------------------------------------------------------------------


def test_full_url_as_source(gs):
    gs.create(register_sheets())
    text = gs.config.read_text(encoding="utf-8").replace(
        f'source = "gsheets:{gs.sid}"', f'source = "https://docs.google.com/spreadsheets/d/{gs.sid}/edit#gid=0"')
    gs.config.write_text(text, encoding="utf-8")
    assert cli(gs, "check").code == 1


def test_api_url_from_the_environment(gs, monkeypatch):
    gs.create(register_sheets())
    text = gs.config.read_text(encoding="utf-8")
    gs.config.write_text("\n".join(line for line in text.splitlines() if not line.startswith("api_url")),
                         encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_SHEETS_API_URL", gs.server.url)
    res = cli(gs, "check", "--format", "json")
    assert res.code == 1 and res.json()["counts"]["error"] > 0
    assert gs.server.counts["values.batchGet"] == 1


@pytest.mark.parametrize("source", ["gsheets:", "gsheets:short", "https://docs.google.com/document/d/abc/edit"])
def test_bad_source_is_a_config_error(source):
    with pytest.raises(ConfigError) as exc:
        spreadsheet_key(source)
    assert "gsheets:" in exc.value.message


# --- credentials ---------------------------------------------------------------------------------


def set_credentials(b: GSheetsBackend, line: str) -> None:
    text = b.config.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("credentials")]
    at = next(i for i, ln in enumerate(lines) if ln.startswith("source"))
    b.config.write_text("\n".join(lines[: at + 1] + ([line] if line else []) + lines[at + 1:]), encoding="utf-8")


def test_credentials_from_an_environment_variable(gs, monkeypatch):
    gs.create(register_sheets())
    set_credentials(gs, 'credentials = { env = "OFFICE_SHEETS_KEY" }')
    monkeypatch.setenv("OFFICE_SHEETS_KEY", str(gs.key_file))
    assert cli(gs, "check").code == 1
    monkeypatch.setenv("OFFICE_SHEETS_KEY", gs.key_file.read_text())  # the JSON itself works too
    assert cli(gs, "check").code == 1


def test_google_application_credentials_when_none_configured(gs, monkeypatch):
    gs.create(register_sheets())
    set_credentials(gs, "")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    res = cli(gs, "check")
    assert res.code == 2 and "credentials" in res.err and "凤凰镇" in res.err
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(gs.key_file))
    assert cli(gs, "check").code == 1


def test_unset_environment_variable_is_named(gs, monkeypatch):
    gs.create(register_sheets())
    set_credentials(gs, 'credentials = { env = "OFFICE_SHEETS_KEY" }')
    monkeypatch.delenv("OFFICE_SHEETS_KEY", raising=False)
    res = cli(gs, "check")
    assert res.code == 2 and "OFFICE_SHEETS_KEY" in res.err and "Traceback" not in res.err
    assert gs.server.counts["total"] == 0


@pytest.mark.parametrize("content,words", [
    (None, "不存在"),
    ("not json", "不是 JSON"),
    ('{"type": "authorized_user"}', "不是服务账号密钥"),
    ('{"type": "service_account", "client_email": "a@b"}', "缺少 private_key, token_uri"),
])
def test_broken_key_files(gs, content, words):
    gs.create(register_sheets())
    if content is None:
        gs.key_file.unlink()
    else:
        gs.key_file.write_text(content)
    res = cli(gs, "check")
    assert res.code == 2 and words in res.err and gs.key_file.name in res.err
    assert "Traceback" not in res.err


def test_key_google_does_not_accept(gs, tmp_path):
    gs.create(register_sheets())
    info = json.loads(gs.key_file.read_text())
    (tmp_path / "other").mkdir()
    other = json.loads(make_service_account(tmp_path / "other", gs.server, "other@test.iam.gserviceaccount.com")
                       .read_text())
    info["private_key"] = other["private_key"]  # signed with a key the server does not trust for this account
    gs.key_file.write_text(json.dumps(info))
    res = cli(gs, "check")
    assert res.code == 2 and "拒绝" in res.err and "Invalid JWT Signature" in res.err
    assert "PRIVATE KEY" not in res.err + res.out and info["private_key"][40:80] not in res.err + res.out
    assert gs.server.counts["total"] == 0


def test_secrets_never_printed(gs, monkeypatch):
    gs.create(register_sheets())
    set_credentials(gs, 'credentials = { env = "OFFICE_SHEETS_KEY" }')
    secret = gs.key_file.read_text()
    monkeypatch.setenv("OFFICE_SHEETS_KEY", secret)
    gs.server.spreadsheets[gs.sid].shared = False
    res = cli(gs, "flag")
    out = res.out + res.err
    assert "PRIVATE KEY" not in out and "ya29." not in out
    assert json.loads(secret)["private_key_id"] not in out


# --- the spreadsheet -----------------------------------------------------------------------------


def test_spreadsheet_not_found(gs):
    gs.create(register_sheets())
    gs.config.write_text(gs.config.read_text(encoding="utf-8").replace(gs.sid, "x" * 44), encoding="utf-8")
    res = cli(gs, "check")
    assert res.code == 2 and "找不到 Google 表格" in res.err and "x" * 44 in res.err


def test_spreadsheet_not_shared_names_the_service_account(gs):
    gs.create(register_sheets())
    gs.server.spreadsheets[gs.sid].shared = False
    res = cli(gs, "flag")
    email = json.loads(gs.key_file.read_text())["client_email"]
    assert res.code == 2 and "无权" in res.err and email in res.err and "共享" in res.err


def test_explicit_register_missing_costs_no_extra_request(gs):
    gs.create({"Sheet1": [["编号"]]}, registers=["tasks"])
    res = cli(gs, "check")
    assert res.code == 2 and "督查督办台账" in res.err
    assert gs.server.counts["total"] == 1  # the metadata said so; nothing more was asked


# --- retries -------------------------------------------------------------------------------------


class Clock:
    """A fake clock for the retry loop: sleeping advances it, nothing really waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s

    def __call__(self) -> float:
        return self.now


def source_with(gs: GSheetsBackend, policy: RetryPolicy, clock: Clock) -> GSheetsSource:
    creds = Credentials.from_service_account_file(str(gs.key_file), scopes=SCOPES)
    cls = client_class(gs.server.url, policy, sleep=clock.sleep, clock=clock, rng=lambda: 0.5)
    return GSheetsSource("凤凰镇", gs.sid, lambda: cls(auth=creds))


def test_429_is_retried_honouring_retry_after(gs):
    gs.create(register_sheets())
    clock = Clock()
    source = source_with(gs, RetryPolicy(), clock)
    gs.server.fail_next(2, 429, retry_after="7")
    assert SHEET in source.sheet_names()
    assert clock.sleeps == [7.0, 7.0]
    assert gs.server.counts["spreadsheets.get"] == 3


def test_5xx_on_a_read_backs_off_exponentially_with_jitter(gs):
    gs.create(register_sheets())
    clock = Clock()
    source = source_with(gs, RetryPolicy(base=1.0, cap=4.0), clock)
    gs.server.fail_next(4, 503)
    source.sheet_names()
    assert clock.sleeps == [0.75, 1.5, 3.0, 3.0]  # half fixed + half random (0.5 here), capped at 4


def test_retries_stop_at_the_attempt_limit_with_a_plain_message(gs):
    gs.create(register_sheets())
    clock = Clock()
    source = source_with(gs, RetryPolicy(attempts=3), clock)
    gs.server.fail_next(5, 500)
    with pytest.raises(SourceError) as exc:
        source.sheet_names()
    assert "暂时不可用" in exc.value.message and "500" in exc.value.message
    assert gs.server.counts["spreadsheets.get"] == 3 and len(clock.sleeps) == 2


def test_retries_stop_at_the_total_time_limit(gs):
    gs.create(register_sheets())
    clock = Clock()
    source = source_with(gs, RetryPolicy(attempts=50, total=30.0), clock)
    gs.server.fail_next(50, 429, retry_after="20")
    with pytest.raises(SourceError) as exc:
        source.sheet_names()
    assert "配额" in exc.value.message
    assert clock.sleeps == [20.0]  # a second wait of 20 s would end past 30 s: given up instead


def test_backoff_and_retry_after_forms():
    p = RetryPolicy(base=2.0, cap=10.0)
    assert [backoff(n, p, None, lambda: 1.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]
    assert [backoff(n, p, None, lambda: 0.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    assert backoff(1, p, 30.0, lambda: 0.0) == 30.0
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412470.0) == 10.0
    assert retry_after_seconds("soon") is None


def test_request_timeout(gs):
    """A gateway that accepts the connection and never answers: the read gives up in time."""
    gs.create(register_sheets())
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    held = []
    stop = threading.Event()

    def accept() -> None:
        silent.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    try:
        creds = Credentials.from_service_account_file(str(gs.key_file), scopes=SCOPES)
        cls = client_class(f"http://127.0.0.1:{silent.getsockname()[1]}", RetryPolicy(attempts=2, timeout=0.3, base=0.01))
        source = GSheetsSource("凤凰镇", gs.sid, lambda: cls(auth=creds))
        start = time.monotonic()
        with pytest.raises(SourceError) as exc:
            source.sheet_names()
        assert time.monotonic() - start < 5
        assert "连不上" in exc.value.message
    finally:
        stop.set()
        silent.close()
        for conn in held:
            conn.close()


def test_a_write_is_not_replayed_after_a_5xx_but_re_planned(gs):
    """A 500 on the write may or may not have applied it: re-read, re-plan, write what is missing.
    The end state is the same as a clean run, with no rule added twice."""
    gs.create(register_sheets())
    clock = Clock()
    office = load_office(gs.config)
    ctx = make_context(office, dt.date.fromisoformat(TODAY), "zh")
    ctx.sources = {"凤凰镇": source_with(gs, RetryPolicy(), clock)}
    gs.server.after_next("values.batchGet", lambda s: s.fail_next(1, 500))
    result = assistant.jobs.flag.run(ctx)
    assert result.problems == []
    assert gs.server.counts["spreadsheets.batchUpdate"] == 2 and clock.sleeps == []
    rows = by_key(gs.rows(SHEET))
    assert [ours(rows[t.key])[0] for t in TASKS] == [t.expect for t in TASKS]
    rules = gs.server.conditional_formats(gs.sid, SHEET)
    assert len(rules) == len({json.dumps(r, sort_keys=True) for r in rules})




# --- people's own formatting, and big writes ----------------------------------------------------


def people_rule(sheet_id: int) -> dict:
    return {"ranges": [{"sheetId": sheet_id, "startRowIndex": 2, "endRowIndex": 500, "startColumnIndex": 0,
                        "endColumnIndex": 12}],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": '=$J3="已办结"'}]},
                            "format": {"textFormat": {"foregroundColor": {"red": 0.5, "green": 0.5, "blue": 0.5}}}}}


def formula(rule: dict) -> str:
    return rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"]


def test_conditional_formats_people_made_are_kept(gs):
    gs.create(register_sheets())
    sheet = gs.server.spreadsheets[gs.sid].sheet(SHEET)
    theirs = people_rule(sheet.sheet_id)
    sheet.cf_rules.append(theirs)
    assert cli(gs, "flag").code == 1
    rules = gs.server.conditional_formats(gs.sid, SHEET)
    assert theirs in rules and sum(r == theirs for r in rules) == 1
    ours_now = [r for r in rules if 'N("office-assistant")' in formula(r)]
    assert len(ours_now) == len(rules) - 1 >= 5  # errors, four status colours, findings
    sheet.set(FIRST + 5, 7, dt.date(2026, 12, 31))  # DB-2026-006's bad date is fixed
    gs.server.reset_counts()
    assert cli(gs, "flag").code == 1
    rules = gs.server.conditional_formats(gs.sid, SHEET)
    assert theirs in rules and len(rules) == len(ours_now) + 1
    [write] = [e["body"] for e in gs.server.log if e["endpoint"] == "spreadsheets.batchUpdate"]
    kinds = [next(iter(r)) for r in write["requests"]]
    assert "updateConditionalFormatRule" in kinds
    assert "deleteConditionalFormatRule" not in kinds and "addConditionalFormatRule" not in kinds


def test_errors_fixed_removes_our_error_rule_only(gs):
    gs.create(register_sheets())
    sheet = gs.server.spreadsheets[gs.sid].sheet(SHEET)
    sheet.cf_rules.append(people_rule(sheet.sheet_id))
    cli(gs, "flag")
    clean = [t for t in TASKS if not t.expect_highlight]
    rows = register_sheets(clean)[SHEET]
    for i, row in enumerate(sheet.rows[FIRST:]):  # people fix their sheet: the bad rows are cleared
        if row and row[0] not in {t.key for t in clean}:
            sheet.rows[FIRST + i] = [None] * len(row)
    assert len(rows) < len(sheet.rows)
    cli(gs, "flag")
    rules = gs.server.conditional_formats(gs.sid, SHEET)
    assert people_rule(sheet.sheet_id) in rules
    assert '=N("office-assistant")=0' not in [formula(r) for r in rules]  # no error cells: no highlight rule


def test_a_write_over_the_request_limit_is_split_and_still_lands_by_key(gs):
    gs.create(register_sheets())
    office = load_office(gs.config)
    ctx = make_context(office, dt.date.fromisoformat(TODAY), "zh")
    creds = Credentials.from_service_account_file(str(gs.key_file), scopes=SCOPES)
    cls = client_class(gs.server.url, RetryPolicy())
    ctx.sources = {"凤凰镇": GSheetsSource("凤凰镇", gs.sid, lambda: cls(auth=creds), max_payload=2000)}
    result = assistant.jobs.flag.run(ctx)
    assert result.problems == []
    assert gs.server.counts["spreadsheets.batchUpdate"] > 3
    bodies = [e["body"] for e in gs.server.log if e["endpoint"] == "spreadsheets.batchUpdate"]
    assert all(len(json.dumps(b, ensure_ascii=False, separators=(",", ":")).encode()) < 2000 + 600 for b in bodies)
    rows = by_key(gs.rows(SHEET))
    assert [ours(rows[t.key])[0] for t in TASKS] == [t.expect for t in TASKS]


def test_the_server_refuses_bodies_over_ten_megabytes(gs):
    """The limit the split above exists for: the test server enforces it as the API does."""
    import gspread

    gs.create(register_sheets())
    creds = Credentials.from_service_account_file(str(gs.key_file), scopes=SCOPES)
    gc = gspread.Client(auth=creds, http_client=gs.server.http_client_class())
    big = {"requests": [{"updateCells": {"start": {"sheetId": 0, "rowIndex": 2, "columnIndex": 12},
                                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "x" * 11_000_000}}]}],
                                         "fields": "userEnteredValue"}}]}
    with pytest.raises(gspread.exceptions.APIError) as exc:
        gc.http_client.batch_update(gs.sid, big)
    assert "payload size exceeds the limit" in str(exc.value)


def test_messages_in_english(gs):
    gs.create(register_sheets())
    gs.server.spreadsheets[gs.sid].shared = False
    res = run_cli("check", "--config", gs.config, "--lang", "en")
    assert res.code == 2 and "may not open Google spreadsheet" in res.err and "Share" in res.err


def test_a_gateway_answering_with_a_web_page(gs):
    """A misconfigured api_url that answers 200 with HTML: a plain message, exit 2."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body>Welcome to the intranet portal</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    portal = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        gs.create(register_sheets())
        text = gs.config.read_text(encoding="utf-8").replace(gs.server.url, f"http://127.0.0.1:{portal.server_address[1]}")
        gs.config.write_text(text, encoding="utf-8")
        res = cli(gs, "check")
        assert res.code == 2 and "无法识别" in res.err and "api_url" in res.err and "Traceback" not in res.err
    finally:
        portal.shutdown()
        portal.server_close()


def test_a_re_plan_reads_again_only_the_spreadsheet_that_moved(gs):
    gs.create(register_sheets())
    other = gs.server.add_spreadsheet("石桥镇督查台账", register_sheets())
    with gs.config.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[workbooks]]\nname = "石桥镇"\nsource = "gsheets:{other}"\n'
                 f'credentials = "{gs.key_file.as_posix()}"\napi_url = "{gs.server.url}"\n')
    row = ["DB-2026-013", "上级交办", "新增", "党政办", "王芳", "张建国", None, None, 0.5, "推进中"]
    # Workbooks are judged in turn: 石桥镇 moves between its own read and its write.
    gs.server.before_write(lambda s: s.after_next("values.batchGet", lambda s2: s2.insert_row(other, SHEET, FIRST, row)))
    assert cli(gs, "flag").code == 1
    per_sheet = {sid: sum(1 for e in gs.server.log if sid in e["path"]) for sid in (gs.sid, other)}
    # 石桥镇: read, stale write, read again, write (6), plus one look, while 凤凰镇 is judged, for the
    # registers 凤凰镇 references but does not hold (the pack's change log): 石桥镇 might hold them.
    assert per_sheet == {gs.sid: 3, other: 7}
    moved_rows = by_key(gs.server.values(other, SHEET))
    assert [moved_rows[t.key][12] for t in TASKS] == [t.expect for t in TASKS]


def test_new_columns_beyond_a_narrow_grid_are_added_with_width_and_a_note(gs):
    sheets = register_sheets()
    gs.sid = gs.server.add_spreadsheet("凤凰镇督查台账", sheets, col_count=12)  # exactly the 12 data columns
    gs.write_config(f'source = "gsheets:{gs.sid}"\ncredentials = "{gs.key_file.as_posix()}"\n'
                    f'api_url = "{gs.server.url}"\n')
    assert cli(gs, "flag").code == 1
    assert gs.server.grid_size(gs.sid, SHEET)[1] == 15
    assert gs.rows(SHEET)[1][12:] == ["预警状态", "剩余工作日", "校验提示"]
    assert gs.server.column_width(gs.sid, SHEET, 14) > gs.server.column_width(gs.sid, SHEET, 12) > 50
    assert "办公助手" in gs.server.note_at(gs.sid, SHEET, 1, 13)  # the status header's note is the legend


def test_serial_numbers_become_dates_only_in_date_fields():
    import pandas as pd

    from assistant.table import serials_to_dates

    column = pd.Series([46346, 46346.75, "2026-11-20", 20261120, True, None, 0.0], dtype=object)
    assert serials_to_dates(column).tolist() == [
        dt.date(2026, 11, 20), dt.datetime(2026, 11, 20, 18, 0), "2026-11-20", 20261120, True, None, 0.0]


def test_a_write_failing_every_time_gives_up_with_what_happened(gs):
    gs.create(register_sheets())

    def fail_the_write(server) -> None:  # after each read, the write that follows gets a 500
        server.fail_next(1, 500)
        server.after_next("values.batchGet", fail_the_write)

    gs.server.after_next("values.batchGet", fail_the_write)
    res = cli(gs, "flag")
    assert res.code == 2
    assert "已重试 3 次" in res.err and "500" in res.err and "下次运行会更正" in res.err
    assert gs.server.counts["spreadsheets.batchUpdate"] == 3  # once per attempt: never replayed


def test_error_cells_read_the_same_in_both_reads():
    """The key check compares values:batchGet (error cells as "#N/A") with grid data (errorValue)."""
    from assistant.sources.gsheets.plan import extended_value, plain

    assert extended_value({"errorValue": {"type": "N_A", "message": "not found"}}) == "#N/A"
    assert extended_value({"errorValue": {"type": "DIVIDE_BY_ZERO"}}) == "#DIV/0!"
    assert extended_value({"numberValue": 3}) == plain(3) == 3.0
    assert extended_value({"stringValue": ""}) is None and extended_value(None) is None
