"""Checks across registers (docs/schema.md `references` `where`/`when`, and the rule kinds
`complete`, `latest_agrees`, `staffed`), run through the real CLI on real .xlsx files.

Sheets have their headers in row 1, so the first data row is sheet row 2; the columns follow the
order of the fields (A, B, C, …).
"""

from __future__ import annotations

from tests.conftest import run_cli

ROSTER = """
register: roster
title: 人员名册
fields:
  - { name: 姓名, required: true }
  - { name: 单位 }
  - { name: 状态, enum: [在岗, 抽调, 借出, 病休, 调出, 离职] }
  - { name: 是否领导, type: boolean }
rules:
  - { kind: unique_together, fields: [姓名, 单位] }
"""
ROSTER_HEAD = ["姓名", "单位", "状态", "是否领导"]
ROSTER_ROWS = [
    ["张三", "党政办", "在岗", "是"],
    ["李四", "党政办", "在岗", "否"],
    ["王五", "财政所", "抽调", "否"],
    ["赵六", "财政所", "在岗", "否"],
]

DUTY = """
register: duty
title: 值班表
fields:
  - { name: 日期, type: date }
  - { name: 值班人员, references: { register: roster, field: 姓名, where: { 状态: 在岗 } } }
  - { name: 带班领导, references: { register: roster, field: 姓名, where: { 是否领导: 是 } } }
"""


def office_with(office, schemas: dict[str, str], sheets: dict[str, list[list]], name: str = "镇.xlsx") -> None:
    for reg, text in schemas.items():
        office.schema(reg, text)
    office.workbook(sheets, name)
    office.write_config()


def brief(findings: list[dict]) -> list[tuple]:
    return sorted((f["cell"] or "-", f["code"], f["severity"]) for f in findings)


def only(findings: list[dict], code: str) -> list[dict]:
    return [f for f in findings if f["code"] == code]


# --- references: where / when ----------------------------------------------------------------------

def test_where_filter_reads_a_boolean_field_as_its_type(office):
    office_with(office, {"roster": ROSTER, "duty": DUTY}, {
        "人员名册": [ROSTER_HEAD, *ROSTER_ROWS],
        "值班表": [["日期", "值班人员", "带班领导"],
                ["2026-11-01", "李四", "张三"],     # fine: 李四 在岗, 张三 是 a leader
                ["2026-11-02", "王五", "李四"],     # 王五 is 抽调; 李四 is no leader
                ["2026-11-03", "赵六", "孙七"]],    # 孙七 is in no roster row at all
    })
    found = office.findings()
    assert brief(found) == [("B3", "unknown_reference", "error"), ("C3", "unknown_reference", "error"),
                            ("C4", "unknown_reference", "error")]
    [c3] = [f for f in found if f["cell"] == "C3"]
    assert c3["message"] == "带班领导“李四”不在人员名册中是否领导为是的“姓名”之列"
    [b3] = [f for f in found if f["cell"] == "B3"]
    assert b3["message"] == "值班人员“王五”不在人员名册中状态为在岗的“姓名”之列"


def test_where_with_a_list_of_values(office):
    duty = DUTY.replace("where: { 状态: 在岗 }", "where: { 状态: [在岗, 抽调] }")
    office_with(office, {"roster": ROSTER, "duty": duty}, {
        "人员名册": [ROSTER_HEAD, *ROSTER_ROWS],
        "值班表": [["日期", "值班人员", "带班领导"], ["2026-11-02", "王五", "张三"]],
    })
    assert office.findings() == []


CHANGES = """
register: changes
title: 人员变动
fields:
  - { name: 日期, type: date }
  - { name: 姓名, references: { register: roster, field: 姓名, when: { 变动类型: [调出, 抽调] } } }
  - { name: 变动类型, enum: [调入, 调出, 抽调, 返岗, 临聘入职, 离职] }
"""


