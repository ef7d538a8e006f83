"""`assistant schema diff` and `assistant migrate` on real workbooks: an xlsx file made with
xlsxwriter (a merged title row, a subtitle row, the header in row 3, formats, a formula of
someone's), and a spreadsheet on the loopback Sheets API server."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
import subprocess
import textwrap
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tests.conftest import TODAY, run_cli
from tests.sheets_server import make_service_account

OLD = """
register: tasks
title: 督办台账
sheet: 督办台账
key: 编号
fields:
  - { name: 编号, required: true }
  - { name: 事项, required: true }
  - { name: 办理时限, type: date }
  - { name: 备注 }
"""

NEW = """
register: tasks
title: 督办台账
sheet: 督办台账
key: 编号
fields:
  - { name: 编号, required: true }
  - { name: 事项, required: true, max_length: 200 }
  - { name: 完成时限, type: date, required: true, renamed_from: 办理时限 }
  - { name: 责任人 }
  - { name: 联系电话, type: phone }
"""

HEADER = ["编号", "事项", "办理时限", "备注", "说明"]
ROWS = [["DB-001", "修缮村道", dt.date(2026, 11, 30), "加急", "甲"],
        ["DB-002", "排查隐患", dt.date(2026, 12, 5), None, "乙"],
        ["DB-003", "整理档案", dt.date(2026, 12, 20), "无", None]]


class Office:
    def __init__(self, root: Path):
        self.root = root
        (root / "sheets_schema").mkdir(parents=True)
        (root / "sheets_schema" / "tasks.yaml").write_text(textwrap.dedent(OLD), encoding="utf-8")
        self.new = root / "new" / "tasks.yaml"
        self.new.parent.mkdir()
        self.new.write_text(textwrap.dedent(NEW), encoding="utf-8")
        self.book = root / "data" / "镇.xlsx"
        self.config = root / "assistant.toml"

    def xlsx(self, wide: bool = False, rule_on: str | None = None) -> Path:
        """The register as an office makes it in Excel: a merged title, a subtitle, formats; a
        note typed at H5, right of the table; a formula in G4; a drop-down of its own in E.
        `wide`: one width set for columns F..Z at once; `rule_on`: a range with another rule of its own."""
        self.book.parent.mkdir(exist_ok=True)
        wb = xlsxwriter.Workbook(str(self.book))
        ws = wb.add_worksheet("督办台账")
        title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
        head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
        date = wb.add_format({"num_format": "yyyy-mm-dd", "border": 1})
        plain = wb.add_format({"border": 1})
        ws.merge_range("A1:E1", "凤凰镇督办事项台账", title)
        ws.write("A2", "填报单位：党政办　更新于 2026-11-18")
        for c, text in enumerate(HEADER):
            ws.write(2, c, text, head)
        for r, row in enumerate(ROWS, start=3):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif value is not None:
                    ws.write(r, c, value, plain)
        ws.write_formula("G4", "=LEN(B4)", None, 4)
        ws.write("H5", "备注：十二月前办结")
        ws.set_column(1, 1, 30)
        if wide:
            ws.set_column(5, 25, 15)
        if rule_on:
            ws.data_validation(rule_on, {"validate": "integer", "criteria": ">", "value": 0})
        ws.data_validation("E4:E200", {"validate": "list", "source": ["甲", "乙", "丙"]})  # the office's own
        wb.close()
        self.write_config('[[workbooks]]\nname = "凤凰镇"\nsource = "data/镇.xlsx"\n')
        return self.book

    def write_config(self, workbooks: str) -> None:
        self.config.write_text(f'[office]\nname = "测试镇党政办"\n\n{workbooks}', encoding="utf-8")

    def migrate(self, *args: str):
        return run_cli("migrate", "tasks", "--to", self.new, "--config", self.config, *args)


@pytest.fixture
def office(tmp_path) -> Office:
    return Office(tmp_path / "office")


def cells(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)["督办台账"]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- schema diff -----------------------------------------------------------------------------------

def test_schema_diff_in_chinese_and_english(office):
    old = office.root / "sheets_schema" / "tasks.yaml"
    res = run_cli("schema", "diff", old, office.new)
    assert res.code == 0, res.err
    assert "字段“办理时限”改名为“完成时限”" in res.out
    assert "新增字段“责任人”" in res.out and "新增字段“联系电话”" in res.out
    assert "删除字段“备注”" in res.out
    assert "字段“完成时限”的必填：否 → 是" in res.out
    assert "字段“事项”的最多字数：（无） → 200" in res.out
    en = run_cli("schema", "diff", old, office.new, "--lang", "en")
    assert en.code == 0
    assert "field \u201c办理时限\u201d renamed to \u201c完成时限\u201d" in en.out
    assert "field \u201c备注\u201d removed" in en.out and "required: no → yes" in en.out


def test_schema_diff_json_and_no_rename_without_renamed_from(office):
    old = office.root / "sheets_schema" / "tasks.yaml"
    office.new.write_text(textwrap.dedent(NEW).replace(", renamed_from: 办理时限", ""), encoding="utf-8")
    res = run_cli("schema", "diff", old, office.new, "--format", "json")
    assert res.code == 0, res.err
    data = res.json()
    assert data["renamed"] == [], "same place, same type, new name: not a rename without renamed_from"
    assert "完成时限" in data["added"] and "办理时限" in data["removed"]
    same = run_cli("schema", "diff", old, old, "--format", "json")
    assert same.json()["unchanged"] is True


def test_schema_diff_of_a_bad_file_is_a_located_message(office):
    bad = office.root / "bad.yaml"
    bad.write_text("register: tasks\nfields:\n  - { name: 编号, renamed_from: [1, 2] }\n  - name: [\n", encoding="utf-8")
    res = run_cli("schema", "diff", office.root / "sheets_schema" / "tasks.yaml", bad)
    assert res.code == 2
    assert "bad.yaml:" in res.err and "Traceback" not in res.err


def test_renamed_from_is_linted(office):
    bad = office.root / "bad.yaml"
    bad.write_text("register: tasks\ntitle: t\nfields:\n  - { name: 编号 }\n  - { name: 时限, renamed_from: 编号 }\n"
                   "  - { name: 事项, renamed_from: [2] }\n", encoding="utf-8")
    res = run_cli("schema", "lint", bad)
    assert res.code == 2
    assert "bad.yaml:5" in res.err and "重名" in res.err, res.err
    assert "bad.yaml:6" in res.err and "renamed_from" in res.err


# --- migrate: xlsx ---------------------------------------------------------------------------------

def test_a_dry_run_prints_the_plan_and_changes_nothing(office):
    book = office.xlsx()
    before = digest(book)
    res = office.migrate()
    assert res.code == 0, res.err
    assert "预演" in res.out
    assert "表头 C3：“办理时限”改为“完成时限”" in res.out
    # right of everything used: the note in H5, not right after the header's last column
    assert "新增列 I3“责任人”" in res.out and "新增列 J3“联系电话”" in res.out
    assert "列“备注”不再属于台账，保留未动" in res.out
    assert digest(book) == before
    assert (office.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8") == textwrap.dedent(OLD)
    assert not (office.root / ".assistant" / "backups").exists()


def test_apply_renames_adds_keeps_and_leaves_every_other_cell(office):
    book = office.xlsx()
    before = cells(book)
    res = office.migrate("--apply")
    assert res.code == 0, res.out + res.err
    after = cells(book)
    assert after["C3"] == "完成时限"
    assert after["I3"] == "责任人" and after["J3"] == "联系电话"
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"C3", "I3", "J3"}
    assert after["D3"] == "备注" and after["D4"] == "加急", "a removed field's column and data stay"
    assert after["G4"] == "=LEN(B4)", "someone's formula is kept as it was"
    ws = openpyxl.load_workbook(book)["督办台账"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:E1"]
    assert ws["C3"].font.b and ws["C3"].fill.fgColor.rgb == ws["B3"].fill.fgColor.rgb, "the renamed cell keeps its look"
    assert ws["I3"].font.b and ws["I3"].border.left.style == "thin", "a new header looks like the last one"
    assert ws["C4"].number_format == "yyyy-mm-dd"
    backups = list((office.root / ".assistant" / "backups" / "凤凰镇").glob("镇.*.xlsx"))
    assert len(backups) == 1 and "备份" in res.out
    # the schema is installed; the old one kept
    assert (office.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8") == textwrap.dedent(NEW)
    kept = list((office.root / ".assistant" / "backups" / "schemas").glob("tasks.*.yaml"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == textwrap.dedent(OLD)
    assert "已安装新格式" in res.out
    # check with the new schema: every column found
    check = run_cli("check", "--config", office.config, "--today", TODAY, "--format", "json")
    assert check.code in (0, 1), check.err
    codes = {f["code"] for f in check.json()["findings"]}
    assert "missing_column" not in codes
    # a second run has nothing to do and writes nothing
    again_before = digest(book)
    again = run_cli("migrate", "tasks", "--to", office.root / "sheets_schema" / "tasks.yaml",
                    "--config", office.config, "--apply")
    assert again.code == 0, again.err
    assert "无需改动" in again.out and digest(book) == again_before


def test_before_migrating_the_new_schema_still_finds_the_renamed_column(office):
    office.xlsx()
    shutil.copy(office.new, office.root / "sheets_schema" / "tasks.yaml")
    res = run_cli("check", "--config", office.config, "--today", TODAY, "--format", "json")
    assert res.code in (0, 1), res.err
    missing = {f["message"] for f in res.json()["findings"] if f["code"] == "missing_column"}
    assert not any("完成时限" in m for m in missing), "renamed_from finds the column under its old header"
    assert any("责任人" in m for m in missing)


def test_a_workbook_open_in_excel_is_refused_and_nothing_written(office):
    book = office.xlsx()
    before = digest(book)
    lock = book.with_name("~$镇.xlsx")
    lock.write_bytes(b"\x00" * 165)
    res = office.migrate("--apply")
    assert res.code == 2
    assert "~$镇.xlsx" in res.out and "新格式未安装" in res.out
    assert "工作簿 凤凰镇 未能迁移" in res.err and "~$镇.xlsx" in res.err
    assert digest(book) == before
    assert (office.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8") == textwrap.dedent(OLD)
    assert lock.exists(), "a lock file is never deleted"


def test_a_change_between_plan_and_write_writes_nothing(office, monkeypatch):
    from assistant.sources.xlsx.source import XlsxSource

    book = office.xlsx()
    original = XlsxSource.apply

    def colleague_saves_first(source, patches, planned_from):
        wb = openpyxl.load_workbook(book)
        wb["督办台账"]["E5"] = "丙"
        wb.save(book)
        return original(source, patches, planned_from)

    monkeypatch.setattr(XlsxSource, "apply", colleague_saves_first)
    res = office.migrate("--apply")
    assert res.code == 2, res.out
    assert "未能迁移" in res.out
    after = cells(book)
    assert after["C3"] == "办理时限" and "I3" not in after and after["E5"] == "丙", "the colleague's save, nothing of ours"
    assert (office.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8") == textwrap.dedent(OLD)


def test_a_new_name_already_used_by_another_column_is_refused(office):
    book = office.xlsx()
    wb = openpyxl.load_workbook(book)
    wb["督办台账"]["F3"] = "完成时限"
    wb.save(book)
    before = digest(book)
    res = office.migrate("--apply")
    assert res.code == 2
    assert "新列名“完成时限”已被 F 列使用" in res.out and "这个工作簿未做修改" in res.out
    assert "工作簿 凤凰镇 未做修改" in res.err
    assert digest(book) == before


def test_an_unknown_workbook_and_another_register_are_usage_errors(office):
    office.xlsx()
    res = office.migrate("--workbook", "桃源镇")
    assert res.code == 2 and "桃源镇" in res.err
    office.new.write_text(textwrap.dedent(NEW).replace("register: tasks", "register: other"), encoding="utf-8")
    res = office.migrate()
    assert res.code == 2 and "other" in res.err


def test_libreoffice_opens_the_migrated_workbook(office, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    book = office.xlsx()
    assert office.migrate("--apply").code == 0
    out = tmp_path / "csv"
    cmd = [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
           "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(book)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO((out / "镇.csv").read_text(encoding="utf-8"))))
    assert rows[0][0] == "凤凰镇督办事项台账" and rows[3][:2] == ["DB-001", "修缮村道"]
    assert rows[2] == ["编号", "事项", "完成时限", "备注", "说明", "", "", "", "责任人", "联系电话"]


# --- migrate: Google Sheets ------------------------------------------------------------------------

def test_a_google_sheet_gets_the_header_cells_and_nothing_else(office, sheets_server, tmp_path):
    serial = (dt.date(2026, 11, 30) - dt.date(1899, 12, 30)).days
    rows = [["凤凰镇督办事项台账"], ["填报单位：党政办"], HEADER, ["DB-001", "修缮村道", serial, "加急", "甲"],
            ["DB-002", "排查隐患", serial + 5, None, "乙", None, None, "备注：十二月前办结"]]
    sid = sheets_server.add_spreadsheet("凤凰镇督查台账", {"督办台账": rows}, col_count=9)
    bold = {"textFormat": {"bold": True}, "backgroundColor": {"red": 0.87, "green": 0.92, "blue": 0.97}}
    for c in range(5):  # the header's look, as a person set it
        sheets_server.formats[(sid, 0, 2, c)] = bold
    key = make_service_account(tmp_path, sheets_server)
    office.write_config(f'[[workbooks]]\nname = "凤凰镇"\nsource = "gsheets:{sid}"\ncredentials = "{key.as_posix()}"\n'
                        f'api_url = "{sheets_server.url}"\n')
    dry = office.migrate()
    assert dry.code == 0, dry.err
    assert "新增列 I3“责任人”" in dry.out and not sheets_server.requests_received
    res = office.migrate("--apply")
    assert res.code == 0, res.out + res.err
    after = sheets_server.values(sid, "督办台账")
    assert after[2][:10] == ["编号", "事项", "完成时限", "备注", "说明", None, None, None, "责任人", "联系电话"]
    assert [(r + [None] * 8)[:8] for r in after[3:]] == [(r + [None] * 8)[:8] for r in rows[3:]]
    assert after[:2] == rows[:2]
    kinds = [next(iter(r)) for r in sheets_server.requests_received]
    assert set(kinds) <= {"updateCells", "appendDimension", "copyPaste", "repeatCell", "setDataValidation"}, kinds
    assert sheets_server.format_at(sid, "督办台账", 2, 8) == bold == sheets_server.format_at(sid, "督办台账", 2, 9)
    assert sheets_server.format_at(sid, "督办台账", 2, 2) == bold, "the renamed cell keeps its look"
    assert sheets_server.format_at(sid, "督办台账", 3, 8) is None, "a plain text field: no format, no rule"
    assert sheets_server.data_validation(sid, "督办台账", 3, 8) is None
    assert sheets_server.format_at(sid, "督办台账", 3, 9) == {"numberFormat": {"type": "TEXT", "pattern": "@"}}
    assert "示例" in sheets_server.data_validation(sid, "督办台账", 3, 9)["inputMessage"], "the phone's prompt"
    assert all(sheets_server.data_validation(sid, "督办台账", r, c) is None for r in range(5) for c in range(8)), \
        "no rule on the office's own columns"
    written = [(r["updateCells"]["start"]["rowIndex"], r["updateCells"]["start"]["columnIndex"])
               for r in sheets_server.requests_received if "updateCells" in r]
    assert sorted(written) == [(2, 2), (2, 8), (2, 9)], "only the header cells"
    assert (office.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8") == textwrap.dedent(NEW)


# --- more shapes ---------------------------------------------------------------------------------

FLAGGED = """
deadline: {{ due: {due} }}
outputs: {{ status: 预警状态, days: 剩余工作日, findings: 校验提示 }}
"""


def test_flag_columns_and_colours_survive_a_migration(office):
    (office.root / "sheets_schema" / "tasks.yaml").write_text(textwrap.dedent(OLD) + FLAGGED.format(due="办理时限"),
                                                              encoding="utf-8")
    office.new.write_text(textwrap.dedent(NEW) + FLAGGED.format(due="完成时限"), encoding="utf-8")
    book = office.xlsx()
    wb = openpyxl.load_workbook(book)
    wb["督办台账"]["C6"] = "下周"  # not a date: flag highlights it
    wb.save(book)
    flag = run_cli("flag", "--config", office.config, "--today", TODAY)
    assert flag.code in (0, 1), flag.err
    before = cells(book)
    assert before["I3"] == "预警状态" and before["K3"] == "校验提示"
    rules = [str(r.sqref) for r in openpyxl.load_workbook(book)["督办台账"].conditional_formatting]
    assert rules, "flag coloured the cell in error"
    res = office.migrate("--apply")
    assert res.code == 0, res.out + res.err
    after = cells(book)
    assert after["L3"] == "责任人" and after["M3"] == "联系电话", "right of the assistant's columns too"
    assert {k for k in set(before) | set(after) if before.get(k) != after.get(k)} == {"C3", "L3", "M3"}
    assert [str(r.sqref) for r in openpyxl.load_workbook(book)["督办台账"].conditional_formatting] == rules
    again = run_cli("flag", "--config", office.config, "--today", TODAY)
    assert again.code in (0, 1), again.err
    assert cells(book)["I3"] == "预警状态" and "N3" not in cells(book), "flag finds its columns where they were"


TWO_ROWS_OLD = """
register: tasks
title: 督办台账
sheet: 督办台账
header_rows: 2
fields:
  - { name: 序号, type: integer, required: true }
  - { name: 事项, required: true }
  - { name: 交办日期, type: date }
  - { name: 办理时限, type: date }
