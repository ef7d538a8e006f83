"""The status history (assistant/history.py): real `flag` runs over successive days on the
fixture office, the workbook edited between runs as a person would (openpyxl: a task marked
已办结 with its 办结日期, a 完成时限 moved, a row deleted), and the SQLite file looked into.

What is stored is checked two ways: rows counted in the file, and what the history answers
against what `flag --format json` printed on each day."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from assistant.history import FILENAME, History
from assistant.snapshots import Snapshot, snapshot
from tests.conftest import run_cli
from tests.fixtures_xlsx import SHEET, WORKBOOK, make_office

D = dt.date
COLUMN = {"责任单位": "D", "责任人": "E", "完成时限": "H", "办理状态": "J", "办结日期": "K"}


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """The fixture office (12 tasks with keys); returns its config."""
    make_office(tmp_path / "office")
    return tmp_path / "office" / "assistant.toml"


def book(config: Path, workbook: str | None = None) -> Path:
    """The fixture office's workbook, or a district's township's (tests/test_district.py)."""
    return config.parent / "data" / (f"{workbook}.xlsx" if workbook else WORKBOOK)


def db_path(config: Path) -> Path:
    return config.parent / ".assistant" / FILENAME


def flag(config: Path, day: str, *args: str):
    return run_cli("flag", "--config", config, "--today", day, "--format", "json", *args)


def flag_items(config: Path, day: str) -> dict[str, dict]:
    """flag on `day` (write-back and history), its JSON items by key."""
    res = flag(config, day)
    assert res.code in (0, 1), res.err
    return {i["key"]: i for i in res.json()["items"]}


def edit(config: Path, key: str, *, workbook: str | None = None, **cells: object) -> None:
    """Change cells of the row holding `key`, as someone would in Excel, and save."""
    wb = openpyxl.load_workbook(book(config, workbook))
    ws = wb[SHEET]
    row = next(r for r in range(3, ws.max_row + 1) if ws[f"A{r}"].value == key)
    for header, value in cells.items():
        ws[f"{COLUMN[header]}{row}"] = value
    wb.save(book(config, workbook))


def delete_row(config: Path, key: str, *, workbook: str | None = None) -> None:
    wb = openpyxl.load_workbook(book(config, workbook))
    ws = wb[SHEET]
    ws.delete_rows(next(r for r in range(3, ws.max_row + 1) if ws[f"A{r}"].value == key))
    wb.save(book(config, workbook))


def rows(config: Path, where: str = "1") -> int:
    db = sqlite3.connect(db_path(config))
    try:
        return db.execute(f"SELECT COUNT(*) FROM states WHERE {where}").fetchone()[0]
    finally:
        db.close()


def stored(config: Path) -> list[tuple]:
    """Every stretch, ids left out: what two histories must agree on."""
    db = sqlite3.connect(db_path(config))
    try:
        return db.execute("SELECT p.workbook, p.register, i.key, s.since, s.until, s.status, s.previous, s.due,"
                          " s.finished, s.unit, s.owner, s.leader FROM states s JOIN items i ON i.id = s.item"
                          " JOIN pairs p ON p.id = i.pair ORDER BY 1, 2, 3, 4, 6").fetchall()
    finally:
        db.close()


def seen(items: dict[str, dict]) -> dict[str, tuple]:
    """What the history keeps of flag's items that flag's JSON shows too."""
    return {k: (i["status"], i["due"], i["owner"], i["leader"]) for k, i in items.items()}


def state(config: Path, day: D) -> dict[str, tuple]:
    with History(db_path(config)) as history:
        at = history.state_at(day)
    due = [None if d is None or d != d else d.date().isoformat() for d in at.items["due"]]
    return {k: (s, d, o, ld) for k, s, d, o, ld in zip(at.items["key"], at.items["status"], due,
                                                        at.items["owner"], at.items["leader"])}


