"""Mail goes out once, and one bad thing never stops everything (issue 11, items 5, 6, 7, 9, 11, 12).

Real parts throughout: a working folder made by `assistant init`, its real xlsx workbook (patched at
the package level where Excel stores what openpyxl refuses to write: `_x0001_`), the real CLI, the
file outbox or the real SMTP server of tests/smtp_server.py, the real ledger file.
"""

from __future__ import annotations

import datetime as dt
import email
import io
import re
import sqlite3
import zipfile
from email import policy
from email.message import EmailMessage
from pathlib import Path

import jinja2
import pytest
from openpyxl import load_workbook

from assistant.ledger import _MIGRATIONS, SCHEMA_VERSION, Ledger
from tests.conftest import TODAY, run_cli
from tests.test_digest_smtp import use_server

ZHANG, LI = "zhangjg@example.gov.cn", "liming@example.gov.cn"  # the two [[recipients]] of `init`
TASKS_SHEET = "xl/worksheets/sheet1.xml"  # 督查督办台账 in the sample workbook


@pytest.fixture
def office(tmp_path: Path) -> Path:
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def cli(command: str, folder: Path, *args: str):
    return run_cli(command, "--config", folder / "assistant.toml", "--today", TODAY, *args)


def mails(folder: Path) -> list[EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in sorted((folder / "outbox").glob("*.eml"))]


def to_of(msg: EmailMessage) -> str:
    return msg["To"].addresses[0].addr_spec


def body(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None
    return part.get_content()


def attachment_cells(msg: EmailMessage, folder: Path) -> list[object]:
    (att,) = list(msg.iter_attachments())
    path = folder / "attachment.xlsx"
    path.write_bytes(att.get_content())
    return [v for row in load_workbook(path).active.iter_rows(values_only=True) for v in row]


def ledger_rows(folder: Path) -> list[dict]:
    with Ledger(folder / ".assistant" / "ledger.sqlite") as ledger:
        return ledger.sends()


def put_text(folder: Path, ref: str, xml_text: str) -> None:
    """Make cell `ref` of the task register an inline string whose XML text is `xml_text`, written
    into the package as is: Excel stores a pasted control character as `_x0001_`, which openpyxl
    refuses to write."""
    path = folder / "data" / "凤凰镇.xlsx"
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == TASKS_SHEET:
                cell = re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.S)
                text = data.decode("utf-8")
                match = cell.search(text)
                assert match, ref
                style = re.search(r'\ss="\d+"', match["attrs"])
                new = f'<c r="{ref}"{style[0] if style else ""} t="inlineStr"><is><t>{xml_text}</t></is></c>'
                data = (text[:match.start()] + new + text[match.end():]).encode("utf-8")
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


# --- 5. a message the server may have: recorded as uncertain, never resent by itself --------------

@pytest.mark.parametrize("fault", ["drop", "garbage", "hang"])
def test_reply_lost_after_the_whole_message_is_uncertain_and_only_force_to_resends(office, smtp_server, fault):
    server = smtp_server("plain", after_data={ZHANG: fault})
    use_server(office, server, timeout=1.0)  # "hang": the client gives up after a second
    first = cli("digest", office)
    assert first.code == 1 and "Traceback" not in first.err and "内部错误" not in first.err
    assert sorted(m.rcpt_tos[0] for m in server.messages) == [LI, ZHANG]  # the server does have it
    assert "结果不明" in first.err and f"--force --to {ZHANG}" in first.err
    rows = {r["recipient"]: r for r in ledger_rows(office)}
    assert rows[ZHANG]["status"] == "uncertain" and rows[LI]["status"] == "sent"

    second = cli("digest", office)  # the next run does not send it again
    assert [m.rcpt_tos for m in server.messages].count([ZHANG]) == 1
    assert f"--force --to {ZHANG}" in second.out + second.err

    server.after_data.clear()
    forced = cli("digest", office, "--force", "--to", ZHANG)
    assert forced.code == 0, forced.err
    assert [m.rcpt_tos for m in server.messages].count([ZHANG]) == 2 and len(server.messages) == 3
    rows = {r["recipient"]: r for r in ledger_rows(office)}
    assert rows[ZHANG]["status"] == "sent" and rows[ZHANG]["attempts"] == 2 and rows[LI]["attempts"] == 1


def test_connection_lost_before_the_message_was_sent_is_retried(office, smtp_server):
    server = smtp_server("plain", drop_at_rcpt=[ZHANG])
    use_server(office, server)
    first = cli("digest", office)
    assert first.code == 1 and "下次运行会重试" in first.err and "结果不明" not in first.err
    assert [m.rcpt_tos for m in server.messages] == [[LI]]
    assert {r["recipient"]: r["status"] for r in ledger_rows(office)} == {ZHANG: "failed", LI: "sent"}
    server.drop_at_rcpt.clear()
    assert cli("digest", office).code == 0
    assert sorted(m.rcpt_tos[0] for m in server.messages) == [LI, ZHANG]  # each exactly once


