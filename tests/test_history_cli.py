"""`assistant history KEY` over real flag runs, and a district's history recorded by worker
processes (assistant/parallel.py) against one workbook after another."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from tests.conftest import run_cli
from tests.test_district import TOWNS, district
from tests.test_history import delete_row, edit, flag_items, stored
from tests.test_parallel import DRIVER, judged_by, office_with

KEY = "DB-2026-002"  # due 2026-11-24, on track at first


@pytest.fixture
def lived(office_path):
    """DB-2026-002's life: on track (11-02), due soon (11-19), done (11-20), deleted (11-23)."""
    flag_items(office_path, "2026-11-02")
    flag_items(office_path, "2026-11-03")  # nothing of it changed: no line
    flag_items(office_path, "2026-11-19")
    edit(office_path, KEY, 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 20))
    flag_items(office_path, "2026-11-20")
    delete_row(office_path, KEY)
    flag_items(office_path, "2026-11-23")
    return office_path


@pytest.fixture
def office_path(tmp_path):
    from tests.fixtures_xlsx import make_office

    make_office(tmp_path / "office")
    return tmp_path / "office" / "assistant.toml"


def history(config, *args: str):
    return run_cli("history", *args, "--config", config)


def table(out: str) -> list[list[str]]:
    """The table's lines as cells (the heading, the column names and the rule left out)."""
    lines = [line.split() for line in out.splitlines() if line.strip()]
    return [cells for cells in lines if cells[0][:4].isdigit()]


def test_the_timeline_in_chinese(lived):
    res = history(lived, KEY)
    assert res.code == 0, res.err
    assert "凤凰镇 · tasks · DB-2026-002" in res.out and "自 2026-11-02 起记录，共 3 次变化" in res.out
    assert res.out.splitlines()[1].split() == ["日期", "状态", "完成时限", "剩余工作日", "办结日期", "责任单位",
                                               "责任人", "分管领导"]
    assert table(res.out) == [
        ["2026-11-02", "正常", "2026-11-24", "16", "规划建设办", "吴刚", "李明"],
        ["2026-11-19", "临期", "2026-11-24", "3", "规划建设办", "吴刚", "李明"],
        ["2026-11-20", "已办结", "2026-11-24", "2026-11-20", "规划建设办", "吴刚", "李明"],
        ["2026-11-23", "移出台账"],
    ]


def test_the_timeline_in_english_and_as_json(lived):
    res = history(lived, KEY, "--lang", "en")
    assert res.code == 0, res.err
    assert "recorded since 2026-11-02; 3 changes" in res.out and "working days left" in res.out
    assert [row[:3] for row in table(res.out)] == [["2026-11-02", "on", "track"], ["2026-11-19", "due", "soon"],
                                                   ["2026-11-20", "done", "2026-11-24"], ["2026-11-23", "left", "the"]]
    doc = history(lived, KEY, "--format", "json", "--lang", "en").json()
    person = {"unit": "规划建设办", "owner": "吴刚", "leader": "李明"}
    assert doc == {"items": [{"workbook": "凤凰镇", "register": "tasks", "key": KEY, "changes": [
        {"day": "2026-11-02", "status": "on_track", "label": "on track", "due": "2026-11-24", "days_left": 16,
         "finished": None, **person},
        {"day": "2026-11-19", "status": "due_soon", "label": "due soon", "due": "2026-11-24", "days_left": 3,
         "finished": None, **person},
        {"day": "2026-11-20", "status": "done", "label": "done", "due": "2026-11-24", "days_left": None,
         "finished": "2026-11-20", **person},
        {"day": "2026-11-23", "status": None, "label": "left the register", "due": None, "days_left": None,
         "finished": None, "unit": None, "owner": None, "leader": None},
    ]}]}


