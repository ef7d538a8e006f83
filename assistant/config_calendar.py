"""[calendar] of assistant.toml and its optional file: the admin's holidays and working days, which
win over the official calendar (docs/config.md#calendar).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.i18n import tr

if TYPE_CHECKING:
    from assistant.config import _Reader


@dataclass(frozen=True)
class CalendarConfig:
    """Admin overrides of the working-day calendar ([calendar] plus its optional file)."""

    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)
    file: Path | None = None


def read_calendar(r: _Reader, data: Any) -> CalendarConfig:
    from assistant.config import read_toml  # that module imports this one

    t = r.table(data, "calendar", ["holidays", "workdays", "file"])
    holidays, workdays = read_days(r, t, "calendar")
    name = r.get(t, "file", "calendar", str)
    if name is None:
        return CalendarConfig(holidays, workdays)
    path = (r.path.parent / name).resolve()
    if not path.is_file():
        raise r.fail("calendar.file", tr("config.calendar_file_missing", path=path))
    reader = type(r)(path)  # problems in the file name the file, not assistant.toml
    f_holidays, f_workdays = read_days(reader, reader.table(read_toml(path), "", ["holidays", "workdays"]), "")
    # The config's own tables are the more local word: they win over the shared file.
    holidays = {d: n for d, n in f_holidays.items() if d not in workdays} | holidays
    workdays = {d: n for d, n in f_workdays.items() if d not in holidays} | workdays
    return CalendarConfig(holidays, workdays, path)

def read_days(r: _Reader, t: dict, where: str) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """The `holidays` and `workdays` tables of `t`: "YYYY-MM-DD" = "note"."""
    out: list[dict[dt.date, str]] = []
    for kind in ("holidays", "workdays"):
        full = f"{where}.{kind}" if where else kind
        days = r.get(t, kind, where, dict, {})
        parsed: dict[dt.date, str] = {}
        for k, v in days.items():
            if not isinstance(v, str):
                raise r.fail(f'{full}."{k}"', tr("config.calendar_form"))
            day = _iso_date(k)
            if day is None:
                raise r.fail(f'{full}."{k}"', tr("config.calendar_bad_date"))
            parsed[day] = v
        out.append(parsed)
    holidays, workdays = out
    for day in sorted(holidays.keys() & workdays.keys()):
        key = f"{where}.workdays" if where else "workdays"
        raise r.fail(f'{key}."{day.isoformat()}"', tr("config.calendar_both"))
    return holidays, workdays


def _iso_date(text: str) -> dt.date | None:
    # fromisoformat alone also takes 20270208 and week dates; the file should say one thing.
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
