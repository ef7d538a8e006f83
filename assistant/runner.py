"""Build a job's context (sources, clock) and run the job. The CLI and the scheduler come here;
jobs themselves never construct clients."""

from __future__ import annotations

import datetime as dt

from assistant.context import JobContext
from assistant.office import Office
from assistant.sources import open_source


def make_context(office: Office, today: dt.date, lang: str, register: str | None = None, **options) -> JobContext:
    if register is not None:
        office.register(register)  # an unknown id fails here, with a hint
    sources = {wb.name: open_source(wb, office.config) for wb in office.config.workbooks}
    return JobContext(office=office, sources=sources, today=today, lang=lang,
                      only={register} if register else None, options=options)


def run_check(office: Office, today: dt.date, lang: str, register: str | None = None):
    from jobs import check

    return check.run(make_context(office, today, lang, register))


def run_flag(office: Office, today: dt.date, lang: str, register: str | None = None, dry_run: bool = False):
    from jobs import flag

    ctx = make_context(office, today, lang, register)
    ctx.dry_run = dry_run
    return flag.run(ctx)
