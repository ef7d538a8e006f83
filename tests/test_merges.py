"""Merged cells and two-row headers (issue 11, item 15), on both sources: an xlsx file built with
openpyxl (ws.merge_cells) and a spreadsheet on the loopback Sheets server (Sheet.merges).

- a cell merged down over several rows (one 责任单位 for a group of rows) counts as filled on
  every row it covers; a real empty cell is still reported;
- `header_rows: 2`: the lower row names the columns, a cell merged down over both rows names its
  column, a group label merged across columns above (时间节点) names none;
- write-back on such a sheet: our columns get their header in the lower row, land right of every
  merge, and no merge is broken; a merge over one of our own cells is refused (exit 2, untouched).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import gspread
import openpyxl
import pytest
from google.oauth2.service_account import Credentials

from tests.backends import GSheetsBackend, XlsxBackend
from tests.conftest import TODAY, run_cli
from tests.sheets_server import make_service_account


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


SHEET = "重点工作台账"
TITLE = "凤凰镇重点工作推进台账（2026年）"
# Row 1 a title, rows 2-3 a two-row header (时间节点 over 交办日期/完成时限), data from row 4. One
# 责任单位 (C4:C6) for three rows; row 7's is really empty; 应急办 (C8:C10) merged down over two
# empty rows below the table. 备注 is two columns wide (F2:G3).
ROWS = [
    [TITLE],
    ["序号", "事项名称", "责任单位", "时间节点", None, "备注"],
    [None, None, None, "交办日期", "完成时限"],
    [1, "秸秆禁烧宣传", "党政办", d("2026-10-08"), d("2026-11-12")],
    [2, "道路破损修复", None, d("2026-11-02"), d("2026-11-24")],
    [3, "安全生产检查", None, d("2026-11-02"), d("2026-12-30"), "已上报"],
    [4, "噪音投诉处理", None, d("2026-10-20"), d("2026-12-31")],
    [5, "防汛预案修订", "应急办", d("2026-11-01"), d("2026-12-18")],
]
MERGES = ["A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G3", "C4:C6", "C8:C10"]
SCHEMA = """\
register: works
title: 重点工作台账
key: 序号
fields:
  - { name: 序号, type: integer, required: true }
  - { name: 事项名称, required: true }
  - { name: 责任单位, required: true }
  - { name: 交办日期, type: date, required: true }
  - { name: 完成时限, type: date, required: true }
  - { name: 备注 }
deadline: { due: 完成时限, start: 交办日期 }
outputs: { status: 预警状态, days: 剩余工作日 }
"""
# What flag writes on TODAY (Friday 2026-11-20), per data row 4-8.
EXPECTED = {4: ("逾期", -6.0), 5: ("临期", 2.0), 6: ("正常", 28.0), 7: ("正常", 29.0), 8: ("正常", 20.0)}


def setup(backend, schema: str = SCHEMA, rows: list[list] = ROWS, merges: list[str] = MERGES,
          sheet: str = SHEET) -> None:
    for other in (backend.root / "sheets_schema").glob("*.yaml"):  # the defaults: not in this workbook
        other.unlink()
    (backend.root / "sheets_schema" / "works.yaml").write_text(schema, encoding="utf-8")
    backend.create({sheet: rows}, registers=["works"], merges={sheet: merges})


def cli(backend, command: str, *args: str):
    return run_cli(command, "--config", backend.config, "--today", TODAY, *args)


def people(row: list) -> list:
    """A row's cells left of our columns (A-G), trailing blanks dropped."""
    cells = row[:7]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def findings(backend) -> list[dict]:
    res = cli(backend, "check", "--format", "json")
    assert res.code in (0, 1), res.err
    return res.json()["findings"]


# --- vertical merges in data rows ------------------------------------------------------------------


@pytest.mark.parametrize("header", ["header_rows: 2\n", "header_rows: 2\nheader_row: 3\n", ""],
                         ids=["two-rows", "two-rows-explicit-lower", "detected"])
