"""Field options (docs/design.md §5): required, unique, enum, pattern, minimum/maximum, min_length/max_length,
references and `severity: warning`, run through the real CLI on real .xlsx files.

Every sheet here has a title in row 1 and the headers in row 2, so the first data row is sheet row 3;
the columns follow the order of the fields (A, B, C, …).
"""

from __future__ import annotations

import json

import yaml

from tests.conftest import run_cli

SHEET = "登记表"


def setup(office, fields: list[str], rows: list[list], rules: list[str] = (), key: str | None = None,
          header: list[str] | None = None, extra_sheets: dict | None = None) -> None:
    """A register `reg` whose fields are YAML flow mappings; its sheet has a title row, then headers."""
    lines = ["register: reg", f"title: {SHEET}", "header_row: 2"]
    if key:
        lines.append(f"key: {key}")
    lines.append("fields:")
    lines += [f"  - {f}" for f in fields]
    if rules:
        lines.append("rules:")
        lines += [f"  - {r}" for r in rules]
    office.schema("reg", "\n".join(lines) + "\n")
    names = header or [str(yaml.safe_load(f)["name"]) for f in fields]
    office.workbook({SHEET: [[f"{SHEET}（2026年）"], names, *rows], **(extra_sheets or {})})
    office.write_config()


def run(office, fields, rows, **kw) -> list[dict]:
    setup(office, fields, rows, **kw)
    return office.findings()


def brief(findings: list[dict]) -> list[tuple]:
    return sorted((f["cell"], f["code"]) for f in findings)


def only(findings: list[dict], cell: str) -> dict:
    [f] = [f for f in findings if f["cell"] == cell]
    return f


# --- required --------------------------------------------------------------------------------------

def test_required_flags_empty_and_blank_cells_only(office):
    found = run(office, ["{name: 编号, type: string}", "{name: 责任人, type: string, required: true}"], [
        ["A-1", "张三"],
        ["A-2", None],
        ["A-3", "   "],      # only spaces: as empty as a blank cell
        ["A-4", "　"],       # an ideographic (full-width) space too
        ["A-5", 0],          # zero is a value
    ])
    assert brief(found) == [("B4", "missing_value"), ("B5", "missing_value"), ("B6", "missing_value")]
    f = only(found, "B4")
    assert (f["row"], f["column"], f["severity"], f["register"], f["sheet"], f["workbook"]) == \
        (4, "责任人", "error", "reg", SHEET, "凤凰镇")
    assert f["message"] == "责任人未填写"


def test_required_is_satisfied_by_any_value(office):
    found = run(office, ["{name: 日期, type: date, required: true}", "{name: 数量, type: integer, required: true}"], [
        ["2026-11-01", 1],
        ["2026年11月2日", "3"],
    ])
    assert found == []


def test_required_cell_that_cannot_be_read_gets_only_the_type_finding(office):
    found = run(office, ["{name: 名称, type: string}", "{name: 日期, type: date, required: true}"],
                [["甲", "下周五"]])
    assert brief(found) == [("B3", "invalid_date")]


def test_wholly_empty_rows_are_not_records(office):
    found = run(office, ["{name: 名称, type: string, required: true}", "{name: 备注, type: string}"], [
        ["甲", None],
        [None, None],
        ["乙", "x"],
    ])
    assert found == []


# --- unique ----------------------------------------------------------------------------------------

def test_unique_points_each_repeat_at_another_row(office):
    found = run(office, ["{name: 编号, type: string, unique: true}", "{name: 名称, type: string}"], [
        ["A-001", "甲"],   # row 3
        ["A-002", "乙"],   # row 4
        ["A-001", "丙"],   # row 5
        ["A-003", "丁"],   # row 6
        ["A-001", "戊"],   # row 7
    ])
    assert brief(found) == [("A3", "duplicate_value"), ("A5", "duplicate_value"), ("A7", "duplicate_value")]
    # the first holder is sent to the next one; every later repeat to the first
    assert only(found, "A3")["message"] == "编号“A-001”与第5行重复"
    assert only(found, "A5")["message"] == "编号“A-001”与第3行重复"
    assert only(found, "A7")["message"] == "编号“A-001”与第3行重复"
    assert {f["severity"] for f in found} == {"error"}


def test_unique_compares_values_as_read_not_as_typed(office):
    # Stray spaces and full-width letters/digits are the same number to a person.
    found = run(office, ["{name: 编号, type: string, unique: true}"], [["A-001"], [" A-001 "], ["Ａ－００１"], ["A-002"]])
    assert brief(found) == [("A3", "duplicate_value"), ("A4", "duplicate_value"), ("A5", "duplicate_value")]


