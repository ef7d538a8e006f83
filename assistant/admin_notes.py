"""The admin's notes: what the office's admin (`[office] admin_email`) reads at the top of their
digest besides the items — workbooks that could not be read this time, and lock files that have
kept write-back out of a workbook for more than a day.

Only a recipient whose address is the admin's gets them: an admin who is not one of the
`[[recipients]]` gets no digest, and nothing more is sent for the notes (docs/config.md).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from assistant.errors import SourceError
from assistant.i18n import get_lang, tr
from assistant.office import read_workbook

if TYPE_CHECKING:
    from assistant.config import Config
    from assistant.context import JobContext
    from assistant.judge import Judgement, Unreadable


def is_admin(config: Config, email: str) -> bool:
    """Whether `email` is the office's admin address (any case, spaces around ignored)."""
    admin = (config.admin_email or "").strip().lower()
    return bool(admin) and email.strip().lower() == admin


def admin_notes(j: Judgement, ctx: JobContext, now: dt.datetime | None = None) -> list[str]:
    """The notes, in the current language: each unreadable workbook (why, and what to do), then each
    lock file older than a day beside a workbook (when it was last modified; that it may be deleted
    once nobody has the file open — we never delete it)."""
    config = ctx.office.config
    notes = []
    for u in j.unreadable:
        reason, hint = _in_reader_language(u, ctx)
        notes.append(tr("admin.unreadable", workbook=u.workbook, reason=reason) + (tr("admin.hint", hint=hint) if hint else ""))
    for wb in config.workbooks:
        source = ctx.sources.get(wb.name)
        locks = getattr(source, "locks", None)  # local files only: a Google spreadsheet has no lock files
        if locks is None:
            continue
        notes += [tr("admin.stale_lock", workbook=wb.name, lock=lock.path.name, when=lock.when(config.tz))
                  for lock in locks() if lock.stale(now)]
    return notes


def _in_reader_language(u: Unreadable, ctx: JobContext) -> tuple[str, str | None]:
    """Why the workbook could not be read, in the reader's language. The source said it in the run's;
    for a reader of another language the workbook is opened once more to say it again (it fails as
    fast as it did). If it reads now after all, the run's words are kept: they are what happened."""
    wb = next((w for w in ctx.office.config.workbooks if w.name == u.workbook), None)
    if u.lang == get_lang() or wb is None:
        return u.reason, u.hint
    source = ctx.sources[wb.name]
    try:
        read_workbook(ctx.office, wb, source)
    except SourceError as exc:
        return exc.message, exc.hint
    finally:
        source.refresh()
    return u.reason, u.hint
