"""report_NAME: a report mailed to every recipient, once per report period (docs/reports.md#jobs).

The mail's body is the report's HTML page (CSS inlined, as digests are), its text part the terminal
table, and the xlsx workbook is attached. The recipients are every [[recipients]], or those the
job's `recipients` names. Each reads it in their language and narrowed to their scope
(docs/reports.md#scopes); the report is built once per language and scope. Sends go through the
ledger like digests: (job, recipient, period) is sent once; a failed one is retried on the next run.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from assistant.context import JobContext
from assistant.i18n import tr, using
from assistant.outcome import JobResult, Outcome
from assistant.people import mail_lang

from .digest import XLSX
from .schedules import REPORT_SCHEDULES

if TYPE_CHECKING:
    from assistant.config_robots import RobotConfig
    from assistant.reports.model import Report
    from assistant.robots.poster import Message, PostOutcome
    from assistant.sending import SendOutcome



@dataclass
class ReportResult(JobResult):
    outcomes: list[SendOutcome | PostOutcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        if self.unreadable:
            return Outcome.PROBLEM
        return Outcome.DATA_ERRORS if any(o.failed for o in self.outcomes) else Outcome.OK


def report_job(name: str) -> Callable[[JobContext], ReportResult]:
    def run(ctx: JobContext) -> ReportResult:
        return _run(ctx, name)

    run.__name__ = f"report_{name}"
    return run


def _run(ctx: JobContext, name: str) -> ReportResult:
    from assistant.delivery.mail import Attachment, build_message
    from assistant.reports import build
    from assistant.reports.period import parse_period

    config = ctx.office.config
    job = config.jobs.get(f"report_{name}")
    chosen = job.recipients if job is not None else None
    recipients = [r for r in config.recipients if chosen is None or r.name in chosen]
    if ctx.sender is not None:
        ctx.sender.check_to(r.email for r in recipients)
    period = parse_period(str(ctx.options.get("period") or REPORT_SCHEDULES[name][1]), ctx.today)
    built: dict[tuple[str, str], Report] = {}
    result = ReportResult()
    for r in recipients:
        if ctx.sender is not None and not ctx.sender.wants(r.email):
            continue
        lang = mail_lang(config, r)
        key = _built_key(lang, r.scope)
        if key not in built:
            with using(lang):
                built[key] = build(replace(ctx, scope=r.scope), name, period)
            result.notices += [n for n in built[key].notices if n not in result.notices]
            result.unreadable = built[key].unreadable
        report = built[key]
        if ctx.dry_run or ctx.sender is None:
            continue

        def message(_claimed: list[str], report: Report = report, lang: str = lang, who: str = f"{r.name} <{r.email}>"):
            html, text, xlsx = _render(report, lang)
            with using(lang):
                attachment = Attachment(tr("reports.attachment_name", title=report.title, period=report.period.code),
                                        xlsx, XLSX)
            return build_message(config.mail.sender, [who], report.title, text, html, [attachment])

        result.outcomes.append(ctx.sender.send(f"report_{name}", r.name, r.email, [period.code], message))
    from assistant.robots.jobs import post_robots
    from assistant.robots.texts import report_message

    def for_robot(robot: RobotConfig) -> Message:
        key = _built_key(config.lang, robot.scope)
        if key not in built:
            built[key] = build(replace(ctx, scope=robot.scope), name, period)
        return report_message(built[key])

    result.outcomes += post_robots(ctx, f"report_{name}", period.code, for_robot)
    return result


def _built_key(lang: str, scope: str | dict[str, str]) -> tuple[str, str]:
    """A report is built once per language and scope, whoever reads it (a recipient or a robot)."""
    return lang, repr(sorted(scope.items())) if isinstance(scope, dict) else "all"


def _render(report: Report, lang: str) -> tuple[str, str, bytes]:
    """The mail's HTML (CSS inlined), its text part and the xlsx attachment, in `lang`."""
    import css_inline
    from rich.console import Console

    from assistant.reports.render_html import page
    from assistant.reports.render_table import show
    from assistant.reports.render_xlsx import workbook_bytes

    with using(lang):
        html = css_inline.CSSInliner(load_remote_stylesheets=False).inline(page(report))
        buffer = io.StringIO()
        show(report, Console(file=buffer, width=80, color_system=None, force_terminal=False))
        return html, buffer.getvalue(), workbook_bytes(report)
