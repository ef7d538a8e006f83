"""Cron expressions as cron users mean them, turned into APScheduler 3 triggers (docs/design.md §4, `[jobs.*] cron`).

The form is the standard crontab one, five fields separated by spaces:

    minute  hour  day-of-month  month  day-of-week
    0-59    0-23  1-31          1-12   0-7 (0 and 7 = Sunday), or jan..dec / sun..sat

Each field is `*`, a number or name, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (a to the
field's end, every n), or a comma list of these. Names are case-insensitive. Our extensions:

* six fields: a leading *seconds* field (0-59), "second minute hour dom month dow", for tests and
  short schedules; five fields mean second 0;
* `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`;
* full-width characters (`０ ８ ＊ ＊ １－５`) are read as their ASCII forms (NFKC).

Decisions (each one tested in tests/test_cron.py):

* **Day of week follows cron, not APScheduler.** 1-5 is Monday to Friday, 0 and 7 are Sunday.
  APScheduler 3 counts from Monday = 0, so `CronTrigger.from_crontab("0 9 * * 1-5")` runs Tuesday to
  Saturday. We never hand it a day-of-week number: the field is expanded to a set of weekdays and
  passed as names (`mon-fri`, `mon,wed,fri`), whose meaning is the same in both worlds.
* **Wrapping day-of-week ranges are allowed**: `fri-mon` and `5-1` mean Friday, Saturday, Sunday,
  Monday (a week is a cycle; Vixie cron would reject them). A step walks the wrapped sequence:
  `fri-mon/2` is Friday and Sunday. In every other field a range must not run backwards (`22-2` in
  hours is an error, not "overnight").
* **Day of month together with day of week.** Cron runs a day that matches *either* field when both
  are restricted (`0 8 1 * mon`: the 1st *and* every Monday), APScheduler only one that matches
  *both*. Neither reading is safe to guess, so that case is a ConfigError that explains it; write
  `*` in one of the two fields, or use two jobs. As in Vixie cron, a field that begins with `*`
  (`*`, `*/2`) is unrestricted, so `0 8 */2 * mon` is accepted and means both (odd days that are
  Mondays) — the same answer cron gives.
* An expression that can never run (`0 0 30 2 *`) is an error too, rather than a silent no-op.
* Quartz extras (`?`, `L`, `W`, `#`) are not cron and are errors.

* **workdays_only** (`is_workday` given to `next_runs` / `due_since` / `WorkdayTrigger`): days the
  office calendar says are not working days are skipped (holidays, ordinary weekends); and a job
  that runs Monday to Friday runs on *every* working day, so swapped Saturdays and Sundays (调休,
  e.g. Saturday 2026-10-10) run too. A job for particular weekdays (`30 8 * * mon`) keeps its
  weekdays: a holiday Monday is skipped, not moved. The searches are bounded (MAX_SKIPPED_DAYS), so a
  calendar with no working days cannot hang them.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.cron.fields import DayOfWeekField

from assistant.errors import ConfigError
from assistant.i18n import get_lang, quote, tr

__all__ = [
    "MAX_SKIPPED_DAYS",
    "Schedule",
    "WorkdayTrigger",
    "describe",
    "due_since",
    "next_runs",
    "parse",
    "schedule",
    "trigger_weekdays",
]

WorkdayTest = Callable[[dt.date], bool]

# Search bound for workdays_only: give up after skipping this many non-working days (ten years).
MAX_SKIPPED_DAYS = 3660

_UTC = dt.UTC
_TICK = dt.timedelta(microseconds=1)
_SECOND = dt.timedelta(seconds=1)

_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron numbering: 0 = Sunday
_APS_DOW = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # APScheduler order: Monday first
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")

_ALIASES = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}


@dataclass(frozen=True)
class _Field:
    key: str  # message key suffix and name
    lo: int
    hi: int
    names: tuple[str, ...] = ()  # names[i] stands for lo + i


_SECOND_F = _Field("second", 0, 59)
_MINUTE_F = _Field("minute", 0, 59)
_HOUR_F = _Field("hour", 0, 23)
_DOM_F = _Field("dom", 1, 31)
_MONTH_F = _Field("month", 1, 12, _MONTH_NAMES)
_DOW_F = _Field("dow", 0, 7, _DOW_NAMES)

_ITEM = re.compile(r"(?:(?P<star>\*)|(?P<first>[0-9]+|[a-z]+)(?:-(?P<last>[0-9]+|[a-z]+))?)(?:/(?P<step>[0-9]+))?")


@dataclass(frozen=True)
class Schedule:
    """A checked cron expression as sets of values (day of week in cron numbering, 0 = Sunday)."""

    expr: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]  # day of month
    months: tuple[int, ...]
    weekdays: tuple[int, ...]  # 0 = Sunday … 6 = Saturday
    days_star: bool  # the day-of-month field began with "*" (unrestricted, as cron reads it)
    weekdays_star: bool
    has_seconds: bool  # six fields were given

    def trigger(self, tz: dt.tzinfo) -> CronTrigger:
        return CronTrigger(
            second=_compact(self.seconds, _SECOND_F), minute=_compact(self.minutes, _MINUTE_F),
            hour=_compact(self.hours, _HOUR_F), day=_compact(self.days, _DOM_F),
            month=_compact(self.months, _MONTH_F), day_of_week=_aps_weekdays(self.weekdays), timezone=tz)


def _bad(expr: str, problem: str) -> ConfigError:
    return ConfigError(tr("cron.bad", expr=quote(expr), problem=problem), hint=tr("cron.bad_hint"))


def _value(token: str, field: _Field, expr: str) -> int:
    """A number or (case-insensitive) name; `token` as written, for the message."""
    if token.isdigit():
        number = int(token)
    elif token.lower() in field.names:
        number = field.lo + field.names.index(token.lower())
    else:
        raise _bad(expr, tr("cron.bad_value", field=tr(f"cron.field.{field.key}"), value=quote(token)))
    if not field.lo <= number <= field.hi:
        raise _bad(expr, tr("cron.out_of_range", field=tr(f"cron.field.{field.key}"), value=quote(token),
                            lo=field.lo, hi=field.hi))
    return number


def _field_values(text: str, field: _Field, expr: str) -> tuple[int, ...]:
    """The values a field allows, in order (for day of week: 0-6, 7 folded onto 0)."""
    name = tr(f"cron.field.{field.key}")
    out: set[int] = set()
    for item in text.split(","):
        m = _ITEM.fullmatch(item.lower())
        if not m:
            raise _bad(expr, tr("cron.bad_value", field=name, value=quote(item or text)))
        step = 1
        if m["step"] is not None:
            step = int(m["step"])
            if step < 1:
                raise _bad(expr, tr("cron.bad_step", field=name, value=quote(item)))
        if m["star"]:
            seq = list(range(field.lo, (6 if field is _DOW_F else field.hi) + 1))
        else:
            first = _value(item[slice(*m.span("first"))], field, expr)
            if m["last"] is not None:
                last = _value(item[slice(*m.span("last"))], field, expr)
            elif m["step"] is not None:  # a/n: from a to the field's end
                last = 6 if field is _DOW_F else field.hi
            else:
                last = first
            if field is _DOW_F:
                first = 0 if first == 7 and last != 7 else first
                if first <= last:
                    seq = list(range(first, last + 1))
                else:  # a wrapping range: fri-mon, 5-1
                    seq = list(range(first, 7)) + list(range(last + 1))
            else:
                if first > last:
                    raise _bad(expr, tr("cron.backwards", field=name, value=quote(item)))
                seq = list(range(first, last + 1))
        out.update(seq[::step])
    if field is _DOW_F:
        out = {v % 7 for v in out}
    return tuple(sorted(out))


def schedule(expr: str) -> Schedule:
    """Check `expr` and return its value sets; ConfigError (naming the expression) if it is wrong."""
    if not isinstance(expr, str) or not expr.strip():
        raise _bad(str(expr or ""), tr("cron.empty"))
    text = unicodedata.normalize("NFKC", expr).strip()
    if text.startswith("@"):
        if text.lower() not in _ALIASES:
            raise _bad(expr, tr("cron.bad_alias", value=quote(text), known=", ".join(_ALIASES)))
        text = _ALIASES[text.lower()]
    parts = text.split()
    if len(parts) not in (5, 6):
        raise _bad(expr, tr("cron.field_count", n=len(parts)))
    has_seconds = len(parts) == 6
    if not has_seconds:
        parts = ["0", *parts]
    sec, minute, hour, dom, month, dow = parts
    s = Schedule(
        expr=expr.strip(),
        seconds=_field_values(sec, _SECOND_F, expr), minutes=_field_values(minute, _MINUTE_F, expr),
        hours=_field_values(hour, _HOUR_F, expr), days=_field_values(dom, _DOM_F, expr),
        months=_field_values(month, _MONTH_F, expr), weekdays=_field_values(dow, _DOW_F, expr),
        days_star=dom.startswith("*"), weekdays_star=dow.startswith("*"), has_seconds=has_seconds)
    if not s.days_star and not s.weekdays_star:
        raise _bad(expr, tr("cron.both_days", dom=quote(dom), dow=quote(dow)))
    longest = max(_calendar.monthrange(2000, m)[1] for m in s.months)  # 2000: a leap year
    if min(s.days) > longest:
        raise _bad(expr, tr("cron.never", dom=quote(dom), month=quote(month)))
    return s


def _timezone(tz: str | dt.tzinfo, expr: str) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    try:
        return _UTC if tz == "UTC" else ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(tr("cron.bad_timezone", tz=quote(tz))) from None


def parse(expr: str, tz: str | dt.tzinfo) -> CronTrigger:
    """The APScheduler trigger for the crontab expression `expr` in time zone `tz`, read as cron
    reads it (see the module docstring); ConfigError naming the expression if it is wrong."""
    s = schedule(expr)
    return s.trigger(_timezone(tz, expr))


def _ranges(values: Iterable[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _compact(values: tuple[int, ...], field: _Field) -> str:
    """Numbers for APScheduler ("*", "8", "1-5,7"); no steps, no names: nothing left to interpret."""
    if values == tuple(range(field.lo, field.hi + 1)):
        return "*"
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in _ranges(values))


def _aps_weekdays(weekdays: tuple[int, ...]) -> str:
    """Cron weekdays (0 = Sunday) as APScheduler names ("mon-fri", "mon,sun"): names, never numbers."""
    if len(weekdays) == 7:
        return "*"
    monday_first = sorted((d - 1) % 7 for d in weekdays)  # APScheduler's index: Monday = 0
    return ",".join(_APS_DOW[a] if a == b else f"{_APS_DOW[a]}-{_APS_DOW[b]}" for a, b in _ranges(monday_first))


# --- words -----------------------------------------------------------------------------------------

def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    if get_lang() == "en":
        return ", ".join(items[:-1]) + " and " + items[-1]
    return "、".join(items)


def _ordinal(n: int) -> str:
    if get_lang() != "en":
        return tr("cron.day_of_month", n=n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _weekday_words(weekdays: tuple[int, ...]) -> str:
    order = sorted((d - 1) % 7 + 1 for d in weekdays)  # Monday = 1 … Sunday = 7, for reading
    runs = _ranges(order)
    if len(runs) == 1 and runs[0][1] - runs[0][0] >= 2:
        a, b = runs[0]
        return tr("cron.weekday_range", first=tr(f"cron.weekday.{a % 7}"), last=tr(f"cron.weekday.{b % 7}"))
    return tr("cron.weekly", days=_join([tr(f"cron.weekdays.{d % 7}") for d in order]))


def _days_words(s: Schedule) -> str | None:
    all_months = len(s.months) == 12
    every_day = s.days_star and len(s.days) == 31
    all_weekdays = len(s.weekdays) == 7
    if all_months and every_day and all_weekdays:
        return tr("cron.every_day")
    if all_months and every_day:
        return _weekday_words(s.weekdays)
    if not s.days_star and all_weekdays:
        if all_months and len(s.days) <= 4:
            return tr("cron.monthly", days=_join([_ordinal(d) for d in s.days]))
        if len(s.months) == 1 and len(s.days) == 1:
            m, d = s.months[0], s.days[0]
            return tr("cron.yearly", m=m, month=_EN_MONTHS[m - 1], d=d)
    return None


def _times_words(s: Schedule) -> str | None:
    if len(s.seconds) * len(s.minutes) * len(s.hours) > 6:
        return None
    with_seconds = any(s.seconds)
    times = [f"{h:02d}:{m:02d}" + (f":{sec:02d}" if with_seconds else "")
             for h in s.hours for m in s.minutes for sec in s.seconds]
    return _join(times)


def describe(expr: str, workdays_only: bool = False) -> str:
    """The schedule in words, in the current language: 每周一 08:30 / "Mondays at 08:30"; with
    `workdays_only`, "，仅工作日" / ", working days only" is appended. Schedules that do not read well
    in words (every 15 minutes, the 1st of some months, …) are shown as the expression itself."""
    s = schedule(expr)
    days, times = _days_words(s), _times_words(s)
    text = tr("cron.words", days=days, times=times) if days and times else tr("cron.as_expression", expr=s.expr)
    return text + (tr("cron.workdays_only") if workdays_only else "")


# --- fire times ------------------------------------------------------------------------------------

def _aware(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """In UTC; a naive datetime is read as wall-clock time in the trigger's zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(_UTC)