def test_when_checks_only_the_rows_where_it_holds(office):
    office_with(office, {"roster": ROSTER, "changes": CHANGES}, {
        "人员名册": [ROSTER_HEAD, *ROSTER_ROWS],
        "人员变动": [["日期", "姓名", "变动类型"],
                 ["2026-10-01", "新人甲", "调入"],   # not yet in the roster: fine for 调入
                 ["2026-10-02", "新人乙", "调出"],   # leaving, so must be in the roster
                 ["2026-10-03", "张三", "抽调"]],
    })
    assert brief(office.findings()) == [("B3", "unknown_reference", "error")]


def test_reference_without_where_keeps_its_message(office):
    duty = DUTY.replace(", where: { 状态: 在岗 }", "")
    office_with(office, {"roster": ROSTER, "duty": duty}, {
        "人员名册": [ROSTER_HEAD, *ROSTER_ROWS],
        "值班表": [["日期", "值班人员", "带班领导"], ["2026-11-02", "钱八", "张三"]],
    })
    [f] = office.findings()
    assert f["message"] == "值班人员“钱八”在人员名册的“姓名”列中找不到"


# --- nearest scope ---------------------------------------------------------------------------------

TWO_TOWNS = """
[[workbooks]]
name = "东镇"
source = "data/东镇.xlsx"

[[workbooks]]
name = "西镇"
source = "data/西镇.xlsx"
"""


def test_nearest_scope_is_the_same_workbook_when_it_holds_the_register(office):
    office.schema("roster", ROSTER)
    office.schema("duty", DUTY)
    office.workbook({"人员名册": [ROSTER_HEAD, ["张三", "东镇党政办", "在岗", "是"]],
                     "值班表": [["日期", "值班人员", "带班领导"],
                             ["2026-11-01", "张三", "张三"],
                             ["2026-11-02", "刘西", "张三"]]}, "东镇.xlsx")    # 刘西 is of the other town
    office.workbook({"人员名册": [ROSTER_HEAD, ["刘西", "西镇党政办", "在岗", "是"]],
                     "值班表": [["日期", "值班人员", "带班领导"], ["2026-11-01", "刘西", "刘西"]]}, "西镇.xlsx")
    office.write_config(workbooks=TWO_TOWNS)
    found = office.findings()
    assert [(f["workbook"], f["cell"], f["code"]) for f in found] == [("东镇", "B3", "unknown_reference")]


def test_a_register_held_only_by_another_workbook_is_found_office_wide(office):
    office.schema("roster", ROSTER)
    office.schema("duty", DUTY)
    office.workbook({"人员名册": [ROSTER_HEAD, ["张三", "党政办", "在岗", "是"]]}, "东镇.xlsx")
    office.workbook({"人员名册": [ROSTER_HEAD, ["刘西", "党政办", "在岗", "是"]]}, "西镇.xlsx")
    office.workbook({"值班表": [["日期", "值班人员", "带班领导"],
                             ["2026-11-01", "张三", "刘西"],
                             ["2026-11-02", "孙七", "张三"]]}, "值班.xlsx")
    office.write_config(workbooks=TWO_TOWNS + '\n[[workbooks]]\nname = "值班"\nsource = "data/值班.xlsx"\n')
    found = office.findings()
    assert [(f["workbook"], f["cell"], f["code"]) for f in found] == [("值班", "B3", "unknown_reference")]


# --- complete --------------------------------------------------------------------------------------

QUOTAS = """
register: quotas
title: 编制情况
fields:
  - { name: 单位, unique: true }
  - { name: 党政编制, type: integer, minimum: 0 }
rules:
  - { kind: complete, field: 单位, register: roster, of: 单位 }
"""


