"""The staffing report (编制与缺编) on known data: a small office whose figures were worked out by
hand, and a district of 12 townships made to match the district survey (86 posts, 62 party-gov.
and 24 worker; 58 on payroll, 6 of them workers; 9 temporary, 7 of them in worker posts; vacancy
rates from 14% to 56%, two townships fully staffed, seven short by two or more, the worst by five;
22 seconded away; 92 moves in and 79 out within two years). The report is run as a person runs it,
`assistant report staffing --format json`, on real xlsx files with the office pack's schemas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assistant.resources import defaults
from tests.conftest import run_cli, write_xlsx

ROSTER_HEAD = ["姓名", "单位", "科室", "编制类型", "用工性质", "状态", "到岗日期", "是否领导", "手机", "邮箱"]
QUOTA_HEAD = ["单位", "党政编制", "工勤编制"]
CHANGE_HEAD = ["日期", "姓名", "单位", "变动类型", "去向或来源", "审批文号"]
BACKUP_HEAD = ["岗位", "A角", "B角"]
TODAY = "2026-11-20"


def office_folder(root: Path, townships: dict[str, dict[str, list[list]]]) -> Path:
    """An office with the pack's schemas and one workbook per township; returns the config."""
    (root / "sheets_schema").mkdir(parents=True)
    for schema in defaults("sheets_schema").glob("*.yaml"):
        shutil.copy(schema, root / "sheets_schema" / schema.name)
    books = ""
    for name, sheets in townships.items():
        write_xlsx(root / "data" / f"{name}.xlsx", sheets)
        books += f'[[workbooks]]\nname = "{name}"\nsource = "data/{name}.xlsx"\n\n'
    config = root / "assistant.toml"
    config.write_text(f'[office]\nname = "区委编办"\n\n{books}', encoding="utf-8")
    return config


def person(name: str, unit: str, kind: str, nature: str, state: str, since: str = "2020-03-01",
           section: str = "党政办") -> list:
    return [name, unit, section, kind, nature, state, since, "否", "13800000000", None]


def report_json(config: Path, *args: str) -> dict:
    res = run_cli("report", "staffing", "--config", config, "--today", TODAY, "--format", "json", *args)
    assert res.code == 0, res.err
    return json.loads(res.out)


# --- a small office, by hand ---------------------------------------------------------------------

SMALL = {
    "编制情况": [QUOTA_HEAD, ["党政办", 5, 2], ["综治中心", 3, 0]],
    "人员名册": [ROSTER_HEAD,
             person("甲一", "党政办", "党政", "在编", "在岗", "2016-11-20"),  # 10 years in post
             person("甲二", "党政办", "党政", "在编", "抽调", "2024-11-20"),  # on payroll, away; 2 years
             person("甲三", "党政办", "工勤", "在编", "借出", "2022-11-20"),  # worker, away; 4 years
             person("甲四", "党政办", "党政", "在编", "病休", "2020-11-20"),  # on payroll, at home ill; 6
             person("甲五", "党政办", "党政", "在编", "调出"),  # gone: not counted
             person("甲六", "党政办", "党政", "在编", "离职"),  # gone
             person("甲七", "党政办", "无", "临聘", "在岗", section="司机班"),  # temporary, worker post
             person("甲八", "党政办", "无", "临聘", "离职", section="司机班"),  # gone
             person("甲九", "党政办", "无", "借调", "在岗"),  # borrowed in: neither
             person("乙一", "综治中心", "党政", "在编", "在岗", "2025-05-20"),  # 1.5 years
             person("乙二", "综治中心", "无", "临聘", "在岗", section="综治中心")],
    "人员变动": [CHANGE_HEAD,
             ["2026-11-03", "甲二", "党政办", "抽调", "区信访局", None],  # no approval number
             ["2026-11-05", "甲五", "党政办", "调出", "区农业局", "区组〔2026〕8号"],
             ["2026-11-06", "甲七", "党政办", "临聘入职", "社会招聘", None],
             ["2026-11-09", "乙一", "综治中心", "调入", "某镇", "区组〔2026〕9号"],
             ["2026-10-30", "甲六", "党政办", "离职", None, None]],  # October: outside the month
    "岗位AB角": [BACKUP_HEAD, ["文书", "甲二", "甲三"], ["机要", "甲一", "甲二"], ["综治", "乙一", "甲五"]],
}


