"""remind: owners of items due soon or overdue get one reminder per item per day; items overdue
for more than `escalate_after` working days go to their leader (one escalation per item per day)
and stay in their owner's reminder every `[jobs.remind] owner_every` working days (daily by
default). A person with several items gets them in one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.context import JobContext
from assistant.digests import Item, reminders, tracked
from assistant.i18n import tr, using
from assistant.judge import judge
from assistant.outcome import JobResult, Outcome
from assistant.people import directory, lang_of, mobiles
from assistant.rehearsal import Draft, Plan, item_periods, rehearse

if TYPE_CHECKING:  # the registry imports every job: mail and templates load only when one runs
    from assistant.config_robots import RobotConfig
    from assistant.robots.poster import Message, PostOutcome
    from assistant.sending import SendOutcome


@dataclass
class RemindResult(JobResult):
    outcomes: list[SendOutcome | PostOutcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # workbooks that could not be read, and why
    previews: list[Path] = field(default_factory=list)  # --preview: the HTML files written
    plan: Plan | None = None  # a dry run: what would be sent and posted

    @property
    def outcome(self) -> Outcome:
        if self.problems:  # the reminders went out without that workbook
            return Outcome.PROBLEM
        return Outcome.DATA_ERRORS if any(o.failed for o in self.outcomes) else Outcome.OK


def _period(today: str, it: Item) -> str:
    return f"{today}|{it.workbook}|{it.register}|{it.key}"


def run(ctx: JobContext) -> RemindResult:
    from assistant.delivery.mail import build_message
    from assistant.render import check_templates, environment, render

    config = ctx.office.config
    env = environment(config.templates_dir)
    check_templates(env, "reminder")  # a template mistake stops the run before anything is claimed
    j = judge(ctx)
    people = directory(config, j)
    job = config.jobs.get("remind")
    owners, leaders = reminders(j, job.owner_every if job else 1)
    if ctx.sender is not None:
        ctx.sender.check_to(people.get(name) for by_person in (owners, leaders) for name in by_person)
    today = ctx.today.isoformat()
    result = RemindResult(notices=j.notices, problems=[u.problem for u in j.unreadable])
    preview = bool(ctx.options.get("preview"))
    drafts: list[Draft] = []  # a preview or a dry run: shown at the end, not sent
    for kind, by_person in (("remind", owners), ("escalate", leaders)):
        for name, items in sorted(by_person.items()):
            if ctx.sender is not None and not ctx.sender.wants(people.get(name)):  # --to
                continue
            periods = {_period(today, it): it for it in items}

            def build(claimed: list[str], name=name, kind=kind, periods=periods):
                mine = [periods[p] for p in claimed]
                lang = lang_of(config, name, people.get(name))  # the reader's, not the terminal's
                with using(lang):
                    subject = tr(f"{kind}.subject", office=config.office_name, date=today, n=len(mine))
                parts = render(env, "reminder", subject, lang=lang, name=name, items=mine,
                               escalation=kind == "escalate", office=config.office_name)
                return build_message(config.mail.sender, [f"{name} <{people[name]}>"], parts.subject, parts.text,
                                     parts.html)

            if preview or ctx.dry_run or ctx.sender is None:
                drafts.append(Draft(kind, name, people.get(name), build, lang_of(config, name, people.get(name)),
                                    item_periods(periods)))
                continue
            result.outcomes.append(ctx.sender.send(kind, name, people.get(name), list(periods), build))
    from assistant.robots.jobs import post_robots
    from assistant.robots.texts import reminders_message

    phones = mobiles(config, j)

    def for_robot(robot: RobotConfig) -> Message | None:
        items = [it for it in tracked(j, robot.scope) if it.status in ("due_soon", "overdue")]
        return reminders_message(config.office_name, today, items, phones) if items else None

    if not preview:
        result.outcomes += post_robots(ctx, "remind", today, for_robot)
    result.previews, result.plan = rehearse(ctx, drafts, "remind", today, for_robot)
    return result
