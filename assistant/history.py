"""The history of deadline statuses: one SQLite file (.assistant/history.sqlite) in which every
`flag` cycle records the status of every tracked item, so reports can compare periods, count items
closed in a period and say when an item first became overdue.

Compact: only changes are stored. An item is one key of one (workbook, register) pair; `states`
holds one row per stretch of days in which the item kept the same status, due date, done date,
unit, owner and leader: from `since` (the cycle that saw it so first) up to `until` (the cycle
that saw it change; NULL while it lasts), with the status it had before (`previous`). An item gone
from its register (deleted, or its key emptied) has its stretch closed and a marker row with
status NULL and since = until = that day, so every change, removals included, is one row whose
`since` is the day of the change. Working days left are not stored (they change daily): they
follow from `due` and the calendar (`days_left`). Days are stored as day numbers (days since
1970-01-01, as calendar.py counts them: 20759 is 2026-11-02), a third of ISO text's size.

    with History(config.state_dir / FILENAME) as history:
        history.record(today, [snapshot(frame, workbook, register), ...])   # assistant/snapshots.py
        now = history.state_at(day)             # every item as the latest cycle on or before day saw it
        moved = history.changes(period.start, period.until(today))

History moves forward only: a cycle dated before the latest recorded one is refused (with a notice);
the same day again replaces that day's recording of the pairs it holds (the last run of a day wins).
Queries are SQL over indexed columns into pandas frames, no per-item Python; a report reads while
`flag` records (WAL, assistant/store.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from assistant.i18n import tr
from assistant.snapshots import DATES, VALUES, Snapshot, cycle_items, diff
from assistant.store import SqliteFile, StoreError

if TYPE_CHECKING:
    from assistant.calendar import WorkCalendar

FILENAME = "history.sqlite"  # inside the working folder's state dir (.assistant/)
GROUPS = ("workbook", "register", "status", "unit", "owner", "leader")  # what `counts_at` counts by
# what `state_at` may give of an item besides its key: its stretch's since and values, the day it was
# first seen, whether that was its register's first cycle, and the first day it was seen overdue
ITEM_COLUMNS = ("since", *VALUES, "first_seen", "initial", "first_overdue")
_EPOCH = dt.date(1970, 1, 1)

# _MIGRATIONS[i] takes the file from user_version i to i + 1; append, never edit.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE cycles (
            day INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL, items INTEGER NOT NULL,
            untracked INTEGER NOT NULL)""",
        """CREATE TABLE pairs (
            id INTEGER PRIMARY KEY, workbook TEXT NOT NULL, register TEXT NOT NULL,
            first_day INTEGER NOT NULL, UNIQUE (workbook, register))""",
        """CREATE TABLE recorded (
            day INTEGER NOT NULL, pair INTEGER NOT NULL REFERENCES pairs, items INTEGER NOT NULL,
            untracked INTEGER NOT NULL, PRIMARY KEY (day, pair)) WITHOUT ROWID""",
        # key first: the same index finds an item by key alone (a timeline) and by pair and key
        """CREATE TABLE items (
            id INTEGER PRIMARY KEY, pair INTEGER NOT NULL REFERENCES pairs, key TEXT NOT NULL,
            UNIQUE (key, pair))""",
        """CREATE TABLE states (
            id INTEGER PRIMARY KEY, item INTEGER NOT NULL REFERENCES items, since INTEGER NOT NULL,
            until INTEGER, status TEXT, previous TEXT, due INTEGER, finished INTEGER, unit TEXT,
            owner TEXT, leader TEXT)""",
        "CREATE INDEX states_item ON states (item)",  # one item's timeline
        "CREATE INDEX states_since ON states (since)",  # the changes of a period
        "CREATE INDEX states_until ON states (until, since)",  # open on a day (_open_on)
        "CREATE INDEX states_overdue ON states (item, since) WHERE status = 'overdue'",
    ),
    (  # each item's first day and first overdue day kept with it: a report of 100,000 items reads
       # them with the items instead of every change since the history began
        "ALTER TABLE items ADD COLUMN first_day INTEGER",
        "ALTER TABLE items ADD COLUMN first_overdue INTEGER",
        "UPDATE items SET first_day = (SELECT MIN(since) FROM states WHERE item = items.id AND status IS NOT NULL),"
        " first_overdue = (SELECT MIN(since) FROM states WHERE item = items.id AND status = 'overdue')",
        "DROP INDEX states_overdue",
        "CREATE INDEX items_overdue ON items (first_overdue) WHERE first_overdue IS NOT NULL",
    ),
)


