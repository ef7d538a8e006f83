"""`assistant template`: a blank register sheet that is ready to type into (title, header where the
schema says, entry rules, number formats, the assistant's columns shaded and labelled), as an .xlsx
file and as a new sheet of a Google spreadsheet; and that `assistant check` reads it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest

from tests.conftest import TODAY, OfficeFolder, run_cli, write_xlsx

WORKS = """
register: works
title: 重点工作台账
sheet: 重点工作
header_row: 3
key: 编号
fields:
  - { name: 编号, required: true, description: 如 GZ-001 }
  - { name: 类别, enum: [党建, 经济, 民生], required: true }
  - { name: 人数, type: integer, minimum: 0, maximum: 500 }
  - { name: 金额, type: number, minimum: 0 }
  - { name: 进度, type: percent, minimum: 0, maximum: 100 }
  - { name: 交办日期, type: date, maximum: today }
  - { name: 完成时限, type: date, minimum: 2026-01-01, required: true }
  - { name: 开会时间, type: datetime }
  - { name: 是否重点, type: boolean }
  - { name: 身份证号, type: id_card }
  - { name: 事项内容, max_length: 200 }
  - { name: 责任人, references: { register: people, field: 姓名 } }
deadline: { due: 完成时限 }
outputs: { status: 预警状态, days: 剩余工作日, findings: 校验提示 }
"""
PEOPLE = """
register: people
title: 人员名册
fields:
  - { name: 姓名, required: true }
