"""Digests and reminders end to end through the file outbox: what a leader or an owner receives."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import TODAY, run_cli


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((folder / "outbox").glob("*.eml"))]


def body(msg, subtype: str) -> str:
    return msg.get_body(preferencelist=(subtype,)).get_content()


@pytest.fixture
def office(tmp_path):
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def digest(folder: Path, *args: str):
    return run_cli("digest", "--config", folder / "assistant.toml", "--today", TODAY, *args)


def test_each_recipient_gets_a_scoped_digest_once(office):
    res = digest(office)
    assert res.code == 0, res.err
    sent = mails(office)
    assert len(sent) == 2
    by_to = {m["To"].addresses[0].addr_spec: m for m in sent}
    everything, li = by_to["zhangjg@example.gov.cn"], by_to["liming@example.gov.cn"]
    assert everything["Subject"] == "【督办周报】凤凰镇党政办 2026-11-16"
    # 张书记 (scope all) sees every overdue item; 李镇长 only those whose 分管领导 is 李明.
    all_html, li_html = body(everything, "html"), body(li, "html")
    assert "DB-2026-010" in all_html and "DB-2026-002" in all_html
    assert "DB-2026-003" in li_html and "DB-2026-010" not in li_html
    assert "逾期事项" in body(everything, "plain")
    # Again in the same week: nothing new is sent.
    again = digest(office)
    assert again.code == 0 and "已发送过" in again.out
    assert len(mails(office)) == 2
    # --force sends again.
    assert digest(office, "--force").code == 0
    assert len(mails(office)) == 4


def test_digest_parts_and_attachment(office):
    digest(office)
    msg = next(m for m in mails(office) if m["To"].addresses[0].addr_spec == "zhangjg@example.gov.cn")
    html = body(msg, "html")
    assert "style=" in html  # CSS inlined for mail clients; only the phone's @media rules stay a style sheet
    assert re.fullmatch(r"\s*@media [^{]+\{.*\}\s*", "".join(re.findall(r"<style>(.*?)</style>", html, re.S)), re.S)
    assert "<table" in html and "width: " in html  # the per-unit bar chart, built from table cells
    text = body(msg, "plain")
    assert "DB-2026-010" in text and "<" not in text.split("\n")[0]
    (att,) = list(msg.iter_attachments())
    assert att.get_filename().endswith(".xlsx")
    path = office / "att.xlsx"
    path.write_bytes(att.get_content())
    ws = load_workbook(path).active
    keys = [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "DB-2026-010" in keys and len(keys) == 9  # the three overdue tasks, six 收文/信访 items


def test_cell_text_is_escaped_and_numbers_masked(office):
    wb = load_workbook(office / "data" / "凤凰镇.xlsx")
    ws = wb["督查督办台账"]
    ws["C12"] = "<script>alert(1)</script> 联系 13812345678"
    ws["C4"] = '<img src=x onerror=alert(1)> 身份证 11010519491231002X'
    ws["E12"] = "=HYPERLINK(\"x\")"
    wb.save(office / "data" / "凤凰镇.xlsx")
    digest(office)
    msg = next(m for m in mails(office) if m["To"].addresses[0].addr_spec == "zhangjg@example.gov.cn")
    html = body(msg, "html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "13812345678" not in html and "138****5678" in html
    assert "11010519491231002X" not in html and "110105********002X" in html
    assert "13812345678" not in body(msg, "plain")
    (att,) = list(msg.iter_attachments())
    path = office / "att.xlsx"
    path.write_bytes(att.get_content())
    cells = [c for row in load_workbook(path).active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # "=…" from a cell stays text


def test_preview_writes_html_and_sends_nothing(office):
    res = digest(office, "--preview")
    assert res.code == 0
    paths = [Path(line.split(" ", 1)[1] if " " in line else line) for line in res.out.splitlines() if ".html" in line]
    assert paths
    assert mails(office) == []
    previews = sorted((office / "outbox" / "preview").glob("*.html"))
    assert len(previews) == 2 and "DB-2026-010" in previews[0].read_text(encoding="utf-8") + previews[1].read_text(encoding="utf-8")


def test_only_allowed_domains(office):
    config = office / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'email = "liming@example.gov.cn"', 'email = "liming@gmail.com"'), encoding="utf-8")
    res = digest(office)
    assert res.code == 0
    assert [m["To"].addresses[0].addr_spec for m in mails(office)] == ["zhangjg@example.gov.cn"]
    assert "allowed_domains" in res.out


def test_english_digest(office):
    config = office / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'email = "zhangjg@example.gov.cn"', 'email = "zhangjg@example.gov.cn"\nlang = "en"'), encoding="utf-8")
    digest(office)
    msg = next(m for m in mails(office) if m["To"].addresses[0].addr_spec == "zhangjg@example.gov.cn")
    assert msg["Subject"].startswith("[Supervision weekly]")
    assert "Overdue" in body(msg, "html")


def test_reminders_once_per_item_per_day(office):
    res = run_cli("remind", "--config", office / "assistant.toml", "--today", TODAY)
    assert res.code == 0, res.err
    sent = mails(office)
    to = sorted(m["To"].addresses[0].addr_spec for m in sent)
    # Owners of due-soon / overdue items (from the roster's e-mails); escalations to leaders.
    assert "zhengqiang@example.gov.cn" in to  # DB-2026-003 due soon, owner 郑强
    escalations = [m for m in sent if m["Subject"].startswith("【逾期督办】")]
    assert escalations and all("DB-2026-010" in body(m, "plain") or "DB-2026-002" in body(m, "plain")
                               or "DB-2026-008" in body(m, "plain") for m in escalations)
    again = run_cli("remind", "--config", office / "assistant.toml", "--today", TODAY)
    assert again.code == 0 and len(mails(office)) == len(sent)
    # The next day is another day: reminded again.
    run_cli("remind", "--config", office / "assistant.toml", "--today", "2026-11-23")
    assert len(mails(office)) > len(sent)


def test_long_sections_are_cut_and_the_attachment_has_everything(office):
    import datetime as dt

    wb = load_workbook(office / "data" / "凤凰镇.xlsx")
    ws = wb["督查督办台账"]
    for i in range(40):  # 40 more overdue items, all for 张建国's area
        ws.append([f"DB-2026-{100 + i:03d}", "上级交办", f"补充事项{i}", "党政办", "王芳", "张建国",
                   dt.date(2026, 10, 1), dt.date(2026, 11, 2), 10, "推进中", None, None])
    wb.save(office / "data" / "凤凰镇.xlsx")
    digest(office)
    msg = next(m for m in mails(office) if m["To"].addresses[0].addr_spec == "zhangjg@example.gov.cn")
    html = body(msg, "html")
    listed = sum(f"DB-2026-{100 + i:03d}" in html for i in range(40))
    # the 30 most overdue: two 收文/信访 items due 2026-10-31 and 28 of these; the rest (the less overdue
    # sample items among them) are left to the attachment
    assert listed == 28 and "SW-2026-002" in html and "XF-2026-004" in html
    assert "另有 19 项未列出，完整清单见附件" in html
    (att,) = list(msg.iter_attachments())
    path = office / "att.xlsx"
    path.write_bytes(att.get_content())
    assert load_workbook(path).active.max_row == 1 + 49  # header + every overdue item
