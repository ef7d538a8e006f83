"""Rule kinds (docs/design.md §5 `rules:`) run through the real CLI on real .xlsx files, and the linting of
rules by `assistant schema lint`.

Every sheet here has a title in row 1 and the headers in row 2, so the first data row is sheet row 3;
the columns follow the order of the fields (A, B, C, …). The run date is 2026-11-20, a Friday.
"""

from __future__ import annotations

import textwrap

import pytest
import yaml

from tests.conftest import run_cli

SHEET = "登记表"


def setup(office, fields: list[str], rules: list[str], rows: list[list], key: str | None = None) -> None:
    """A register `reg`: fields and rules as YAML flow mappings; the sheet has a title row, then headers."""
    lines = ["register: reg", f"title: {SHEET}", "header_row: 2"]
    if key:
        lines.append(f"key: {key}")
    lines += ["fields:", *(f"  - {f}" for f in fields), "rules:", *(f"  - {r}" for r in rules)]
    office.schema("reg", "\n".join(lines) + "\n")
    names = [str(yaml.safe_load(f)["name"]) for f in fields]
    office.workbook({SHEET: [[f"{SHEET}（2026年）"], names, *rows]})
    office.write_config()


def run(office, fields, rules, rows, key=None, *args) -> list[dict]:
    setup(office, fields, rules, rows, key)
    return office.findings(*args)


def at(office, today: str, *args: str) -> dict:
    """The JSON of a check run on another day."""
    return run_cli("check", "--config", office.config, "--today", today, "--format", "json", *args).json()


def brief(findings: list[dict]) -> list[tuple]:
    return sorted((f["cell"], f["code"]) for f in findings)


def only(findings: list[dict], cell: str, code: str | None = None) -> dict:
    [f] = [f for f in findings if f["cell"] == cell and (code is None or f["code"] == code)]
    return f


def sheet_level(findings: list[dict], code: str) -> list[dict]:
    got = [f for f in findings if f["code"] == code]
    assert all(f["row"] is None and f["cell"] is None for f in got)
    return got


# --- compare ---------------------------------------------------------------------------------------

TASK_FIELDS = ["{name: 编号, type: string}", "{name: 交办日期, type: date}", "{name: 完成时限, type: date}"]


def test_compare_two_date_fields(office):
    found = run(office, TASK_FIELDS, ['{kind: compare, left: 完成时限, op: ">=", right: 交办日期}'], [
        ["K1", "2026-11-01", "2026-11-10"],
        ["K2", "2026-11-05", "2026-11-04"],   # deadline before the day it was assigned
        ["K3", "2026-11-05", "2026-11-05"],   # same day is fine
        ["K4", "2026-11-05", None],           # nothing to compare
        ["K5", None, "2026-01-01"],
    ], key="编号")
    assert brief(found) == [("C4", "compare_failed")]
    f = only(found, "C4")
    assert (f["row"], f["column"], f["key"], f["severity"], f["value"]) == (4, "完成时限", "K2", "error", "2026-11-04")
    assert f["message"] == "完成时限（2026-11-04）应不早于交办日期（2026-11-05）"


def test_compare_skips_unreadable_cells(office):
    found = run(office, TASK_FIELDS, ['{kind: compare, left: 完成时限, op: ">=", right: 交办日期}'], [
        ["K1", "2026-11-05", "2026-11-32"],
        ["K2", "十一月", "2026-01-01"],
    ], key="编号")
    assert brief(found) == [("B4", "invalid_date"), ("C3", "invalid_date")]


def test_compare_clean_when_all_hold(office):
    found = run(office, TASK_FIELDS, ['{kind: compare, left: 完成时限, op: ">", right: 交办日期}'], [
        ["K1", "2026-11-01", "2026-11-02"], ["K2", "2026/11/3", "2026年11月30日"],
    ], key="编号")
    assert found == []


# Each row is (实际, 计划) = (1, 2), (2, 2), (3, 2) in rows 3, 4, 5: the rows where `实际 op 计划` is false.
@pytest.mark.parametrize("op, flagged", [
    ("<", ["A4", "A5"]), ("<=", ["A5"]), (">", ["A3", "A4"]), (">=", ["A3"]), ("==", ["A3", "A5"]), ("!=", ["A4"]),
])
def test_compare_every_operator_on_numbers(office, op, flagged):
    found = run(office, ["{name: 实际, type: number}", "{name: 计划, type: number}"],
                [f'{{kind: compare, left: 实际, op: "{op}", right: 计划}}'], [[1, 2], [2, 2], [3, 2]])
    assert brief(found) == [(c, "compare_failed") for c in flagged]


