"""What each job posts to a group robot, as Markdown blocks (assistant/robots/poster.Message): the
digest of the robot's scope, the day's reminders with the overdue items' owners @-mentioned, a
report, the duty reminder. Built in the office's language; cell text is masked as in mail
(assistant.digests.mask): a group chat is read by more people than a mailbox.
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant.digests import Digest, Item, mask
from assistant.i18n import tr
from assistant.reports.formats import cell_text
from assistant.reports.model import Report, Section, Table
from assistant.robots.poster import Message

LIST_LIMIT = 30  # items listed per section, as in a digest; the rest are counted


_PLAIN = str.maketrans("*_`[]<>#~|\\", "＊＿｀［］＜＞＃～｜＼")


def _md(text: object) -> str:
    """Cell text for Markdown: masked, one line, and each character that is markup in some
    platform's Markdown shown as its full-width form (138＊＊＊＊5678), which no platform reads as
    markup and every reader reads as the same character: backslash escapes are not understood
    alike by WeCom, DingTalk and Feishu."""
    return mask(text).replace("\n", " ").replace("\r", " ").translate(_PLAIN)


def _item(it: Item) -> str:
    days = tr("robot.item.days_over", n=it.overdue_days) if it.overdue_days else tr("robot.item.due", due=it.due)
    who = "，".join(p for p in (_md(it.unit), _md(it.owner)) if p)
    return f"- {_md(it.key)} {_md(it.content)}（{who}；{days}）"


def _section(head: str, items: list[Item], hidden: int = 0) -> list[str]:
    if not items:
        return []
    out = [f"**{head}**", *(_item(it) for it in items)]
    if hidden:
        out.append(tr("robot.more", n=hidden))
    return out


def digest_message(d: Digest) -> Message:
    counts = tr("word.list_sep").join(tr("digest.count", label=label, n=n) for _, label, n in d.counts if n)
    blocks = [tr("robot.digest.lead", date=d.today.isoformat(), total=d.total, counts=counts or "—")]
    blocks += _section(tr("digest.overdue_head", n=len(d.all_overdue)), d.overdue, d.hidden.get("overdue", 0))
    blocks += _section(tr("digest.due_soon_head", n=len(d.due_soon) + d.hidden.get("due_soon", 0)), d.due_soon,
                       d.hidden.get("due_soon", 0))
    blocks += _section(tr("digest.behind_head", n=len(d.behind) + d.hidden.get("behind", 0)), d.behind,
                       d.hidden.get("behind", 0))
    return Message(d.subject, blocks)


def reminders_message(office: str, today: str, items: list[Item], mobiles: Mapping[str, str]) -> Message:
    """The day's items due soon or overdue, by owner, the owners of overdue ones @-mentioned."""
    overdue = sorted((it for it in items if it.status == "overdue"), key=lambda i: (-i.overdue_days, i.key))
    soon = sorted((it for it in items if it.status != "overdue"), key=lambda i: (i.due, i.key))
    blocks = [tr("robot.remind.lead", n=len(items))]
    blocks += _section(tr("digest.overdue_head", n=len(overdue)), overdue[:LIST_LIMIT], max(len(overdue) - LIST_LIMIT, 0))
    blocks += _section(tr("digest.due_soon_head", n=len(soon)), soon[:LIST_LIMIT], max(len(soon) - LIST_LIMIT, 0))
    owners = sorted({it.owner for it in overdue if it.owner})
    phones = [mobiles[o] for o in owners if o in mobiles]
    if owners:
        blocks.append(tr("robot.remind.ask", names="、".join(_md(o) for o in owners)))
    return Message(tr("robot.remind.title", office=office, date=today), blocks, phones)


def report_message(report: Report) -> Message:
    """A report as text: its sections' paragraphs and each table a line per row (figures as the
    terminal shows them), the notices first."""
    blocks = [f"> {_md(n)}" for n in report.notices]
    for block in report.blocks:
        if isinstance(block, Section):
            blocks.append(f"**{_md(block.title)}**")
            blocks += [_md(p) for p in block.paragraphs]
        elif isinstance(block, Table):
            blocks += _table(block)
    return Message(report.title, blocks)


def _table(table: Table) -> list[str]:
    if not table.rows:
        return [f"**{_md(table.title)}**", _md(table.empty)] if table.empty else []
    first, *rest = table.columns
    lines = [f"**{_md(table.title)}**"]
    for row in [*table.rows, *([table.total] if table.total else [])]:
        figures = "，".join(f"{_md(c.label)} {_md(cell_text(row.get(c.key), c.kind))}" for c in rest)
        lines.append(f"- {_md(cell_text(row.get(first.key), first.kind))}：{figures}")
    return lines