class HistoryError(StoreError):
    """The history file cannot be used; `reason`: 'locked', 'corrupt', 'too_new' or 'unreadable'."""


@dataclass(frozen=True)
class Recorded:
    """What `record` did. `notice`: why nothing was recorded, for the person who ran the cycle."""

    day: dt.date
    done: bool
    items: int = 0  # items of this cycle
    untracked: int = 0  # rows without a key, or repeating one: not in the history
    opened: int = 0  # stretches begun: new items and changed ones
    removed: int = 0  # items gone from their register
    notice: str | None = None


@dataclass(frozen=True)
class State:
    """Every item as it stood on `day`: as recorded on the latest cycle on or before it."""

    day: dt.date
    recorded: dt.date | None  # that cycle; None: `day` lies before the history began (items empty)
    items: pd.DataFrame  # workbook, register, key, since, status, due, finished, unit, owner, leader

    @property
    def known(self) -> bool:
        return self.recorded is not None


def _num(day: dt.date) -> int:
    """The day number of a date (a datetime or a pandas Timestamp counts by its date)."""
    return (dt.date(day.year, day.month, day.day) - _EPOCH).days


def _day(number: int | None) -> dt.date | None:
    return None if number is None else _EPOCH + dt.timedelta(days=int(number))


def _plain(df: pd.DataFrame) -> list[tuple]:
    """Rows as tuples for SQLite: every missing value None, numbers as Python ints."""
    return list(df.astype(object).where(df.notna(), None).itertuples(index=False, name=None))