def test_a_cell_merged_down_counts_on_every_row_and_a_real_gap_is_still_reported(backend, header):
    setup(backend, SCHEMA.replace("key: 序号\n", f"key: 序号\n{header}"))
    got = [(f["code"], f["cell"], f["row"]) for f in findings(backend)]
    # C5 and C6 lie under the merged 党政办, C9 and C10 under 应急办 in rows with nothing else:
    # none of them is "not filled". Row 7's 责任单位 is really empty.
    assert got == [("missing_value", "C7", 7)]


ONE_ROW = [  # a plain one-row header; 责任单位 merged down over C2:C4, C5 really empty
    ["序号", "事项名称", "责任单位", "交办日期", "完成时限", "备注"],
    [1, "秸秆禁烧宣传", "党政办", d("2026-10-08"), d("2026-11-12")],
    [2, "道路破损修复", None, d("2026-11-02"), d("2026-11-24")],
    [3, "安全生产检查", None, d("2026-11-02"), d("2026-12-30")],
    [4, "噪音投诉处理", None, d("2026-10-20"), d("2026-12-31")],
]


def test_a_header_merged_down_is_found_in_its_lower_row_when_both_rows_name_the_same_fields(backend):
    # Only the columns merged down over rows 2-3 are fields: both rows name the same four, and the
    # data start below the lower one (row 3 is no record with 序号 "序号" in it).
    schema = "".join(line for line in SCHEMA.splitlines(keepends=True)
                     if "日期" not in line and "时限" not in line and "deadline" not in line)
    setup(backend, schema.replace("outputs: { status: 预警状态, days: 剩余工作日 }\n", ""))
    assert [(f["code"], f["cell"]) for f in findings(backend)] == [("missing_value", "C7")]


def test_a_merged_cell_is_filled_on_every_row_under_a_one_row_header(backend):
    setup(backend, rows=ONE_ROW, merges=["C2:C4"])
    assert [(f["code"], f["cell"]) for f in findings(backend)] == [("missing_value", "C5")]


def test_a_finding_on_a_merged_cell_shows_the_merged_value_on_each_row_it_covers(backend):
    schema = SCHEMA.replace("{ name: 责任单位, required: true }", "{ name: 责任单位, enum: [党政办, 应急办] }")
    rows = [list(r) for r in ONE_ROW]
    rows[1][2] = "党政"
    setup(backend, schema, rows, ["C2:C4"])
    got = [(f["code"], f["cell"], f["key"], f["value"]) for f in findings(backend)]
    assert got == [("not_in_enum", f"C{r}", str(r - 1), "党政") for r in (2, 3, 4)]


# --- two-row headers ------------------------------------------------------------------------------

UNMERGED = [  # the same header typed into two rows without merging anything
    ["序号", "事项名称", "责任单位", "时间节点", None, "备注"],
    [None, None, None, "交办日期", "完成时限"],
    [1, "秸秆禁烧宣传", "党政办", d("2026-10-08"), d("2026-11-12")],
    [2, "道路破损修复", None, d("2026-11-02"), d("2026-11-24")],
]


def test_an_unmerged_two_row_header_is_read_with_header_rows_2(backend):
    setup(backend, SCHEMA.replace("key: 序号\n", "key: 序号\nheader_rows: 2\n"), UNMERGED, merges=[])
    assert [(f["code"], f["cell"]) for f in findings(backend)] == [("missing_value", "C4")]


