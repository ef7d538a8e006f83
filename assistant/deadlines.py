"""Deadline status of every row of a register with a `deadline:` section (docs/design.md §5, §6).

One pass of masks over the whole table, no per-row Python: each status is a boolean mask and
`np.select` applies them in the contract's precedence
done / done_late → invalid → overdue → due_soon → behind_pace → on_track.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from assistant.calendar import WorkCalendar
from assistant.checks.base import Context, when_mask
from assistant.fieldtypes import TYPES, read_constants
from assistant.masking import mask_text
from assistant.status import labels
from assistant.text import display

COLUMNS = ["position", "row", "key", "due", "finished", "status", "label", "days_left", "owner", "leader",
           "unit", "content", "escalate", "expected"]
ITEM_KEYS = ("workbook", "register", "key", "row", "due", "status", "label", "days_left", "owner", "leader")


def evaluate(ctx: Context, calendar: WorkCalendar, today: dt.date) -> pd.DataFrame:
    """One row per data row of the table: its status, label, working days left and the people."""
    dl = ctx.register.deadline
    if dl is None:
        raise ValueError(f"register {ctx.register.id} has no deadline section")
    index = ctx.table.frame.index
    now = pd.Timestamp(today)

    due, due_ok = _dates(ctx, dl.due)
    if dl.due_default:
        due, due_ok = _with_default(ctx, calendar, dl.due, due, due_ok, dl.due_default)
    days = calendar.days_left(due, today)
    if dl.done_when:
        done = when_mask(ctx, dl.done_when).to_numpy(dtype=bool)
    else:  # no status column to ask: a filled completion date is the only sign of completion
        done = _dates(ctx, dl.done_date)[1]
    finished, finished_ok = _dates(ctx, dl.done_date)
    late = done & due_ok & finished_ok & (finished > due).to_numpy()

    overdue = due_ok & (due < now).to_numpy()
    soon = due_ok & (days <= dl.warn_within).fillna(False).to_numpy(dtype=bool)
    expected = _expected_progress(ctx, dl.start, due, due_ok, now)
    progress = _numbers(ctx, dl.progress)
    behind = (expected - progress > dl.pace_tolerance).fillna(False).to_numpy(dtype=bool)

    status = np.select([late, done, ~due_ok, overdue, soon, behind],
                       ["done_late", "done", "invalid", "overdue", "due_soon", "behind_pace"], "on_track")
    status_s = pd.Series(status, index=index, dtype=object)
    escalate = (status == "overdue") & (-days > dl.escalate_after).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame({
        "position": np.arange(len(index)),
        "row": np.asarray(ctx.table.rows, dtype=np.int64),
        "key": _masked(ctx, ctx.register.key, pd.Series(ctx.keys, index=index, dtype=object)),
        "due": due,
        "finished": finished,  # the done date (NaT where none): "closed on time" in the history
        "status": status_s,
        "label": status_s.map(labels()).astype(object),
        "days_left": days,
        "owner": _texts(ctx, dl.owner),
        "leader": _texts(ctx, dl.leader),
        "unit": _texts(ctx, dl.unit),
        "content": _texts(ctx, dl.content),
        "escalate": escalate,
        "expected": expected,
    }, index=index, columns=COLUMNS)


def to_items(df: pd.DataFrame, workbook: str, register_id: str) -> list[dict]:
    """The `flag --format json` items (docs/design.md §6), keys in the contract's order."""
    # Column by column in numpy, then one dict per item: a register can track 100,000 items.
    stamps = df["due"].to_numpy(dtype="datetime64[ns]")
    due = np.datetime_as_string(stamps.astype("datetime64[D]")).astype(object)
    due[np.isnat(stamps)] = None
    left = pd.to_numeric(df["days_left"], errors="coerce").to_numpy(dtype=float)
    days = np.nan_to_num(left).astype(np.int64).astype(object)
    days[np.isnan(left)] = None
    columns = zip(map(_plain, df["key"]), df["row"].tolist(), due, df["status"], df["label"], days,
                  map(_plain, df["owner"]), map(_plain, df["leader"]))
    return [dict(zip(ITEM_KEYS, (workbook, register_id, *values))) for values in columns]


# --- columns as the engine needs them --------------------------------------------------------------

