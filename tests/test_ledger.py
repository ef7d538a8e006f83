"""The ledger on real SQLite files: at-most-once sends across reruns, crashes and rival
processes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.i18n import using
from assistant.ledger import ALREADY_SENT, FORCE, IN_FLIGHT, NEW, RETRY, SCHEMA_VERSION, Claim, Ledger, LedgerError

CST = timezone(timedelta(hours=8))
KEY = ("digest", "zhang@example.gov.cn", "2026-W47")


class Clock:
    """A controllable clock: starts at 08:30 Beijing time, moves only when told."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 16, 8, 30, tzinfo=CST)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "folder" / ".assistant" / "ledger.sqlite"


@pytest.fixture
def ledger(path: Path, clock: Clock):
    with Ledger(path, clock=clock) as led:
        yield led


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_new_file_has_folders_schema_version_and_wal(path: Path) -> None:
    Ledger(path).close()
    assert path.is_file()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sends", "runs"} <= tables
    db.close()


def test_claim_once_then_skip(ledger: Ledger, clock: Clock) -> None:
    claim, why = ledger.claim_or_reason(*KEY, detail="本周督办摘要")
    assert isinstance(claim, Claim) and why == NEW and claim.attempt == 1
    assert ledger.claim_or_reason(*KEY) == (None, IN_FLIGHT)  # not yet finished: still refused
    clock.tick(2)
    ledger.sent(claim, "<m1@example.gov.cn>")
    assert ledger.claim_or_reason(*KEY) == (None, ALREADY_SENT)
    assert ledger.claim(*KEY) is None
    [row] = ledger.sends()
    assert row["status"] == "sent" and row["attempts"] == 1
    assert row["message_id"] == "<m1@example.gov.cn>" and row["detail"] == "本周督办摘要"
    assert row["first_attempt_at"] == "2026-11-16T08:30:00+08:00"
    assert row["sent_at"] == "2026-11-16T08:32:00+08:00"
    # another recipient, job or period is another key
    assert ledger.claim("digest", "li@example.gov.cn", "2026-W47") is not None
    assert ledger.claim("digest", KEY[1], "2026-W48") is not None
    assert ledger.claim("remind", KEY[1], "2026-W47") is not None


def test_failed_send_is_retried_and_attempts_counted(ledger: Ledger, clock: Clock) -> None:
    first = ledger.claim(*KEY)
    assert first is not None
    assert ledger.failed(first, "SMTP 421 service not available " + "x" * 2000) is True
    [row] = ledger.pending_failures()
    assert row["status"] == "failed" and row["attempts"] == 1
    assert row["last_error"].startswith("SMTP 421") and len(row["last_error"]) == 500
    assert ledger.pending_failures("remind") == []

    clock.tick(60)
    second, why = ledger.claim_or_reason(*KEY)
    assert second is not None and why == RETRY and second.attempt == 2
    assert ledger.pending_failures() == [] and len(ledger.uncertain()) == 1
    ledger.failed(second, "timeout")
    third = ledger.claim(*KEY)
    assert third is not None and third.attempt == 3
    ledger.sent(third, "<m3@x>")
    [row] = ledger.sends("digest")
    assert row["status"] == "sent" and row["attempts"] == 3 and row["last_error"] is None
    assert row["first_attempt_at"] == "2026-11-16T08:30:00+08:00"
    assert row["last_attempt_at"] == "2026-11-16T09:30:00+08:00"
    assert ledger.claim(*KEY) is None


def test_force_resends_and_a_stale_claim_cannot_undo_it(ledger: Ledger) -> None:
    first = ledger.claim(*KEY)
    assert first is not None
    ledger.sent(first, "<m1@x>")
    forced, why = ledger.claim_or_reason(*KEY, force=True, detail="重发")
    assert forced is not None and why == FORCE and forced.attempt == 2
    ledger.sent(forced, "<m2@x>")
    [row] = ledger.sends()
    assert (row["status"], row["message_id"], row["attempts"]) == ("sent", "<m2@x>", 2)
    assert row["detail"] == "重发"
    # a failure reported on a claim that is no longer current changes nothing
    assert ledger.failed(forced, "late error") is False
    assert ledger.sends()[0]["status"] == "sent"


CRASH = """
import os, sys
from assistant.ledger import Ledger
claim = Ledger(sys.argv[1]).claim("digest", "zhang@example.gov.cn", "2026-W47")
print(claim.id, flush=True)
os._exit(9)   # dies mid-send: neither sent() nor failed(), no clean close
"""


def test_sending_left_by_a_crashed_process_is_not_claimed_again(path: Path) -> None:
    proc = run_python(CRASH, str(path))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 9, err
    with Ledger(path) as ledger:
        assert ledger.claim_or_reason(*KEY) == (None, IN_FLIGHT)
        [row] = ledger.uncertain()
        assert row["id"] == int(out) and row["status"] == "sending" and row["sent_at"] is None
        assert ledger.uncertain("remind") == []
        # a person who checked that the digest never arrived can send it anyway
        forced = ledger.claim(*KEY, force=True)
        assert forced is not None and forced.attempt == 2
        ledger.sent(forced, "<m@x>")
        assert ledger.uncertain() == []


