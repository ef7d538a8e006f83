"""The source contract: an xlsx file and a Google spreadsheet holding the same register give the
same findings, statuses, write-back guarantees and exit codes (issue 6). Every test here runs
once per source; the last one runs both and compares their JSON outright.

The gsheets backend goes through the whole real path: the unmodified gspread client, google-auth's
JWT flow against the key file's token_uri, and `api_url` pointing at the loopback server.
"""

from __future__ import annotations

import datetime as dt

from assistant.annotate import FINDING_FILLS, STATUS_FILLS
from assistant.status import MARKS
from tests.backends import GSheetsBackend, XlsxBackend
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import HEADERS, OUTPUTS, PEOPLE, ROSTER, SHEET, SQL_LIKE, TASKS, Task

OURS = [len(HEADERS) + i for i in range(len(OUTPUTS))]  # 0-based columns M, N, O
FIRST = 2  # 0-based row of the first task (row 1 title, row 2 headers)


def register_sheets(tasks: list[Task] = TASKS, outputs: dict[str, dict] | None = None) -> dict[str, list[list]]:
    """The fixture register and roster as rows of values, as people typed them."""
    headers = HEADERS + (OUTPUTS if outputs is not None else [])
    rows: list[list] = [["凤凰镇督查督办台账（2026年）"], headers]
    for t in tasks:
        note = t.note[2] if isinstance(t.note, tuple) else t.note
        row = [t.key, t.source, t.content, t.unit, t.owner, t.leader, t.assigned, t.due, t.progress, t.state,
               t.done, note]
        if outputs is not None:
            row += [(outputs.get(t.key) or {}).get(h) for h in OUTPUTS]
        rows.append(row)
    roster = [["姓名", "单位", "科室", "编制类型", "用工性质", "状态", "到岗日期", "是否领导", "手机", "邮箱"]]
    roster += [[n, dept, "", "党政", "在编", "在岗", "2020-01-02", lead, f"1398130{i:04d}", f"user{i}@example.gov.cn"]
               for i, (n, dept, lead) in enumerate(PEOPLE, start=1)]
    return {SHEET: rows, ROSTER: roster}


def cli(backend, command: str, *args: str):
    return run_cli(command, "--config", backend.config, "--today", TODAY, *args)


def by_key(rows: list[list]) -> dict[str, list]:
    return {r[0]: r for r in rows[FIRST:] if r}


def ours(row: list) -> list:
    return [row[c] if c < len(row) else None for c in OURS]


# --- reading and judging -------------------------------------------------------------------------


def test_check_reports_the_same_mistakes_with_cells_and_values(backend):
    backend.create(register_sheets())
    res = cli(backend, "check", "--format", "json")
    assert res.code == 1, res.err
    cells = {f["cell"] for f in res.json()["findings"] if f["severity"] == "error"}
    for i, t in enumerate(TASKS):
        for column in t.expect_highlight:
            assert f"{'ABCDEFGHIJKL'[HEADERS.index(column)]}{FIRST + 1 + i}" in cells, t.key
    messages = [f["message"] for f in res.json()["findings"]]
    assert any("2026.13.45" in m for m in messages)
    assert any(SQL_LIKE in m for m in messages)  # text that looks like a formula is shown as typed
    assert any("孙悟空" in m for m in messages)  # 责任人 not in the roster (a reference warning)


def test_flag_writes_each_status_and_days_next_to_its_key(backend):
    backend.create(register_sheets())
    res = cli(backend, "flag")
    assert res.code == 1, res.err  # the register has error findings on purpose
    rows = by_key(backend.rows(SHEET))
    assert backend.rows(SHEET)[1][len(HEADERS):] == OUTPUTS  # new columns, headed, right of the data
    for t in TASKS:
        status, days, hint = ours(rows[t.key])
        assert status == t.expect, t.key
        assert days == (float(t.expect_days) if t.expect_days is not None else None), t.key
        assert bool(hint) == bool(t.expect_highlight or t.owner == "孙悟空"), t.key  # 孙悟空: a warning