def test_complete_reports_each_unit_of_the_roster_without_a_row(office):
    roster = ROSTER_ROWS + [["周九", "（综治中心）", "在岗", "否"], ["吴十", "农业站", "离职", "否"]]
    office_with(office, {"roster": ROSTER, "quotas": QUOTAS}, {
        "人员名册": [ROSTER_HEAD, *roster],
        "编制情况": [["单位", "党政编制"], ["党政办", 5], ["(综治中心)", 2], ["农业站", 1]],
    })
    found = office.findings()
    assert brief(found) == [("-", "missing_row", "error")]
    [f] = found
    assert (f["row"], f["column"], f["value"]) == (None, "单位", "财政所")
    assert f["message"] == "人员名册中的单位“财政所”在编制情况中没有一行"


def test_complete_with_where_counts_only_those_rows(office):
    quotas = QUOTAS.replace("of: 单位 }", "of: 单位, where: { 状态: 在岗 } }")
    office_with(office, {"roster": ROSTER, "quotas": quotas}, {
        "人员名册": [ROSTER_HEAD, ["王五", "财政所", "抽调", "否"], ["张三", "党政办", "在岗", "是"]],
        "编制情况": [["单位", "党政编制"], ["党政办", 5]],
    })
    assert office.findings() == []


# --- latest_agrees ---------------------------------------------------------------------------------

LATEST = """
rules:
  - kind: latest_agrees
    field: 状态
    register: changes
    match: { 姓名: 姓名 }
    order_by: 日期
    from: 变动类型
    map: { 调入: 在岗, 返岗: 在岗, 临聘入职: 在岗, 抽调: 抽调, 调出: 调出, 离职: 离职 }
"""
ROSTER_LATEST = ROSTER.replace("rules:\n  - { kind: unique_together, fields: [姓名, 单位] }\n", LATEST.lstrip("\n"))


def test_latest_agrees(office):
    office_with(office, {"roster": ROSTER_LATEST, "changes": CHANGES}, {
        "人员名册": [ROSTER_HEAD,
                 ["张三", "党政办", "在岗", "是"],    # 抽调 then 返岗: 在岗, fine
                 ["李四", "党政办", "在岗", "否"],    # latest is 抽调: disagrees
                 ["王五", "财政所", "在岗", "否"],    # no change rows at all: no finding
                 ["赵六", "财政所", "抽调", "否"],    # two changes on the same day: the lower row counts
                 ["孙七", "财政所", "病休", "否"]],   # latest 调入 says 在岗: disagrees
        "人员变动": [["日期", "姓名", "变动类型"],
                 ["2026-11-05", "张三", "返岗"],
                 ["2026-09-01", "张三", "抽调"],
                 ["2026-10-08", "李四", "抽调"],
                 ["2026-03-01", "李四", "调入"],
                 ["2026-10-10", "赵六", "返岗"],
                 ["2026-10-10", "赵六", "抽调"],
                 ["2026-01-02", "孙七", "调入"]],
    })
    found = only(office.findings(), "disagrees_with_latest")
    assert [(f["cell"], f["value"]) for f in found] == [("C3", "在岗"), ("C6", "病休")]
    assert found[0]["message"] == "状态“在岗”与人员变动最近一条不符：2026-10-08 抽调（第4行），应为“抽调”"


def test_latest_agrees_tie_on_the_same_date_goes_to_the_lower_row(office):
    office_with(office, {"roster": ROSTER_LATEST, "changes": CHANGES}, {
        "人员名册": [ROSTER_HEAD, ["赵六", "财政所", "在岗", "否"]],
        "人员变动": [["日期", "姓名", "变动类型"],
                 ["2026-10-10", "赵六", "返岗"],
                 ["2026-10-10", "赵六", "抽调"]],
    })
    [f] = only(office.findings(), "disagrees_with_latest")
    assert "2026-10-10 抽调（第3行）" in f["message"]


def test_latest_value_outside_the_map_gives_no_finding(office):
    roster = ROSTER_LATEST.replace("抽调: 抽调, ", "")
    office_with(office, {"roster": roster, "changes": CHANGES}, {
        "人员名册": [ROSTER_HEAD, ["李四", "党政办", "在岗", "否"]],
        "人员变动": [["日期", "姓名", "变动类型"], ["2026-10-08", "李四", "抽调"]],
    })
    assert only(office.findings(), "disagrees_with_latest") == []


