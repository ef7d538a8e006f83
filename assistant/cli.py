"""The thin command line: parse options, call one library function, turn errors into exit codes.

Exit codes (docs/design.md §6): 0 all good, 1 the data has errors, 2 usage / config / schema / source.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from assistant import __version__
from assistant.config import resolve_config_path
from assistant.errors import AssistantError, SchemaError, UsageError
from assistant.i18n import set_lang, tr, using
from assistant.outcome import Outcome, worst
from assistant.text import visible

if TYPE_CHECKING:
    from assistant.office import Office

DEFAULT_TZ = "Asia/Shanghai"


def _parse_today(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(tr("cli.bad_today", value=value)) from None


def common(fn: Callable) -> Callable:
    """--config, --today and --lang, accepted after every command's name."""

    @click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                  help="assistant.toml (default: ./assistant.toml or $ASSISTANT_CONFIG)")
    @click.option("--today", callback=_parse_today, default=None, metavar="YYYY-MM-DD",
                  help="The date deadlines are counted from (default: today in the office time zone)")
    @click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of messages")
    @functools.wraps(fn)
    def wrapper(config: str | None, today: dt.date | None, lang: str | None, **kw):
        # The language holds for this command only (also in a long-lived process or a test run).
        with using(lang or "zh"):
            try:
                code = fn(Options(config, today, lang), **kw)
            except AssistantError as exc:
                _fail(exc)
                code = exc.exit_code
            except (KeyboardInterrupt, BrokenPipeError):
                code = 130
            except Exception:  # a bug of ours: one clear line, the traceback only on request
                click.echo(tr("cli.internal_error"), err=True)
                if os.environ.get("ASSISTANT_DEBUG"):
                    traceback.print_exc()
                code = 2
        sys.exit(code or 0)

    return wrapper


class Options:
    def __init__(self, config: str | None, today: dt.date | None, lang: str | None):
        self.config_path = resolve_config_path(config)
        self._today = today
        self.lang = lang

    def office(self) -> Office:
        from assistant.api import load_office

        office = load_office(self.config_path)
        if not self.lang:
            set_lang(office.config.lang)
            self.lang = office.config.lang
        return office

    def today(self, office: Office) -> dt.date:
        from assistant.api import today_of

        return self._today or today_of(office)


def say(text: str, err: bool = False) -> None:
    """One line for a person at a terminal: text from cells (in messages, notices, names) cannot
    move the cursor, recolour the screen or retitle the window (docs/design.md §6)."""
    click.echo(visible(text), err=err)


def _fail(exc: AssistantError) -> None:
    prefix = tr("cli.error")
    if isinstance(exc, SchemaError):
        say(tr("cli.schema_errors", n=len(exc.problems)), err=True)
        for p in exc.problems:
            say(f"  {p}", err=True)
    else:
        say(f"{prefix}{exc.message}", err=True)
    if exc.hint:
        say(f"{tr('cli.hint')}{exc.hint}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="assistant")
def main() -> None:
    """office-assistant: checks, flags and reports on a township office's shared spreadsheets."""


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist")
@common
def init(opts: Options, folder: Path, force: bool) -> int:
    """Create a working folder: config, schemas, a sample workbook, outbox."""
    from assistant.scaffold import init_folder

    init_folder(folder, force=force, today=opts._today or dt.datetime.now(ZoneInfo(DEFAULT_TZ)).date())
    click.echo(tr("init.done", folder=folder, config=folder / "assistant.toml"))
    return 0


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("office-demo"))
@common
def demo(opts: Options, folder: Path) -> int:
    """Run the whole cycle on a demo office folder (created if missing)."""
    from assistant.demo import run_demo

    run_demo(folder, today=opts._today, out=sys.stdout)
    return 0


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--register", "register", default=None, help="Only this register (its id, e.g. tasks)")
@common
def check(opts: Options, fmt: str, register: str | None) -> int:
    """Validate every register against its schema."""
    from assistant.api import check as run_check

    office = opts.office()
    result = run_check(office, opts.today(office), register=register, lang=opts.lang)
    if fmt == "json":
        from assistant.report import check_json

        for notice in result.notices:
            say(f"{tr('report.notice')}{notice}", err=True)
        click.echo(check_json(result.findings))
    else:
        from assistant.report import check_text

        check_text(result.findings, result.sheets, result.notices, sys.stdout)
    _say_problems(result)
    return result.exit_code


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--register", "register", default=None, help="Only this register (its id, e.g. tasks)")
@click.option("--dry-run", is_flag=True, help="Compute and print, but do not write into the workbooks")
@common
def flag(opts: Options, fmt: str, register: str | None, dry_run: bool) -> int:
    """Deadline statuses in working days, written back into the sheets."""
    from assistant.api import flag as run_flag
    from assistant.report import flag_json, flag_text

    office = opts.office()
    result = run_flag(office, opts.today(office), register=register, dry_run=dry_run, lang=opts.lang)
    if fmt == "json":
        for line in result.notices:
            say(f"{tr('report.notice')}{line}", err=True)
        click.echo(flag_json(result.items))
    else:
        flag_text(result, dry_run, sys.stdout)
    _say_problems(result)
    return result.exit_code