def test_a_two_row_header_without_header_rows_is_named_in_the_message(backend):
    setup(backend, rows=UNMERGED, merges=[])
    res = cli(backend, "check")
    assert res.code == 2
    assert "缺少必填列：交办日期、完成时限（第1行的表头是" in res.err
    assert "表头似乎占两行（第1–2行，上面一行是分组标题）：在台账格式里写 header_rows: 2" in res.err
    # The same columns optional: a warning each, saying the same.
    setup(backend, SCHEMA.replace("date, required: true", "date"), UNMERGED, merges=[])
    got = [f["message"] for f in findings(backend) if f["code"] == "missing_column"]
    assert got == [f"工作表“{SHEET}”缺少“{c}”列，相关检查已跳过（表头似乎占两行，第1–2行：在台账格式里写 header_rows: 2）"
                   for c in ("交办日期", "完成时限")]
    # A header_row given as the upper row: the message says it must name the lower one.
    setup(backend, SCHEMA.replace("key: 序号\n", "key: 序号\nheader_row: 1\n"), UNMERGED, merges=[])
    res = cli(backend, "check")
    assert res.code == 2 and "在台账格式里写 header_rows: 2，并把 header_row 改为 2（下面那行）" in res.err


@pytest.mark.parametrize("text, where, words", [
    ("header_rows: 3\n", "works.yaml:13 [works] header_rows:", "应为 1 或 2"),
    ("header_rows: true\n", "works.yaml:13 [works] header_rows:", "应为 1 或 2"),
    ("header_row: 1\nheader_rows: 2\n", "works.yaml:13 [works] header_row:", "header_rows: 2 时 header_row 是下面那行"),
])
def test_header_rows_is_linted(tmp_path, text, where, words):
    path = tmp_path / "works.yaml"
    path.write_text(SCHEMA + text, encoding="utf-8")
    res = run_cli("schema", "lint", path)
    assert res.code == 2
    assert f"{where} {words}" in res.err, res.err
    path.write_text(SCHEMA + "header_row: 3\nheader_rows: 2\n", encoding="utf-8")
    assert run_cli("schema", "lint", path).code == 0


# --- write-back -----------------------------------------------------------------------------------


def test_flag_on_a_two_row_header_writes_in_the_lower_row_and_keeps_every_merge(backend):
    setup(backend, SCHEMA.replace("key: 序号\n", "key: 序号\nheader_rows: 2\n"))
    before = backend.rows(SHEET)
    res = cli(backend, "flag")
    assert res.code == 1, res.err  # row 7's empty 责任单位 is an error finding
    after = backend.rows(SHEET)
    # New columns right of every merge (备注 reaches G), headed in the lower header row.
    assert after[2][7:9] == ["预警状态", "剩余工作日"]
    assert len(after[1]) <= 7 and len(after[0]) <= 7  # nothing written into the title or the group row
    for row, (label, days) in EXPECTED.items():
        assert after[row - 1][7:9] == [label, days], row
    assert all(len(r) <= 7 for r in after[8:])  # rows 9-10 (under a merge, nothing else) are no records
    assert [people(r) for r in after] == [people(r) for r in before]  # people's cells as they were
    assert backend.merges(SHEET) == sorted(MERGES)
    if isinstance(backend, GSheetsBackend):  # one write, which found the header and keys where we read them
        assert backend.server.counts["spreadsheets.batchUpdate"] == 1


@pytest.mark.parametrize("merge", ["E2:E3", "D3:E3"], ids=["status-merged-down", "note-merged-across"])
def test_a_merge_over_our_own_column_is_refused_and_nothing_is_written(backend, merge):
    schema = ("register: works\ntitle: 重点工作台账\nkey: 编号\nfields:\n  - { name: 编号, required: true }\n"
              "  - { name: 事项名称 }\n  - { name: 完成时限, type: date }\n  - { name: 备注 }\n"
              "deadline: { due: 完成时限 }\noutputs: { status: 预警状态 }\n")
    rows = [["编号", "事项名称", "完成时限", "备注", "预警状态"],
            ["G-1", "秸秆禁烧宣传", d("2026-11-12"), None, "逾期"],
            ["G-2", "道路破损修复", d("2026-11-24"), "见附件"],
            ["G-3", "安全生产检查", d("2026-12-30")]]
    setup(backend, schema, rows, [merge])
    state = backend.state()
    res = cli(backend, "flag")
    assert res.code == 2, res.err
    assert merge in res.err and "预警状态" in res.err and "合并" in res.err
    assert "取消合并" in res.err  # the hint: what to do
    assert backend.state() == state  # not one cell written
    assert cli(backend, "check").code == 0  # reading the sheet is not affected


