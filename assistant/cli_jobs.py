"""`assistant run`, `assistant jobs list` and `assistant jobs run NAME` (docs/commands.md#assistant-run)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import click

from assistant.cli import Options, common, main, say
from assistant.cli_help import group_lang
from assistant.errors import UsageError
from assistant.i18n import tr
from assistant.outcome import Outcome, worst

_OUTCOMES = {Outcome.OK: "run.outcome.ok", Outcome.DATA_ERRORS: "run.outcome.data_errors",
             Outcome.PROBLEM: "run.outcome.problem", Outcome.ERROR: "run.outcome.error",
             Outcome.SKIPPED: "run.outcome.skipped"}


def _scheduler(opts: Options, today: dt.date | None = None):
    """The office's scheduler; with `today`, its clock reads that day (at the current time of day)."""
    from assistant.scheduler import Scheduler, setup_logging

    office = opts.office()  # config and schemas checked up front: a mistake is exit 2, not a log line
    setup_logging(office.config.state_dir, office.config.tz)
    tz = office.config.tz
    clock = (lambda: dt.datetime.combine(today, dt.datetime.now(tz).timetz())) if today else None
    return office, Scheduler(opts.config_path, clock=clock)


@main.command("run", help="help.run")
@click.option("--once", is_flag=True, help="help.opt.once")
@common
def run_cmd(opts: Options, once: bool) -> int:
    from assistant.scheduler import Lock

    office, sched = _scheduler(opts)
    with Lock(office.config.state_dir):
        if once:
            sched.report_uncertain()
            return _run_once(sched)
        sched.serve()
    return 0


def _run_once(sched) -> int:
    """The jobs due now, each said with its outcome; or that none is, and which one runs next."""
    due = sched.due()
    outcomes = [sched.run(job, fire) for job, fire in due]
    for (job, fire), outcome in zip(due, outcomes, strict=True):
        say(tr("run.ran", job=job.name, fire=f"{fire:%Y-%m-%d %H:%M}", outcome=tr(_OUTCOMES[outcome])))
    if not due:
        upcoming = sched.next_run()
        say(tr("run.nothing_due", job=upcoming[0], when=f"{upcoming[1]:%Y-%m-%d %H:%M}") if upcoming
            else tr("run.nothing_scheduled"))
    return worst(outcomes)


@main.group(help="help.jobs")
@group_lang
def jobs() -> None:
    pass


@jobs.command("list", help="help.jobs_list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="help.opt.format_jobs")
@common
def jobs_list(opts: Options, fmt: str) -> int:
    from assistant.scheduler import planned

    config = opts.office().config
    start = dt.datetime.combine(opts._today, dt.time(), config.tz) if opts._today else None
    plans = planned(config, start)
    if fmt == "json":
        click.echo(json.dumps([{"job": p.job, "cron": p.cron, "workdays_only": p.workdays_only,
                                "next_runs": [r.isoformat() for r in p.next_runs]} for p in plans],
                              ensure_ascii=False))
    else:
        for p in plans:  # the next five runs on a line of their own, the year only on the first: 80 columns
            nxt = tr("word.list_sep").join(f"{r:%Y-%m-%d %H:%M}" if n == 0 else f"{r:%m-%d %H:%M}"
                                           for n, r in enumerate(p.next_runs))
            click.echo(f"{p.job}  {p.words}  [{p.cron}]")
            click.echo(f"  {tr('jobs.next')}{nxt or '—'}")
    return 0


@jobs.command("run", help="help.jobs_run")
@click.argument("name")
@common
def jobs_run(opts: Options, name: str) -> int:
    from assistant.jobs import JOBS

    if name not in JOBS:
        from assistant.suggest import did_you_mean

        raise UsageError(tr("run.unknown_job", name=name, known=", ".join(JOBS)) + did_you_mean(name, JOBS))
    office, sched = _scheduler(opts, opts._today)  # --today: the date deadlines are counted from
    job = next((j for j in sched.jobs if j.name == name), None)
    if job is None and name not in office.config.jobs:  # an opt-in job without its table
        raise UsageError(tr("run.opt_in", name=name), hint=tr("run.opt_in_hint", name=name))
    if job is None:
        raise UsageError(tr("run.disabled", name=name))
    outcome: Outcome = sched.run(dataclasses.replace(job, workdays_only=False))  # asked for now: run it now
    return outcome.exit_code
