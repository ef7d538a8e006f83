"""The 督查通报 (assistant report bulletin) on history built by running `flag` on successive days,
the workbook edited between the runs as a person would; every figure worked out by hand.

    11-02 (Mon, week 45)  A1 党政办 due 11-06, A2 党政办 due 11-20, B1 应急办 due 11-05, B2 应急办 due 11-30
    11-09 (Mon, week 46)  B1 was closed on 11-04 (on time); A1 is overdue
    11-13 (Fri, week 46)  A1 closed on 11-12 (late); A3 党政办 assigned 11-10, due 11-11, is new and overdue
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_cli
from tests.fixtures_xlsx import OUTBOX_MAIL, SHEET, WORKBOOK, Task, make_office

D = dt.date


def task(key: str, unit: str, due: dt.date, state: str = "推进中", owner: str = "王芳") -> Task:
    return Task(key, "上级交办", f"事项{key}", unit, owner, "张建国", D(2026, 10, 20), due, 0.5, state)


TASKS = [task("DB-2026-001", "党政办", D(2026, 11, 6)), task("DB-2026-002", "党政办", D(2026, 11, 20)),
         task("DB-2026-003", "应急办", D(2026, 11, 5), owner="赵磊"), task("DB-2026-004", "应急办", D(2026, 11, 30), "未启动")]


def edit(book: Path, key: str, **cells: object) -> None:
    columns = {"办理状态": "J", "办结日期": "K"}
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    row = next(r for r in range(3, ws.max_row + 1) if ws[f"A{r}"].value == key)
    for header, value in cells.items():
        ws[f"{columns[header]}{row}"] = value
    wb.save(book)


def add(book: Path, t: Task) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    row = ws.max_row + 1
    for col, value in zip("ABCDEFGHIJ", [t.key, t.source, t.content, t.unit, t.owner, t.leader, t.assigned,
                                         t.due, t.progress, t.state]):
        ws[f"{col}{row}"] = value
    wb.save(book)


@pytest.fixture
def office(tmp_path: Path) -> Path:
    make_office(tmp_path / "office", TASKS)
    config = tmp_path / "office" / "assistant.toml"
    book = config.parent / "data" / WORKBOOK
    for day, change in (("2026-11-02", None),
                        ("2026-11-09", lambda: edit(book, "DB-2026-003", 办理状态="已办结", 办结日期=D(2026, 11, 4))),
                        ("2026-11-13", lambda: (edit(book, "DB-2026-001", 办理状态="已办结", 办结日期=D(2026, 11, 12)),
                                                add(book, task("DB-2026-005", "党政办", D(2026, 11, 11)))))):
        if change:
            change()
        res = run_cli("flag", "--config", config, "--today", day)
        assert res.code in (0, 1), res.err
    return config


def bulletin(config: Path, *args: str, today: str = "2026-11-13") -> tuple[int, dict, str]:
    res = run_cli("report", "bulletin", "--config", config, "--today", today, "--format", "json", *args)
    return res.code, json.loads(res.out), res.err


def test_the_week_by_hand(office):
    code, data, _ = bulletin(office, "--period", "2026-W46")
    assert code == 0 and data["recorded"] == "2026-11-13"
    units = {u["unit"]: u for u in data["units"]}
    party, emergency = units["党政办"], units["应急办"]
    assert {k: party[k] for k in ("items", "new", "closed", "closed_on_time", "overdue", "due", "due_done",
                                  "overdue_before", "overdue_change")} == {
        "items": 3, "new": 1, "closed": 1, "closed_on_time": 0, "overdue": 1, "due": 2, "due_done": 1,
        "overdue_before": 0, "overdue_change": 1}
    assert (party["completion_rate"], party["on_time_rate"], party["score"]) == (0.5, 0.0, 15.0)  # 0.5×40 − 5
    assert {k: emergency[k] for k in ("items", "new", "closed", "overdue", "due", "due_done")} == {
        "items": 2, "new": 0, "closed": 0, "overdue": 0, "due": 1, "due_done": 1}  # B1 closed in week 45
    assert (emergency["completion_rate"], emergency["on_time_rate"], emergency["score"]) == (1.0, None, 40.0)
    assert [(u["unit"], u["rank"]) for u in data["units"]] == [("应急办", 1), ("党政办", 2)]
    assert data["overdue"] == [{"workbook": "凤凰镇", "unit": "党政办", "key": "DB-2026-005", "owner": "王芳",
                                "leader": "张建国", "due": "2026-11-11", "days_over": 2, "overdue_since": "2026-11-13"}]
    assert data["total"]["overdue_before"] == 0 and data["total"]["overdue"] == 1
    trend = {w["week"]: w for w in data["trend"]}
    assert trend["2026-W45"] == {"week": "2026-W45", "open": 4, "overdue": 0}  # as recorded on 11-02
    assert trend["2026-W46"] == {"week": "2026-W46", "open": 3, "overdue": 1}
    assert trend["2026-W44"] == {"week": "2026-W44", "open": 0, "overdue": 0}  # before the history


def test_the_change_against_last_week_uses_what_was_recorded_then(office):
    """Week 46 ended (11-15) with A1 closed late and A3 overdue; at the end of week 45 (11-08) the
    latest cycle was 11-02, when nothing was overdue yet."""
    _, data, _ = bulletin(office, "--period", "2026-W47", today="2026-11-17")
    party = next(u for u in data["units"] if u["unit"] == "党政办")
    assert (party["overdue_before"], party["overdue"], party["overdue_change"]) == (1, 1, 0)
    assert party["new"] == 0 and party["closed"] == 0  # nothing recorded in week 47 yet


def test_a_period_before_the_history_says_so(office):
    code, data, err = bulletin(office, "--period", "2026-W44")
    assert code == 0 and data["recorded"] is None and data["units"] == []
    assert "2026-11-02" in data["notices"][0] and "2026-11-02" in err
    _, data, _ = bulletin(office, "--period", "2026-W45")  # its previous week has no history
    assert data["total"]["overdue_before"] is None and data["total"]["overdue_change"] is None
    assert any("2026-11-02" in n for n in data["notices"])


def test_no_history_at_all(tmp_path):
    make_office(tmp_path / "office", TASKS)
    res = run_cli("report", "bulletin", "--config", tmp_path / "office" / "assistant.toml", "--today", "2026-11-13")
    assert res.code == 0 and "assistant flag" in res.out + res.err


def test_weights_and_requirements_from_the_config(office):
    office.write_text(office.read_text(encoding="utf-8") + '\n[reports.bulletin]\nrequirements = "请于周五前报送整改情况。"\n'
                      '[reports.bulletin.weights]\ncompletion_rate = 100\noverdue = -50\n', encoding="utf-8")
    _, data, _ = bulletin(office, "--period", "2026-W46")
    scores = {u["unit"]: u["score"] for u in data["units"]}
    assert scores == {"党政办": 0.0, "应急办": 100.0}  # 0.5×100 − 50; 1.0×100
    res = run_cli("report", "bulletin", "--config", office, "--today", "2026-11-13", "--period", "2026-W46")
    assert "请于周五前报送整改情况。" in res.out and "下步要求" in res.out


def test_english(office):
    res = run_cli("report", "bulletin", "--config", office, "--today", "2026-11-13", "--period", "2026-W46",
                  "--lang", "en")
    assert res.code == 0 and "Ranking" in res.out and "Overdue tasks" in res.out and "Next steps" in res.out


MAIL = OUTBOX_MAIL + """
[[recipients]]
name = "赵磊"
email = "zhao@example.gov.cn"
scope = { "责任人" = "赵磊" }

