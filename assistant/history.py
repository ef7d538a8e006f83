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

Each cycle also stores its `tallies`: per pair, unit and status, how many items it tracked and how
many error findings their rows held (rows without a key too). Counts on past days (a trend, the
end of last week) are then lookups, not a walk through the stretches; and the data errors of a
unit's rows, which the stretches do not keep, are there for the bulletin's score.

    with History(config.state_dir / FILENAME) as history:
        history.record(today, [snapshot(frame, workbook, register), ...])   # assistant/snapshots.py
        now = history.state_at(day)             # every item as the latest cycle on or before day saw it
        moved = history.changes(period.start, period.until(today))
        trend = history.counts_at(days, by=("status",))   # from the tallies

History moves forward only: a cycle dated before the latest recorded one is refused (with a notice);
the same day again replaces that day's recording of the pairs it holds (the last run of a day wins).
The queries (assistant/history_queries.py) are SQL over indexed columns into pandas frames, no
per-item Python; a report reads while `flag` records (WAL, assistant/store.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd

from assistant.history_queries import HistoryQueries, day_number, day_of
from assistant.i18n import tr
from assistant.snapshots import VALUES, Snapshot, cycle_items, diff
from assistant.store import StoreError

if TYPE_CHECKING:
    from assistant.calendar import WorkCalendar

FILENAME = "history.sqlite"  # inside the working folder's state dir (.assistant/)

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
    (  # each stretch names its pair, and the index of stretches open on a day holds pair and status:
       # counts by workbook and status are read from the index alone, without the items
        "ALTER TABLE states ADD COLUMN pair INTEGER REFERENCES pairs",
        "UPDATE states SET pair = (SELECT pair FROM items WHERE items.id = states.item)",
        "DROP INDEX states_until",
        "CREATE INDEX states_until ON states (until, since, pair, status)",
    ),
    (  # tallies: per cycle and pair, the items and the data errors by unit and status, so counts on
       # days (a trend, last week's end) are lookups; filled here for the cycles recorded before,
       # without errors (not known then). And two indexes: the stretches open now with what a
       # bulletin counts (read from the index alone), the items by the day they were first seen.
        """CREATE TABLE tallies (
            pair INTEGER NOT NULL REFERENCES pairs, day INTEGER NOT NULL, status TEXT NOT NULL,
            unit TEXT NOT NULL, items INTEGER NOT NULL, errors INTEGER,
            PRIMARY KEY (pair, day, status, unit)) WITHOUT ROWID""",
        "CREATE INDEX recorded_pair ON recorded (pair, day)",
        # each (pair, unit, status)'s count after each day it changed (+1 a stretch begun, -1 one
        # ended, summed in order), given to the days its pair was recorded until the next change
        """INSERT INTO tallies (pair, day, status, unit, items)
            SELECT c.pair, r.day, c.status, c.unit, c.n FROM (
                SELECT pair, unit, status, day, SUM(d) OVER w AS n, LEAD(day) OVER w AS next FROM (
                    SELECT pair, unit, status, day, SUM(n) AS d FROM (
                        SELECT pair, COALESCE(unit, '') AS unit, status, since AS day, 1 AS n FROM states
                            WHERE status IS NOT NULL
                        UNION ALL SELECT pair, COALESCE(unit, ''), status, until, -1 FROM states
                            WHERE status IS NOT NULL AND until IS NOT NULL)
                    GROUP BY pair, unit, status, day)
                WINDOW w AS (PARTITION BY pair, unit, status ORDER BY day)) c
            JOIN recorded r INDEXED BY recorded_pair ON r.pair = c.pair AND r.day >= c.day
                AND (c.next IS NULL OR r.day < c.next)
            WHERE c.n > 0""",
        "CREATE INDEX states_open ON states (pair, unit, status, due, finished, since) WHERE until IS NULL",
        "CREATE INDEX items_first ON items (first_day)",
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


def _plain(df: pd.DataFrame) -> list[tuple]:
    """Rows as tuples for SQLite: every missing value None, numbers as Python ints."""
    return list(df.astype(object).where(df.notna(), None).itertuples(index=False, name=None))


class History(HistoryQueries):
    _MIGRATIONS = _MIGRATIONS
    _ERROR = HistoryError
    _MESSAGES = "history"

    def record(self, day: dt.date, snapshots: Iterable[Snapshot]) -> Recorded:
        """Record one cycle on `day` for the (workbook, register) pairs of `snapshots`, in one
        transaction: unchanged items write nothing, changed ones close their stretch and open one,
        items of these pairs absent now are closed. A day before the latest recorded is refused."""
        today = day_number(day)
        snaps = list(snapshots)
        with self._write() as db:
            latest = db.execute("SELECT MAX(day) FROM cycles").fetchone()[0]
            if latest is not None and today < latest:
                return Recorded(day, False, notice=tr("history.behind", day=day, latest=day_of(latest)))
            pairs = self._cycle_pairs(db, snaps, today)
            if latest == today:  # the last run of a day wins: this day's recording of these pairs undone
                self._undo(db, today)
            cycle = cycle_items(snaps, pairs)
            new, untracked = cycle.items, cycle.untracked
            old = self._frame(db, f"SELECT s.id, s.item, s.pair, i.key, {_VALUES_SQL} FROM states s"
                                  f" JOIN items i ON i.id = s.item WHERE s.until IS NULL AND s.pair IN {_CYCLE}",
                              (), ("id", "item", "pair", "key", *VALUES))
            close, opened, removed = diff(new, old)
            db.executemany("UPDATE states SET until = ? WHERE id = ?", [(today, i) for i in close])
            fresh = opened["item"].isna().to_numpy()
            opened.loc[fresh, "item"] = self._item_ids(db, opened.loc[fresh, ["pair", "key"]], today)
            rows = pd.concat([opened.assign(since=today, until=None),
                              removed.assign(since=today, until=today, **dict.fromkeys(VALUES))])
            rows = rows.astype({"item": "int64", "pair": "int64"})
            db.executemany(f"INSERT INTO states (item, pair, since, until, previous, {', '.join(VALUES)})"
                           f" VALUES (?, ?, ?, ?, ?, {', '.join('?' * len(VALUES))})",
                           _plain(rows[["item", "pair", "since", "until", "previous", *VALUES]]))
            db.executemany("UPDATE items SET first_overdue = ? WHERE id = ? AND first_overdue IS NULL",
                           [(today, int(i)) for i in opened.loc[(opened["status"] == "overdue").to_numpy(), "item"]])
            if latest == today:  # items only this day's earlier run had seen
                db.execute(f"DELETE FROM items WHERE pair IN {_CYCLE}"
                           " AND NOT EXISTS (SELECT 1 FROM states WHERE states.item = items.id)")
            db.executemany("INSERT INTO tallies (pair, day, status, unit, items, errors) VALUES (?, ?, ?, ?, ?, ?)",
                           _plain(cycle.tallies.assign(day=today)[["pair", "day", "status", "unit", "items", "errors"]]))
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
        db.execute(f"DELETE FROM states WHERE since = ? AND pair IN {_CYCLE}", (today,))
        db.execute(f"UPDATE states SET until = NULL WHERE until = ? AND pair IN {_CYCLE}", (today,))
        db.execute(f"UPDATE items SET first_overdue = NULL WHERE first_overdue = ? AND pair IN {_CYCLE}", (today,))
        db.execute(f"DELETE FROM recorded WHERE day = ? AND pair IN {_CYCLE}", (today,))
        db.execute(f"DELETE FROM tallies WHERE day = ? AND pair IN {_CYCLE}", (today,))

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

_VALUES_SQL = ", ".join(f"s.{v}" for v in VALUES)
_CYCLE = "(SELECT id FROM temp.cycle_pairs)"


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
