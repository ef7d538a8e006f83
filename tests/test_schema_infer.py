"""`assistant schema infer`: a schema draft from an existing sheet, on real xlsx files through the
CLI. The draft must lint, must name the cells its types cannot read, and `check` with it must flag
no other cell; on the demo workbook's twelve registers it must find the shipped schemas' types."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from assistant.resources import defaults
from assistant.sample import write_sample
from tests.conftest import TODAY, run_cli, write_xlsx

CELL = re.compile(r"\b[A-Z]{1,3}[1-9]\d*\b")


def infer(*args: object) -> tuple[int, str, str]:
    res = run_cli("schema", "infer", *args)
    return res.code, res.out, res.err


def fields_of(text: str) -> dict[str, dict]:
    return {f["name"]: f for f in yaml.safe_load(text)["fields"]}


def named_cells(text: str) -> set[str]:
    """The cells the draft's comments name."""
    return {c for line in text.splitlines() if line.lstrip().startswith("#") for c in CELL.findall(line)}


def check_with(tmp_path: Path, workbook: Path, drafts: dict[str, str]) -> list[dict]:
    """`assistant check --format json` of an office holding `workbook` and only the drafts."""
    office = tmp_path / "office"
    (office / "sheets_schema").mkdir(parents=True)
    for name, text in drafts.items():
        (office / "sheets_schema" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (office / "assistant.toml").write_text(
        f'[office]\nname = "测试镇党政办"\n\n[[workbooks]]\nname = "凤凰镇"\nsource = "{workbook.as_posix()}"\n',
        encoding="utf-8")
    res = run_cli("check", "--config", office / "assistant.toml", "--today", TODAY, "--format", "json")
    assert res.code in (0, 1), res.err
    return res.json()["findings"]


def assert_only_named_cells_fail(tmp_path: Path, workbook: Path, drafts: dict[str, str]) -> None:
    findings = check_with(tmp_path, workbook, drafts)
    named = set().union(*(named_cells(t) for t in drafts.values()))
    errors = [f for f in findings if f["severity"] == "error"]
    stray = [(f["register"], f["code"], f["cell"]) for f in errors if f["cell"] not in named]
    assert not stray, stray


# --- a register as offices make them: a merged title, a subtitle, then the header ---------------

HEADERS = ["编号", "事项内容", "责任单位", "交办日期", "完成时限", "进度", "联系电话", "身份证号", "邮箱", "是否督办",
           "份数", "金额(万元)", "办理状态", "备注"]
IDS = ["11010519491231002X", "320106198001010011", "320106198512120036", "510107200002290045"]


def _register_rows(n: int = 24) -> list[list]:
    rows = []
    for i in range(n):
        rows.append([
            f"DB-2026-{i + 1:03d}", f"事项{i + 1}", ["党政办", "应急办", "党建办"][i % 3],
            dt.datetime(2026, 10, 1) + dt.timedelta(days=i), f"2026年{11 + i // 20}月{i % 20 + 1}日",
            f"{(i * 5) % 100}%", f"139{81300000 + i:08d}", IDS[i % 4], f"staff{i}@example.gov.cn",
            "是" if i % 2 else "否", i % 7 + 1, 12.5 + i, ["推进中", "已办结"][i % 2], "备注" if i % 5 == 0 else None,
        ])
    return rows


def write_office_register(path: Path, rows: list[list]) -> Path:
    """xlsxwriter, as Excel saves it: a title merged across, a subtitle with two label：value
    cells, the header in row 3, real date cells and numbers."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("督办台账")
    bold = wb.add_format({"bold": True, "align": "center"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, len(HEADERS) - 1, "凤凰镇督查督办台账（2026年）", bold)
    ws.write_string(1, 0, "填报单位：凤凰镇党政办")
    ws.write_string(1, 9, "日期：2026年11月20日")
    for c, h in enumerate(HEADERS):
        ws.write_string(2, c, h, bold)
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, date_fmt)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    wb.add_worksheet("说明").write_string(0, 0, "本表由党政办维护")
    wb.close()
    return path


def test_a_register_below_a_merged_title_and_a_subtitle_gets_a_draft_that_lints_and_checks_clean(tmp_path):
    book = write_office_register(tmp_path / "督办.xlsx", _register_rows())
    out = tmp_path / "draft.yaml"
    code, stdout, err = infer(book, "-o", out, "--register", "tasks")
    assert code == 0, err
    assert "第一个工作表“督办台账”" in err  # no --sheet: which sheet was used, on stderr
    assert str(out) in err and stdout == ""  # the draft is in the file; where, on stderr
    text = out.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert (doc["register"], doc["title"], doc["sheet"], doc["header_row"], doc["key"]) == \
        ("tasks", "督办台账", "督办台账", 3, "编号")
    types = {name: f["type"] for name, f in fields_of(text).items()}
    assert types == {"编号": "string", "事项内容": "string", "责任单位": "string", "交办日期": "date",
                     "完成时限": "date", "进度": "percent", "联系电话": "phone", "身份证号": "id_card",
                     "邮箱": "email", "是否督办": "boolean", "份数": "integer", "金额(万元)": "number",
                     "办理状态": "string", "备注": "string"}
    f = fields_of(text)
    assert f["编号"]["unique"] is True and f["编号"]["required"] is True
    assert f["责任单位"]["enum"] == ["党政办", "应急办", "党建办"] and f["办理状态"]["enum"] == ["推进中", "已办结"]
    assert "enum" not in f["事项内容"] and "required" not in f["备注"]  # all different; blanks
    assert "# 台账格式草稿" in text.splitlines()[0]
    assert "D 列：24 个值都是日期；没有空白，设为必填" in text
    assert run_cli("schema", "lint", out).code == 0
    assert_only_named_cells_fail(tmp_path, book, {"tasks": text})
    assert check_with(tmp_path / "again", book, {"tasks": text}) == []  # a clean sheet: nothing at all


def test_a_date_column_with_junk_names_the_junk_cells_and_check_flags_exactly_those(tmp_path):
    rows = [["编号", "收文日期", "办理时限"]]
    junk = {7: "下周五", 19: "待定", 28: "2026.13.45"}
    many = {r: "尽快" for r in (3, 9, 14, 21, 25, 31)}  # 6 of 60: more than the comment lists
    for i in range(2, 62):
        rows.append([i - 1, junk.get(i, dt.date(2026, 11, 1) + dt.timedelta(days=i)),
                     many.get(i, f"2026-12-{i % 28 + 1:02d}")])
    book = write_xlsx(tmp_path / "收文.xlsx", {"收文": rows})
    code, out, err = infer(book)
    assert code == 0, err
    f = fields_of(out)
    assert f["收文日期"]["type"] == "date" and f["办理时限"]["type"] == "date"
    assert "60 个值中 57 个是日期；不是日期的：B7、B19、B28" in out
    assert "60 个值中 54 个是日期；不是日期的：C3、C9、C14、C21、C25…" in out  # five, then …
    assert f["编号"]["type"] == "integer" and yaml.safe_load(out)["key"] == "编号"
    findings = check_with(tmp_path, book, {"draft": out})
    flagged = {f["cell"] for f in findings if f["code"] == "invalid_date"}
    assert flagged == {"B7", "B19", "B28"} | {f"C{r}" for r in many}
    assert {f["code"] for f in findings} == {"invalid_date"}


def test_english_comments_and_notice_with_lang_en(tmp_path):
    book = write_office_register(tmp_path / "督办.xlsx", _register_rows(12))
    code, out, err = infer(book, "--lang", "en")
    assert code == 0, err
    assert 'no --sheet given: using the first sheet \u201c督办台账\u201d' in err
    assert out.startswith("# Draft register schema: inferred by assistant schema infer from the sheet")
    assert "column D: all 12 values are dates; none empty, so required" in out
    assert "register is a made-up id" in out and "register: register1" in out
    assert not re.search(r"[\u4e00-\u9fff]", "".join(line for line in out.splitlines() if line.startswith("#")
                                                      and "督办" not in line))


def test_an_unknown_sheet_is_a_usage_error_with_did_you_mean(tmp_path):
    book = write_xlsx(tmp_path / "镇.xlsx", {"人员名册": [["姓名"], ["张三"]], "值班表": [["日期"], ["2026-11-20"]]})
    code, out, err = infer(book, "--sheet", "人员名单")
    assert code == 2 and out == ""
    assert "没有工作表“人员名单”（现有：人员名册、值班表）" in err and "是不是“人员名册”" in err
    assert "Traceback" not in err
    # spaces and full-width forms are ignored, as check ignores them
    code, out, err = infer(book, "--sheet", " 值班表 ")
    assert code == 0 and "sheet: 值班表" in out and err == ""


def test_a_missing_workbook_is_exit_2_naming_it(tmp_path):
    code, out, err = infer(tmp_path / "没有这个.xlsx", "--lang", "en")
    assert code == 2 and out == ""
    assert "workbook" in err and "没有这个.xlsx" in err and "not found" in err
    assert "assistant.toml" not in err and "Traceback" not in err


def test_output_is_not_overwritten_without_force(tmp_path):
    book = write_xlsx(tmp_path / "镇.xlsx", {"表": [["姓名", "手机"], ["张三", "13981300001"], ["李四", "13981300002"]]})
    out = tmp_path / "draft.yaml"
    out.write_text("# mine\n", encoding="utf-8")
    code, stdout, err = infer(book, "-o", out)
    assert code == 2 and str(out) in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "# mine\n"
    code, stdout, err = infer(book, "-o", out, "--force")
    assert code == 0, err
    assert fields_of(out.read_text(encoding="utf-8"))["手机"]["type"] == "phone"


def test_header_row_option_overrides_detection_and_bad_values_are_usage_errors(tmp_path):
    rows = [["说明", "本表每周更新"], ["单位", "人数"], ["党政办", 6], ["应急办", 3], ["党建办", 3]]
    book = write_xlsx(tmp_path / "镇.xlsx", {"编制": rows})
    code, out, err = infer(book, "--header-row", "2", "--sheet", "编制")
    assert code == 0, err
    doc = yaml.safe_load(out)
    assert doc["header_row"] == 2 and fields_of(out)["人数"]["type"] == "integer"
    code, out, err = infer(book, "--header-row", "9", "--sheet", "编制")
    assert code == 2 and "--header-row 9" in err
    code, out, err = infer(book, "--register", "编制", "--sheet", "编制")
    assert code == 2 and "register" in err


def test_a_header_merged_down_over_a_group_label_is_read_from_its_lower_row(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "重点工作"
    ws.append(["凤凰镇重点工作推进台账"])
    ws.append(["序号", "事项名称", "责任单位", "时间节点", None, "备注"])
    ws.append([None, None, None, "交办日期", "完成时限", None])
    for i in range(1, 7):
        ws.append([i, f"事项{i}", "党政办", dt.date(2026, 10, i), dt.date(2026, 11, i), None])
    for rng in ("A1:F1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3"):
        ws.merge_cells(rng)
    path = tmp_path / "重点.xlsx"
    wb.save(path)
    code, out, err = infer(path)
    assert code == 0, err
    assert yaml.safe_load(out)["header_row"] == 3
    assert list(fields_of(out)) == ["序号", "事项名称", "责任单位", "交办日期", "完成时限", "备注"]
    assert yaml.safe_load(out)["key"] == "序号"
    assert_only_named_cells_fail(tmp_path, path, {"works": out})


def test_awkward_headers_and_values_are_quoted_so_the_draft_lints(tmp_path):
    headers = ["null", "备注 #1", "a: b", "[组]", "'引号'", "完成\n时限", "7", "开关"]
    rows = [headers] + [[f"v{i}", "x", "y", "z", "q", dt.date(2026, 11, i + 1), i, ["on", "off"][i % 2]]
                        for i in range(8)]
    rows.append([None, None, None, None, None, None, None, None, "孤立的值"])
    rows[1].append(None)
    book = write_xlsx(tmp_path / "怪.xlsx", {"Sheet 1": rows})
    out = tmp_path / "d.yaml"
    code, _, err = infer(book, "-o", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert run_cli("schema", "lint", out).code == 0, text
    doc = yaml.safe_load(text)
    assert doc["register"] == "sheet_1" and doc["sheet"] == "Sheet 1"  # an ASCII name makes the id
    assert list(fields_of(text)) == ["null", "备注 #1", "a: b", "[组]", "'引号'", "完成 时限", "7", "开关"]
    assert fields_of(text)["开关"]["enum"] == ["on", "off"]
    assert "没有表头、未列入的列：I" in text
    assert_only_named_cells_fail(tmp_path, book, {"odd": text})


def test_the_drafts_of_the_office_pack_find_the_shipped_types(tmp_path):
    """The issue's robustness check: every register of the demo workbook, its schema removed,
    inferred again; at least 90% of all columns get the shipped schema's type."""
    book = tmp_path / "凤凰镇.xlsx"
    write_sample(book, dt.date.fromisoformat(TODAY))
    shipped = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(defaults("sheets_schema").glob("*.yaml"))]
    drafts: dict[str, str] = {}
    agree = total = 0
    lines = []
    misses = []
    for schema in shipped:
        code, out, err = infer(book, "--sheet", schema["sheet"])
        assert code == 0, err
        drafts[schema["register"]] = out
        got = {name: f["type"] for name, f in fields_of(out).items()}
        same = 0
        for f in schema["fields"]:
            want = f.get("type", "string")
            if got.get(f["name"]) == want:
                same += 1
            else:
                misses.append(f"{schema['register']}.{f['name']}: {want} → {got.get(f['name'])}")
        agree, total = agree + same, total + len(schema["fields"])
        lines.append(f"{schema['register']}: {same}/{len(schema['fields'])}")
    report = "; ".join(lines) + f"; all: {agree}/{total}; missed: " + ", ".join(misses)
    assert len(shipped) == 12
    assert agree >= 0.9 * total, report
    # and check with the twelve drafts flags only the cells they name
    assert_only_named_cells_fail(tmp_path, book, drafts)



