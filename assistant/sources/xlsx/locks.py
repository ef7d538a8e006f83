"""Lock files that say a local workbook is open: Excel/WPS owner files (~$name.xlsx) and
LibreOffice's (.~lock.name.xlsx#).

Write-back waits while one is there and never deletes it: only a person can know that nobody has
the file open. What we can tell them is how old the lock is. Excel and WPS remove their owner file
when they close the workbook; one left by a crash stays, and blocks write-back every day until
someone deletes it. So the message says when the lock was last modified, and a lock older than a
day is reported in the admin's notes (assistant/admin_notes.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from assistant.i18n import tr

STALE_AFTER = dt.timedelta(days=1)  # older than this: most likely left by a crash, not someone at work


@dataclass(frozen=True)
class Lock:
    path: Path
    modified: dt.datetime  # its modification time (aware, UTC)

    def age(self, now: dt.datetime | None = None) -> dt.timedelta:
        """How long ago it was last modified (never negative: a share's clock may run ahead)."""
        now = now or dt.datetime.now(dt.UTC)
        return max(now - self.modified, dt.timedelta(0))

    def stale(self, now: dt.datetime | None = None) -> bool:
        return self.age(now) > STALE_AFTER

    def when(self, tz: dt.tzinfo | None = None) -> str:
        """"2026-11-18 09:12（2 天前）": the modification time in the office's time zone, and the age."""
        local = self.modified.astimezone(tz)
        return tr("lock.when", time=f"{local:%Y-%m-%d %H:%M}", age=age_text(self.age()))


def lock_files(path: Path) -> list[Path]:
    """Lock files that say the workbook is open: Excel/WPS owner files and LibreOffice's lock."""
    name = path.name
    candidates = {f"~${name}", f"~${name[2:]}", f".~lock.{name}#", f".~{name}"}
    return [path.parent / c for c in sorted(candidates) if (path.parent / c).exists()]


def locks_of(path: Path) -> list[Lock]:
    """The lock files beside the workbook, with their modification times. One that is gone between
    the listing and the look at its time (its program closed the file) is left out."""
    out = []
    for lock in lock_files(path):
        try:
            mtime = lock.stat().st_mtime
        except OSError:
            continue
        out.append(Lock(lock, dt.datetime.fromtimestamp(mtime, dt.UTC)))
    return out


def age_text(age: dt.timedelta) -> str:
    """"40 分钟", "5 小时", "3 天": whole units, the largest that reads naturally."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return tr("lock.age.moments")
    if minutes < 60:
        return tr("lock.age.minutes", n=minutes)
    if minutes < 48 * 60:
        return tr("lock.age.hours", n=minutes // 60)
    return tr("lock.age.days", n=minutes // (24 * 60))
