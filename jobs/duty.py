"""duty: the evening before, the person on duty and the leader in charge are told (mail, and the
robots posting for `duty`): the date, the duty phone and who is on the day after. A day with no
one on duty is an alert to the admin and the office director the evening before, not after.

From each workbook's `duty` register (日期, 值班人员, 带班领导, 值班电话). Sent once per day and
workbook through the ledger, like every mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from assistant.context import JobContext
from assistant.i18n import tr, using
from assistant.judge import Judge
from assistant.outcome import JobResult, Outcome
from assistant.people import directory, lang_of

if TYPE_CHECKING:
    from assistant.config_robots import RobotConfig
    from assistant.robots.poster import Message, PostOutcome
    from assistant.sending import SendOutcome

REGISTER = "duty"
FIELDS = {"day": "日期", "person": "值班人员", "leader": "带班领导", "phone": "值班电话"}


@dataclass
class DutyResult(JobResult):
    outcomes: list[SendOutcome | PostOutcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # workbooks with no one on duty tomorrow

    @property
    def outcome(self) -> Outcome:
        return Outcome.DATA_ERRORS if self.gaps or any(o.failed for o in self.outcomes) else Outcome.OK


@dataclass(frozen=True)
class Shift:
    workbook: str
    day: dt.date
    person: str | None
    leader: str | None
    phone: str | None
    next_person: str | None  # who is on the day after


def shifts(ctx: JobContext, day: dt.date) -> tuple[list[Shift], Any]:
    """Each workbook's duty on `day` (and who follows), and the judgement (for the directory)."""
    from assistant.judge import Judgement
    from assistant.reports.base import columns, table_of

    narrowed = replace(ctx, only={REGISTER, "roster"})
    judge = Judge(narrowed, deadlines=False)
    out, findings, contexts = [], [], []
    for wb in ctx.office.config.workbooks:
        j = judge.workbook(wb)
        findings += j.findings
        contexts += j.contexts
        if (c := table_of(j, REGISTER)) is None:
            continue
        rows = columns(c, FIELDS)
        rows = rows[rows["day"].notna()]
        on = rows[rows["day"].dt.date == day]
        after = rows[rows["day"].dt.date == day + dt.timedelta(days=1)]
        row = on.iloc[0] if len(on) else None
        out.append(Shift(wb.name, day, _text(row, "person"), _text(row, "leader"), _text(row, "phone"),
                         _text(after.iloc[0] if len(after) else None, "person")))
        judge.done(wb)
    return out, Judgement(findings, contexts, {}, judge.notices())


def _text(row: Any, key: str) -> str | None:
    value = None if row is None else row[key]
    return None if value is None or value != value or not str(value).strip() else str(value).strip()


def run(ctx: JobContext) -> DutyResult:
    from assistant.delivery.mail import build_message
    from assistant.robots.jobs import post_robots

    config = ctx.office.config
    tomorrow = ctx.today + dt.timedelta(days=1)
    found, j = shifts(ctx, tomorrow)
    people = directory(config, j)
    result = DutyResult(notices=j.notices)
    for s in found:
        period = f"{tomorrow.isoformat()}|{s.workbook}"
        if s.person is None:
            result.gaps.append(s.workbook)
            to = [(tr("duty.admin"), config.admin_email), *((config.director, people.get(config.director)),)] \
                if config.director else [(tr("duty.admin"), config.admin_email)]
            kind, names = "duty_gap", to
        else:
            kind, names = "duty", [(n, people.get(n)) for n in dict.fromkeys(p for p in (s.person, s.leader) if p)]
        for name, address in names:
            if ctx.dry_run or ctx.sender is None or not ctx.sender.wants(address):
                continue

            def build(_claimed: list[str], s: Shift = s, name: str = name, address: str | None = address,
                      kind: str = kind):
                with using(lang_of(config, name, address)):
                    subject, text = _mail(kind, s, name, config.office_name)
                return build_message(config.mail.sender, [f"{name} <{address}>"], subject, text)

            result.outcomes.append(ctx.sender.send(kind, name, address, [period], build))

        def for_robot(robot: RobotConfig, s: Shift = s) -> Message | None:
            from assistant.robots.poster import Message

            if s.person is None:
                return None  # the gap is for the admin and the director, not the group
            subject, text = _mail("duty_group", s, "", config.office_name)
            return Message(subject, text.split("\n"))

        result.outcomes += post_robots(ctx, "duty", period, for_robot)
    return result


def _mail(kind: str, s: Shift, name: str, office: str) -> tuple[str, str]:
    """Subject and text of a duty message in the current language."""
    weekday = tr(f"duty.weekday.{s.day.weekday()}")
    args = dict(office=office, workbook=s.workbook, date=s.day.isoformat(), weekday=weekday, name=name,
                person=s.person or "—", leader=s.leader or "—", phone=s.phone or "—", next=s.next_person or "—")
    return tr(f"{kind}.subject", **args), tr(f"{kind}.body", **args)