def test_a_small_office_by_hand(tmp_path):
    config = office_folder(tmp_path / "office", {"凤凰镇": SMALL})
    data = report_json(config, "--period", "2026-11")
    units = {u["unit"]: u for u in data["units"]}
    assert list(units) == ["党政办", "综治中心"]
    office = units["党政办"]
    assert {k: office[k] for k in ("quota", "quota_party", "quota_worker", "on_payroll", "on_payroll_party",
                                   "on_payroll_worker", "away", "temporary", "temporary_worker", "vacant",
                                   "moves_in", "moves_out", "seconded")} == {
        "quota": 7, "quota_party": 5, "quota_worker": 2, "on_payroll": 4, "on_payroll_party": 3,
        "on_payroll_worker": 1, "away": 2, "temporary": 1, "temporary_worker": 1, "vacant": 3,
        "moves_in": 1, "moves_out": 1, "seconded": 1}
    assert office["vacancy_rate"] == 3 / 7
    assert office["avg_years"] == 5.5  # (10 + 2 + 4 + 6) / 4
    centre = units["综治中心"]
    assert (centre["quota"], centre["on_payroll"], centre["temporary"], centre["vacant"]) == (3, 1, 1, 2)
    assert (centre["temporary_worker"], centre["moves_in"], centre["avg_years"]) == (0, 1, 1.5)
    total = data["total"]
    assert (total["quota"], total["on_payroll"], total["vacant"], total["vacancy_rate"]) == (10, 5, 5, 0.5)
    assert total["avg_years"] == 4.7  # (10 + 2 + 4 + 6 + 1.5) / 5, one decimal
    assert [u["over_threshold"] for u in data["units"]] == [True, True]  # 42.9% and 66.7% > 30%
    assert data["unapproved"] == [{"date": "2026-11-03", "name": "甲二", "unit": "党政办", "where": "区信访局"}]
    # 文书: 甲二 抽调, 甲三 借出 — no one at work; 综治: 甲五 has left, 乙一 at work
    assert data["uncovered"] == [{"post": "文书", "a": "甲二", "a_state": "抽调", "b": "甲三", "b_state": "借出"}]


def test_the_threshold_and_worker_sections_come_from_the_config(tmp_path):
    config = office_folder(tmp_path / "office", {"凤凰镇": SMALL})
    config.write_text(config.read_text(encoding="utf-8")
                      + '[reports.staffing]\nvacancy_threshold = 0.5\nworker_sections = ["综治中心"]\n', encoding="utf-8")
    data = report_json(config, "--period", "2026-11")
    assert [u["over_threshold"] for u in data["units"]] == [False, True]  # 42.9% ≤ 50% < 66.7%
    assert [u["temporary_worker"] for u in data["units"]] == [0, 1]


def test_a_bad_threshold_is_a_config_error(tmp_path):
    config = office_folder(tmp_path / "office", {"凤凰镇": SMALL})
    config.write_text(config.read_text(encoding="utf-8") + "[reports.staffing]\nvacancy_threshold = 30\n",
                      encoding="utf-8")
    res = run_cli("report", "staffing", "--config", config, "--today", TODAY)
    assert res.code == 2 and "reports.staffing.vacancy_threshold" in res.err and "0 到 1" in res.err


# --- the district of the survey ---------------------------------------------------------------------

TOWNS = ["凤凰镇", "石桥镇", "青龙镇", "白鹤镇", "新华镇", "柳湾镇", "金鸡镇", "龙泉镇", "桃源镇", "清河镇",
         "永安镇", "太平镇"]
QUOTA = [5, 4, 7, 7, 6, 7, 6, 7, 8, 9, 10, 10]  # 86 posts, 2 worker posts in each township
VACANT = [0, 0, 1, 1, 1, 2, 2, 3, 3, 5, 5, 5]  # 28 vacant: 58 on payroll
AWAY = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1]  # 22 seconded or lent
MOVES_IN = [8, 8, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7]  # 92 within two years
MOVES_OUT = [7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6]  # 79