[[recipients]]
name = "来源"
email = "source@example.gov.cn"
scope = { "事项来源" = "上级交办" }
"""


def test_each_readers_scope_narrows_the_bulletin(office):
    """A recipient scoped to 责任人 赵磊 gets the bulletin of his task (B1 of 应急办); a scope by a
    field the history does not keep is not applied, and the mail says so."""
    import email
    import email.policy
    import io

    office.write_text(office.read_text(encoding="utf-8") + MAIL, encoding="utf-8")
    res = run_cli("report", "bulletin", "--mail", "--period", "2026-W46", "--config", office, "--today", "2026-11-13")
    assert res.code == 0, res.err
    got = {}
    for path in (office.parent / "outbox").glob("*.eml"):
        m = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        got[m["To"].addresses[0].addr_spec] = m

    def units(m) -> dict[str, list]:
        book = openpyxl.load_workbook(io.BytesIO(next(m.iter_attachments()).get_content()))
        return {r[0]: list(r) for ws in book.worksheets[1:2] for r in ws.iter_rows(values_only=True)
                if r[0] in ("党政办", "应急办")}

    whole, zhao, source = got["zhang@example.gov.cn"], got["zhao@example.gov.cn"], got["source@example.gov.cn"]
    assert set(units(whole)) == {"党政办", "应急办"} and set(units(zhao)) == {"应急办"}
    items = 3  # the column after 单位, 排名, 得分
    assert (units(zhao)["应急办"][items], units(whole)["应急办"][items]) == (1, 2)  # B2 is 王芳's
    assert zhao["Subject"].endswith("（责任人：赵磊）")
    html = source.get_body(("html",)).get_content()
    assert "不记录“事项来源”" in html and set(units(source)) == {"党政办", "应急办"}