"""
HEADERS = ["编号", "类别", "人数", "金额", "进度", "交办日期", "完成时限", "开会时间", "是否重点", "身份证号", "事项内容",
           "责任人", "预警状态", "剩余工作日", "校验提示"]
COL = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(HEADERS)}


@pytest.fixture
def works(office: OfficeFolder) -> OfficeFolder:
    office.schema("works", WORKS)
    office.schema("people", PEOPLE)
    office.workbook({"人员名册": [["姓名"], ["张三"]]}, name="名册.xlsx")
    office.write_config(workbooks='[[workbooks]]\nname = "名册"\nsource = "data/名册.xlsx"\n')
    return office


def template(office: OfficeFolder, *args: str):
    return run_cli("template", *args, "--config", office.config, "--today", TODAY)


def made(office: OfficeFolder, *args: str, name: str = "模板.xlsx"):
    path = office.root / "out" / name
    res = template(office, "works", "-o", path, *args)
    assert res.code == 0, res.err
    return path, res


def validations(ws) -> dict[str, object]:
    """Data validations by their range ("C4:C1003")."""
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


# --- the xlsx file ---------------------------------------------------------------------------------


def test_title_header_and_frozen_pane_follow_the_schema(works):
    path, res = made(works)
    assert "模板.xlsx" in res.out and "第 3 行" in res.out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["重点工作"]
    ws = wb["重点工作"]
    assert ws["A1"].value == "重点工作台账" and ws["A1"].font.b
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:O1"]  # the title across every column
    assert [c.value for c in ws[2]] == [None] * 15  # header_row: 3, so row 2 stays empty
    assert [c.value for c in ws[3]] == HEADERS
    assert all(c.font.b for c in ws[3])
    assert ws.freeze_panes == "A4"
    assert ws.max_row <= 1003  # nothing typed below the rule rows


def test_entry_rules_per_field_type(works):
    path, _ = made(works)
    dvs = validations(openpyxl.load_workbook(path)["重点工作"])
    rng = {h: f"{c}4:{c}1003" for h, c in COL.items()}
    kind = {h: (dvs[rng[h]].type, dvs[rng[h]].operator, dvs[rng[h]].formula1, dvs[rng[h]].formula2)
            for h in HEADERS[:12]}
    assert kind["类别"] == ("list", None, '"党建,经济,民生"', None)
    assert kind["是否重点"] == ("list", None, '"是,否"', None)
    assert kind["人数"] == ("whole", "between", "0", "500")
    assert kind["金额"] == ("decimal", "greaterThanOrEqual", "0", None)
    assert kind["进度"][0] == "decimal" and kind["进度"][2] != "0"  # percent bounds only in the prompt
    assert kind["交办日期"] == ("date", "lessThanOrEqual", "TODAY()", None)
    serial = (dt.date(2026, 1, 1) - dt.date(1899, 12, 30)).days
    assert kind["完成时限"] == ("date", "greaterThanOrEqual", str(serial), None)
    assert kind["开会时间"][:2] == ("date", "between")
    assert kind["事项内容"] == ("textLength", "lessThanOrEqual", "200", None)
    assert kind["编号"][0] is None and kind["身份证号"][0] is None  # a prompt only
    assert all(dvs[rng[h]].allow_blank for h in HEADERS[:12])  # empty is `required`'s business
    assert dvs[rng["人数"]].showErrorMessage and "整数" in dvs[rng["人数"]].error


def test_prompts_say_what_to_type(works):
    path, _ = made(works)
    dvs = validations(openpyxl.load_workbook(path)["重点工作"])
    prompt = {h: dvs[f"{c}4:{c}1003"].prompt for h, c in COL.items() if h in HEADERS[:12]}
    assert prompt["编号"] == "如 GZ-001\n必填"
    assert prompt["完成时限"] == "必填\n取值不小于 2026-01-01\n示例：2026-11-05"
    assert prompt["交办日期"] == "取值不大于 今天\n示例：2026-11-05"
    assert prompt["进度"] == "取值在 0 至 100 之间\n示例：35%"
    assert prompt["身份证号"] == "示例：11010519491231002X"
    assert prompt["责任人"] == "须是台账 people 中已有的“姓名”"
    assert "必填" in prompt["类别"] and "示例" not in prompt["类别"]  # the drop-down shows the choices
    assert dvs[f"{COL['人数']}4:{COL['人数']}1003"].promptTitle == "人数"


def test_number_formats_and_widths(works):
    path, _ = made(works)
    ws = openpyxl.load_workbook(path)["重点工作"]
    fmt = {h: ws[f"{c}4"].number_format for h, c in COL.items()}
    assert fmt["交办日期"] == "yyyy-mm-dd" and fmt["完成时限"] == "yyyy-mm-dd"
    assert fmt["开会时间"] == "yyyy-mm-dd hh:mm"
    assert fmt["身份证号"] == "@"  # typed as a number, an 18-digit ID would lose digits
    assert fmt["人数"] == "0" and fmt["编号"] == "General"
    assert ws[f"{COL['交办日期']}1003"].number_format == "yyyy-mm-dd"  # every rule row
    width = {h: ws.column_dimensions[c].width for h, c in COL.items()}
    assert width["身份证号"] == len("11010519491231002X") + 2  # the example fits
    assert width["剩余工作日"] == 2 * 5 + 2  # CJK counts double
    assert width["事项内容"] == 40  # long text: the widest column
    assert width["校验提示"] == 48 and width["预警状态"] == 10  # as wide as flag makes them
    assert width["编号"] == 8


def test_the_assistants_columns_are_grey_and_say_so(works):
    path, _ = made(works)
    ws = openpyxl.load_workbook(path)["重点工作"]
    dvs = validations(ws)
    for header in ("预警状态", "剩余工作日", "校验提示"):
        c = COL[header]
        assert ws[f"{c}3"].fill.fgColor.rgb.endswith("BFBFBF")
        assert ws[f"{c}4"].fill.fgColor.rgb.endswith("F2F2F2") and ws[f"{c}1003"].fill.fgColor.rgb.endswith("F2F2F2")
        dv = dvs[f"{c}3:{c}1003"]  # the header and every row
        assert dv.prompt == "由助手填写，请勿手工修改" and dv.type is None
    assert ws[f"{COL['责任人']}3"].fill.fgColor.rgb.endswith("DDEBF7")  # a field's header: not grey


def test_rows_option(works):
    path, _ = made(works, "--rows", "50")
    ws = openpyxl.load_workbook(path)["重点工作"]
    assert f"{COL['类别']}4:{COL['类别']}53" in validations(ws)
    assert ws[f"{COL['交办日期']}53"].number_format == "yyyy-mm-dd"
    assert ws[f"{COL['交办日期']}54"].number_format == "General"
    assert template(works, "works", "-o", works.root / "x.xlsx", "--rows", "0").code == 2


def test_english(works):
    path = works.root / "out" / "t.xlsx"
    res = template(works, "works", "-o", path, "--lang", "en")
    assert res.code == 0 and res.out.startswith("Wrote a blank 重点工作台账"), res.out
    ws = openpyxl.load_workbook(path)["重点工作"]
    dvs = validations(ws)
    assert dvs[f"{COL['完成时限']}4:{COL['完成时限']}1003"].prompt == \
        "Required\nValue at least 2026-01-01\nExample: 2026-11-05"
    assert dvs[f"{COL['是否重点']}4:{COL['是否重点']}1003"].formula1 == '"yes,no"'
    assert dvs[f"{COL['预警状态']}3:{COL['预警状态']}1003"].prompt == "Filled in by the assistant; do not edit by hand"


# --- a real starting point: check reads it ---------------------------------------------------------


def use_as_register(office: OfficeFolder, path) -> None:
    office.write_config(workbooks=f'[[workbooks]]\nname = "名册"\nsource = "data/名册.xlsx"\n\n'
                                  f'[[workbooks]]\nname = "凤凰镇"\nsource = "{path.as_posix()}"\n')


def test_check_passes_on_the_blank_template_and_reads_what_is_typed(works):
    path, _ = made(works)
    use_as_register(works, path)
    res = works.check("--format", "json", "--register", "works")
    assert res.code == 0, res.err
    assert res.json()["findings"] == []
    wb = openpyxl.load_workbook(path)
    ws = wb["重点工作"]
    rows = [["GZ-001", "党建", 3, 1200.5, 0.35, dt.date(2026, 11, 2), dt.date(2026, 11, 30), None, "是",
             "11010519491231002X", "宣传", "张三"],
            ["GZ-002", "文化", 600, None, None, dt.date(2026, 11, 3), dt.date(2025, 12, 1), None, "否",
             None, "走访", "李四"]]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    wb.save(path)
    findings = works.findings("--register", "works")
    got = sorted((f["cell"], f["code"]) for f in findings)
    assert got == sorted([(f"{COL['类别']}5", "not_in_enum"), (f"{COL['人数']}5", "above_maximum"),
                          (f"{COL['完成时限']}5", "below_minimum"), (f"{COL['责任人']}5", "unknown_reference")])
    flag = run_cli("flag", "--config", works.config, "--today", TODAY, "--register", "works")
    assert flag.code == 1, flag.err  # the typed mistakes; the statuses are still written
    ws = openpyxl.load_workbook(path)["重点工作"]
    assert ws[f"{COL['预警状态']}4"].value == "正常"
    assert ws[f"{COL['剩余工作日']}4"].value == 6


def test_the_default_task_register(tmp_path):
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    out = folder / "data" / "新台账.xlsx"
    res = run_cli("template", "tasks", "-o", out, "--config", folder / "assistant.toml")
    assert res.code == 0, res.err
    ws = openpyxl.load_workbook(out)["督查督办台账"]
    assert ws["A2"].value == "编号" and ws.freeze_panes == "A3"  # tasks.yaml: header_row 2
    config = folder / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("data/凤凰镇.xlsx", "data/新台账.xlsx"),
                      encoding="utf-8")
    res = run_cli("check", "--config", config, "--today", TODAY, "--register", "tasks", "--format", "json")
    assert res.code == 0 and res.json()["findings"] == [], res.out


def test_every_default_register_makes_a_template_check_reads_clean(tmp_path):
    from assistant.resources import defaults

    folder = tmp_path / "office"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    registers = sorted(p.stem for p in defaults("sheets_schema").glob("*.yaml"))
    assert len(registers) >= 10
    entries = ""
    for reg in registers:
        res = run_cli("template", reg, "-o", folder / "data" / f"{reg}.xlsx", "--config", folder / "assistant.toml",
                      "--rows", "30")
        assert res.code == 0, (reg, res.err)
        entries += f'\n[[workbooks]]\nname = "{reg}"\nsource = "data/{reg}.xlsx"\nregisters = ["{reg}"]\n'
    (folder / "assistant.toml").write_text(f'[office]\nname = "测试"\n{entries}', encoding="utf-8")
    res = run_cli("check", "--config", folder / "assistant.toml", "--today", TODAY, "--format", "json")
    assert res.code == 0, res.err
    assert res.json()["counts"] == {"error": 0, "warning": 0}, res.out


def test_a_header_on_row_1_leaves_no_room_for_the_title(office):
    office.schema("people", PEOPLE.replace("fields:", "header_row: 1\nfields:"))
    office.write_config()
    path = office.root / "p.xlsx"
    assert template(office, "people", "-o", path).code == 0
    ws = openpyxl.load_workbook(path)["人员名册"]
    assert ws["A1"].value == "姓名" and ws.freeze_panes == "A2" and not ws.merged_cells.ranges
    assert "A2:A1001" in validations(ws)


def test_a_two_row_header(office):
    office.schema("works", WORKS.replace("header_row: 3", "header_rows: 2"))
    office.schema("people", PEOPLE)
    office.write_config()
    path = office.root / "t.xlsx"
    res = template(office, "works", "-o", path)
    assert res.code == 0, res.err
    ws = openpyxl.load_workbook(path)["重点工作"]
    assert ws["A1"].value == "重点工作台账"
    assert ws["A2"].value == "编号" and ws["A3"].value is None
    assert "A2:A3" in {str(r) for r in ws.merged_cells.ranges} and "O2:O3" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "A4" and f"{COL['类别']}4:{COL['类别']}1003" in validations(ws)
    ws.cell(4, 1, "GZ-001")
    ws.cell(4, 2, "党建")
    ws.cell(4, 7, dt.date(2026, 11, 30))
    ws.parent.save(path)
    office.write_config(workbooks=f'[[workbooks]]\nname = "凤凰镇"\nsource = "{path.as_posix()}"\n'
                                  'registers = ["works"]\n')
    res = office.check("--format", "json")
    assert res.code == 0 and res.json()["findings"] == [], res.out


# --- refusals ---------------------------------------------------------------------------------------


def test_a_sheet_name_excel_cannot_hold(office):
    office.schema("people", PEOPLE.replace("fields:", "sheet: 收文/发文\nfields:"))
    office.write_config()
    res = template(office, "people", "-o", office.root / "p.xlsx")
    assert res.code == 2 and "收文/发文" in res.err and "people.yaml" in res.err and "较短的工作表名" in res.err
    assert not (office.root / "p.xlsx").exists()


def test_an_existing_file_is_kept_without_force_and_backed_up_with_it(works):
    path = write_xlsx(works.root / "out" / "模板.xlsx", {"草稿": [["一位同事的表"]]})
    theirs = path.read_bytes()
    res = template(works, "works", "-o", path)
    assert res.code == 2 and "已存在" in res.err and "--force" in res.err
    assert path.read_bytes() == theirs
    res = template(works, "works", "-o", path, "--force")
    assert res.code == 0, res.err
    assert openpyxl.load_workbook(path)["重点工作"]["A3"].value == "编号"
    (backup,) = (works.root / ".assistant" / "backups" / "templates").glob("模板.*.xlsx")
    assert backup.read_bytes() == theirs and str(backup.name) in res.out


def test_a_file_someone_has_open_is_not_replaced(works):
    path, _ = made(works)
    before = path.read_bytes()
    (path.parent / f"~${path.name}").write_bytes(b"owner")
    res = template(works, "works", "-o", path, "--force")
    assert res.code == 2 and f"~${path.name}" in res.err
    assert path.read_bytes() == before


def test_a_workbook_of_the_office_is_never_replaced(works):
    register = works.root / "data" / "名册.xlsx"
    before = register.read_bytes()
    res = template(works, "works", "-o", register, "--force")
    assert res.code == 2 and "名册" in res.err and "[[workbooks]]" in res.err
    assert register.read_bytes() == before


def test_unknown_register_and_bad_targets(works):
    res = template(works, "work", "-o", works.root / "t.xlsx")
    assert res.code == 2 and "work" in res.err and "works" in res.err.split("是不是")[-1]
    assert not (works.root / "t.xlsx").exists()
    res = template(works, "works", "-o", works.root / "t.csv")
    assert res.code == 2 and ".xlsx" in res.err
    res = template(works, "works")
    assert res.code == 2 and "-o" in res.err and "--workbook" in res.err
    res = template(works, "works", "-o", works.root / "t.xlsx", "--workbook", "名册")
    assert res.code == 2 and not (works.root / "t.xlsx").exists()
    res = template(works, "works", "--workbook", "名策")
    assert res.code == 2 and "名册" in res.err
    res = template(works, "works", "--workbook", "名册")  # an xlsx workbook: -o is the way
    assert res.code == 2 and "Google" in res.err and "-o" in res.err


# --- LibreOffice ------------------------------------------------------------------------------------


def test_libreoffice_opens_it_with_its_rules(works, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install it (apt-get install libreoffice-calc) "
                    "to check that the template opens")
    path, _ = made(works, "--rows", "20")
    out, profile = tmp_path / "lo", (tmp_path / "lo-profile").as_uri()
    for fmt in ("csv:Text - txt - csv (StarCalc):44,34,76,1", "xlsx:Calc MS Excel 2007 XML"):
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
               "--outdir", str(out), str(path)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
    lines = list(csv.reader(io.StringIO((out / "模板.csv").read_text(encoding="utf-8"))))
    assert lines[0][0] == "重点工作台账" and lines[2] == HEADERS
    # saved again by LibreOffice: what it understood of the rules, the formats and the frozen header
    ws = openpyxl.load_workbook(out / "模板.xlsx")["重点工作"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    c = COL["类别"]
    assert dvs[f"{c}4:{c}23"].type == "list" and dvs[f"{c}4:{c}23"].formula1 == '"党建,经济,民生"'
    c = COL["人数"]
    assert (dvs[f"{c}4:{c}23"].type, dvs[f"{c}4:{c}23"].formula1, dvs[f"{c}4:{c}23"].formula2) == ("whole", "0", "500")
    assert "必填" in dvs[f"{COL['完成时限']}4:{COL['完成时限']}23"].prompt
    assert ws[f"{COL['交办日期']}4"].number_format.lower().startswith("yyyy")



VILLAGES = """
register: villages
title: 村组台账
fields:
  - name: 村民小组
    required: true
    enum: [{}]
  - name: 片区
    enum: ["东片,上街", "西片", "=南片"]
  - name: 户数
    type: integer
