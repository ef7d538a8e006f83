"""The ledger: one SQLite file (.assistant/ledger.sqlite) recording job runs and every send.

docs/design.md §7: a send is keyed by (job, recipient, period), so a rerun, a crash-restart or two
schedulers on the same folder never send the same digest twice. The protocol is at-most-once:

    claim = ledger.claim(job, recipient, period)   # None: delivered, or someone is sending
    if claim:
        try: mid = deliver(...)
        except DeliveryUncertain as exc: ledger.maybe_sent(claim, str(exc))  # never by itself
        except DeliveryError as exc: ledger.failed(claim, str(exc))    # the next run retries
        else: ledger.sent(claim, mid)

`claim` commits a 'sending' row *before* the delivery. A process that dies mid-send leaves the row
in 'sending', and a delivery that may have arrived (the server had the whole message, its answer
was lost) is recorded as 'uncertain': either way the outcome is unknown, so it is never repeated
automatically (`uncertain()` lists such rows for a person to look at; `force=True` sends anyway).
`claim_or_reason` says why not.
Recipients and periods are compared as given: pass a canonical form (e.g. a lower-case address).

Two processes may share the file: WAL journal, a busy timeout, and every decision taken inside
BEGIN IMMEDIATE (assistant/store.py). WAL needs a local disk, not a network share. One Ledger per
thread.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.store import SqliteFile, StoreError

FILENAME = "ledger.sqlite"  # inside the working folder's state dir (.assistant/)
MAX_TEXT = 500  # error and detail texts are cut to this many characters
RATE_MARGIN = 1.02  # a robot's window waited out a little longer than the platform counts it
NEW, RETRY, FORCE = "new", "retry", "force"  # why claim_or_reason granted a claim
ALREADY_SENT, IN_FLIGHT, MAYBE_SENT = "already_sent", "in_flight", "maybe_sent"  # why it did not

# _MIGRATIONS[i] takes the file from user_version i to i + 1; append, never edit.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL,
            finished_at TEXT, outcome TEXT, counts TEXT NOT NULL DEFAULT '{}', error TEXT,
            pid INTEGER)""",
        "CREATE INDEX runs_job ON runs (job, id)",
        """CREATE TABLE sends (
            id INTEGER PRIMARY KEY, job TEXT NOT NULL, recipient TEXT NOT NULL,
            period TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
            attempts INTEGER NOT NULL CHECK (attempts >= 1), last_error TEXT, message_id TEXT,
            detail TEXT NOT NULL DEFAULT '', run_id INTEGER, first_attempt_at TEXT NOT NULL,
            last_attempt_at TEXT NOT NULL, sent_at TEXT, UNIQUE (job, recipient, period))""",
        "CREATE INDEX sends_status ON sends (status, job)",
    ),
    (  # 'uncertain': the server had the whole message and its answer was lost (SQLite cannot
       # change a CHECK in place: the table is made again and the rows copied)
        """CREATE TABLE sends_2 (
            id INTEGER PRIMARY KEY, job TEXT NOT NULL, recipient TEXT NOT NULL,
            period TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'uncertain')),
            attempts INTEGER NOT NULL CHECK (attempts >= 1), last_error TEXT, message_id TEXT,
            detail TEXT NOT NULL DEFAULT '', run_id INTEGER, first_attempt_at TEXT NOT NULL,
            last_attempt_at TEXT NOT NULL, sent_at TEXT, UNIQUE (job, recipient, period))""",
        "INSERT INTO sends_2 SELECT id, job, recipient, period, status, attempts, last_error, message_id,"
        " detail, run_id, first_attempt_at, last_attempt_at, sent_at FROM sends",
        "DROP TABLE sends",
        "ALTER TABLE sends_2 RENAME TO sends",
        "CREATE INDEX sends_status ON sends (status, job)",
    ),
    (  # when each robot was posted to (Unix seconds): its rate limit holds across runs and processes
        "CREATE TABLE robot_posts (robot TEXT NOT NULL, at REAL NOT NULL)",
        "CREATE INDEX robot_posts_at ON robot_posts (robot, at)",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)


class LedgerError(StoreError):
    """The ledger file cannot be used; `reason`: 'locked', 'corrupt', 'too_new' or 'unreadable'."""


@dataclass(frozen=True)
class Claim:
    """Permission to send once: hand it back to `sent` or `failed`."""

    id: int
    job: str
    recipient: str
    period: str
    attempt: int  # 1 for the first try; the row's attempts counter after this claim
    reason: str  # NEW | RETRY | FORCE


