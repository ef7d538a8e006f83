"""The thin command line: parse options, call one library function, turn errors into exit codes.

Exit codes (docs/design.md §6): 0 all good, 1 the data has errors, 2 usage / config / schema / source.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from assistant import __version__
from assistant.cli_help import LANG_KEY, RootGroup, group_lang
from assistant.config import resolve_config_path
from assistant.errors import AssistantError, SchemaError, UsageError
from assistant.i18n import set_lang, tr, using
from assistant.outcome import Outcome
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

    @click.option("--config", "config", type=click.Path(dir_okay=False), default=None, help="help.opt.config")
    @click.option("--today", callback=_parse_today, default=None, metavar="YYYY-MM-DD", help="help.opt.today")
    @click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="help.opt.lang")
    @functools.wraps(fn)
    def wrapper(config: str | None, today: dt.date | None, lang: str | None, **kw):
        lang = lang or click.get_current_context().meta.get(LANG_KEY)  # or a group's: assistant --lang en check
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
            finally:
                from assistant import prefetch

                prefetch.forget()  # a read begun for a command that stopped before it
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


def notices(lines: list[str]) -> None:
    """Notices (an estimated calendar year, a register no workbook holds) go to stderr, whatever
    the format: stdout is the result."""
    for line in lines:
        say(f"{tr('report.notice')}{line}", err=True)


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


@click.group(cls=RootGroup, help="help.main", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="assistant", help="help.opt.version")
@group_lang
def main() -> None:
    pass


@main.command(help="help.init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="help.opt.force_init")
@common
def init(opts: Options, folder: Path, force: bool) -> int:
    from assistant.scaffold import init_folder

    init_folder(folder, force=force, today=opts._today or dt.datetime.now(ZoneInfo(DEFAULT_TZ)).date())
    click.echo(tr("init.done", folder=folder, config=folder / "assistant.toml"))
    return 0


@main.command(help="help.demo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("office-demo"))
@common
def demo(opts: Options, folder: Path) -> int:
    from assistant.demo import run_demo

    run_demo(folder, today=opts._today, out=sys.stdout, err=sys.stderr)
    return 0


@main.command(help="help.check")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="help.opt.format_check")
@click.option("--register", "register", default=None, help="help.opt.register")
@common
def check(opts: Options, fmt: str, register: str | None) -> int:
    from assistant import prefetch

    prefetch.start(opts.config_path, register)  # the sheet is parsed while the checks load
    from assistant.api import check as run_check

    office = opts.office()
    result = run_check(office, opts.today(office), register=register, lang=opts.lang)
    notices(result.notices)
    if fmt == "json":
        from assistant.report import check_json

        click.echo(check_json(result.findings))
    else:
        from assistant.report import check_text

        check_text(result.findings, result.sheets, sys.stdout)
    _say_problems(result)
    return result.exit_code


@main.command(help="help.flag")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="help.opt.format_flag")
@click.option("--register", "register", default=None, help="help.opt.register")
@click.option("--dry-run", is_flag=True, help="help.opt.dry_run_flag")
@common
def flag(opts: Options, fmt: str, register: str | None, dry_run: bool) -> int:
    from assistant import prefetch

    prefetch.start(opts.config_path, register)  # the sheet is parsed while the checks load
    from assistant.api import flag as run_flag
    from assistant.report import flag_json, flag_text

    office = opts.office()
    result = run_flag(office, opts.today(office), register=register, dry_run=dry_run, lang=opts.lang)
    notices(result.notices)
    if fmt == "json":
        click.echo(flag_json(result.items))
    else:
        flag_text(result, dry_run, sys.stdout)
    _say_problems(result)
    return result.exit_code


@main.command(help="help.history")
@click.argument("key")
@click.option("--register", "register", default=None, help="help.opt.register_history")
@click.option("--workbook", "workbook", default=None, help="help.opt.workbook")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", help="help.opt.format_history")
@common
def history(opts: Options, key: str, register: str | None, workbook: str | None, fmt: str) -> int:
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


def _send_report(result, dry_run: bool, fmt: str = "text") -> None:
    """What a job that sends did (stderr for a failure), or in a dry run what it would do."""
    notices(result.notices)
    for path in getattr(result, "previews", []):
        say(tr("send.preview", path=path))
    for outcome in result.outcomes:
        say(outcome.message(), err=outcome.failed)
    plan = getattr(result, "plan", None)
    if plan is not None and fmt == "json":
        click.echo(plan.to_json())
    elif plan is not None:
        from assistant.rehearsal import plan_lines

        for line in plan_lines(plan):
            say(line)
    elif dry_run:
        click.echo(tr("send.dry_run"))
    _say_problems(result)


def _json_needs_dry_run(fmt: str, dry_run: bool) -> None:
    if fmt == "json" and not dry_run:
        raise UsageError(tr("plan.json_only_dry_run"), hint=tr("plan.json_only_dry_run_hint"))


@main.command(help="help.digest")
@click.option("--preview", is_flag=True, help="help.opt.preview_digest")
@click.option("--force", is_flag=True, help="help.opt.force_digest")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="help.opt.to")
@click.option("--dry-run", is_flag=True, help="help.opt.dry_run_send")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="help.opt.format_send")
@common
def digest(opts: Options, preview: bool, force: bool, to: tuple[str, ...], dry_run: bool, fmt: str) -> int:
    from assistant.api import digest as run_digest

    _json_needs_dry_run(fmt, dry_run)
    office = opts.office()
    result = run_digest(office, opts.today(office), force=force, to=to, preview=preview, dry_run=dry_run,
                        lang=opts.lang)
    _send_report(result, dry_run, fmt)
    return result.exit_code


@main.command(help="help.remind")
@click.option("--preview", is_flag=True, help="help.opt.preview_remind")
@click.option("--force", is_flag=True, help="help.opt.force_remind")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="help.opt.to")
@click.option("--dry-run", is_flag=True, help="help.opt.dry_run_send")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="help.opt.format_send")
@common
def remind(opts: Options, preview: bool, force: bool, to: tuple[str, ...], dry_run: bool, fmt: str) -> int:
    from assistant.api import remind as run_remind

    _json_needs_dry_run(fmt, dry_run)
    office = opts.office()
    result = run_remind(office, opts.today(office), force=force, to=to, preview=preview, dry_run=dry_run,
                        lang=opts.lang)
    _send_report(result, dry_run, fmt)
    if not result.outcomes and not dry_run and not result.previews:
        click.echo(tr("send.nothing"))
    return result.exit_code


@main.command(help="help.report")
@click.argument("name")
@click.option("--period", default=None, metavar="PERIOD", help="help.opt.period")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html", "xlsx"]), default="table",
              help="help.opt.format_report")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="help.opt.output")
@click.option("--mail", is_flag=True, help="help.opt.mail")
@click.option("--force", is_flag=True, help="help.opt.force_report")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="help.opt.to_report")
@common
def report(opts: Options, name: str, period: str | None, fmt: str, output: Path | None, mail: bool, force: bool,
           to: tuple[str, ...]) -> int:
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
    notices(built.notices)
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


# register `assistant run`, `jobs …`, `robots …`, `schema …`
from assistant import cli_jobs, cli_robots, cli_schema  # noqa: E402,F401