def test_compare_number_message(office):
    found = run(office, ["{name: 实际, type: number}", "{name: 计划, type: number}"],
                ['{kind: compare, left: 实际, op: "<=", right: 计划}'], [[3, 2]])
    assert only(found, "A3")["message"] == "实际（3）应不大于计划（2）"


def test_compare_with_a_constant(office):
    found = run(office, ["{name: 编号, type: string}", "{name: 进度, type: percent}"],
                ['{kind: compare, left: 进度, op: "<=", value: 100}'],
                [["K1", "100%"], ["K2", "120%"], ["K3", 80], ["K4", None]], key="编号")
    assert brief(found) == [("B4", "compare_failed")]
    assert only(found, "B4")["message"] == "进度（120）应不大于100"


def test_compare_with_a_date_constant(office):
    found = run(office, ["{name: 交办日期, type: date}"], ['{kind: compare, left: 交办日期, op: ">=", value: 2026-01-01}'],
                [["2025-12-31"], ["2026-01-01"]])
    assert brief(found) == [("A3", "compare_failed")]
    assert only(found, "A3")["message"] == "交办日期（2025-12-31）应不早于2026-01-01"


def test_compare_with_today_follows_the_run_date(office):
    found = run(office, ["{name: 办结日期, type: date}", "{name: 备注, type: string}"],
                ['{kind: compare, left: 办结日期, op: "<=", value: today}'],
                [["2026-11-20", "today"], ["2026-11-21", "tomorrow"], ["2027-01-01", "next year"]])
    assert brief(found) == [("A4", "compare_failed"), ("A5", "compare_failed")]
    assert only(found, "A4")["message"] == "办结日期（2026-11-21）应不晚于今天"
    assert brief(at(office, "2026-11-21")["findings"]) == [("A5", "compare_failed")]


def test_compare_warning_and_english(office):
    setup(office, TASK_FIELDS, ['{kind: compare, left: 完成时限, op: ">=", right: 交办日期, severity: warning}'],
          [["K1", "2026-11-05", "2026-11-04"]], key="编号")
    res = office.check("--format", "json", "--lang", "en")
    assert res.code == 0  # only a warning
    [f] = res.json()["findings"]
    assert (f["cell"], f["severity"]) == ("C3", "warning")
    assert f["message"] == "完成时限 (2026-11-04) should be on or after 交办日期 (2026-11-05)"


# --- required_if / empty_unless --------------------------------------------------------------------

STATUS_FIELDS = ["{name: 编号, type: string}", "{name: 办理状态, type: string}", "{name: 办结日期, type: date}"]
STATUS_RULES = ["{kind: required_if, field: 办结日期, when: {办理状态: 已办结}}",
                "{kind: empty_unless, field: 办结日期, when: {办理状态: 已办结}}"]


def test_required_if_and_empty_unless(office):
    found = run(office, STATUS_FIELDS, STATUS_RULES, [
        ["K1", "已办结", "2026-11-10"],   # row 3: fine
        ["K2", "已办结", None],           # row 4: done but no date
        ["K3", "推进中", None],           # row 5: fine
        ["K4", "推进中", "2026-11-10"],   # row 6: a date while still in progress
        ["K5", " 已办结 ", None],         # row 7: spaces around the status change nothing
        ["K6", None, "2026-11-10"],       # row 8: no status, yet a date
    ], key="编号")
    assert brief(found) == [("C4", "required_if"), ("C6", "empty_unless"), ("C7", "required_if"), ("C8", "empty_unless")]
    req, emp = only(found, "C4"), only(found, "C6")
    assert (req["key"], req["column"], req["severity"]) == ("K2", "办结日期", "error")
    assert req["message"] == "办理状态为已办结时，必须填写办结日期"
    assert (emp["key"], emp["value"]) == ("K4", "2026-11-10")
    assert emp["message"] == "办结日期只有在办理状态为已办结时才填写，请核对"


def test_conditional_rules_clean(office):
    found = run(office, STATUS_FIELDS, STATUS_RULES,
                [["K1", "已办结", "2026-11-10"], ["K2", "推进中", None], ["K3", "未启动", None]], key="编号")
    assert found == []


def test_unreadable_cells_get_only_their_type_finding(office):
    found = run(office, STATUS_FIELDS, STATUS_RULES,
                [["K1", "已办结", "不详"], ["K2", "推进中", "不详"]], key="编号")
    assert brief(found) == [("C3", "invalid_date"), ("C4", "invalid_date")]


