"""Working days of the official calendar, checked against the chinesecalendar data itself."""

from __future__ import annotations

import datetime as dt
import sys

import chinese_calendar
import numpy as np
import pandas as pd
import pytest

from assistant import calendar as calendar_module
from assistant.calendar import WorkCalendar
from assistant.config import load_config
from assistant.i18n import using

D = dt.date


@pytest.fixture(autouse=True)
def chinese():
    """Messages in Chinese whatever an earlier test left set (the CLI sets the language per process)."""
    with using("zh"):
        yield


def due_series(*days: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(days), format="mixed"), index=range(10, 10 + len(days)))


def days_left(cal: WorkCalendar, due: str, today: str) -> int:
    return int(cal.days_left(due_series(due), D.fromisoformat(today)).iloc[0])


# --- the 2026 National Day week -------------------------------------------------------------------

def test_national_day_2026_as_the_package_has_it():
    """The data, not memory: National Day 2026 is 1–7 October (8 October is an ordinary Thursday);
    Mid-Autumn is 25–27 September; 20 September (Sun) and 10 October (Sat) are swapped working days."""
    hol, work = chinese_calendar.holidays, chinese_calendar.workdays
    national = sorted(d for d in hol if d.year == 2026 and hol[d] == "National Day")
    assert national == [D(2026, 10, d) for d in range(1, 8)]
    assert D(2026, 10, 8) not in hol
    assert [d for d in hol if D(2026, 9, 1) <= d < D(2026, 10, 1)] == [D(2026, 9, d) for d in (25, 26, 27)]
    assert {D(2026, 9, 20), D(2026, 10, 10)} <= set(work)


@pytest.mark.parametrize("day, working", [
    ("2026-09-18", True),   # Friday
    ("2026-09-19", False),  # Saturday
    ("2026-09-20", True),   # Sunday, swapped working day
    ("2026-09-25", False),  # Friday, Mid-Autumn
    ("2026-09-27", False),  # Sunday, Mid-Autumn
    ("2026-09-28", True),
    ("2026-09-30", True),
    ("2026-10-01", False),
    ("2026-10-05", False),  # Monday inside the holiday
    ("2026-10-07", False),
    ("2026-10-08", True),   # Thursday: back at work
    ("2026-10-09", True),
    ("2026-10-10", True),   # Saturday, swapped working day
    ("2026-10-11", False),  # Sunday
    ("2026-10-12", True),
])
def test_is_workday_around_national_day(day, working):
    assert WorkCalendar().is_workday(D.fromisoformat(day)) is working


@pytest.mark.parametrize("today, expected", [
    ("2026-09-18", 10),  # 20 Sep, 21–24 Sep, 28–30 Sep, 8–9 Oct
    ("2026-09-29", 3),
    ("2026-09-30", 2),
    ("2026-10-01", 2),
    ("2026-10-04", 2),
    ("2026-10-07", 2),
    ("2026-10-08", 1),
    ("2026-10-09", 0),
    ("2026-10-10", -1),  # the swapped Saturday counts
    ("2026-10-11", -1),
    ("2026-10-12", -2),
])
def test_days_left_to_friday_after_the_holiday(today, expected):
    assert days_left(WorkCalendar(), "2026-10-09", today) == expected


@pytest.mark.parametrize("today, expected", [
    ("2026-10-01", 0),   # overdue, but no working day has passed yet
    ("2026-10-07", 0),
    ("2026-10-08", -1),
    ("2026-10-09", -2),
    ("2026-10-10", -3),
    ("2026-10-11", -3),
    ("2026-10-12", -4),
])
def test_overdue_count_across_the_holiday(today, expected):
    assert days_left(WorkCalendar(), "2026-09-30", today) == expected