"""


def test_a_two_row_header_renames_the_cell_that_shows(office):
    (office.root / "sheets_schema" / "tasks.yaml").write_text(textwrap.dedent(TWO_ROWS_OLD), encoding="utf-8")
    office.new.write_text(textwrap.dedent(TWO_ROWS_OLD).replace("{ name: 序号,", "{ name: 编号, renamed_from: 序号,")
                          .replace("{ name: 办理时限,", "{ name: 完成时限, renamed_from: [办理时间, 办理时限],"),
                          encoding="utf-8")
    office.book.parent.mkdir()
    wb = xlsxwriter.Workbook(str(office.book))
    ws = wb.add_worksheet("督办台账")
    head = wb.add_format({"bold": True, "border": 1})
    ws.merge_range("A1:D1", "凤凰镇督办事项台账", head)
    ws.merge_range("A2:A3", "序号", head)
    ws.merge_range("B2:B3", "事项", head)
    ws.merge_range("C2:D2", "时间节点", head)
    ws.write("C3", "交办日期", head)
    ws.write("D3", "办理时限", head)
    ws.write_row("A4", [1, "修缮村道"])
    wb.close()
    office.write_config('[[workbooks]]\nname = "凤凰镇"\nsource = "data/镇.xlsx"\n')
    before = cells(office.book)
    res = office.migrate("--apply")
    assert res.code == 0, res.out + res.err
    assert "表头 A2：“序号”改为“编号”" in res.out and "表头 D3：“办理时限”改为“完成时限”" in res.out
    after = cells(office.book)
    assert after["A2"] == "编号" and after["D3"] == "完成时限" and "A3" not in after
    assert {k for k in set(before) | set(after) if before.get(k) != after.get(k)} == {"A2", "D3"}
    ws2 = openpyxl.load_workbook(office.book)["督办台账"]
    assert sorted(str(r) for r in ws2.merged_cells.ranges) == ["A1:D1", "A2:A3", "B2:B3", "C2:D2"]


def test_migrate_to_a_bad_file_is_a_located_message(office):
    book = office.xlsx()
    before = digest(book)
    office.new.write_text("register: tasks\ntitle: 督办台账\nfields:\n  - { name: 编号, type: datum }\n", encoding="utf-8")
    res = office.migrate("--apply")
    assert res.code == 2
    assert "tasks.yaml:4" in res.err and "fields[0].type" in res.err and "Traceback" not in res.err
    assert digest(book) == before


def test_one_workbook_refused_the_other_migrated_and_the_schema_not_installed(office):
    office.xlsx()
    other = office.book.with_name("桃源.xlsx")
    shutil.copy(office.book, other)
    wb = openpyxl.load_workbook(other)
    wb["督办台账"]["F3"] = "完成时限"
    wb.save(other)
    before = digest(other)
    office.write_config('[[workbooks]]\nname = "凤凰镇"\nsource = "data/镇.xlsx"\n\n'
                        '[[workbooks]]\nname = "桃源镇"\nsource = "data/桃源.xlsx"\n')
    res = office.migrate("--apply")
    assert res.code == 2
    assert cells(office.book)["C3"] == "完成时限" and digest(other) == before
    assert "新格式未安装" in res.out
    assert (office.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8") == textwrap.dedent(OLD)
    only = office.migrate("--workbook", "凤凰镇", "--lang", "en")
    assert only.code == 0 and "桃源镇" not in only.out
    assert "The header already matches the new schema" in only.out


def test_renamed_outputs_and_sheet_follow_the_new_schema(office):
    (office.root / "sheets_schema" / "tasks.yaml").write_text(textwrap.dedent(OLD) + FLAGGED.format(due="办理时限"),
                                                              encoding="utf-8")
    renamed = (textwrap.dedent(NEW) + FLAGGED.format(due="完成时限")).replace("预警状态", "时限状态")
    office.new.write_text(renamed.replace("sheet: 督办台账", "sheet: 督办事项"), encoding="utf-8")
    book = office.xlsx()
    assert run_cli("flag", "--config", office.config, "--today", TODAY).code in (0, 1)
    res = office.migrate("--apply")
    assert res.code == 0, res.out + res.err
    assert "表头 I3：“预警状态”改为“时限状态”" in res.out
    assert "把工作表“督办台账”改名" in res.out
    assert cells(book)["I3"] == "时限状态"


def test_a_cell_changed_right_after_our_write_is_reported_with_the_backup(office, monkeypatch):
    from assistant.sources.xlsx.source import XlsxSource

    book = office.xlsx()
    original = XlsxSource.apply

    def colleague_saves_after(source, patches, planned_from):
        report = original(source, patches, planned_from)
        wb = openpyxl.load_workbook(book)
        wb["督办台账"]["E5"] = "丙"
        wb.save(book)
        return report

    monkeypatch.setattr(XlsxSource, "apply", colleague_saves_after)
    res = office.migrate("--apply")
    assert res.code == 2, res.out
    # the first cell that differs: E5, or G4 (openpyxl's save drops the formula's cached value)
    assert "与写入前不同" in res.out and ".assistant" in res.out and "backups" in res.out
    assert (office.root / "sheets_schema" / "tasks.yaml").read_text(encoding="utf-8") == textwrap.dedent(OLD)


def test_a_google_sheet_migrated_once_is_not_written_again(office, sheets_server, tmp_path):
    rows = [["凤凰镇督办事项台账"], ["填报单位：党政办"], HEADER, ["DB-001", "修缮村道", 46356, "加急", "甲"]]
    sid = sheets_server.add_spreadsheet("凤凰镇督查台账", {"督办台账": rows})
    key = make_service_account(tmp_path, sheets_server)
    office.write_config(f'[[workbooks]]\nname = "凤凰镇"\nsource = "gsheets:{sid}"\ncredentials = "{key.as_posix()}"\n'
                        f'api_url = "{sheets_server.url}"\n')
    assert office.migrate("--apply").code == 0
    sent = len(sheets_server.requests_received)
    assert sent
    again = run_cli("migrate", "tasks", "--to", office.root / "sheets_schema" / "tasks.yaml", "--config", office.config,
                    "--apply")
    assert again.code == 0, again.err
    assert "无需改动" in again.out and len(sheets_server.requests_received) == sent


def test_schema_diff_lists_key_outputs_and_rules(office):
    old = office.root / "sheets_schema" / "tasks.yaml"
    old.write_text(textwrap.dedent(OLD) + FLAGGED.format(due="办理时限")
                   + "rules:\n  - { kind: unique_together, fields: [编号, 事项] }\n", encoding="utf-8")
    office.new.write_text(textwrap.dedent(NEW).replace("key: 编号", "key: 事项")
                          + FLAGGED.format(due="完成时限").replace("预警状态", "时限状态")
                          + "rules:\n  - { kind: required_if, field: 责任人, when: { 事项: 修缮村道 } }\n", encoding="utf-8")
    data = run_cli("schema", "diff", old, office.new, "--format", "json").json()
    assert data["key"] == {"from": "编号", "to": "事项"}
    assert data["outputs"] == [{"role": "status", "from": "预警状态", "to": "时限状态"}]
    assert [r.split()[0] for r in data["rules_added"]] == ["required_if"]
    assert [r.split()[0] for r in data["rules_removed"]] == ["unique_together"]
    text = run_cli("schema", "diff", old, office.new).out
    assert "关键字段（key）：编号 → 事项" in text and "助手写入的状态列：预警状态 → 时限状态" in text
    assert "新增规则：required_if" in text and "删除规则：unique_together" in text


def test_a_field_heading_two_columns_is_refused(office):
    book = office.xlsx()
    wb = openpyxl.load_workbook(book)
    wb["督办台账"]["F3"] = "办理时限"
    wb.save(book)
    res = office.migrate()
    assert res.code == 2
    assert "“完成时限”出现在多列（C、F）" in res.out


# --- new columns' entry rules ----------------------------------------------------------------------

RULED = NEW + """  - { name: 办理状态, enum: [未办, 在办, 办结], description: 当前进度 }
  - { name: 办结日期, type: date }