def test_condition_with_several_values_and_fields(office):
    found = run(office, ["{name: 类别, type: string}", "{name: 办理状态, type: string}", "{name: 办结日期, type: date}"],
                ["{kind: required_if, field: 办结日期, when: {类别: 督办, 办理状态: [已办结, 已销号]}}"], [
                    ["督办", "已办结", None],   # row 3
                    ["督办", "已销号", None],   # row 4
                    ["督办", "推进中", None],
                    ["会议", "已办结", None],   # not a 督办 item
                ])
    assert brief(found) == [("C3", "required_if"), ("C4", "required_if")]
    assert only(found, "C3")["message"] == "类别为督办且办理状态为已办结/已销号时，必须填写办结日期"


def test_condition_on_a_yes_no_column(office):
    # People write 是 in the schema as in the sheet; a checked box (TRUE) or √ is the same answer.
    found = run(office, ["{name: 是否办结, type: boolean}", "{name: 办结日期, type: date}"], [
        "{kind: required_if, field: 办结日期, when: {是否办结: 是}}",
        "{kind: empty_unless, field: 办结日期, when: {是否办结: 是}}",
    ], [
        ["是", None],              # row 3
        [True, None],              # row 4
        ["√", "2026-11-02"],
        ["否", "2026-11-01"],      # row 6
        ["也许", "2026-11-01"],    # row 7: cannot tell; the type finding says so
    ])
    assert brief(found) == [("A7", "invalid_boolean"), ("B3", "required_if"), ("B4", "required_if"),
                            ("B6", "empty_unless")]


def test_condition_on_a_column_the_sheet_lacks_is_skipped(office):
    office.schema("reg", textwrap.dedent("""\
        register: reg
        title: 登记表
        header_row: 1
        fields:
          - {name: 编号, type: string}
          - {name: 办理状态, type: string}
          - {name: 办结日期, type: date}
        rules:
          - {kind: required_if, field: 办结日期, when: {办理状态: 已办结}}
          - {kind: empty_unless, field: 办结日期, when: {办理状态: 已办结}}
        """))
    office.workbook({SHEET: [["编号", "办结日期"], ["K1", "2026-11-01"], ["K2", None]]})
    office.write_config()
    res = office.check("--format", "json")
    # "相关检查已跳过" is a promise: no finding may come from the absent column
    assert [(f["code"], f["column"], f["severity"]) for f in res.json()["findings"]] == \
        [("missing_column", "办理状态", "warning")]
    assert res.code == 0


# --- unique_together -------------------------------------------------------------------------------

def test_unique_together(office):
    found = run(office, ["{name: 姓名, type: string}", "{name: 单位, type: string}", "{name: 备注, type: string}"],
                ["{kind: unique_together, fields: [姓名, 单位]}"], [
                    ["张三", "东村", "a"],     # row 3
                    ["张三", "西村", "b"],     # same name elsewhere: fine
                    ["李四", "东村", "c"],
                    ["张三", "东村", "d"],     # row 6: repeats row 3
                    ["张三", None, "e"],       # incomplete: not compared
                    ["张三", " 东村", "f"],    # row 8: repeats row 3 once the space is gone
                ])
    assert brief(found) == [("A3", "duplicate_combination"), ("A6", "duplicate_combination"),
                            ("A8", "duplicate_combination")]
    # the first row is sent to the next one holding the pair, never to itself
    assert only(found, "A3")["message"] == "姓名+单位组合“张三 / 东村”与第6行重复"
    assert only(found, "A6")["message"] == "姓名+单位组合“张三 / 东村”与第3行重复"
    assert only(found, "A8")["message"] == "姓名+单位组合“张三 / 东村”与第3行重复"


def test_unique_together_clean_and_warning(office):
    fields = ["{name: 姓名, type: string}", "{name: 单位, type: string}"]
    assert run(office, fields, ["{kind: unique_together, fields: [姓名, 单位]}"],
               [["张三", "东村"], ["张三", "西村"], ["李四", "东村"]]) == []
    found = run(office, fields, ["{kind: unique_together, fields: [姓名, 单位], severity: warning}"],
                [["张三", "东村"], ["张三", "东村"]])
    assert [(f["cell"], f["severity"]) for f in found] == [("A3", "warning"), ("A4", "warning")]


# --- sequence --------------------------------------------------------------------------------------

def test_sequence_gaps_and_repeats(office):
    found = run(office, ["{name: 编号, type: string}", "{name: 备注, type: string}"],
                ["{kind: sequence, field: 编号}"], [
                    ["DB-2026-003", "row 3"],
                    ["DB-2026-001", "row 4: order in the sheet does not matter"],
                    ["DB-2026-002", "row 5"],
                    ["DB-2026-005", "row 6: 004 is missing"],
                    ["DB-2026-005", "row 7: 005 again"],
                    ["DB-2025-010", "row 8: last year's numbers count on their own"],
                    [None, "row 9"],
                    ["待编", "row 10: no number"],
                ])
    assert brief(found) == [("A6", "sequence_gap"), ("A7", "sequence_repeat")]
    gap, rep = only(found, "A6"), only(found, "A7")
    assert gap["message"] == "编号“DB-2026-005”之前缺号：DB-2026-004"
    assert rep["message"] == "编号“DB-2026-005”与第6行重号"
    assert gap["severity"] == rep["severity"] == "error"


