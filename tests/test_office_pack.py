"""The office pack: the twelve default registers of a township office (sheets_schema/), the demo
workbook `assistant init` makes for them, and each register's rules, checked on real xlsx files
through the CLI. The demo's planted mistakes are listed here cell by cell."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from assistant.resources import defaults
from tests.conftest import TODAY, run_cli

# The table: register -> (sheet, columns), header names exactly as offices use them.
PACK = {
    "tasks": ("督查督办台账", None),
    "roster": ("人员名册", ["姓名", "单位", "科室", "编制类型", "用工性质", "状态", "到岗日期", "是否领导", "手机", "邮箱"]),
    "quotas": ("编制情况", ["单位", "党政编制", "工勤编制"]),
    "changes": ("人员变动", ["日期", "姓名", "单位", "变动类型", "去向或来源", "审批文号"]),
    "backups": ("岗位AB角", ["岗位", "A角", "B角"]),
    "duty": ("值班表", ["日期", "值班人员", "带班领导", "值班电话"]),
    "seals": ("用印登记", ["序号", "日期", "申请人", "文件名称", "用印事由", "份数", "审批人", "经办人"]),
    "documents": ("收文登记", ["收文编号", "收文日期", "来文单位", "文号", "标题", "紧急程度", "承办人", "办理时限",
                           "办理状态", "办结日期"]),
    "meetings": ("会议记录", ["会议名称", "会议类型", "会议日期", "主持人", "参会人员", "缺席人员", "记录人", "议题",
                          "议定事项", "督办编号"]),
    "reports": ("信息报送", ["报送日期", "标题", "报送单位", "撰稿人", "采用级别"]),
    "vehicles": ("公车使用", ["车牌号", "驾驶员", "用车人", "事由", "出车时间", "返回时间", "起始里程", "结束里程", "审批人"]),
    "petitions": ("信访接待", ["登记编号", "登记日期", "来访人", "联系电话", "反映事项", "承办单位", "办理时限", "办理状态",
                           "答复日期"]),
}

E, W = "error", "warning"
# Every finding of the demo workbook on TODAY (2026-11-20), per register: (code, cell — or, for a
# sheet-level finding, its key or value — severity). Nothing else may be reported.
PLANTED: dict[str, set[tuple[str, str, str]]] = {
    "tasks": {("invalid_date", "H6", E), ("invalid_percent", "I7", E), ("duplicate_value", "A8", E),
              ("duplicate_value", "A9", E), ("invalid_date", "H8", E), ("sequence_gap", "A10", W),
              ("not_in_enum", "J10", E), ("empty_unless", "K10", E), ("required_if", "K11", E),
              ("compare_failed", "H12", E), ("unknown_reference", "E13", W), ("empty_unless", "K17", E)},
    "roster": {("invalid_phone", "I10", E), ("invalid_email", "J11", W), ("not_in_enum", "F14", E),
               ("disagrees_with_latest", "F17", E), ("above_maximum", "G18", E), ("exactly_when", "D19", E),
               ("duplicate_combination", "A21", E), ("duplicate_combination", "A22", E), ("exactly_when", "D23", E)},
    "quotas": {("duplicate_value", "A5", E), ("below_minimum", "C9", E), ("invalid_integer", "B10", E),
               ("duplicate_value", "A11", E), ("missing_row", "农业服务中心", E)},
    "changes": {("pattern_mismatch", "F3", E), ("required_if", "F8", E), ("unknown_reference", "B10", E),
                ("above_maximum", "A12", E)},
    "backups": {("compare_failed", "C4", E), ("partly_staffed", "B5", W), ("unstaffed", "B6", E),
                ("unknown_reference", "C8", E), ("partly_staffed", "C8", W)},
    "duty": {("unknown_reference", "B5", E), ("unknown_reference", "C7", E), ("pattern_mismatch", "D9", E),
             ("coverage_gap", "2026-11-10", E), ("duplicate_value", "A16", E), ("duplicate_value", "A17", E)},
    "seals": {("below_minimum", "F7", E), ("compare_failed", "G8", E), ("sequence_gap", "A9", E),
              ("unknown_reference", "G10", E), ("duplicate_value", "A11", E), ("duplicate_value", "A12", E),
              ("above_maximum", "B13", E)},
    "documents": {("pattern_mismatch", "D7", W), ("unknown_reference", "G8", W), ("compare_failed", "H9", E),
                  ("sequence_gap", "A10", W), ("required_if", "J10", E), ("not_in_enum", "F11", E)},
    "meetings": {("listed_twice", "F4", E), ("missing_value", "G5", E), ("missing_value", "I6", E),
                 ("unknown_reference", "D7", W), ("unknown_reference", "J7", E), ("not_in_enum", "B8", E)},
    "reports": {("not_in_enum", "E7", E), ("unknown_reference", "D18", W), ("quota_shortfall", "经济发展办", E),
                ("quota_shortfall", "综治中心", E)},
    "vehicles": {("not_monotonic", "G6", E), ("overlap", "E8", E), ("overlap", "E9", E), ("compare_failed", "F10", E),
                 ("compare_failed", "H11", E), ("pattern_mismatch", "A12", E), ("unknown_reference", "I13", E)},
    "petitions": {("invalid_phone", "D5", E), ("compare_failed", "G6", E), ("required_if", "I7", E),
                  ("sequence_gap", "A8", W), ("not_in_enum", "H8", E)},
}


def _schemas() -> dict[str, dict]:
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(defaults("sheets_schema").glob("*.yaml"))]
    return {d["register"]: d for d in docs}


def test_every_default_schema_lints_and_has_the_agreed_columns():
    files = sorted(defaults("sheets_schema").glob("*.yaml"))
    res = run_cli("schema", "lint", *files)
    assert res.code == 0, res.err
    assert "12 个文件检查通过" in res.out
    schemas = _schemas()
    assert set(schemas) == set(PACK)
    for reg, (sheet, columns) in PACK.items():
        s = schemas[reg]
        assert s["sheet"] == sheet, reg
        if columns is not None:
            assert [f["name"] for f in s["fields"]] == columns, reg
        for f in s["fields"]:
            assert re.search(r"[\u4e00-\u9fff]", f.get("description", "")), (reg, f["name"])  # a Chinese description


@pytest.fixture
def office(tmp_path) -> Path:
    folder = tmp_path / "凤凰镇"
    res = run_cli("init", folder, "--today", TODAY)
    assert res.code == 0, res.err
    return folder


def check(folder: Path, *args: str) -> dict:
    res = run_cli("check", "--config", folder / "assistant.toml", "--today", TODAY, "--format", "json", *args)
    assert res.code in (0, 1), res.err
    return res.json()


def found(doc: dict, register: str) -> set[tuple[str, str, str]]:
    return {(f["code"], f["cell"] or f["key"] or f["value"], f["severity"]) for f in doc["findings"]
            if f["register"] == register}


def edit(folder: Path, sheet: str, cells: dict[str, object] | None = None, append: list | None = None,
         delete_rows: tuple[int, int] | None = None) -> None:
    """Change the demo workbook as a person would in Excel, and save it."""
    path = folder / "data" / "凤凰镇.xlsx"
    wb = load_workbook(path)
    ws = wb[sheet]
    for cell, value in (cells or {}).items():
        ws[cell] = value
    if delete_rows:
        ws.delete_rows(*delete_rows)
    if append:
        ws.append(append)
    wb.save(path)


def test_demo_check_finds_exactly_the_planted_mistakes(office):
    doc = check(office)
    assert {f["register"] for f in doc["findings"]} == set(PACK)
    for reg, planted in PLANTED.items():
        assert found(doc, reg) == planted, reg
    assert len(doc["findings"]) == sum(map(len, PLANTED.values()))  # no finding reported twice


def test_demo_command_shows_every_register(tmp_path):
    res = run_cli("demo", tmp_path / "demo", "--today", TODAY)
    assert res.code == 0, res.err
    for sheet, _ in PACK.values():
        assert f"凤凰镇 · {sheet}（" in res.out, sheet


# --- one focused test per register's rule group -------------------------------------------------

def test_roster_rules(office):
    # 钱进's latest change is 抽调: once the roster says so, it agrees; 编制类型 fixed for the two others.
    edit(office, "人员名册", {"F17": "抽调", "D19": "无", "D23": "党政"})
    got = found(check(office, "--register", "roster"), "roster")
    assert not {c for c in got if c[0] in ("disagrees_with_latest", "exactly_when")}
    # 王芳 seconded in (借调) cannot hold a 党政 post.
    edit(office, "人员名册", {"E6": "借调"})
    assert ("exactly_when", "D6", E) in found(check(office, "--register", "roster"), "roster")
    # A later 返岗 makes 在岗 right again, and the roster's 抽调 now disagrees with it.
    edit(office, "人员变动", append=[dt.date(2026, 11, 18), "钱进", "经济发展办", "返岗", "区重点项目指挥部", None])
    assert ("disagrees_with_latest", "F17", E) in found(check(office, "--register", "roster"), "roster")
    # The same name in two units is fine; in one unit twice it is not.
    edit(office, "人员名册", {"B22": "综治中心"})
    assert not {c for c in found(check(office, "--register", "roster"), "roster") if c[0] == "duplicate_combination"}


def test_quotas_rules(office):
    edit(office, "编制情况", {"A11": "农业服务中心", "C9": 0, "B10": 4})
    assert found(check(office, "--register", "quotas"), "quotas") == set()
    # A unit that appears in the roster later needs its row too.
    edit(office, "人员名册", {"B15": "便民服务中心"})
    assert ("missing_row", "便民服务中心", E) in found(check(office, "--register", "quotas"), "quotas")


def test_changes_rules(office):
    # 李娜 joins as a temporary hire: not in the roster yet, and that is fine …
    assert not any(c[1] == "B12" for c in found(check(office, "--register", "changes"), "changes"))
    # … but a person who is sent away (调出) must be in the roster.
    edit(office, "人员变动", {"D12": "调出", "A12": dt.date(2026, 11, 19), "F12": "凤组〔2026〕14号"})
    assert ("unknown_reference", "B12", E) in found(check(office, "--register", "changes"), "changes")
    edit(office, "人员变动", {"F8": "凤组〔2026〕10号", "F3": "凤组〔2024〕7号"})
    got = found(check(office, "--register", "changes"), "changes")
    assert not {c for c in got if c[1] in ("F3", "F8")}


def test_backups_rules(office):
    # 陈静 back at work: 信访接待 is fully staffed; 宋涛 replaced by 王芳: 安全生产 only partly.
    edit(office, "人员名册", {"F9": "在岗"})
    edit(office, "岗位AB角", {"C6": "王芳"})
    got = found(check(office, "--register", "backups"), "backups")
    assert ("partly_staffed", "B5", W) not in got
    assert ("partly_staffed", "B6", W) in got and not any(c[0] == "unstaffed" for c in got)


def test_duty_rules(office):
    # Only the first days of the month scheduled: the rest of the month is still missing (whole month).
    edit(office, "值班表", delete_rows=(23, 10))
    gaps = {c[1] for c in found(check(office, "--register", "duty"), "duty") if c[0] == "coverage_gap"}
    assert gaps == {"2026-11-10"} | {f"2026-11-{d}" for d in range(21, 31)}
    # The person on duty on a 病休 day, and a leader who is no leader.
    edit(office, "值班表", {"B6": "吴刚", "C7": "张建国"})
    got = found(check(office, "--register", "duty"), "duty")
    assert ("unknown_reference", "B6", E) in got and ("unknown_reference", "C7", E) not in got


def test_seals_rules(office):
    edit(office, "用印登记", {"A12": 11, "A13": 12, "F7": 1, "G8": "张建国", "G10": "孙志强", "B13": dt.date(2026, 11, 20)})
    got = found(check(office, "--register", "seals"), "seals")
    assert got == {("sequence_gap", "A9", E)}  # 7 is still missing


def test_documents_deadline_with_default_due(office):
    res = run_cli("flag", "--config", office / "assistant.toml", "--today", TODAY, "--format", "json",
                  "--register", "documents", "--dry-run")
    items = {i["key"]: i for i in res.json()["items"]}
    # 特急 received 2026-11-17 (Tuesday): 1 working day; 平件 2026-11-08 (Sunday): 10 working days.
    assert items["SW-2026-004"]["due"] == "2026-11-18" and items["SW-2026-004"]["status"] == "overdue"
    assert items["SW-2026-003"]["due"] == "2026-11-20"
    assert items["SW-2026-002"]["due"] == "2026-10-31"  # a date typed in wins
    assert items["SW-2026-010"]["due"] == "2026-11-26"  # 急件 is no category: the typed date
    # Nothing is written into the person's empty cell.
    assert load_workbook(office / "data" / "凤凰镇.xlsx")["收文登记"]["H5"].value is None


def test_meetings_rules(office):
    edit(office, "会议记录", {"F4": "", "J7": "DB-2026-012", "D7": "孙志强"})
    got = found(check(office, "--register", "meetings"), "meetings")
    assert {c[1] for c in got} == {"G5", "I6", "B8"}
    edit(office, "会议记录", {"F3": "张建国（请假）, 李明"})  # separated by a comma, 李明 present too
    assert ("listed_twice", "F3", E) in found(check(office, "--register", "meetings"), "meetings")


def test_reports_quota(office):
    edit(office, "信息报送", append=[dt.date(2026, 10, 28), "经济发展办开展安全生产检查", "经济发展办", "刘洋", "区级"])
    got = found(check(office, "--register", "reports"), "reports")
    assert {c[1] for c in got if c[0] == "quota_shortfall"} == {"综治中心"}


def test_vehicles_rules(office):
    # Row 4 starts exactly when row 3 ends: no overlap. One minute earlier, it runs into row 3.
    assert not any(c[1] == "E4" for c in found(check(office, "--register", "vehicles"), "vehicles"))
    edit(office, "公车使用", {"E4": dt.datetime(2026, 10, 31, 11, 59)})
    assert ("overlap", "E4", E) in found(check(office, "--register", "vehicles"), "vehicles")
    # The odometer: row 6 starts below row 5's end reading (45352), even though above its start.
    edit(office, "公车使用", {"E4": dt.datetime(2026, 10, 31, 12), "G6": 45351, "H6": 45360})
    got = found(check(office, "--register", "vehicles"), "vehicles")
    assert ("not_monotonic", "G6", E) in got
    edit(office, "公车使用", {"G6": 45352})
    assert ("not_monotonic", "G6", E) not in found(check(office, "--register", "vehicles"), "vehicles")


def test_petitions_phone_masked_and_default_due(office):
    phones = [c.value for c in load_workbook(office / "data" / "凤凰镇.xlsx")["信访接待"]["D"][2:]]
    res = run_cli("check", "--config", office / "assistant.toml", "--today", TODAY, "--register", "petitions")
    doc = check(office, "--register", "petitions")
    for text in (res.out, str(doc)):
        assert not any(p in text for p in phones)
    assert "139***4567" in res.out
    res = run_cli("flag", "--config", office / "assistant.toml", "--today", TODAY, "--format", "json",
                  "--register", "petitions", "--dry-run")
    items = {i["key"]: i for i in res.json()["items"]}
    assert items["XF-2026-001"]["due"] == "2026-11-10" and items["XF-2026-001"]["status"] == "overdue"  # 60 days