def test_a_cycle_stores_only_what_changed(office):
    """Day by day, the rows in the file grow by exactly the changes flag's output shows: an item
    whose status, due date or people moved (by the calendar or by an edit), one that left the
    register, one that came in; and the history answers each day what flag printed that day."""
    days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-09", "2026-11-10", "2026-11-13"]
    edits = {
        "2026-11-04": lambda: (edit(office, "DB-2026-002", 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 4)),
                               edit(office, "DB-2026-003", 完成时限=dt.datetime(2027, 1, 15)),
                               delete_row(office, "DB-2026-007")),
        "2026-11-10": lambda: edit(office, "DB-2026-010", 责任人="王芳"),
    }
    before: dict[str, tuple] = {}
    expected_rows = 0
    for day in days:
        if day in edits:
            edits[day]()
        now = seen(flag_items(office, day))
        changed = [k for k in now if k in before and now[k] != before[k]]
        new = [k for k in now if k not in before]
        gone = [k for k in before if k not in now]
        expected_rows += len(changed) + len(new) + len(gone)
        assert rows(office) == expected_rows, day
        assert rows(office, "until IS NULL") == len(now)
        assert state(office, D.fromisoformat(day)) == now
        with History(db_path(office)) as history:  # the same counted in SQL
            counts = history.counts_at(D.fromisoformat(day), by=("status",))
            moves = history.change_counts(D.fromisoformat(day), D.fromisoformat(day), by=("status", "previous"))
        assert dict(zip(counts["status"], counts["items"])) == Counter(s for s, *_ in now.values())
        with History(db_path(office)) as history:  # the cycle's tallies against its items, by unit and owner too
            by_unit = history.counts_at(D.fromisoformat(day), by=("unit", "status"))
            by_owner = history.counts_at(D.fromisoformat(day), by=("owner", "status"))  # from the stretches
            items = history.state_at(D.fromisoformat(day)).items
        assert by_unit.values.tolist() == items.groupby(["unit", "status"]).size().reset_index().values.tolist()
        assert by_owner.values.tolist() == items.groupby(["owner", "status"]).size().reset_index().values.tolist()
        expected = Counter([(now[k][0], before[k][0]) for k in changed] + [(now[k][0], None) for k in new]
                           + [(None, before[k][0]) for k in gone])
        assert dict(zip(zip(moves["status"], moves["previous"]), moves["items"])) == expected
        before = now
        if day == "2026-11-04":  # the three edits, and nothing else that day
            assert sorted(changed) == ["DB-2026-002", "DB-2026-003"] and gone == ["DB-2026-007"] and not new
    assert rows(office) > 12  # the calendar moved some statuses too (001 became due soon on 11-09)
    with History(db_path(office)) as history:
        moved = history.changes(D(2026, 11, 3), D(2026, 11, 13))
        first = history.first_overdue()
        assert [d.date() for d in history.days()["day"]] == [D.fromisoformat(d) for d in days]
    done = moved[moved["key"] == "DB-2026-002"].iloc[0]
    assert (done["day"].date(), done["status"], done["previous"], done["finished"].date()) == \
        (D(2026, 11, 4), "done", "on_track", D(2026, 11, 4))
    left = moved[moved["key"] == "DB-2026-007"].iloc[0]
    assert left["status"] is None and left["previous"] == "on_track" and not left["initial"]
    owner = moved[moved["key"] == "DB-2026-010"].iloc[0]
    assert (owner["status"], owner["previous"], owner["owner"]) == ("on_track", "on_track", "王芳")
    # 001 (due 11-12, 60% done) was due soon from 11-09 and overdue on 11-13, the first of its kind
    assert first[["key", "day"]].values.tolist() == [["DB-2026-001", pd.Timestamp("2026-11-13")]]
    assert moved[moved["key"] == "DB-2026-001"][["status", "previous"]].values.tolist() == [
        ["due_soon", "on_track"], ["overdue", "due_soon"]]