def test_sequence_long_gap_is_summarised(office):
    found = run(office, ["{name: 编号, type: string}"], ["{kind: sequence, field: 编号}"],
                [["DB-2026-001"], ["DB-2026-009"]])
    assert brief(found) == [("A4", "sequence_gap")]
    # 002 … 008 are missing: seven numbers, the first three shown
    assert only(found, "A4")["message"] == "编号“DB-2026-009”之前缺号：DB-2026-002、DB-2026-003、DB-2026-004等7个"


def test_sequence_start(office):
    rows = [["DB-003"], ["DB-004"]]
    assert run(office, ["{name: 编号, type: string}"], ["{kind: sequence, field: 编号}"], rows) == []
    found = run(office, ["{name: 编号, type: string}"], ["{kind: sequence, field: 编号, start: 1}"], rows)
    assert brief(found) == [("A3", "sequence_gap")]
    assert only(found, "A3")["message"] == "编号“DB-003”之前缺号：DB-001、DB-002"


def test_sequence_on_a_number_column(office):
    # 序号 typed as plain numbers: 1, 2, 4, 4 misses 3 and repeats 4
    found = run(office, ["{name: 序号, type: integer}", "{name: 事项, type: string}"],
                ["{kind: sequence, field: 序号}"],
                [[1, "a"], [2, "b"], [4, "c"], [4, "d"], ["三", "e"]])
    assert brief(found) == [("A5", "sequence_gap"), ("A6", "sequence_repeat"), ("A7", "invalid_integer")]
    assert only(found, "A5")["message"] == "序号“4”之前缺号：3"
    assert only(found, "A6")["message"] == "序号“4”与第5行重号"


def test_sequence_per_group(office):
    found = run(office, ["{name: 村, type: string}", "{name: 序号, type: integer}"],
                ["{kind: sequence, field: 序号, group_by: [村], severity: warning}"],
                [["东村", 1], ["西村", 1], ["东村", 2], ["西村", 3], ["东村", 3]])
    assert [(f["cell"], f["code"], f["severity"]) for f in found] == [("B6", "sequence_gap", "warning")]
    assert only(found, "B6")["message"] == "序号“3”之前缺号：2"


def test_sequence_clean(office):
    found = run(office, ["{name: 编号, type: string}"], ["{kind: sequence, field: 编号, start: 1}"],
                [["DB-2026-002"], ["DB-2026-001"], ["DB-2026-003"]])
    assert found == []


# --- no_overlap ------------------------------------------------------------------------------------

CAR_FIELDS = ["{name: 车辆, type: string}", "{name: 出车时间, type: datetime}", "{name: 返回时间, type: datetime}"]
CAR_RULE = ["{kind: no_overlap, key: 车辆, start: 出车时间, end: 返回时间}"]


def test_no_overlap_per_vehicle(office):
    found = run(office, CAR_FIELDS, CAR_RULE, [
        ["甲", "2026-11-02 08:00", "2026-11-02 10:00"],   # row 3
        ["甲", "2026-11-02 10:00", "2026-11-02 12:00"],   # row 4: starts as row 3 ends: fine
        ["乙", "2026-11-02 09:00", "2026-11-02 11:00"],   # another car
        ["甲", "2026-11-02 11:30", "2026-11-02 13:00"],   # row 6: car 甲 is still out (row 4)
        ["甲", "2026-11-03 08:00", "2026-11-03 09:00"],
    ])
    assert brief(found) == [("B6", "overlap")]
    f = only(found, "B6")
    assert (f["row"], f["column"], f["severity"]) == (6, "出车时间", "error")
    assert f["message"].startswith("车辆“甲”在 2026-11-02 11:30")
    assert f["message"].endswith("的登记与第4行时间重叠")


def test_no_overlap_names_the_interval_that_is_overlapped(office):
    found = run(office, CAR_FIELDS, CAR_RULE, [
        ["甲", "2026-11-02 08:00", "2026-11-02 18:00"],   # row 3: out all day
        ["甲", "2026-11-02 09:00", "2026-11-02 10:00"],   # row 4: inside row 3
        ["甲", "2026-11-02 11:00", "2026-11-02 12:00"],   # row 5: inside row 3, not row 4
    ])
    assert brief(found) == [("B4", "overlap"), ("B5", "overlap")]
    assert only(found, "B4")["message"].endswith("与第3行时间重叠")
    assert only(found, "B5")["message"].endswith("与第3行时间重叠")


