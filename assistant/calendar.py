"""Working days of China's official calendar: statutory holidays and swapped working days (调休),
with the admin's overrides from `[calendar]` on top (docs/design.md §6).

Years the `chinesecalendar` package knows are exact. Other years are estimated from the `holidays`
package's China calendar (statutory holidays, no swapped working days) or, without it, from
weekends alone; the calendar remembers which years it estimated so a run can say so once.

Everything is vectorised: a boolean working-day mask over whole years, summed once; a count of
working days between two dates is then a difference of two entries of that sum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from assistant.i18n import tr

if TYPE_CHECKING:
    from assistant.config import Config

MODES = ("official", "weekdays")
_THURSDAY = 3  # 1970-01-01, day number 0, was a Thursday (Monday = 0)


def _day_numbers(dates: Iterable[dt.date]) -> np.ndarray:
    """Dates as days since 1970-01-01."""
    return np.array(sorted(dates), dtype="datetime64[D]").astype(np.int64)


def _day_number(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


@lru_cache(maxsize=1)
def _official() -> tuple[range, np.ndarray, np.ndarray] | None:
    """The years chinesecalendar covers, its holidays and its swapped working days (day numbers)."""
    try:
        import chinese_calendar as cc
    except ImportError:
        return None
    # The package's own rule for what it supports: the years its holiday table spans.
    years = range(min(cc.holidays).year, max(cc.holidays).year + 1)
    return years, _day_numbers(cc.holidays), _day_numbers(cc.workdays)


@lru_cache(maxsize=32)
def _estimated_holidays(years: tuple[int, ...]) -> np.ndarray | None:
    """Statutory holidays (observed days included) of `years` from the holidays package, if any."""
    try:
        import holidays
    except ImportError:
        return None
    return _day_numbers(holidays.China(years=years))


def _put(mask: np.ndarray, first: int, days: np.ndarray, value: bool) -> None:
    """Set mask entries for the day numbers in `days` that fall inside the mask."""
    idx = days - first
    mask[idx[(idx >= 0) & (idx < mask.size)]] = value


def _years_text(years: Iterable[int]) -> str:
    """2027 / 2027–2029 / 2027、2031: runs of consecutive years shortened."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return tr("word.list_sep").join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


