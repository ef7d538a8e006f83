"""remind: owners of items due soon or overdue get one reminder per item per day; items overdue
for more than `escalate_after` working days go to their leader (one escalation per item per day).
A person with several items gets them in one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.context import JobContext
from assistant.digests import Item, reminders
from assistant.i18n import tr, using
from assistant.judge import judge
from assistant.outcome import JobResult, Outcome
from assistant.people import directory, lang_of

if TYPE_CHECKING:  # the registry imports every job: mail and templates load only when one runs
    from assistant.sending import SendOutcome


@dataclass
class RemindResult(JobResult):
    outcomes: list[SendOutcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        return Outcome.DATA_ERRORS if any(o.failed for o in self.outcomes) else Outcome.OK


def _period(today: str, it: Item) -> str:
    return f"{today}|{it.workbook}|{it.register}|{it.key}"


def run(ctx: JobContext) -> RemindResult:
    from assistant.delivery.mail import build_message
    from assistant.render import environment, render

    config = ctx.office.config
    j = judge(ctx)
    env = environment(config.templates_dir)
    people = directory(config, j)
    owners, leaders = reminders(j)
    today = ctx.today.isoformat()
    result = RemindResult(notices=j.notices)
    for kind, by_person in (("remind", owners), ("escalate", leaders)):
        for name, items in sorted(by_person.items()):
            periods = {_period(today, it): it for it in items}

            def build(claimed: list[str], name=name, kind=kind, periods=periods):
                mine = [periods[p] for p in claimed]
                with using(lang_of(config, name, people.get(name))):  # the reader's, not the terminal's
                    subject = tr(f"{kind}.subject", office=config.office_name, date=today, n=len(mine))
                    parts = render(env, "reminder", subject, name=name, items=mine, escalation=kind == "escalate",
                                   office=config.office_name)
                return build_message(config.mail.sender, [f"{name} <{people[name]}>"], parts.subject, parts.text,
                                     parts.html)

            if ctx.dry_run or ctx.sender is None:
                continue
            result.outcomes.append(ctx.sender.send(kind, name, people.get(name), list(periods), build))
    return result
