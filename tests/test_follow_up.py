"""Follow-up that does not stop (issue 15): owners keep hearing about items escalated to their
leader, one unreadable workbook does not stop the office, an old `~$` lock file is explained, and
the admin's digest says what needs the admin.

All on a real working folder made by `assistant init` (the sample workbook), with real missing and
corrupt files, real lock files beside the workbook, and the mail read back from the file outbox.
"""

from __future__ import annotations

import datetime as dt
import email
import os
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from tests.conftest import TODAY, run_cli
from tests.test_digest import body, mails

GOOD = "凤凰镇"
BAD = "清河镇"
LOCK = f"~${GOOD}.xlsx"
ADMIN = "zhangjg@example.gov.cn"  # 张书记 in the sample's [[recipients]]
OTHER = "liming@example.gov.cn"  # 李镇长, scoped to his own items


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / GOOD
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def run(folder: Path, command: str, *args: str, today: str = TODAY):
    return run_cli(command, "--config", folder / "assistant.toml", "--today", today, *args)


def edit_config(folder: Path, old: str, new: str) -> None:
    config = folder / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_admin(folder: Path, email: str = ADMIN) -> None:
    edit_config(folder, "[office]\n", f'[office]\nadmin_email = "{email}"\n')


def to(msg) -> str:
    return msg["To"].addresses[0].addr_spec