def test_sign_convention():
    cal = WorkCalendar()
    assert days_left(cal, "2026-10-08", "2026-10-08") == 0  # due today
    assert days_left(cal, "2026-10-06", "2026-10-06") == 0  # also on a holiday
    # Due yesterday: −1 exactly when today is a working day (today is the one day in (due, today]).
    assert days_left(cal, "2026-10-07", "2026-10-08") == -1
    assert days_left(cal, "2026-10-06", "2026-10-07") == 0
    assert days_left(cal, "2026-10-11", "2026-10-12") == -1
    # Due tomorrow: 1 exactly when tomorrow is a working day.
    assert days_left(cal, "2026-10-08", "2026-10-07") == 1
    assert days_left(cal, "2026-10-01", "2026-09-30") == 0
    assert cal.workdays_between(D(2026, 9, 30), D(2026, 10, 9)) == 2
    assert cal.workdays_between(D(2026, 10, 9), D(2026, 9, 30)) == -2


def test_days_left_matches_a_day_by_day_count_with_the_package():
    """Against the package's own is_workday, counted one day at a time, for many date pairs."""
    first = D(2025, 1, 1)
    flags = [chinese_calendar.is_workday(first + dt.timedelta(days=k)) for k in range(730)]
    rng = np.random.default_rng(7)
    offsets = rng.integers(0, 730, 300)
    dues = pd.Series(np.datetime64(first) + offsets.astype("timedelta64[D]"))
    cal = WorkCalendar()
    for today in (D(2025, 1, 1), D(2025, 10, 3), D(2026, 2, 14), D(2026, 10, 8), D(2026, 12, 31)):
        t = (today - first).days
        got = cal.days_left(dues, today).to_numpy(dtype=np.int64)
        # Working days d with today < d <= due, or minus those with due < d <= today.
        want = [sum(flags[t + 1:o + 1]) if o >= t else -sum(flags[o + 1:t + 1]) for o in offsets]
        assert got.tolist() == want, today
    assert cal.notice() is None  # every year asked about is known


def test_days_left_keeps_index_and_gives_na_for_missing_due():
    result = WorkCalendar().days_left(due_series("2026-10-09", None, "2026-10-09 15:30"), D(2026, 9, 30))
    assert str(result.dtype) == "Int64"
    assert list(result.index) == [10, 11, 12]
    assert result.iloc[0] == 2 and result.iloc[2] == 2  # the time of day does not count
    assert pd.isna(result.iloc[1])


def test_all_missing_due_needs_no_calendar():
    cal = WorkCalendar()
    result = cal.days_left(due_series(None, None), D(2030, 1, 1))
    assert result.isna().all() and cal.notice() is None


# --- years the package does not know --------------------------------------------------------------

def test_supported_range_comes_from_the_data():
    last = max(chinese_calendar.holidays).year
    cal = WorkCalendar()
    cal.is_workday(D(last, 6, 1))
    assert cal.notice() is None
    cal.is_workday(D(last + 1, 6, 1))
    assert cal.estimated_years == {last + 1}


def test_year_boundary_2026_2027_is_estimated_and_said_once():
    cal = WorkCalendar()
    assert cal.is_workday(D(2026, 12, 31))  # Thursday
    assert cal.notice() is None
    assert not cal.is_workday(D(2027, 1, 1))  # New Year's Day, from the holidays package
    # 31 Dec (Thu) to 4 Jan (Mon): 1 Jan holiday, 2–3 Jan weekend, 4 Jan working.
    assert days_left(cal, "2027-01-04", "2026-12-31") == 1
    assert days_left(cal, "2026-12-31", "2027-01-04") == -1
    assert cal.estimated_years == {2027}
    notice = cal.notice()
    assert "2027" in notice and "2026" not in notice and "[calendar]" in notice and "估算" in notice
    with using("en"):
        english = cal.notice()
    assert "2027" in english and "estimated" in english and "[calendar]" in english


def test_estimated_years_listed_as_ranges():
    cal = WorkCalendar()
    cal.days_left(due_series("2027-03-01", "2029-03-01", "2031-03-01"), D(2026, 11, 20))
    assert cal.estimated_years == {2027, 2028, 2029, 2030, 2031}
    assert "2027–2031" in cal.notice()


def test_spring_festival_2027_estimate_has_no_swapped_days():
    cal = WorkCalendar()
    assert not cal.is_workday(D(2027, 2, 8))   # Monday, Spring Festival per the holidays package
    assert not cal.is_workday(D(2027, 2, 7))   # Sunday: the estimate knows no swapped working days