@main.command()
@click.argument("key")
@click.option("--register", "register", default=None, help="Only the item of this register (its id, e.g. tasks)")
@click.option("--workbook", "workbook", default=None, help="Only the item of this workbook (its name in assistant.toml)")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@common
def history(opts: Options, key: str, register: str | None, workbook: str | None, fmt: str) -> int:
    """One tracked item's timeline: each change of its status, as `flag` recorded it."""
    from assistant.timeline import item_timelines, timelines_json, timelines_text

    found = item_timelines(opts.office(), key, register=register, workbook=workbook)
    if fmt == "json":
        click.echo(timelines_json(found))
    else:
        timelines_text(found, sys.stdout)
    return 0


def _say_problems(result) -> None:
    """What a job went on after (a workbook not read or not written): on stderr, after its output; exit 2."""
    for problem in getattr(result, "problems", []):
        say(f"{tr('cli.error')}{problem}", err=True)


def _send_report(result, dry_run: bool) -> None:
    for notice in result.notices:
        say(f"{tr('report.notice')}{notice}", err=True)
    for outcome in result.outcomes:
        say(outcome.message(), err=outcome.failed)
    if dry_run:
        click.echo(tr("send.dry_run"))
    _say_problems(result)


_TO_HELP = "Only to this address (repeatable; any case): e.g. --force --to ADDRESS resends one uncertain send"


@main.command()
@click.option("--preview", is_flag=True, help="Write each recipient's digest as HTML and print the paths; send nothing")
@click.option("--force", is_flag=True, help="Send again even if this period's digest was already sent")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help=_TO_HELP)
@click.option("--dry-run", is_flag=True, help="Build the digests but send nothing")
@common
def digest(opts: Options, preview: bool, force: bool, to: tuple[str, ...], dry_run: bool) -> int:
    """Each leader's personal digest, sent once per period."""
    from assistant.api import digest as run_digest

    office = opts.office()
    result = run_digest(office, opts.today(office), force=force, to=to, preview=preview, dry_run=dry_run,
                        lang=opts.lang)
    for path in result.previews:
        say(tr("send.preview", path=path))
    _send_report(result, dry_run)
    return result.exit_code


@main.command()
@click.option("--force", is_flag=True, help="Send again even if today's reminders were already sent")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help=_TO_HELP)
@click.option("--dry-run", is_flag=True, help="Work out the reminders but send nothing")
@common
def remind(opts: Options, force: bool, to: tuple[str, ...], dry_run: bool) -> int:
    """Reminders to owners of items due soon or overdue; escalations to their leaders."""
    from assistant.api import remind as run_remind

    office = opts.office()
    result = run_remind(office, opts.today(office), force=force, to=to, dry_run=dry_run, lang=opts.lang)
    _send_report(result, dry_run)
    if not result.outcomes and not dry_run:
        click.echo(tr("send.nothing"))
    return result.exit_code


@main.command()
@click.argument("name")
@click.option("--period", default=None, metavar="PERIOD",
              help="week, month, quarter, last-week, last-month, last-quarter, or 2026-11, 2026-W48, 2026-Q4")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html", "xlsx"]), default="table")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The file to write (json, html, xlsx), or a folder for html: index.html and a page per township")