def test_latest_agrees_with_changes_kept_in_another_workbook_names_it(office):
    office.schema("roster", ROSTER_LATEST)
    office.schema("changes", CHANGES)
    office.workbook({"人员名册": [ROSTER_HEAD, ["李四", "党政办", "在岗", "否"]]}, "东镇.xlsx")
    office.workbook({"人员名册": [ROSTER_HEAD, ["李四", "党政办", "抽调", "否"]]}, "西镇.xlsx")
    office.workbook({"人员变动": [["日期", "姓名", "变动类型"], ["2026-10-08", "李四", "抽调"]]}, "变动.xlsx")
    office.write_config(workbooks=TWO_TOWNS + '\n[[workbooks]]\nname = "变动"\nsource = "data/变动.xlsx"\n')
    [f] = office.findings()
    assert (f["workbook"], f["cell"], f["code"]) == ("东镇", "C2", "disagrees_with_latest")
    assert f["message"] == "状态“在岗”与人员变动最近一条不符：2026-10-08 抽调（变动第2行），应为“抽调”"


# --- staffed ---------------------------------------------------------------------------------------

BACKUPS = """
register: backups
title: 岗位AB角
fields:
  - { name: 岗位 }
  - { name: A角 }
  - { name: B角 }
rules:
  - { kind: staffed, fields: [A角, B角], register: roster, field: 姓名, where: { 状态: 在岗 } }
"""
BACKUP_ROWS = [
    ["岗位", "A角", "B角"],
    ["文秘", "张三", "李四"],     # both 在岗
    ["财务", "王五", "赵六"],     # 王五 is 抽调: only one
    ["档案", "王五", "孙七"],     # 王五 抽调, 孙七 unknown: neither
    ["机要", "张三", None],       # B empty: only one
]


def test_staffed_counts_the_names_on_post(office):
    office_with(office, {"roster": ROSTER, "backups": BACKUPS}, {
        "人员名册": [ROSTER_HEAD, *ROSTER_ROWS], "岗位AB角": BACKUP_ROWS})
    found = office.findings()
    assert brief(found) == [("B3", "partly_staffed", "warning"), ("B4", "unstaffed", "error"),
                            ("C5", "partly_staffed", "warning")]
    [b4] = only(found, "unstaffed")
    assert b4["message"] == "A角、B角都不在人员名册中状态为在岗的“姓名”之列"
    b3 = next(f for f in found if f["cell"] == "B3")
    assert b3["message"] == "A角、B角中只有1个在人员名册中状态为在岗的“姓名”之列"


def test_staffed_partial_option(office):
    office_with(office, {"roster": ROSTER, "backups": BACKUPS.replace("在岗 } }", "在岗 }, partial: off }")}, {
        "人员名册": [ROSTER_HEAD, *ROSTER_ROWS], "岗位AB角": BACKUP_ROWS})
    assert brief(office.findings()) == [("B4", "unstaffed", "error")]
    office.schema("backups", BACKUPS.replace("在岗 } }", "在岗 }, partial: error, severity: warning }"))
    assert brief(office.findings()) == [("B3", "partly_staffed", "error"), ("B4", "unstaffed", "warning"),
                                        ("C5", "partly_staffed", "error")]


def test_one_register_checked_still_reads_the_register_a_rule_names(office):
    office_with(office, {"roster": ROSTER, "backups": BACKUPS}, {
        "人员名册": [ROSTER_HEAD, *ROSTER_ROWS], "岗位AB角": BACKUP_ROWS})
    found = office.findings("--register", "backups")
    assert {f["code"] for f in found} == {"unstaffed", "partly_staffed"}


