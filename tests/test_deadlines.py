"""Deadline statuses per row, from a real xlsx through the normal read path.

Today is Friday 2026-11-20; November and December 2026 hold no official holidays, so working days
there are Monday to Friday (checked below against chinesecalendar rather than assumed).
"""

from __future__ import annotations

import datetime as dt
import json

import chinese_calendar
import numpy as np
import pandas as pd
import pytest

from assistant.calendar import WorkCalendar
from assistant.deadlines import COLUMNS, ITEM_KEYS, evaluate, to_items
from assistant.i18n import using
from assistant.office import load_office, read_office
from assistant.sources import open_source
from assistant.validate import validate

TODAY = dt.date(2026, 11, 20)
D = dt.date

SCHEMA = """
register: tasks
title: 督查督办台账
header_row: 2
key: 编号
fields:
  - { name: 编号, required: true }
  - { name: 事项内容 }
  - { name: 责任单位 }
  - { name: 责任人 }
  - { name: 分管领导 }
  - { name: 交办日期, type: date }
  - { name: 完成时限, type: date }
  - { name: 进度, type: percent }
  - { name: 办理状态, enum: [未启动, 推进中, 已办结] }
  - { name: 办结日期, type: date }
deadline:
  due: 完成时限
  start: 交办日期
  done_when: { 办理状态: 已办结 }
  done_date: 办结日期
  warn_within: 3
  escalate_after: 2
  owner: 责任人
  leader: 分管领导
  unit: 责任单位
  content: 事项内容
  progress: 进度
  pace_tolerance: 20
"""