# --- the sources -----------------------------------------------------------------------------------


def test_sheets_merges_come_with_the_metadata_request(tmp_path, sheets_server):
    backend = GSheetsBackend(tmp_path / "office", sheets_server)
    setup(backend, SCHEMA.replace("key: 序号\n", "key: 序号\nheader_rows: 2\n"))
    sheets_server.reset_counts()
    assert [f["cell"] for f in findings(backend)] == ["C7"]
    assert sheets_server.counts["spreadsheets.get"] == 1 and sheets_server.counts["total"] == 2
    (get,) = [e for e in sheets_server.log if e["endpoint"] == "spreadsheets.get"]
    assert "merges" in get["query"]["fields"][0]


def test_sheets_server_answers_merges_as_the_api_does(tmp_path, sheets_server):
    sid = sheets_server.add_spreadsheet("台账", {"甲": [["a", "b"], ["c", "d"]], "乙": [[1], [2], [3]]})
    sheets_server.merge_cells(sid, "甲", "A1:B1")
    sheets_server.merge_cells(sid, "乙", "A2:A3")
    assert sheets_server.values(sid, "甲") == [["a", None], ["c", "d"]]  # only the top-left value is kept
    creds = Credentials.from_service_account_file(str(make_service_account(tmp_path, sheets_server)),
                                                  scopes=["https://www.googleapis.com/auth/spreadsheets"])
    gc = gspread.Client(auth=creds, http_client=sheets_server.http_client_class())
    meta = gc.open_by_key(sid).fetch_sheet_metadata({"fields": "sheets(properties.title,merges)"})
    # GridRange, 0-based, end exclusive; proto3 JSON leaves out what is 0 (the first sheet's id, a
    # start in row 1 or column A).
    assert meta["sheets"][0] == {"properties": {"title": "甲"},
                                 "merges": [{"endRowIndex": 1, "endColumnIndex": 2}]}
    assert meta["sheets"][1]["merges"] == [{"sheetId": 1001, "startRowIndex": 1, "endRowIndex": 3,
                                            "endColumnIndex": 1}]
    sheets_server.insert_row(sid, "乙", 2, [9])  # inside the merge: it grows
    assert sheets_server.merges(sid, "乙") == ["A2:A4"]
    sheets_server.insert_row(sid, "乙", 0, [0])  # above it: it moves down
    assert sheets_server.merges(sid, "乙") == ["A3:A5"]
    sheets_server.delete_row(sid, "乙", 3)
    sheets_server.delete_row(sid, "乙", 3)  # down to one cell: no merge any more
    assert sheets_server.merges(sid, "乙") == []


def test_libreoffice_and_openpyxl_open_what_flag_wrote_on_a_merged_sheet(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install it (apt-get install libreoffice-calc) "
                    "to check that a written workbook opens")
    backend = XlsxBackend(tmp_path / "office")
    setup(backend, SCHEMA.replace("key: 序号\n", "key: 序号\nheader_rows: 2\n"))
    assert cli(backend, "flag").code == 1
    ws = openpyxl.load_workbook(backend.path)[SHEET]
    assert sorted(str(r) for r in ws.merged_cells.ranges) == sorted(MERGES)
    assert (ws["C4"].value, ws["H3"].value, ws["H4"].value) == ("党政办", "预警状态", "逾期")
    out, profile = tmp_path / "lo", (tmp_path / "lo-profile").as_uri()
    out.mkdir()
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
           "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(backend.path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    (csv_file,) = out.glob("*.csv")
    lines = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    assert lines[2][7:9] == ["预警状态", "剩余工作日"]
    for row, (label, days) in EXPECTED.items():
        assert lines[row - 1][7:9] == [label, str(int(days))], row
