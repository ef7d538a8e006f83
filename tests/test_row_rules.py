"""Row rules of the office pack on real .xlsx files through the real CLI: `disjoint`, `exactly_when`,
`coverage` with `whole: month`, `monotonic` with `previous` (and `no_overlap` at the boundary),
`deadline.due_default` on the official calendar, and the field option `mask` in every output.

Sheets here have the headers in row 1, so the first data row is sheet row 2; columns follow the
order of the fields (A, B, C, …). The run date is 2026-11-20, a Friday.
"""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from pathlib import Path

import chinese_calendar
import pytest
import yaml
from openpyxl import load_workbook

from tests.conftest import TODAY, OfficeFolder, run_cli

SHEET = "登记表"
D = dt.date


def setup(office: OfficeFolder, fields: list[str], rows: list[list], rules: list[str] = (),
          extra: str = "", config: str = "") -> None:
    """A register `reg` (sheet 登记表): fields and rules as YAML flow mappings, `extra` YAML after."""
    lines = ["register: reg", f"title: {SHEET}", "fields:", *(f"  - {f}" for f in fields)]
    if rules:
        lines += ["rules:", *(f"  - {r}" for r in rules)]
    office.schema("reg", "\n".join(lines) + "\n" + extra)
    names = [str(yaml.safe_load(f)["name"]) for f in fields]
    office.workbook({SHEET: [names, *rows]})
    office.write_config(config)


def brief(findings: list[dict]) -> list[tuple]:
    return sorted((f["cell"], f["code"]) for f in findings)


def only(findings: list[dict], cell: str) -> dict:
    [f] = [f for f in findings if f["cell"] == cell]
    return f


def lint(tmp_path: Path, text: str):
    path = tmp_path / "reg.yaml"
    path.write_text(text, encoding="utf-8")
    return run_cli("schema", "lint", path)


# --- disjoint --------------------------------------------------------------------------------------

MEETING = ["{name: 会议名称, required: true}", "{name: 参会人员}", "{name: 缺席人员}"]


def test_disjoint_a_person_is_not_both_present_and_absent(office):
    setup(office, MEETING, [
        ["党委会", "张三、李四，王五", "李四"],              # 李四 both: found
        ["专题会", "张三 李四;赵六", "王五/钱七"],            # no one twice
        ["政府常务会", "张三；李四、王五", "王五, 张三，孙八"],  # two names twice, in list order
        ["党政联席会", "张三、李四", None],                  # nobody absent
        ["专题会", "张三李四", "张三"],                     # one name 张三李四 (no separator): not 张三
    ], ["{kind: disjoint, fields: [参会人员, 缺席人员]}"])
    found = office.findings()
    assert brief(found) == [("C2", "listed_twice"), ("C4", "listed_twice")]
    f = only(found, "C2")
    assert (f["row"], f["column"], f["severity"], f["value"]) == (2, "缺席人员", "error", "李四")
    assert f["message"] == "“李四”同时列在参会人员、缺席人员中"
    assert only(found, "C4")["message"] == "“张三”、“王五”同时列在参会人员、缺席人员中"


def test_disjoint_three_lists_and_warning(office):
    setup(office, [*MEETING, "{name: 列席人员}"], [
        ["党委会", "张三", "李四", "李四"],
        ["党委会", "张三", "李四", "王五"],
    ], ["{kind: disjoint, fields: [参会人员, 缺席人员, 列席人员], severity: warning}"])
    found = office.findings()
    assert [(f["cell"], f["code"], f["severity"]) for f in found] == [("D2", "listed_twice", "warning")]
    assert office.check().code == 0  # a warning does not fail the run


def test_disjoint_needs_two_fields(tmp_path):
    res = lint(tmp_path, "register: reg\nfields:\n  - {name: 参会人员}\nrules:\n  - {kind: disjoint, fields: [参会人员]}\n")
    assert res.code == 2 and "rules[0].fields" in res.err


