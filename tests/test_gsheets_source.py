"""Google Sheets specifics (issue 6): the request budget, credentials, sharing, endpoints, retries,
and what happens when a write's outcome is unknown. The behaviour shared with xlsx is held by
tests/test_source_contract.py.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from google.oauth2.service_account import Credentials

import jobs.flag
from assistant.config import Secret, WorkbookConfig
from assistant.errors import ConfigError, SourceError
from assistant.office import load_office
from assistant.runner import make_context
from assistant.sources.gsheets import GSheetsSource
from assistant.sources.gsheets_http import (SCOPES, RetryPolicy, WriteOutcomeUnknown, backoff, client_class,
                                            retry_after_seconds, spreadsheet_key)
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
    (b.root / "sheets_schema" / "tasks.yaml").unlink()
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
    ctx = make_context(office, __import__("datetime").date.fromisoformat(TODAY), "zh")
    ctx.sources = {"凤凰镇": source_with(gs, RetryPolicy(), clock)}
    gs.server.after_next("values.batchGet", lambda s: s.fail_next(1, 500))
    result = jobs.flag.run(ctx)
    assert result.problems == []
    assert gs.server.counts["spreadsheets.batchUpdate"] == 2 and clock.sleeps == []
    rows = by_key(gs.rows(SHEET))
    assert [ours(rows[t.key])[0] for t in TASKS] == [t.expect for t in TASKS]
    rules = gs.server.conditional_formats(gs.sid, SHEET)
    assert len(rules) == len({json.dumps(r, sort_keys=True) for r in rules})


def test_write_outcome_unknown_is_a_stale_plan():
    assert issubclass(WriteOutcomeUnknown, __import__("assistant.sources.base", fromlist=["StalePlan"]).StalePlan)


def test_workbook_config_credentials_forms(tmp_path):
    wb = WorkbookConfig(name="x", source="gsheets:" + "k" * 44, credentials=Secret(env="NOPE_NOT_SET"))
    from assistant.sources.gsheets_http import load_credentials

    with pytest.raises(ConfigError) as exc:
        load_credentials(wb)
    assert "NOPE_NOT_SET" in exc.value.message
