"""Mail: the MIME we build, the .eml outbox, and SMTP delivery against a real server on 127.0.0.1.

Every SMTP assertion is on what the server received (tests/smtp_server.py), not on our own state.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import re
import time
import traceback
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

import pytest

from assistant.config import Config, MailConfig, Secret
from assistant.delivery.mail import (
    Attachment,
    Delivery,
    DeliveryError,
    FileOutbox,
    SmtpDelivery,
    allowed,
    build_message,
    open_delivery,
)
from assistant.errors import AssistantError
from assistant.i18n import using

SENDER = "党政办 <dzb@example.gov.cn>"

SUBJECT = "【督办周报】凤凰镇党政办 2026年11月20日：逾期 3 项，临期 5 项，请各位分管领导督促"
TEXT = "张书记：您好！\n\n截至 2026-11-20，逾期事项 3 项。\n“引号”与全角：ＡＢＣ１２３\n"
HTML = "<p>张书记：您好！</p><table><tr><td>DB-2026-004</td><td>逾期 &amp; 待办</td></tr></table>"
XLSX = bytes(range(256)) * 40  # binary content: every byte value
ATTACHMENT = Attachment("逾期事项清单（凤凰镇）2026年11月第三周.xlsx", XLSX,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TO = ["张书记 <zhang@example.gov.cn>"]


def digest(to=TO, subject=SUBJECT, attachments=(ATTACHMENT,), html=HTML, text=TEXT, **kw):
    return build_message(SENDER, list(to), subject, text, html, list(attachments), **kw)


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def fast(config: MailConfig, **kw) -> SmtpDelivery:
    """A delivery with test-sized retries (and its sleeps recorded in .slept)."""
    slept: list[float] = []
    kw.setdefault("connect_attempts", 3)
    kw.setdefault("backoff", 0.01)
    d = SmtpDelivery(config, sleep=lambda s: (slept.append(s), time.sleep(s)), **kw)
    d.slept = slept  # type: ignore[attr-defined]
    return d


def assert_digest_structure(msg, *, with_attachment: bool = True) -> None:
    """multipart/mixed[multipart/alternative[text/plain, text/html], attachment] (or just the
    alternative), every text part UTF-8 and decoding to exactly what we put in."""
    alt = msg
    if with_attachment:
        assert msg.get_content_type() == "multipart/mixed"
        parts = list(msg.iter_parts())
        assert [p.get_content_type() for p in parts] == ["multipart/alternative", ATTACHMENT.mime]
        alt, att = parts
        assert att.get_content_disposition() == "attachment"
        assert att.get_filename() == ATTACHMENT.filename
        assert att.get_content() == XLSX
    assert alt.get_content_type() == "multipart/alternative"
    plain, html = alt.iter_parts()
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert html.get_content_type() == "text/html" and html.get_content_charset() == "utf-8"
    assert plain.get_content() == TEXT
    assert html.get_content().rstrip("\n") == HTML
    assert msg["Subject"] == SUBJECT
    assert msg["From"].addresses[0].display_name == "党政办"
    assert msg["From"].addresses[0].addr_spec == "dzb@example.gov.cn"


# --- build_message --------------------------------------------------------------------------------

def test_message_structure_headers_and_attachment():
    msg = digest()
    raw = msg.as_bytes()
    raw.decode("ascii")  # 7-bit clean: survives any relay
    assert b"filename*" in raw and "逾期".encode() not in raw  # RFC 2231, not raw UTF-8
    back = parse(raw)
    assert_digest_structure(back)
    assert [(a.display_name, a.addr_spec) for a in back["To"].addresses] == [("张书记", "zhang@example.gov.cn")]
    assert re.fullmatch(r"<[^<>@\s]+@example\.gov\.cn>", back["Message-ID"])
    assert abs(parsedate_to_datetime(back["Date"]) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert back["Auto-Submitted"] == "auto-generated"
    assert back["MIME-Version"] == "1.0"
    assert all(p["MIME-Version"] is None for p in back.walk() if p is not back)
    # A legacy (compat32) reader decodes the RFC 2231 file name too.
    legacy = email.message_from_bytes(raw)
    assert [p.get_filename() for p in legacy.walk() if p.get_filename()] == [ATTACHMENT.filename]


def test_without_attachments_it_is_alternative_and_without_html_plain_text():
    alt = parse(digest(attachments=()).as_bytes())
    assert_digest_structure(alt, with_attachment=False)
    plain = parse(digest(attachments=(), html=None).as_bytes())
    assert plain.get_content_type() == "text/plain" and plain.get_content() == TEXT
    mixed = parse(digest(html=None).as_bytes())
    assert [p.get_content_type() for p in mixed.iter_parts()] == ["text/plain", ATTACHMENT.mime]


def test_message_ids_are_unique_for_identical_messages():
    ids = {digest()["Message-ID"] for _ in range(200)}
    assert len(ids) == 200


def test_addresses_names_and_several_recipients():
    msg = parse(build_message('"凤凰镇, 党政办" <dzb@Example.gov.cn>',
                              ["张书记 <zhang@example.gov.cn>", "li@example.gov.cn", "王 五<wang@example.gov.cn>"],
                              "主题", "正文", None).as_bytes())
    assert msg["From"].addresses[0].display_name == "凤凰镇, 党政办"
    assert [a.addr_spec for a in msg["To"].addresses] == ["zhang@example.gov.cn", "li@example.gov.cn",
                                                         "wang@example.gov.cn"]
    assert [a.display_name for a in msg["To"].addresses] == ["张书记", "", "王 五"]
    assert msg["Message-ID"].endswith("@Example.gov.cn>")


def test_line_breaks_from_cells_cannot_inject_headers():
    msg = build_message(SENDER, TO, "逾期\r\nBcc: spy@evil.com", "x", None,
                        headers={"X-Note": "a\nBcc: spy@evil.com"})
    back = parse(msg.as_bytes())
    assert back["Bcc"] is None
    assert back["Subject"] == "逾期 Bcc: spy@evil.com"
    assert back["X-Note"] == "a Bcc: spy@evil.com"


def test_extra_headers_replace_ours_but_not_the_mime_ones():
    msg = build_message(SENDER, TO, "s", "x", None, headers={"auto-submitted": "auto-replied", "X-Job": "digest"})
    assert msg.get_all("Auto-Submitted") == ["auto-replied"] and msg["X-Job"] == "digest"
    with pytest.raises(ValueError):
        build_message(SENDER, TO, "s", "x", None, headers={"Content-Type": "text/html"})


@pytest.mark.parametrize("bad", ["", "张书记", "zhang@", "@example.gov.cn", "a@b@example.gov.cn",
                                 "a@example.gov.cn, b@example.gov.cn"])
def test_bad_addresses_are_delivery_errors(bad):
    with pytest.raises(DeliveryError, match="无效"):
        build_message(SENDER, [bad], "s", "x", None)
    with pytest.raises(DeliveryError):
        build_message(bad or "x", TO, "s", "x", None)
    with pytest.raises(DeliveryError, match="没有收件人"):
        build_message(SENDER, [], "s", "x", None)


def test_attachment_odd_names_and_types():
    msg = build_message(SENDER, TO, "s", "x", None, [
        Attachment("../../etc/报表\n.csv", "编号,事项\n".encode(), "text/csv"),
        Attachment("a.bin", b"\x00", "not a mime type"),
    ])
    a, b = [p for p in parse(msg.as_bytes()).iter_attachments()]
    assert a.get_filename() == ".._.._etc_报表 .csv" and a.get_content_type() == "text/csv"
    assert a.get_payload(decode=True).decode("utf-8") == "编号,事项\n"
    assert b.get_content_type() == "application/octet-stream"


# --- allowed --------------------------------------------------------------------------------------

@pytest.mark.parametrize("address, ok", [
    ("zhang@example.gov.cn", True),
    ("Zhang@EXAMPLE.GOV.CN", True),
    ("张书记 <zhang@example.gov.cn>", True),
    ("zhang@example.gov.cn.", True),
    ("zhang@mail.example.gov.cn", False),      # exact match only: subdomains are listed one by one
    ("zhang@example.gov.cn.evil.com", False),
    ("zhang@notexample.gov.cn", False),
    ("zhang@gov.cn", False),
    ("zhang@example.gov.cn <spy@evil.com>", False),
    ("spy@evil.com@example.gov.cn", False),
    ("a@example.gov.cn, spy@evil.com", False),
    ("example.gov.cn", False),
    ("", False),
])
def test_allowed_is_an_exact_case_insensitive_domain_match(address, ok):
    assert allowed(address, ["Example.gov.cn", "qq.com"]) is ok
    assert allowed(address, []) is False


# --- FileOutbox -----------------------------------------------------------------------------------

def test_outbox_writes_parseable_eml_files(tmp_path):
    outbox = FileOutbox(tmp_path / "outbox")
    assert isinstance(outbox, Delivery)
    with outbox:
        ids = [outbox.send(digest()), outbox.send(digest(to=["li@example.gov.cn", "wang@example.gov.cn"]))]
    files = sorted((tmp_path / "outbox").iterdir())
    assert [p.name for p in files] == sorted(p.name for p in outbox.paths)
    assert re.fullmatch(r"\d{8}-\d{6}-1-zhang@example\.gov\.cn\.eml", outbox.paths[0].name)
    assert re.fullmatch(r"\d{8}-\d{6}-2-li@example\.gov\.cn_and_1_more\.eml", outbox.paths[1].name)
    first = parse(outbox.paths[0].read_bytes())
    assert_digest_structure(first)
    assert first["Message-ID"] == ids[0]
    assert b"\r\n" in outbox.paths[0].read_bytes()


def test_outbox_never_overwrites(tmp_path):
    def frozen() -> dt.datetime:
        return dt.datetime(2026, 11, 20, 8, 30, 0)

    first = FileOutbox(tmp_path, clock=frozen)
    for _ in range(3):
        first.send(digest())
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    second = FileOutbox(tmp_path, clock=frozen)  # a second run starts counting at 1 again
    for _ in range(2):
        second.send(digest())
    after = {p: p.read_bytes() for p in tmp_path.iterdir()}
    assert len(after) == 5
    assert all(after[p] == data for p, data in before.items())  # untouched
    assert [p.name for p in second.paths] == ["20261120-083000-4-zhang@example.gov.cn.eml",
                                              "20261120-083000-5-zhang@example.gov.cn.eml"]
    assert not [p for p in tmp_path.iterdir() if p.suffix != ".eml"]  # no temporary files left


def test_outbox_write_failure_is_a_delivery_error(tmp_path):
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DeliveryError, match="发件箱"):
        FileOutbox(blocker).send(digest())


def test_open_delivery_follows_the_transport(tmp_path, smtp_server):
    server = smtp_server("plain")

    def config(mail: MailConfig) -> Config:
        return Config(path=tmp_path / "assistant.toml", office_name="凤凰镇党政办", timezone="Asia/Shanghai",
                      schemas_dir=tmp_path / "sheets_schema", workbooks=(), mail=mail, recipients=(), jobs={})

    outbox = open_delivery(config(MailConfig()))
    assert isinstance(outbox, FileOutbox) and outbox.folder == tmp_path / "outbox"
    smtp = open_delivery(config(server.mail_config()))
    assert isinstance(smtp, SmtpDelivery) and isinstance(smtp, Delivery)
    with smtp:
        smtp.send(digest())
    assert len(server.messages) == 1


# --- SMTP: what the server receives ----------------------------------------------------------------

@pytest.mark.parametrize("variant", ["plain", "starttls", "ssl"])
def test_send_through_each_security_mode(smtp_server, variant):
    server = smtp_server(variant, auth=True)
    with fast(server.mail_config()) as d:
        mid = d.send(digest(to=["张书记 <zhang@example.gov.cn>", "li@example.gov.cn"]))
    (got,) = server.messages
    assert got.mail_from == "dzb@example.gov.cn"
    assert got.rcpt_tos == ["zhang@example.gov.cn", "li@example.gov.cn"]
    assert got.login == "dzb"
    msg = got.message
    assert_digest_structure(msg)
    assert msg["Message-ID"] == mid
    assert server.connections == 1 and server.logins == 1
    assert (d.connections, d.logins, d.sent) == (1, 1, 1)


def test_one_connection_and_one_login_for_many_messages(smtp_server):
    server = smtp_server("starttls", auth=True)
    with fast(server.mail_config()) as d:
        ids = [d.send(digest(to=[f"user{i}@example.gov.cn"])) for i in range(25)]
    assert len(server.messages) == 25
    assert server.connections == 1 and server.logins == 1 and server.auth_attempts == ["dzb"]
    assert (d.connections, d.logins) == (1, 1)
    assert [m.rcpt_tos for m in server.messages] == [[f"user{i}@example.gov.cn"] for i in range(25)]
    # pitfall (d): identical digests, distinct Message-IDs, as received
    assert len({m.message["Message-ID"] for m in server.messages}) == 25 == len(set(ids))


def test_connection_is_opened_lazily_and_closed_by_close(smtp_server):
    server = smtp_server("plain")
    d = fast(server.mail_config())
    assert server.connections == 0  # nothing until the first message
    d.send(digest())
    d.close()
    d.close()  # twice is fine
    d.send(digest())  # a send after close opens a new connection
    d.close()
    assert server.connections == 2 == d.connections and len(server.messages) == 2


def test_without_user_there_is_no_login(smtp_server):
    server = smtp_server("plain", auth=True)
    with fast(server.mail_config(user=None, password=None)) as d:
        d.send(digest())
    assert server.auth_attempts == [] and d.logins == 0
    assert server.messages[0].login is None


# --- the four yagmail pitfalls --------------------------------------------------------------------

def test_pitfall_a_a_failed_send_raises_instead_of_returning_false(smtp_server, monkeypatch):
    import yagmail

    def no(*a, **k):
        raise AssertionError("yagmail's send() must not be used: it returns False on failure")

    monkeypatch.setattr(yagmail.SMTP, "send", no)
    monkeypatch.setattr(yagmail.SMTP, "_attempt_send", no)
    server = smtp_server("plain", refuse_data=True)
    with fast(server.mail_config()) as d:
        with pytest.raises(DeliveryError) as err:
            d.send(digest())
    assert "554 5.7.1 Message rejected as spam" in err.value.message
    assert "拒收" in err.value.message and server.address[0] in err.value.message
    assert d.sent == 0 and server.messages == []


@pytest.mark.parametrize("user", ["dzb", "dzb@example.gov.cn", "Office.Admin"])
def test_pitfall_b_the_login_name_reaches_the_server_unchanged(smtp_server, user):
    server = smtp_server("ssl", auth=True, user=user)
    with fast(server.mail_config(user=user)) as d:
        d.send(digest())
    assert server.auth_attempts == [user]  # no "@gmail.com" appended
    assert server.messages[0].login == user


def test_pitfall_c_every_content_part_arrives_intact(smtp_server, tmp_path):
    # yagmail would take a body that is a file path for an attachment and prettify the HTML;
    # we build the MIME ourselves, so the server gets exactly our parts.
    path = tmp_path / "notes.txt"
    path.write_text("not to be attached")
    html = "<html><body><p>第一段</p>\n<pre>  缩进  保留 </pre><p>第二段 &lt;b&gt;</p></body></html>"
    server = smtp_server("plain")
    with fast(server.mail_config()) as d:
        d.send(build_message(SENDER, TO, "内容", str(path), html, [ATTACHMENT]))
    msg = server.messages[0].message
    alt, att = msg.iter_parts()
    plain, rich = alt.iter_parts()
    assert plain.get_content() == str(path) + "\n"
    assert rich.get_content().rstrip("\n") == html
    assert att.get_content() == XLSX and att.get_filename() == ATTACHMENT.filename
    assert len(list(msg.walk())) == 5


def test_pitfall_d_identical_digests_get_different_message_ids(smtp_server):
    server = smtp_server("plain")
    with fast(server.mail_config()) as d:
        d.send(digest())
        d.send(digest())
    a, b = (m.message["Message-ID"] for m in server.messages)
    assert a != b and "@yagmail" not in a + b


# --- refusals: the connection stays usable --------------------------------------------------------

def test_refused_recipient_fails_that_message_only(smtp_refusing):
    server = smtp_refusing
    with fast(server.mail_config()) as d:
        with pytest.raises(DeliveryError) as err:
            d.send(digest(to=["nobody@example.gov.cn"]))
        assert err.value.refused == {"nobody@example.gov.cn":
                                     "550 5.1.1 <nobody@example.gov.cn>: Recipient address rejected: User unknown"}
        assert "nobody@example.gov.cn" in err.value.message and "550" in err.value.message
        d.send(digest(to=["zhang@example.gov.cn"]))
    assert [m.rcpt_tos for m in server.messages] == [["zhang@example.gov.cn"]]
    assert server.connections == 1 and d.connections == 1


def test_partly_refused_recipients_say_who_got_it(smtp_refusing):
    server = smtp_refusing
    with fast(server.mail_config()) as d:
        with pytest.raises(DeliveryError) as err:
            d.send(digest(to=["zhang@example.gov.cn", "nobody@example.gov.cn"]))
    assert list(err.value.refused) == ["nobody@example.gov.cn"]
    assert err.value.accepted == ["zhang@example.gov.cn"]
    assert "zhang@example.gov.cn" in err.value.message
    assert [m.rcpt_tos for m in server.messages] == [["zhang@example.gov.cn"]]


def test_refused_data_then_the_next_message_on_the_same_connection(smtp_server):
    server = smtp_server("plain", refuse_data=True)
    with fast(server.mail_config()) as d:
        with pytest.raises(DeliveryError):
            d.send(digest())
        server.refuse_data = False
        d.send(digest())
    assert len(server.messages) == 1 and server.connections == 1


def test_a_connection_the_server_dropped_is_reopened(smtp_server):
    server = smtp_server("starttls", auth=True, idle_timeout=0.3)
    with fast(server.mail_config(), idle_probe=0.2) as d:
        d.send(digest())
        time.sleep(0.6)  # the server hangs up on the idle client
        d.send(digest())
    assert len(server.messages) == 2
    assert server.connections == 2 and server.logins == 2 and (d.connections, d.logins) == (2, 2)


def test_a_connection_lost_mid_send_fails_that_message_and_the_next_reconnects(smtp_server):
    server = smtp_server("plain", idle_timeout=0.3)
    with fast(server.mail_config(), idle_probe=None) as d:  # no NOOP probe: the send itself finds out
        d.send(digest())
        time.sleep(0.6)
        with pytest.raises(DeliveryError, match="连接中断|没有响应"):
            d.send(digest())
        d.send(digest())
    assert len(server.messages) == 2 and server.connections == 2


def test_a_421_answer_means_the_connection_is_gone_not_that_the_sender_was_refused(smtp_server):
    server = smtp_server("plain", replies={"MAIL": "421 4.4.2 mail.example.gov.cn closing: idle too long"})
    with fast(server.mail_config()) as d:
        with pytest.raises(DeliveryError) as err:
            d.send(digest())
        assert "连接中断" in err.value.message and "421 4.4.2" in err.value.message
        server.replies.clear()
        d.send(digest())
    assert len(server.messages) == 1 and server.connections == 2


def test_sender_refused(smtp_server):
    server = smtp_server("plain", replies={"MAIL": "553 5.7.1 Sender address rejected: not owned by user dzb"})
    with fast(server.mail_config()) as d, pytest.raises(DeliveryError) as err:
        d.send(digest())
    assert "拒绝了发件人 dzb@example.gov.cn" in err.value.message and "553 5.7.1" in err.value.message
    assert "sender" in err.value.hint


# --- connection failures: quick, clear, retried only when it can help -----------------------------

def test_server_down(smtp_down):
    d = fast(smtp_down.mail_config(), connect_attempts=3, backoff=0.01)
    start = time.monotonic()
    with pytest.raises(DeliveryError) as err:
        d.send(digest())
    assert time.monotonic() - start < 2
    e = err.value
    assert e.exit_code == 1 and isinstance(e, AssistantError)
    assert f"127.0.0.1:{smtp_down.port}" in e.message and "拒绝连接" in e.message and "已尝试 3 次" in e.message
    assert "host" in e.hint and "port" in e.hint
    assert d.slept == [0.01, 0.02]  # backoff doubles between the 3 attempts
    assert d.connections == 0 and "Traceback" not in str(e)


def test_server_down_in_english(smtp_down):
    with using("en"):
        with pytest.raises(DeliveryError) as err:
            fast(smtp_down.mail_config(), connect_attempts=2).send(digest())
    assert err.value.message == f"the mail server 127.0.0.1:{smtp_down.port} refused the connection (2 attempts)"
    assert "check host and port" in err.value.hint


def test_server_that_never_answers_times_out(smtp_hanging):
    d = fast(smtp_hanging.mail_config(timeout=0.3), connect_attempts=2)
    start = time.monotonic()
    with pytest.raises(DeliveryError) as err:
        d.send(digest())
    assert time.monotonic() - start < 3
    assert "0.3 秒内没有响应" in err.value.message and "已尝试 2 次" in err.value.message
    assert "security" in err.value.hint
    assert smtp_hanging.connections == 2  # bounded retries


def test_implicit_tls_against_a_server_that_never_answers_times_out(smtp_hanging):
    with pytest.raises(DeliveryError, match="没有响应"):
        fast(smtp_hanging.mail_config(timeout=0.3, security="ssl"), connect_attempts=1).send(digest())


def test_untrusted_certificate_is_not_retried(smtp_server):
    server = smtp_server("ssl")
    with pytest.raises(DeliveryError) as err:
        fast(server.mail_config(ca_file=None)).send(digest())
    assert "证书无法验证" in err.value.message and "ca_file" in err.value.hint
    assert server.connections == 1 and server.messages == []


def test_starttls_certificate_is_verified_too(smtp_server):
    server = smtp_server("starttls")
    with pytest.raises(DeliveryError, match="证书无法验证"):
        fast(server.mail_config(ca_file=None)).send(digest())


def test_certificate_for_another_host_name(smtp_server, tmp_path):
    from tests.smtp_server import make_tls_files

    server = smtp_server("starttls", tls=make_tls_files(tmp_path, names=["mail.example.gov.cn"]))
    with pytest.raises(DeliveryError) as err:  # trusted CA, but the name is not 127.0.0.1
        fast(server.mail_config()).send(digest())
    assert "证书无法验证" in err.value.message and "127.0.0.1" in err.value.message


def test_bad_ca_file(smtp_server, tmp_path):
    server = smtp_server("ssl")
    with pytest.raises(DeliveryError, match="证书文件"):
        fast(server.mail_config(ca_file=tmp_path / "missing.pem")).send(digest())
    assert server.connections == 0


def test_security_that_does_not_match_the_server(smtp_server):
    plain = smtp_server("plain")
    with pytest.raises(DeliveryError) as err:
        fast(plain.mail_config(security="ssl")).send(digest())
    assert "加密连接失败" in err.value.message and "465" in err.value.hint
    with pytest.raises(DeliveryError, match="不支持 STARTTLS"):
        fast(plain.mail_config(security="starttls")).send(digest())


def test_login_over_plain_text_refused_by_a_tls_only_server(smtp_server):
    server = smtp_server("starttls", auth=True)
    with pytest.raises(DeliveryError) as err:  # security none against a STARTTLS-only server
        fast(server.mail_config(security="none")).send(digest())
    assert "不接受登录（AUTH）" in err.value.message and "starttls" in err.value.hint


def test_wrong_password_is_not_retried(smtp_server, monkeypatch):
    server = smtp_server("starttls", auth=True)
    monkeypatch.setenv(server.password_env, "wrong-password")
    with pytest.raises(DeliveryError) as err:
        fast(server.mail_config()).send(digest())
    assert "拒绝了用户 dzb 的登录" in err.value.message and "535" in err.value.message
    assert server.password_env in err.value.hint and "授权码" in err.value.hint
    # one connection (smtplib tries PLAIN, then LOGIN on it): retrying a bad password could lock the account
    assert server.connections == 1 and server.logins == 0 and set(server.auth_attempts) == {"dzb"}


def test_missing_password_variable(smtp_server, monkeypatch):
    server = smtp_server("ssl", auth=True)
    monkeypatch.delenv(server.password_env)
    with pytest.raises(DeliveryError) as err:
        fast(server.mail_config()).send(digest())
    assert server.password_env in err.value.message and "没有设置" in err.value.message
    assert server.connections == 0


def test_user_without_password_entry(smtp_server):
    server = smtp_server("ssl", auth=True)
    with pytest.raises(DeliveryError, match="没有设置 password"):
        fast(server.mail_config(password=None)).send(digest())


def test_non_ascii_password_is_a_clear_error(smtp_server, monkeypatch):
    server = smtp_server("ssl", auth=True)
    monkeypatch.setenv(server.password_env, "密码１２３")
    with pytest.raises(DeliveryError) as err:
        fast(server.mail_config()).send(digest())
    assert "非 ASCII" in err.value.message and "密码１２３" not in str(err.value)


def test_config_problems_are_raised_at_construction():
    with pytest.raises(DeliveryError, match="host"):
        SmtpDelivery(MailConfig(transport="smtp"))
    assert SmtpDelivery(MailConfig(transport="smtp", host="h", security="starttls")).port == 587
    assert SmtpDelivery(MailConfig(transport="smtp", host="h")).port == 465
    assert SmtpDelivery(MailConfig(transport="smtp", host="h", security="none")).port == 25


# --- secrets --------------------------------------------------------------------------------------

def _texts(exc: BaseException) -> str:
    return "\n".join([str(exc), repr(exc), getattr(exc, "hint", "") or "",
                      "".join(traceback.format_exception(exc))])


def test_the_password_never_appears_in_errors_or_output(smtp_server, monkeypatch, capsys, caplog, tmp_path):
    tls = smtp_server("ssl", auth=True)
    PASSWORD = tls.password
    secret_forms = [PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
                    base64.b64encode(b"\0dzb\0" + PASSWORD.encode()).decode()]
    errors: list[BaseException] = []

    def failing(config: MailConfig, **kw) -> None:
        with pytest.raises(DeliveryError) as err:
            fast(config, **kw).send(digest())
        errors.append(err.value)

    failing(tls.mail_config(ca_file=None))                         # certificate not trusted
    failing(tls.mail_config(security="starttls", timeout=0.3), connect_attempts=1)  # wrong security
    plain = smtp_server("plain", auth=True, password="other-password")
    monkeypatch.setenv(plain.password_env, PASSWORD)
    failing(plain.mail_config())                                   # wrong password (ours is sent)
    failing(smtp_server("down").mail_config(user="dzb", password=Secret(tls.password_env)))
    failing(smtp_server("hang").mail_config(user="dzb", password=Secret(tls.password_env), timeout=0.2),
            connect_attempts=1)
    refusing = smtp_server("plain", auth=True, refuse_rcpt=True)
    monkeypatch.setenv(refusing.password_env, PASSWORD)
    failing(refusing.mail_config(password=Secret(refusing.password_env)))
    assert len(errors) == 6
    out = capsys.readouterr()
    everything = "\n".join(_texts(e) for e in errors) + out.out + out.err + caplog.text
    for form in secret_forms:
        assert form not in everything


def test_delivery_objects_do_not_show_or_keep_the_password(smtp_server):
    server = smtp_server("starttls", auth=True)
    d = fast(server.mail_config())
    d.send(digest())
    assert server.password not in repr(d.config) and server.password not in repr(vars(d))
    assert d._client.credentials is None  # yagmail's copy is dropped after the login
    d.close()