def test_status_colours_as_people_see_them(backend):
    backend.create(register_sheets())
    cli(backend, "flag")
    fills = {label: fill for label, fill in [("逾期", STATUS_FILLS["overdue"]), ("临期", STATUS_FILLS["due_soon"]),
                                              ("正常", STATUS_FILLS["on_track"]), ("已办结", STATUS_FILLS["done"])]}
    for i, t in enumerate(TASKS):
        row = FIRST + 1 + i
        if t.expect in fills:
            assert backend.fill(SHEET, f"M{row}") == fills[t.expect].rgb, t.key
            if t.expect_days is not None:
                assert backend.fill(SHEET, f"N{row}") == fills[t.expect].rgb, t.key
        for column in t.expect_highlight:  # the wrong cell itself is marked, and its hint is red
            assert backend.fill(SHEET, f"{'ABCDEFGHIJKL'[HEADERS.index(column)]}{row}") == MARKS["error"].fill, t.key
            assert backend.fill(SHEET, f"O{row}") == FINDING_FILLS["error"].rgb, t.key
    assert backend.fill(SHEET, f"A{FIRST + 1}") is None  # a correct cell of a person's is left as it was


# --- write-back guarantees -------------------------------------------------------------------------


def test_no_cell_outside_our_columns_changes(backend):
    backend.create(register_sheets())
    before = {s: backend.rows(s) for s in (SHEET, ROSTER)}
    cli(backend, "flag")
    after = {s: backend.rows(s) for s in (SHEET, ROSTER)}
    assert after[ROSTER] == before[ROSTER]
    assert len(after[SHEET]) == len(before[SHEET])
    for old, new in zip(before[SHEET], after[SHEET]):
        assert new[: len(HEADERS)] + [None] * (len(HEADERS) - len(new[: len(HEADERS)])) == \
            old[: len(HEADERS)] + [None] * (len(HEADERS) - len(old[: len(HEADERS)]))


def test_text_starting_with_equals_stays_text(backend):
    backend.create(register_sheets())
    cli(backend, "flag")
    rows = by_key(backend.rows(SHEET))
    assert rows["DB-2026-007"][11] == "=1+1"  # a person's "=1+1" note is untouched text
    hint = ours(rows["DB-2026-009"])[2]
    assert isinstance(hint, str) and SQL_LIKE in hint  # our message quoting "=SUM(A1)" is text too
    if backend.kind == "gsheets":
        assert backend.server.formulas_written == 0


def test_rerun_with_nothing_new_writes_nothing_and_keeps_no_new_backup(backend):
    backend.create(register_sheets())
    cli(backend, "flag")
    state, backups = backend.state(), backend.backups()
    assert len(backups) == 1  # the first write kept a backup
    cli(backend, "flag")
    assert backend.state() == state
    assert backend.backups() == backups


def test_row_inserted_between_read_and_write_gets_each_status_on_its_key(backend):
    backend.create(register_sheets())
    new = Task("DB-2026-013", "上级交办", "新增督办事项", "党政办", "王芳", "张建国", dt.date(2026, 11, 2),
               dt.date(2026, 11, 23), 0.5, "推进中")
    values = [new.key, new.source, new.content, new.unit, new.owner, new.leader, new.assigned, new.due,
              new.progress, new.state]
    backend.change_between_read_and_write(lambda b: b.insert_row(SHEET, FIRST, values))
    res = cli(backend, "flag")
    assert res.code == 1, res.err
    rows = by_key(backend.rows(SHEET))
    assert backend.rows(SHEET)[FIRST][0] == "DB-2026-013"  # the person's row is where they put it
    assert ours(rows["DB-2026-013"])[:2] == ["临期", 1.0]  # and has its own status
    for t in TASKS:
        assert ours(rows[t.key])[0] == t.expect, t.key
    assert rows["DB-2026-013"][:10] == values  # the person's cells are as they typed them
    if backend.kind == "gsheets":  # the first write landed on moved rows, was caught and redone
        assert backend.server.counts["spreadsheets.batchUpdate"] == 2


