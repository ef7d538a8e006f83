"""judge → what each person is told: a leader's digest (scoped), an owner's reminders, a leader's
escalations. Plain data for the templates; nothing here renders or sends.

Everything copied from a cell is masked (phone and ID numbers) and cleaned (control characters,
length) before it reaches a template, the attachment or a log, and the templates escape it
(autoescape on).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from assistant.checks.base import Context
from assistant.config import Recipient
from assistant.fieldtypes import TYPES
from assistant.findings import Finding, counts
from assistant.i18n import quote, tr
from assistant.judge import Judgement
from assistant.masking import mask_numbers
from assistant.status import CODES, STATUSES
from assistant.text import clean, col_letter, display


def mask(value: object) -> str:
    """Cell text as mail may show it: mobile and ID numbers masked (assistant.masking), without
    control characters and at most MAX_CELL_TEXT characters long (assistant.text.clean)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = value if isinstance(value, str) else display(value)
    return clean(mask_numbers(text))


TYPE_CODES = frozenset(t.error_code for t in TYPES.values() if getattr(t, "error_code", None))


@dataclass(frozen=True)
class Reason:
    """Why an item's deadline cannot be read, kept as data so that each mail says it in its reader's
    language (reminders are rendered per reader, from items judged in the terminal's language)."""

    code: str  # the finding's code: a type error (invalid_date) or missing_value; "" without a finding
    column: str  # the field of the cell
    value: object = None  # the cell's content as read
    example: str = ""  # a good value of the field's type
    said: str = ""  # the finding's own message, masked, in the run's language: for any other code

    def text(self) -> str:
        if not self.code:
            return tr("digest.due_unreadable", field=self.column)
        if self.code == "missing_value":
            return tr("check.missing_value", column=self.column)
        if self.code in TYPE_CODES:  # the message quotes the cell's text: masked as the cell is
            return mask(tr(f"check.{self.code}", column=self.column, value=quote(display(self.value)),
                           example=self.example))
        return self.said


@dataclass
class Item:
    """One tracked row as a person reads it."""

    workbook: str
    register: str  # the register's title (督查督办台账)
    key: str
    content: str
    unit: str
    owner: str
    leader: str
    due: str
    days_left: int | None
    status: str
    escalate: bool
    cell: str = ""  # status invalid (待核实): the cell to correct (H7), and why (`problem`)
    reason: Reason | None = None

    @property
    def label(self) -> str:
        """The status in the reader's language (set when the mail is built, not when judged)."""
        return STATUSES[self.status].label

    @property
    def problem(self) -> str:
        """What is wrong with `cell`, in the reader's language ("" unless status invalid)."""
        return self.reason.text() if self.reason else ""

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


@dataclass
class UnitLine:
    """One responsible unit's items by status, for the per-unit table and its bars."""

    unit: str
    total: int
    parts: list[tuple[str, int, float]]  # (status, count, percent of the row's bar), in urgency order

    @property
    def summary(self) -> str:
        """"逾期 2、滞后 1" ("2 overdue, 1 behind pace") in the reader's language, when read."""
        return tr("word.list_sep").join(tr("digest.count", label=STATUSES[s].label, n=n) for s, n, _ in self.parts)


@dataclass
class Digest:
    office: str
    recipient: Recipient
    today: dt.date
    subject: str
    counts: list[tuple[str, str, int]]  # (status, label, count), in urgency order
    overdue: list[Item]
    due_soon: list[Item]
    behind: list[Item]
    units: list[UnitLine]
    errors: list[tuple[str, str, int, int]]  # (workbook, register title, errors, warnings)
    total: int = 0
    notices: list[str] = field(default_factory=list)
    all_overdue: list[Item] = field(default_factory=list)  # for the attachment: every overdue item
    hidden: dict[str, int] = field(default_factory=dict)  # section -> items not listed (kept short)
    invalid: list[Item] = field(default_factory=list)  # deadline unreadable (待核实), each with its cell
    # for the recipient who is the office's admin ([office] admin_email): unreadable workbooks, stale
    # lock files (assistant/admin_notes.py); empty for everyone else
    admin_notes: list[str] = field(default_factory=list)