def test_state_between_cycles_before_the_first_and_after_a_restart(office):
    """A day between two cycles is answered with the earlier cycle; a day before the first says
    there is no history yet; another process opening the file later sees the same."""
    first = seen(flag_items(office, "2026-11-02"))
    edit(office, "DB-2026-002", 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 5))
    last = seen(flag_items(office, "2026-11-05"))
    assert first != last
    with History(db_path(office)) as history:
        before = history.state_at(D(2026, 11, 1))
        assert not before.known and before.items.empty and history.first_day() == D(2026, 11, 2)
        between = history.state_at(D(2026, 11, 4))
        assert between.recorded == D(2026, 11, 2)
    assert state(office, D(2026, 11, 4)) == first and state(office, D(2026, 11, 30)) == last
    script = (
        "import json, sys, datetime as dt\n"
        "from assistant.history import History\n"
        "with History(sys.argv[1]) as h:\n"
        "    at = h.state_at(dt.date(2026, 11, 4))\n"
        "    print(json.dumps([str(at.recorded), sorted(zip(at.items['key'], at.items['status']))]))\n")
    out = subprocess.run([sys.executable, "-c", script, str(db_path(office))], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == ["2026-11-02", [[k, v[0]] for k, v in sorted(first.items())]]


def test_the_same_day_again_replaces_that_days_recording(office):
    """The last run of a day wins: an edit taken back and flagged again the same day leaves no
    trace, and a second edit that day replaces the first."""
    flag_items(office, "2026-11-02")
    flag_items(office, "2026-11-03")
    clean = stored(office)
    edit(office, "DB-2026-002", 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 3))
    delete_row(office, "DB-2026-005")
    flag_items(office, "2026-11-03")
    assert rows(office) == len(clean) + 2
    edit(office, "DB-2026-002", 办理状态="推进中", 办结日期=None)
    flag_items(office, "2026-11-03")
    assert rows(office) == len(clean) + 1  # 002 as before; 005 still gone
    make_office(office.parent)  # the original workbook back: 005 returns, as if never gone
    flag_items(office, "2026-11-03")
    assert stored(office) == clean
    with History(db_path(office)) as history:
        assert len(history.days()) == 2


def test_a_day_before_the_latest_is_not_recorded_and_says_so(office):
    flag_items(office, "2026-11-05")
    kept = stored(office)
    edit(office, "DB-2026-002", 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 3))
    res = flag(office, "2026-11-03")
    assert res.code == 1  # the fixture's findings, as on any day: the refusal is only a notice
    assert "历史记录已记到 2026-11-05，本次日期 2026-11-03 更早，未记入历史" in res.err
    assert stored(office) == kept
    assert openpyxl.load_workbook(book(office))[SHEET]["M4"].value == "已办结"  # written back all the same
    text = run_cli("flag", "--config", office, "--today", "2026-11-04", "--lang", "en")
    assert "the history already runs to 2026-11-05" in text.err  # a notice: on stderr in text mode too


def test_a_dry_run_records_nothing(office):
    res = flag(office, "2026-11-02", "--dry-run")
    assert res.code == 1 and res.json()["items"]
    assert not db_path(office).exists()
    flag_items(office, "2026-11-02")
    kept = stored(office)
    edit(office, "DB-2026-002", 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 3))
    assert flag(office, "2026-11-03", "--dry-run").code == 1
    assert stored(office) == kept
    with History(db_path(office)) as history:
        assert len(history.days()) == 1


def test_a_history_that_cannot_be_written_keeps_the_write_back(office, monkeypatch):
    """The disk fails in the middle of recording: the workbook is written all the same, the
    history holds nothing of the cycle (one transaction), and flag says so: exit 2."""
    flag_items(office, "2026-11-02")
    kept = stored(office)
    edit(office, "DB-2026-002", 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 3))

    def failing(self, *args):  # the step that gives new items their ids: after the closings
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(History, "_item_ids", failing)
    delete_row(office, "DB-2026-012")  # stretches to close before the failure: taken back with it
    wb = openpyxl.load_workbook(book(office))
    wb[SHEET].append(["DB-2026-013", "上级交办", "新事项", "党政办", "王芳", "张建国",
                      dt.datetime(2026, 11, 3), dt.datetime(2026, 12, 1), 0.1, "推进中"])
    wb.save(book(office))
    res = flag(office, "2026-11-03")
    assert res.code == 2
    assert "本次各事项状态未能记入历史（回写已完成）" in res.err and "disk I/O error" in res.err
    items = {i["key"]: i for i in res.json()["items"]}
    assert items["DB-2026-002"]["status"] == "done"  # the run's output is complete
    ws = openpyxl.load_workbook(book(office))[SHEET]
    assert ws["M4"].value == "已办结"  # 002's status cell: written back
    assert stored(office) == kept
    with History(db_path(office)) as history:
        assert len(history.days()) == 1
    en = run_cli("flag", "--config", office, "--today", "2026-11-03", "--lang", "en")
    assert en.code == 2 and "could not be recorded in the history (the write-back is done)" in en.err


