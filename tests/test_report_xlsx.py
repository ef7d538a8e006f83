"""The xlsx report: a summary sheet, one sheet per table with typed values and number formats,
native charts drawn from the table's cells, no formula anywhere; and LibreOffice opens it and
shows the figures as the sheet formats them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, LineChart

from assistant.i18n import using
from assistant.reports.model import Column, Table
from assistant.reports.render_xlsx import workbook_bytes
from tests.report_samples import BULLETIN_TEXT_ZH, CHANGED, FLAGGED, QUOTA, UNITS_EN, UNITS_ZH, sample_report

SHEETS_ZH = ["概况", "各单位编制与在岗情况", "逾期事项", "逾期与临期事项周走势"]
STAFFING = "各单位编制与在岗情况"


def written(lang: str = "zh", report=None) -> bytes:
    with using(lang):
        return workbook_bytes(report or sample_report(lang))


def opened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book_zh() -> bytes:
    return written("zh")


# --- 1. sheets --------------------------------------------------------------------------------------

def test_a_summary_sheet_then_one_sheet_per_table(book_zh):
    wb = opened(book_zh)
    assert wb.sheetnames == SHEETS_ZH
    ws = wb["概况"]
    cells = {c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert ws["A1"].value == "2026年第47周人员编制通报" and ws["A1"].font.bold
    assert {"凤凰镇党政办", "2026年第47周（11月16日—11月22日）", "白云镇的工作簿无法读取，其单位未计入。",
            "第40周以前没有历史记录。", "总体情况", "下步要求", BULLETIN_TEXT_ZH} <= cells
    generated = next(row[1] for row in ws.iter_rows() if row[0].value == "生成日期")
    assert generated.value == dt.datetime(2026, 11, 20) and generated.number_format == "yyyy-mm-dd"
    paragraph = next(c for row in ws.iter_rows() for c in row if c.value == BULLETIN_TEXT_ZH)
    assert paragraph.alignment.wrap_text
    # A paragraph of 110 CJK characters takes three lines in a column 90 wide: the row is as tall.
    assert ws.row_dimensions[paragraph.row].height >= 3 * 15
    assert 60 <= ws.column_dimensions["B"].width <= 120


def test_english_sheets_headers_and_period(tmp_path):
    wb = opened(written("en"))
    assert wb.sheetnames == ["Summary", "Staffing by unit", "Overdue tasks", "Overdue and due soon by week"]
    summary = {c.value for row in wb["Summary"].iter_rows() for c in row}
    assert {"Office", "Period", "Generated", "Notes", "week 47 of 2026 (11/16–11/22)"} <= summary
    ws = wb["Staffing by unit"]
    assert [c.value for c in ws[2]] == ["Unit", "Headcount quota", "On payroll", "Vacancy rate", "Change",
                                        "Average years in post", "Last change"]
    assert ws["A3"].value == UNITS_EN[0] and ws["A15"].value == "Total"


def test_sheet_names_follow_excels_rules():
    """≤ 31 characters, none of []:*?/\\, unique whatever the case, not the summary's name."""
    report = sample_report("zh")
    odd = ["[督查]通报: 第*周?/\\", "逾期事项", "逾期事项", "Overdue", "OVERDUE",
           "一个非常非常非常长的表格标题，长到超过了电子表格允许的三十一个字符的限制", "概况", "'引号'", "History"]
    report.blocks = [Table(f"t{i}", title, [Column("a", "甲")], [{"a": "x"}]) for i, title in enumerate(odd)]
    wb = opened(written("zh", report))
    names = wb.sheetnames
    assert len(names) == len(odd) + 1 and len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) and name[0] != "'" and name[-1] != "'"
    assert names[2] == "逾期事项" and names[3] != "逾期事项" and names[3].startswith("逾期事项")
    assert names[7] != "概况" and "history" not in {n.casefold() for n in names}
    # The full title is still on the sheet.
    assert wb[names[6]]["A1"].value == odd[5]


# --- 2. a table's sheet -------------------------------------------------------------------------------

