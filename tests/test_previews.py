"""Previews that show what would happen (issue 15): `digest --dry-run` and `remind --dry-run` list
every message a run would send, and what each group robot would get, with what the ledger would
skip — without claiming anything; `--format json` as documented in docs/commands.md; `remind
--preview` like `digest --preview`, preview files never overwriting each other. Through the CLI on
the `init` office (real workbook, real ledger, the file outbox, a loopback WeCom robot)."""

from __future__ import annotations

import datetime as dt
import email
import io
import json
from email import policy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.ledger import Ledger
from tests.conftest import TODAY, run_cli

DIGEST_SUBJECT = "【督办周报】凤凰镇党政办 2026-11-16"


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_ROBOT_WEBHOOK", raising=False)  # the init config's robot: unset
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def cli(folder: Path, command: str, *args: str, today: str = TODAY):
    return run_cli(command, "--config", folder / "assistant.toml", "--today", today, *args)


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((folder / "outbox").glob("*.eml"))]


def sends(folder: Path) -> list[dict]:
    path = folder / ".assistant" / "ledger.sqlite"
    if not path.exists():
        return []
    with Ledger(path) as ledger:
        return ledger.sends()


def blocks(out: str) -> dict[str, str]:
    """The listing's lines grouped by the message they describe: header line -> its indented lines."""
    out_blocks: dict[str, str] = {}
    head = ""
    for line in out.splitlines():
        if line.startswith("  "):
            out_blocks[head] += line.strip() + "\n"
        else:
            head = line
            out_blocks[head] = ""
    return out_blocks


def block_of(out: str, needle: str) -> tuple[str, str]:
    (found,) = [(h, b) for h, b in blocks(out).items() if needle in h]
    return found


# --- digest --dry-run ---------------------------------------------------------------------------

def test_digest_dry_run_lists_each_message_and_claims_nothing(office):
    res = cli(office, "digest", "--dry-run")
    assert res.code == 0, res.err
    assert "将发送 2 封" in res.out and mails(office) == [] and sends(office) == []  # nothing sent, nothing claimed
    head, body = block_of(res.out, "张书记")
    assert head.startswith("将发送 督办周报 → 张书记 <zhangjg@example.gov.cn>") and "本期尚未发送" in head
    assert f"主题：{DIGEST_SUBJECT}" in body
    assert "事项：逾期 9、临期 2、滞后 3、待核实 2" in body
    assert "附件：逾期事项-凤凰镇党政办-2026-11-20.xlsx" in body
    head, body = block_of(res.out, "李镇长")  # scoped to 李明's tasks: fewer items, no overdue one, no attachment
    assert "事项：临期 1、滞后 1、待核实 2" in body and "附件" not in body
    # What was listed is what is sent: the same subject, and as many overdue items as the attachment holds.
    assert cli(office, "digest").code == 0
    sent = {m["To"].addresses[0].addr_spec: m for m in mails(office)}
    assert sent["zhangjg@example.gov.cn"]["Subject"] == DIGEST_SUBJECT
    (att,) = sent["zhangjg@example.gov.cn"].iter_attachments()
    assert att.get_filename() == "逾期事项-凤凰镇党政办-2026-11-20.xlsx"
    rows = list(load_workbook(io.BytesIO(att.get_content())).active.iter_rows(min_row=2, values_only=True))
    assert len([r for r in rows if any(r)]) == 9
    # Sent this week: the ledger would skip both; --force would send them again.
    again = cli(office, "digest", "--dry-run")
    assert "将发送 0 封，将跳过 2 封" in again.out
    assert "本期已发送过" in block_of(again.out, "张书记")[0] and "本期已发送过" in block_of(again.out, "李镇长")[0]
    forced = cli(office, "digest", "--dry-run", "--force")
    assert "--force 再发一次" in block_of(forced.out, "张书记")[0]
    assert len(mails(office)) == 2 and all(s["status"] == "sent" for s in sends(office))  # still only the real send


def test_digest_dry_run_as_json(office):
    res = cli(office, "digest", "--dry-run", "--format", "json")
    assert res.code == 0, res.err
    doc = json.loads(res.out)  # stdout is the document alone: notices went to stderr
    by_name = {m["name"]: m for m in doc["messages"]}
    zhang = by_name["张书记"]
    assert {k: zhang[k] for k in ("kind", "email", "action", "reason", "subject")} == {
        "kind": "digest", "email": "zhangjg@example.gov.cn", "action": "send", "reason": "new",
        "subject": DIGEST_SUBJECT}
    assert zhang["sections"] == {"overdue": 9, "due_soon": 2, "behind_pace": 3, "invalid": 2}
    assert zhang["attachments"] == ["逾期事项-凤凰镇党政办-2026-11-20.xlsx"] and zhang["skipped_items"] == 0
    assert by_name["李镇长"]["attachments"] == []
    (robot,) = doc["robots"]  # the init config's WeCom robot, its webhook variable not set
    assert robot["robot"] == "督办工作群" and robot["platform"] == "wecom"
    assert robot["action"] == "unset" and robot["env"] == "ASSISTANT_ROBOT_WEBHOOK"
    assert [p["title"] for p in robot["parts"]] == [DIGEST_SUBJECT]
    with_english = run_cli("digest", "--config", office / "assistant.toml", "--today", TODAY, "--dry-run",
                           "--format", "json", "--lang", "en")
    assert json.loads(with_english.out) == doc  # the document does not depend on the terminal's language
    refused = cli(office, "digest", "--format", "json")  # JSON lists a dry run; a real run is not turned into one
    assert refused.code == 2 and "--dry-run" in refused.err and mails(office) == []