RACER = """
import sys, time
from pathlib import Path
from assistant.ledger import Ledger
path, me, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
(folder / f"ready-{me}").touch()
while not (folder / "go").exists():
    time.sleep(0.001)
ledger = Ledger(path, timeout=30)          # the file does not exist yet: creation races too
claim, why = ledger.claim_or_reason("digest", "zhang@example.gov.cn", "2026-W47")
own = ledger.claim("digest", f"user{me}@example.gov.cn", "2026-W47")
print(why, own is not None)
"""


def test_rival_processes_racing_for_one_key_exactly_one_wins(tmp_path: Path) -> None:
    n = 8
    path, gate = tmp_path / "state" / "ledger.sqlite", tmp_path / "gate"
    gate.mkdir()
    procs = [run_python(RACER, str(path), str(i), str(gate)) for i in range(n)]
    deadline = time.monotonic() + 120
    while len(list(gate.glob("ready-*"))) < n:  # the barrier: all imported and waiting
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    (gate / "go").touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(out.split())
    assert sorted(why for why, _ in results) == [IN_FLIGHT] * (n - 1) + [NEW]
    assert all(own == "True" for _, own in results)  # nobody gave up on a busy lock
    with Ledger(path) as ledger:
        rows = ledger.sends()
        assert len(rows) == n + 1 and all(r["attempts"] == 1 for r in rows)


def test_runs_recorded_and_read_back(ledger: Ledger, clock: Clock) -> None:
    assert ledger.last_run("digest") is None
    first = ledger.run_started("digest", clock())
    clock.tick(3)
    ledger.run_finished(first, clock(), "ok", {"sent": 3, "failed": 0, "单位": "凤凰镇"}, None)
    second = ledger.run_started("digest")
    ledger.run_started("flag")
    running = ledger.last_run("digest")
    assert running is not None and running["id"] == second and running["outcome"] is None
    done = ledger.last_run("digest", finished=True)
    assert done is not None and done["id"] == first
    assert done["counts"] == {"sent": 3, "failed": 0, "单位": "凤凰镇"}
    assert done["started_at"] == "2026-11-16T08:30:00+08:00"
    assert done["finished_at"] == "2026-11-16T08:33:00+08:00"
    ledger.run_finished(second, None, "error", {}, "SMTP login refused")
    assert [r["id"] for r in ledger.runs("digest")] == [second, first]
    assert len(ledger.runs()) == 3 and len(ledger.runs(limit=1)) == 1
    assert ledger.runs("digest")[0]["error"] == "SMTP login refused"
    with pytest.raises(ValueError):
        ledger.run_finished(999, None, "ok", {}, None)


def test_timestamps_must_be_timezone_aware(path: Path) -> None:
    with Ledger(path, clock=lambda: datetime(2026, 11, 16, 8, 30)) as ledger:
        with pytest.raises(ValueError, match="timezone-aware"):
            ledger.claim(*KEY)
        assert ledger.sends() == []
        with pytest.raises(ValueError):
            ledger.run_started("digest", datetime(2026, 11, 16))


def test_reopening_keeps_everything(path: Path, clock: Clock) -> None:
    with Ledger(path, clock=clock) as ledger:
        ok = ledger.claim(*KEY)
        assert ok is not None
        ledger.sent(ok, "<m@x>")
        bad = ledger.claim("digest", "li@example.gov.cn", "2026-W47")
        assert bad is not None
        ledger.failed(bad, "mailbox full")
        run = ledger.run_started("digest")
        ledger.run_finished(run, None, "partial", {"sent": 1, "failed": 1}, None)
        before = (ledger.sends(), ledger.runs())
    with Ledger(path, clock=clock) as again:
        assert (again.sends(), again.runs()) == before
        assert again.claim(*KEY) is None
        retry = again.claim("digest", "li@example.gov.cn", "2026-W47")
        assert retry is not None and retry.attempt == 2


def test_corrupt_file_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is not a database, just some bytes " * 200)
    with pytest.raises(LedgerError) as info:
        Ledger(path)
    assert info.value.reason == "corrupt" and info.value.exit_code == 2
    assert str(path) in info.value.message and "损坏" in info.value.message
    with using("en"), pytest.raises(LedgerError, match="damaged"):
        Ledger(path)
    assert path.read_bytes().startswith(b"this is not a database")  # left alone


def test_file_from_a_newer_version_is_refused(path: Path) -> None:
    Ledger(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(LedgerError) as info:
        Ledger(path)
    assert info.value.reason == "too_new" and str(path) in info.value.message


def test_a_lock_held_too_long_is_a_clear_error(path: Path) -> None:
    Ledger(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with Ledger(path, timeout=0.2) as ledger:
            started = time.monotonic()
            with pytest.raises(LedgerError) as info:
                ledger.claim(*KEY)
            assert time.monotonic() - started >= 0.15  # it waited before giving up
            assert info.value.reason == "locked" and str(path) in info.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Ledger(path) as ledger:
        assert ledger.claim(*KEY) is not None  # nothing half-written by the refused claim


def test_a_folder_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ledger.sqlite").mkdir()
    with pytest.raises(LedgerError) as info:
        Ledger(tmp_path / "ledger.sqlite")
    assert info.value.reason == "unreadable" and "ledger.sqlite" in info.value.message


def test_counts_are_stored_as_json(ledger: Ledger, path: Path) -> None:
    run = ledger.run_started("digest")
    ledger.run_finished(run, None, "ok", {"sent": 2}, None)
    db = sqlite3.connect(path)
    assert json.loads(db.execute("SELECT counts FROM runs").fetchone()[0]) == {"sent": 2}
    db.close()