def test_values_are_typed_by_column_kind_with_number_formats(book_zh):
    ws = opened(book_zh)[STAFFING]
    assert ws["A1"].value == STAFFING
    header = ws[2]
    assert [c.value for c in header] == ["单位", "编制数", "在编人数", "缺编率", "较上期", "平均任职年限", "最近变动"]
    assert all(c.font.bold for c in header)
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:G14", "the filter covers the header and the 12 units, not the totals"
    first = ws[3]
    assert first[0].value == UNITS_ZH[0] and first[0].data_type == "s"
    assert (first[1].value, first[1].number_format) == (12, "#,##0")
    assert first[3].value == pytest.approx(1 / 12) and first[3].number_format == "0.0%"
    assert (first[4].value, first[4].number_format) == (1, "+0;-0;0")
    assert (first[5].value, first[5].number_format) == (4.25, "0.0")
    assert (first[6].value, first[6].number_format) == (dt.datetime(2026, 10, 9), "yyyy-mm-dd")
    assert ws["E4"].value == -3 and isinstance(ws["B3"].value, int)
    # None: an empty cell, not 0 nor "—".
    assert ws.cell(3 + 2, 7).value is None and CHANGED[2] is None
    assert ws.cell(3 + 4, 5).value is None and ws.cell(3 + 4, 6).value is None
    # The totals row: bold, after the units.
    total = ws[15]
    assert total[0].value == "合计" and total[1].value == sum(QUOTA) and all(c.font.bold for c in total[:5])
    assert total[5].value is None
    # The flagged unit, and only it, filled light red.
    fills = {r: ws.cell(r, 1).fill.fgColor.rgb for r in range(3, 16) if ws.cell(r, 1).fill.fill_type == "solid"}
    assert list(fills) == [3 + FLAGGED] and fills[3 + FLAGGED].endswith("FFC7CE")
    assert all(ws.cell(3 + FLAGGED, c).fill.fill_type == "solid" for c in range(1, 8))
    # The note below the table.
    assert ws["A17"].value.startswith("缺编率 =") and ws["A16"].value is None


def test_a_totals_row_over_the_line_is_filled_too():
    report = sample_report("zh")
    total = report.table("units").total
    assert total is not None
    total["over"] = True
    ws = opened(written("zh", report))[STAFFING]
    assert [r for r in range(3, 16) if ws.cell(r, 1).fill.fill_type == "solid"] == [3 + FLAGGED, 15]
    assert ws["A15"].font.bold


def test_columns_are_fitted_counting_cjk_double(book_zh):
    ws = opened(book_zh)[STAFFING]
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    longest = max(len(u) for u in UNITS_ZH)  # 19 CJK characters: 38 half-width ones
    assert 2 * longest <= widths["A"] <= 2 * longest + 4
    assert widths["B"] < 12 and widths["G"] >= 10  # 编制数 (6) and a date (10)
    bulletin = opened(book_zh)["逾期事项"]
    content = bulletin["B3"]
    assert content.value == BULLETIN_TEXT_ZH
    assert bulletin.column_dimensions["B"].width <= 52 and content.alignment.wrap_text, "long text wraps"
    assert bulletin.row_dimensions[3].height >= 4 * 15


def test_text_is_text_never_a_formula_and_is_cleaned():
    report = sample_report("zh")
    table = report.table("overdue")
    table.rows.append({"key": "=HYPERLINK(\"http://x\")", "content": "控制\x01字符\x1b[31m" + "长" * 40000,
                       "unit": "@SUM(A1)", "due": "不是日期", "days": None})
    report.notices.append("=cmd|' /C calc'!A0")
    data = written("zh", report)
    wb = opened(data)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)
    ws = wb["逾期事项"]
    assert ws["B4"].value == "=1+1" and ws["A5"].value == "=HYPERLINK(\"http://x\")"
    assert ws["C5"].value == "@SUM(A1)"
    cleaned = ws["B5"].value
    assert cleaned.startswith("控制字符[31m长") and len(cleaned) == 32767 and cleaned.endswith("…")
    assert ws["D5"].value == "不是日期", "a date that is not one is shown as written"
    assert "=cmd|' /C calc'!A0" in {c.value for row in wb["概况"].iter_rows() for c in row}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_an_empty_table_shows_its_empty_text_and_draws_no_chart():
    report = sample_report("zh")
    trend = report.table("trend")
    trend.rows, trend.empty = [], "暂无历史记录"
    wb = opened(written("zh", report))
    ws = wb["逾期与临期事项周走势"]
    assert ws["A1"].value == "逾期与临期事项周走势" and ws["A2"].value == "暂无历史记录"
    assert ws._charts == []
    assert len(wb[STAFFING]._charts) == 1


# --- 3. charts --------------------------------------------------------------------------------------

