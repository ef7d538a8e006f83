"""Report periods: a week, a month or a quarter, named as people name them.

    week | month | quarter                  the one holding today, up to today
    last-week | last-month | last-quarter    the one before it, whole
    2026-11 | 2026-W48 | 2026-Q4             that one (up to today when it holds today)
    2025-01..2026-12                          from the first day of one to the last of the other

Weeks are ISO weeks (Monday to Sunday), as the official calendar prints them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from assistant.errors import UsageError
from assistant.i18n import tr

KEYWORDS = ("week", "month", "quarter", "last-week", "last-month", "last-quarter")


@dataclass(frozen=True)
class Period:
    kind: str  # "week" | "month" | "quarter" | "range"
    start: dt.date  # first day
    end: dt.date  # last day of the whole period (may lie after today)

    @property
    def code(self) -> str:
        """The canonical name: 2026-W48, 2026-11, 2026-Q4 (the ledger's period key, file names)."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "range":
            return f"{self.start.isoformat()}..{self.end.isoformat()}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    def label(self) -> str:
        """As a reader says it, in the current language: 2026年第48周（11月23日—11月29日）."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return tr("period.iso_week", year=year, week=week, sm=self.start.month, sd=self.start.day,
                      em=self.end.month, ed=self.end.day)
        if self.kind == "month":
            return tr("period.month", y=self.start.year, m=self.start.month)
        if self.kind == "range":
            return tr("period.range", start=self.start.isoformat(), end=self.end.isoformat())
        return tr("period.quarter", y=self.start.year, q=(self.start.month - 1) // 3 + 1)

    def until(self, today: dt.date) -> dt.date:
        """The last day counted: the period's end, or today when the period is still running."""
        return min(self.end, today)

    def previous(self) -> Period:
        """The period just before, of the same kind (a range: as many days, ending the day before)."""
        if self.kind == "range":
            return Period("range", self.start - (self.end - self.start) - dt.timedelta(days=1),
                          self.start - dt.timedelta(days=1))
        return containing(self.kind, self.start - dt.timedelta(days=1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def containing(kind: str, day: dt.date) -> Period:
    """The week, month or quarter holding `day`."""
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period("week", start, start + dt.timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        return Period("month", start, _next_month(start) - dt.timedelta(days=1))
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    end = _next_month(_next_month(_next_month(start))) - dt.timedelta(days=1)
    return Period("quarter", start, end)


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def parse_period(text: str, today: dt.date) -> Period:
    """A period from its name (module docstring); UsageError saying what is accepted otherwise."""
    t = text.strip()
    if ".." in t:
        first, _, last = t.partition("..")
        a, b = parse_period(first, today), parse_period(last, today)
        if b.end < a.start:
            raise UsageError(tr("period.backwards", period=text), hint=tr("period.hint"))
        return Period("range", a.start, b.end)
    if t in ("week", "month", "quarter"):
        return containing(t, today)
    if t.startswith("last-") and t[5:] in ("week", "month", "quarter"):
        return containing(t[5:], today).previous()
    try:
        if m := _MONTH.match(t):
            return containing("month", dt.date(int(m[1]), int(m[2]), 1))
        if m := _WEEK.match(t):
            return containing("week", dt.date.fromisocalendar(int(m[1]), int(m[2]), 1))
        if m := _QUARTER.match(t):
            return containing("quarter", dt.date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1))
    except ValueError:  # month 13, week 54
        pass
    raise UsageError(tr("period.unknown", period=text), hint=tr("period.hint"))
