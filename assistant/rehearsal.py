"""What a run of a job that sends would do, without doing it: `--dry-run` lists each message
(recipient, subject, items per section, attachments, and whether the ledger would skip it) and
what each group robot would get; `--preview` writes each message's HTML to a file.

A job collects a Draft per message instead of sending it, and calls `rehearse` once at its end.
Nothing is claimed in the ledger (it is only read: `Ledger.peek`), nothing is sent or posted.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError, ConfigError
from assistant.i18n import tr, using
from assistant.ledger import FORCE, NEW, RETRY
from assistant.status import STATUSES

if TYPE_CHECKING:
    from assistant.config_robots import RobotConfig
    from assistant.context import JobContext
    from assistant.digests import Digest, Item
    from assistant.robots.poster import Message

SEND, SKIP, FAIL, POST, UNSET = "send", "skip", "fail", "post", "unset"
BUILD_FAILED = "build_failed"
_ACTIONS = {SEND: "plan.send", SKIP: "plan.skip", FAIL: "plan.fail", POST: "plan.post", UNSET: "plan.unset"}
_REASONS = {"new": "plan.reason.new", "retry": "plan.reason.retry", "force": "plan.reason.force",
            "already_sent": "plan.reason.already_sent", "in_flight": "plan.reason.in_flight",
            "maybe_sent": "plan.reason.maybe_sent", "blocked": "plan.reason.blocked",
            "no_address": "plan.reason.no_address", BUILD_FAILED: "plan.reason.build_failed"}


@dataclass
class Draft:
    """One message a job would send: what it would hand to `Sender.send`, the reader's language,
    and the items each ledger period covers, counted by status (a digest: one period for all of
    them; a reminder: one period per item)."""

    kind: str  # digest | remind | escalate
    name: str
    email: str | None
    build: Callable[[list[str]], EmailMessage]  # the claimed periods -> the message
    lang: str
    periods: Mapping[str, Mapping[str, int]]  # period -> {status code: items}


@dataclass
class PlannedMessage:
    kind: str
    name: str
    email: str | None
    action: str  # send | skip | fail
    reason: str  # new | retry | force | already_sent | in_flight | maybe_sent | blocked | no_address | build_failed
    subject: str = ""
    sections: dict[str, int] = field(default_factory=dict)  # status code -> items in the message
    attachments: list[str] = field(default_factory=list)  # file names
    skipped_items: int = 0  # items already sent in this period (a reminder's items are sent once a day)
    error: str = ""


@dataclass
class PlannedPart:
    title: str
    action: str  # post | skip
    reason: str  # as a message's


@dataclass
class PlannedPost:
    robot: str
    platform: str  # wecom | dingtalk | feishu
    action: str  # post | skip | unset
    parts: list[PlannedPart] = field(default_factory=list)
    env: str = ""  # the variable that is not set (action unset)


@dataclass
class Plan:
    messages: list[PlannedMessage] = field(default_factory=list)
    robots: list[PlannedPost] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"messages": [asdict(m) for m in self.messages], "robots": [asdict(r) for r in self.robots]},
                          ensure_ascii=False)


def digest_sections(d: Digest) -> dict[str, int]:
    """The items a digest lists, per section: its urgent statuses (overdue, due soon, …)."""
    return {code: n for code, _, n in d.counts if n and STATUSES[code].urgent}


def item_periods(periods: Mapping[str, Item]) -> dict[str, dict[str, int]]:
    """A reminder's periods (one per item: period -> Item) as Draft.periods."""
    return {p: {it.status: 1} for p, it in periods.items()}


def rehearse(ctx: JobContext, drafts: list[Draft], job: str, period: str,
             message_for: Callable[[RobotConfig], Message | None]) -> tuple[list[Path], Plan | None]:
    """At the end of a job that sends: with `preview`, write each draft's HTML (the paths);
    with `dry_run`, what would be sent and posted (the plan). Otherwise nothing."""
    if ctx.options.get("preview"):
        return write_previews(ctx.office.config.outbox_dir / "preview", drafts), None
    if not ctx.dry_run or ctx.sender is None:
        return [], None
    plan = Plan([_plan_message(ctx, d) for d in drafts], _plan_posts(ctx, job, period, message_for))
    return [], plan


def write_previews(folder: Path, drafts: list[Draft]) -> list[Path]:
    """Each draft's HTML, with every item, as `<kind>-<name>-<address>.<lang>.html`: names that
    are valid on Windows and never the same for two recipients or two languages. A message without
    an address cannot be made (nor sent): `--dry-run` lists it."""
    from assistant.reports.filenames import safe_stem  # the reports load only when a preview is written

    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    paths = []
    for d in (d for d in drafts if d.email):
        stem = safe_stem("-".join(p for p in (d.kind, d.name, d.email) if p))
        name, n = f"{stem}.{d.lang}.html", 2
        while name.casefold() in taken:  # two names the same once made safe (or where case is ignored)
            name, n = f"{stem}-{n}.{d.lang}.html", n + 1
        taken.add(name.casefold())
        target = folder / name
        target.write_text(_html(d.build(list(d.periods))), encoding="utf-8")
        paths.append(target)
    return paths


