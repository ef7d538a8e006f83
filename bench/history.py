#!/usr/bin/env python
"""Benchmark: a year of weekly `flag` cycles of a district recorded in the status history.

Prints figures; it is never a pass/fail test. Run it from the repository:

    python bench/history.py                                 # 200 townships × 500 tasks × 52 weeks
    python bench/history.py --townships 20 --weeks 12       # a quick look
    python bench/history.py --keep /tmp/history.sqlite      # keep the file to look at

What it does (seeded, so two runs store the same rows):

1. Each township's task register starts with --tasks open tasks (due 1 to 12 weeks ahead) and
   takes new tasks every week, as many as it archived, plus a few (a busy register: a task lives
   about ten weeks, so about a tenth of the register is new each week). Every Monday each task
   is judged as `flag` judges it: done (on time or late) once finished, overdue after its due
   date, due soon within three working days of it, on track before; about a fifth of the tasks
   run late, a few have their deadline extended or change owner. A task done four weeks ago
   leaves the register (archived), so a register keeps about --tasks rows.
2. Each cycle goes through the history's own API, as `flag` records: one `Snapshot` per
   township (plain lists, built vectorised here, not timed), `History.record(day, snapshots)`
   timed as a whole (one transaction, WAL, synchronous = FULL).
3. Then the queries a district bulletin makes, each timed best of 3 on a fresh connection:
   `state_at` on the last day and on a day in mid-year (all items, the overdue ones, the columns a
   bulletin reads, the week before's statuses), a trend of 8 weeks of counts,
   `counts_at` (the tallies; by owner, from the stretches), the bulletin's `state_counts`,
   `new_counts` and `errors_at`, `changes` over the last week and the last quarter and
   `change_counts` over the quarter (counted in SQL),
   `first_overdue`, `timeline` of one key, `days`.

It prints the file's size, the rows stored against the rows full snapshots would have stored,
record time per cycle (first, median, slowest) and the query times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_large import GIVEN, SURNAMES, UNITS  # noqa: E402

from assistant.history import History  # noqa: E402
from assistant.reports.bulletin_figures import conditions  # noqa: E402
from assistant.snapshots import COLUMNS, Snapshot  # noqa: E402

FIRST_MONDAY = dt.date(2026, 1, 5)
ARCHIVE_AFTER = 28  # days a done task stays in the register
BULLETIN = ["status", "due", "finished", "unit", "owner", "leader", "first_seen", "initial", "first_overdue"]
STATUS = np.array(["on_track", "due_soon", "overdue", "done", "done_late"], dtype=object)


class District:
    """Every township's tasks as numpy columns (one row per task ever created)."""

    def __init__(self, townships: int, tasks: int, rng: np.random.Generator):
        self.rng, self.townships, self.tasks = rng, townships, tasks
        self.names = np.array([f"镇{t:03d}" for t in range(townships)], dtype=object)
        people = np.array([s + g for s in SURNAMES for g in GIVEN], dtype=object)
        self.people, self.units = people, np.array(UNITS, dtype=object)
        self.town = np.zeros(0, dtype=np.int64)
        self.number = np.zeros(0, dtype=np.int64)
        self.due = np.zeros(0, dtype=np.int64)  # day numbers (days since 1970-01-01)
        self.done = np.zeros(0, dtype=np.int64)  # the day it will be / was finished
        self.unit = np.zeros(0, dtype=np.int64)
        self.owner = np.zeros(0, dtype=np.int64)
        self.leader = np.zeros(0, dtype=np.int64)
        self.count = np.zeros(townships, dtype=np.int64)  # tasks created per township
        self.add(np.full(townships, tasks), _day(FIRST_MONDAY))

    def add(self, per_town: np.ndarray, today: int) -> None:
        n = int(per_town.sum())
        town = np.repeat(np.arange(self.townships), per_town)
        start = np.concatenate([[0], np.cumsum(per_town)[:-1]])
        number = self.count[town] + np.arange(n) - np.repeat(start, per_town) + 1
        self.count += per_town
        due = today + self.rng.integers(7, 84, n)
        # most are finished some days before their due date; about a fifth after it
        late = self.rng.random(n) < 0.2
        done = np.where(late, due + self.rng.integers(1, 20, n), due - self.rng.integers(0, 30, n))
        done = np.maximum(done, today + 1)
        for name, values in (("town", town), ("number", number), ("due", due), ("done", done),
                             ("unit", self.rng.integers(0, len(self.units), n)),
                             ("owner", self.rng.integers(0, len(self.people), n)),
                             ("leader", self.rng.integers(0, 40, n))):
            setattr(self, name, np.concatenate([getattr(self, name), values]))

    def week(self, today: int) -> None:
        """A week's edits before the cycle: a few deadlines extended, owners changed, new tasks."""
        live = self.done > today
        extend = live & (self.rng.random(len(self.due)) < 0.01)
        self.due[extend] += 14
        self.done[extend] += 14
        self.owner[live & (self.rng.random(len(self.due)) < 0.005)] = self.rng.integers(0, len(self.people))
        in_register = self.done + ARCHIVE_AFTER > today
        per_town = np.bincount(self.town[in_register], minlength=self.townships)
        self.add(np.maximum(self.tasks - per_town, 0) + self.rng.integers(0, 6, self.townships), today)

    def snapshots(self, today: int) -> list[Snapshot]:
        """Each township's register as `flag` judges it on `today`."""
        keep = self.done + ARCHIVE_AFTER > today  # archived tasks have left the register
        idx = np.flatnonzero(keep)
        due, done = self.due[idx], self.done[idx]
        finished = done <= today
        status = np.select([finished & (done > due), finished, due < today, due - today <= 4],
                           [4, 3, 2, 1], 0)
        columns = {  # as `snapshot` makes them from flag's frames: dates as day numbers
            "key": np.array([f"DB-2026-{n:05d}" for n in self.number[idx]], dtype=object),
            "status": STATUS[status],
            "due": due.astype(object),
            "finished": np.where(finished, done, None),
            "unit": self.units[self.unit[idx]],
            "owner": self.people[self.owner[idx]],
            "leader": self.people[self.leader[idx]],
        }
        errors = (self.number[idx] % 50 == 0).astype(int)  # a data error in one task of 50, as check finds them
        town = self.town[idx]
        order = np.argsort(town, kind="stable")
        bounds = np.searchsorted(town[order], np.arange(self.townships + 1))
        out = []
        for t in range(self.townships):
            rows = order[bounds[t]:bounds[t + 1]]
            out.append(Snapshot(str(self.names[t]), "tasks", {c: columns[c][rows].tolist() for c in COLUMNS},
                                errors[rows].tolist()))
        return out