def test_override_for_2027_is_honoured_and_removes_the_notice():
    cal = WorkCalendar(holidays={D(2027, 2, 11): "春节"}, workdays={D(2027, 2, 7): "调休上班"})
    assert cal.is_workday(D(2027, 2, 7))       # a swapped working Sunday
    assert not cal.is_workday(D(2027, 2, 11))  # a Thursday the library thinks is a working day
    assert not cal.is_workday(D(2027, 1, 1))   # the rest of the estimate still applies
    assert cal.notice() is None and cal.estimated_years == set()


def test_overrides_beat_the_official_data():
    cal = WorkCalendar(holidays={D(2026, 10, 8): "本地放假"}, workdays={D(2026, 10, 3): "加班"})
    assert not cal.is_workday(D(2026, 10, 8))
    assert cal.is_workday(D(2026, 10, 3))
    assert days_left(cal, "2026-10-09", "2026-09-30") == 2  # 3 Oct and 9 Oct


def test_without_the_holidays_package_estimates_fall_back_to_weekends(monkeypatch):
    monkeypatch.setitem(sys.modules, "holidays", None)  # import holidays now raises ImportError
    calendar_module._estimated_holidays.cache_clear()
    try:
        cal = WorkCalendar()
        assert cal.is_workday(D(2027, 1, 1))  # a Friday, nothing known about it
        assert "2027" in cal.notice() and "周一至周五" in cal.notice()
    finally:
        calendar_module._estimated_holidays.cache_clear()


# --- weekdays mode and config ---------------------------------------------------------------------

def test_weekdays_mode_ignores_the_official_calendar_but_not_overrides():
    cal = WorkCalendar("weekdays", workdays={D(2026, 10, 10): "值班"})
    assert cal.is_workday(D(2026, 10, 1))       # Thursday
    assert not cal.is_workday(D(2026, 9, 20))   # Sunday, no swap in this mode
    assert cal.is_workday(D(2026, 10, 10))      # the override
    assert cal.is_workday(D(2027, 1, 1))
    assert days_left(cal, "2026-10-09", "2026-09-30") == 7  # 1–2 and 5–9 Oct
    assert days_left(cal, "2026-10-10", "2026-09-30") == 8  # and the Saturday override
    assert cal.notice() is None


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        WorkCalendar("lunar")


def test_from_config_reads_mode_section_and_file(tmp_path):
    (tmp_path / "calendar.toml").write_text(
        '[holidays]\n"2027-02-11" = "春节"\n[workdays]\n"2027-02-07" = "调休上班"\n', encoding="utf-8")
    config = tmp_path / "assistant.toml"
    config.write_text('[office]\nname = "镇"\n[[workbooks]]\nname = "a"\nsource = "a.xlsx"\n'
                      '[calendar]\nfile = "calendar.toml"\nholidays = { "2027-02-12" = "春节" }\n', encoding="utf-8")
    cal = WorkCalendar.from_config(load_config(config))
    assert cal.mode == "official"
    assert cal.is_workday(D(2027, 2, 7))
    assert not cal.is_workday(D(2027, 2, 11)) and not cal.is_workday(D(2027, 2, 12))
    assert cal.notice() is None

    config.write_text(config.read_text(encoding="utf-8").replace('name = "镇"', 'name = "镇"\nworkdays = "weekdays"'),
                      encoding="utf-8")
    cal = WorkCalendar.from_config(load_config(config))
    assert cal.mode == "weekdays" and cal.is_workday(D(2026, 10, 1)) and cal.is_workday(D(2027, 2, 7))


def test_large_column_is_fast():
    """Vectorised: 200,000 due dates over three years in well under a second."""
    import time

    dues = pd.Series(np.datetime64("2025-06-01") + np.arange(200_000) % 1000)
    cal = WorkCalendar()
    started = time.perf_counter()
    result = cal.days_left(dues, D(2026, 11, 20))
    assert time.perf_counter() - started < 1.0
    assert len(result) == 200_000 and result.notna().all()