# --- exactly_when ----------------------------------------------------------------------------------

ROSTER = ["{name: 姓名, required: true}", "{name: 编制类型, enum: [党政, 工勤, 无]}",
          "{name: 用工性质, enum: [在编, 临聘, 借调]}"]
EXACTLY = "{kind: exactly_when, field: 编制类型, value: 无, when: { 用工性质: [临聘, 借调] }}"


def test_exactly_when_both_directions(office):
    setup(office, ROSTER, [
        ["张三", "党政", "在编"],   # fine
        ["李四", "党政", "临聘"],   # 临聘 needs 无
        ["王五", "无", "在编"],     # 在编 must not be 无
        ["赵六", "无", "借调"],     # fine
        ["钱七", None, "临聘"],     # empty: `required` would say so, not this rule
        ["孙八", "无", None],       # no 用工性质: the condition does not hold, so 无 is wrong
        ["周九", "工勤", "（临聘）"],  # not one of the listed values (an enum finding): the condition does not hold
    ], [EXACTLY])
    found = office.findings()
    assert brief(found) == [("B3", "exactly_when"), ("B4", "exactly_when"), ("B7", "exactly_when"),
                            ("C8", "not_in_enum")]
    assert only(found, "B3")["message"] == "用工性质为临聘/借调时，编制类型应为“无”"
    assert only(found, "B4")["message"] == "编制类型为“无”只适用于用工性质为临聘/借调的情形"
    assert (only(found, "B3")["value"], only(found, "B4")["value"]) == ("党政", "无")


def test_exactly_when_on_a_yes_no_field_and_english(office):
    setup(office, ["{name: 姓名}", "{name: 是否领导, type: boolean}", "{name: 职务}"], [
        ["张三", "是", "镇长"],
        ["李四", "否", "镇长"],   # a 镇长 is a leader
        ["王五", "Y", "科员"],    # 是 written as Y: read as a boolean, still wrong for a 科员
        ["赵六", "否", "科员"],
    ], ["{kind: exactly_when, field: 是否领导, value: 是, when: { 职务: [镇长, 书记] }}"])
    assert brief(office.findings()) == [("B3", "exactly_when"), ("B4", "exactly_when")]
    msgs = [f["message"] for f in office.findings("--lang", "en")]
    assert msgs == ["是否领导 should be \"是\" when 职务 is 镇长/书记", "是否领导 is \"是\" only when 职务 is 镇长/书记"]


def test_exactly_when_lint(tmp_path):
    head = "register: reg\nfields:\n  - {name: 编制类型}\n  - {name: 人数, type: integer}\nrules:\n"
    res = lint(tmp_path, head + "  - {kind: exactly_when, field: 编制类型, when: { 用工形式: 临聘 }}\n")
    assert res.code == 2
    assert "rules[0].value" in res.err and "rules[0].when" in res.err and "用工形式" in res.err
    res = lint(tmp_path, head + "  - {kind: exactly_when, field: 人数, value: 无, when: { 编制类型: 无 }}\n")
    assert res.code == 2 and "rules[0].value" in res.err
    assert lint(tmp_path, head + f"  - {EXACTLY.replace('用工性质', '编制类型')}\n").code == 0


# --- vehicles: no_overlap at the boundary, monotonic with previous ----------------------------------

TRIPS = ["{name: 车牌号, required: true}", "{name: 驾驶员}", "{name: 出车时间, type: datetime}",
         "{name: 返回时间, type: datetime}", "{name: 起始里程, type: number}", "{name: 结束里程, type: number}"]
TRIP_RULES = ["{kind: no_overlap, key: 车牌号, start: 出车时间, end: 返回时间}",
              "{kind: no_overlap, key: 驾驶员, start: 出车时间, end: 返回时间}",
              "{kind: compare, left: 结束里程, op: '>=', right: 起始里程}",
              "{kind: monotonic, field: 起始里程, previous: 结束里程, order_by: 出车时间, group_by: [车牌号]}"]