"""


def validations(path: Path) -> dict[str, object]:
    """The sheet's data validations by range, as openpyxl reads them."""
    ws = openpyxl.load_workbook(path)["督办台账"]
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_new_columns_get_their_entry_rules_and_formats(office):
    book = office.xlsx()
    office.new.write_text(textwrap.dedent(RULED), encoding="utf-8")
    before = cells(book)
    dry = office.migrate()
    assert dry.code == 0, dry.err
    assert "新增列 K3“办理状态”" in dry.out and "第 4–1006 行设下拉选择" in dry.out
    assert "第 4–1006 行设日期校验、格式 yyyy-mm-dd" in dry.out and "第 4–1006 行设填写提示、格式 @" in dry.out
    res = office.migrate("--apply")
    assert res.code == 0, res.out + res.err
    after = cells(book)
    assert (after["I3"], after["J3"], after["K3"], after["L3"]) == ("责任人", "联系电话", "办理状态", "办结日期")
    assert {k for k in set(before) | set(after) if before.get(k) != after.get(k)} == {"C3", "I3", "J3", "K3", "L3"}
    dvs = validations(book)
    # the sheet's last row is 6: the rules reach 1000 rows further, from the row below the header
    assert set(dvs) == {"E4:E200", "J4:J1006", "K4:K1006", "L4:L1006"}, "no rule for a plain text field (I)"
    assert dvs["E4:E200"].type == "list" and dvs["E4:E200"].formula1 == '"甲,乙,丙"', "the office's own rule kept"
    status = dvs["K4:K1006"]
    assert status.type == "list" and status.formula1 == '"未办,在办,办结"'
    assert status.promptTitle == "办理状态" and "当前进度" in status.prompt and status.showInputMessage
    assert status.error == "请从下拉列表中选择" and status.showErrorMessage
    day = dvs["L4:L1006"]
    assert day.type == "date" and day.operator == "between" and day.formula1 == "1"
    assert day.promptTitle == "办结日期" and "示例" in day.prompt
    assert dvs["J4:J1006"].type is None and "示例" in dvs["J4:J1006"].prompt, "a phone: a prompt alone"
    ws = openpyxl.load_workbook(book)["督办台账"]
    assert ws.column_dimensions["L"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["J"].number_format == "@", "a phone typed later stays text"
    assert ws.column_dimensions["B"].width > 29, "the office's column width kept"
    assert ws["C4"].number_format == "yyyy-mm-dd" and ws["E4"].number_format == "General"
    again = digest(book)
    second = run_cli("migrate", "tasks", "--to", office.root / "sheets_schema" / "tasks.yaml",
                     "--config", office.config, "--apply")
    assert second.code == 0 and "无需改动" in second.out and digest(book) == again, "a second run writes nothing"


def test_a_new_column_inside_a_width_range_gets_its_own_format_and_keeps_the_width(office):
    book = office.xlsx(wide=True)
    office.new.write_text(textwrap.dedent(RULED), encoding="utf-8")
    assert office.migrate("--apply").code == 0
    dims = openpyxl.load_workbook(book)["督办台账"].column_dimensions
    spans = {k: (d.min, d.max, round(d.width, 2), d.number_format) for k, d in dims.items() if d.min and d.min >= 6}
    assert spans == {"F": (6, 9, 15.71, "General"), "J": (10, 10, 15.71, "@"), "K": (11, 11, 15.71, "General"),
                     "L": (12, 12, 15.71, "yyyy-mm-dd"), "M": (13, 26, 15.71, "General")}, spans


def test_a_rule_of_the_office_on_a_new_column_is_kept_alone(office):
    book = office.xlsx(rule_on="K10:K20")
    office.new.write_text(textwrap.dedent(RULED), encoding="utf-8")
    assert office.migrate("--apply").code == 0
    dvs = validations(book)
    assert set(dvs) == {"E4:E200", "J4:J1006", "K10:K20", "L4:L1006"}, "no second rule over the office's"
    assert dvs["K10:K20"].type == "whole" and dvs["K10:K20"].formula1 == "0"


def test_new_columns_prompts_follow_lang(office):
    book = office.xlsx()
    office.new.write_text(textwrap.dedent(RULED), encoding="utf-8")
    res = office.migrate("--apply", "--lang", "en")
    assert res.code == 0, res.out + res.err
    assert "rows 4–1006 get a drop-down list" in res.out and "rows 4–1006 get a date check, the format yyyy-mm-dd" in res.out
    dvs = validations(book)
    assert dvs["K4:K1006"].error == "Choose a value from the drop-down list"
    assert "Example" in dvs["L4:L1006"].prompt


def test_libreoffice_keeps_the_new_columns_rules(office, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    book = office.xlsx()
    office.new.write_text(textwrap.dedent(RULED), encoding="utf-8")
    assert office.migrate("--apply").code == 0
    out = tmp_path / "lo"
    cmd = [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(out), str(book)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    resaved = out / "镇.xlsx"
    assert cells(resaved)["K3"] == "办理状态" and cells(resaved)["A4"] == "DB-001"
    dvs = validations(resaved)  # LibreOffice read our rules: it writes them back
    status = next(dv for ref, dv in dvs.items() if ref.startswith("K4"))
    assert status.type == "list" and "未办" in status.formula1 and "当前进度" in (status.prompt or "")
    assert any(ref.startswith("L4") and dv.type == "date" for ref, dv in dvs.items())
    assert any(ref.startswith("E4") and dv.type == "list" for ref, dv in dvs.items())


def test_a_google_sheet_gets_the_new_columns_rules(office, sheets_server, tmp_path):
    rows = [["凤凰镇督办事项台账"], ["填报单位：党政办"], HEADER, ["DB-001", "修缮村道", 46356, "加急", "甲"]]
    sid = sheets_server.add_spreadsheet("凤凰镇督查台账", {"督办台账": rows})
    key = make_service_account(tmp_path, sheets_server)
    office.write_config(f'[[workbooks]]\nname = "凤凰镇"\nsource = "gsheets:{sid}"\ncredentials = "{key.as_posix()}"\n'
                        f'api_url = "{sheets_server.url}"\n')
    office.new.write_text(textwrap.dedent(RULED), encoding="utf-8")
    res = office.migrate("--apply", "--lang", "en")
    assert res.code == 0, res.out + res.err
    assert sheets_server.values(sid, "督办台账")[2][5:9] == ["责任人", "联系电话", "办理状态", "办结日期"]
    sent = [r["setDataValidation"] for r in sheets_server.requests_received if "setDataValidation" in r]
    assert sorted((v["range"]["startColumnIndex"], v["range"]["startRowIndex"], v["range"]["endRowIndex"])
                  for v in sent) == [(6, 3, 1004), (7, 3, 1004), (8, 3, 1004)], "rows 4..1004: the last row + 1000"
    status = sheets_server.data_validation(sid, "督办台账", 3, 7)
    assert status["condition"] == {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in ("未办", "在办", "办结")]}
    assert status["showCustomUi"] and "当前进度" in status["inputMessage"]
    assert sheets_server.data_validation(sid, "督办台账", 1003, 7) == status, "down to the last row of the range"
    day = sheets_server.data_validation(sid, "督办台账", 3, 8)
    assert day["condition"]["type"] == "DATE_IS_VALID" and "Example" in day["inputMessage"]
    assert sheets_server.format_at(sid, "督办台账", 3, 8)["numberFormat"]["type"] == "DATE"
    assert sheets_server.data_validation(sid, "督办台账", 2, 7) is None, "not on the header"
    assert sheets_server.data_validation(sid, "督办台账", 3, 5) is None, "a plain text field: none"
    assert all(sheets_server.data_validation(sid, "督办台账", 3, c) is None for c in range(5))
    n = len(sheets_server.requests_received)
    again = run_cli("migrate", "tasks", "--to", office.root / "sheets_schema" / "tasks.yaml", "--config", office.config,
                    "--apply")
    assert again.code == 0 and len(sheets_server.requests_received) == n, "a second run sends nothing"
