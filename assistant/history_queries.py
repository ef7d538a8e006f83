"""Asking the status history (assistant/history.py, which writes it and holds its schema): the
state of every item on a day, counts on days, the changes of a period, first overdue days, one
item's timeline. SQL over indexed columns into pandas frames, no loop over items in Python; what
costs is the values fetched (about 5 µs a row of ten values), so counts are made in SQL and a
state can be asked for only the columns a report needs.

Dates come back as datetime64 (NaT where none), text as str or None.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assistant.snapshots import DATES, VALUES
from assistant.store import SqliteFile

GROUPS = ("workbook", "register", "status", "unit", "owner", "leader")  # what `counts_at` counts by
TALLIED = ("workbook", "register", "unit", "status")  # what each cycle's tallies count by
PEOPLE = ("unit", "owner", "leader")  # what `narrow` may narrow by
# what `state_at` may give of an item besides its key: its stretch's since and values, the day it was
# first seen, whether that was its register's first cycle, and the first day it was seen overdue
ITEM_COLUMNS = ("since", *VALUES, "first_seen", "initial", "first_overdue")
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class State:
    """Every item as it stood on `day`: as recorded on the latest cycle on or before it."""

    day: dt.date
    recorded: dt.date | None  # that cycle; None: `day` lies before the history began (items empty)
    items: pd.DataFrame  # workbook, register, key, since, status, due, finished, unit, owner, leader

    @property
    def known(self) -> bool:
        return self.recorded is not None


def day_number(day: dt.date) -> int:
    """The day number of a date (a datetime or a pandas Timestamp counts by its date)."""
    return (dt.date(day.year, day.month, day.day) - _EPOCH).days


def day_of(number: int | None) -> dt.date | None:
    return None if number is None else _EPOCH + dt.timedelta(days=int(number))


class HistoryQueries(SqliteFile):
    """The queries of the history file; `History` adds its schema and the recording of a cycle."""

    _where: tuple[tuple[str, str], ...] = ()  # (column, text): see `narrow`

    def narrow(self, where: Mapping[str, str]) -> None:
        """From now on count and list only the items whose unit, owner or leader, as recorded,
        equals the given text (a recipient's scope). `first_overdue`, `keys` and `timeline` are
        not narrowed; `errors_at` is empty when narrowed by owner or leader (not tallied so)."""
        if set(where) - set(PEOPLE):
            raise ValueError(f"narrow by some of {PEOPLE}, not {sorted(where)!r}")
        self._where = tuple(where.items())

    def _people(self, alias: str) -> str:
        """The narrowing as SQL conditions on the table `alias` (text as quoted SQL literals)."""
        return "".join(f" AND {alias}.{c} = '{v.replace(chr(39), chr(39) * 2)}'" for c, v in self._where)

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
               register: str | None, workbook: str | None, pair: str = "s.pair") -> pd.DataFrame:
        """Rows of `sql` (a SELECT of a pair id and then `columns`; "{only}" in its WHERE clauses
        narrows `pair` to a register and workbook), with the pair named: workbook, register instead
        of its id (two strings a row fewer out of SQLite, where the values fetched are the cost)."""
        pairs = self._frame(None, "SELECT id, workbook, register FROM pairs", (), ("id", "workbook", "register"))
        only = ""
        if register is not None or workbook is not None:
            chosen = pairs["id"][(pairs["register"] == register if register is not None else True)
                                 & (pairs["workbook"] == workbook if workbook is not None else True)]
            only = f" AND {pair} IN ({', '.join(str(int(i)) for i in chosen)})"  # ids of ours: ints
        if pair == "s.pair":
            only += self._people("s")
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
        return day_of(self._value("SELECT MIN(day) FROM cycles"))

    def pairs(self) -> pd.DataFrame:
        """Each (workbook, register) recorded: the first and the latest day it was (a township
        added to the district later begins later than the history)."""
        return self._frame(None, "SELECT p.workbook, p.register, p.first_day, MAX(r.day) FROM pairs p"
                                 " JOIN recorded r ON r.pair = p.id GROUP BY p.id ORDER BY p.workbook, p.register",
                           (), ("workbook", "register", "first_day", "last_day"), ("first_day", "last_day"))

    def cycle_on(self, day: dt.date) -> dt.date | None:
        """The latest cycle on or before `day`: what the history knows of that day; None before any."""
        return day_of(self._value("SELECT MAX(day) FROM cycles WHERE day <= ?", day_number(day)))

    def state_at(self, day: dt.date, register: str | None = None, workbook: str | None = None,
                 statuses: Iterable[str] | None = None, columns: Sequence[str] | None = None) -> State:
        """Every item open on `day` (of a register and workbook, or all; of the given statuses, or
        any), as the latest cycle on or before `day` recorded it; before the first cycle,
        `recorded` is None and no item is listed. Columns: workbook, register, key and `columns`
        (some of ITEM_COLUMNS; default since, status, due, finished, unit, owner, leader); sorted
        by workbook, register, key. Fewer columns, less to fetch: what costs is the values."""
        at, n = self.cycle_on(day), day_number(day)
        cols = list(columns) if columns is not None else ["since", *VALUES]
        if set(cols) - set(ITEM_COLUMNS):
            raise ValueError(f"columns must be some of {ITEM_COLUMNS}, not {cols!r}")
        wanted = () if statuses is None else tuple(statuses)
        among = "" if statuses is None else f" AND s.status IN ({', '.join('?' * len(wanted))})"
        picked = {"first_seen": "i.first_day", "initial": "i.first_day = p.first_day",
                  "first_overdue": f"CASE WHEN i.first_overdue <= {n} THEN i.first_overdue END"}
        items = self._named(_open_on(["i.key", *(picked.get(c, f"s.{c}") for c in cols)], [n], among,
                                     items=True, pairs="initial" in cols),
                            (*wanted, *wanted), ("key", *cols),
                            [c for c in cols if c in (*DATES, "since", "first_seen", "first_overdue")],
                            register, workbook)
        if "initial" in cols:
            items["initial"] = items["initial"].astype(bool)
        return State(day, at, _sorted(items) if at else items.iloc[:0])

    def state_counts(self, day: dt.date, where: Mapping[str, str], by: Sequence[str] = ("workbook", "unit"),
                     register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """How many items open on `day` meet each condition of `where` (a name and an SQL condition
        over the stretch's status, due, finished and since, dates as day numbers; "1": all), per
        group of `by` (some of GROUPS): the columns of `by` and one int column per condition.
        Counted in SQL; on a day no cycle came after (this week's bulletin), from the index of the
        stretches open now alone. Empty before the first cycle."""
        cols = _columns(by, GROUPS)
        if self.cycle_on(day) is None:
            return pd.DataFrame(columns=[*by, *where])
        n = day_number(day)
        latest = self._value("SELECT MAX(day) FROM cycles")
        picked = [f"s.{c}" for c in dict.fromkeys([*cols, "status", "due", "finished", "since"])]
        if n >= latest:  # open on n is open now: no stretch begins or ends after the latest cycle
            rows = f"SELECT {', '.join(['s.pair', *picked])} FROM states s INDEXED BY states_open WHERE s.until IS NULL{{only}}"
        else:
            rows = _open_on(picked, [n])
        counted = ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond in where.values())
        grouped = f"SELECT {', '.join(['pair', *cols])}, {counted} FROM ({rows}) GROUP BY {', '.join(['pair', *cols])}"
        return self._grouped(self._named(grouped, (), [*cols, *where], (), register, workbook), by, list(where))

    def new_counts(self, start: dt.date, end: dt.date, by: Sequence[str] = ("workbook", "unit"),
                   register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """How many items first seen from `start` to `end` are open on `end`, per group of `by`
        (some of GROUPS) as they stood on `end`: the columns of `by` and `items`. Those seen first
        on their register's first cycle are not counted: they were there when its history began."""
        cols = _columns(by, GROUPS)
        a, b = day_number(start), day_number(end)
        rows = (f"SELECT {', '.join(['s.pair', *(f's.{c}' for c in cols)])} FROM items i INDEXED BY items_first"
                f" JOIN pairs p ON p.id = i.pair JOIN states s ON s.item = i.id"
                f" WHERE i.first_day BETWEEN {a} AND {b} AND i.first_day != p.first_day"
                f" AND s.since <= {b} AND (s.until IS NULL OR s.until > {b}) AND s.status IS NOT NULL{{only}}")
        return self._count(rows, (), by, register, workbook)

    @staticmethod
    def _grouped(df: pd.DataFrame, by: Sequence[str], values: list[str], nullable: bool = False) -> pd.DataFrame:
        """Sums per pair and group added up per group of `by`: ints, or (`nullable`) Int64 with NA
        where every sum was NULL; None, not NaN, in the keys."""
        numbers = df[values].apply(pd.to_numeric).groupby([df[c] for c in by], dropna=False, sort=True)
        sums = numbers.sum(min_count=1).reset_index()
        keys = sums[list(by)].astype(object)
        return pd.concat([keys.where(keys.notna(), None),
                          sums[values].astype("Int64" if nullable else int)], axis=1)

    def counts_at(self, day: dt.date | Sequence[dt.date], by: Sequence[str] = ("workbook", "register", "status"),
                  register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """How many items stood on `day` in each group of `by` (some of GROUPS): the columns of
        `by` and `items`. Several days (a trend): a `day` column first. A day before the first
        cycle counts nothing (see `state_at`). By workbook, register, unit and status, the counts
        are the tallies each cycle stored (a lookup per day); by owner or leader, they are counted
        from the stretches: the first day from its open stretches and each later one from the
        changes in between (+1 a stretch begun, -1 one ended), so the window is read once."""
        days = [day] if isinstance(day, dt.date) else list(day)
        _columns(by, GROUPS)
        first = self.first_day()
        known = sorted({day_number(d) for d in days if first is not None and d >= first})
        if not known:
            df = pd.DataFrame(columns=["day", *by, "items"])
        elif set(by) <= set(TALLIED) and self._tallied_narrowing():
            df = self._tallied(known, by, "items", register, workbook)
            df = df[df["items"] > 0].reset_index(drop=True)
        else:
            df = self._counted(known, by, register, workbook)
        return df.drop(columns="day") if isinstance(day, dt.date) else df

    def errors_at(self, day: dt.date, by: Sequence[str] = ("workbook", "unit"), register: str | None = None,
                  workbook: str | None = None) -> pd.DataFrame:
        """The error findings the latest cycle on or before `day` saw in the rows of each group of
        `by` (some of TALLIED; rows without a key included): the columns of `by` and `errors`,
        NA for a cycle recorded before errors were counted. Empty before the first cycle."""
        _columns(by, TALLIED)
        first = self.first_day()
        if first is None or day < first or not self._tallied_narrowing():
            return pd.DataFrame(columns=[*by, "errors"])
        return self._tallied([day_number(day)], by, "errors", register, workbook).drop(columns="day")

    def _tallied_narrowing(self) -> bool:
        """Whether the tallies can answer as narrowed: they count by unit, not by person."""
        return all(c == "unit" for c, _ in self._where)

    def _tallied(self, days: Sequence[int], by: Sequence[str], value: str, register: str | None,
                 workbook: str | None) -> pd.DataFrame:
        """The tallies' `value` (items or errors) summed by `by` on each of `days` (day numbers):
        per pair, those of the latest day on or before it that the pair was recorded."""
        cols = [c for c in by if c not in ("workbook", "register")]
        picked = "".join(", NULLIF(t.unit, '') AS unit" if c == "unit" else f", t.{c} AS {c}" for c in cols)
        values = ", ".join(f"({int(n)})" for n in days)
        rows = (f"WITH d (day) AS (VALUES {values}), at AS (SELECT d.day AS day, r.pair AS pair, MAX(r.day) AS rec"
                f" FROM d JOIN recorded r ON r.day <= d.day{{only}} GROUP BY d.day, r.pair)"
                f" SELECT at.pair AS pair, at.day AS day{picked}, t.{value} AS n"
                f" FROM at JOIN tallies t ON t.pair = at.pair AND t.day = at.rec{self._people('t')}")
        df = self._count(rows, (), [*by, "day"], register, workbook, total="SUM(n)", pair="r.pair", value=value)
        df["day"] = pd.to_datetime(df["day"].astype("int64"), unit="D")
        return df[["day", *by, value]].sort_values(["day", *by], kind="stable", ignore_index=True)

    def _counted(self, known: list[int], by: Sequence[str], register: str | None,
                 workbook: str | None) -> pd.DataFrame:
        """counts_at from the stretches (any of GROUPS): day, `by`, items."""
        cols = _columns(by, GROUPS)
        parts = [self._count(_open_on([f"s.{c}" for c in cols], known[:1]), (), by, register, workbook).assign(k=0)]
        if len(known) > 1:
            lo, hi, picked = known[0], known[-1], "".join(f", s.{c}" for c in cols)
            moves = (f"SELECT s.pair{picked}, s.since AS day, 1 AS n FROM states s INDEXED BY states_since"
                     f" WHERE s.since > {lo} AND s.since <= {hi} AND s.status IS NOT NULL{{only}} UNION ALL"
                     f" SELECT s.pair{picked}, s.until, -1 FROM states s INDEXED BY states_until"
                     f" WHERE s.until > {lo} AND s.until <= {hi} AND s.status IS NOT NULL{{only}}")
            ev = self._count(moves, (), [*by, "day"], register, workbook, total="SUM(n)")
            parts.append(ev.assign(k=np.searchsorted(known, ev["day"].astype(int))).drop(columns="day"))
        table = (pd.concat(parts).groupby([*by, "k"], dropna=False)["items"].sum()
                 .unstack("k", fill_value=0).reindex(columns=range(len(known)), fill_value=0).cumsum(axis=1))
        df = table.stack().rename("items").reset_index()
        df = df[df["items"] > 0]
        keys = df[list(by)].astype(object)
        return pd.concat([pd.DataFrame({"day": pd.to_datetime(np.asarray(known)[df["k"].to_numpy()], unit="D")},
                                       index=df.index), keys.where(keys.notna(), None),
                          df["items"].astype(int)], axis=1).sort_values(["day", *by], kind="stable", ignore_index=True)

    def change_counts(self, start: dt.date, end: dt.date,
                      by: Sequence[str] = ("workbook", "register", "status", "previous"),
                      register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """How many changes `changes(start, end)` holds in each group of `by` (some of GROUPS,
        `previous` and `initial`), counted in SQL: items new, closed, newly overdue in a period."""
        cols = _columns(by, (*GROUPS, "previous", "initial"))
        picked = ["s.since = p.first_day AS initial" if c == "initial" else f"s.{c}" for c in cols]
        rows = f"SELECT {', '.join(['s.pair', *picked])} FROM states s JOIN pairs p ON p.id = s.pair" \
               " WHERE s.since BETWEEN ? AND ?{only}"
        df = self._count(rows, (day_number(start), day_number(end)), by, register, workbook)
        return df.astype({"initial": bool}) if "initial" in by else df

    def _count(self, rows: str, args: Sequence[object], by: Sequence[str], register: str | None,
               workbook: str | None, total: str = "COUNT(*)", pair: str = "s.pair", value: str = "items") -> pd.DataFrame:
        """The rows of `rows` (a SELECT of a pair id and the columns of `by` but workbook and
        register; `pair` names its pair column for "{only}") counted (`total`) by SQL per pair and
        group, then per group of `by` here: the columns of `by` and `value`, an int, or NA where
        every sum was NULL (errors not counted)."""
        cols = [c for c in by if c not in ("workbook", "register")]
        grouped = f"SELECT {', '.join(['pair', *cols, total])} FROM ({rows}) GROUP BY {', '.join(['pair', *cols])}"
        df = self._named(grouped, args, [*cols, value], (), register, workbook, pair=pair)
        return self._grouped(df, by, [value], nullable=value != "items")  # items are never NULL

    def changes(self, start: dt.date, end: dt.date, register: str | None = None,
                workbook: str | None = None) -> pd.DataFrame:
        """Every change recorded from `start` to `end` (both included): workbook, register, key,
        day, status (None: the item left its register that day), previous (the status it had
        until that day; None: a new item, or one back after it had left), initial (True on the
        first cycle of its workbook and register: the start of its history rather than a change),
        due, finished, unit, owner, leader. A new due date, unit or person with the same status is
        a change too (status == previous). Sorted by day, workbook, register, key."""
        df = self._named(f"SELECT s.pair, i.key, s.since, s.status, s.previous, s.since = p.first_day,"
                         f" {_REST_SQL} {_FROM} JOIN pairs p ON p.id = s.pair WHERE s.since BETWEEN ? AND ?{{only}}",
                         (day_number(start), day_number(end)), ("key", "day", "status", "previous", "initial", *VALUES[1:]),
                         ("day", *DATES), register, workbook)
        df["initial"] = df["initial"].astype(bool)
        return df.sort_values(["day", "workbook", "register", "key"], kind="stable", ignore_index=True)

    def first_overdue(self, register: str | None = None, until: dt.date | None = None,
                      workbook: str | None = None) -> pd.DataFrame:
        """Per item ever recorded overdue (up to `until`), the first day it was: workbook,
        register, key, day; by workbook, register, key."""
        last = day_number(until) if until is not None else 2 ** 31
        return _sorted(self._named("SELECT i.pair, i.key, i.first_overdue FROM items i"
                                   " WHERE i.first_overdue <= ?{only}", (last,), ("key", "day"), ("day",),
                                   register, workbook, pair="i.pair"))

    def timeline(self, key: str, register: str | None = None, workbook: str | None = None) -> pd.DataFrame:
        """Every stretch of the items with this key (in every workbook and register, or the given
        ones), in order: workbook, register, key, since, until, status (None: it left its register
        that day), previous, due, finished, unit, owner, leader."""
        df = self._named(f"SELECT s.pair, i.key, s.since, s.until, s.status, s.previous, {_REST_SQL} {_FROM}"
                         " WHERE i.key = ?{only}", (key,), ("key", "since", "until", "status", "previous", *VALUES[1:]),
                         ("since", "until", *DATES), register, workbook)
        return df.sort_values(["workbook", "register", "since"], kind="stable", ignore_index=True)

    def keys(self, register: str | None = None, workbook: str | None = None) -> list[str]:
        """Every key recorded (of a register and workbook): what "did you mean" picks from."""
        df = self._named("SELECT i.pair, i.key FROM items i WHERE 1{only}", (), ("key",), (), register, workbook,
                         pair="i.pair")
        return sorted(set(df["key"]))


def _open_on(columns: Sequence[str], days: Sequence[int], among: str = "", items: bool = False,
             pairs: bool = False) -> str:
    """SELECT s.pair and `columns` of every stretch open on each of `days` (day numbers; `d.day`
    names the day; `i` the item, `p` the pair when asked for): two ranges of the index on
    (until, since, pair, status), the stretches still open and those closed after the first day,
    each read once and matched with the days there (SQLite alone would scan every stretch begun
    before them); counts by pair and status need nothing but the index. `among` may take
    parameters, once a branch."""
    values = ", ".join(f"({int(n)})" for n in days)
    joins = (" JOIN items i ON i.id = s.item" if items else "") + (" JOIN pairs p ON p.id = s.pair" if pairs else "")
    select = f"SELECT {', '.join(['s.pair', *columns])} FROM states s INDEXED BY states_until{joins} CROSS JOIN d" \
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


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["workbook", "register", "key"], kind="stable", ignore_index=True)