def test_a_trip_ending_exactly_when_the_next_starts_is_no_overlap(office):
    setup(office, TRIPS, [
        ["川A12345", "刘师傅", "2026-11-02 08:00", "2026-11-02 12:00", 1000, 1050],
        ["川A12345", "刘师傅", "2026-11-02 12:00", "2026-11-02 17:00", 1050, 1100],  # starts as the last ends
        ["川A67890", "刘师傅", "2026-11-02 16:59", "2026-11-02 18:00", 500, 520],    # 刘师傅 still driving
    ], TRIP_RULES[:2])  # one rule per 车牌号, one per 驾驶员
    found = office.findings()
    assert brief(found) == [("C4", "overlap")]
    assert "驾驶员“刘师傅”" in only(found, "C4")["message"]


def test_the_odometer_never_goes_back_between_trips(office):
    setup(office, TRIPS, [
        ["川A12345", "刘师傅", "2026-11-03 08:00", "2026-11-03 12:00", 1100, 1180],
        ["川A12345", "刘师傅", "2026-11-02 08:00", "2026-11-02 12:00", 1000, 1100],  # the first trip, listed later
        ["川A67890", "王师傅", "2026-11-02 09:00", "2026-11-02 10:00", 500, 520],    # another car: its own chain
        ["川A12345", "刘师傅", "2026-11-04 08:00", "2026-11-04 12:00", 1150, 1200],  # back from 1180 to 1150
        ["川A67890", "王师傅", "2026-11-03 09:00", "2026-11-03 10:00", 520, 510],    # ends below its start
        ["川A67890", "王师傅", "2026-11-04 09:00", "2026-11-04 10:00", "五百", 530],  # unreadable: type finding
        ["川A67890", "王师傅", "2026-11-05 09:00", "2026-11-05 10:00", 515, 540],    # at or above 510: fine
    ], TRIP_RULES)
    found = office.findings()
    assert brief(found) == [("E5", "not_monotonic"), ("E7", "invalid_number"), ("F6", "compare_failed")]
    f = only(found, "E5")
    assert (f["column"], f["value"]) == ("起始里程", 1150)
    assert f["message"] == "起始里程“1150”小于上一条记录（第2行）的结束里程 1180"
    assert office.findings("--lang", "en")[0]["message"] == \
        "起始里程 \"1150\" is below 结束里程 1180 of the previous row (row 2)"


def test_monotonic_previous_strict_and_equal_readings(office):
    rules = ["{kind: monotonic, field: 起始里程, previous: 结束里程, order_by: 出车时间, strict: true}"]
    setup(office, TRIPS, [
        ["川A12345", "刘师傅", "2026-11-02 08:00", "2026-11-02 12:00", 1000, 1050],
        ["川A12345", "刘师傅", "2026-11-03 08:00", "2026-11-03 12:00", 1050, 1100],  # equal: not above
        ["川A12345", "刘师傅", "2026-11-04 08:00", "2026-11-04 12:00", 1101, 1150],
    ], rules)
    [f] = office.findings()
    assert (f["cell"], f["code"]) == ("E3", "not_monotonic")
    assert f["message"] == "起始里程“1050”没有大于上一条记录（第2行）的结束里程 1050"


def test_monotonic_previous_lint(tmp_path):
    head = ("register: reg\nfields:\n  - {name: 起始里程, type: number}\n  - {name: 出车时间, type: date}\n"
            "rules:\n")
    res = lint(tmp_path, head + "  - {kind: monotonic, field: 起始里程, previous: 出车时间}\n")
    assert res.code == 2 and "rules[0].previous" in res.err
    res = lint(tmp_path, head + "  - {kind: monotonic, field: 起始里程, previous: 结束里程}\n")
    assert res.code == 2 and "没有名为“结束里程”的字段" in res.err