def test_native_charts_on_their_tables_sheet_drawn_from_its_cells(book_zh):
    wb = opened(book_zh)
    assert wb["概况"]._charts == [] and wb["逾期事项"]._charts == []
    (bar,) = wb[STAFFING]._charts
    assert isinstance(bar, BarChart)
    assert bar.title.tx.rich.p[0].r[0].t == "各单位缺编率"
    (series,) = bar.series
    assert series.val.numRef.f == f"'{STAFFING}'!$D$3:$D$14", "the 12 units' rates, not the totals row"
    assert series.cat.strRef.f == f"'{STAFFING}'!$A$3:$A$14"
    assert series.tx.strRef.f.replace("$", "") == f"'{STAFFING}'!D2"
    assert bar.y_axis.numFmt.formatCode == "0%", "rates as percentages"
    assert bar.x_axis.title.tx.rich.p[0].r[0].t == "单位" and bar.y_axis.title.tx.rich.p[0].r[0].t == "缺编率"
    assert bar.x_axis.delete is False and bar.y_axis.delete is False
    assert bar.anchor._from.col >= 7, "beside the table (7 columns), not over it"

    (line,) = wb["逾期与临期事项周走势"]._charts
    assert isinstance(line, LineChart)
    assert [s.val.numRef.f for s in line.series] == ["'逾期与临期事项周走势'!$B$3:$B$10", "'逾期与临期事项周走势'!$C$3:$C$10"]
    assert all(s.cat.strRef.f == "'逾期与临期事项周走势'!$A$3:$A$10" for s in line.series)
    assert line.y_axis.numFmt.formatCode == "#,##0" and line.anchor._from.col >= 3
    assert line.legend is not None, "two series: the legend names them"


def test_two_charts_of_one_table_do_not_overlap():
    report = sample_report("zh")
    chart = next(b for b in report.blocks if getattr(b, "key", "") == "vacancy")
    report.blocks.append(type(chart)("counts", "各单位编制与在编", "bar", "units", "unit", ["quota", "payroll"]))
    wb = opened(written("zh", report))
    first, second = wb[STAFFING]._charts
    assert first.anchor._from.col == second.anchor._from.col
    rows_of_first = first.height / 0.53  # cm over the default row height
    assert second.anchor._from.row - first.anchor._from.row >= rows_of_first
    assert [s.val.numRef.f for s in second.series] == [f"'{STAFFING}'!$B$3:$B$14", f"'{STAFFING}'!$C$3:$C$14"]
    assert second.y_axis.numFmt.formatCode == "#,##0"


# --- 4. LibreOffice --------------------------------------------------------------------------------

def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install it (apt-get install libreoffice-calc) "
                    "to check that the report workbook opens")
    return soffice


def _convert(soffice: str, book: Path, fmt: str, out: Path, profile: Path) -> None:
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", fmt,
           "--outdir", str(out), str(book)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr


def test_libreoffice_opens_it_and_shows_the_figures_as_formatted(tmp_path, book_zh):
    soffice = _soffice()
    book = tmp_path / "report.xlsx"
    book.write_bytes(book_zh)
    out, profile = tmp_path / "out", tmp_path / "profile"
    # Every sheet (the last option, -1), each cell as shown (the option before the formulas one).
    _convert(soffice, book, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", out,
             profile)
    sheets = {p.stem.removeprefix("report-"): list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"))))
              for p in out.glob("*.csv")}
    assert set(sheets) == set(SHEETS_ZH)
    staffing = sheets[STAFFING]
    assert staffing[1] == ["单位", "编制数", "在编人数", "缺编率", "较上期", "平均任职年限", "最近变动"]
    assert staffing[2] == [UNITS_ZH[0], "12", "11", "8.3%", "+1", "4.3", "2026-10-09"]
    assert staffing[3] == [UNITS_ZH[1], "10", "7", "30.0%", "-3", "2.0", "2026-11-02"]
    assert staffing[4][6] == "" and staffing[6][4:6] == ["", ""], "no figure: an empty cell"
    assert staffing[13] == [UNITS_ZH[11], "1,234", "1,200", "2.8%", "-34", "9.0", "2026-04-20"]
    assert staffing[14][:5] == ["合计", "1,338", "1,284", "4.0%", "-38"]
    bulletin = sheets["逾期事项"]
    assert bulletin[2] == ["DB-2026-001", BULLETIN_TEXT_ZH, UNITS_ZH[3], "2026-11-12", "6"]
    assert bulletin[3][1] == "=1+1", "text, not a formula LibreOffice would compute"
    summary = sheets["概况"]
    assert summary[0][0] == "2026年第47周人员编制通报"
    assert ["生成日期", "2026-11-20"] in summary

    _convert(soffice, book, "pdf", out, profile)
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
