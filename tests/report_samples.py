"""Reports built by hand for the renderers' tests: what the report computations would hand them, in
Chinese or English, with the awkward cases a real office produces (long unit names, missing
figures, a flagged row, a totals row, long bulletin text, text that looks like a formula)."""

from __future__ import annotations

import datetime as dt

from assistant.reports.model import Chart, Column, Report, Section, Table
from assistant.reports.period import containing

TODAY = dt.date(2026, 11, 20)

UNITS_ZH = ["凤凰镇党政综合办公室（党建工作办公室）", "凤凰镇经济发展和财政办公室", "凤凰镇社会事务办公室",
            "凤凰镇综合行政执法大队", "凤凰镇退役军人服务站", "凤凰镇农业农村综合服务中心",
            "凤凰镇党群服务中心（新时代文明实践所）", "凤凰镇应急管理办公室", "凤凰镇自然资源和规划所",
            "凤凰镇便民服务中心", "凤凰镇平安建设办公室（综治中心）", "凤凰镇财政所"]
UNITS_EN = ["Party and Government Office (Party Building Office)", "Economic Development and Finance Office",
            "Social Affairs Office", "Comprehensive Administrative Law Enforcement Brigade",
            "Veterans Service Station", "Agriculture and Rural Services Centre",
            "Party and Public Service Centre (Civilisation Practice Station)", "Emergency Management Office",
            "Natural Resources and Planning Office", "Citizen Service Centre",
            "Public Security Office (Comprehensive Governance Centre)", "Finance Office"]
QUOTA = [12, 10, 8, 25, 3, 15, 6, 5, 7, 9, 4, 1234]
PAYROLL = [11, 7, 8, 17, 3, 12, 5, 4, 7, 6, 4, 1200]
DELTA = [1, -3, 0, -2, None, 2, 0, -1, 0, 1, 0, -34]
YEARS = [4.25, 2.0, 6.5, 1.75, None, 3.0, 8.0, 2.5, 5.0, 1.0, 3.5, 9.0]
CHANGED = ["2026-10-09", "2026-11-02", None, "2026-09-30", "2026-06-01", "2026-11-16", "2025-12-31",
           "2026-03-03", "2026-07-15", "2026-11-19", "2026-01-05", "2026-04-20"]
FLAGGED = 3  # 综合行政执法大队: 32.0% vacancy, over the threshold

BULLETIN_TEXT_ZH = ("按照区委区政府关于开展安全生产大排查大整治专项行动的部署要求，全面排查辖区内九小场所、"
                    "危化品经营单位、建筑工地和自建房的安全隐患，建立问题清单和整改台账，逐项明确整改责任人和"
                    "完成时限，确保十二月底前全部整改到位并形成书面报告报区安委办。")
BULLETIN_TEXT_EN = ("Following the district's directive on the special campaign of safety inspection and "
                    "rectification, inspect every small venue, hazardous-chemicals dealer, building site and "
                    "self-built house in the township, keep a list of problems and a rectification ledger with an "
                    "owner and a deadline for each, and report in writing to the district safety committee.")


def vacancy(i: int) -> float:
    return (QUOTA[i] - PAYROLL[i]) / QUOTA[i]


def sample_report(lang: str = "zh") -> Report:
    """A staffing-like table (12 units), a bulletin-like table (long text), a trend, a bar chart and
    a line chart, two sections and two notices; every text in `lang`."""
    en = lang == "en"
    units = UNITS_EN if en else UNITS_ZH
    staffing = Table(
        key="units", title="Staffing by unit" if en else "各单位编制与在岗情况",
        columns=[Column("unit", "Unit" if en else "单位"), Column("quota", "Headcount quota" if en else "编制数", "int"),
                 Column("payroll", "On payroll" if en else "在编人数", "int"),
                 Column("rate", "Vacancy rate" if en else "缺编率", "rate"),
                 Column("delta", "Change" if en else "较上期", "delta"),
                 Column("years", "Average years in post" if en else "平均任职年限", "number"),
                 Column("changed", "Last change" if en else "最近变动", "date")],
        rows=[{"unit": units[i], "quota": QUOTA[i], "payroll": PAYROLL[i], "rate": vacancy(i), "delta": DELTA[i],
               "years": YEARS[i], "changed": CHANGED[i], "over": i == FLAGGED} for i in range(12)],
        total={"unit": "Total" if en else "合计", "quota": sum(QUOTA), "payroll": sum(PAYROLL),
               "rate": (sum(QUOTA) - sum(PAYROLL)) / sum(QUOTA), "delta": -38, "years": None, "changed": None},
        note=("Vacancy rate = (quota − on payroll) / quota; over 30% is highlighted." if en
              else "缺编率 =（编制数 − 在编人数）/ 编制数；超过30%的单位标红。"),
        flag="over")
    bulletin = Table(
        key="overdue", title="Overdue tasks" if en else "逾期事项",
        columns=[Column("key", "No." if en else "编号"), Column("content", "Task" if en else "事项内容"),
                 Column("unit", "Unit" if en else "责任单位"), Column("due", "Due" if en else "完成时限", "date"),
                 Column("days", "Working days overdue" if en else "逾期工作日", "int")],
        rows=[{"key": "DB-2026-001", "content": BULLETIN_TEXT_EN if en else BULLETIN_TEXT_ZH, "unit": units[3],
               "due": "2026-11-12", "days": 6},
              {"key": "DB-2026-007", "content": "=1+1", "unit": units[0], "due": "2026-11-18", "days": 2}],
        note="")
    weeks = [f"2026-W{w}" for w in range(40, 48)]
    trend = Table(
        key="trend", title="Overdue and due soon by week" if en else "逾期与临期事项周走势",
        columns=[Column("week", "Week" if en else "周"), Column("overdue", "Overdue" if en else "逾期", "int"),
                 Column("soon", "Due soon" if en else "临期", "int")],
        rows=[{"week": w, "overdue": o, "soon": s} for w, o, s in zip(weeks, [3, 5, 4, 8, 7, 9, 6, 2],
                                                                          [2, 2, 6, 3, 1, 4, 5, 3])])
    sections = [
        Section("Overview" if en else "总体情况",
                ["Twelve units, 1,338 posts, 1,284 on the payroll." if en
                 else "全镇12个单位，编制1338名，在编1284名，总体缺编率4.0%。",
                 ("One unit is more than 30% short of its quota and has been for three periods; its tasks "
                  "fall behind first." if en else
                  "综合行政执法大队缺编率超过30%，已连续三期未改善，所承担的督办事项逾期最多，需要优先补充人员。")]),
        Section("Next steps" if en else "下步要求", [BULLETIN_TEXT_EN if en else BULLETIN_TEXT_ZH]),
    ]
    charts = [
        Chart("vacancy", "Vacancy rate by unit" if en else "各单位缺编率", "bar", "units", "unit", ["rate"]),
        Chart("trend", "Overdue trend" if en else "逾期事项走势", "line", "trend", "week", ["overdue", "soon"]),
    ]
    return Report(
        name="staffing", title="Staffing report, week 47 of 2026" if en else "2026年第47周人员编制通报",
        office="Fenghuang Township Office" if en else "凤凰镇党政办", period=containing("week", TODAY), today=TODAY,
        blocks=[sections[0], staffing, charts[0], bulletin, trend, charts[1], sections[1]],
        data={},
        notices=["Workbook 白云镇 could not be read; its units are missing." if en
                 else "白云镇的工作簿无法读取，其单位未计入。",
                 "No history before week 40." if en else "第40周以前没有历史记录。"])