# --- coverage of whole months ----------------------------------------------------------------------

DUTY = ["{name: 日期, type: date, unique: true}", "{name: 值班人员}"]


def october(skip: set[int]) -> list[list]:
    return [[f"2026-10-{d:02d}", "张三"] for d in range(2, 31) if d not in skip]


def test_coverage_whole_month_reaches_the_month_ends(office):
    # 2026-10-10 is a Saturday and a working day (调休 for the National Day holiday): a duty day like
    # any other. The sheet runs 10-02 .. 10-30 without 10-10.
    assert chinese_calendar.is_workday(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    setup(office, DUTY, [*october({10}), ["2026-10-05", "李四"]], ["{kind: coverage, field: 日期, whole: month}"])
    found = office.findings()
    gaps = [f["value"] for f in found if f["code"] == "coverage_gap"]
    assert gaps == ["2026-10-01", "2026-10-10", "2026-10-31"]
    assert all(f["row"] is None for f in found if f["code"] == "coverage_gap")
    assert [f["cell"] for f in found if f["code"] == "duplicate_value"] == ["A5", "A30"]  # present once
    # without whole: month only the days between the first and the last date count
    setup(office, DUTY, october({10}), ["{kind: coverage, field: 日期}"])
    assert [f["value"] for f in office.findings()] == ["2026-10-10"]


def test_coverage_whole_month_within_from_to(office):
    rows = [*october({10}), ["2026-11-03", "李四"], ["2026-09-30", "王五"]]
    setup(office, DUTY, rows, ["{kind: coverage, field: 日期, whole: month, from: 2026-10-01, to: 2026-11-05}"])
    # September lies before `from` and does not count; November runs only up to `to`.
    assert [f["value"] for f in office.findings()] == ["2026-10-01", "2026-10-10", "2026-10-31", "2026-11-01",
                                                       "2026-11-02", "2026-11-04", "2026-11-05"]
    rows = [*october({10}), ["2026-11-06", "李四"]]
    setup(office, DUTY, rows, ["{kind: coverage, field: 日期, whole: month, to: 2026-11-05}"])
    assert [f["value"] for f in office.findings()] == ["2026-10-01", "2026-10-10", "2026-10-31"]
    setup(office, DUTY, [["2026-09-30", "王五"]], ["{kind: coverage, field: 日期, whole: month, from: 2026-10-01}"])
    assert office.findings() == []  # no date within the range: no month to cover


# --- deadline.due_default --------------------------------------------------------------------------

DOCS = ["{name: 收文编号, required: true}", "{name: 收文日期, type: date}",
        "{name: 紧急程度, enum: [特急, 加急, 平件]}", "{name: 办理时限, type: date}", "{name: 承办人}"]
DOCS_DEADLINE = """\
key: 收文编号
deadline:
  due: 办理时限
  owner: 承办人
  due_default: { from: 收文日期, by: 紧急程度, working_days: { 特急: 1, 加急: 3, 平件: 10 } }
outputs:
  status: 预警状态
"""


def flag_items(office: OfficeFolder, today: str = TODAY, *args: str) -> dict[str, dict]:
    res = run_cli("flag", "--config", office.config, "--today", today, "--format", "json", *args)
    assert res.code in (0, 1), res.err
    return {i["key"]: i for i in res.json()["items"]}


def test_due_default_counts_working_days_across_a_swapped_working_day(office):
    setup(office, DOCS, [
        ["S1", "2026-10-09", "特急", None, "张三"],        # Fri + 1 working day = Sat 10-10 (调休)
        ["S2", "2026-09-30", "加急", None, "张三"],        # National Day 10-01..07: 10-08, 09, 10
        ["S3", "2026-10-09", "平件", None, "张三"],        # 10-10, 12..16, 19..22 → 10-22
        ["S4", "2026-11-18", "平件", None, "张三"],        # 11-19 .. 12-02 → 12-02
        ["S5", "2026-10-09", "特急", "2026-12-31", "张三"],  # a date the person wrote wins
        ["S6", "2026-10-09", "特急", "十月底", "张三"],     # unreadable: no default, stays invalid
        ["S7", "2026-10-09", "普通", None, "张三"],        # a value not in the map: no default
        ["S8", None, "特急", None, "张三"],               # nothing to count from
    ], extra=DOCS_DEADLINE)
    items = flag_items(office, TODAY, "--dry-run")
    assert {k: i["due"] for k, i in items.items()} == {
        "S1": "2026-10-10", "S2": "2026-10-10", "S3": "2026-10-22", "S4": "2026-12-02", "S5": "2026-12-31",
        "S6": None, "S7": None, "S8": None}
    assert {k: i["status"] for k, i in items.items()} == {
        "S1": "overdue", "S2": "overdue", "S3": "overdue", "S4": "on_track", "S5": "on_track",
        "S6": "invalid", "S7": "invalid", "S8": "invalid"}
    assert items["S4"]["days_left"] == 8
    # On Friday 10-09 the 特急 item is due the next (working) day: 1 working day left, due soon.
    on_friday = flag_items(office, "2026-10-09", "--dry-run")
    assert (on_friday["S1"]["status"], on_friday["S1"]["days_left"]) == ("due_soon", 1)


def test_due_default_writes_nothing_into_the_due_cell(office):
    setup(office, DOCS, [["S1", "2026-10-09", "特急", None, "张三"], ["S2", "2026-11-19", "加急", None, "张三"]],
          extra=DOCS_DEADLINE)
    res = run_cli("flag", "--config", office.config, "--today", TODAY)
    assert res.code in (0, 1), res.err
    ws = load_workbook(office.root / "data" / "镇.xlsx")[SHEET]
    assert [ws["D2"].value, ws["D3"].value] == [None, None]  # 办理时限 left empty
    assert [ws["F1"].value, ws["F2"].value, ws["F3"].value] == ["预警状态", "逾期", "临期"]


def test_due_default_in_calendar_days(office):
    setup(office, ["{name: 登记编号, required: true}", "{name: 登记日期, type: date}", "{name: 办理时限, type: date}"],
          [["X1", "2026-09-22", None], ["X2", "2026-10-01", None], ["X3", "2026-10-01", "2026-10-20"]],
          extra="key: 登记编号\ndeadline:\n  due: 办理时限\n  due_default: { from: 登记日期, days: 60 }\n")
    items = flag_items(office, TODAY, "--dry-run")
    assert {k: (i["due"], i["status"]) for k, i in items.items()} == {
        "X1": ("2026-11-21", "due_soon"), "X2": ("2026-11-30", "on_track"), "X3": ("2026-10-20", "overdue")}


def test_adding_working_days_agrees_with_chinesecalendar_day_by_day():
    """The vectorised count (one searchsorted) against the plain walk, over a year of start days with
    the Spring Festival, National Day and their swapped working days."""
    import numpy as np
    import pandas as pd

    from assistant.calendar import WorkCalendar

    starts = [D(2026, 1, 1) + dt.timedelta(days=i) for i in range(0, 340, 3)]
    steps = np.array([i % 12 for i in range(len(starts))])

    def walk(day: dt.date, n: int) -> dt.date:
        while n:
            day += dt.timedelta(days=1)
            n -= chinese_calendar.is_workday(day)
        return day

    got = WorkCalendar().add_workdays(pd.Series(pd.to_datetime(starts)), steps)
    assert [d.date() for d in got] == [walk(s, int(n)) for s, n in zip(starts, steps)]


def test_adding_working_days_when_none_follow_gives_no_date():
    import pandas as pd

    from assistant.calendar import WorkCalendar

    # an admin's calendar with no working day for years: no date (invalid), not a hang or a wrong one
    days_off = {D(2026, 10, 1) + dt.timedelta(days=i): "停" for i in range(12 * 366)}
    got = WorkCalendar("weekdays", holidays=days_off).add_workdays(pd.Series(pd.to_datetime(["2026-10-09"])), [1])
    assert got.isna().all()


@pytest.mark.parametrize("rule, path, words", [
    ("{ from: 收文日期, by: 紧急程度, working_days: 3 }", "deadline.due_default.working_days", ["紧急程度", "特急"]),
    ("{ from: 收文日期, working_days: 3, days: 60 }", "deadline.due_default", ["working_days", "days"]),
    ("{ from: 紧急程度, days: 60 }", "deadline.due_default.from", ["“紧急程度”应是日期字段"]),
    ("{ by: 紧急程度, days: { 特急: 1 } }", "deadline.due_default.from", ["due_default 必须有 from"]),
    ("{ from: 收文日期, days: -1 }", "deadline.due_default.days", ["整数"]),
    ("{ from: 收文日期, weekdays: 3 }", "deadline.due_default.weekdays", ["不认识这个键"]),
    ("60", "deadline.due_default", ["应为"]),
])
def test_due_default_lint(tmp_path, rule, path, words):
    fields = "\n".join(f"  - {f}" for f in DOCS)
    res = lint(tmp_path, f"register: reg\nfields:\n{fields}\ndeadline:\n  due: 办理时限\n  due_default: {rule}\n")
    assert res.code == 2, res.out
    [line] = [ln for ln in res.err.splitlines() if f"[reg] {path}:" in ln]
    for w in words:
        assert w in line, line


def test_new_kinds_and_options_written_well_lint_clean(tmp_path):
    res = lint(tmp_path, """\
register: reg
fields:
  - {name: 日期, type: date, unique: true}
  - {name: 参会人员}
  - {name: 缺席人员}
  - {name: 编制类型, mask: true}
  - {name: 用工性质}
  - {name: 紧急程度}
  - {name: 办理时限, type: date}
  - {name: 起始里程, type: number}
  - {name: 结束里程, type: number}
  - {name: 承办人}
rules:
  - { kind: disjoint, fields: [参会人员, 缺席人员] }
  - { kind: exactly_when, field: 编制类型, value: 无, when: { 用工性质: [临聘, 借调] } }
  - { kind: coverage, field: 日期, whole: month, to: today }
  - { kind: monotonic, field: 起始里程, previous: 结束里程, order_by: 日期, strict: true }
deadline:
  due: 办理时限
  owner: 承办人
  due_default: { from: 日期, by: 紧急程度, working_days: { 特急: 1, 加急: 3, 平件: 10 } }
""")
    assert res.code == 0, res.err


def test_mask_cannot_hide_the_person_reminded(tmp_path):
    res = lint(tmp_path, "register: reg\nfields:\n  - {name: 时限, type: date}\n  - {name: 承办人, mask: true}\n"
                         "deadline:\n  due: 时限\n  owner: 承办人\n")
    assert res.code == 2
    assert "[reg] deadline.owner:" in res.err and "提醒按姓名找人" in res.err


# --- mask ------------------------------------------------------------------------------------------

PETITIONS = ["{name: 登记编号, required: true}", "{name: 来访人, mask: true}",
             "{name: 联系电话, type: phone, unique: true, mask: true}", "{name: 反映事项}",
             "{name: 承办人}", "{name: 办理时限, type: date}"]
PETITION_ROWS = [
    ["XF-001", "张三丰", 13812345678, "道路破损", "王芳", "2026-11-10"],
    ["XF-002", "李四", "138 1234 5678", "占道经营", "王芳", "2026-11-30"],   # the same phone, typed with spaces
    ["XF-003", "王五", "0288765432", "噪音扰民", "王芳", "2026-11-30"],     # a landline: not a mobile
]


def test_mask_in_check_terminal_and_json(office):
    setup(office, PETITIONS, PETITION_ROWS, extra="key: 登记编号\n")
    found = office.findings()
    assert brief(found) == [("C2", "duplicate_value"), ("C3", "duplicate_value"), ("C4", "invalid_phone")]
    # the value as typed, masked (spaces and all); the message quotes it as read
    assert [f["value"] for f in found] == ["138****5678", "138******5678", "028***5432"]
    assert only(found, "C4")["message"] == "联系电话“028***5432”不是11位手机号码"
    assert only(found, "C3")["message"] == "联系电话“138****5678”与第2行重复"
    raw = office.check("--format", "json").out
    assert "12345678" not in raw and "8765432" not in raw and "1234 5678" not in raw
    text = office.check().out
    assert "138****5678" in text and "028***5432" in text
    assert "12345678" not in text and "8765432" not in text


def test_mask_covers_the_key_other_fields_findings_and_flag_json(office):
    setup(office, ["{name: 身份证号, mask: true}", "{name: 姓名, required: true}", "{name: 时限, type: date}"],
          [["110105194912310021", None, "2026-11-10"]], extra="key: 身份证号\ndeadline:\n  due: 时限\n")
    [f] = office.findings()
    assert (f["code"], f["key"], f["cell"]) == ("missing_value", "110***********0021", "B2")
    res = run_cli("flag", "--config", office.config, "--today", TODAY, "--format", "json", "--dry-run")
    assert "110105194912310021" not in res.out
    assert [(i["key"], i["status"]) for i in res.json()["items"]] == [("110***********0021", "overdue")]


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((folder / "outbox").glob("*.eml"))]