def township(i: int) -> dict[str, list[list]]:
    unit = "党政办"
    roster = [ROSTER_HEAD]
    payroll = QUOTA[i] - VACANT[i]
    for k in range(payroll):
        worker = i < 6 and k == 0  # six workers on payroll, one in each of the first six townships
        state = "抽调" if k < AWAY[i] and k % 2 == 0 else ("借出" if k < AWAY[i] else ("病休" if k == payroll - 1 else "在岗"))
        roster.append(person(f"{TOWNS[i][0]}{k}号", unit, "工勤" if worker else "党政", "在编", state))
    if i < 9:  # nine temporary staff, seven of them in worker posts
        roster.append(person(f"{TOWNS[i][0]}临聘", unit, "无", "临聘", "在岗", section="司机班" if i < 7 else "党政办"))
    roster += [person(f"{TOWNS[i][0]}调走", unit, "党政", "在编", "调出"), person(f"{TOWNS[i][0]}辞职", unit, "党政", "在编", "离职"),
               person(f"{TOWNS[i][0]}借调", unit, "无", "借调", "在岗")]
    changes = [CHANGE_HEAD]
    for k in range(MOVES_IN[i]):
        changes.append([f"2025-{k % 12 + 1:02d}-10", f"新人{k}", unit, "调入" if k % 3 else "临聘入职", "某局", f"区组〔2025〕{k}号"])
    for k in range(MOVES_OUT[i]):
        changes.append([f"2026-{k % 10 + 1:02d}-15", f"走人{k}", unit, "调出" if k % 2 else "离职", "某局", f"区组〔2026〕{k}号"])
    changes += [["2024-12-31", "早年", unit, "调入", "某局", "区组〔2024〕1号"],  # before the two years
                ["2026-03-02", f"{TOWNS[i][0]}0号", unit, "抽调", "区巡察办", "区委〔2026〕3号"],
                ["2026-06-01", f"{TOWNS[i][0]}1号", unit, "返岗", None, None]]
    return {"编制情况": [QUOTA_HEAD, [unit, QUOTA[i] - 2, 2]], "人员名册": roster, "人员变动": changes,
            "岗位AB角": [BACKUP_HEAD, ["文书", f"{TOWNS[i][0]}0号", f"{TOWNS[i][0]}1号"]]}


def test_the_district_of_the_survey(tmp_path):
    config = office_folder(tmp_path / "district", {t: township(i) for i, t in enumerate(TOWNS)})
    data = report_json(config, "--period", "2025-01..2026-12")
    total = data["total"]
    assert {k: total[k] for k in ("quota", "quota_party", "quota_worker", "on_payroll", "on_payroll_worker",
                                  "temporary", "temporary_worker", "away", "vacant", "moves_in", "moves_out")} == {
        "quota": 86, "quota_party": 62, "quota_worker": 24, "on_payroll": 58, "on_payroll_worker": 6,
        "temporary": 9, "temporary_worker": 7, "away": 22, "vacant": 28, "moves_in": 92, "moves_out": 79}
    towns = data["townships"]
    assert sorted(t["township"] for t in towns) == sorted(TOWNS) and "units" not in data
    rates = [t["vacancy_rate"] for t in towns]
    assert round(min(r for r in rates if r), 2) == 0.14 and round(max(rates), 2) == 0.56
    assert sum(t["vacant"] == 0 for t in towns) == 2
    assert sum(t["vacant"] >= 2 for t in towns) == 7 and max(t["vacant"] for t in towns) == 5
    # ranked, the worst first: 清河镇 5 of 9 posts vacant
    assert towns[0]["township"] == "清河镇" and towns[0]["rank"] == 1
    assert [t["rank"] for t in towns] == sorted(t["rank"] for t in towns)
    assert set(data["parts"]) == set(TOWNS)
    assert data["parts"]["清河镇"]["units"][0]["vacant"] == 5


def test_an_unreadable_township_is_listed_and_the_others_counted(tmp_path):
    config = office_folder(tmp_path / "district", {t: township(i) for i, t in enumerate(TOWNS[:3])})
    (config.parent / "data" / f"{TOWNS[1]}.xlsx").write_bytes(b"not a workbook")
    res = run_cli("report", "staffing", "--config", config, "--today", TODAY, "--format", "json")
    assert res.code == 2  # a source problem, and the report is still printed
    data = json.loads(res.out)
    assert data["unreadable"] == [TOWNS[1]]
    assert sorted(t["township"] for t in data["townships"]) == sorted([TOWNS[0], TOWNS[2]])
    assert data["total"]["quota"] == QUOTA[0] + QUOTA[2]
    assert f"{TOWNS[1]}.xlsx" in res.err