class WorkCalendar:
    """Which days are working days, and how many lie between two dates."""

    def __init__(self, mode: str = "official", holidays: dict[dt.date, str] | None = None,
                 workdays: dict[dt.date, str] | None = None):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.holidays = dict(holidays or {})
        self.workdays = dict(workdays or {})
        # A year the admin said anything about is taken as the admin's word, not an estimate.
        self._given_years = {d.year for d in (*self.holidays, *self.workdays)}
        self._estimated: set[int] = set()
        self._basis = "holidays"
        self._first = 0  # day number of _mask[0]
        self._mask = np.zeros(0, dtype=bool)
        self._count = np.zeros(0, dtype=np.int64)  # _count[i]: working days up to and including day i

    @classmethod
    def from_config(cls, config: Config) -> WorkCalendar:
        return cls(config.workdays, config.calendar.holidays, config.calendar.workdays)

    @property
    def estimated_years(self) -> frozenset[int]:
        """Years met so far whose working days are estimated."""
        return frozenset(self._estimated)

    @property
    def basis(self) -> str:
        """What estimated years rest on: "holidays" (the holidays package) or "weekends" only."""
        return self._basis

    def absorb(self, years: frozenset[int], basis: str) -> None:
        """Years another calendar (a worker process's) met estimated, so `notice` names them too."""
        self._estimated |= years
        if basis == "weekends":
            self._basis = basis

    def notice(self) -> str | None:
        """The warning that some years are estimated and how to fix that; None when none are."""
        if not self._estimated:
            return None
        return tr("calendar.estimated", years=_years_text(self._estimated), basis=tr(f"calendar.basis.{self._basis}"))

    def is_workday(self, day: dt.date) -> bool:
        n = _day_number(day)
        self._cover(n, n)
        return bool(self._mask[n - self._first])

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end; negative (those with end < d ≤ start) when end < start."""
        a, b = _day_number(start), _day_number(end)
        self._cover(min(a, b), max(a, b))
        return int(self._count[b - self._first] - self._count[a - self._first])

    def days_left(self, due: pd.Series, today: dt.date) -> pd.Series:
        """Working days from `today` to each due date (docs/design.md §6): W(due) − W(today), where W(x) counts
        working days up to x. Nullable Int64, NA where due is NaT; times of day are ignored."""
        days = np.asarray(pd.to_datetime(due), dtype="datetime64[D]")
        ok = ~np.isnat(days)
        n = days.astype(np.int64)
        out = np.zeros(len(days), dtype=np.int64)
        if ok.any():
            t = _day_number(today)
            self._cover(min(int(n[ok].min()), t), max(int(n[ok].max()), t))
            out[ok] = self._count[n[ok] - self._first] - self._count[t - self._first]
        return pd.Series(pd.arrays.IntegerArray(out, ~ok), index=due.index, name="days_left")

    def add_workdays(self, start: pd.Series, n: np.ndarray) -> pd.Series:
        """start + n working days for each row (the n-th working day after start; n ≥ 0, start
        itself not counted), NaT where start is NaT or n is negative. Vectorised: the working-day
        count just before the target equals count(start) + n − 1, found by one searchsorted."""
        days = np.asarray(pd.to_datetime(start), dtype="datetime64[D]")
        n = np.asarray(n, dtype=np.int64)
        ok = ~np.isnat(days) & (n >= 0)
        out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
        if ok.any():
            s = days[ok].astype(np.int64)
            span = 2 * int(n[ok].max()) + 14  # calendar days enough for n working days, usually
            self._cover(int(s.min()), int(s.max()) + span)
            target = self._count[s - self._first] + n[ok]
            while target.max() > self._count[-1] and span < 3660:  # a long holiday ran past the end
                span *= 2
                self._cover(int(s.min()), int(s.max()) + span)
                target = self._count[s - self._first] + n[ok]
            idx = np.searchsorted(self._count, target, side="left")
            found = np.where(n[ok] == 0, s - self._first, idx) + self._first
            # beyond ten years of days off (an admin's calendar could say so): no date rather than a wrong one
            out[ok] = np.where(target <= self._count[-1], found, np.iinfo(np.int64).min).astype("datetime64[D]")
        return pd.Series(out.astype("datetime64[ns]"), index=start.index)

    # --- the mask ---------------------------------------------------------------------------------

    def _cover(self, lo: int, hi: int) -> None:
        """Make the mask span the whole years holding day numbers lo..hi (and what it spanned)."""
        last = self._first + self._mask.size - 1
        if self._mask.size and self._first <= lo and hi <= last:
            return
        if self._mask.size:
            lo, hi = min(lo, self._first), max(hi, last)
        y0 = int(np.datetime64(lo, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
        y1 = int(np.datetime64(hi, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
        first, end = _day_number(dt.date(y0, 1, 1)), _day_number(dt.date(y1 + 1, 1, 1))
        mask = (np.arange(first, end) + _THURSDAY) % 7 < 5
        if self.mode == "official":
            self._official_days(mask, first, range(y0, y1 + 1))
        # The admin's word beats any library.
        _put(mask, first, _day_numbers(self.holidays), False)
        _put(mask, first, _day_numbers(self.workdays), True)
        self._first, self._mask, self._count = first, mask, np.cumsum(mask, dtype=np.int64)

    def _official_days(self, mask: np.ndarray, first: int, years: range) -> None:
        known = _official()
        known_years = known[0] if known else range(0)
        if known:
            _put(mask, first, known[1], False)
            _put(mask, first, known[2], True)
        guessed = tuple(y for y in years if y not in known_years)
        if not guessed:
            return
        estimate = _estimated_holidays(guessed)
        if estimate is None:
            self._basis = "weekends"
        else:
            _put(mask, first, estimate, False)
        self._estimated |= set(guessed) - self._given_years