def _html(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html", "plain"))
    content = part.get_content() if part is not None else ""
    return content if part is not None and part.get_content_subtype() == "html" else f"<pre>{content}</pre>"


def _plan_message(ctx: JobContext, d: Draft) -> PlannedMessage:
    sender = ctx.sender
    assert sender is not None
    refused = sender.refusal(d.email)
    if refused:
        return PlannedMessage(d.kind, d.name, d.email, SKIP, refused)
    assert d.email is not None
    decisions = {p: sender.ledger.peek(d.kind, d.email, p, force=sender.force) for p in d.periods}
    claimable = [p for p, (granted, _) in decisions.items() if granted]
    reasons = {reason for _, reason in decisions.values()}
    if claimable:
        action, reason = SEND, next(r for r in (FORCE, RETRY, NEW) if r in reasons)
    else:  # as Sender.send says it: already sent, or an earlier send whose outcome is unknown
        action, reason = SKIP, next(iter(reasons)) if len(reasons) == 1 else "in_flight"
    covered = claimable or list(d.periods)  # a skipped message: what was sent
    skipped = len(d.periods) - len(claimable) if claimable else 0  # items of a reminder sent earlier today
    planned = PlannedMessage(d.kind, d.name, d.email, action, reason, skipped_items=skipped)
    counts: Counter[str] = Counter()
    for p in covered:
        counts.update(d.periods[p])
    planned.sections = dict(sorted(counts.items(), key=lambda kv: STATUSES[kv[0]].order if kv[0] in STATUSES else 99))
    try:
        msg = d.build(covered)
    except ConfigError:  # a template mistake: the office's for every message (exit 2)
        raise
    except Exception as exc:  # this message only, as a real run would report it
        planned.action, planned.reason = FAIL, BUILD_FAILED
        planned.error = exc.message if isinstance(exc, AssistantError) else f"{type(exc).__name__}: {exc}"
        return planned
    planned.subject = str(msg["Subject"])
    planned.attachments = [a.get_filename() or "" for a in msg.iter_attachments()]
    return planned


def _plan_posts(ctx: JobContext, job: str, period: str,
                message_for: Callable[[RobotConfig], Message | None]) -> list[PlannedPost]:
    from assistant.robots.poster import part_key

    poster = ctx.robots
    if poster is None:
        return []
    out = []
    for robot in poster.for_job(job):
        with using(ctx.office.config.lang):  # a group has no one reader: the office's language
            message = message_for(robot)
        if message is None:
            continue
        unset = poster.unset(robot)
        parts = poster.parts(robot, message)
        planned = PlannedPost(robot.name, robot.kind, UNSET if unset else POST, env=unset or "")
        for n, (title, _) in enumerate(parts, 1):
            granted, reason = poster.ledger.peek(job, f"robot:{robot.name}", part_key(period, n, len(parts)),
                                                 force=poster.force)
            planned.parts.append(PlannedPart(title, POST if granted else SKIP, reason))
        if not unset and not any(p.action == POST for p in planned.parts):
            planned.action = SKIP
        out.append(planned)
    return out


# --- the listing on a terminal -----------------------------------------------------------------

def plan_lines(plan: Plan) -> list[str]:
    """The plan as a person reads it, in the current language."""
    sends = sum(m.action == SEND for m in plan.messages)
    out = [tr("plan.head", send=sends, skip=len(plan.messages) - sends) if plan.messages else tr("plan.none")]
    for m in plan.messages:
        out.append(tr("plan.line", action=tr(_ACTIONS[m.action]), kind=tr(f"kind.{m.kind}"), name=m.name,
                      email=m.email or "—") + tr(_REASONS[m.reason]))
        if m.error:
            out.append(tr("plan.error", error=m.error))
        if m.subject:
            out.append(tr("plan.subject", subject=m.subject))
        if m.action != FAIL and m.reason not in ("blocked", "no_address"):
            parts = tr("word.list_sep").join(f"{STATUSES[s].label if s in STATUSES else s} {n}"
                                             for s, n in m.sections.items())
            out.append(tr("plan.items", parts=parts) if parts else tr("plan.no_items"))
        if m.attachments:
            out.append(tr("plan.attachments", names=tr("word.list_sep").join(m.attachments)))
        if m.skipped_items:
            out.append(tr("plan.partly", n=m.skipped_items))
    for r in plan.robots:
        out.append(tr("plan.robot", action=tr(_ACTIONS[r.action]), robot=r.robot, platform=r.platform,
                      parts=len(r.parts)))
        if r.env:
            out.append(tr("plan.robot_unset", env=r.env))
        out += [tr("plan.robot_part", n=n, title=p.title) + ("" if p.action == POST else tr("plan.robot_part_skip"))
                for n, p in enumerate(r.parts, 1)]
    return out