def _day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--townships", type=int, default=200)
    ap.add_argument("--tasks", type=int, default=500, help="tasks in each register (about)")
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--keep", type=Path, help="write the history here (replaced) and keep it")
    args = ap.parse_args()

    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="history-bench-")
    path = args.keep.absolute() if args.keep else Path(tmp.name) / "history.sqlite"  # type: ignore[union-attr]
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    district = District(args.townships, args.tasks, np.random.default_rng(2026))
    times, snapshot_rows = [], 0
    days = [FIRST_MONDAY + dt.timedelta(weeks=w) for w in range(args.weeks)]
    with History(path) as history:
        for w, day in enumerate(days):
            if w:
                district.week(_day(day))
            snaps = district.snapshots(_day(day))
            snapshot_rows += sum(len(s.columns["key"]) for s in snaps)
            started = time.perf_counter()
            done = history.record(day, snaps)
            times.append(time.perf_counter() - started)
            if w % 13 == 0 or w == len(days) - 1:
                print(f"week {w + 1:2d} {day}: {done.items:,} items, {done.opened:,} stretches begun, "
                      f"{done.removed:,} left, recorded in {times[-1]:.2f} s", flush=True)
    rows = {}
    with History(path) as history:
        for table in ("states", "items", "cycles"):
            rows[table] = history._value(f"SELECT COUNT(*) FROM {table}")
    size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())

    last, mid = days[-1], days[len(days) // 2]
    week_before, weeks = last - dt.timedelta(weeks=1), days[-8:]
    quarter = last - dt.timedelta(days=90)
    queries = {
        f"state_at({last})": lambda h: h.state_at(last).items,
        f"state_at({mid})": lambda h: h.state_at(mid).items,
        f"state_at({last}, statuses=overdue)": lambda h: h.state_at(last, statuses=("overdue",)).items,
        f"state_at({last}, columns=status…leader, first_seen, initial, first_overdue)":
            lambda h: h.state_at(last, columns=BULLETIN).items,
        f"state_counts({last}) by workbook, unit: the bulletin's counts":
            lambda h: h.state_counts(last, conditions(last - dt.timedelta(days=6), last)),
        f"state_counts({mid}) by workbook, unit": lambda h: h.state_counts(mid, conditions(mid - dt.timedelta(days=6), mid)),
        f"new_counts({last - dt.timedelta(days=6)} … {last}) by workbook, unit":
            lambda h: h.new_counts(last - dt.timedelta(days=6), last),
        f"errors_at({last}) by workbook, unit": lambda h: h.errors_at(last),
        f"state_at({week_before}, columns=status)": lambda h: h.state_at(week_before, columns=["status"]).items,
        f"counts_at(8 weeks to {last}) by workbook, status": lambda h: h.counts_at(weeks, by=("workbook", "status")),
        f"counts_at({last}) by workbook, status": lambda h: h.counts_at(last, by=("workbook", "status")),
        f"counts_at({mid}) by workbook, unit, status": lambda h: h.counts_at(mid, by=("workbook", "unit", "status")),
        f"counts_at({last}) by workbook, owner (from the stretches)": lambda h: h.counts_at(last, by=("workbook", "owner")),
        f"changes({last - dt.timedelta(days=6)} … {last})": lambda h: h.changes(last - dt.timedelta(days=6), last),
        f"changes({quarter} … {last})": lambda h: h.changes(quarter, last),
        f"change_counts({quarter} … {last}) by workbook, status, previous":
            lambda h: h.change_counts(quarter, last),
        "first_overdue()": lambda h: h.first_overdue(),
        "changes(1970-01-02 … last): every change, once": lambda h: h.changes(dt.date(1970, 1, 2), last),
        "timeline('DB-2026-00001')": lambda h: h.timeline("DB-2026-00001"),
        "days()": lambda h: h.days(),
    }
    print()
    created = int(district.count.sum())
    print(f"townships {args.townships}, tasks per register about {args.tasks}, {args.weeks} weekly cycles; "
          f"{created:,} tasks in all, {(created - args.townships * args.tasks) / max(args.weeks - 1, 1):,.0f} new a week")
    print(f"file: {size / 2**20:.1f} MiB; rows stored: {rows['states']:,} stretches, {rows['items']:,} items "
          f"(full snapshots would be {snapshot_rows:,} rows: {snapshot_rows / max(rows['states'], 1):.1f}× more)")
    print(f"record per cycle: first {times[0]:.2f} s, median {statistics.median(times):.2f} s, "
          f"slowest {max(times):.2f} s, total {sum(times):.1f} s")
    print("| query | rows | best of 3 (\"once\": 1) |")
    print("| --- | --- | --- |")
    for name, query in queries.items():
        with History(path) as history:
            seconds, frame = timed(lambda q=query, h=history: q(h), 1 if "once" in name else 3)
        print(f"| `{name}` | {len(frame):,} | {seconds:.3f} s |")  # type: ignore[arg-type]
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