def test_a_ledger_of_the_first_version_is_migrated_with_its_rows(tmp_path):
    path = tmp_path / "ledger.sqlite"
    db = sqlite3.connect(path)
    for statement in _MIGRATIONS[0]:
        db.execute(statement)
    db.execute("INSERT INTO sends (job, recipient, period, status, attempts, first_attempt_at, last_attempt_at)"
               " VALUES ('digest', 'a@example.gov.cn', '2026-W47', 'sent', 1, 'x', 'x')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Ledger(path) as ledger:
        assert [(r["recipient"], r["status"]) for r in ledger.sends()] == [("a@example.gov.cn", "sent")]
        claim = ledger.claim("digest", "b@example.gov.cn", "2026-W47")
        assert claim is not None and ledger.maybe_sent(claim, "connection lost after the message")
        assert ledger.claim("digest", "b@example.gov.cn", "2026-W47") is None  # never by itself
        assert [r["status"] for r in ledger.uncertain()] == ["uncertain"]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# --- 6. --to: redo one send without duplicating everyone else's ------------------------------------

def test_force_to_resends_to_that_address_only(office):
    assert cli("digest", office).code == 0 and len(mails(office)) == 2
    res = cli("digest", office, "--force", "--to", "LiMing@Example.gov.cn")  # any case
    assert res.code == 0, res.err
    assert sorted(to_of(m) for m in mails(office)) == [LI, LI, ZHANG]
    assert {r["recipient"]: r["attempts"] for r in ledger_rows(office)} == {ZHANG: 1, LI: 2}

    assert cli("remind", office).code == 0
    before = mails(office)
    res = cli("remind", office, "--force", "--to", "zhengqiang@example.gov.cn")
    assert res.code == 0, res.err
    new = [m for m in mails(office) if m["Message-ID"] not in {b["Message-ID"] for b in before}]
    assert [to_of(m) for m in new] == ["zhengqiang@example.gov.cn"]


@pytest.mark.parametrize("command, typo, meant", [("digest", "liming@example.gov.com", LI),
                                                  ("remind", "zhengqiang@example.gov", "zhengqiang@example.gov.cn")])
def test_to_an_address_nobody_in_the_run_has_is_a_usage_error(office, command, typo, meant):
    res = cli(command, office, "--force", "--to", typo)
    assert res.code == 2 and "内部错误" not in res.err
    assert typo in res.err and f"是不是“{meant}”" in res.err
    assert mails(office) == [] and ledger_rows(office) == []


# --- 7. control characters from cells, and one recipient's failure --------------------------------

def test_a_control_character_in_a_cell_stops_no_digest_and_no_reminder(office):
    put_text(office, "C12", "A_x0001_B 政务公开栏内容更新")  # DB-2026-010, overdue: in 张书记's digest
    res = cli("digest", office)
    assert res.code == 0, res.err
    sent = {to_of(m): m for m in mails(office)}
    assert set(sent) == {ZHANG, LI}
    zhang = sent[ZHANG]
    for text in (body(zhang, "plain"), body(zhang, "html")):
        assert "AB 政务公开栏内容更新" in text and "\x01" not in text
    assert "AB 政务公开栏内容更新" in attachment_cells(zhang, office)

    res = cli("remind", office)
    assert res.code == 0, res.err
    escalation = next(m for m in mails(office) if m["Subject"].startswith("【逾期督办】"))
    assert "AB 政务公开栏内容更新" in body(escalation, "plain") and "\x01" not in body(escalation, "html")


def test_one_recipients_mail_failing_to_build_stops_no_other(office, monkeypatch, caplog):
    import assistant.render

    real = assistant.render.render

    def render(env, template, subject, /, **data):
        d = data.get("d")
        if d is not None and d.recipient.name == "张书记":  # this recipient's mail only
            raise RuntimeError("boom while rendering")
        return real(env, template, subject, **data)

    monkeypatch.setattr(assistant.render, "render", render)
    res = cli("digest", office)
    assert res.code == 1 and "内部错误" not in res.err and "Traceback" not in res.err
    assert [to_of(m) for m in mails(office)] == [LI]
    assert "张书记" in res.err and ZHANG in res.err and "boom while rendering" in res.err
    assert {r["recipient"]: r["status"] for r in ledger_rows(office)} == {ZHANG: "failed", LI: "sent"}
    assert any("张书记" in r.getMessage() and r.exc_info for r in caplog.records if r.name.startswith("assistant"))

    monkeypatch.setattr(assistant.render, "render", real)
    assert cli("digest", office).code == 0  # the failed one is retried, the other is not resent
    assert sorted(to_of(m) for m in mails(office)) == [LI, ZHANG]


# --- 9. templates: checked before anything is claimed, rendered in the sandbox --------------------

@pytest.mark.parametrize("command, name, text, line", [
    ("digest", "digest.txt", "{{ subject }}\n\n{{ d.total + }}\n", 3),
    ("digest", "_items.html", "<table>\n{% for it in items %}<tr>{{ it.key | }}</tr>{% endfor %}\n</table>\n", 2),
    ("remind", "reminder.html", "<p>{{ name }}</p>\n{% if escalation %}\n", 2),
])
def test_template_syntax_error_is_a_config_error_before_any_send(office, command, name, text, line):
    (office / "templates" / name).write_text(text, encoding="utf-8")
    res = cli(command, office)
    assert res.code == 2 and "内部错误" not in res.err and "Traceback" not in res.err
    assert f"templates/{name}" in res.err and f"第 {line} 行" in res.err
    assert ledger_rows(office) == [] and mails(office) == []


def test_a_missing_included_template_is_named_before_any_send(office):
    (office / "templates" / "reminder.txt").write_text('{% include "_footer.txt" %}\n', encoding="utf-8")
    res = cli("remind", office)
    assert res.code == 2 and "内部错误" not in res.err
    assert "templates/reminder.txt" in res.err and "_footer.txt" in res.err
    assert ledger_rows(office) == [] and mails(office) == []


def test_a_template_cannot_run_a_command(office, tmp_path):
    marker = tmp_path / "MARKER"
    command = f'mkdir "{marker.as_posix()}"'  # a command of every platform's shell
    payload = "{{ cycler.__init__.__globals__.os.popen('" + command + "').read() }}\n"
    (office / "templates" / "digest.txt").write_text(payload, encoding="utf-8")
    res = cli("digest", office)
    assert not marker.exists()
    assert res.code == 2 and "templates/digest.txt" in res.err and "内部错误" not in res.err
    assert mails(office) == []


def test_the_default_templates_render_as_without_the_sandbox(office):
    from assistant.api import load_office, make_context
    from assistant.digests import build_digest, reminders
    from assistant.judge import judge
    from assistant.render import environment, render

    loaded = load_office(office / "assistant.toml")
    j = judge(make_context(loaded, dt.date.fromisoformat(TODAY), "zh"))
    env = environment(loaded.config.templates_dir)
    plain = jinja2.Environment(loader=env.loader, autoescape=env.autoescape, undefined=env.undefined,
                               trim_blocks=True, lstrip_blocks=True)
    plain.globals.update(env.globals)
    assert not isinstance(plain, type(env))
    for r in loaded.config.recipients:
        d = build_digest(j, loaded.config.office_name, r, dt.date.fromisoformat(TODAY))
        assert render(env, "digest", d.subject, d=d) == render(plain, "digest", d.subject, d=d)
    owners, leaders = reminders(j)
    for escalation, people in ((False, owners), (True, leaders)):
        for name, items in people.items():
            data = dict(name=name, items=items, escalation=escalation, office="凤凰镇党政办")
            assert render(env, "reminder", "s", **data) == render(plain, "reminder", "s", **data)


# --- 11. a huge cell makes a small mail -------------------------------------------------------------

def test_a_one_megabyte_cell_makes_a_small_mail(office):
    put_text(office, "C12", "Z" * 1_048_576)
    assert cli("digest", office).code == 0
    zhang = next(m for m in mails(office) if to_of(m) == ZHANG)
    assert len(zhang.as_bytes()) < 400_000
    capped = "Z" * 32766 + "…"  # 32,767 characters, the Excel limit, ending with an ellipsis
    for text in (body(zhang, "plain"), body(zhang, "html")):
        assert capped in text and "Z" * 32767 not in text
    assert capped in attachment_cells(zhang, office)


# --- 12. control characters never reach the terminal raw --------------------------------------------

def test_terminal_output_shows_control_characters_and_json_keeps_them(office):
    put_text(office, "H9", "_x001B_[31mX_x001B_[0m")  # a due date: an invalid_date finding quotes it
    put_text(office, "E5", "郑_x001B_]0;pwned_x0007_强")  # an owner due soon: remind names them
    text = cli("check", office)
    assert text.code == 1
    assert "\x1b" not in text.out + text.err and "␛[31mX␛[0m" in text.out
    found = cli("check", office, "--format", "json").json()["findings"]
    assert next(f for f in found if f["cell"] == "H9" and f["register"] == "tasks")["value"] == "\x1b[31mX\x1b[0m"

    flag = cli("flag", office, "--dry-run")
    assert "\x1b" not in flag.out + flag.err and "郑␛]0;pwned␇强" in flag.out
    items = cli("flag", office, "--dry-run", "--format", "json").json()["items"]
    assert "郑\x1b]0;pwned\x07强" in {i["owner"] for i in items}

    remind = cli("remind", office)  # names as mail has them: control characters removed
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", remind.out + remind.err)
    assert "找不到 郑]0;pwned强 的邮箱" in remind.out

    wrong = cli("digest", office, "--to", "\x1b[2Jevil@example.gov.cn")  # an error message quoting it
    assert wrong.code == 2 and "\x1b" not in wrong.err and "--to ␛[2Jevil@example.gov.cn" in wrong.err