def test_dry_run_lists_what_each_robot_would_get_and_what_was_posted(office, robot_server, monkeypatch):
    wecom = robot_server("wecom")
    monkeypatch.setenv("ASSISTANT_ROBOT_WEBHOOK", wecom.webhook)
    res = cli(office, "digest", "--dry-run")
    assert res.code == 0, res.err
    head, body = block_of(res.out, "机器人")
    assert head == "将推送 机器人“督办工作群”（wecom）：1 段" and body == f"第 1 段：{DIGEST_SUBJECT}\n"
    assert wecom.requests == []  # nothing posted
    assert cli(office, "digest").code == 0 and len(wecom.messages) == 1
    again = cli(office, "digest", "--dry-run")
    head, body = block_of(again.out, "机器人")
    assert head.startswith("将跳过 机器人“督办工作群”") and "（本期已推送过）" in body
    reminders = cli(office, "remind", "--dry-run", "--format", "json")
    (robot,) = json.loads(reminders.out)["robots"]
    assert robot["action"] == "post" and robot["parts"][0]["title"] == "【督办提醒】凤凰镇党政办 2026-11-20"
    assert len(wecom.messages) == 1


# --- remind --dry-run ---------------------------------------------------------------------------

def test_remind_dry_run_lists_reminders_and_escalations_item_by_item(office):
    res = cli(office, "remind", "--dry-run")
    assert res.code == 0, res.err
    assert mails(office) == [] and sends(office) == []
    head, body = block_of(res.out, "郑强")
    assert head.startswith("将发送 督办提醒 → 郑强 <zhengqiang@example.gov.cn>")
    assert "事项：逾期 1、临期 1" in body and "主题：【督办提醒】凤凰镇党政办 2026-11-20：2 项" in body
    head, body = block_of(res.out, "张建国")
    assert head.startswith("将发送 逾期督办 → 张建国") and "事项：逾期 3" in body
    head, _ = block_of(res.out, "张三")  # an owner the roster has no address for: said, not hidden
    assert head.startswith("将跳过 督办提醒 → 张三") and "找不到邮箱" in head
    assert cli(office, "remind").code == 0
    sent = len(mails(office))
    # A new overdue item for 王芳 the same day: her reminder would go again, with that item only.
    path = office / "data" / "凤凰镇.xlsx"
    wb = load_workbook(path)
    ws = wb["督查督办台账"]
    assert ws["A16"].value == "DB-2026-014" and ws["E16"].value == "王芳"
    ws["H16"] = dt.datetime(2026, 11, 19)
    wb.save(path)
    doc = json.loads(cli(office, "remind", "--dry-run", "--format", "json").out)
    by_name = {(m["kind"], m["name"]): m for m in doc["messages"]}
    wang = by_name[("remind", "王芳")]
    # her two items reminded this morning (one of them also escalated to her leader) are not sent again
    assert (wang["action"], wang["sections"], wang["skipped_items"]) == ("send", {"overdue": 1}, 2)
    assert "1 项" in wang["subject"]  # the message would hold the new item only
    zheng = by_name[("remind", "郑强")]
    assert (zheng["action"], zheng["reason"]) == ("skip", "already_sent")
    assert zheng["sections"] == {"overdue": 1, "due_soon": 1}  # what was sent today
    text = cli(office, "remind", "--dry-run").out
    assert "另有 2 项今天已提醒过" in block_of(text, "王芳")[1]
    assert len(mails(office)) == sent


# --- previews -----------------------------------------------------------------------------------

def test_remind_preview_writes_each_message_and_sends_nothing(office):
    res = cli(office, "remind", "--preview")
    assert res.code == 0, res.err
    paths = [Path(line.split(" ", 1)[1]) for line in res.out.splitlines() if line.startswith("预览已写入")]
    folder = office / "outbox" / "preview"
    assert sorted(p.name for p in paths) == sorted(p.name for p in folder.iterdir())
    names = {p.name for p in paths}
    assert "remind-郑强-zhengqiang@example.gov.cn.zh.html" in names
    assert "escalate-张建国-zhangjg@example.gov.cn.zh.html" in names
    html = (folder / "remind-郑强-zhengqiang@example.gov.cn.zh.html").read_text(encoding="utf-8")
    assert "DB-2026-003" in html and "SW-2026-002" in html and "<html" in html
    assert mails(office) == [] and sends(office) == []


def test_previews_never_overwrite_each_other_across_recipients_and_languages(office):
    config = office / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    # Two recipients of the same name, one reading English; and a name Windows cannot have in a file name.
    text = text.replace('name = "李镇长"', 'name = "张书记"').replace(
        'email = "liming@example.gov.cn"', 'email = "liming@example.gov.cn"\nlang = "en"')
    text += '\n[[recipients]]\nname = "办公室/值班:*?"\nemail = "duty@example.gov.cn"\nscope = "all"\n'
    config.write_text(text, encoding="utf-8")
    res = cli(office, "digest", "--preview")
    assert res.code == 0, res.err
    files = sorted((office / "outbox" / "preview").iterdir())
    assert [f.name for f in files] == sorted(["digest-张书记-zhangjg@example.gov.cn.zh.html",
                                              "digest-张书记-liming@example.gov.cn.en.html",
                                              "digest-办公室值班-duty@example.gov.cn.zh.html"])
    english = (office / "outbox" / "preview" / "digest-张书记-liming@example.gov.cn.en.html").read_text(encoding="utf-8")
    assert "[Supervision weekly]" in english
    assert "【督办周报】" in files[0].read_text(encoding="utf-8")
    assert mails(office) == []