def test_a_report_reads_while_flag_records(office):
    """WAL: a reader in the middle of a read transaction neither blocks the recording nor sees
    half of it; it sees the new cycle once it starts again."""
    flag_items(office, "2026-11-02")
    reader = sqlite3.connect(db_path(office), isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM cycles").fetchone()[0] == 1
        edit(office, "DB-2026-002", 办理状态="已办结", 办结日期=dt.datetime(2026, 11, 3))
        res = flag(office, "2026-11-03")
        assert res.code == 1 and "历史" not in res.err
        assert reader.execute("SELECT COUNT(*) FROM cycles").fetchone()[0] == 1  # its snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT COUNT(*) FROM cycles").fetchone()[0] == 2
    finally:
        reader.close()


def test_rows_without_a_key_or_repeating_one_are_counted_not_tracked(tmp_path):
    """Through the API, as flag calls it: the first row of a repeated key is the item."""
    frame = pd.DataFrame({"key": ["A-1", None, "A-1", "A-2"], "status": ["on_track", "overdue", "due_soon", "done"],
                          "due": pd.to_datetime(["2026-11-20", "2026-11-01", "2026-11-21", None]),
                          "finished": pd.to_datetime([None, None, None, "2026-11-02"]),
                          "unit": ["党政办"] * 4, "owner": ["王芳"] * 4, "leader": ["张建国"] * 4})
    columns = snapshot(frame, "凤凰镇", "tasks").columns
    with History(tmp_path / FILENAME) as history:
        done = history.record(D(2026, 11, 2), [Snapshot("凤凰镇", "tasks", columns)])
        assert (done.items, done.untracked, done.opened) == (2, 2, 2)
        days = history.days()
        assert days[["items", "untracked"]].values.tolist() == [[2, 2]]
        at = history.state_at(D(2026, 11, 2)).items
        assert at[["key", "status"]].values.tolist() == [["A-1", "on_track"], ["A-2", "done"]]
        # a pair not in a cycle keeps its items: only the pairs a cycle holds are compared
        other = {k: v[:1] for k, v in columns.items()}
        history.record(D(2026, 11, 3), [Snapshot("石桥镇", "tasks", other)])
        assert len(history.state_at(D(2026, 11, 3)).items) == 3
        # an item back after it left is new again (previous missing), not a continuation
        history.record(D(2026, 11, 4), [Snapshot("凤凰镇", "tasks", {k: v[3:] for k, v in columns.items()})])
        history.record(D(2026, 11, 5), [Snapshot("凤凰镇", "tasks", columns)])
        back = history.changes(D(2026, 11, 4), D(2026, 11, 5))
        assert back[["day", "key", "status", "previous"]].values.tolist() == [
            [pd.Timestamp("2026-11-04"), "A-1", None, "on_track"], [pd.Timestamp("2026-11-05"), "A-1", "on_track", None]]
        assert history.timeline("A-1", workbook="凤凰镇")["status"].tolist() == ["on_track", None, "on_track"]
        assert history.pairs()[["workbook", "first_day"]].values.tolist() == [
            ["凤凰镇", pd.Timestamp("2026-11-02")], ["石桥镇", pd.Timestamp("2026-11-03")]]
        # counted in SQL: nothing before the first cycle; a pair's first cycle is its start, not news
        assert history.counts_at(D(2026, 11, 1)).empty
        assert history.counts_at(D(2026, 11, 5), by=("workbook",)).values.tolist() == [["凤凰镇", 2], ["石桥镇", 1]]
        moves = history.change_counts(D(2026, 11, 2), D(2026, 11, 5), by=("workbook", "initial", "previous"))
        assert moves.values.tolist() == [["凤凰镇", False, "on_track", 1], ["凤凰镇", False, None, 1],
                                         ["凤凰镇", True, None, 2], ["石桥镇", True, None, 1]]
        with pytest.raises(ValueError):
            history.counts_at(D(2026, 11, 5), by=("key",))


def _frame(*rows: tuple) -> pd.DataFrame:
    """A deadline frame of the columns the history keeps: (key, status, due) rows, the rest fixed."""
    keys, statuses, dues = zip(*rows) if rows else ((), (), ())
    return pd.DataFrame({"key": list(keys), "status": list(statuses), "due": pd.to_datetime(list(dues)),
                         "finished": pd.to_datetime([None] * len(rows)), "unit": ["党政办"] * len(rows),
                         "owner": ["王芳"] * len(rows), "leader": ["张建国"] * len(rows)})


def test_first_seen_and_first_overdue_are_kept_with_the_items(tmp_path):
    """What a bulletin asks of 100,000 items at once: when each was first seen (and whether that
    was the history's start), when first overdue (not after the day asked about); a same-day
    rerun takes back an overdue day it had set."""
    with History(tmp_path / FILENAME) as history:
        history.record(D(2026, 11, 2), [snapshot(_frame(("A-1", "on_track", "2026-11-04")), "凤凰镇", "tasks")])
        history.record(D(2026, 11, 3), [snapshot(_frame(("A-1", "due_soon", "2026-11-04"),
                                                        ("A-2", "on_track", "2026-11-30")), "凤凰镇", "tasks")])
        history.record(D(2026, 11, 5), [snapshot(_frame(("A-1", "overdue", "2026-11-04"),
                                                        ("A-2", "on_track", "2026-11-30")), "凤凰镇", "tasks")])
        cols = ["status", "first_seen", "initial", "first_overdue"]
        at = history.state_at(D(2026, 11, 5), columns=cols).items
        assert at[["key", *cols]].values.tolist() == [
            ["A-1", "overdue", pd.Timestamp("2026-11-02"), True, pd.Timestamp("2026-11-05")],
            ["A-2", "on_track", pd.Timestamp("2026-11-03"), False, pd.NaT]]
        assert list(at.columns) == ["workbook", "register", "key", *cols]
        assert history.state_at(D(2026, 11, 4), columns=["first_overdue"]).items["first_overdue"].isna().all()
        assert history.first_overdue(until=D(2026, 11, 4)).empty
        # the 5th again, A-1 no longer overdue (its due date moved): its first overdue day is gone
        history.record(D(2026, 11, 5), [snapshot(_frame(("A-1", "on_track", "2026-11-20"),
                                                        ("A-2", "on_track", "2026-11-30")), "凤凰镇", "tasks")])
        assert history.first_overdue().empty
        history.record(D(2026, 11, 6), [snapshot(_frame(("A-1", "overdue", "2026-11-05"),
                                                        ("A-2", "on_track", "2026-11-30")), "凤凰镇", "tasks")])
        assert history.first_overdue()[["key", "day"]].values.tolist() == [["A-1", pd.Timestamp("2026-11-06")]]
        # a trend: several days counted in one pass, as one day at a time would count them
        days = [D(2026, 11, 1), D(2026, 11, 2), D(2026, 11, 4), D(2026, 11, 6)]
        trend = history.counts_at(days, by=("status",))
        one_by_one = pd.concat([history.counts_at(d, by=("status",)).assign(day=pd.Timestamp(d)) for d in days])
        assert trend.values.tolist() == one_by_one[["day", "status", "items"]].values.tolist()
        assert trend[["day", "status", "items"]].values.tolist() == [
            [pd.Timestamp("2026-11-02"), "on_track", 1],
            [pd.Timestamp("2026-11-04"), "due_soon", 1], [pd.Timestamp("2026-11-04"), "on_track", 1],
            [pd.Timestamp("2026-11-06"), "on_track", 1], [pd.Timestamp("2026-11-06"), "overdue", 1]]


def test_a_history_of_the_first_format_is_brought_up_to_date(tmp_path):
    """A file written by the first version (no first days kept with the items, no tallies) gets
    them from its stretches when opened: counts on a day then agree with the items that day, and
    errors are unknown (NA) for the cycles recorded before they were counted."""
    from assistant.history import _MIGRATIONS

    path = tmp_path / FILENAME
    db = sqlite3.connect(path)
    for statement in _MIGRATIONS[0]:
        db.execute(statement)
    db.execute("INSERT INTO pairs VALUES (1, '凤凰镇', 'tasks', 20759)")  # 2026-11-02
    db.execute("INSERT INTO items (id, pair, key) VALUES (1, 1, 'A-1'), (2, 1, 'A-2')")
    db.executemany("INSERT INTO states (item, since, until, status, previous) VALUES (?, ?, ?, ?, ?)",
                   [(1, 20759, 20761, "on_track", None), (1, 20761, None, "overdue", "on_track"),
                    (2, 20760, None, "due_soon", None)])
    db.execute("INSERT INTO cycles VALUES (20759, 'x', 1, 0), (20760, 'x', 2, 0), (20761, 'x', 2, 0)")
    db.execute("INSERT INTO recorded VALUES (20759, 1, 1, 0), (20760, 1, 2, 0), (20761, 1, 2, 0)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with History(path) as history:
        at = history.state_at(D(2026, 11, 4), columns=["status", "first_seen", "initial", "first_overdue"]).items
        trend = history.counts_at([D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 6)], by=("status",))
        errors = history.errors_at(D(2026, 11, 4), by=("workbook",))
    assert at[["key", "first_seen", "initial", "first_overdue"]].values.tolist() == [
        ["A-1", pd.Timestamp("2026-11-02"), True, pd.Timestamp("2026-11-04")],
        ["A-2", pd.Timestamp("2026-11-03"), False, pd.NaT]]
    assert trend.values.tolist() == [[pd.Timestamp("2026-11-02"), "on_track", 1],
                                     [pd.Timestamp("2026-11-03"), "due_soon", 1],
                                     [pd.Timestamp("2026-11-03"), "on_track", 1],
                                     [pd.Timestamp("2026-11-06"), "due_soon", 1],
                                     [pd.Timestamp("2026-11-06"), "overdue", 1]]
    assert errors["workbook"].tolist() == ["凤凰镇"] and errors["errors"].isna().all()


def test_each_cycle_tallies_the_data_errors_of_a_units_rows(tmp_path):
    """The error findings of a unit's rows, a row without a key included, warnings not; a cycle
    whose errors were not counted says so (NA) rather than zero."""
    from assistant.findings import Finding

    frame = _frame(("A-1", "overdue", "2026-11-01"), (None, "on_track", "2026-11-20"),
                   ("A-2", "on_track", "2026-11-20")).assign(row=[3, 4, 5], unit=["党政办", "党政办", "应急办"])

    def found(row: int, severity: str = "error") -> Finding:
        return Finding("凤凰镇", "tasks", "台账", row, "完成时限", f"H{row}", None, "bad_date", severity, "x", "…")

    with History(tmp_path / FILENAME) as history:
        history.record(D(2026, 11, 2), [snapshot(frame, "凤凰镇", "tasks",
                                                 [found(3), found(4), found(4, "warning"), found(5), found(5)])])
        errors = history.errors_at(D(2026, 11, 2), by=("unit",))
        assert errors.values.tolist() == [["党政办", 2], ["应急办", 2]]
        assert history.counts_at(D(2026, 11, 2), by=("unit",)).values.tolist() == [["党政办", 1], ["应急办", 1]]
        history.record(D(2026, 11, 3), [Snapshot("凤凰镇", "tasks", snapshot(frame, "凤凰镇", "tasks").columns)])
        assert history.errors_at(D(2026, 11, 3), by=("unit",))["errors"].isna().all()
        assert history.errors_at(D(2026, 11, 1)).empty
