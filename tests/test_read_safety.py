"""Reading safety (issue 11): what a source hands out can always be printed, written and mailed
(lone surrogates from Google Sheets); a workbook that cannot be read, or that would take the machine
down, is a located message and exit 2 (unreadable files, hostile XML, size limits); and whitespace
far below the data is not data.
"""

from __future__ import annotations

import email
import gzip
import json
from email import policy
from pathlib import Path

import pytest

from tests.backends import GSheetsBackend
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import SHEET
from tests.test_source_contract import FIRST, register_sheets

LONE = "\ud800"  # a high surrogate with no low one after it: what a "\ud800" JSON escape decodes to
MAIL = """
[mail]
transport = "file"
sender = "党政办 <dzb@example.gov.cn>"
allowed_domains = ["example.gov.cn"]

[[recipients]]
name = "张书记"
email = "zhangjg@example.gov.cn"
scope = "all"
"""


def cli(config: Path, command: str, *args: str):
    return run_cli(command, "--config", config, "--today", TODAY, *args)


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((folder / "outbox").glob("*.eml"))]


# --- 8. lone surrogates from Google Sheets ---------------------------------------------------------


@pytest.fixture
def gs(tmp_path, sheets_server) -> GSheetsBackend:
    return GSheetsBackend(tmp_path / "office", sheets_server)


def surrogate_sheets() -> dict[str, list[list]]:
    """The register with lone surrogates in an overdue item's content (shown in the digest) and in
    a value that is wrong (quoted in a finding and in the 校验提示 we write back)."""
    sheets = register_sheets()
    rows = sheets[SHEET]
    rows[FIRST][2] = f"秸秆禁烧{LONE}巡查"  # DB-2026-001, overdue
    rows[FIRST + 7][1] = f"上级交待{LONE}"  # DB-2026-008's 事项来源: not in the enum, a finding
    return sheets


def test_lone_surrogates_from_sheets_become_replacement_characters(gs):
    gs.create(surrogate_sheets(), extra=MAIL)
    res = cli(gs.config, "check")
    assert res.code == 1, res.err
    assert f"上级交待\ufffd" in res.out
    res = cli(gs.config, "check", "--format", "json")
    assert res.code == 1, res.err
    values = {f["value"] for f in res.json()["findings"]}
    assert "上级交待\ufffd" in values
    assert not any(LONE in json.dumps(f, ensure_ascii=False) for f in res.json()["findings"])

    res = cli(gs.config, "flag")
    assert res.code == 1, res.err
    (backup,) = gs.backups()
    snapshot = json.loads(gzip.decompress(backup.read_bytes()))
    assert snapshot["sheets"][SHEET][FIRST][2] == "秸秆禁烧\ufffd巡查"
    written = gs.rows(SHEET)
    hint = next(r for r in written if r and r[0] == "DB-2026-008")[14]
    assert "上级交待\ufffd" in hint  # the 校验提示 quotes the value as read

    res = cli(gs.config, "digest")
    assert res.code == 0, res.err
    (msg,) = mails(gs.root)
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "秸秆禁烧\ufffd巡查" in html and "style=" in html  # CSS inlined
    assert "秸秆禁烧\ufffd巡查" in msg.get_body(preferencelist=("plain",)).get_content()


def test_lone_surrogates_in_titles_are_replaced(gs, sheets_server):
    """The spreadsheet's and a sheet's title reach messages too (what the workbook holds)."""
    sheets = register_sheets()
    sheets[f"其他{LONE}"] = [["x"]]
    gs.create(sheets, registers=["tasks", "roster"])
    spreadsheet = sheets_server.spreadsheets[gs.sid]
    spreadsheet.title = f"凤凰镇{LONE}台账"
    res = cli(gs.config, "flag")
    assert res.code == 1, res.err
    assert "凤凰镇\ufffd台账" in res.out + res.err
    # A register's sheet missing: the message lists the sheets there are, titles as read.
    spreadsheet.sheets = [s for s in spreadsheet.sheets if s.title != "人员名册"]
    res = cli(gs.config, "check")
    assert res.code == 2
    assert "其他\ufffd" in res.err and "人员名册" in res.err and "内部错误" not in res.err
