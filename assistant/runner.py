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
    from assistant.jobs import check

    return check.run(make_context(office, today, lang, register))


def run_flag(office: Office, today: dt.date, lang: str, register: str | None = None, dry_run: bool = False):
    from assistant.jobs import flag

    ctx = make_context(office, today, lang, register)
    ctx.dry_run = dry_run
    return flag.run(ctx)


def _sending(office: Office, today: dt.date, lang: str, job: str, force: bool, **options):
    """Run a job that sends, with one delivery (one SMTP connection) and the ledger, both closed after."""
    import importlib

    from assistant.delivery.mail import open_delivery
    from assistant.ledger import FILENAME, Ledger
    from assistant.sending import Sender

    ctx = make_context(office, today, lang, **options)
    ctx.dry_run = bool(options.get("dry_run"))
    config = office.config
    with Ledger(config.state_dir / FILENAME) as ledger, open_delivery(config) as delivery:
        ctx.sender = Sender(delivery, ledger, config.mail.allowed_domains, force)
        return importlib.import_module(f"assistant.jobs.{job}").run(ctx)


def run_digest(office: Office, today: dt.date, lang: str, force: bool = False, preview: bool = False,
               dry_run: bool = False):
    return _sending(office, today, lang, "digest", force, preview=preview, dry_run=dry_run)


def run_remind(office: Office, today: dt.date, lang: str, force: bool = False, dry_run: bool = False):
    return _sending(office, today, lang, "remind", force, dry_run=dry_run)


def run_named(config_path, name: str, today: dt.date):
    """One job by name, on the office as its files say now (the scheduler's runner: an admin's
    edit to the config or a schema applies from the next run, without a restart)."""
    from assistant.office import load_office

    office = load_office(config_path)
    lang = office.config.lang
    jobs = {"check": run_check, "flag": run_flag, "digest": run_digest, "remind": run_remind}
    return jobs[name](office, today, lang)
