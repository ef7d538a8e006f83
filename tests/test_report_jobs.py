"""Reports as jobs: `assistant report NAME --mail` and `[jobs.report_NAME]` mail the report to every
recipient once per report period, through the ledger, in each reader's language, with the HTML page
as the body and the xlsx workbook attached; through the file outbox (what a leader receives)."""

from __future__ import annotations

import email
import email.policy
import io
from pathlib import Path

import openpyxl

from assistant.jobs import JOBS
from tests.conftest import run_cli
from tests.fixtures_xlsx import OUTBOX_MAIL
from tests.test_report_staffing import SMALL, office_folder

MAIL = OUTBOX_MAIL + """
[[recipients]]
name = "Li Ming"
email = "li@example.gov.cn"
lang = "en"

[[recipients]]
name = "外单位"
email = "someone@elsewhere.org"
"""


def office(tmp_path: Path) -> Path:
    config = office_folder(tmp_path / "office", {"凤凰镇": SMALL})
    config.write_text(config.read_text(encoding="utf-8") + MAIL, encoding="utf-8")
    return config


def mails(config: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for p in sorted((config.parent / "outbox").glob("*.eml"))]


def mail(config: Path, *args: str):
    return run_cli("report", "staffing", "--mail", "--period", "2026-11", "--config", config,
                   "--today", "2026-11-20", *args)


def test_each_recipient_gets_the_report_once_in_their_language(tmp_path):
    config = office(tmp_path)
    res = mail(config)
    assert res.code == 0, res.err
    got = {m["To"].addresses[0].addr_spec: m for m in mails(config)}
    assert set(got) == {"zhang@example.gov.cn", "li@example.gov.cn"}  # elsewhere.org is not allowed
    assert "someone@elsewhere.org" in res.out  # blocked, and said so
    zh, en = got["zhang@example.gov.cn"], got["li@example.gov.cn"]
    assert zh["Subject"] == "区委编办编制与缺编情况" and en["Subject"] == "区委编办: staffing and vacancies"
    html = zh.get_body(("html",)).get_content()
    assert "编制与在编人员" in html and "<style" not in html and "党政办" in html  # CSS inlined
    assert "42.9%" in zh.get_body(("plain",)).get_content()  # 3 of 7 vacant, as the terminal table shows
    (attachment,) = list(zh.iter_attachments())
    assert attachment.get_filename().endswith("（2026-11）.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert len(book.sheetnames) >= 2
    assert "Posts and staff" in en.get_body(("html",)).get_content()


def test_a_second_run_sends_nothing_and_force_to_resends_one(tmp_path):
    config = office(tmp_path)
    assert mail(config).code == 0
    again = mail(config)
    assert again.code == 0 and len(mails(config)) == 2
    forced = mail(config, "--force", "--to", "li@example.gov.cn")
    assert forced.code == 0 and len(mails(config)) == 3


def test_the_report_jobs_are_in_the_registry_and_run_by_name(tmp_path):
    assert {"report_staffing", "report_quota", "report_bulletin", "report_district"} <= set(JOBS)
    config = office(tmp_path)
    listed = run_cli("jobs", "list", "--config", config)
    assert "report_bulletin" in listed.out
    res = run_cli("jobs", "run", "report_quota", "--config", config, "--today", "2026-11-20")
    assert res.code == 2 and "[jobs.report_quota]" in res.err  # opt-in: scheduled once its table is there
    config.write_text(config.read_text(encoding="utf-8") + "\n[jobs.report_quota]\n", encoding="utf-8")
    assert "report_quota" in run_cli("jobs", "list", "--config", config).out
    res = run_cli("jobs", "run", "report_quota", "--config", config, "--today", "2026-11-20")
    assert res.code == 0, res.err
    assert {m["Subject"] for m in mails(config)} == {"区委编办信息报送情况", "区委编办: information reports"}


def test_an_unknown_report_to_mail_is_a_usage_error(tmp_path):
    res = run_cli("report", "stafing", "--mail", "--config", office(tmp_path))
    assert res.code == 2 and "staffing" in res.err and not mails(tmp_path / "office" / "assistant.toml")


def test_the_jobs_recipients_and_each_readers_scope(tmp_path):
    """[jobs.report_staffing] recipients names who gets it; a recipient's scope narrows the tables
    having its fields (the roster and the quotas by 单位) and leaves the others whole (the AB角
    posts have no 单位); the title says whose report it is."""
    config = office(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Li Ming"\nemail = "li@example.gov.cn"\nlang = "en"',
        'name = "Li Ming"\nemail = "li@example.gov.cn"\nscope = { "单位" = "综治中心" }')
        + '\n[jobs.report_staffing]\nrecipients = ["张书记", "Li Ming"]\n', encoding="utf-8")
    res = mail(config)
    assert res.code == 0, res.err
    assert "someone@elsewhere.org" not in res.out  # not a recipient of this job: not even tried
    got = {m["To"].addresses[0].addr_spec: m for m in mails(config)}
    assert set(got) == {"zhang@example.gov.cn", "li@example.gov.cn"}
    whole, scoped = got["zhang@example.gov.cn"], got["li@example.gov.cn"]
    assert whole["Subject"] == "区委编办编制与缺编情况"
    assert scoped["Subject"] == "区委编办编制与缺编情况（单位：综治中心）"
    books = [openpyxl.load_workbook(io.BytesIO(next(m.iter_attachments()).get_content())) for m in (whole, scoped)]

    def units(book: openpyxl.Workbook) -> list[tuple]:  # the units table: rows under its header row
        return [r[:5] for r in book.worksheets[1].iter_rows(min_row=3, values_only=True) if r[1] is not None]

    assert units(books[0]) == [("党政办", 7, 4, 1, 1), ("综治中心", 3, 1, 0, 1), ("合计", 10, 5, 1, 2)]
    assert units(books[1]) == [("综治中心", 3, 1, 0, 1), ("合计", 3, 1, 0, 1)]
    assert books[1].worksheets[0]["A1"].value == "区委编办编制与缺编情况（单位：综治中心）"
    # the AB角 posts have no 单位: the office's whole list, whatever the scope
    ab = [[list(r) for r in b["AB角均不在岗的岗位"].iter_rows(values_only=True)] for b in books]
    assert ab[0] == ab[1] and len(ab[0]) > 2


def test_a_job_names_only_recipients_that_exist(tmp_path):
    config = office(tmp_path)
    config.write_text(config.read_text(encoding="utf-8") + '\n[jobs.report_staffing]\nrecipients = ["张书纪"]\n',
                      encoding="utf-8")
    res = mail(config)
    assert res.code == 2 and "jobs.report_staffing.recipients" in res.err and "张书记" in res.err
    assert "Traceback" not in res.err
