"""`assistant history KEY`: one tracked item's changes as people read them, from the status
history (assistant/history.py): each day its status, due date or people changed, the status in the
reader's language and the working days it had left on that day, as a table or as JSON.

A key held by several workbooks or registers (two townships both number a task DB-2026-001) gives
one timeline each, grouped; `--workbook` and `--register` narrow to one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TextIO

import pandas as pd
from rich import box
from rich.table import Table as RichTable

from assistant.calendar import WorkCalendar
from assistant.errors import UsageError
from assistant.history import FILENAME, History, days_left
from assistant.i18n import tr
from assistant.office import Office
from assistant.report import _console, _text
from assistant.status import STATUSES
from assistant.suggest import did_you_mean


@dataclass(frozen=True)
class Change:
    """The item from `day` on (until the next change). `status` None: it left its register."""

    day: str  # ISO dates, as in every JSON output
    status: str | None
    label: str
    due: str | None
    days_left: int | None  # working days left on `day`; None where its status counts none
    finished: str | None
    unit: str | None
    owner: str | None
    leader: str | None


@dataclass(frozen=True)
class Timeline:
    workbook: str
    register: str
    key: str
    changes: list[Change]


def item_timelines(office: Office, key: str, register: str | None = None,
                   workbook: str | None = None) -> list[Timeline]:
    """The timelines of the items with this key; UsageError (exit 2) when there is none, with a
    "did you mean" among the keys recorded, or where the key is when the filters missed it."""
    if register is not None:
        office.register(register)  # an unknown id fails here, with a hint
    names = [wb.name for wb in office.config.workbooks]
    if workbook is not None and workbook not in names:
        raise UsageError(tr("history.unknown_workbook", name=workbook, known=", ".join(names))
                         + did_you_mean(workbook, names))
    path = office.config.state_dir / FILENAME
    if not path.exists():  # reading must not create it: only flag writes the history
        raise UsageError(tr("history.none_yet", path=path), hint=tr("history.none_yet_hint"))
    with History(path) as history:
        df = history.timeline(key, register, workbook)
        if df.empty:
            raise _unknown(history, key, register, workbook)
    calendar = WorkCalendar.from_config(office.config)
    counts = pd.Series([STATUSES[s].shows_days if s else False for s in df["status"]], index=df.index)
    left = days_left(calendar, df["due"], df["since"]).where(counts.to_numpy(), None)
    df = df.assign(days_left=left.astype(object).where(left.notna(), None))
    return [Timeline(wb, reg, k, [_change(row) for row in rows.itertuples(index=False)])
            for (wb, reg, k), rows in df.groupby(["workbook", "register", "key"], sort=False)]


def _change(row) -> Change:
    status = row.status
    return Change(day=pd.Timestamp(row.since).date().isoformat(), status=status,
                  label=STATUSES[status].label if status else tr("history.removed"),
                  due=_iso(row.due), days_left=None if row.days_left is None else int(row.days_left),
                  finished=_iso(row.finished), unit=row.unit, owner=row.owner, leader=row.leader)


def _iso(value: object) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _unknown(history: History, key: str, register: str | None, workbook: str | None) -> UsageError:
    where = tr("word.list_sep").join(x for x in (workbook, register) if x)
    in_where = tr("history.in_where", where=where) if where else ""
    message = tr("history.unknown_key", key=key, where=in_where)
    if where:
        elsewhere = history.timeline(key)[["workbook", "register"]].drop_duplicates()
        if len(elsewhere):
            places = tr("word.list_sep").join(f"{w} · {r}" for w, r in elsewhere.itertuples(index=False))
            return UsageError(message, hint=tr("history.found_elsewhere", places=places))
    return UsageError(message + did_you_mean(key, history.keys(register, workbook)),
                      hint=tr("history.unknown_key_hint"))


def timelines_json(timelines: list[Timeline]) -> str:
    return json.dumps({"items": [asdict(t) for t in timelines]}, ensure_ascii=False)


def timelines_text(timelines: list[Timeline], out: TextIO) -> None:
    """One table per item: its heading, then a line per change."""
    con = _console(out)
    for n, t in enumerate(timelines):
        if n:
            con.print()
        con.print(f"[bold]{_text(tr('history.head', workbook=t.workbook, register=t.register, key=t.key))}[/]  "
                  + _text(tr("history.since_first", day=t.changes[0].day, n=len(t.changes) - 1)))
        table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for col in ("day", "status", "due", "days", "finished", "unit", "owner", "leader"):
            table.add_column(tr(f"history.col.{col}"), no_wrap=True, justify="right" if col == "days" else "left")
        for c in t.changes:
            style = STATUSES[c.status].style if c.status else ""
            label = f"[{style}]{_text(c.label)}[/]" if style else _text(c.label)
            table.add_row(c.day, label, c.due or "", "" if c.days_left is None else str(c.days_left),
                          c.finished or "", *(_text(v or "") for v in (c.unit, c.owner, c.leader)))
        con.print(table)