def _next_at_or_after(trigger: CronTrigger, moment: dt.datetime) -> dt.datetime | None:
    """The first fire time at or after `moment` (UTC), as a UTC datetime."""
    fire = trigger.get_next_fire_time(None, moment)
    return fire.astimezone(_UTC) if fire is not None else None


def _day_start(moment: dt.datetime, tz: dt.tzinfo, days: int = 0) -> dt.datetime:
    """Midnight (UTC) of `moment`'s local date in `tz`, plus `days`."""
    local = moment.astimezone(tz).date() + dt.timedelta(days=days)
    return dt.datetime.combine(local, dt.time(0), tzinfo=tz).astimezone(_UTC)


_MON_TO_FRI = frozenset(range(5))


def trigger_weekdays(trigger: CronTrigger) -> frozenset[int]:
    """The days of the week `trigger` allows, Python numbering (Monday = 0), read from the trigger
    itself (so it is right for any CronTrigger, from_crontab's included)."""
    field = next(f for f in trigger.fields if f.name == "day_of_week")
    week = [dt.datetime(2024, 1, 1) + dt.timedelta(days=i) for i in range(7)]  # Monday 1 January 2024
    return frozenset(d.weekday() for d in week if field.get_next_value(d) == d.weekday())


def _candidates(trigger: CronTrigger, is_workday: WorkdayTest | None) -> CronTrigger:
    """The trigger whose fire times are filtered by `is_workday`.

    A job that runs Monday to Friday and is limited to working days runs on *every* working day:
    the office calendar's swapped Saturdays and Sundays (调休) too. So when `is_workday` is given and
    the trigger allows all of Monday to Friday, its day-of-week restriction is dropped and the
    calendar alone decides the days. A trigger for particular weekdays (the Monday digest) keeps
    them; the calendar only removes holidays from them."""
    if is_workday is None or not trigger_weekdays(trigger) >= _MON_TO_FRI:
        return trigger
    state = trigger.__getstate__()
    state["fields"] = [DayOfWeekField("day_of_week", "*", True) if f.name == "day_of_week" else f
                       for f in state["fields"]]
    wide = CronTrigger.__new__(CronTrigger)
    wide.__setstate__(state)
    return wide


