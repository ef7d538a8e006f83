"""The xlsx source and header handling: what people's real workbooks look like, and every way a
workbook can be unreadable (exit 2, a clear message, never a traceback)."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from openpyxl import Workbook

SCHEMA = """
register: tasks
title: 督查督办台账
key: 编号
fields:
  - { name: 编号, required: true }
  - { name: 完成时限, type: date, required: true }
  - { name: 进度(%), type: percent }
  - { name: 责任人 }
"""


def errors(folder) -> list[dict]:
    return [f for f in folder.findings() if f["code"] != "missing_column"]


@pytest.fixture
def folder(office):
    office.schema("tasks", SCHEMA)
    office.write_config()
    return office


def test_header_detected_below_merged_title_and_subtitle(folder):
    wb = Workbook()
    ws = wb.active
    ws.title = "督查督办台账"
    ws.append(["凤凰镇督查督办台账（2026年）"])
    ws.merge_cells("A1:D1")
    ws.append(["填报单位：党政办", None, "更新：2026-11-20"])
    ws.merge_cells("A2:B2")
    ws.append([])
    ws.append(["编号", "完成\n时限", "责任人 ", "进度（%）"])  # newline, trailing space, full-width brackets
    ws.append(["DB-1", dt.date(2026, 11, 30), "王芳", "2026.13.45"])
    ws.append([])
    ws.append([None, None, None, None])
    ws.append(["DB-2", "2026.13.45", "赵磊", 50])
    path = folder.root / "data" / "镇.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    findings = folder.findings()
    by_cell = {f["cell"]: f for f in findings}
    # Row numbers are the sheet's: header in row 4, blank rows 6-7 skipped but still counted.
    assert by_cell["D5"]["code"] == "invalid_percent" and by_cell["D5"]["key"] == "DB-1"
    assert by_cell["B8"]["code"] == "invalid_date" and by_cell["B8"]["row"] == 8
    assert by_cell["B8"]["column"] == "完成时限"
    assert len(findings) == 2


def test_explicit_header_row(folder):
    folder.schema("tasks", SCHEMA + "header_row: 3\n")
    folder.workbook({"督查督办台账": [["标题"], ["编号", "完成时限"], ["编号", "完成时限", "进度(%)", "责任人"],
                                      ["DB-1", "明天", 10, "王芳"]]})
    (f,) = errors(folder)
    assert f["cell"] == "B4" and f["code"] == "invalid_date"


def test_columns_in_any_order_and_extra_columns_ignored(folder):
    folder.workbook({"督查督办台账": [["备注", "责任人", "其他", "完成时限", "编号"],
                                      ["x", "王芳", "y", "2026/11/5", "DB-1"],
                                      ["x", "王芳", "y", "12月32日", "DB-2"]]})
    (f,) = errors(folder)
    assert (f["cell"], f["key"], f["value"]) == ("D3", "DB-2", "12月32日")


def test_sheet_name_matched_ignoring_spaces_and_width(folder):
    folder.workbook({" 督查督办 台账": [["编号", "完成时限"], ["DB-1", "下周五"]]})
    (f,) = errors(folder)
    assert f["sheet"] == " 督查督办 台账" and f["cell"] == "B2"


def test_optional_missing_column_is_a_warning(folder):
    folder.workbook({"督查督办台账": [["编号", "完成时限", "责任人"], ["DB-1", "2026-11-30", "王芳"]]})
    res = folder.check("--format", "json")
    assert res.code == 0
    (f,) = res.json()["findings"]
    assert f["code"] == "missing_column" and f["severity"] == "warning" and f["column"] == "进度(%)"
    assert f["row"] is None and f["cell"] is None


def test_empty_register_is_fine(folder):
    folder.workbook({"督查督办台账": [["编号", "完成时限"]]})
    res = folder.check()
    assert res.code == 0 and "0 行" in res.out


@pytest.mark.parametrize(
    "sheets, words",
    [
        ({"督查督办台账": [["编号", "责任人"], ["DB-1", "王芳"]]}, ["缺少必填列：完成时限", "编号、责任人"]),
        ({"督查督办台账": [["序号", "内容"], [1, "x"]]}, ["找不到表头", "编号"]),
        ({"督查督办台账": [["编号", "完成时限", "完成 时限"], ["DB-1", "2026-1-1", "2026-1-2"]]},
         ["“完成时限”出现了两次", "B列和C列"]),
    ],
)
def test_sheet_problems_exit_2(folder, sheets, words):
    folder.workbook(sheets)
    res = folder.check()
    assert res.code == 2
    for w in words:
        assert w in res.err, (w, res.err)
    assert "Traceback" not in res.err


def test_header_row_beyond_sheet(folder):
    folder.schema("tasks", SCHEMA + "header_row: 9\n")
    folder.workbook({"督查督办台账": [["编号", "完成时限"]]})
    res = folder.check()
    assert res.code == 2 and "header_row: 9" in res.err


def test_missing_file(folder):
    res = folder.check()
    assert res.code == 2 and "找不到工作簿" in res.err and "镇.xlsx" in res.err


def test_not_a_workbook(folder):
    (folder.root / "data").mkdir(parents=True, exist_ok=True)
    (folder.root / "data" / "镇.xlsx").write_text("姓名,电话\n王芳,138\n", encoding="utf-8")
    res = folder.check()
    assert res.code == 2 and "不是可读取的工作簿" in res.err and "另存为" in res.err


def test_truncated_workbook(folder):
    path = folder.workbook({"督查督办台账": [["编号", "完成时限"], ["DB-1", "2026-11-30"]]})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    res = folder.check()
    assert res.code == 2 and "镇.xlsx" in res.err and "Traceback" not in res.err


def test_password_protected_workbook(folder):
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool (test extra) encrypts the fixture")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = folder.workbook({"督查督办台账": [["编号", "完成时限"], ["DB-1", "2026-11-30"]]})
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain.read_bytes())).encrypt("secret", encrypted)
    plain.write_bytes(encrypted.getvalue())
    res = folder.check()
    assert res.code == 2 and "密码" in res.err
    assert msoffcrypto is not None


def test_folder_instead_of_file(folder):
    (folder.root / "data" / "镇.xlsx").mkdir(parents=True)
    res = folder.check()
    assert res.code == 2 and "文件夹" in res.err


def test_values_keep_cell_coordinates_beyond_column_z(folder):
    header = [f"列{i}" for i in range(30)] + ["编号", "完成时限"]
    folder.workbook({"督查督办台账": [header, [None] * 30 + ["DB-1", "2026.2.30"]]})
    (f,) = errors(folder)
    assert f["cell"] == "AF2"


def test_numbers_and_dates_as_stored_by_excel(folder):
    folder.schema("tasks", SCHEMA.replace("  - { name: 责任人 }", "  - { name: 手机, type: phone }"))
    folder.workbook({"督查督办台账": [["编号", "完成时限", "进度(%)", "手机"],
                                      ["DB-1", 46356, 0.35, 13812345678],
                                      ["DB-2", dt.datetime(2026, 11, 5, 9, 30), 0.5, "138 1234 5678"],
                                      ["DB-3", "２０２６－１１－３０", 1, 1381234567]]})
    findings = folder.findings()
    assert [(f["cell"], f["code"]) for f in findings] == [("D4", "invalid_phone")]


def test_workbook_from_another_folder_is_copied_not_touched(folder, tmp_path):
    path = folder.workbook({"督查督办台账": [["编号", "完成时限"], ["DB-1", "2026-11-30"]]})
    before = path.read_bytes()
    folder.check()
    assert path.read_bytes() == before
    shutil.rmtree(folder.root / "data")