@click.option("--mail", is_flag=True, help="Mail it to every recipient now, as its job does (once per period)")
@click.option("--force", is_flag=True, help="With --mail: send again even if this period's report was already sent")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="With --mail: " + _TO_HELP)
@common
def report(opts: Options, name: str, period: str | None, fmt: str, output: Path | None, mail: bool, force: bool,
           to: tuple[str, ...]) -> int:
    """A report leaders act on: staffing, bulletin, quota, district."""
    from assistant.api import report as build_report
    from assistant.api import report_kind, run_job
    from assistant.reports.output import write

    office = opts.office()
    if mail:
        report_kind(name)  # an unknown name: the report's own message, with "did you mean"
        result = run_job(office, f"report_{name}", opts.today(office), lang=opts.lang, force=force, to=to,
                         period=period)
        _send_report(result, False)
        return result.exit_code
    with _progress(len(office.config.workbooks)) as step:
        built = build_report(office, name, period, opts.today(office), lang=opts.lang, progress=step)
    for notice in built.notices:
        say(f"{tr('report.notice')}{notice}", err=True)
    for path in write(built, fmt, output, sys.stdout):
        say(tr("reports.written", path=path), err=True)
    return Outcome.PROBLEM.exit_code if built.unreadable else Outcome.OK.exit_code


@contextlib.contextmanager
def _progress(total: int):
    """A progress line on stderr for a run over many workbooks, when stderr is a terminal. Drawn
    only when a workbook is done (no refresh thread: workbooks may go to worker processes, which
    are only forked while no other thread runs)."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(auto_refresh=False, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(tr("reports.progress"), total=total)

        def step(done: int, _total: int, workbook: str) -> None:
            bar.update(task, completed=done, description=visible(workbook))
            bar.refresh()

        yield step


def _scheduler(opts: Options, today: dt.date | None = None):
    """The office's scheduler; with `today`, its clock reads that day (at the current time of day)."""
    from assistant.scheduler import Scheduler, setup_logging

    office = opts.office()  # config and schemas checked up front: a mistake is exit 2, not a log line
    setup_logging(office.config.state_dir)
    tz = office.config.tz
    clock = (lambda: dt.datetime.combine(today, dt.datetime.now(tz).timetz())) if today else None
    return office, Scheduler(opts.config_path, clock=clock)


@main.command("run")
@click.option("--once", is_flag=True, help="Run the jobs that are due now and exit (for cron or systemd timers)")
@common
def run_cmd(opts: Options, once: bool) -> int:
    """Keep the office going: run every job on its schedule until stopped."""
    from assistant.scheduler import Lock

    office, sched = _scheduler(opts)
    with Lock(office.config.state_dir):
        if once:
            sched.report_uncertain()
            return worst(sched.run_due())
        sched.serve()
    return 0


@main.group()
def jobs() -> None:
    """The scheduled jobs: list them, run one now."""


@jobs.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@common
def jobs_list(opts: Options, fmt: str) -> int:
    """Each job, its schedule in words and its next five run times."""
    from assistant.scheduler import planned

    config = opts.office().config
    start = dt.datetime.combine(opts._today, dt.time(), config.tz) if opts._today else None
    plans = planned(config, start)
    if fmt == "json":
        click.echo(json.dumps([{"job": p.job, "cron": p.cron, "workdays_only": p.workdays_only,
                                "next_runs": [r.isoformat() for r in p.next_runs]} for p in plans],
                              ensure_ascii=False))
    else:
        for p in plans:
            nxt = tr("word.list_sep").join(f"{r:%Y-%m-%d %H:%M}" for r in p.next_runs[:3])
            click.echo(f"{p.job:<8}{p.words}  [{p.cron}]  {tr('jobs.next')}{nxt}")
    return 0


@jobs.command("run")
@click.argument("name")
@common
def jobs_run(opts: Options, name: str) -> int:
    """Run one job now (recorded in the ledger like a scheduled run)."""
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


@main.group()
def schema() -> None:
    """Register schemas: lint, export."""


@schema.command("lint")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@common
def schema_lint(opts: Options, files: tuple[Path, ...]) -> int:
    """Check schema files (default: the office's schema folder)."""
    from assistant.schema.loader import lint_files, office_schema_files

    if files:
        paths = list(files)
    else:
        from assistant.config import load_config

        paths = office_schema_files(load_config(opts.config_path).schemas_dir)
    registers, problems = lint_files(paths)
    if problems:
        raise SchemaError(problems)
    click.echo(tr("lint.ok", n=len(paths), registers=", ".join(registers)))
    return 0


@schema.command("export")
@click.argument("register")
@common
def schema_export(opts: Options, register: str) -> int:
    """Print a register's schema as Frictionless Table Schema JSON."""
    from assistant.schema.export import table_schema

    office = opts.office()
    click.echo(json.dumps(table_schema(office.register(register)), ensure_ascii=False, indent=2))
    return 0


from assistant import cli_robots  # noqa: E402,F401  (registers `assistant robots …` on main)