def test_deleted_row_loses_what_we_wrote(backend):
    backend.create(register_sheets())
    cli(backend, "flag")
    backend.delete_row(SHEET, FIRST)  # DB-2026-001 gone: every row moves up one
    res = cli(backend, "flag")
    assert res.code == 1, res.err
    rows = backend.rows(SHEET)
    for t in TASKS[1:]:
        assert ours(by_key(rows)[t.key])[0] == t.expect, t.key
    assert "DB-2026-001" not in by_key(rows)


def test_emptied_row_is_cleared(backend):
    backend.create(register_sheets())
    cli(backend, "flag")
    sheets = register_sheets()
    rows = backend.rows(SHEET)
    sheets[SHEET] = [r + [None] * (15 - len(r)) for r in rows]
    sheets[SHEET][FIRST][:12] = [None] * 12  # a person cleared DB-2026-001's cells, not the row
    backend.create(sheets)
    cli(backend, "flag")
    assert ours(backend.rows(SHEET)[FIRST] + [None] * 15) == [None, None, None]


def test_dry_run_writes_nothing(backend):
    backend.create(register_sheets())
    state = backend.state()
    res = cli(backend, "flag", "--dry-run", "--format", "json")
    assert res.code == 1
    assert {i["key"]: i["label"] for i in res.json()["items"]}["DB-2026-001"] == "逾期"
    assert backend.state() == state and backend.backups() == []


def test_existing_output_columns_are_reused(backend):
    backend.create(register_sheets(outputs={"DB-2026-001": {"预警状态": "正常", "剩余工作日": 9}}))
    cli(backend, "flag")
    rows = backend.rows(SHEET)
    assert rows[1][len(HEADERS):] == OUTPUTS and len(rows[1]) == len(HEADERS) + len(OUTPUTS)
    assert ours(by_key(rows)["DB-2026-001"])[:2] == ["逾期", -6.0]


# --- exit codes and messages -----------------------------------------------------------------------


def test_clean_register_exits_0(backend):
    clean = [t for t in TASKS if not t.expect_highlight and t.owner != "孙悟空"]
    backend.create(register_sheets(clean))
    assert cli(backend, "check").code == 0
    assert cli(backend, "flag").code == 0


def test_missing_worksheet_is_exit_2_naming_what_there_is(backend):
    backend.create({"Sheet1": [["编号"]]}, registers=["tasks"])
    res = cli(backend, "check")
    assert res.code == 2
    assert "督查督办台账" in res.err and "Sheet1" in res.err
    assert "Traceback" not in res.err


def test_sheet_title_with_extra_spaces_is_still_found(backend):
    sheets = register_sheets()
    sheets["督查督办 台账"] = sheets.pop(SHEET)
    backend.create(sheets)
    res = cli(backend, "flag", "--format", "json")
    assert res.code == 1, res.err
    assert {i["key"] for i in res.json()["items"]} == {t.key for t in TASKS}


def test_missing_required_column_is_exit_2(backend):
    sheets = register_sheets()
    sheets[SHEET] = [r[:7] + r[8:] for r in sheets[SHEET]]  # 完成时限 removed
    backend.create(sheets)
    res = cli(backend, "check")
    assert res.code == 2 and "完成时限" in res.err


def test_english_messages(backend):
    backend.create({"Sheet1": [["编号"]]}, registers=["tasks"])
    res = run_cli("check", "--config", backend.config, "--lang", "en")
    assert res.code == 2 and "no sheet" in res.err.lower()


# --- both at once ----------------------------------------------------------------------------------


def test_both_sources_give_identical_json(tmp_path, sheets_server):
    results = {}
    for b in (XlsxBackend(tmp_path / "x"), GSheetsBackend(tmp_path / "g", sheets_server)):
        b.create(register_sheets())
        check = cli(b, "check", "--format", "json").json()
        flag = cli(b, "flag", "--format", "json").json()
        for f in check["findings"]:
            f.pop("workbook", None)
        results[b.kind] = (check, flag["items"], [ours(r) for r in b.rows(SHEET)[FIRST:]])
    assert results["gsheets"] == results["xlsx"]