def _decide(status: str, force: bool) -> tuple[bool, str]:
    """Whether a send already in the ledger with `status` may be claimed again, and why (not)."""
    if status == "failed":
        return True, RETRY
    if force:
        return True, FORCE
    return False, {"sent": ALREADY_SENT, "uncertain": MAYBE_SENT}.get(status, IN_FLIGHT)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Ledger(SqliteFile):
    _MIGRATIONS = _MIGRATIONS
    _ERROR = LedgerError
    _MESSAGES = "ledger"

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] = _utcnow,
                 timeout: float = 10.0):
        self.clock = clock
        super().__init__(path, timeout=timeout)

    def _now(self, when: datetime | None = None) -> str:
        when = self.clock() if when is None else when
        if when.tzinfo is None or when.utcoffset() is None:
            raise ValueError(f"ledger timestamps must be timezone-aware, got {when!r}")
        return when.isoformat(timespec="seconds")

    def _select(self, table: str, extra: str = "", order: str = "id", limit: int = -1,
                **equal: str | None) -> list[dict[str, Any]]:
        """Rows of `table` whose columns equal the given values (None: any), as dicts."""
        where = [f"{column} = ?" for column, value in equal.items() if value is not None]
        sql = f"SELECT * FROM {table} WHERE {' AND '.join(where + [extra or '1'])}"
        args = [value for value in equal.values() if value is not None]
        with self._errors():
            cur = self._conn.execute(f"{sql} ORDER BY {order} LIMIT ?", (*args, limit))
            return [dict(row) for row in cur.fetchall()]

    # --- sends -------------------------------------------------------------------------------

    def claim(self, job: str, recipient: str, period: str, *, force: bool = False,
              detail: str = "", run_id: int | None = None) -> Claim | None:
        """A Claim if this process may send now, else None (see `claim_or_reason`)."""
        return self.claim_or_reason(job, recipient, period, force=force, detail=detail,
                                    run_id=run_id)[0]

    def claim_or_reason(self, job: str, recipient: str, period: str, *, force: bool = False,
                        detail: str = "", run_id: int | None = None) -> tuple[Claim | None, str]:
        """(Claim, NEW | RETRY | FORCE) or (None, ALREADY_SENT | IN_FLIGHT | MAYBE_SENT), decided
        atomically.

        No row: NEW. 'failed': RETRY. 'sent', 'sending' (sending elsewhere now, or a process died
        mid-send) or 'uncertain': refused, unless `force`, which claims anyway (FORCE)."""
        for name, value in (("job", job), ("recipient", recipient), ("period", period)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        now, key = self._now(), (job, recipient, period)
        with self._write() as db:
            row = db.execute("SELECT id, status, attempts FROM sends"
                             " WHERE job = ? AND recipient = ? AND period = ?", key).fetchone()
            if row is None:
                cur = db.execute(
                    "INSERT INTO sends (job, recipient, period, status, attempts, detail, run_id,"
                    " first_attempt_at, last_attempt_at) VALUES (?, ?, ?, 'sending', 1, ?, ?, ?, ?)",
                    (*key, detail[:MAX_TEXT], run_id, now, now))
                assert cur.lastrowid is not None
                return Claim(cur.lastrowid, *key, 1, NEW), NEW
            granted, reason = _decide(row["status"], force)
            if not granted:
                return None, reason
            db.execute("UPDATE sends SET status = 'sending', attempts = attempts + 1,"
                       " last_attempt_at = ?, run_id = COALESCE(?, run_id),"
                       " detail = CASE WHEN ? = '' THEN detail ELSE ? END WHERE id = ?",
                       (now, run_id, detail, detail[:MAX_TEXT], row["id"]))
            # exact: nobody else writes while this transaction holds the lock
            return Claim(row["id"], *key, row["attempts"] + 1, reason), reason

    def peek(self, job: str, recipient: str, period: str, *, force: bool = False) -> tuple[bool, str]:
        """What `claim_or_reason` would decide now, without claiming anything (a dry run): (True,
        NEW | RETRY | FORCE) or (False, ALREADY_SENT | IN_FLIGHT | MAYBE_SENT). Nothing is written."""
        rows = self._select("sends", limit=1, job=job, recipient=recipient, period=period)
        return (True, NEW) if not rows else _decide(rows[0]["status"], force)

    def sent(self, claim: Claim, message_id: str) -> None:
        """The message went out. Recorded even if another claim superseded this one (force)."""
        with self._write() as db:
            db.execute("UPDATE sends SET status = 'sent', message_id = ?, sent_at = ?,"
                       " last_error = NULL WHERE id = ?", (message_id, self._now(), claim.id))

    def failed(self, claim: Claim, error: str) -> bool:
        """The message did not go out; the next run retries it. `error` must hold no secrets.

        False (nothing changed) when the claim is no longer current: a forced claim took over,
        or the send is already recorded as delivered."""
        with self._write() as db:
            cur = db.execute("UPDATE sends SET status = 'failed', last_error = ? WHERE id = ?"
                             " AND status = 'sending' AND attempts = ?",
                             (str(error)[:MAX_TEXT], claim.id, claim.attempt))
            return cur.rowcount == 1

    def maybe_sent(self, claim: Claim, error: str) -> bool:
        """The whole message reached the server but its answer was lost: it may have arrived, so
        it is never retried automatically (only `force`). `error` must hold no secrets. False
        (nothing changed) when the claim is no longer current, as for `failed`."""
        with self._write() as db:
            cur = db.execute("UPDATE sends SET status = 'uncertain', last_error = ? WHERE id = ?"
                             " AND status = 'sending' AND attempts = ?",
                             (str(error)[:MAX_TEXT], claim.id, claim.attempt))
            return cur.rowcount == 1

    def sends(self, job: str | None = None, *, status: str | None = None) -> list[dict[str, Any]]:
        """Send rows (every column), oldest first, optionally for one job and/or status."""
        return self._select("sends", job=job, status=status)

    def pending_failures(self, job: str | None = None) -> list[dict[str, Any]]:
        """Failed sends: the next run's `claim` retries them."""
        return self.sends(job, status="failed")

    def uncertain(self, job: str | None = None) -> list[dict[str, Any]]:
        """Sends whose outcome is unknown: 'sending' (being sent right now, or left by a process
        that died mid-send) and 'uncertain' (the server's answer to the whole message was lost)."""
        return self._select("sends", "status IN ('sending', 'uncertain')", job=job)

    # --- robots' rate limits -----------------------------------------------------------------

    def reserve_post(self, robot: str, now: float, per_minute: int, per_second: int | None = None) -> float:
        """Take a place in `robot`'s rate limit at Unix time `now`: 0 when taken (the post may go
        now), else the seconds to wait before asking again. Decided in one transaction, so two runs
        posting to the same robot at once share its limit."""
        with self._write() as db:
            db.execute("DELETE FROM robot_posts WHERE robot = ? AND at < ?", (robot, now - 3600))
            waits = []
            for count, window in ((per_minute, 60.0), (per_second, 1.0)):
                if count is None:
                    continue
                recent = [r[0] for r in db.execute("SELECT at FROM robot_posts WHERE robot = ? AND at > ?"
                                                   " ORDER BY at DESC LIMIT ?", (robot, now - window, count))]
                if len(recent) >= count:  # the oldest of the last `count` must leave the window first
                    waits.append(recent[-1] + window * RATE_MARGIN - now)
            if waits:
                return max(max(waits), 0.001)
            db.execute("INSERT INTO robot_posts (robot, at) VALUES (?, ?)", (robot, now))
            return 0.0

    # --- runs --------------------------------------------------------------------------------

    def run_started(self, job: str, started_at: datetime | None = None) -> int:
        with self._write() as db:
            cur = db.execute("INSERT INTO runs (job, started_at, pid) VALUES (?, ?, ?)",
                             (job, self._now(started_at), os.getpid()))
            assert cur.lastrowid is not None
            return cur.lastrowid

    def run_finished(self, run_id: int, finished_at: datetime | None = None, outcome: str = "ok",
                     counts: dict[str, Any] | None = None, error: str | None = None) -> None:
        text = json.dumps(counts or {}, ensure_ascii=False, sort_keys=True, default=str)
        error = None if error is None else error[:MAX_TEXT]
        with self._write() as db:
            cur = db.execute("UPDATE runs SET finished_at = ?, outcome = ?, counts = ?, error = ?"
                             " WHERE id = ?", (self._now(finished_at), outcome, text, error, run_id))
            if cur.rowcount != 1:
                raise ValueError(f"no run {run_id} in {self.path}")

    def runs(self, job: str | None = None, limit: int = 50, *,
             finished: bool = False) -> list[dict[str, Any]]:
        """Runs, newest first, `counts` decoded. `outcome` is None while a run is unfinished (or
        its process died); `finished=True` leaves those out."""
        rows = self._select("runs", "outcome IS NOT NULL" if finished else "", "id DESC", limit,
                            job=job)
        for row in rows:
            row["counts"] = json.loads(row["counts"])
        return rows

    def last_run(self, job: str, *, finished: bool = False) -> dict[str, Any] | None:
        """The latest run of `job` (the latest finished one with `finished=True`), or None."""
        rows = self.runs(job, limit=1, finished=finished)
        return rows[0] if rows else None
