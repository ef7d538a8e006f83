"""Cron expressions mean what cron users expect (assistant/cron.py), checked against real dates.

Anchors, from the calendar itself (asserted below): 2026-11-22 is a Sunday, 2026-11-23 a Monday.
National Day 2026 is 1–7 October; Saturday 10 October 2026 is a swapped working day (调休).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from assistant import cron
from assistant.calendar import WorkCalendar
from assistant.errors import ConfigError
from assistant.i18n import using

TZ = ZoneInfo("Asia/Shanghai")
SUNDAY = dt.datetime(2026, 11, 22, tzinfo=TZ)  # start of a two-week window, Sunday 00:00
D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def chinese():
    with using("zh"):
        yield


def fire_dates(expr: str, start: dt.datetime = SUNDAY, days: int = 14) -> list[str]:
    """The dates on which `expr` fires in the `days` days from `start` (times at 09:00 or so)."""
    trigger = cron.parse(expr, TZ)
    end = start + dt.timedelta(days=days)
    out = []
    for fire in cron.next_runs(trigger, start, 100):
        if fire >= end:
            break
        out.append(fire.date().isoformat())
    return out


def window(*cron_weekdays: int) -> list[str]:
    """The dates in the two-week window whose cron weekday (0 = Sunday) is one of `cron_weekdays`."""
    days = [SUNDAY.date() + dt.timedelta(days=i) for i in range(14)]
    return [d.isoformat() for d in days if d.isoweekday() % 7 in cron_weekdays]


def test_the_anchor_dates_are_what_the_tests_say():
    assert D("2026-11-22").strftime("%A") == "Sunday"
    assert D("2026-11-23").strftime("%A") == "Monday"
    assert D("2026-11-28").strftime("%A") == "Saturday"
    assert D("2026-10-10").strftime("%A") == "Saturday"


# --- day of week as cron means it ---------------------------------------------------------------

def test_1_to_5_is_monday_to_friday():
    assert fire_dates("0 9 * * 1-5", days=7) == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]


@pytest.mark.parametrize("expr", ["0 9 * * 0", "0 9 * * 7", "0 9 * * sun", "0 9 * * SUN", "0 9 * * Sun"])
def test_0_and_7_and_sun_are_sunday(expr):
    assert fire_dates(expr) == ["2026-11-22", "2026-11-29"]


@pytest.mark.parametrize("expr, weekdays", [
    ("0 9 * * mon-fri", {1, 2, 3, 4, 5}),
    ("0 9 * * MON-FRI", {1, 2, 3, 4, 5}),
    ("0 9 * * 1", {1}),
    ("0 9 * * mon", {1}),
    ("0 9 * * 6", {6}),
    ("0 9 * * sat,sun", {6, 0}),
    ("0 9 * * 6,7", {6, 0}),
    ("0 9 * * 0-7", {0, 1, 2, 3, 4, 5, 6}),
    ("0 9 * * 1-7", {0, 1, 2, 3, 4, 5, 6}),
    ("0 9 * * sun-sat", {0, 1, 2, 3, 4, 5, 6}),
    ("0 9 * * 5-7", {5, 6, 0}),
    ("0 9 * * 1,3,5", {1, 3, 5}),
    ("0 9 * * mon,wed,fri", {1, 3, 5}),
    ("0 9 * * 1-2,4-5", {1, 2, 4, 5}),
    ("0 9 * * */2", {0, 2, 4, 6}),  # from Sunday: Sun, Tue, Thu, Sat
    ("0 9 * * 1-5/2", {1, 3, 5}),
    ("0 9 * * mon-fri/2", {1, 3, 5}),
    ("0 9 * * 1/2", {1, 3, 5}),  # a/n: from a to the end of the week (Saturday)
    ("0 9 * * 1-7/2", {1, 3, 5, 0}),
    # wrapping ranges (our decision: allowed for day of week, a week is a cycle)
    ("0 9 * * fri-mon", {5, 6, 0, 1}),
    ("0 9 * * 5-1", {5, 6, 0, 1}),
    ("0 9 * * 6-0", {6, 0}),
    ("0 9 * * 7-1", {0, 1}),
    ("0 9 * * fri-mon/2", {5, 0}),
])
def test_day_of_week_forms_on_real_dates(expr, weekdays):
    assert fire_dates(expr) == window(*weekdays)


def test_the_trigger_is_handed_weekday_names_never_numbers():
    fields = {f.name: str(f) for f in cron.parse("0 9 * * 1-5", TZ).fields}
    assert fields["day_of_week"] == "mon-fri"
    fields = {f.name: str(f) for f in cron.parse("0 9 * * 0,3", TZ).fields}
    assert fields["day_of_week"] == "wed,sun"


def test_from_crontab_pitfall_next_to_ours():
    """APScheduler 3 counts weekdays from Monday = 0, so its own from_crontab reads "1-5" as Tuesday
    to Saturday and "0" as Monday. This is why user expressions never reach it unchanged."""
    theirs = CronTrigger.from_crontab("0 9 * * 1-5", timezone=TZ)
    their_dates = [f.date() for f in cron.next_runs(theirs, SUNDAY, 5)]
    assert [d.strftime("%a") for d in their_dates] == ["Tue", "Wed", "Thu", "Fri", "Sat"]
    assert D("2026-11-28") in their_dates  # fires on a Saturday
    assert D("2026-11-23") not in their_dates  # and not on the Monday

    ours = [f.date() for f in cron.next_runs(cron.parse("0 9 * * 1-5", TZ), SUNDAY, 5)]
    assert [d.strftime("%a") for d in ours] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert D("2026-11-28") not in ours

    assert cron.next_runs(CronTrigger.from_crontab("0 9 * * 0", timezone=TZ), SUNDAY, 1)[0].date() == D("2026-11-23")
    assert cron.next_runs(cron.parse("0 9 * * 0", TZ), SUNDAY, 1)[0].date() == D("2026-11-22")


def test_trigger_weekdays_reads_any_trigger():
    assert cron.trigger_weekdays(cron.parse("0 9 * * 1-5", TZ)) == frozenset(range(5))
    assert cron.trigger_weekdays(CronTrigger.from_crontab("0 9 * * 1-5", timezone=TZ)) == frozenset(range(1, 6))


# --- the other fields -------------------------------------------------------------------------------

def test_minutes_hours_and_times_in_shanghai():
    runs = cron.next_runs(cron.parse("30 8 * * mon", "Asia/Shanghai"), SUNDAY, 3)
    assert [r.isoformat() for r in runs] == [
        "2026-11-23T08:30:00+08:00", "2026-11-30T08:30:00+08:00", "2026-12-07T08:30:00+08:00"]


def test_steps_lists_and_ranges_in_minutes_and_hours():
    start = dt.datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    runs = cron.next_runs(cron.parse("*/15 8-9 * * *", TZ), start, 9)
    assert [r.strftime("%H:%M") for r in runs] == [
        "08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "09:30", "09:45", "08:00"]
    assert runs[-1].date() == D("2026-11-24")
    runs = cron.next_runs(cron.parse("0 8,12,17 * * *", TZ), start, 4)
    assert [r.strftime("%d %H") for r in runs] == ["23 08", "23 12", "23 17", "24 08"]
    runs = cron.next_runs(cron.parse("5/20 * * * *", TZ), start, 4)
    assert [r.strftime("%H:%M") for r in runs] == ["08:05", "08:25", "08:45", "09:05"]


def test_day_of_month_and_month_names():
    start = dt.datetime(2026, 11, 20, tzinfo=TZ)
    assert [r.date().isoformat() for r in cron.next_runs(cron.parse("0 8 1 * *", TZ), start, 3)] == [
        "2026-12-01", "2027-01-01", "2027-02-01"]
    assert [r.date().isoformat() for r in cron.next_runs(cron.parse("0 8 1 jan,Jul *", TZ), start, 3)] == [
        "2027-01-01", "2027-07-01", "2028-01-01"]
    assert [r.date().isoformat() for r in cron.next_runs(cron.parse("0 8 15 JAN-MAY/2 *", TZ), start, 3)] == [
        "2027-01-15", "2027-03-15", "2027-05-15"]
    assert [r.date().isoformat() for r in cron.next_runs(cron.parse("0 0 29 2 *", TZ), start, 2)] == [
        "2028-02-29", "2032-02-29"]


def test_day_of_month_star_step_with_a_weekday_means_both():
    """As in Vixie cron, a field beginning with * is unrestricted, so no either-or rule applies:
    "*/2" days that are Mondays."""
    start = dt.datetime(2026, 11, 1, tzinfo=TZ)
    runs = cron.next_runs(cron.parse("0 8 */2 * mon", TZ), start, 3)
    assert [r.date().isoformat() for r in runs] == ["2026-11-09", "2026-11-23", "2026-12-07"]
    assert all(r.day % 2 == 1 and r.weekday() == 0 for r in runs)


def test_six_fields_lead_with_seconds():
    start = dt.datetime(2026, 11, 23, 8, 0, 0, tzinfo=TZ)
    runs = cron.next_runs(cron.parse("*/20 * * * * *", TZ), start, 4)
    assert [r.isoformat() for r in runs] == [
        "2026-11-23T08:00:00+08:00", "2026-11-23T08:00:20+08:00", "2026-11-23T08:00:40+08:00",
        "2026-11-23T08:01:00+08:00"]
    assert cron.next_runs(cron.parse("5 30 8 * * 1-5", TZ), SUNDAY, 1)[0].isoformat() == "2026-11-23T08:30:05+08:00"
    # five fields fire on second 0
    assert cron.next_runs(cron.parse("30 8 * * 1-5", TZ), SUNDAY, 1)[0].second == 0


def test_aliases_and_full_width_characters():
    assert fire_dates("@weekly") == ["2026-11-22", "2026-11-29"]
    assert fire_dates("@daily", days=3) == ["2026-11-22", "2026-11-23", "2026-11-24"]
    assert fire_dates("０ ９ ＊ ＊ １－５", days=7) == fire_dates("0 9 * * 1-5", days=7)


def test_time_zones():
    """The same expression in two zones fires at different instants, each at its own wall-clock time."""
    sh = cron.next_runs(cron.parse("0 9 * * 1-5", "Asia/Shanghai"), SUNDAY, 1)[0]
    utc = cron.next_runs(cron.parse("0 9 * * 1-5", "UTC"), SUNDAY, 1)[0]
    assert sh.isoformat() == "2026-11-23T09:00:00+08:00"
    assert utc.isoformat() == "2026-11-23T09:00:00+00:00"
    assert utc - sh == dt.timedelta(hours=8)
    # a start given in another zone is the same instant: 2026-11-23 00:30 UTC is 08:30 in Shanghai
    start = dt.datetime(2026, 11, 23, 0, 30, tzinfo=dt.UTC)
    assert cron.next_runs(cron.parse("0 9 * * 1-5", TZ), start, 1)[0].isoformat() == "2026-11-23T09:00:00+08:00"
    # and across a daylight-saving change (Berlin, 2026-03-29): still 09:00 local, offsets change
    berlin = cron.next_runs(cron.parse("0 9 * * *", "Europe/Berlin"), dt.datetime(2026, 3, 28, tzinfo=dt.UTC), 2)
    assert [r.isoformat() for r in berlin] == ["2026-03-28T09:00:00+01:00", "2026-03-29T09:00:00+02:00"]


def test_next_runs_counts_from_start_inclusive():
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    assert cron.next_runs(cron.parse("0 9 * * *", TZ), start, 1)[0] == start
    just_after = start + dt.timedelta(microseconds=1)
    assert cron.next_runs(cron.parse("0 9 * * *", TZ), just_after, 1)[0].date() == D("2026-11-24")


# --- working days ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def official():
    return WorkCalendar()  # the official calendar: chinesecalendar's holidays and swapped days


def test_the_calendar_has_national_day_2026_as_assumed(official):
    for day in range(1, 8):
        assert not official.is_workday(dt.date(2026, 10, day))
    assert official.is_workday(D("2026-10-08"))
    assert official.is_workday(D("2026-10-10"))  # Saturday, swapped working day
    assert not official.is_workday(D("2026-10-11"))


def test_next_runs_skip_national_day_and_run_the_swapped_saturday(official):
    start = dt.datetime(2026, 9, 28, tzinfo=TZ)
    runs = cron.next_runs(cron.parse("0 9 * * 1-5", TZ), start, 7, official.is_workday)
    assert [r.isoformat() for r in runs] == [
        "2026-09-28T09:00:00+08:00", "2026-09-29T09:00:00+08:00", "2026-09-30T09:00:00+08:00",
        "2026-10-08T09:00:00+08:00", "2026-10-09T09:00:00+08:00",
        "2026-10-10T09:00:00+08:00",  # Saturday, a working day: a Monday-to-Friday job runs
        "2026-10-12T09:00:00+08:00"]
    # without the calendar, the same expression runs through the holiday and not on the Saturday
    plain = [r.date().isoformat() for r in cron.next_runs(cron.parse("0 9 * * 1-5", TZ), start, 7)]
    assert plain == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06"]


def test_every_day_with_working_days_only(official):
    runs = cron.next_runs(cron.parse("0 7 * * *", TZ), dt.datetime(2026, 9, 30, tzinfo=TZ), 5, official.is_workday)
    assert [r.date().isoformat() for r in runs] == [
        "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"]


def test_a_weekly_job_skips_a_holiday_and_is_not_moved(official):
    """The Monday digest: Monday 5 October is a holiday and is skipped; the swapped Saturday does
    not get a digest (only Monday-to-Friday jobs run on every working day)."""
    runs = cron.next_runs(cron.parse("30 8 * * mon", TZ), dt.datetime(2026, 9, 28, tzinfo=TZ), 3, official.is_workday)
    assert [r.date().isoformat() for r in runs] == ["2026-09-28", "2026-10-12", "2026-10-19"]


def test_a_plain_is_workday_callable_works_too():
    national_day = {dt.date(2026, 10, d) for d in range(1, 8)}

    def is_workday(day: dt.date) -> bool:
        return day == D("2026-10-10") or (day.weekday() < 5 and day not in national_day)

    runs = cron.next_runs(cron.parse("0 9 * * 1-5", TZ), dt.datetime(2026, 10, 1, tzinfo=TZ), 4, is_workday)
    assert [r.date().isoformat() for r in runs] == ["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"]


def test_the_search_is_bounded():
    started = time.monotonic()
    assert cron.next_runs(cron.parse("0 9 * * *", TZ), SUNDAY, 5, lambda day: False) == []
    month_ago = SUNDAY - dt.timedelta(days=30)
    assert cron.due_since(cron.parse("0 9 * * *", TZ), month_ago, SUNDAY, lambda day: False) is None
    assert time.monotonic() - started < 10


# --- catch-up: due_since ------------------------------------------------------------------------------

def test_due_since_is_the_latest_fire_in_the_interval():
    trigger = cron.parse("0 9 * * 1-5", TZ)
    friday = dt.datetime(2026, 11, 20, tzinfo=TZ)
    assert cron.due_since(trigger, friday, dt.datetime(2026, 11, 23, 8, 59, tzinfo=TZ)).isoformat() == \
        "2026-11-20T09:00:00+08:00"
    assert cron.due_since(trigger, friday, dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)).isoformat() == \
        "2026-11-23T09:00:00+08:00"  # (since, now]: now itself counts
    assert cron.due_since(trigger, dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ),
                          dt.datetime(2026, 11, 23, 12, 0, tzinfo=TZ)) is None  # since itself does not
    weekend = dt.datetime(2026, 11, 21, tzinfo=TZ), dt.datetime(2026, 11, 22, 23, tzinfo=TZ)
    assert cron.due_since(trigger, *weekend) is None


def test_due_since_is_fast_over_long_gaps():
    """A bisection, not a walk: every second for six years is still instant."""
    trigger = cron.parse("* * * * * *", TZ)
    now = dt.datetime(2026, 11, 23, 9, 0, 0, 500, tzinfo=TZ)
    started = time.monotonic()
    assert cron.due_since(trigger, dt.datetime(2020, 1, 1, tzinfo=TZ), now) == now.replace(microsecond=0)
    assert time.monotonic() - started < 2


def test_due_since_with_working_days(official):
    trigger = cron.parse("0 9 * * 1-5", TZ)
    # down over the whole National Day week: the missed run is 30 September's
    assert cron.due_since(trigger, dt.datetime(2026, 9, 29, 10, tzinfo=TZ), dt.datetime(2026, 10, 8, 8, tzinfo=TZ),
                          official.is_workday).isoformat() == "2026-09-30T09:00:00+08:00"
    # only the holiday in the window: nothing is due
    assert cron.due_since(trigger, dt.datetime(2026, 9, 30, 10, tzinfo=TZ), dt.datetime(2026, 10, 8, 8, tzinfo=TZ),
                          official.is_workday) is None
    # the swapped Saturday counts
    assert cron.due_since(trigger, dt.datetime(2026, 10, 9, 10, tzinfo=TZ), dt.datetime(2026, 10, 11, 20, tzinfo=TZ),
                          official.is_workday).isoformat() == "2026-10-10T09:00:00+08:00"


def test_workday_trigger_fires_as_next_runs_says(official):
    trigger = cron.WorkdayTrigger(cron.parse("0 9 * * 1-5", TZ), official.is_workday)
    assert trigger.get_next_fire_time(None, dt.datetime(2026, 10, 9, 10, tzinfo=TZ)).isoformat() == \
        "2026-10-10T09:00:00+08:00"
    assert trigger.get_next_fire_time(None, dt.datetime(2026, 9, 30, 10, tzinfo=TZ)).isoformat() == \
        "2026-10-08T09:00:00+08:00"
    # like CronTrigger, it does not skip past a fire time missed since the previous one
    previous = dt.datetime(2026, 10, 8, 9, tzinfo=TZ)
    assert trigger.get_next_fire_time(previous, dt.datetime(2026, 10, 12, 12, tzinfo=TZ)).isoformat() == \
        "2026-10-09T09:00:00+08:00"


# --- words ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, workdays_only, zh, en", [
    ("30 8 * * mon", False, "每周一 08:30", "Mondays at 08:30"),
    ("30 8 * * mon", True, "每周一 08:30，仅工作日", "Mondays at 08:30, working days only"),
    ("0 9 * * 1-5", False, "每周一至周五 09:00", "Monday to Friday at 09:00"),
    ("0 9 * * mon-fri", True, "每周一至周五 09:00，仅工作日", "Monday to Friday at 09:00, working days only"),
    ("0 7 * * *", False, "每天 07:00", "every day at 07:00"),
    ("0 8 1 * *", False, "每月1日 08:00", "on the 1st of every month at 08:00"),
    ("0 8 1,15 * *", False, "每月1日、15日 08:00", "on the 1st and 15th of every month at 08:00"),
    ("0 8 1 3 *", False, "每年3月1日 08:00", "every year on March 1 at 08:00"),
    ("0 9 * * 0", False, "每周日 09:00", "Sundays at 09:00"),
    ("0 9 * * 7", False, "每周日 09:00", "Sundays at 09:00"),
    ("0 9 * * 1,3,5", False, "每周一、周三、周五 09:00", "Mondays, Wednesdays and Fridays at 09:00"),
    ("0 9 * * sat,sun", False, "每周六、周日 09:00", "Saturdays and Sundays at 09:00"),
    ("0 8,14 * * *", False, "每天 08:00、14:00", "every day at 08:00 and 14:00"),
    ("5 30 8 * * mon", False, "每周一 08:30:05", "Mondays at 08:30:05"),
    ("*/15 * * * *", False, "按 cron 表达式 */15 * * * *", "on the cron schedule */15 * * * *"),
    ("*/15 * * * *", True, "按 cron 表达式 */15 * * * *，仅工作日",
     "on the cron schedule */15 * * * *, working days only"),
])
def test_describe_in_both_languages(expr, workdays_only, zh, en):
    assert cron.describe(expr, workdays_only) == zh
    with using("en"):
        assert cron.describe(expr, workdays_only) == en


# --- bad expressions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, zh_part, en_part", [
    ("30 8 * *", "应有 5 个字段", "expected 5 fields"),
    ("1 2 3 4 5 6 7", "实际有 7 个", "got 7"),
    ("60 8 * * *", "分钟字段的“60”超出范围 0–59", "\"60\" in the minute field is outside 0-59"),
    ("0 24 * * *", "小时字段的“24”超出范围 0–23", "outside 0-23"),
    ("0 8 0 * *", "日字段的“0”超出范围 1–31", "outside 1-31"),
    ("0 8 * 13 *", "月字段的“13”超出范围 1–12", "outside 1-12"),
    ("0 8 * * 8", "星期字段的“8”超出范围 0–7", "outside 0-7"),
    ("0 8 * * funday", "星期字段的“funday”无法识别", "\"funday\" in the day-of-week field is not understood"),
    ("0 8 * * monday", "无法识别", "not understood"),
    ("0 8 * foo *", "月字段的“foo”无法识别", "not understood"),
    ("0 8 * * mon#2", "无法识别", "not understood"),
    ("0 8 L * *", "日字段的“L”无法识别", "not understood"),
    ("0 8 ? * *", "无法识别", "not understood"),
    ("0 8 * * 1,", "无法识别", "not understood"),
    ("x 8 * * *", "无法识别", "not understood"),
    ("*/0 * * * *", "步长应为正整数", "must be a positive whole number"),
    ("0 22-2 * * *", "起点大于终点", "runs backwards"),
    ("0 8 1 * mon", "同时限定了日", "both day-of-month"),
    ("0 8 1-31 * 1-5", "同时限定了日", "both day-of-month"),
    ("0 0 30 2 *", "永远不会运行", "never run"),
    ("0 0 31 4,6 *", "永远不会运行", "never run"),
    ("@reboot", "不认识“@reboot”", "\"@reboot\" is not known"),
    ("", "是空的", "empty"),
])
def test_bad_expressions_name_the_expression_and_the_problem(expr, zh_part, en_part):
    with pytest.raises(ConfigError) as zh:
        cron.parse(expr, TZ)
    assert f"cron 表达式“{expr}”有误" in zh.value.message
    assert zh_part in zh.value.message
    with using("en"), pytest.raises(ConfigError) as en:
        cron.parse(expr, TZ)
    assert f'cron expression "{expr}" is wrong' in en.value.message
    assert en_part in en.value.message
    with pytest.raises(ConfigError):
        cron.describe(expr, False)


def test_a_bad_expression_comes_with_a_hint():
    with pytest.raises(ConfigError) as exc:
        cron.parse("0 8 * * * * *", TZ)
    assert "周日写 0 或 7" in str(exc.value)


def test_a_bad_time_zone_is_a_config_error():
    with pytest.raises(ConfigError, match="Mars/Base"):
        cron.parse("0 8 * * *", "Mars/Base")