def next_runs(trigger: CronTrigger, start: dt.datetime, n: int = 5,
              is_workday: WorkdayTest | None = None) -> list[dt.datetime]:
    """The next `n` fire times at or after `start`, in the trigger's time zone.

    With `is_workday` (workdays_only), only days it accepts (the local date in the trigger's zone)
    count, and a Monday-to-Friday trigger runs on every working day, swapped weekend days included
    (see `_candidates`). After MAX_SKIPPED_DAYS rejected days the search stops and fewer than `n`
    times are returned, so a calendar without working days cannot hang it."""
    tz = trigger.timezone
    source = _candidates(trigger, is_workday)
    cursor = _aware(start, tz)
    out: list[dt.datetime] = []
    skipped = 0
    while len(out) < n:
        fire = _next_at_or_after(source, cursor)
        if fire is None:
            break
        if is_workday is None or is_workday(fire.astimezone(tz).date()):
            out.append(fire.astimezone(tz))
            cursor = fire + _TICK
            continue
        skipped += 1
        if skipped > MAX_SKIPPED_DAYS:
            break
        cursor = max(_day_start(fire, tz, days=1), fire + _TICK)  # the rest of that day is rejected too
    return out


def _last_fire(trigger: CronTrigger, since: dt.datetime, until: dt.datetime) -> dt.datetime | None:
    """The latest fire time in (since, until], all UTC: a bisection, O(log) calls whatever the gap."""
    first = _next_at_or_after(trigger, since + _TICK)
    if first is None or first > until:
        return None
    lo, hi = first, until  # lo is a fire time; every fire time in (lo, until] lies in (lo, hi]
    while hi - lo > _SECOND:
        mid = lo + (hi - lo) / 2
        fire = _next_at_or_after(trigger, mid)
        if fire is not None and fire <= until:
            lo = fire  # >= mid: the interval at least halves
        else:
            hi = mid  # nothing in [mid, until]
    fire = _next_at_or_after(trigger, lo + _TICK)  # fire times fall on whole seconds: at most one more
    return fire if fire is not None and fire <= until else lo


