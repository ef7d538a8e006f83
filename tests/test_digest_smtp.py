"""Digests and reminders through a real SMTP server on 127.0.0.1 (aiosmtpd): what the server
received, one connection per run, and exactly-once delivery through failures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.ledger import Ledger
from tests.conftest import TODAY, run_cli


@pytest.fixture
def office(tmp_path):
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def use_server(folder: Path, server, **overrides) -> None:
    config = folder / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"\[mail\].*?(?=\[\[recipients\]\])", server.toml_mail(**overrides) + "\n", text, flags=re.S)
    config.write_text(text, encoding="utf-8")


def digest(folder: Path, *args: str):
    return run_cli("digest", "--config", folder / "assistant.toml", "--today", TODAY, *args)


def ledger_rows(folder: Path) -> list[dict]:
    with Ledger(folder / ".assistant" / "ledger.sqlite") as ledger:
        return ledger.sends()


@pytest.mark.parametrize("variant, auth", [("plain", False), ("plain", True), ("starttls", True), ("ssl", True),
                                           ("ssl", False)])
def test_digest_received_by_the_server(office, smtp_server, variant, auth):
    server = smtp_server(variant, auth=auth)
    use_server(office, server)
    res = digest(office)
    assert res.code == 0, res.err
    assert len(server.messages) == 2
    assert server.connections == 1 and server.logins == (1 if auth else 0)
    by_to = {m.rcpt_tos[0]: m.message for m in server.messages}
    assert set(by_to) == {"zhangjg@example.gov.cn", "liming@example.gov.cn"}
    msg = by_to["zhangjg@example.gov.cn"]
    assert msg["Subject"] == "【督办周报】凤凰镇党政办 2026-11-16"
    assert msg.get_content_type() == "multipart/mixed"
    alternative = next(p for p in msg.iter_parts() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert "DB-2026-010" in msg.get_body(("plain",)).get_content()
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "逾期事项-凤凰镇党政办-2026-11-20.xlsx" and att.get_content()[:2] == b"PK"
    ids = {m.message["Message-ID"] for m in server.messages}
    assert len(ids) == 2 and not any("yagmail" in i for i in ids)
    assert {r["status"] for r in ledger_rows(office)} == {"sent"}


def test_server_down_then_up_sends_each_digest_once(office, smtp_server, smtp_down):
    use_server(office, smtp_down)
    res = digest(office)
    assert res.code == 1 and "Traceback" not in res.err
    assert "下次运行会重试" in res.err
    assert {r["status"] for r in ledger_rows(office)} == {"failed"}
    server = smtp_server("starttls", auth=True)
    use_server(office, server)
    assert digest(office).code == 0
    assert len(server.messages) == 2 and server.connections == 1
    again = digest(office)
    assert again.code == 0 and len(server.messages) == 2  # nothing twice
    assert all(r["attempts"] == 2 and r["status"] == "sent" for r in ledger_rows(office))


def test_refused_recipient_fails_alone_and_is_retried(office, smtp_server):
    server = smtp_server("plain", refuse_rcpt=["liming@example.gov.cn"])
    use_server(office, server)
    res = digest(office)
    assert res.code == 1
    assert [m.rcpt_tos for m in server.messages] == [["zhangjg@example.gov.cn"]]
    status = {r["recipient"]: r["status"] for r in ledger_rows(office)}
    assert status == {"zhangjg@example.gov.cn": "sent", "liming@example.gov.cn": "failed"}
    fixed = smtp_server("plain")
    use_server(office, fixed)
    assert digest(office).code == 0
    assert [m.rcpt_tos for m in fixed.messages] == [["liming@example.gov.cn"]]  # only the one that failed


def test_server_that_never_answers_times_out(office, smtp_hanging):
    use_server(office, smtp_hanging, timeout=1.0)
    res = digest(office)
    assert res.code == 1 and "Traceback" not in res.err
    assert {r["status"] for r in ledger_rows(office)} == {"failed"}


def test_reminders_over_smtp_once_per_day(office, smtp_server):
    server = smtp_server("starttls", auth=True)
    use_server(office, server)
    assert run_cli("remind", "--config", office / "assistant.toml", "--today", TODAY).code == 0
    first = len(server.messages)
    # 6 owners (tasks and 收文登记; one only for a deadline to correct, 周婷 only for an item escalated to
    # her leader), 1 escalation
    assert first == 7 and server.connections == 1
    subjects = sorted(m.message["Subject"] for m in server.messages)
    assert subjects[0].startswith("【督办提醒】") and subjects[-1].startswith("【逾期督办】")
    assert run_cli("remind", "--config", office / "assistant.toml", "--today", TODAY).code == 0
    assert len(server.messages) == first


def test_cell_text_arrives_escaped_and_masked(office, smtp_server):
    from openpyxl import load_workbook

    wb = load_workbook(office / "data" / "凤凰镇.xlsx")
    ws = wb["督查督办台账"]
    ws["C12"] = "<script>alert(1)</script> 电话13812345678"
    ws["D12"] = "<img src=x onerror=alert(1)>"
    wb.save(office / "data" / "凤凰镇.xlsx")
    server = smtp_server("ssl", auth=True)
    use_server(office, server)
    assert digest(office).code == 0
    msg = next(m.message for m in server.messages if m.rcpt_tos == ["zhangjg@example.gov.cn"])
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    plain = msg.get_body(("plain",)).get_content()
    assert "13812345678" not in html + plain and "138****5678" in html and "138****5678" in plain