def test_no_overlap_clean_and_unreadable(office):
    found = run(office, CAR_FIELDS, CAR_RULE, [
        ["甲", "2026-11-02 10:00", "2026-11-02 12:00"],
        ["甲", "2026-11-02 08:00", "2026-11-02 10:00"],   # earlier trip listed later
        ["甲", "上午", "2026-11-02 11:00"],                 # unreadable: only its type finding
        ["乙", "2026-11-02 08:00", "2026-11-02 12:00"],
    ])
    assert brief(found) == [("B5", "invalid_datetime")]


# --- coverage --------------------------------------------------------------------------------------

DUTY_FIELDS = ["{name: 值班日期, type: date}", "{name: 值班人员, type: string}"]


def test_coverage_every_day_in_the_range(office):
    found = run(office, DUTY_FIELDS, ["{kind: coverage, field: 值班日期, from: 2026-11-01, to: 2026-11-07}"], [
        ["2026-10-31", "甲"],   # outside the range: ignored
        ["2026-11-01", "甲"],
        ["2026-11-02", "乙"],
        ["2026-11-02", "丙"],   # two people on one day: fine
        ["11月3日", "丁"],      # no year: unreadable, so the 3rd stays uncovered
        ["2026-11-04", "甲"],
        ["2026-11-05", "乙"],
        ["2026-11-07", "丙"],
    ])
    gaps = sheet_level(found, "coverage_gap")
    assert [(f["value"], f["column"], f["key"], f["severity"]) for f in gaps] == [
        ("2026-11-03", "值班日期", None, "error"), ("2026-11-06", "值班日期", None, "error")]
    assert gaps[0]["message"] == "值班日期缺少 2026-11-03 的记录"
    assert brief([f for f in found if f["code"] != "coverage_gap"]) == [("A7", "invalid_date")]


def test_coverage_without_bounds_spans_the_dates_present(office):
    found = run(office, DUTY_FIELDS, ["{kind: coverage, field: 值班日期, severity: warning}"],
                [["2026-11-10", "甲"], ["2026-11-13", "乙"], ["2026-11-11", "丙"]])
    assert [(f["value"], f["severity"]) for f in sheet_level(found, "coverage_gap")] == [("2026-11-12", "warning")]


def test_coverage_up_to_today(office):
    rule = ["{kind: coverage, field: 值班日期, from: 2026-11-16, to: today}"]
    found = run(office, DUTY_FIELDS, rule, [["2026-11-16", "甲"], ["2026-11-17", "乙"], ["2026-11-18", "丙"]])
    assert [f["value"] for f in sheet_level(found, "coverage_gap")] == ["2026-11-19", "2026-11-20"]
    assert at(office, "2026-11-18")["findings"] == []


def test_coverage_clean(office):
    found = run(office, DUTY_FIELDS, ["{kind: coverage, field: 值班日期, from: 2026-11-01, to: 2026-11-03}"],
                [["2026-11-03", "甲"], ["2026-11-01", "乙"], ["2026年11月2日", "丙"]])
    assert found == []


# --- monotonic -------------------------------------------------------------------------------------

ODO_FIELDS = ["{name: 车辆, type: string}", "{name: 日期, type: date}", "{name: 里程, type: number}"]


def test_monotonic_per_vehicle_in_date_order(office):
    found = run(office, ODO_FIELDS, ["{kind: monotonic, field: 里程, order_by: 日期, group_by: [车辆]}"], [
        ["甲", "2026-11-03", 1200],   # row 3
        ["甲", "2026-11-01", 1000],   # row 4: earlier day, lower reading: fine
        ["乙", "2026-11-02", 500],    # row 5: another car
        ["甲", "2026-11-02", 1100],   # row 6
        ["甲", "2026-11-04", 1150],   # row 7: below the 1200 of 11-03
        ["乙", "2026-11-03", 500],    # row 8: unchanged reading is fine unless strict
    ])
    assert brief(found) == [("C7", "not_monotonic")]
    f = only(found, "C7")
    assert (f["row"], f["column"], f["value"], f["severity"]) == (7, "里程", 1150, "error")
    assert f["message"] == "里程“1150”小于此前记录（第3行）的 1200，应只增不减"


def test_monotonic_strict(office):
    found = run(office, ODO_FIELDS, ["{kind: monotonic, field: 里程, order_by: 日期, group_by: [车辆], strict: true}"],
                [["乙", "2026-11-02", 500], ["乙", "2026-11-03", 500], ["乙", "2026-11-04", 501]])
    assert brief(found) == [("C4", "not_monotonic")]