""".format(", ".join(f"凤凰镇第{i}村民小组" for i in range(1, 31)))


def test_long_or_comma_lists_take_their_choices_from_a_hidden_sheet(office, tmp_path):
    """30 villages are more than Excel's 255 characters inline, and a comma splits an inline
    choice: those drop-downs read their choices from a hidden sheet, written as text ("=南片" is
    no formula); the sheet is no register, so check still reads the template clean, and
    LibreOffice keeps the drop-down."""
    office.schema("villages", VILLAGES)
    path = office.root / "out" / "村组.xlsx"
    office.write_config(workbooks='[[workbooks]]\nname = "凤凰镇"\nsource = "data/凤凰镇.xlsx"\n')
    res = template(office, "villages", "-o", path, "--rows", "20")
    assert res.code == 0, res.err
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["村组台账", "下拉选项"]
    hidden = wb["下拉选项"]
    assert hidden.sheet_state == "hidden"
    assert [hidden.cell(r, 1).value for r in range(1, 31)] == [f"凤凰镇第{i}村民小组" for i in range(1, 31)]
    assert [hidden.cell(r, 2).value for r in (1, 2, 3)] == ["东片,上街", "西片", "=南片"]
    assert hidden.cell(3, 2).data_type == "s"  # text, never a formula
    dvs = validations(wb["村组台账"])
    assert (dvs["A3:A22"].type, dvs["A3:A22"].formula1) == ("list", "'下拉选项'!$A$1:$A$30")
    assert (dvs["B3:B22"].type, dvs["B3:B22"].formula1) == ("list", "'下拉选项'!$B$1:$B$3")
    assert dvs["C3:C22"].type == "whole"  # other rules as before
    office.write_config(workbooks=f'[[workbooks]]\nname = "凤凰镇"\nsource = "{path.as_posix()}"\nregisters = ["villages"]\n')
    res = run_cli("check", "--config", office.config, "--today", TODAY, "--format", "json")
    assert res.code == 0 and res.json()["findings"] == [], res.out + res.err
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install it (apt-get install libreoffice-calc) "
                    "to check that the template opens")
    out, profile = tmp_path / "lo", (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
                           "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    again = validations(openpyxl.load_workbook(out / "村组.xlsx")["村组台账"])
    assert again["A3:A22"].type == "list" and "$A$1:$A$30" in again["A3:A22"].formula1


# --- Google Sheets ----------------------------------------------------------------------------------

TASKS_SHEET = "督查督办台账"


@pytest.fixture
def gs(tmp_path, sheets_server):
    from tests.backends import GSheetsBackend

    b = GSheetsBackend(tmp_path / "office", sheets_server)
    b.create({"说明": [["本表格的台账"]]})
    return b


def gs_template(b, *args: str):
    return run_cli("template", "tasks", "--workbook", "凤凰镇", *args, "--config", b.config, "--today", TODAY)


def test_a_new_worksheet_in_a_google_spreadsheet(gs):
    res = gs_template(gs, "--rows", "100")
    assert res.code == 0, res.err
    assert "凤凰镇" in res.out and TASKS_SHEET in res.out
    assert gs.server.counts["spreadsheets.batchUpdate"] == 1  # one atomic write
    server, sid = gs.server, gs.sid
    assert [sh.title for sh in server.spreadsheets[sid].sheets] == ["说明", TASKS_SHEET]
    rows = server.values(sid, TASKS_SHEET)
    assert rows[0][0] == "督查督办台账" and rows[1][:3] == ["编号", "事项来源", "事项内容"]
    assert rows[1][-3:] == ["预警状态", "剩余工作日", "校验提示"]
    assert server.merges(sid, TASKS_SHEET) == ["A1:O1"]
    assert server.frozen(sid, TASKS_SHEET) == (2, 0)  # tasks.yaml: header_row 2
    assert server.format_at(sid, TASKS_SHEET, 1, 0)["textFormat"]["bold"] is True
    status = server.format_at(sid, TASKS_SHEET, 1, 12)["backgroundColor"]
    assert status == server.format_at(sid, TASKS_SHEET, 1, 14)["backgroundColor"] != \
        server.format_at(sid, TASKS_SHEET, 1, 0)["backgroundColor"]  # ours grey, the fields' blue
    assert server.format_at(sid, TASKS_SHEET, 2, 6)["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert server.format_at(sid, TASKS_SHEET, 101, 6)["numberFormat"]["type"] == "DATE"  # the last rule row
    assert server.format_at(sid, TASKS_SHEET, 102, 6) is None
    source = server.data_validation(sid, TASKS_SHEET, 2, 1)
    assert source["condition"]["type"] == "ONE_OF_LIST" and source["strict"] and source["showCustomUi"]
    assert [v["userEnteredValue"] for v in source["condition"]["values"]] == \
        ["上级交办", "党委会议定", "政府常务会议定", "领导批示", "群众诉求"]
    assert source["inputMessage"].startswith("事项来源\n事项从哪里来") and "必填" in source["inputMessage"]
    assert server.data_validation(sid, TASKS_SHEET, 101, 1) == source
    assert server.data_validation(sid, TASKS_SHEET, 102, 1) is None and server.data_validation(
        sid, TASKS_SHEET, 1, 1) is None  # not on the header
    due = server.data_validation(sid, TASKS_SHEET, 2, 7)
    assert due["condition"] == {"type": "DATE_IS_VALID"}
    progress = server.data_validation(sid, TASKS_SHEET, 2, 8)
    assert progress["condition"]["type"] == "NUMBER_GREATER_THAN_EQ"  # percent: bounds in the message only
    content = server.data_validation(sid, TASKS_SHEET, 2, 2)
    assert content["condition"] == {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=AND(LEN(C3)<=500)"}]}
    owned = server.data_validation(sid, TASKS_SHEET, 1, 12)
    assert owned["inputMessage"] == "预警状态\n由助手填写，请勿手工修改" and not owned.get("strict")
    assert owned["condition"] == {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=TRUE"}]}
    assert server.column_width(sid, TASKS_SHEET, 6) > server.column_width(sid, TASKS_SHEET, 0)  # a date vs 编号
    assert server.formulas_written == 0


def test_check_reads_the_new_worksheet(gs):
    assert gs_template(gs).code == 0
    res = run_cli("check", "--config", gs.config, "--today", TODAY, "--register", "tasks", "--format", "json")
    assert res.code == 0 and res.json()["findings"] == [], res.out
    sheet = gs.server.spreadsheets[gs.sid].sheet(TASKS_SHEET)
    typed = ["DB-2026-001", "上级交办", "秸秆禁烧宣传", "党政办", "张三", "李书记", dt.date(2026, 11, 2),
             dt.date(2026, 11, 1), 40, "推进中"]
    for c, value in enumerate(typed):
        sheet.set(2, c, value)
    res = run_cli("check", "--config", gs.config, "--today", TODAY, "--register", "tasks", "--format", "json")
    assert [(f["cell"], f["code"]) for f in res.json()["findings"] if f["severity"] == "error"] == \
        [("H3", "compare_failed")], res.out  # 完成时限 before 交办日期
    res = run_cli("flag", "--config", gs.config, "--today", TODAY, "--register", "tasks")
    assert res.code == 1, res.err
    assert gs.rows(TASKS_SHEET)[2][12:14] == ["逾期", -15.0]  # the status written into our columns (15 working days late)


def test_a_worksheet_of_that_name_is_never_touched(gs, sheets_server):
    sid = sheets_server.add_spreadsheet("凤凰镇", {"督查督办 台账": [["编号"], ["DB-2026-001"]]})
    config = gs.config.read_text(encoding="utf-8").replace(gs.sid, sid)
    gs.config.write_text(config, encoding="utf-8")
    gs.server.reset_counts()
    res = gs_template(gs)
    assert res.code == 2 and "督查督办 台账" in res.err and "已有工作表" in res.err
    assert gs.server.counts["spreadsheets.batchUpdate"] == 0
    assert sheets_server.values(sid, "督查督办 台账") == [["编号"], ["DB-2026-001"]]
    res = gs_template(gs, "--force")
    assert res.code == 2 and "--force" in res.err and gs.server.counts["spreadsheets.batchUpdate"] == 0


def test_english_in_google_sheets(gs):
    res = gs_template(gs, "--lang", "en")
    assert res.code == 0 and res.out.startswith("Added the sheet"), res.out
    owned = gs.server.data_validation(gs.sid, TASKS_SHEET, 1, 13)
    assert owned["inputMessage"] == "剩余工作日\nFilled in by the assistant; do not edit by hand"


# --- the fake API's new requests behave as the API's ------------------------------------------------


def batch(server, sid: str, *requests: dict) -> tuple[int, dict]:
    import json as _json

    token = "ya29.test"
    server.tokens.add(token)
    import urllib.error
    import urllib.request

    req = urllib.request.Request(f"{server.url}/v4/spreadsheets/{sid}:batchUpdate", method="POST",
                                 data=_json.dumps({"requests": list(requests)}).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, _json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, _json.loads(exc.read())


def test_fake_api_add_sheet_validation_and_frozen_rows(sheets_server):
    sid = sheets_server.add_spreadsheet("t", {"A": [["x"]]})
    code, reply = batch(sheets_server, sid, {"addSheet": {"properties": {"title": "B", "sheetId": 77}}},
                        {"updateSheetProperties": {"properties": {"sheetId": 77, "gridProperties": {"frozenRowCount": 2}},
                                                   "fields": "gridProperties.frozenRowCount"}},
                        {"setDataValidation": {"range": {"sheetId": 77, "startRowIndex": 2, "endRowIndex": 4,
                                                         "startColumnIndex": 0, "endColumnIndex": 1},
                                               "rule": {"condition": {"type": "ONE_OF_LIST",
                                                                      "values": [{"userEnteredValue": "是"}]},
                                                        "strict": True}}})
    assert code == 200, reply
    assert reply["replies"][0]["addSheet"]["properties"]["sheetId"] == 77
    assert reply["replies"][0]["addSheet"]["properties"]["index"] == 1
    assert sheets_server.frozen(sid, "B") == (2, 0)
    assert sheets_server.data_validation(sid, "B", 3, 0)["condition"]["type"] == "ONE_OF_LIST"
    assert sheets_server.data_validation(sid, "B", 4, 0) is None
    code, reply = batch(sheets_server, sid, {"setDataValidation": {"range": {"sheetId": 77, "startRowIndex": 3,
                                                                            "endRowIndex": 4}}})
    assert code == 200 and sheets_server.data_validation(sid, "B", 3, 0) is None  # no rule: cleared


@pytest.mark.parametrize("request_", [
    {"addSheet": {"properties": {"title": "a"}}},  # the name is taken (case ignored)
    {"addSheet": {"properties": {"title": "C", "sheetId": 0}}},  # the id is taken
    {"addSheet": {"properties": {"title": "C", "tabColor": {}}}},  # not modelled
    {"setDataValidation": {"range": {"sheetId": 0}, "rule": {"condition": {
        "type": "DATE_ON_OR_BEFORE", "values": [{"relativeDate": "TODAY"}]}}}},  # not in data validation
    {"setDataValidation": {"range": {"sheetId": 0}, "rule": {"condition": {"type": "NUMBER_BETWEEN",
                                                                            "values": [{"userEnteredValue": "1"}]}}}},
    {"setDataValidation": {"range": {"sheetId": 0}, "rule": {"inputMessage": "x"}}},  # no condition
    {"setDataValidation": {"range": {"sheetId": 0}, "rule": {"condition": {"type": "BLANK"}, "helpText": "x"}}},
    {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                              "endColumnIndex": 2}, "mergeType": "MERGE_DIAGONAL"}},
    {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 2000}},
                               "fields": "gridProperties.frozenRowCount"}},
    {"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}},
])
def test_fake_api_refuses_what_the_api_refuses(sheets_server, request_):
    sid = sheets_server.add_spreadsheet("t", {"A": [["x"]]})
    code, reply = batch(sheets_server, sid, {"addSheet": {"properties": {"title": "B"}}}, request_)
    assert code == 400, reply
    assert [sh.title for sh in sheets_server.spreadsheets[sid].sheets] == ["A"]  # all or nothing


# --- entry rules on their own -----------------------------------------------------------------------


def test_what_an_inline_list_cannot_hold_is_left_to_the_prompt():
    from assistant.schema.entry import entry_rule, openpyxl_validation, sheets_validation
    from assistant.schema.model import Field

    comma = entry_rule(Field("单位", options={"enum": ["东村,西片", "南村"]}), "zh")
    assert comma is not None and comma.kind == "list"
    assert openpyxl_validation(comma, "A3:A10").type is None  # the comma would split the choice
    sheets = sheets_validation(comma, {"sheetId": 5, "startRowIndex": 2, "endRowIndex": 10})
    assert [v["userEnteredValue"] for v in sheets["setDataValidation"]["rule"]["condition"]["values"]] == \
        ["东村,西片", "南村"]  # Sheets lists take any text
    many = entry_rule(Field("村", options={"enum": [f"第{i}村民小组" for i in range(40)]}), "zh")
    assert openpyxl_validation(many, "A3:A10").type is None  # over Excel's 255 characters
    few = entry_rule(Field("村", options={"enum": [f"第{i}组" for i in range(40)]}), "zh")
    assert openpyxl_validation(few, "A3:A10").type == "list"


def test_a_plain_optional_text_field_gets_no_rule_and_lengths_combine():
    from assistant.schema.entry import entry_rule, openpyxl_validation, sheets_validation
    from assistant.schema.model import Field

    assert entry_rule(Field("备注"), "zh") is None
    rule = entry_rule(Field("摘要", options={"min_length": 4, "max_length": 50}), "en")
    assert rule is not None and rule.prompt == "Length between 4 and 50"
    dv = openpyxl_validation(rule, "B3:B5")
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("textLength", "between", "4", "50")
    assert dv.error == "The text has the wrong length (between 4 and 50)"
    req = sheets_validation(rule, {"sheetId": 1, "startRowIndex": 2, "endRowIndex": 5, "startColumnIndex": 1,
                                   "endColumnIndex": 2})
    assert req["setDataValidation"]["rule"]["condition"]["values"] == [{"userEnteredValue": "=AND(LEN(B3)>=4,LEN(B3)<=50)"}]
    whole = entry_rule(Field("人数", type="integer", options={"maximum": 9}), "zh")
    req = sheets_validation(whole, {"sheetId": 1, "startRowIndex": 2, "startColumnIndex": 0})
    assert req["setDataValidation"]["rule"]["condition"]["values"] == [
        {"userEnteredValue": "=AND(ISNUMBER(A3),A3=INT(A3),A3<=9)"}]
    due = entry_rule(Field("时限", type="date", options={"minimum": dt.date(2026, 1, 1), "maximum": "today"}), "zh")
    req = sheets_validation(due, {"sheetId": 1})
    assert req["setDataValidation"]["rule"]["condition"] == {
        "type": "DATE_BETWEEN", "values": [{"userEnteredValue": "2026-01-01"}, {"userEnteredValue": "=TODAY()"}]}
