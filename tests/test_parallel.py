"""Workbooks in worker processes (assistant/parallel.py): a district is checked and flagged on every
core, with the same findings, statuses, written cells, notices and exit codes as one workbook after
another.

Each command runs in a process of its own, as a person or cron runs it (a pytest process may have
threads of other tests running, and then the assistant rightly stays in one process). A small
driver notes, in a file, which process judged which workbook; nothing else is changed."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from assistant.api import load_office, make_context
from assistant.parallel import workers
from tests.conftest import TODAY
from tests.test_district import TOWNS, district

DRIVER = """
import os, sys
from assistant.judge import Judge
record = sys.argv[1]
judge_workbook = Judge.workbook

def noted(self, wb):
    with open(record, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {wb.name}\\n")
    return judge_workbook(self, wb)

Judge.workbook = noted
with open(record, "a", encoding="utf-8") as f:
    f.write(f"{os.getpid()} main\\n")
from assistant.cli import main
main(sys.argv[2:])
"""

LINUX = sys.platform.startswith("linux")


def office_with(root: Path, workers: int) -> Path:
    config = district(root)
    config.write_text(config.read_text(encoding="utf-8") + f"\n[limits]\nworkers = {workers}\n", encoding="utf-8")
    return config


def run(config: Path, record: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER, str(record), *args, "--config", str(config),
                           "--today", TODAY], capture_output=True, text=True, timeout=300)


def judged_by(record: Path) -> tuple[str, dict[str, str]]:
    """The command's own process id, and for each workbook the process that judged it."""
    lines = [line.split(" ", 1) for line in record.read_text(encoding="utf-8").splitlines()]
    main = next(pid for pid, what in lines if what == "main")
    return main, {what: pid for pid, what in lines if what != "main"}


def cells(book: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(book)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


def test_a_district_in_worker_processes_gives_what_one_after_another_gives(tmp_path):
    """check and flag with two workers: every workbook judged once, outside the command's process
    (on Linux), and the output, the exit codes and the written workbooks equal to workers = 1."""
    seen = {}
    for n in (1, 2):
        config = office_with(tmp_path / f"w{n}", n)
        runs = {cmd: (tmp_path / f"w{n}-{cmd}.pids", args) for cmd, args in
                [("check", ["check", "--format", "json"]), ("flag", ["flag", "--format", "json"]),
                 ("report", ["flag", "--dry-run"])]}  # the human report, with its notices
        out = {cmd: run(config, record, *args) for cmd, (record, args) in runs.items()}
        assert [r.returncode for r in out.values()] == [1, 1, 1], [r.stderr for r in out.values()]
        for record, _ in runs.values():
            main, by = judged_by(record)
            assert sorted(by) == sorted(TOWNS)
            if n == 1 or not LINUX:
                assert set(by.values()) == {main}  # the command's own process, one workbook after another
            else:
                assert main not in by.values() and len(set(by.values())) >= 2, by
        books = {t: cells(config.parent / "data" / f"{t}.xlsx") for t in TOWNS}
        seen[n] = (json.loads(out["check"].stdout), json.loads(out["flag"].stdout), out["report"].stdout,
                   out["report"].stderr, books)
    one, two = seen[1], seen[2]
    assert two[0] == one[0] and two[0]["findings"]  # check: the same findings, in the same order
    assert two[1] == one[1] and two[1]["items"]  # flag: the same items
    assert (two[2], two[3]) == (one[2], one[3])  # the report and its notices
    assert two[4] == one[4]  # every cell of every workbook as written back
    assert any("逾期" in str(v) for rows in two[4][TOWNS[0]].values() for row in rows for v in row)


def test_an_unreadable_workbook_is_named_the_same_way_and_the_others_written(tmp_path):
    """The second township's file is not a workbook: in both modes exit 2 with the same message
    naming it, and every other township flagged and written back the same way (also the first,
    whose roster rules look into the other workbooks for the registers it does not hold, and so
    meet the broken file while it is judged)."""
    seen = []
    for n in (1, 2):
        config = office_with(tmp_path / f"w{n}", n)
        data = config.parent / "data"
        (data / f"{TOWNS[1]}.xlsx").write_bytes(b"this is not a workbook")
        before = {p.name: p.read_bytes() for p in data.iterdir()}
        res = run(config, tmp_path / f"w{n}.pids", "flag")
        assert res.returncode == 2, res.stderr
        assert f"{TOWNS[1]}.xlsx" in res.stderr and "Traceback" not in res.stderr
        out = re.sub(r"\.\d{8}-\d{6}-\d{6}\.xlsx", ".<time>.xlsx", res.stdout)  # the backups' names
        seen.append((out, res.stderr, sorted(p.name for p in data.iterdir() if p.read_bytes() != before[p.name])))
    assert seen[0] == seen[1]
    assert seen[0][2] == sorted(f"{t}.xlsx" for t in TOWNS if t != TOWNS[1])


def test_spreadsheets_online_are_judged_in_the_command_process(tmp_path):
    """A Sheets client's connections are not shared with forked processes: an office with a Google
    spreadsheet among its workbooks is handled one workbook after another."""
    config = office_with(tmp_path / "office", 4)
    text = config.read_text(encoding="utf-8").replace(
        f'source = "data/{TOWNS[3]}.xlsx"', 'source = "gsheets:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"')
    config.write_text(text, encoding="utf-8")
    ctx = make_context(load_office(config), dt.date.fromisoformat(TODAY), "zh")
    assert [type(s).__name__ for s in ctx.sources.values()].count("GSheetsSource") == 1
    assert workers(ctx) == 1


@pytest.mark.parametrize("value", ["0", '"two"'])
def test_workers_must_be_a_whole_number_of_at_least_one(tmp_path, value):
    config = district(tmp_path / "office")
    config.write_text(config.read_text(encoding="utf-8") + f"\n[limits]\nworkers = {value}\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "assistant", "check", "--config", str(config)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "workers" in res.stderr and "Traceback" not in res.stderr