def _dates(ctx: Context, name: str | None) -> tuple[pd.Series, np.ndarray]:
    """A date field as whole days (NaT where empty, unreadable or absent) and where it is valid."""
    index = ctx.table.frame.index
    if not name or not ctx.has(name):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]"), np.zeros(len(index), dtype=bool)
    p = ctx.parsed[name]
    values = p.values.where(p.valid).dt.normalize()  # a datetime field's time of day does not count
    return values, values.notna().to_numpy()


def _with_default(ctx: Context, calendar: WorkCalendar, due_name: str, due: pd.Series, due_ok: np.ndarray,
                  rule: dict) -> tuple[pd.Series, np.ndarray]:
    """The due date computed where the due cell is empty (never where it is unreadable: that stays
    `invalid`): `from` plus N working days (`working_days`) or calendar days (`days`), N per value of
    the `by` field when it is a mapping. Nothing is written into the cell."""
    index = ctx.table.frame.index
    # a sheet without the due column at all: every row takes the default
    empty = ctx.parsed[due_name].empty.to_numpy() if ctx.has(due_name) else np.ones(len(index), dtype=bool)
    start, start_ok = _dates(ctx, rule["from"])
    working = "working_days" in rule
    n_rule = rule["working_days" if working else "days"]
    by = rule.get("by")
    if by is None:
        n = pd.Series(float(n_rule), index=index)
    elif ctx.has(by):
        # the map's keys read as the `by` cells are read (full-width forms, numbers, yes/no)
        keys = read_constants(ctx.register.field(by).type, tuple(n_rule))
        lookup = {k: v for k, v in zip(keys, n_rule.values()) if k is not None}
        n = ctx.values(by).where(ctx.parsed[by].valid).map(lookup).astype(float)
    else:
        n = pd.Series(np.nan, index=index)
    use = empty & start_ok & n.notna().to_numpy()
    if not use.any():
        return due, due_ok
    steps = n.fillna(0).to_numpy(dtype=np.int64)
    if working:
        computed = calendar.add_workdays(start.where(use), np.where(use, steps, -1))
    else:
        computed = start + pd.to_timedelta(steps, unit="D")
    return due.where(~use, computed), due_ok | use


def _numbers(ctx: Context, name: str | None) -> pd.Series:
    """A number or percent field as floats (percent in points), NaN where not readable or absent."""
    index = ctx.table.frame.index
    if not name or not ctx.has(name):
        return pd.Series(np.nan, index=index, dtype=float)
    p = ctx.parsed[name]
    return p.values.where(p.valid).astype(float)


def _texts(ctx: Context, name: str | None) -> pd.Series:
    """A field as display text, None where empty or absent (never NaN, so JSON stays null)."""
    index = ctx.table.frame.index
    out = pd.Series(None, index=index, dtype=object)
    if not name or not ctx.has(name):
        return out
    p = ctx.parsed[name]
    valid = p.valid.to_numpy()
    values = p.values[valid]
    if TYPES[ctx.register.field(name).type].kind != "text":  # an owner column typed as a number, say
        values = values.map(display)
    out[valid] = values.to_numpy(dtype=object)
    return _masked(ctx, name, out)


def _masked(ctx: Context, name: str | None, texts: pd.Series) -> pd.Series:
    """Texts of a `mask: true` field masked (digests, reminders, flag JSON all take them from here)."""
    if not name or not ctx.register.field(name).options.get("mask"):
        return texts
    return texts.map(lambda v: None if v is None else mask_text(str(v)))


def _expected_progress(ctx: Context, start_name: str | None, due: pd.Series, due_ok: np.ndarray,
                       now: pd.Timestamp) -> pd.Series:
    """序时进度: the share of calendar time from start to due that has passed, in points 0..100;
    NaN where start or due is missing or due is not after start."""
    start, start_ok = _dates(ctx, start_name)
    span = (due - start).dt.days.astype(float)
    usable = due_ok & start_ok & (span > 0).to_numpy()
    elapsed = (now - start).dt.days.astype(float)
    share = (elapsed / span.where(usable)).clip(0, 1) * 100
    return share.where(usable)


def _plain(value: object) -> object:
    """None for a missing cell value, whatever form the missing value took."""
    return None if value is None or (isinstance(value, float) and value != value) else value
