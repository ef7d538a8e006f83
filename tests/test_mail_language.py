"""The language of a mail is its reader's: the recipient's `lang`, else the office's `[office] lang`.
`--lang` changes the terminal only. And a mail is in one language: apart from what comes from the
cells (names, items, the office's own names), an English mail has no Chinese and a Chinese mail no
English words of its own."""

from __future__ import annotations

import datetime as dt
import email
import io
import re
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.i18n import CATALOG
from tests.conftest import TODAY, run_cli

# Chinese: ideographs, CJK punctuation (、。「」), full-width forms (，：（）)
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def office(tmp_path):
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def cli(job: str, folder: Path, *args: str):
    res = run_cli(job, "--config", folder / "assistant.toml", "--today", TODAY, *args)
    assert res.code == 0, res.err
    return res


def edit_config(folder: Path, old: str, new: str) -> None:
    config = folder / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def mails(folder: Path) -> dict[str, list[email.message.EmailMessage]]:
    """Mails in the outbox by recipient address."""
    out: dict[str, list] = {}
    for p in sorted((folder / "outbox").glob("*.eml")):
        msg = email.message_from_bytes(p.read_bytes(), policy=policy.default)
        out.setdefault(msg["To"].addresses[0].addr_spec, []).append(msg)
    return out


class _Text(HTMLParser):
    """The text of a page, without its <style> element's rules (a reader does not see them)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.in_style = self.in_style or tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = self.in_style and tag != "style"

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.parts.append(data)


def readable(msg: email.message.EmailMessage) -> str:
    """Everything a reader sees: subject, plain text, the HTML's text, attachment names and cells."""
    parser = _Text()
    parser.feed(msg.get_body(preferencelist=("html",)).get_content())
    parts = [str(msg["Subject"]), msg.get_body(preferencelist=("plain",)).get_content(), *parser.parts]
    for att in msg.iter_attachments():
        parts.append(att.get_filename())
        for row in load_workbook(io.BytesIO(att.get_content())).active.iter_rows(values_only=True):
            parts += [str(v) for v in row if v is not None]
    return "\n".join(parts)


def data_values(folder: Path) -> list[str]:
    """What comes from the office's own data: every tracked item's cells as mail shows them, the
    names of the office, workbooks, registers and recipients. Longest first, for stripping."""
    from assistant.api import make_context
    from assistant.digests import tracked
    from assistant.judge import judge
    from assistant.office import load_office
    from assistant.text import display

    office = load_office(folder / "assistant.toml")
    j = judge(make_context(office, dt.date.fromisoformat(TODAY), "zh"))
    values = {office.config.office_name, *(wb.name for wb in office.config.workbooks),
              *(r.name for r in office.config.recipients), *(c.register.title for c in j.contexts)}
    for it in tracked(j):
        values |= {it.workbook, it.register, it.key, it.content, it.unit, it.owner, it.leader}
        if it.reason is not None:  # an unreadable deadline: its column's name and the cell as typed
            values |= {it.reason.column, display(it.reason.value)}
    return sorted((v for v in values if v), key=len, reverse=True)


def without(text: str, values: list[str]) -> str:
    for v in values:
        text = text.replace(v, " ")
    return text


def assert_english(msg, values: list[str]) -> None:
    left = without(readable(msg), values)
    found = {m.group() for m in CJK.finditer(left)}
    assert not found, f"Chinese in an English mail ({msg['Subject']}): {found}"


def assert_chinese(msg, values: list[str]) -> None:
    """No English word of our own: the only Latin words are those of Chinese messages (Excel, …)."""
    ours = {w.lower() for zh, _ in CATALOG.values() for w in WORD.findall(zh)}
    left = without(readable(msg), values)
    found = {w for w in WORD.findall(left) if w.lower() not in ours}
    assert not found, f"English in a Chinese mail ({msg['Subject']}): {found}"
    assert CJK.search(msg["Subject"])


# --- one language per mail ---


def test_an_english_digest_and_reminders_have_no_chinese_of_their_own(office):
    edit_config(office, 'email = "zhangjg@example.gov.cn"', 'email = "zhangjg@example.gov.cn"\nlang = "en"')
    # 郑强, an owner in the roster, is also a recipient who reads English.
    edit_config(office, "[jobs.digest]", '[[recipients]]\nname = "郑强"\nemail = "zhengqiang@example.gov.cn"\n'
                                         'scope = { "责任人" = "郑强" }\nlang = "en"\n\n[jobs.digest]')
    cli("digest", office)
    cli("remind", office)
    values = data_values(office)
    sent = mails(office)
    digest, = (m for m in sent["zhangjg@example.gov.cn"] if m["Subject"].startswith("[Supervision weekly]"))
    assert "9 overdue" in digest.get_body(preferencelist=("plain",)).get_content()
    assert_english(digest, values)
    reminder, = (m for m in sent["zhengqiang@example.gov.cn"] if m["Subject"].startswith("[Reminder]"))
    assert_english(reminder, values)
    # 张建国's escalation goes to zhangjg@…, the mailbox of the recipient who reads English.
    escalation, = (m for m in sent["zhangjg@example.gov.cn"] if m["Subject"].startswith("[Escalation]"))
    assert "Dear 张建国," in escalation.get_body(preferencelist=("plain",)).get_content()
    assert_english(escalation, values)
    # The other leader reads Chinese.
    li, = sent["liming@example.gov.cn"]
    assert li["Subject"].startswith("【督办周报】")
    assert_chinese(li, values)