MAIL_CONFIG = """
[mail]
transport = "file"
sender = "党政办 <dzb@example.gov.cn>"
allowed_domains = ["example.gov.cn"]

[[recipients]]
name = "张书记"
email = "zhangjg@example.gov.cn"
scope = "all"

[[recipients]]
name = "王芳"
email = "wangfang@example.gov.cn"
scope = "all"
"""


def test_mask_in_digest_reminder_and_attachment(office):
    setup(office, PETITIONS, PETITION_ROWS[:1] + [["XF-004", "欧阳娜娜", "13900001111", "补贴发放", "王芳", "2026-11-23"]],
          extra="key: 登记编号\ndeadline:\n  due: 办理时限\n  owner: 承办人\n  content: 来访人\n", config=MAIL_CONFIG)
    res = run_cli("digest", "--config", office.config, "--today", TODAY)
    assert res.code == 0, res.err
    [digest] = [m for m in mails(office.root) if m["To"].addresses[0].addr_spec == "zhangjg@example.gov.cn"]
    html = digest.get_body(preferencelist=("html",)).get_content()
    plain = digest.get_body(preferencelist=("plain",)).get_content()
    for text in (html, plain):
        assert "张**" in text and "欧***" in text
        assert "张三丰" not in text and "欧阳娜娜" not in text
    (att,) = list(digest.iter_attachments())
    path = office.root / "att.xlsx"
    path.write_bytes(att.get_content())
    cells = [str(c) for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert "张**" in cells and "张三丰" not in cells
    res = run_cli("remind", "--config", office.config, "--today", TODAY)
    assert res.code == 0, res.err
    reminder = [m for m in mails(office.root) if m["To"].addresses[0].addr_spec == "wangfang@example.gov.cn"
                and "周报" not in m["Subject"]]
    assert reminder
    for m in reminder:
        text = m.get_body(preferencelist=("plain",)).get_content()
        assert "张三丰" not in text and "欧阳娜娜" not in text
    assert any("欧***" in m.get_body(preferencelist=("plain",)).get_content() for m in reminder)


def test_mail_masks_numbers_in_free_text_as_before():
    from assistant.digests import mask

    assert mask("联系 13812345678，身份证 11010519491231002X") == "联系 138****5678，身份证 110105********002X"
    assert mask("电话 138123456789") == "电话 138123456789"  # 12 digits: not a mobile number