def test_monotonic_names_the_row_holding_the_higher_reading(office):
    found = run(office, ODO_FIELDS, ["{kind: monotonic, field: 里程}"], [
        ["甲", "2026-11-01", 100],   # row 3
        ["甲", "2026-11-02", 50],    # row 4: below row 3
        ["甲", "2026-11-03", 60],    # row 5: still below row 3 (row 4 holds only 50)
        ["甲", "2026-11-04", 150],
    ])
    assert brief(found) == [("C4", "not_monotonic"), ("C5", "not_monotonic")]
    assert only(found, "C5")["message"] == "里程“60”小于此前记录（第3行）的 100，应只增不减"


def test_monotonic_clean_and_unreadable(office):
    found = run(office, ODO_FIELDS, ["{kind: monotonic, field: 里程, order_by: 日期, group_by: [车辆], severity: warning}"], [
        ["甲", "2026-11-01", 1000], ["甲", "2026-11-02", "约900"], ["甲", "2026-11-03", 1100], ["乙", "2026-11-03", 10],
    ])
    assert [(f["cell"], f["code"], f["severity"]) for f in found] == [("C4", "invalid_number", "error")]


# --- quota -----------------------------------------------------------------------------------------

REPORT_FIELDS = ["{name: 单位, type: string}", "{name: 报送日期, type: date}"]


def shortfalls(found: list[dict]) -> list[tuple]:
    return [(f["key"], f["value"], f["message"]) for f in sheet_level(found, "quota_shortfall")]


def test_quota_per_month_for_listed_units(office):
    rule = ["{kind: quota, group_by: 单位, date: 报送日期, period: month, min: 2, units: [东村, 西村, 南村]}"]
    found = run(office, REPORT_FIELDS, rule, [
        ["西村", "2026-09-15"], ["西村", "2026-09-16"],
        ["东村", "2026-10-05"], ["东村", "2026-10-20"], ["西村", "2026-10-10"],
        ["北村", "2026-10-01"],      # not a listed unit
        ["东村", "2026-11-02"],      # November is not over on the 20th: not counted yet
        ["西村", "十月"],            # unreadable: its type finding, and it does not count
    ])
    assert sorted(shortfalls(found)) == sorted([
        ("东村", 0, "东村 2026年9月只有 0 条，至少应有 2 条"),
        ("南村", 0, "南村 2026年9月只有 0 条，至少应有 2 条"),
        ("西村", 1, "西村 2026年10月只有 1 条，至少应有 2 条"),
        ("南村", 0, "南村 2026年10月只有 0 条，至少应有 2 条"),
    ])
    q = sheet_level(found, "quota_shortfall")[0]
    assert (q["column"], q["severity"]) == ("单位", "error")
    assert brief([f for f in found if f["code"] != "quota_shortfall"]) == [("B10", "invalid_date")]
    # once November is over it counts too: 东村 has one report, 西村 and 南村 none
    later = shortfalls(at(office, "2026-12-01")["findings"])
    assert {(u, n) for u, n, m in later if "11月" in m} == {("东村", 1), ("西村", 0), ("南村", 0)}


def test_quota_weeks_run_monday_to_sunday(office):
    rule = ["{kind: quota, group_by: 单位, date: 报送日期, period: week, min: 1, severity: warning}"]
    found = run(office, REPORT_FIELDS, rule, [
        ["东村", "2026-11-02"],   # Monday: week of 11-02
        ["东村", "2026-11-15"],   # Sunday: still the week of 11-09
        ["西村", "2026-11-08"],   # Sunday: week of 11-02
        ["西村", "2026-11-17"],   # this week (11-16 to 11-22) is not over
    ])
    assert shortfalls(found) == [("西村", 0, "西村 2026-11-09 那一周只有 0 条，至少应有 1 条")]
    assert sheet_level(found, "quota_shortfall")[0]["severity"] == "warning"