def test_days_left_are_those_flag_printed_that_day(office_path):
    """DB-2026-001 (due 11-12, 60% done) on four days, each a change: behind pace on 11-06 (the
    expected progress passed 80%), due soon on 11-09, overdue on 11-13. The working days shown for
    each are what flag counted that day."""
    days = ("2026-11-02", "2026-11-06", "2026-11-09", "2026-11-13")
    printed = {day: flag_items(office_path, day)["DB-2026-001"] for day in days}
    changes = history(office_path, "DB-2026-001", "--format", "json").json()["items"][0]["changes"]
    assert [(c["day"], c["status"], c["days_left"]) for c in changes] == [
        (day, printed[day]["status"], printed[day]["days_left"]) for day in days]
    assert [c["status"] for c in changes] == ["on_track", "behind_pace", "due_soon", "overdue"]
    assert [c["days_left"] for c in changes] == [8, 4, 3, -1]


def test_an_unknown_key_is_exit_2_with_a_suggestion(lived):
    res = history(lived, "DB-2026-0022")
    assert res.code == 2 and not res.out
    assert "历史记录里没有编号为“DB-2026-0022”的事项（是不是“DB-2026-002”？）" in res.err
    assert "提示：编号要与台账中的完全一致" in res.err
    en = history(lived, "db-2026-002", "--lang", "en")
    assert en.code == 2 and 'the history holds no item with the key "db-2026-002" (did you mean "DB-2026-002"?)' in en.err
    elsewhere = history(lived, KEY, "--register", "documents")
    assert elsewhere.code == 2 and "（在documents中）" in elsewhere.err and "该编号的事项在：凤凰镇 · tasks" in elsewhere.err
    wrong_book = history(lived, KEY, "--workbook", "凤凰")
    assert wrong_book.code == 2 and "没有名为“凤凰”的工作簿" in wrong_book.err and "凤凰镇" in wrong_book.err
    assert history(lived, KEY, "--register", "taskz").code == 2


def test_no_history_yet_is_exit_2_and_creates_nothing(office_path):
    res = history(office_path, KEY)
    assert res.code == 2 and "还没有历史记录" in res.err and "assistant flag" in res.err
    assert not (office_path.parent / ".assistant" / "history.sqlite").exists()


def test_a_key_in_several_workbooks_is_shown_for_each(tmp_path):
    config = district(tmp_path / "office")
    flag_items(config, "2026-11-02")
    res = history(config, KEY, "--format", "json")
    assert res.code == 0, res.err
    assert sorted(i["workbook"] for i in res.json()["items"]) == sorted(TOWNS)
    text = history(config, KEY).out
    assert [line.split(" · ")[0] for line in text.splitlines() if " · tasks · " in line] == sorted(TOWNS)
    one = history(config, KEY, "--workbook", TOWNS[1], "--format", "json").json()["items"]
    assert [i["workbook"] for i in one] == [TOWNS[1]]


def test_a_district_recorded_by_workers_has_the_history_of_one_after_another(tmp_path):
    """Two days of flag with two worker processes and with one: the same rows in history.sqlite
    (ids aside), edits between the days included."""
    histories = {}
    for n in (1, 2):
        config = office_with(tmp_path / f"w{n}", n)
        for day, record in (("2026-11-02", "a"), ("2026-11-03", "b")):
            if day == "2026-11-03":
                edit(config, KEY, 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 3), workbook=TOWNS[0])
                delete_row(config, "DB-2026-005", workbook=TOWNS[2])
            pids = tmp_path / f"w{n}{record}.pids"
            res = subprocess.run([sys.executable, "-c", DRIVER, str(pids), "flag", "--format", "json",
                                  "--config", str(config), "--today", day], capture_output=True, text=True, timeout=300)
            assert res.returncode == 1, res.stderr
            main, by = judged_by(pids)
            if n == 2 and sys.platform.startswith("linux"):
                assert main not in by.values()  # really in worker processes
        histories[n] = stored(config)
    assert histories[2] == histories[1]
    assert {row[0] for row in histories[1]} == set(TOWNS)
    closed = [(row[0], row[2], str(row[5])) for row in histories[1] if row[4] is not None]  # until set
    assert sorted(closed) == sorted([(TOWNS[0], KEY, "on_track"), (TOWNS[2], "DB-2026-005", "behind_pace"),
                                     (TOWNS[2], "DB-2026-005", "None")])  # the edits; the removal's marker