def test_nearest_scope_for_rules(office):
    office.schema("roster", ROSTER)
    office.schema("backups", BACKUPS)
    office.workbook({"人员名册": [ROSTER_HEAD, ["张三", "党政办", "在岗", "是"], ["李四", "党政办", "在岗", "否"]],
                     "岗位AB角": [["岗位", "A角", "B角"], ["文秘", "张三", "刘西"]]}, "东镇.xlsx")
    office.workbook({"人员名册": [ROSTER_HEAD, ["刘西", "党政办", "在岗", "是"]],
                     "岗位AB角": [["岗位", "A角", "B角"], ["文秘", "刘西", "刘西"]]}, "西镇.xlsx")
    office.write_config(workbooks=TWO_TOWNS)
    found = office.findings()
    assert [(f["workbook"], f["cell"], f["code"]) for f in found] == [("东镇", "C2", "partly_staffed")]


# --- schema lint -----------------------------------------------------------------------------------

def lint(office):
    return run_cli("schema", "lint", *sorted((office.root / "sheets_schema").glob("*.yaml")))


def test_lint_names_a_where_field_the_other_register_lacks(office):
    office.schema("roster", ROSTER)
    office.schema("duty", DUTY.replace("where: { 状态: 在岗 }", "where: { 在岗状态: 在岗 }"))
    res = lint(office)
    assert res.code == 2
    assert "duty.yaml:6 [duty] fields[1].references.where:" in res.err
    assert "没有名为“在岗状态”的字段" in res.err and "是不是“状态”" in res.err


def test_lint_names_a_when_field_this_register_lacks(office):
    office.schema("roster", ROSTER)
    office.schema("changes", CHANGES.replace("when: { 变动类型", "when: { 变动种类"))
    res = lint(office)
    assert res.code == 2
    assert "[changes] fields[1].references.when:" in res.err and "没有名为“变动种类”的字段" in res.err


def test_lint_reference_with_an_unknown_key(office):
    office.schema("roster", ROSTER)
    office.schema("duty", DUTY.replace("where:", "wehre:"))
    res = lint(office)
    assert res.code == 2 and "[duty] fields[1].references" in res.err and "where" in res.err


def test_lint_rule_naming_another_register(office):
    office.schema("roster", ROSTER_LATEST.replace("match: { 姓名: 姓名 }", "match: { 姓名: 名字 }"))
    office.schema("changes", CHANGES)
    office.schema("quotas", QUOTAS.replace("register: roster, of", "register: rostr, of"))
    office.schema("backups", BACKUPS.replace("where: { 状态: 在岗 }", "where: { 状况: 在岗 }"))
    res = lint(office)
    assert res.code == 2
    assert "[roster] rules[0].match:" in res.err and "没有名为“名字”的字段" in res.err
    assert "[quotas] rules[0].register:" in res.err and "是不是“roster”" in res.err
    assert "[backups] rules[0].where:" in res.err and "没有名为“状况”的字段" in res.err


def test_lint_names_map_entries_outside_the_enums(office):
    office.schema("roster", ROSTER_LATEST.replace("离职: 离职", "离职: 离取"))
    office.schema("changes", CHANGES)
    res = lint(office)
    assert res.code == 2
    assert "[roster] rules[0].map: “离取”不是“状态”的可选值（在岗、抽调、借出、病休、调出、离职）" in res.err
    office.schema("roster", ROSTER_LATEST.replace("抽调: 抽调", "抽掉: 抽调"))
    res = lint(office)
    assert res.code == 2
    assert "[roster] rules[0].map: “抽掉”不是人员变动“变动类型”的可选值" in res.err


def test_lint_accepts_the_cross_register_rules_written_well(office):
    office.schema("roster", ROSTER_LATEST)
    office.schema("changes", CHANGES)
    office.schema("quotas", QUOTAS)
    office.schema("backups", BACKUPS.replace("在岗 } }", "在岗 }, partial: error }"))
    office.schema("duty", DUTY)
    res = lint(office)
    assert res.code == 0, res.err