def test_quota_per_quarter_and_year(office):
    rows = [["东村", "2024-05-01"], ["东村", "2026-03-31"], ["西村", "2026-04-01"], ["东村", "2026-07-01"],
            ["西村", "2025-03-01"], ["西村", "2026-10-01"]]
    rule = ["{kind: quota, group_by: 单位, date: 报送日期, period: quarter, min: 1}"]
    quarters = {(u, m) for u, n, m in shortfalls(run(office, REPORT_FIELDS, rule, rows))}
    assert ("东村", "东村 2026年第2季度只有 0 条，至少应有 1 条") in quarters
    assert ("西村", "西村 2026年第3季度只有 0 条，至少应有 1 条") in quarters
    assert not any("2026年第4季度" in m for u, m in quarters)
    assert not any(u == "东村" and ("2026年第1季度" in m or "2026年第3季度" in m) for u, m in quarters)
    # ten complete quarters from 2024 Q2 to 2026 Q3 for two units; five of those slots have a report
    assert len(quarters) == 2 * 10 - 5

    rule = ["{kind: quota, group_by: 单位, date: 报送日期, period: year, min: 1}"]
    assert sorted(shortfalls(run(office, REPORT_FIELDS, rule, rows))) == [
        ("东村", 0, "东村 2025年只有 0 条，至少应有 1 条"),
        ("西村", 0, "西村 2024年只有 0 条，至少应有 1 条"),
    ]


def test_quota_met(office):
    # unit names as people write them, full-width brackets included, in the schema and in the sheet
    rule = ["{kind: quota, group_by: 单位, date: 报送日期, period: month, min: 1, units: [东村, 综合办（党政办）]}"]
    found = run(office, REPORT_FIELDS, rule, [
        ["东村", "2026-09-01"], ["综合办（党政办）", "2026-09-30"], ["东村", "2026-10-31"],
        ["综合办（党政办）", "2026-10-01"], ["东村", "2026-11-20"],
    ])
    assert found == []


def test_quota_english(office):
    rule = ["{kind: quota, group_by: 单位, date: 报送日期, period: month, min: 2}"]
    setup(office, REPORT_FIELDS, rule, [["东村", "2026-10-05"], ["东村", "2026-10-06"], ["西村", "2026-10-10"]])
    found = office.findings("--lang", "en")
    assert [f["message"] for f in found] == ["西村: 1 rows in 2026-10, at least 2 expected"]


# --- exit codes ------------------------------------------------------------------------------------

def test_exit_code_follows_the_worst_rule_finding(office):
    rules = ['{kind: compare, left: 完成时限, op: ">=", right: 交办日期, severity: warning}',
             "{kind: sequence, field: 编号, severity: warning}"]
    setup(office, TASK_FIELDS, rules, [["DB-001", "2026-11-05", "2026-11-04"], ["DB-003", "2026-11-01", "2026-11-02"]])
    res = office.check("--format", "json")
    assert (res.code, res.json()["counts"]) == (0, {"error": 0, "warning": 2})
    setup(office, TASK_FIELDS, rules[1:] + ['{kind: compare, left: 完成时限, op: ">=", right: 交办日期}'],
          [["DB-001", "2026-11-05", "2026-11-04"], ["DB-003", "2026-11-01", "2026-11-02"]])
    res = office.check("--format", "json")
    assert (res.code, res.json()["counts"]) == (1, {"error": 1, "warning": 1})


# --- schema lint of rules --------------------------------------------------------------------------

LINT_HEAD = """\
register: tasks
title: 督办台账
fields:
  - name: 编号
    type: string
  - name: 交办日期
    type: date
  - name: 完成时限
    type: date
  - name: 办理状态
    type: string
  - name: 办结日期
    type: date
  - name: 里程
    type: number
rules:
  - kind: compare
    left: 完成时限
    op: ">="
    right: 交办日期
"""  # rules[0] is fine; the rule under test is rules[1], starting on line 21


def lint(tmp_path, rule: str):
    path = tmp_path / "tasks.yaml"
    path.write_text(LINT_HEAD + textwrap.indent(textwrap.dedent(rule), "  "), encoding="utf-8")
    return run_cli("schema", "lint", path)