def _items(ctx: Context, frame: pd.DataFrame, mask_rows: np.ndarray, findings: list[Finding]) -> list[Item]:
    f = frame[mask_rows]
    problems = _problems(ctx, f, findings)
    items = [Item(workbook=ctx.table.workbook, register=ctx.register.title, key=mask(k), content=mask(c),
                  unit=mask(u), owner=mask(o), leader=mask(ld),
                  due="" if pd.isna(d) else d.date().isoformat(), days_left=None if pd.isna(n) else int(n),
                  status=s, escalate=bool(e))
             for k, c, u, o, ld, d, n, s, e in zip(f["key"], f["content"], f["unit"], f["owner"], f["leader"],
                                                   f["due"], f["days_left"], f["status"], f["escalate"])]
    for it, row in zip(items, f["row"]):
        if it.status == "invalid":
            it.cell, it.reason = problems[row]
    return items


def _problems(ctx: Context, f: pd.DataFrame, findings: list[Finding]) -> dict[int, tuple[str, Reason]]:
    """Sheet row -> (cell, why) for the rows of `f` whose deadline cannot be read: the finding on
    the due cell (else on a cell a default due date is computed from); without one (an empty due
    cell nothing requires), the due cell, said to be empty or not a date."""
    rows = set(f["row"][f["status"] == "invalid"].tolist())
    dl = ctx.register.deadline
    if not rows or dl is None:
        return {}
    default = dl.due_default or {}
    fields = [name for name in (dl.due, default.get("from"), default.get("by")) if name]
    best: dict[int, tuple[int, str, Reason]] = {}  # row -> (rank of its field, cell, why)
    for fd in findings:
        if fd.row is None or fd.column is None or fd.row not in rows or not fd.cell or fd.column not in fields:
            continue
        rank = fields.index(fd.column)
        if fd.row not in best or rank < best[fd.row][0]:
            example = TYPES[ctx.register.field(fd.column).type].example
            best[fd.row] = (rank, fd.cell, Reason(fd.code, fd.column, fd.value, example, mask(fd.message)))
    where = ctx.table.columns.get(dl.due)
    unread = Reason("", dl.due)
    out = {}
    for row in rows:
        _, cell, why = best.get(row, (0, f"{col_letter(where)}{row}" if where is not None else "", unread))
        out[row] = (cell, why)
    return out


def in_scope(ctx: Context, scope: str | dict[str, str]) -> np.ndarray:
    """Rows of a table a recipient's scope covers: all, or rows whose field equals the value."""
    n = len(ctx.table)
    if isinstance(scope, str):  # "all" (the config accepts no other string)
        return np.ones(n, dtype=bool)
    keep = np.ones(n, dtype=bool)
    for name, wanted in scope.items():
        if not ctx.has(name):
            return np.zeros(n, dtype=bool)  # a register without that field is not theirs
        values = ctx.values(name)
        if TYPES[ctx.register.field(name).type].kind != "text":  # text is already trimmed and NFKC
            values = values.map(lambda v: None if v is None or v != v else display(v))
        keep &= (values == unicodedata.normalize("NFKC", str(wanted)).strip()).fillna(False).to_numpy(dtype=bool)
    return keep


def tracked(j: Judgement, scope: str | dict[str, str] = "all") -> list[Item]:
    """Every tracked row in a scope, over all workbooks and registers."""
    out: list[Item] = []
    for c in j.contexts:
        frame = j.frames.get((c.table.workbook, c.register.id))
        if frame is not None:
            out += _items(c, frame, in_scope(c, scope), j.findings_of(c.table.workbook, c.register.id))
    return out


LIST_LIMIT = 30  # items listed per section: a leader reads a summary; the attachment has them all


