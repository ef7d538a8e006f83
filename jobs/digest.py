"""digest: each recipient's personal summary of the tracked items in their scope, sent once per
period (ISO week by default) whatever the number of runs. A workbook that cannot be read leaves the
others' digests whole: it is a problem (exit 2) and a note in the admin's digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.admin_notes import admin_notes, is_admin
from assistant.config import Recipient
from assistant.context import JobContext
from assistant.digests import build_digest
from assistant.i18n import tr, using
from assistant.judge import judge
from assistant.outcome import JobResult, Outcome
from assistant.people import mail_lang
from assistant.rehearsal import Draft, Plan, digest_sections, rehearse

if TYPE_CHECKING:  # the registry imports every job: mail and templates load only when one runs
    from assistant.config_robots import RobotConfig
    from assistant.robots.poster import Message, PostOutcome
    from assistant.sending import SendOutcome

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class DigestResult(JobResult):
    outcomes: list[SendOutcome | PostOutcome] = field(default_factory=list)
    previews: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # workbooks that could not be read, and why
    plan: Plan | None = None  # a dry run: what would be sent and posted

    @property
    def outcome(self) -> Outcome:
        if self.problems:  # the digests went out without that workbook
            return Outcome.PROBLEM
        return Outcome.DATA_ERRORS if any(o.failed for o in self.outcomes) else Outcome.OK


def period_of(today: dt.date, unit: str) -> str:
    """The idempotency period: 2026-11-20 (day), 2026-W47 (week) or 2026-11 (month)."""
    if unit == "day":
        return today.isoformat()
    if unit == "month":
        return f"{today:%Y-%m}"
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def run(ctx: JobContext) -> DigestResult:
    from assistant.delivery.mail import Attachment, build_message
    from assistant.render import check_templates, environment, items_workbook, render

    config = ctx.office.config
    env = environment(config.templates_dir)
    check_templates(env, "digest")  # a template mistake stops the run before anything is claimed
    if ctx.sender is not None:
        ctx.sender.check_to(r.email for r in config.recipients)
    j = judge(ctx)
    job = config.jobs.get("digest")
    period = period_of(ctx.today, (job.period if job else None) or "week")
    preview = bool(ctx.options.get("preview"))
    result = DigestResult(notices=j.notices, problems=[u.problem for u in j.unreadable])
    drafts: list[Draft] = []  # a preview or a dry run: shown at the end, not sent
    for r in config.recipients:
        if ctx.sender is not None and not ctx.sender.wants(r.email):  # --to
            continue
        lang = mail_lang(config, r)  # the reader's, whatever --lang the terminal has
        with using(lang):
            d = build_digest(j, config.office_name, r, ctx.today)
            if is_admin(config, r.email):
                d.admin_notes = admin_notes(j, ctx)

        def build(_claimed: list[str], d=d, r=r, lang=lang):
            parts = render(env, "digest", d.subject, lang=lang, d=d)
            with using(lang):
                files = [Attachment(tr("digest.attachment_name", office=d.office, date=d.today.isoformat()),
                                    items_workbook(d.all_overdue), XLSX)] if d.all_overdue else []
            return build_message(config.mail.sender, [f"{r.name} <{r.email}>"], parts.subject, parts.text,
                                 parts.html, files)

        if preview or ctx.dry_run or ctx.sender is None:
            drafts.append(Draft("digest", r.name, r.email, build, lang, {period: digest_sections(d)}))
            continue
        result.outcomes.append(ctx.sender.send("digest", r.name, r.email, [period], build))
    from assistant.robots.jobs import post_robots
    from assistant.robots.texts import digest_message

    def for_robot(robot: RobotConfig) -> Message:
        return digest_message(build_digest(j, config.office_name, Recipient(robot.name, "", robot.scope), ctx.today))

    if not preview:
        result.outcomes += post_robots(ctx, "digest", period, for_robot)
    result.previews, result.plan = rehearse(ctx, drafts, "digest", period, for_robot)
    return result
