"""A district office's reports: the 督查通报 with one row per township from the history, and the
district roll-up (assistant report district) with each township's staffing, tasks and
information quota in one table, the townships ranked; run over real workbooks and real `flag`
cycles."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import read_terminal, run_cli
from tests.fixtures_xlsx import HEADERS
from tests.test_report_quota import rows as report_rows
from tests.test_report_staffing import QUOTA, VACANT, office_folder, township

TOWNS = ["凤凰镇", "石桥镇", "青龙镇"]


def tasks_sheet(overdue: int, done_on_time: int) -> list[list]:
    """A task register (title row, header row 2): `overdue` tasks past their deadline on 11-13,
    `done_on_time` closed in week 46 before their deadline, and one still running."""
    out: list[list] = [["督查督办台账"], HEADERS]
    n = 0
    for _ in range(overdue):
        n += 1
        source = "其他" if n == 1 else "上级交办"  # not in the list: one data error where a task is overdue
        out.append([f"DB-2026-{n:03d}", source, "事项", "党政办", "王芳", "张建国", dt.date(2026, 10, 1),
                    dt.date(2026, 11, 3), 0.5, "推进中", None, None])
    for _ in range(done_on_time):
        n += 1
        out.append([f"DB-2026-{n:03d}", "上级交办", "事项", "党政办", "王芳", "张建国", dt.date(2026, 10, 1),
                    dt.date(2026, 11, 20), 1, "已办结", dt.date(2026, 11, 10), None])
    out.append([f"DB-2026-{n + 1:03d}", "上级交办", "事项", "应急办", "赵磊", "李明", dt.date(2026, 10, 1),
                dt.date(2026, 12, 20), 0.2, "推进中", None, None])
    return out


@pytest.fixture
def district(tmp_path: Path) -> Path:
    books = {}
    for i, (name, overdue, done) in enumerate(zip(TOWNS, (3, 0, 1), (0, 2, 1))):
        sheets = township(i)
        sheets["督查督办台账"] = tasks_sheet(overdue, done)
        sheets["信息报送"] = report_rows(*[("2026-10-08", "党政办", "区级")] * (2 if i != 2 else 1))
        books[name] = sheets
    config = office_folder(tmp_path / "district", books)
    for day in ("2026-11-09", "2026-11-13"):  # the history: two cycles
        res = run_cli("flag", "--config", config, "--today", day)
        assert res.code in (0, 1), res.err
    return config


def report(config: Path, name: str, *args: str) -> dict:
    res = run_cli("report", name, "--config", config, "--today", "2026-11-13", "--format", "json", *args)
    assert res.code == 0, res.err
    return json.loads(res.out)


def test_the_bulletin_has_a_row_per_township_ranked(district):
    data = report(district, "bulletin", "--period", "2026-W46")
    towns = {t["township"]: t for t in data["townships"]}
    assert {t: (towns[t]["items"], towns[t]["overdue"], towns[t]["closed"]) for t in TOWNS} == {
        "凤凰镇": (4, 3, 0), "石桥镇": (3, 0, 2), "青龙镇": (3, 1, 1)}
    # the data errors of the last cycle (flag recorded them): one where a task is overdue
    assert [towns[t]["errors"] for t in TOWNS] == [1, 0, 1] and data["total"]["errors"] == 2
    # scores: 石桥镇 on time 1.0×40, nothing due yet (no completion rate); 青龙镇 on time 1.0×40 +
    # completion 0/1 − 5 for its overdue task − 1 for its error; 凤凰镇 completion 0/3, no task
    # closed, − 3×5 − 1
    assert [(t["township"], t["rank"], t["score"]) for t in data["townships"]] == [
        ("石桥镇", 1, 40.0), ("青龙镇", 2, 34.0), ("凤凰镇", 3, -16.0)]
    assert {o["workbook"] for o in data["overdue"]} == {"凤凰镇", "青龙镇"} and len(data["overdue"]) == 4
    assert data["total"]["items"] == 10 and data["total"]["score"] is None


def test_the_district_roll_up(district):
    data = report(district, "district", "--period", "2026-Q4")  # October judged for the quota
    towns = {t["township"]: t for t in data["townships"]}
    for i, name in enumerate(TOWNS):
        t = towns[name]
        assert (t["quota"], t["vacant"]) == (QUOTA[i], VACANT[i])
        assert t["reports"] == (2 if i != 2 else 1)
    assert (towns["青龙镇"]["units_short"], towns["青龙镇"]["quota_met"]) == (1, False)
    assert towns["凤凰镇"]["overdue"] == 3 and towns["石桥镇"]["overdue"] == 0
    assert [towns[t]["errors"] for t in TOWNS] == [1, 0, 1]
    # what is known here adds its weight: 20 for meeting the quota (石桥镇, 凤凰镇), −1 per data error
    assert [(t["township"], t["score"]) for t in data["townships"]] == [
        ("石桥镇", 60.0), ("青龙镇", 34.0), ("凤凰镇", 4.0)]
    assert data["total"]["quota"] == sum(QUOTA[:3]) and data["total"]["overdue"] == 4


def test_every_format_of_the_district_report(district, tmp_path):
    out = tmp_path / "pages"
    res = run_cli("report", "district", "--config", district, "--today", "2026-11-13", "--format", "html", "-o", out)
    assert res.code == 0, res.err
    page = (out / "index.html").read_text(encoding="utf-8")
    assert all(t in page for t in TOWNS) and "<table" in page and "<svg" in page
    res = run_cli("report", "district", "--config", district, "--today", "2026-11-13", "--format", "xlsx",
                  "-o", tmp_path / "d.xlsx")
    assert res.code == 0, res.err
    book = openpyxl.load_workbook(tmp_path / "d.xlsx")
    rows = [[c.value for c in r] for ws in book.worksheets for r in ws.iter_rows()]
    assert all(any(t in row for row in rows) for t in TOWNS)
    res = run_cli("report", "district", "--config", district, "--today", "2026-11-13")
    assert res.code == 0 and "石桥镇" in res.out and max(len(line) for line in res.out.splitlines()) <= 80


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal (pty) is POSIX; the bar itself is rich's")
def test_a_long_run_shows_its_progress_on_a_terminal(district, tmp_path):
    """stderr a terminal: each township is named as it is done; the document on stdout's file is
    the same as without a terminal, and nothing of the bar gets into it."""
    import os
    import pty
    import subprocess

    primary, secondary = pty.openpty()
    out = tmp_path / "d.json"
    proc = subprocess.run([sys.executable, "-m", "assistant", "report", "district", "--config", str(district),
                           "--today", "2026-11-13", "--format", "json", "-o", str(out)],
                          stderr=secondary, stdout=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "100"},
                          timeout=300)
    os.close(secondary)
    shown = read_terminal(primary)
    assert proc.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert all(t in text for t in TOWNS) and "100%" in text
    assert json.loads(out.read_text(encoding="utf-8"))["townships"]
    piped = run_cli("report", "district", "--config", district, "--today", "2026-11-13", "--format", "json")
    assert not any(t in piped.err for t in TOWNS)  # no terminal, no bar