def test_a_sheet_with_only_a_header_gives_text_fields_and_says_so(tmp_path):
    book = write_xlsx(tmp_path / "新表.xlsx", {"会议记录": [["会议名称", "会议日期", "主持人"]]})
    code, out, err = infer(book, "--sheet", "会议记录")
    assert code == 0, err
    assert "表头（第 1 行）下面还没有数据" in err
    assert {f["type"] for f in fields_of(out).values()} == {"string"}
    assert "A 列：还没有值，暂定为文字" in out and "required: true" not in out and "key" not in yaml.safe_load(out)


def test_no_header_to_find_is_exit_2_pointing_at_header_row(tmp_path):
    book = write_xlsx(tmp_path / "数.xlsx", {"数": [[1, 2, 3], [4, 5, 6]], "空": []})
    code, out, err = infer(book, "--sheet", "数")
    assert code == 2 and out == "" and "找不到表头" in err and "--header-row" in err
    code, out, err = infer(book, "--sheet", "空")
    assert code == 2 and "是空的" in err
    code, out, err = infer(book, "--sheet", "数", "--header-row", "0")
    assert code == 2 and "Traceback" not in err


# --- the guarantee on generated sheets -----------------------------------------------------------

_KINDS = {
    "date": st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    "date_text": st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    "yyyymmdd": st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(lambda d: int(d.strftime("%Y%m%d"))),
    "integer": st.integers(-50, 5000),
    "number": st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
    "percent": st.integers(0, 100).map(lambda n: f"{n}%"),
    "phone": st.integers(0, 99_999_999).map(lambda n: f"139{n:08d}"),
    "yes_no": st.sampled_from(["是", "否"]),
    "status": st.sampled_from(["待办", "办理中", "已办结"]),
    "text": st.text(alphabet="甲乙丙丁戊己庚辛壬癸 -#:,[]'\"0123456789abcXYZ", min_size=1, max_size=12),
}
_JUNK = st.sampled_from(["下周五", "待定", "2026.13.45", "五十", "见附件", "1398130007", "#N/A", " "])


