"""The library under the CLI: load an office, then run its jobs; each returns a typed result.

    office = load_office("assistant.toml")
    result = check(office)                     # CheckResult: findings, counts, outcome, exit_code
    flagged = flag(office, dry_run=True)       # FlagResult: items (the JSON contract), written
    sent = digest(office)                      # DigestResult: one SendOutcome per recipient

Every CLI command is a thin wrapper over these. The scheduler runs jobs through `run_job` too, so
a scheduled run and a command behave alike: the same sources, the same ledger, the same language
(the office's `[office] lang`, unless `lang` is given). Jobs never build their own clients: the
sources, the delivery and the ledger are made here and closed after the job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from assistant.context import JobContext
from assistant.errors import UsageError
from assistant.i18n import tr, using
from assistant.office import Office
from assistant.office import load_office as _load_office
from assistant.outcome import JobResult
from assistant.sources import open_source
from assistant.suggest import did_you_mean

if TYPE_CHECKING:
    from assistant.config_robots import RobotConfig
    from assistant.jobs.check import CheckResult
    from assistant.jobs.digest import DigestResult
    from assistant.jobs.flag import FlagResult
    from assistant.jobs.remind import RemindResult
    from assistant.reports.base import Progress, ReportKind
    from assistant.reports.model import Report
    from assistant.robots.platforms import Answer


def load_office(config_path: str | Path) -> Office:
    """The office described by an `assistant.toml`: its config and register schemas, checked."""
    return _load_office(Path(config_path))


def today_of(office: Office) -> dt.date:
    """Today in the office's time zone (the default clock for deadlines)."""
    return dt.datetime.now(office.config.tz).date()


def make_context(office: Office, today: dt.date, lang: str, register: str | None = None,
                 dry_run: bool = False, **options: object) -> JobContext:
    """What a job is handed: the office, a source per workbook, the clock. No sender here."""
    if register is not None:
        office.register(register)  # an unknown id fails here, with a hint
    sources = {wb.name: open_source(wb, office.config) for wb in office.config.workbooks}
    return JobContext(office=office, sources=sources, today=today, lang=lang,
                      only={register} if register else None, dry_run=dry_run, options=dict(options))


def run_job(office: Office, name: str, today: dt.date | None = None, *, lang: str | None = None,
            **options: object) -> JobResult:
    """Run the job `name` (see `assistant.jobs.JOBS`) with the options it takes."""
    from assistant.jobs import JOBS

    spec = JOBS.get(name)
    if spec is None:
        raise UsageError(tr("run.unknown_job", name=name, known=", ".join(JOBS)) + did_you_mean(name, JOBS))
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - set(spec.options))
    if unknown:
        raise UsageError(tr("run.unknown_option", job=name, options=", ".join(unknown),
                            known=", ".join(spec.options) or "-"))
    lang = lang or office.config.lang
    # The language holds in this thread for this job: a scheduled run in a worker thread speaks
    # the office's language like a command does.
    with using(lang):
        force = bool(given.pop("force", False))  # the sender's, not the job's
        raw_to = given.pop("to", ())  # --to: only these addresses
        to = (raw_to,) if isinstance(raw_to, str) else tuple(cast("Iterable[str]", raw_to))
        register = given.pop("register", None)
        ctx = make_context(office, today or today_of(office), lang, str(register) if register else None,
                           dry_run=bool(given.pop("dry_run", False)), **given)
        if not spec.sends:
            return spec.run(ctx)
        from assistant.delivery import open_delivery
        from assistant.ledger import FILENAME, Ledger
        from assistant.sending import Sender

        config = office.config
        with Ledger(config.state_dir / FILENAME) as ledger, open_delivery(config) as delivery:
            ctx.sender = Sender(delivery, ledger, config.mail.allowed_domains, force, to)
            if config.robots and not to:  # --to names mail addresses: a run for them posts nothing
                from assistant.robots.poster import RobotPoster

                ctx.robots = RobotPoster(config.robots, config.robots_policy, ledger, force=force)
                ctx.robots.for_job(name)  # a webhook on a host not allowed stops the job before any send
            return spec.run(ctx)


def check(office: Office, today: dt.date | None = None, *, register: str | None = None,
          lang: str | None = None) -> CheckResult:
    """Validate every register (or one) against its schema. Nothing is written or sent."""
    return cast("CheckResult", run_job(office, "check", today, lang=lang, register=register))


def flag(office: Office, today: dt.date | None = None, *, register: str | None = None, dry_run: bool = False,
         lang: str | None = None) -> FlagResult:
    """Deadline statuses in working days, written back into the sheets unless `dry_run`."""
    return cast("FlagResult", run_job(office, "flag", today, lang=lang, register=register, dry_run=dry_run))


def digest(office: Office, today: dt.date | None = None, *, force: bool = False, to: Iterable[str] = (),
           preview: bool = False, dry_run: bool = False, lang: str | None = None) -> DigestResult:
    """Each recipient's digest, once per period (`force` sends again; `to` only to these addresses;
    `preview` writes HTML files; `dry_run` sends nothing and says in `plan` what would be sent)."""
    return cast("DigestResult", run_job(office, "digest", today, lang=lang, force=force, to=tuple(to),
                                        preview=preview, dry_run=dry_run))


def remind(office: Office, today: dt.date | None = None, *, force: bool = False, to: Iterable[str] = (),
           preview: bool = False, dry_run: bool = False, lang: str | None = None) -> RemindResult:
    """Reminders to owners of items due soon or overdue, escalations to leaders, once per item per day
    (`force` sends again; `to` only to these addresses; `preview` writes HTML files; `dry_run`
    sends nothing and says in `plan` what would be sent)."""
    return cast("RemindResult", run_job(office, "remind", today, lang=lang, force=force, to=tuple(to),
                                        preview=preview, dry_run=dry_run))


def report(office: Office, name: str, period: str | None = None, today: dt.date | None = None, *,
           lang: str | None = None, progress: Progress | None = None) -> Report:
    """The report `name` (staffing, bulletin, quota, district; docs/reports.md) over `period`
    (week, month, quarter, last-week, …, 2026-11, 2026-W48, 2026-Q4; each report has a default),
    for every workbook of the office. `progress(done, total, workbook)` is called after each
    workbook. Nothing is written or sent."""
    from assistant.reports import build
    from assistant.reports.period import parse_period

    kind = report_kind(name)
    lang = lang or office.config.lang
    with using(lang):
        day = today or today_of(office)
        ctx = make_context(office, day, lang)
        return build(ctx, name, parse_period(period or kind.default_period, day), progress)


def report_kind(name: str) -> ReportKind:
    """The report kind called `name`; UsageError with "did you mean" for an unknown one."""
    from assistant.reports import REPORTS

    if name not in REPORTS:
        raise UsageError(tr("reports.unknown", name=name, known=", ".join(REPORTS)) + did_you_mean(name, REPORTS))
    return REPORTS[name]


def robot_test(office: Office, robot: RobotConfig) -> Answer:
    """Post a short test message to `robot` now (not through the ledger): the platform's answer.
    ConfigError when its environment variables are unset or its URL's host is not allowed."""
    from assistant.ledger import FILENAME, Ledger
    from assistant.robots.poster import RobotPoster

    config = office.config
    with using(config.lang), Ledger(config.state_dir / FILENAME) as ledger:  # the rate limit is shared
        return RobotPoster(config.robots, config.robots_policy, ledger).test(robot)