def test_unique_ignores_empty_cells_and_distinct_values(office):
    found = run(office, ["{name: 编号, type: string, unique: true}", "{name: 名称, type: string}"], [
        ["A-001", "甲"], [None, "乙"], [None, "丙"], ["A-002", "丁"], ["A-0010", "戊"],
    ])
    assert found == []


def test_unique_number_field_same_value_as_number_and_text(office):
    found = run(office, ["{name: 序号, type: integer, unique: true}"], [[1], ["1"], [2]])
    assert brief(found) == [("A3", "duplicate_value"), ("A4", "duplicate_value")]
    assert only(found, "A4")["message"] == "序号“1”与第3行重复"


def test_key_implies_required_and_unique(office):
    found = run(office, ["{name: 编号, type: string}", "{name: 名称, type: string}"],
                [["K1", "甲"], ["K1", "乙"], [None, "丙"]], key="编号")
    assert brief(found) == [("A3", "duplicate_value"), ("A4", "duplicate_value"), ("A5", "missing_value")]
    assert only(found, "A4")["key"] == "K1"
    assert only(found, "A5")["key"] is None  # no key to show, and JSON null rather than NaN


def test_key_of_a_number_column_is_shown_as_the_sheet_shows_it(office):
    found = run(office, ["{name: 序号, type: integer}", "{name: 名称, type: string, required: true}"],
                [[7, None], ["8", None]], key="序号")
    assert [(f["cell"], f["key"]) for f in sorted(found, key=lambda f: f["cell"])] == [("B3", "7"), ("B4", "8")]


def test_json_output_is_strict_json(office):
    # An empty key once came out as NaN, which is not JSON; scripts reading the output choke on it.
    setup(office, ["{name: 编号, type: string}", "{name: 名称, type: string, required: true}"],
          [["K1", None], [None, "乙"]], key="编号")
    res = office.check("--format", "json")

    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    doc = json.loads(res.out, parse_constant=refuse)
    assert sorted((f["cell"], f["key"]) for f in doc["findings"]) == [("A4", None), ("B3", "K1")]


# --- enum ------------------------------------------------------------------------------------------

def test_enum_flags_values_outside_the_list(office):
    found = run(office, ["{name: 编号, type: string}", "{name: 办理状态, type: string, enum: [未启动, 推进中, 已办结]}"], [
        ["K1", "推进中"],
        ["K2", "已完成"],
        ["K3", " 已办结 "],   # spaces around a good value are fine
        ["K4", None],         # empty: not this check's business
        ["K5", "办结"],
    ], key="编号")
    assert brief(found) == [("B4", "not_in_enum"), ("B7", "not_in_enum")]
    f = only(found, "B4")
    assert (f["row"], f["column"], f["key"], f["value"], f["severity"]) == (4, "办理状态", "K2", "已完成", "error")
    assert f["message"] == "办理状态“已完成”不在可选值中（未启动、推进中、已办结）"


def test_enum_values_with_full_width_punctuation(office):
    # Chinese choices are written with full-width brackets, in the schema and in the sheet alike.
    found = run(office, ["{name: 用工性质, type: string, enum: [在编（参公）, 临聘]}"],
                [["在编（参公）"], ["在编(参公)"], ["临聘"], ["在编"]])
    assert brief(found) == [("A6", "not_in_enum")]


def test_enum_on_numbers(office):
    found = run(office, ["{name: 等级, type: integer, enum: [1, 2, 3]}"], [[1], ["2"], [4], [3.0]])
    assert brief(found) == [("A5", "not_in_enum")]
    assert only(found, "A5")["message"] == "等级“4”不在可选值中（1、2、3）"


# --- pattern ---------------------------------------------------------------------------------------

def test_pattern_must_match_the_whole_value(office):
    found = run(office, [r"{name: 编号, type: string, pattern: '^DB-\d{4}-\d{3}$'}", "{name: 名称, type: string}"], [
        ["DB-2026-001", "甲"],
        ["DB-2026-01", "乙"],
        ["XDB-2026-002", "丙"],
        [None, "丁"],
        ["ＤＢ－２０２６－００３", "戊"],  # full-width, typed with a Chinese IME: reads as DB-2026-003
    ])
    assert brief(found) == [("A4", "pattern_mismatch"), ("A5", "pattern_mismatch")]
    assert only(found, "A4")["message"] == r"编号“DB-2026-01”格式不对，应如：^DB-\d{4}-\d{3}$"


def test_pattern_is_a_full_match_even_without_anchors(office):
    found = run(office, [r"{name: 编号, type: string, pattern: 'DB-\d{3}'}"], [["DB-001"], ["DB-0012"], ["xDB-001"]])
    assert brief(found) == [("A4", "pattern_mismatch"), ("A5", "pattern_mismatch")]