@pytest.mark.parametrize("rule, where, words", [
    pytest.param("""\
      - kind: sequense
        field: 编号
    """, "tasks.yaml:21 [tasks] rules[1].kind:", ["不认识的规则类型", "是不是“sequence”"], id="unknown-kind"),
    pytest.param("""\
      - kind: sequence
        field: 编号
        strat: 1
    """, "tasks.yaml:23 [tasks] rules[1].strat:", ["不认识这个键", "start", "是不是“start”"], id="unknown-option"),
    pytest.param("""\
      - kind: compare
        left: 完成时间
        op: "<="
        right: 交办日期
    """, "tasks.yaml:22 [tasks] rules[1].left:", ["没有名为“完成时间”的字段", "是不是“完成时限”"], id="unknown-field"),
    pytest.param("""\
      - kind: required_if
        field: 办结日期
        when: { 办里状态: 已办结 }
    """, "tasks.yaml:23 [tasks] rules[1].when:", ["没有名为“办里状态”的字段", "是不是“办理状态”"], id="unknown-field-in-when"),
    pytest.param("""\
      - kind: unique_together
        fields: [编号, 办结日其]
    """, "tasks.yaml:22 [tasks] rules[1].fields:", ["没有名为“办结日其”的字段", "是不是“办结日期”"], id="unknown-field-in-list"),
    pytest.param("""\
      - kind: required_if
        field: 办结日期
    """, "tasks.yaml:21 [tasks] rules[1].when:", ["required_if", "when"], id="missing-option"),
    pytest.param("""\
      - kind: quota
        group_by: 办理状态
        date: 交办日期
        period: monthly
        min: 1
    """, "tasks.yaml:24 [tasks] rules[1].period:", ["week | month | quarter | year", "是不是“month”"], id="bad-choice"),
    pytest.param("""\
      - kind: coverage
        field: 办理状态
    """, "tasks.yaml:22 [tasks] rules[1].field:", ["“办理状态”应是日期字段"], id="coverage-needs-a-date"),
    pytest.param("""\
      - kind: monotonic
        field: 办理状态
    """, "tasks.yaml:22 [tasks] rules[1].field:", ["monotonic", "string"], id="monotonic-needs-numbers"),
    pytest.param("""\
      - kind: compare
        left: 完成时限
        op: "<="
        value: 下周
    """, "tasks.yaml:24 [tasks] rules[1].value:", ["today"], id="compare-constant-not-a-date"),
])
def test_rule_problems_name_file_line_register_and_path(tmp_path, rule, where, words):
    res = lint(tmp_path, rule)
    assert res.code == 2, res.out
    assert where in res.err, res.err
    line = next(ln for ln in res.err.splitlines() if where in ln)
    for w in words:
        assert w in line, line


def test_unknown_kind_far_from_any_gets_no_hint(tmp_path):
    res = lint(tmp_path, """\
      - kind: 打分
    """)
    assert res.code == 2
    assert "rules[1].kind" in res.err and "compare, required_if" in res.err
    assert "是不是" not in res.err


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    res = lint(tmp_path, """\
      - kind: sequense
      - kind: compare
        left: 完成时间
        op: ">>"
    """)
    assert res.code == 2
    assert "3 处问题" in res.err
    for path in ("rules[1].kind", "rules[2].left", "rules[2].op"):
        assert path in res.err


def test_lint_in_english(tmp_path):
    path = tmp_path / "tasks.yaml"
    path.write_text(LINT_HEAD + "  - { kind: compare, left: 完成时间, op: '<=', right: 交办日期 }\n", encoding="utf-8")
    res = run_cli("schema", "lint", path, "--lang", "en")
    assert res.code == 2
    assert 'tasks.yaml:21 [tasks] rules[1].left: no field named "完成时间" (did you mean "完成时限"?)' in res.err


def test_every_rule_kind_written_well_lints_clean(tmp_path):
    res = lint(tmp_path, """\
      - { kind: compare, left: 办结日期, op: "<=", value: today }
      - { kind: compare, left: 交办日期, op: ">=", value: 2026-01-01 }
      - { kind: compare, left: 交办日期, op: ">=", value: "2026-01-01" }
      - { kind: compare, left: 里程, op: ">=", value: 0, severity: warning }
      - { kind: required_if, field: 办结日期, when: { 办理状态: 已办结 } }
      - { kind: empty_unless, field: 办结日期, when: { 办理状态: [已办结, 已销号] } }
      - { kind: unique_together, fields: [编号, 办理状态] }
      - { kind: sequence, field: 编号, group_by: [办理状态], start: 1 }
      - { kind: no_overlap, key: 编号, start: 交办日期, end: 完成时限 }
      - { kind: coverage, field: 交办日期, from: 2026-01-01, to: today }
      - { kind: monotonic, field: 里程, order_by: 交办日期, group_by: [编号], strict: true }
      - { kind: quota, group_by: 办理状态, date: 交办日期, period: week, min: 1, units: [推进中] }
    """)
    assert res.code == 0, res.err
    assert "tasks" in res.out


def test_check_refuses_a_schema_whose_rule_cannot_run(office):
    # A rule that lint accepted used to crash `check` with an internal error; now it is a schema error.
    office.schema("reg", textwrap.dedent("""\
        register: reg
        title: 登记表
        fields:
          - {name: 单位, type: string}
          - {name: 报送日期, type: string}
        rules:
          - {kind: quota, group_by: 单位, date: 报送日期, period: month, min: 1}
        """))
    office.workbook({SHEET: [["单位", "报送日期"], ["东村", "2026-10-01"]]})
    office.write_config()
    res = office.check()
    assert res.code == 2
    assert "reg.yaml:7 [reg] rules[0].date:" in res.err and "内部错误" not in res.err