def test_a_chinese_digest_and_reminders_have_no_english_of_their_own(office):
    cli("digest", office, "--lang", "en")
    cli("remind", office, "--lang", "en")
    values = data_values(office)
    sent = [m for ms in mails(office).values() for m in ms]
    assert len(sent) >= 4
    for msg in sent:
        assert_chinese(msg, values)


# --- the reader's language, not the terminal's ---


def test_lang_on_the_command_line_is_the_terminals_not_the_mails(office):
    res = cli("digest", office, "--lang", "en")
    assert "Written to the outbox digest" in res.out  # the terminal speaks English
    subjects = sorted(m["Subject"] for ms in mails(office).values() for m in ms)
    assert subjects == ["【督办周报】凤凰镇党政办 2026-11-16"] * 2
    res = cli("remind", office, "--lang", "en")
    assert "Written to the outbox reminder" in res.out
    reminders = [m for ms in mails(office).values() for m in ms if not m["Subject"].startswith("【督办周报】")]
    assert reminders and all(m["Subject"].startswith(("【督办提醒】", "【逾期督办】")) for m in reminders)


def test_a_recipient_who_reads_english(office):
    edit_config(office, 'email = "liming@example.gov.cn"', 'email = "liming@example.gov.cn"\nlang = "en"')
    res = cli("digest", office)
    assert "已写入发件箱" in res.out
    sent = mails(office)
    assert sent["liming@example.gov.cn"][0]["Subject"] == "[Supervision weekly] 凤凰镇党政办 2026-11-16"
    assert sent["zhangjg@example.gov.cn"][0]["Subject"] == "【督办周报】凤凰镇党政办 2026-11-16"


def test_the_office_language_is_the_default_for_mail(office):
    edit_config(office, 'timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\nlang = "en"')
    edit_config(office, 'email = "liming@example.gov.cn"', 'email = "liming@example.gov.cn"\nlang = "zh"')
    res = cli("digest", office, "--lang", "zh")
    assert "已写入发件箱" in res.out
    sent = mails(office)
    assert sent["zhangjg@example.gov.cn"][0]["Subject"].startswith("[Supervision weekly]")
    assert sent["liming@example.gov.cn"][0]["Subject"].startswith("【督办周报】")
    cli("remind", office, "--lang", "zh")
    reminder, = mails(office)["zhengqiang@example.gov.cn"]  # an owner from the roster: the office's language
    assert reminder["Subject"].startswith("[Reminder]")


def test_previews_are_in_each_recipients_language_whatever_lang_says(office):
    edit_config(office, 'email = "liming@example.gov.cn"', 'email = "liming@example.gov.cn"\nlang = "en"')
    res = cli("digest", office, "--preview", "--lang", "en")
    assert "Preview written to" in res.out
    folder = office / "outbox" / "preview"
    zh_name, en_name = "digest-张书记-zhangjg@example.gov.cn.zh.html", "digest-李镇长-liming@example.gov.cn.en.html"
    assert sorted(p.name for p in folder.glob("*.html")) == [zh_name, en_name]  # named by recipient and language
    zh = (folder / zh_name).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in zh and "【督办周报】" in zh and "Overdue" not in zh
    en = (folder / en_name).read_text(encoding="utf-8")
    assert '<html lang="en">' in en and "[Supervision weekly]" in en
    cli("digest", office, "--preview", "--lang", "zh")  # a second preview overwrites with the same
    assert (folder / en_name).read_text(encoding="utf-8") == en


def test_the_demo_in_english_still_mails_chinese_leaders(tmp_path):
    folder = tmp_path / "demo"
    res = run_cli("demo", folder, "--today", TODAY, "--lang", "en")
    assert res.code == 0, res.err
    assert "Created the demo folder" in res.out
    subjects = sorted(m["Subject"] for ms in mails(folder).values() for m in ms)
    assert subjects and all(s.startswith("【督办周报】") for s in subjects)


def test_a_stylesheet_linked_from_an_override_is_never_fetched(tmp_path):
    """Rendering makes no network request: css-inline would fetch a linked stylesheet by default."""
    import http.server
    import threading

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"p { color: red; }")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        folder = tmp_path / "镇"
        assert run_cli("init", folder, "--today", TODAY).code == 0
        (folder / "templates" / "_style.html").write_text(
            f'<link rel="stylesheet" href="http://127.0.0.1:{server.server_address[1]}/x.css">', encoding="utf-8")
        res = run_cli("digest", "--preview", "--config", folder / "assistant.toml", "--today", TODAY)
        assert res.code == 0, res.err
        assert hits == []
        assert list((folder / "outbox" / "preview").glob("*.html"))
    finally:
        server.shutdown()