def test_pattern_hint_uses_the_field_description(office):
    found = run(office, [r"{name: 编号, type: string, description: 如 DB-2026-001, pattern: '^DB-\d{4}-\d{3}$'}"],
                [["2026-001"]])
    assert only(found, "A3")["message"] == "编号“2026-001”格式不对，应如：如 DB-2026-001"


def test_pattern_sees_a_numeric_cell_as_its_digits(office):
    # Excel keeps a typed 310 as the number 310.0; the pattern must see "310".
    found = run(office, [r"{name: 邮编, type: string, pattern: '\d{3}'}"], [[310], ["311"], [3100]])
    assert brief(found) == [("A5", "pattern_mismatch")]


# --- minimum / maximum -----------------------------------------------------------------------------

def test_number_bounds_are_inclusive(office):
    found = run(office, ["{name: 编号, type: string}", "{name: 人数, type: integer, minimum: 0, maximum: 10}"], [
        ["K1", 0], ["K2", 10], ["K3", -1], ["K4", 11], ["K5", "5"], ["K6", None],
    ], key="编号")
    assert brief(found) == [("B5", "below_minimum"), ("B6", "above_maximum")]
    below, above = only(found, "B5"), only(found, "B6")
    assert (below["key"], below["value"], below["message"]) == ("K3", -1, "人数“-1”小于下限 0")
    assert (above["key"], above["value"], above["message"]) == ("K4", 11, "人数“11”大于上限 10")


def test_percent_bounds(office):
    found = run(office, ["{name: 进度, type: percent, minimum: 0, maximum: 100}"], [["100%"], ["120%"], ["35%"], [-5]])
    assert brief(found) == [("A4", "above_maximum"), ("A6", "below_minimum")]
    assert "上限 100" in only(found, "A4")["message"]


def test_date_maximum_today_follows_the_run_date(office):
    fields = ["{name: 登记日期, type: date, maximum: today}"]
    rows = [["2026-11-20"], ["2026-11-21"], ["2026-12-31"], ["2026-01-01"]]
    found = run(office, fields, rows)
    assert brief(found) == [("A4", "above_maximum"), ("A5", "above_maximum")]
    assert only(found, "A4")["message"] == "登记日期“2026-11-21”大于上限 2026-11-20"
    later = run_cli("check", "--config", office.config, "--today", "2026-12-31", "--format", "json").json()
    assert later["findings"] == []


def test_date_minimum_from_a_yaml_date(office):
    found = run(office, ["{name: 交办日期, type: date, minimum: 2026-01-01}"],
                [["2025-12-31"], ["2026-01-01"], ["2026/3/5"]])
    assert brief(found) == [("A3", "below_minimum")]
    assert only(found, "A3")["message"] == "交办日期“2025-12-31”小于下限 2026-01-01"


def test_unreadable_cells_get_only_the_type_finding(office):
    found = run(office, [
        "{name: 人数, type: integer, minimum: 0, maximum: 10, enum: [1, 2], unique: true}",
        "{name: 日期, type: date, maximum: today, minimum: 2026-01-01}",
    ], [["很多", "2026.13.45"], ["很多", "明天"], ["-3", "2099-01-01"]])
    assert brief(found) == [
        ("A3", "invalid_integer"), ("A4", "invalid_integer"), ("A5", "below_minimum"), ("A5", "not_in_enum"),
        ("B3", "invalid_date"), ("B4", "invalid_date"), ("B5", "above_maximum"),
    ]
    assert only(found, "B3")["message"] == "日期“2026.13.45”不是有效日期"


# --- min_length / max_length -----------------------------------------------------------------------

def test_lengths_count_characters(office):
    found = run(office, ["{name: 姓名, type: string, min_length: 2, max_length: 4}", "{name: 备注, type: string}"], [
        ["张三", "x"], ["欧阳娜娜", "x"], ["张", "x"], ["欧阳小娜娜", "x"], [None, "empty: skipped"], ["  李四  ", "x"],
    ])
    assert brief(found) == [("A5", "too_short"), ("A6", "too_long")]
    assert only(found, "A5")["message"] == "姓名“张”太短（1个字，至少2个）"
    assert only(found, "A6")["message"] == "姓名太长（5个字，最多4个）"


def test_max_length_on_long_text(office):
    text = "事" * 501
    found = run(office, ["{name: 事项内容, type: string, max_length: 500}"], [["事" * 500], [text]])
    assert brief(found) == [("A4", "too_long")]
    assert only(found, "A4")["message"] == "事项内容太长（501个字，最多500个）"
    assert only(found, "A4")["value"] == text


def test_lengths_of_numbers_count_their_digits(office):
    # a postcode kept as a number: Excel stores 100000 as 100000.0, which is still six digits
    found = run(office, ["{name: 邮编, type: integer, min_length: 6, max_length: 6}"],
                [[100000], ["310000"], [12345], [1000000]])
    assert brief(found) == [("A5", "too_short"), ("A6", "too_long")]
    assert only(found, "A5")["message"] == "邮编“12345”太短（5个字，至少6个）"
    assert only(found, "A6")["message"] == "邮编太长（7个字，最多6个）"