class History(SqliteFile):
    _MIGRATIONS = _MIGRATIONS
    _ERROR = HistoryError
    _MESSAGES = "history"

    # --- recording ---------------------------------------------------------------------------

    def record(self, day: dt.date, snapshots: Iterable[Snapshot]) -> Recorded:
        """Record one cycle on `day` for the (workbook, register) pairs of `snapshots`, in one
        transaction: unchanged items write nothing, changed ones close their stretch and open one,
        items of these pairs absent now are closed. A day before the latest recorded is refused."""
        today = _num(day)
        snaps = list(snapshots)
        with self._write() as db:
            latest = db.execute("SELECT MAX(day) FROM cycles").fetchone()[0]
            if latest is not None and today < latest:
                return Recorded(day, False, notice=tr("history.behind", day=day, latest=_day(latest)))
            pairs = self._cycle_pairs(db, snaps, today)
            if latest == today:  # the last run of a day wins: this day's recording of these pairs undone
                self._undo(db, today)
            new, untracked = cycle_items(snaps, pairs)
            old = self._frame(db, f"SELECT s.id, s.item, i.pair, i.key, {_VALUES_SQL} FROM states s"
                                  f" JOIN items i ON i.id = s.item WHERE s.until IS NULL AND i.pair IN {_CYCLE}",
                              (), ("id", "item", "pair", "key", *VALUES))
            close, opened, removed = diff(new, old)
            db.executemany("UPDATE states SET until = ? WHERE id = ?", [(today, i) for i in close])
            fresh = opened["item"].isna().to_numpy()
            opened.loc[fresh, "item"] = self._item_ids(db, opened.loc[fresh, ["pair", "key"]], today)
            rows = pd.concat([opened.assign(since=today, until=None),
                              removed.assign(since=today, until=today, **dict.fromkeys(VALUES))])
            rows["item"] = rows["item"].astype("int64")
            db.executemany(f"INSERT INTO states (item, since, until, previous, {', '.join(VALUES)})"
                           f" VALUES (?, ?, ?, ?, {', '.join('?' * len(VALUES))})",
                           _plain(rows[["item", "since", "until", "previous", *VALUES]]))
            db.executemany("UPDATE items SET first_overdue = ? WHERE id = ? AND first_overdue IS NULL",
                           [(today, int(i)) for i in opened.loc[(opened["status"] == "overdue").to_numpy(), "item"]])
            if latest == today:  # items only this day's earlier run had seen
                db.execute(f"DELETE FROM items WHERE pair IN {_CYCLE}"
                           " AND NOT EXISTS (SELECT 1 FROM states WHERE states.item = items.id)")
            counts = new.groupby("pair").size()
            db.executemany("INSERT OR REPLACE INTO recorded (day, pair, items, untracked) VALUES (?, ?, ?, ?)",
                           [(today, p, int(counts.get(p, 0)), untracked.get(p, 0)) for p in pairs.values()])
            db.execute("INSERT OR REPLACE INTO cycles (day, recorded_at, items, untracked)"
                       " SELECT ?, ?, (SELECT COUNT(*) FROM states WHERE until IS NULL),"
                       " (SELECT COALESCE(SUM(untracked), 0) FROM recorded WHERE day = ?)",
                       (today, datetime.now(UTC).isoformat(timespec="seconds"), today))
        return Recorded(day, True, items=len(new), untracked=sum(untracked.values()),
                        opened=len(opened), removed=len(removed))

    def _cycle_pairs(self, db: sqlite3.Connection, snaps: Sequence[Snapshot],
                     today: int) -> dict[tuple[str, str], int]:
        """The pairs of this cycle, created on their first day; their ids also in temp.cycle_pairs."""
        keys = list(dict.fromkeys((s.workbook, s.register) for s in snaps))
        db.executemany("INSERT OR IGNORE INTO pairs (workbook, register, first_day) VALUES (?, ?, ?)",
                       [(*k, today) for k in keys])
        ids = {k: db.execute("SELECT id FROM pairs WHERE workbook = ? AND register = ?", k).fetchone()[0]
               for k in keys}
        db.execute("CREATE TEMP TABLE IF NOT EXISTS cycle_pairs (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.cycle_pairs")
        db.executemany("INSERT INTO temp.cycle_pairs (id) VALUES (?)", [(i,) for i in ids.values()])
        return ids

    def _undo(self, db: sqlite3.Connection, today: int) -> None:
        """Take back what the recording of `today` did to the pairs in temp.cycle_pairs: it is the
        latest day, so its stretches are those begun today, and those it closed end today."""
        these = f"item IN (SELECT id FROM items WHERE pair IN {_CYCLE})"
        db.execute(f"DELETE FROM states WHERE since = ? AND {these}", (today,))
        db.execute(f"UPDATE states SET until = NULL WHERE until = ? AND {these}", (today,))
        db.execute(f"UPDATE items SET first_overdue = NULL WHERE first_overdue = ? AND pair IN {_CYCLE}", (today,))
        db.execute(f"DELETE FROM recorded WHERE day = ? AND pair IN {_CYCLE}", (today,))

    def _item_ids(self, db: sqlite3.Connection, keys: pd.DataFrame, today: int) -> list[int]:
        """Ids of (pair, key) items, created (first seen today) where new; in the order of `keys`."""
        if keys.empty:
            return []
        db.execute("CREATE TEMP TABLE IF NOT EXISTS cycle_keys (n INTEGER PRIMARY KEY, pair INTEGER, key TEXT)")
        db.execute("DELETE FROM temp.cycle_keys")
        db.executemany("INSERT INTO temp.cycle_keys (n, pair, key) VALUES (?, ?, ?)",
                       ((n, int(p), k) for n, (p, k) in enumerate(zip(keys["pair"], keys["key"]))))
        db.execute("INSERT OR IGNORE INTO items (pair, key, first_day) SELECT pair, key, ? FROM temp.cycle_keys", (today,))
        return [row[0] for row in db.execute("SELECT i.id FROM temp.cycle_keys k JOIN items i"
                                             " ON i.key = k.key AND i.pair = k.pair ORDER BY k.n")]

    # --- queries -----------------------------------------------------------------------------

    def _frame(self, db: sqlite3.Connection | None, sql: str, args: Sequence[object],
               columns: Sequence[str], dates: Sequence[str] = ()) -> pd.DataFrame:
        """A query's rows as a frame; `dates` columns (day numbers) as datetime64, NaT where NULL."""
        with self._errors():
            cur = (db or self._conn).cursor()
            cur.row_factory = None  # plain tuples: faster than sqlite3.Row
            rows = cur.execute(sql, tuple(args)).fetchall()
        df = pd.DataFrame(rows, columns=list(columns), dtype=object)
        for name in dates:
            df[name] = pd.to_datetime(pd.to_numeric(df[name]), unit="D")
        return df

    def _named(self, sql: str, args: Sequence[object], columns: Sequence[str], dates: Sequence[str],
               register: str | None, workbook: str | None) -> pd.DataFrame:
        """Rows of `sql` (a SELECT of a pair id and then `columns`; "{only}" in its WHERE clauses
        narrows them to a register and workbook), with the pair named: workbook, register instead
        of its id (two strings a row fewer out of SQLite, where the values fetched are the cost)."""
        pairs = self._frame(None, "SELECT id, workbook, register FROM pairs", (), ("id", "workbook", "register"))
        only = ""
        if register is not None or workbook is not None:
            chosen = pairs["id"][(pairs["register"] == register if register is not None else True)
                                 & (pairs["workbook"] == workbook if workbook is not None else True)]
            only = f" AND i.pair IN ({', '.join(str(int(i)) for i in chosen)})"  # ids of ours: ints
        df = self._frame(None, sql.replace("{only}", only), args, ["pair", *columns], dates)
        at = pd.Index(pairs["id"]).get_indexer(df["pair"])
        named = {"workbook": pairs["workbook"].to_numpy()[at], "register": pairs["register"].to_numpy()[at]}
        return pd.concat([pd.DataFrame(named, index=df.index, dtype=object), df.drop(columns="pair")], axis=1)

    def _value(self, sql: str, *args: object) -> Any:
        with self._errors():
            return self._conn.execute(sql, args).fetchone()[0]

    def days(self) -> pd.DataFrame:
        """Each recorded cycle, oldest first: day, recorded_at (UTC, ISO), items open after it,
        untracked rows (without a key, or repeating one)."""
        return self._frame(None, "SELECT day, recorded_at, items, untracked FROM cycles ORDER BY day", (),
                           ("day", "recorded_at", "items", "untracked"), ("day",)).astype({"items": int, "untracked": int})

    def first_day(self) -> dt.date | None:
        """The first recorded cycle; None before any."""
        return _day(self._value("SELECT MIN(day) FROM cycles"))

    def pairs(self) -> pd.DataFrame:
        """Each (workbook, register) recorded: the first and the latest day it was (a township
        added to the district later begins later than the history)."""
        return self._frame(None, "SELECT p.workbook, p.register, p.first_day, MAX(r.day) FROM pairs p"
                                 " JOIN recorded r ON r.pair = p.id GROUP BY p.id ORDER BY p.workbook, p.register",
                           (), ("workbook", "register", "first_day", "last_day"), ("first_day", "last_day"))

    def _at(self, day: dt.date) -> dt.date | None:
        return _day(self._value("SELECT MAX(day) FROM cycles WHERE day <= ?", _num(day)))

    def state_at(self, day: dt.date, register: str | None = None, workbook: str | None = None,
                 statuses: Iterable[str] | None = None, columns: Sequence[str] | None = None) -> State:
        """Every item open on `day` (of a register and workbook, or all; of the given statuses, or
        any), as the latest cycle on or before `day` recorded it; before the first cycle,
        `recorded` is None and no item is listed. Columns: workbook, register, key and `columns`
        (some of ITEM_COLUMNS; default since, status, due, finished, unit, owner, leader); sorted
        by workbook, register, key. Fewer columns, less to fetch: what costs is the values."""
        at, n = self._at(day), _num(day)
        cols = list(columns) if columns is not None else ["since", *VALUES]
        if set(cols) - set(ITEM_COLUMNS):
            raise ValueError(f"columns must be some of {ITEM_COLUMNS}, not {cols!r}")
        wanted = () if statuses is None else tuple(statuses)
        among = "" if statuses is None else f" AND s.status IN ({', '.join('?' * len(wanted))})"
        picked = {"first_seen": "i.first_day", "initial": "i.first_day = p.first_day",
                  "first_overdue": f"CASE WHEN i.first_overdue <= {n} THEN i.first_overdue END"}
        items = self._named(_open_on(["i.key", *(picked.get(c, f"s.{c}") for c in cols)], [n], among),
                            (*wanted, *wanted), ("key", *cols),
                            [c for c in cols if c in (*DATES, "since", "first_seen", "first_overdue")],
                            register, workbook)
        if "initial" in cols:
            items["initial"] = items["initial"].astype(bool)
        return State(day, at, _sorted(items) if at else items.iloc[:0])

    def counts_at(self, day: dt.date | Sequence[dt.date], by: Sequence[str] = ("workbook", "register", "status"),
                  register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """How many items stood on `day` in each group of `by` (some of GROUPS), counted in SQL:
        the columns of `by` and `items`. Several days (a trend) in one pass: a `day` column first.
        A day before the first cycle counts nothing (see `state_at`)."""
        days = [day] if isinstance(day, dt.date) else list(day)
        cols = _columns(by, GROUPS)
        first = self.first_day()
        known = [_num(d) for d in days if first is not None and d >= first]
        if not known:
            return pd.DataFrame(columns=[*(() if isinstance(day, dt.date) else ("day",)), *by, "items"])
        df = self._count(_open_on(["d.day", *(f"s.{c}" for c in cols)], known), (), ["day", *by],
                         register, workbook)
        df["day"] = pd.to_datetime(pd.to_numeric(df["day"]), unit="D")
        return df.drop(columns="day") if isinstance(day, dt.date) else df

    def change_counts(self, start: dt.date, end: dt.date,
                      by: Sequence[str] = ("workbook", "register", "status", "previous"),
                      register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """How many changes `changes(start, end)` holds in each group of `by` (some of GROUPS,
        `previous` and `initial`), counted in SQL: items new, closed, newly overdue in a period."""
        cols = _columns(by, (*GROUPS, "previous", "initial"))
        picked = ["s.since = p.first_day AS initial" if c == "initial" else f"s.{c}" for c in cols]
        rows = f"SELECT {', '.join(['i.pair', *picked])} {_FROM} JOIN pairs p ON p.id = i.pair" \
               " WHERE s.since BETWEEN ? AND ?{only}"
        df = self._count(rows, (_num(start), _num(end)), by, register, workbook)
        return df.astype({"initial": bool}) if "initial" in by else df

    def _count(self, rows: str, args: Sequence[object], by: Sequence[str], register: str | None,
               workbook: str | None) -> pd.DataFrame:
        """The rows of `rows` (a SELECT of a pair id and the columns of `by` but workbook and
        register) counted by SQL per pair and group, then per group of `by` here."""
        cols = [c for c in by if c not in ("workbook", "register")]
        grouped = f"SELECT {', '.join(['pair', *cols, 'COUNT(*)'])} FROM ({rows}) GROUP BY {', '.join(['pair', *cols])}"
        df = self._named(grouped, args, [*cols, "items"], (), register, workbook)
        df = df.groupby(list(by), dropna=False, sort=True)["items"].sum().reset_index()
        keys = df[list(by)].astype(object)
        return keys.where(keys.notna(), None).assign(items=df["items"].astype(int))  # None, not NaN, as elsewhere

    def changes(self, start: dt.date, end: dt.date, register: str | None = None,
                workbook: str | None = None) -> pd.DataFrame:
        """Every change recorded from `start` to `end` (both included): workbook, register, key,
        day, status (None: the item left its register that day), previous (the status it had
        until that day; None: a new item, or one back after it had left), initial (True on the
        first cycle of its workbook and register: the start of its history rather than a change),
        due, finished, unit, owner, leader. A new due date, unit or person with the same status is
        a change too (status == previous). Sorted by day, workbook, register, key."""
        df = self._named(f"SELECT i.pair, i.key, s.since, s.status, s.previous, s.since = p.first_day,"
                         f" {_REST_SQL} {_FROM} JOIN pairs p ON p.id = i.pair WHERE s.since BETWEEN ? AND ?{{only}}",
                         (_num(start), _num(end)), ("key", "day", "status", "previous", "initial", *VALUES[1:]),
                         ("day", *DATES), register, workbook)
        df["initial"] = df["initial"].astype(bool)
        return df.sort_values(["day", "workbook", "register", "key"], kind="stable", ignore_index=True)

    def first_overdue(self, register: str | None = None, until: dt.date | None = None,
                      workbook: str | None = None) -> pd.DataFrame:
        """Per item ever recorded overdue (up to `until`), the first day it was: workbook,
        register, key, day; by workbook, register, key."""
        last = _num(until) if until is not None else 2 ** 31
        return _sorted(self._named("SELECT i.pair, i.key, i.first_overdue FROM items i"
                                   " WHERE i.first_overdue <= ?{only}", (last,), ("key", "day"), ("day",),
                                   register, workbook))

    def timeline(self, key: str, register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """Every stretch of the items with this key (in every workbook and register, or the given
        ones), in order: workbook, register, key, since, until, status (None: it left its register
        that day), previous, due, finished, unit, owner, leader."""
        df = self._named(f"SELECT i.pair, i.key, s.since, s.until, s.status, s.previous, {_REST_SQL} {_FROM}"
                         " WHERE i.key = ?{only}", (key,), ("key", "since", "until", "status", "previous", *VALUES[1:]),
                         ("since", "until", *DATES), register, workbook)
        return df.sort_values(["workbook", "register", "since"], kind="stable", ignore_index=True)

    def keys(self, register: str | None = None, workbook: str | None = None) -> list[str]:
        """Every key recorded (of a register and workbook): what "did you mean" picks from."""
        df = self._named("SELECT i.pair, i.key FROM items i WHERE 1{only}", (), ("key",), (), register, workbook)
        return sorted(set(df["key"]))


def _open_on(columns: Sequence[str], days: Sequence[int], among: str = "") -> str:
    """SELECT i.pair and `columns` of every stretch open on each of `days` (day numbers; `d.day`
    names the day): two ranges of the index on (until, since), the stretches still open and
    those closed after the first day, each read once and matched with the days there (SQLite
    alone would scan every stretch begun before them). `among` may take parameters, once a branch."""
    values = ", ".join(f"({int(n)})" for n in days)
    select = f"SELECT {', '.join(['i.pair', *columns])} FROM states s INDEXED BY states_until" \
             " JOIN items i ON i.id = s.item JOIN pairs p ON p.id = i.pair CROSS JOIN d" \
             f" WHERE s.since <= d.day AND s.since <= {max(days)}{among}{{only}} AND"
    return f"WITH d (day) AS (VALUES {values}) {select} s.until IS NULL" \
           f" UNION ALL {select} s.until > {min(days)} AND s.until > d.day"


def _columns(by: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """The columns of `by` counted in SQL (workbook and register are counted by pair)."""
    if not by or set(by) - set(allowed):
        raise ValueError(f"by must name some of {allowed}, not {by!r}")
    return [c for c in by if c not in ("workbook", "register")]


_VALUES_SQL = ", ".join(f"s.{v}" for v in VALUES)
_REST_SQL = ", ".join(f"s.{v}" for v in VALUES[1:])  # all but the status
_FROM = "FROM states s JOIN items i ON i.id = s.item"
_CYCLE = "(SELECT id FROM temp.cycle_pairs)"


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["workbook", "register", "key"], kind="stable", ignore_index=True)


def days_left(calendar: WorkCalendar, due: pd.Series, on: pd.Series | dt.date) -> pd.Series:
    """Working days from `on` (one day, or one per row) to `due` (docs/design.md §6), as on that
    day; NA where due or on is missing. One calendar pass, whatever the number of days."""
    if isinstance(on, dt.date):
        return calendar.days_left(due, on)
    known = pd.to_datetime(on).dropna()
    if known.empty:
        return pd.Series(pd.NA, index=due.index, dtype="Int64", name="days_left")
    ref = known.min().date()  # W(due) − W(on) = (W(due) − W(ref)) − (W(on) − W(ref))
    return (calendar.days_left(due, ref) - calendar.days_left(on, ref)).rename("days_left")