def due_since(trigger: CronTrigger, since: dt.datetime, now: dt.datetime,
              is_workday: WorkdayTest | None = None) -> dt.datetime | None:
    """The latest fire time in (since, now], in the trigger's time zone, or None: the run a
    scheduler that was down missed. `is_workday` as in `next_runs` (the same days count)."""
    tz = trigger.timezone
    source = _candidates(trigger, is_workday)
    lo, hi = _aware(since, tz), _aware(now, tz)
    for _ in range(MAX_SKIPPED_DAYS + 1):
        if hi <= lo:
            return None
        fire = _last_fire(source, lo, hi)
        if fire is None:
            return None
        if is_workday is None or is_workday(fire.astimezone(tz).date()):
            return fire.astimezone(tz)
        hi = min(_day_start(fire, tz), fire) - _TICK  # look before that day
    return None


class WorkdayTrigger(BaseTrigger):
    """An APScheduler trigger that fires when `next_runs(trigger, …, is_workday)` says: so a running
    scheduler, `assistant jobs list` and the start-up catch-up (`due_since`) agree on the days,
    swapped working weekends included. Holds a callable, so for in-memory job stores only."""

    __slots__ = ("is_workday", "trigger")

    def __init__(self, trigger: CronTrigger, is_workday: WorkdayTest):
        self.trigger = trigger
        self.is_workday = is_workday

    @property
    def timezone(self) -> dt.tzinfo:
        return self.trigger.timezone

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
        start = now
        if previous_fire_time is not None:  # as CronTrigger does: never skip past a missed time
            start = min(_aware(now, self.timezone), _aware(previous_fire_time, self.timezone) + _TICK)
        runs = next_runs(self.trigger, start, 1, self.is_workday)
        return runs[0] if runs else None

    def __str__(self) -> str:
        return f"workdays[{self.trigger}]"

    def __repr__(self) -> str:
        return f"<WorkdayTrigger ({self.trigger!r})>"