# --- references ------------------------------------------------------------------------------------

ROSTER_SCHEMA = """\
register: roster
title: 人员名册
fields:
  - {name: 姓名, type: string, required: true}
  - {name: 单位, type: string}
"""


def test_references_must_appear_in_the_other_register(office):
    office.schema("roster", ROSTER_SCHEMA)
    found = run(office, ["{name: 编号, type: string}",
                         "{name: 责任人, type: string, references: {register: roster, field: 姓名}}"], [
        ["K1", "张三"],
        ["K2", "王五"],
        ["K3", " 李四 "],
        ["K4", None],
    ], key="编号", extra_sheets={"人员名册": [["姓名", "单位"], ["张三", "党政办"], ["李四", "财政所"]]})
    assert brief(found) == [("B4", "unknown_reference")]
    f = only(found, "B4")
    assert (f["key"], f["value"], f["severity"]) == ("K2", "王五", "error")
    assert f["message"] == "责任人“王五”在人员名册的“姓名”列中找不到"


def test_references_unchecked_when_the_other_register_is_not_read(office):
    office.schema("roster", ROSTER_SCHEMA)
    setup(office, ["{name: 责任人, type: string, references: {register: roster, field: 姓名}}"], [["王五"]])
    res = office.check("--format", "json")
    assert res.code == 0
    assert res.json()["findings"] == []
    assert "roster" in res.err  # the missing register is a notice, not a flood of false findings


# --- severity, exit code, language -----------------------------------------------------------------

def test_severity_warning_lowers_every_finding_of_the_field(office):
    setup(office, [
        "{name: 编号, type: string}",
        "{name: 邮箱, type: email, required: true, max_length: 12, severity: warning}",
        "{name: 人数, type: integer, maximum: 5, severity: warning}",
    ], [["K1", None, 3], ["K2", "bad", 6], ["K3", "abcdef@example.gov.cn", "x"]], key="编号")
    res = office.check("--format", "json")
    doc = res.json()
    assert brief(doc["findings"]) == [("B3", "missing_value"), ("B4", "invalid_email"), ("B5", "too_long"),
                                      ("C4", "above_maximum"), ("C5", "invalid_integer")]
    assert {f["severity"] for f in doc["findings"]} == {"warning"}
    assert doc["counts"] == {"error": 0, "warning": 5} and doc["ok"] is True
    assert res.code == 0


def test_exit_code_1_with_an_error_and_0_when_clean(office):
    fields = ["{name: 编号, type: string, required: true}", "{name: 人数, type: integer, maximum: 5, severity: warning}"]
    setup(office, fields, [["K1", 9], [None, 1]])
    res = office.check("--format", "json")
    assert res.code == 1
    assert res.json()["counts"] == {"error": 1, "warning": 1} and res.json()["ok"] is False

    setup(office, fields, [["K1", 5]])
    res = office.check("--format", "json")
    assert (res.code, res.json()) == (0, {"ok": True, "counts": {"error": 0, "warning": 0}, "findings": []})
    assert office.check().code == 0  # the readable report too


def test_english_messages(office):
    setup(office, [
        "{name: 状态, type: string, required: true, enum: [在岗, 调出]}",
        "{name: 人数, type: integer, minimum: 1}",
    ], [[None, 0], ["在职", 2]])
    found = office.findings("--lang", "en")
    msgs = {(f["cell"], f["code"]): f["message"] for f in found}
    assert set(msgs) == {("A3", "missing_value"), ("B3", "below_minimum"), ("A4", "not_in_enum")}
    assert msgs[("A3", "missing_value")] == "状态 is empty"
    assert msgs[("B3", "below_minimum")] == '人数 "0" is below the minimum 1'
    assert msgs[("A4", "not_in_enum")].startswith('状态 "在职" is not one of: 在岗')
    # and the default stays Chinese in the next run
    assert {f["message"] for f in office.findings()} >= {"状态未填写"}


def test_finding_rows_follow_the_header_row(office):
    """Rows and cells are what a person sees: with the header in row 4, the first record is row 5."""
    office.schema("reg", """\
        register: reg
        title: 登记表
        header_row: 4
        fields:
          - {name: 名称, type: string}
          - {name: 人数, type: integer, required: true}
        """)
    office.workbook({SHEET: [["登记表"], ["填报单位：凤凰镇"], [None], ["名称", "人数"], ["甲", 1], ["乙", None]]})
    office.write_config()
    found = office.findings()
    assert [(f["row"], f["cell"], f["code"]) for f in found] == [(6, "B6", "missing_value")]