@st.composite
def _sheets(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(_KINDS)), min_size=2, max_size=5))
    n = draw(st.integers(3, 25))
    columns = []
    for kind in kinds:
        column = []
        for _ in range(n):
            roll = draw(st.integers(0, 19))
            column.append(None if roll == 0 else draw(_JUNK) if roll == 1 else draw(_KINDS[kind]))
        columns.append(column)
    headers = [f"列{i + 1}{kind}" for i, kind in enumerate(kinds)]
    return [headers] + [list(r) for r in zip(*columns)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_sheets())
def test_check_with_a_draft_flags_only_the_cells_the_draft_names(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("gen")
    book = write_xlsx(tmp / "gen.xlsx", {"登记": rows})
    code, out, err = infer(book)
    assert code == 0, err
    assert run_cli("schema", "lint", _saved(tmp, out)).code == 0, out
    assert_only_named_cells_fail(tmp, book, {"gen": out})


def _saved(folder: Path, text: str) -> Path:
    path = folder / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- a Google spreadsheet, named as the config names it ---------------------------------------------


def test_a_google_sheet_named_in_the_config_gets_the_same_draft_and_checks_clean(tmp_path, sheets_server):
    """WORKBOOK may be a [[workbooks]] name: a Google spreadsheet is read through the loopback API,
    its date cells (day numbers there) read as dates by their format, numbers left as numbers."""
    from tests.backends import GSheetsBackend

    rows = [[v.date() if isinstance(v, dt.datetime) else v for v in row] for row in _register_rows()]
    b = GSheetsBackend(tmp_path / "office", sheets_server)
    b.create({"督办台账": [["凤凰镇督查督办台账（2026年）"], ["填报单位：凤凰镇党政办", None, "日期：2026年11月20日"],
                          HEADERS, *rows]}, merges={"督办台账": ["A1:N1"]})
    for schema in (b.root / "sheets_schema").glob("*.yaml"):
        schema.unlink()  # the sheet has no schema yet
    draft = b.root / "sheets_schema" / "tasks.yaml"
    code, _, err = infer("凤凰镇", "--config", b.config, "--register", "tasks", "-o", draft)
    assert code == 0, err
    text = draft.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert (doc["sheet"], doc["header_row"], doc["key"]) == ("督办台账", 3, "编号")
    types = {name: f["type"] for name, f in fields_of(text).items()}
    assert types["交办日期"] == "date" and types["完成时限"] == "date"  # a date cell, and text people typed
    assert types["份数"] == "integer" and types["金额(万元)"] == "number"  # numbers without a date format
    assert types["联系电话"] == "phone" and types["是否督办"] == "boolean"
    res = run_cli("check", "--config", b.config, "--today", TODAY, "--format", "json")
    assert res.code == 0, res.err
    assert res.json()["findings"] == []
    assert sheets_server.counts["values.batchUpdate"] + sheets_server.counts["spreadsheets.batchUpdate"] == 0


def test_a_name_neither_a_file_nor_a_workbook_of_the_config_is_exit_2(tmp_path, office):
    code, _, err = infer("西山镇", "--config", office.config)
    assert code == 2 and "西山镇" in err and "[[workbooks]]" in err


def test_a_two_row_header_without_merges_becomes_header_rows_2(tmp_path):
    """The same layout drawn without merges (as often typed): the names under the group label are
    in the lower row, the others only in the upper one. The draft says header_rows: 2, and check
    reads it with no finding."""
    rows = [["凤凰镇重点工作推进台账"], ["序号", "事项名称", "责任单位", "时间节点", None, "备注"],
            [None, None, None, "交办日期", "完成时限", None]]
    rows += [[i, f"事项{i}", "党政办", dt.date(2026, 10, i), dt.date(2026, 11, i), None] for i in range(1, 7)]
    path = write_xlsx(tmp_path / "重点.xlsx", {"重点工作": rows})
    code, out, err = infer(path)
    assert code == 0, err
    doc = yaml.safe_load(out)
    assert (doc["header_row"], doc["header_rows"]) == (3, 2)
    assert list(fields_of(out)) == ["序号", "事项名称", "责任单位", "交办日期", "完成时限", "备注"]
    assert fields_of(out)["交办日期"]["type"] == "date" and fields_of(out)["序号"]["type"] == "integer"
    assert check_with(tmp_path, path, {"works": out}) == []


def test_a_first_data_row_of_short_texts_is_not_taken_for_a_second_header_row(tmp_path):
    rows = [["姓名", "单位", "职务"], ["张三", "党政办", "主任"], ["李四", "应急办", "科员"], ["王五", "党建办", "科员"]]
    path = write_xlsx(tmp_path / "名册.xlsx", {"名册": rows})
    code, out, err = infer(path)
    assert code == 0, err
    assert "header_rows" not in yaml.safe_load(out) and yaml.safe_load(out).get("header_row", 1) == 1