def by_address(folder: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in mails(folder):
        out.setdefault(to(m), []).append(m)
    return out


def statuses(workbook: Path) -> dict[str, object]:
    """key -> 预警状态 as a person now sees it in the register."""
    wb = openpyxl.load_workbook(workbook, read_only=True)
    rows = list(wb["督查督办台账"].iter_rows(min_row=2, values_only=True))
    wb.close()
    head = list(rows[0])
    if "预警状态" not in head:
        return {}
    return {r[0]: r[head.index("预警状态")] for r in rows[1:] if r[0]}


# --- owners keep hearing after the escalation ------------------------------------------------------

# In the sample on 2026-11-20 (escalate_after 2): DB-2026-002 (周婷) 3, DB-2026-008 (王芳) 5 and
# DB-2026-010 (赵磊) 6 working days overdue, all escalated to 张建国. 赵磊 also owns SW-2026-007, a
# 收文 item 7 days overdue with no leader to escalate to.
ZHOU, WANG, ZHAO = "zhouting@example.gov.cn", "wangfang@example.gov.cn", "zhaolei@example.gov.cn"


def reminder_keys(folder: Path, address: str, day: str = "2026-11-20") -> set[str]:
    """The item keys in the reminders `address` got for `day` (one mail a day, asserted)."""
    got = [m for m in by_address(folder).get(address, [])
           if m["Subject"].startswith("【督办提醒】") and day in m["Subject"]]
    assert len(got) <= 1, "one reminder per owner per day"
    if not got:
        return set()
    text = body(got[0], "plain")
    return {k for k in ("DB-2026-002", "DB-2026-008", "DB-2026-010", "SW-2026-007", "SW-2026-004") if k in text}


def test_owners_keep_getting_reminders_after_their_items_are_escalated(folder):
    res = run(folder, "remind")
    assert res.code == 0, res.err
    # Each owner hears about their escalated items, in the one mail with their other items.
    assert reminder_keys(folder, ZHOU) == {"DB-2026-002"}
    assert reminder_keys(folder, ZHAO) == {"DB-2026-010", "SW-2026-007"}
    assert {"DB-2026-008", "SW-2026-004"} <= reminder_keys(folder, WANG)
    zhou = next(m for m in by_address(folder)[ZHOU])
    assert "已同时报告分管领导" in body(zhou, "plain") and "已同时报告分管领导" in body(zhou, "html")
    # ... besides the escalation to the leader, which goes on as before.
    (escalation,) = [m for m in mails(folder) if m["Subject"].startswith("【逾期督办】")]
    assert to(escalation) == "zhangjg@example.gov.cn"
    assert all(k in body(escalation, "plain") for k in ("DB-2026-002", "DB-2026-008", "DB-2026-010"))
    # A rerun the same day sends nothing twice (one ledger key per item per day).
    sent = len(mails(folder))
    assert run(folder, "remind").code == 0
    assert len(mails(folder)) == sent


def test_owner_every_sets_how_often_owners_hear_about_escalated_items(folder):
    edit_config(folder, "[jobs.digest]\n", "[jobs.remind]\nowner_every = 2\n\n[jobs.digest]\n")
    assert run(folder, "remind").code == 0
    # An escalated item reaches its owner on the 1st, 3rd, 5th… working day since its escalation.
    assert reminder_keys(folder, ZHOU) == {"DB-2026-002"}  # 1st day since its escalation
    assert "DB-2026-008" in reminder_keys(folder, WANG)  # 3rd day
    assert reminder_keys(folder, ZHAO) == {"SW-2026-007"}  # DB-2026-010 on its 4th day: not today
    # The next working day (Monday): the others' turn. Items not escalated are daily as before.
    assert run(folder, "remind", today="2026-11-23").code == 0
    assert reminder_keys(folder, ZHOU, "2026-11-23") == set()
    assert "DB-2026-008" not in reminder_keys(folder, WANG, "2026-11-23")
    assert reminder_keys(folder, ZHAO, "2026-11-23") == {"DB-2026-010", "SW-2026-007"}
    # The leader is told every day whatever owner_every says.
    escalations = [m for m in mails(folder) if m["Subject"].startswith("【逾期督办】")]
    assert len(escalations) == 2 and all("DB-2026-008" in body(m, "plain") for m in escalations)


@pytest.mark.parametrize("table, value, says", [
    ("digest", "2", "只有 [jobs.remind] 可以设置 owner_every"),
    ("remind", "0", "正整数"),
    ("remind", '"daily"', "整数"),
])
def test_owner_every_only_in_remind_and_a_positive_integer(folder, table, value, says):
    edit_config(folder, "[jobs.digest]\n", f"[jobs.{table}]\nowner_every = {value}\n\n[jobs.digest]\n"
                if table == "remind" else f"[jobs.digest]\nowner_every = {value}\n")
    res = run(folder, "check")
    assert res.code == 2
    assert f"jobs.{table}.owner_every" in res.err and says in res.err


# --- one unreadable workbook does not stop the office ----------------------------------------------

def add_bad_workbook(folder: Path, kind: str) -> Path:
    """A second township listed *before* the good one: missing, or a real workbook cut in half."""
    path = folder / "data" / f"{BAD}.xlsx"
    if kind == "corrupt":
        data = (folder / "data" / f"{GOOD}.xlsx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    edit_config(folder, "[[workbooks]]", f'[[workbooks]]\nname = "{BAD}"\nsource = "data/{BAD}.xlsx"\n\n[[workbooks]]')
    return path


def says_unreadable(err: str) -> bool:
    return f"工作簿 {BAD} 无法读取，已跳过" in err and f"{BAD}.xlsx" in err


@pytest.mark.parametrize("kind", ["missing", "corrupt"])
def test_check_goes_on_with_the_other_workbooks(folder, kind):
    add_bad_workbook(folder, kind)
    res = run(folder, "check", "--format", "json")
    assert res.code == 2
    findings = res.json()["findings"]
    assert findings and {f["workbook"] for f in findings} == {GOOD}
    assert says_unreadable(res.err)
    text = run(folder, "check")
    assert text.code == 2 and "督查督办台账" in text.out and "合计" in text.out
    assert says_unreadable(text.err) and BAD not in text.out


@pytest.mark.parametrize("kind", ["missing", "corrupt"])
def test_flag_writes_back_the_other_workbooks(folder, kind):
    bad = add_bad_workbook(folder, kind)
    before = bad.read_bytes() if bad.exists() else None
    res = run(folder, "flag", "--format", "json")
    assert res.code == 2
    assert {i["workbook"] for i in res.json()["items"]} == {GOOD}
    assert says_unreadable(res.err)
    assert statuses(folder / "data" / f"{GOOD}.xlsx")["DB-2026-002"] == "逾期"  # written back
    assert (bad.read_bytes() if bad.exists() else None) == before  # the bad one left as it was


@pytest.mark.parametrize("kind", ["missing", "corrupt"])
def test_digest_and_remind_go_out_and_the_admin_is_told(folder, kind):
    add_bad_workbook(folder, kind)
    set_admin(folder)
    res = run(folder, "digest")
    assert res.code == 2 and says_unreadable(res.err)
    got = by_address(folder)
    assert set(got) == {ADMIN, OTHER}
    (admin,) = got[ADMIN]
    html, text = body(admin, "html"), body(admin, "plain")
    assert "DB-2026-010" in html  # the good workbook's items are all there
    for part in (html, text):
        assert "给管理员的提示" in part and f"工作簿 {BAD} 这次无法读取" in part and f"{BAD}.xlsx" in part
    # the notes come right after the lead paragraph, before the counts
    assert html.index("您关注的督办事项共") < html.index("给管理员的提示") < html.index("逾期事项")
    (other,) = got[OTHER]
    assert "给管理员的提示" not in body(other, "html") and BAD not in body(other, "plain")

    remind = run(folder, "remind")
    assert remind.code == 2 and says_unreadable(remind.err)
    assert reminder_keys(folder, ZHOU) == {"DB-2026-002"}


def test_an_admin_who_is_not_a_recipient_gets_nothing_more(folder):
    add_bad_workbook(folder, "missing")
    set_admin(folder, "it@example.gov.cn")
    res = run(folder, "digest")
    assert res.code == 2 and says_unreadable(res.err)
    sent = mails(folder)
    assert sorted(to(m) for m in sent) == sorted([ADMIN, OTHER])
    assert not any("给管理员的提示" in body(m, "html") for m in sent)


def test_a_workbook_whose_roster_is_in_an_unreadable_one_is_still_checked(folder):
    # The register in one workbook; the roster its 责任人 refers to in another, which is gone.
    edit_config(folder, f'source = "data/{GOOD}.xlsx"',
                f'source = "data/{GOOD}.xlsx"\nregisters = ["tasks"]\n\n'
                f'[[workbooks]]\nname = "名册"\nsource = "data/名册.xlsx"\nregisters = ["roster"]')
    res = run(folder, "check", "--format", "json")
    assert res.code == 2
    findings = res.json()["findings"]
    assert {(f["workbook"], f["register"]) for f in findings} == {(GOOD, "tasks")}  # checked
    assert not [f for f in findings if f["code"] == "unknown_reference"]  # no roster: not checked against one
    assert "工作簿 名册 无法读取，已跳过" in res.err and f"工作簿 {GOOD} 无法读取" not in res.err
    assert "能读取的工作簿都不包含台账 roster" in res.err and "无法读取的工作簿 名册 里也许有" in res.err


# --- a lock file left behind ------------------------------------------------------------------------

def leave_lock(folder: Path, age: dt.timedelta) -> tuple[Path, dt.datetime]:
    """A WPS owner file beside the workbook, last modified `age` ago."""
    lock = folder / "data" / LOCK
    lock.write_bytes(b"\x05WPS Office")
    when = dt.datetime.now(dt.UTC) - age
    os.utime(lock, (when.timestamp(), when.timestamp()))
    return lock, when


def test_a_lock_file_says_how_old_it_is_and_that_it_may_be_deleted(folder):
    workbook = folder / "data" / f"{GOOD}.xlsx"
    original = workbook.read_bytes()
    lock, when = leave_lock(folder, dt.timedelta(days=3, hours=1))
    res = run(folder, "flag")
    assert res.code == 2
    err = "".join(res.err.split())  # the terminal may fold long lines
    shown = when.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d%H:%M")  # office time zone
    assert LOCK in err and f"修改于{shown}，3天前" in err
    assert "如果确认没有人打开着它" in err and f"可以删除{LOCK}" in err and "助手不会自动删除锁文件" in err
    assert lock.exists() and workbook.read_bytes() == original  # never deleted, nothing written

    english = run(folder, "flag", "--lang", "en")
    assert english.code == 2 and "3 days ago" in english.err and f"you may delete {LOCK}" in english.err

    os.utime(lock, None)  # someone at work right now
    fresh = run(folder, "flag")
    assert fresh.code == 2 and "不到1分钟前" in "".join(fresh.err.split())


def test_a_lock_older_than_a_day_is_in_the_admins_digest(folder):
    set_admin(folder)
    lock, _ = leave_lock(folder, dt.timedelta(hours=5))  # someone has had it open this morning
    assert run(folder, "digest").code == 0
    assert not any("给管理员的提示" in body(m, "html") for m in mails(folder))
    first = set((folder / "outbox").glob("*.eml"))

    leave_lock(folder, dt.timedelta(days=2, hours=3))
    assert run(folder, "digest", "--force").code == 0
    latest = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
              for p in set((folder / "outbox").glob("*.eml")) - first]
    (admin,) = [m for m in latest if to(m) == ADMIN]
    for part in (body(admin, "html"), body(admin, "plain")):
        assert "给管理员的提示" in part and LOCK in part and "已超过一天" in part and "2 天前" in part
        assert "可以删除这个锁文件" in part
    (other,) = [m for m in latest if to(m) == OTHER]
    assert LOCK not in body(other, "html")
    assert lock.exists()


def test_the_admins_notes_in_english(folder):
    edit_config(folder, f'email = "{ADMIN}"', f'email = "{ADMIN}"\nlang = "en"')  # the admin reads English
    set_admin(folder)  # the office (and this run) stays Chinese
    add_bad_workbook(folder, "missing")
    leave_lock(folder, dt.timedelta(days=4))
    res = run(folder, "digest")
    assert res.code == 2 and says_unreadable(res.err)  # the terminal in Chinese
    (admin,) = by_address(folder)[ADMIN]
    text = body(admin, "plain")
    notes = text.split("For the admin", 1)[1].split("\n\n", 1)[0]  # the block, up to the next blank line
    assert f"Workbook {BAD} could not be read this time" in notes
    assert f"{BAD}.xlsx not found" in notes and "check the source path" in notes  # why, in the reader's language
    assert "找不到" not in notes and "检查" not in notes  # the run was in Chinese: said again in English
    assert f"The lock file {LOCK} beside workbook {GOOD} is more than a day old" in notes and "4 days ago" in notes