def build_digest(j: Judgement, office: str, recipient: Recipient, today: dt.date, limit: int = LIST_LIMIT) -> Digest:
    items = tracked(j, recipient.scope)
    by_status: dict[str, list[Item]] = {s: [] for s in CODES}
    for it in items:
        by_status.setdefault(it.status, []).append(it)
    monday = today - dt.timedelta(days=today.weekday())
    overdue = sorted(by_status["overdue"], key=lambda i: (i.days_left if i.days_left is not None else 0, i.key))
    due_soon = sorted(by_status["due_soon"], key=lambda i: (i.days_left if i.days_left is not None else 0, i.key))
    behind = sorted(by_status["behind_pace"], key=lambda i: (i.due, i.key))
    invalid = by_status["invalid"]  # in the sheets' order: the rows to correct, register by register
    sections = {"overdue": overdue, "due_soon": due_soon, "behind": behind, "invalid": invalid}
    return Digest(
        office=office, recipient=recipient, today=today,
        subject=tr("digest.subject", office=office, date=monday.isoformat()),
        counts=[(s.code, s.label, len(by_status[s.code])) for s in STATUSES.values()],
        overdue=overdue[:limit], due_soon=due_soon[:limit], behind=behind[:limit],
        units=_units(items), errors=_errors(j), total=len(items), notices=j.notices, all_overdue=overdue,
        hidden={name: len(lst) - limit for name, lst in sections.items() if len(lst) > limit},
        invalid=invalid[:limit])


def _units(items: list[Item]) -> list[UnitLine]:
    """Per unit: how many items in each status, as shares of a bar (the worst units first)."""
    if not items:
        return []
    frame = pd.DataFrame({"unit": [i.unit or tr("digest.no_unit") for i in items], "status": [i.status for i in items]})
    table = pd.crosstab(frame["unit"], frame["status"]).reindex(columns=list(CODES), fill_value=0)
    table = table.sort_values(["overdue", "due_soon"], ascending=False, kind="stable")
    widest = max(int(table.sum(axis=1).max()), 1)
    lines = []
    for unit, row in table.iterrows():  # one line per unit: a dozen, not per item
        total = int(row.sum())
        parts = [(s, int(row[s]), round(100.0 * row[s] / widest, 1)) for s in CODES if row[s]]
        lines.append(UnitLine(unit=str(unit), total=total, parts=parts))
    return lines


def _errors(j: Judgement) -> list[tuple[str, str, int, int]]:
    out = []
    for c in j.contexts:
        n = counts(j.findings_of(c.table.workbook, c.register.id))
        out.append((c.table.workbook, c.register.title, n["error"], n["warning"]))
    return out


def reminders(j: Judgement, owner_every: int = 1) -> tuple[dict[str, list[Item]], dict[str, list[Item]]]:
    """Who is told what today: owners of items due soon or overdue, and the leaders of items overdue
    for longer than `escalate_after` working days. Keyed by name.

    An escalated item stays in its owner's reminder: on the day it is escalated, then every
    `owner_every` working days ([jobs.remind] owner_every; 1: every day), so follow-up never stops
    at the leader. Owners are also told of their items whose deadline cannot be read (待核实), to
    correct the cell."""
    after = {(c.table.workbook, c.register.title): c.register.deadline.escalate_after
             for c in j.contexts if c.register.deadline}
    owners: dict[str, list[Item]] = {}
    leaders: dict[str, list[Item]] = {}
    for it in tracked(j):
        escalated = it.escalate and bool(it.leader)
        if escalated:
            leaders.setdefault(it.leader, []).append(it)
        if it.status in ("due_soon", "overdue") and it.owner:
            # working days since the escalation: 1 on its first day (overdue_days > escalate_after)
            since = it.overdue_days - after.get((it.workbook, it.register), 0)
            if not escalated or (since - 1) % owner_every == 0:
                owners.setdefault(it.owner, []).append(it)
        if it.status == "invalid" and it.owner:  # never escalated: nothing is late that has no deadline
            owners.setdefault(it.owner, []).append(it)
    return owners, leaders