HEADER = ["编号", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限", "进度", "办理状态", "办结日期"]
NOV1 = D(2026, 11, 1)

# key, start, due, progress, state, done date — and what evaluate must say: status, days_left.
ROWS = [
    ("T01", NOV1, D(2026, 11, 30), 1.0, "已办结", D(2026, 11, 18), "done", 6),
    ("T02", NOV1, D(2026, 11, 10), 1.0, "已办结", D(2026, 11, 12), "done_late", -8),
    ("T03", NOV1, None, None, "已办结", D(2026, 11, 12), "done", None),          # done beats invalid
    ("T04", NOV1, D(2026, 11, 12), None, "已办结", None, "done", -6),           # no date: not known late
    ("T05", NOV1, None, None, "推进中", None, "invalid", None),
    ("T06", NOV1, "2026.13.45", None, "推进中", None, "invalid", None),
    ("T07", NOV1, D(2026, 11, 19), 0.9, "推进中", None, "overdue", -1),
    ("T08", NOV1, D(2026, 11, 18), 0.0, "推进中", None, "overdue", -2),         # behind too; overdue wins
    ("T09", NOV1, D(2026, 11, 17), None, "推进中", D(2026, 11, 16), "overdue", -3),  # a date alone is not done
    ("T10", D(2026, 10, 1), D(2026, 11, 25), 0.0, "推进中", None, "due_soon", 3),    # behind too
    ("T11", NOV1, D(2026, 11, 20), None, "推进中", None, "due_soon", 0),        # due today
    ("T12", NOV1, D(2026, 11, 22), None, "推进中", None, "due_soon", 0),        # due Sunday
    ("T13", NOV1, D(2026, 11, 26), None, "推进中", None, "on_track", 4),
    ("T14", NOV1, D(2026, 12, 31), 0.1, "推进中", None, "behind_pace", 29),     # 31.7% expected
    ("T15", NOV1, D(2026, 12, 31), 0.12, "推进中", None, "on_track", 29),       # 19.7 points below
    ("T16", D(2026, 12, 1), D(2026, 12, 31), 0.0, "未启动", None, "on_track", 29),  # not started yet
    ("T17", D(2026, 12, 31), D(2026, 12, 31), 0.0, "未启动", None, "on_track", 29),  # no span: no pace
    ("T18", None, D(2026, 12, 31), 0.0, "未启动", None, "on_track", 29),        # no start: no pace
]


@pytest.fixture
def office(office):
    office.schema("tasks", SCHEMA)
    rows = [["督查督办台账（2026年）"], HEADER] + [
        [key, f"事项{key}", f"单位{i % 3}", f"人{i}", f"领导{i % 2}", start, due, progress, state, done]
        for i, (key, start, due, progress, state, done, *_) in enumerate(ROWS)]
    rows.insert(8, [])  # a blank row: positions and sheet rows part ways after it
    rows.append([None, "无编号事项", "单位0", "某人", "领导0", NOV1, D(2026, 11, 30), None, "推进中", None])
    office.workbook({"督查督办台账": rows})
    office.write_config()
    return office


@pytest.fixture(autouse=True)
def chinese():
    """Messages in Chinese whatever an earlier test left set (the CLI sets the language per process)."""
    with using("zh"):
        yield


def contexts(office, today: dt.date = TODAY):
    o = load_office(office.config)
    read = read_office(o, {wb.name: open_source(wb) for wb in o.config.workbooks})
    return o, validate(read.tables, today)[1]


@pytest.fixture
def result(office) -> pd.DataFrame:
    o, (ctx,) = contexts(office)
    return evaluate(ctx, WorkCalendar.from_config(o.config), TODAY).set_index("key", drop=False)


def test_no_holidays_in_the_test_period():
    assert not [d for d in chinese_calendar.holidays if D(2026, 11, 1) <= d <= D(2026, 12, 31)]
    assert not [d for d in chinese_calendar.workdays if D(2026, 11, 1) <= d <= D(2026, 12, 31)]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_status_and_days_left(result, row):
    key, status, days = row[0], row[6], row[7]
    got = result.loc[key]
    assert got["status"] == status
    assert (pd.isna(got["days_left"]) if days is None else got["days_left"] == days)


def test_frame_shape(result):
    assert list(result.columns) == COLUMNS
    assert len(result) == len(ROWS) + 1
    assert result["position"].tolist() == list(range(len(ROWS) + 1))
    # Title in row 1, header in row 2, data from row 3 with a blank sheet row 9 skipped.
    assert result["row"].tolist() == list(range(3, 9)) + list(range(10, 10 + len(ROWS) - 6 + 1))
    assert str(result["days_left"].dtype) == "Int64"
    assert result["due"].dtype.kind == "M" and result["escalate"].dtype == bool
    t07 = result.loc["T07"]
    assert (t07["owner"], t07["leader"], t07["unit"], t07["content"]) == ("人6", "领导0", "单位0", "事项T07")
    assert t07["due"] == pd.Timestamp("2026-11-19")
    assert pd.isna(result.loc["T05", "due"]) and pd.isna(result.loc["T06", "due"])


def test_finished_is_the_done_date_where_one_is_readable(result):
    """The history tells "closed on time" from the done date: T09 has one without being done."""
    finished = result["finished"]
    assert finished.dtype.kind == "M"
    assert finished.loc["T01"] == pd.Timestamp("2026-11-18") and finished.loc["T09"] == pd.Timestamp("2026-11-16")
    assert finished.loc[["T04", "T07", "T13"]].isna().all()


def test_labels_in_both_languages(office):
    o, (ctx,) = contexts(office)
    cal = WorkCalendar.from_config(o.config)
    zh = evaluate(ctx, cal, TODAY).set_index("status")["label"].to_dict()
    assert zh == {"overdue": "逾期", "due_soon": "临期", "on_track": "正常", "behind_pace": "滞后",
                  "done": "已办结", "done_late": "逾期办结", "invalid": "待核实"}
    with using("en"):
        en = evaluate(ctx, cal, TODAY).set_index("status")["label"].to_dict()
    assert en == {"overdue": "overdue", "due_soon": "due soon", "on_track": "on track", "behind_pace": "behind pace",
                  "done": "done", "done_late": "done late", "invalid": "to verify"}


def test_expected_progress(result):
    # 1 Nov → 31 Dec is 60 days; 19 have passed on 20 Nov.
    assert result.loc["T14", "expected"] == pytest.approx(19 / 60 * 100)
    assert result.loc["T16", "expected"] == 0  # starts in the future: clipped
    # The rows whose precedence is tested really are behind: 100 and 50/55 of the time gone, 0% done.
    assert result.loc["T08", "expected"] == 100
    assert result.loc["T10", "expected"] == pytest.approx(50 / 55 * 100)
    assert result.loc["T02", "expected"] == 100  # past its due date: clipped
    assert np.isnan(result.loc["T17", "expected"]) and np.isnan(result.loc["T18", "expected"])
    assert np.isnan(result.loc["T05", "expected"])


def test_escalate_only_when_overdue_beyond_the_allowance(result):
    # escalate_after: 2 — overdue by 3 working days is escalated, by 2 is not.
    assert result.loc["T09", "escalate"] and not result.loc["T08", "escalate"] and not result.loc["T07", "escalate"]
    # A done_late row is as far past its date, yet nobody needs to chase it.
    assert result.loc["T02", "days_left"] == -8 and not result.loc["T02", "escalate"]
    assert set(result.index[result["escalate"]]) == {"T09"}


def test_overdue_with_no_working_day_passed(office):
    o, (ctx,) = contexts(office, D(2026, 11, 22))
    df = evaluate(ctx, WorkCalendar.from_config(o.config), D(2026, 11, 22)).set_index("key")
    # Due Friday the 20th, today Sunday the 22nd: overdue, but no working day has gone by.
    assert df.loc["T11", "status"] == "overdue" and df.loc["T11", "days_left"] == 0
    assert df.loc["T12", "status"] == "due_soon" and df.loc["T12", "days_left"] == 0  # due today


def test_weekdays_mode_and_the_calendar_it_is_given(office):
    """Across National Day the official calendar and plain weekdays disagree; evaluate follows the one given."""
    o, (ctx,) = contexts(office)
    today = D(2026, 9, 30)
    official = evaluate(ctx, WorkCalendar(), today).set_index("key")
    weekdays = evaluate(ctx, WorkCalendar("weekdays"), today).set_index("key")
    # T07 due 19 Nov: officially 8–9 Oct, the swapped Saturday 10 Oct, 15 days to 30 Oct and 14 in
    # November make 32; Monday to Friday it is 1–2 Oct, 5–9 Oct, 15 and 14: 36.
    days = [today + dt.timedelta(days=k) for k in range(1, (D(2026, 11, 19) - today).days + 1)]
    assert sum(map(chinese_calendar.is_workday, days)) == 32
    assert official.loc["T07", "days_left"] == 32 and weekdays.loc["T07", "days_left"] == 36


def test_json_items(office):
    o, (ctx,) = contexts(office)
    df = evaluate(ctx, WorkCalendar.from_config(o.config), TODAY)
    items = to_items(df, "凤凰镇", "tasks")
    assert len(items) == len(df)
    assert all(tuple(item) == ITEM_KEYS for item in items)
    assert ITEM_KEYS == ("workbook", "register", "key", "row", "due", "status", "label", "days_left", "owner", "leader")
    by_key = {i["key"]: i for i in items}
    assert by_key["T07"] == {"workbook": "凤凰镇", "register": "tasks", "key": "T07", "row": 10, "due": "2026-11-19",
                             "status": "overdue", "label": "逾期", "days_left": -1, "owner": "人6", "leader": "领导0"}
    assert by_key["T05"]["due"] is None and by_key["T05"]["days_left"] is None
    assert by_key["T01"]["days_left"] == 6 and by_key["T01"]["status"] == "done"
    no_key = items[-1]
    assert no_key["key"] is None and no_key["owner"] == "某人" and no_key["status"] == "on_track"
    for item in items:
        assert type(item["row"]) is int and (item["days_left"] is None or type(item["days_left"]) is int)
    text = json.dumps({"items": items}, ensure_ascii=False)  # plain JSON types only
    assert json.loads(text)["items"] == items


def test_done_from_the_date_when_no_done_when(office):
    """Without done_when, a filled completion date is what marks a row done (and possibly late)."""
    office.schema("tasks", SCHEMA.replace("  done_when: { 办理状态: 已办结 }\n", ""))
    o, (ctx,) = contexts(office)
    df = evaluate(ctx, WorkCalendar.from_config(o.config), TODAY).set_index("key")
    assert df.loc["T09", "status"] == "done"          # done 16 Nov, due 17 Nov
    assert df.loc["T02", "status"] == "done_late"
    assert df.loc["T04", "status"] == "overdue"       # 已办结 but no date: nothing says it is done


def test_missing_optional_columns(office):
    """A sheet without the progress, start and people columns: no pace, no names, statuses still right."""
    office.workbook({"督查督办台账": [["标题"], ["编号", "完成时限", "办理状态"],
                                       ["A1", D(2026, 11, 19), "推进中"], ["A2", D(2026, 12, 31), "推进中"]]})
    o, (ctx,) = contexts(office)
    df = evaluate(ctx, WorkCalendar.from_config(o.config), TODAY)
    assert df["status"].tolist() == ["overdue", "on_track"]
    assert df["owner"].isna().all() and df["expected"].isna().all()
    assert to_items(df, "凤凰镇", "tasks")[0]["owner"] is None


def test_register_without_deadline_is_refused(office):
    office.schema("tasks", SCHEMA.split("deadline:")[0])
    o, (ctx,) = contexts(office)
    with pytest.raises(ValueError):
        evaluate(ctx, WorkCalendar(), TODAY)


def test_empty_table(office):
    office.workbook({"督查督办台账": [["标题"], HEADER]})
    o, (ctx,) = contexts(office)
    df = evaluate(ctx, WorkCalendar(), TODAY)
    assert list(df.columns) == COLUMNS and len(df) == 0 and to_items(df, "凤凰镇", "tasks") == []
