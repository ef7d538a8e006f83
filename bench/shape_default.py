"""The default shape: today's task register (the 12 columns of tasks.yaml), exactly as
check_large.py generated it before shapes existed, so old figures stay comparable.

Sheet 督查督办台账 (a title in row 1, the 12 headers of tasks.yaml in row 2, dates as real date
cells) and sheet 人员名册 (50 people whose 姓名 every 责任人 and 分管领导 uses). About --bad-rate of
the task cells are bad, at most one fault per row:
  bad_deadline   完成时限 text that is no date ('2026.13.45', '下周五', '2026-02-30', '年底前')
  bad_progress   进度(%) text that is no number ('五十', '过半', '待定')
  bad_status     办理状态 outside the enum ('已完成', '进行中', '完成'); on a row that has a 办结日期
                 this also breaks "办结日期 only when 已办结" (empty_unless), in both tools
  missing        one required cell left blank (on 办理状态 with a 办结日期: also empty_unless)
  duplicate_key  编号 copied from an earlier clean row
  bad_key        编号 not matching ^DB-\\d{4}-\\d{3,5}$ ('DB2026-00012', 'DB-26-00012', ...)
  progress_high  进度(%) a number above 100
  deadline_early 完成时限 before 交办日期 (rule compare 完成时限 >= 交办日期)

Schema: the default tasks.yaml has checks frictionless cannot express the same way (`references`
to the roster, `sequence` numbering; both are warnings), so the benchmark runs BENCH_SCHEMA: every
field check of the default schema and every error-level rule of it.
"""

from __future__ import annotations

import collections
import datetime as dt
import random
from pathlib import Path

from shapes import (
    BAD_DATES,
    BAD_STATUSES,
    DONE_CONSTRAINTS,
    DONE_RULES_YAML,
    GIVEN,
    STATUSES,
    SURNAMES,
    UNITS,
    Generated,
    Shape,
    compare_constraint,
    compare_today,
    excel_serial,
)

TODAY = dt.date(2026, 11, 20)
SHEET = "督查督办台账"
ROSTER_SHEET = "人员名册"
HEADERS = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限",
           "进度(%)", "办理状态", "办结日期", "备注"]
REQUIRED = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限", "办理状态"]
SOURCES = ["上级交办", "党委会议定", "政府常务会议定", "领导批示", "群众诉求"]
TOPICS = ["秸秆禁烧宣传及巡查", "村级活动阵地改造提升", "道路破损修复", "安全生产大检查", "噪音投诉处理",
          "森林防火物资储备", "人口普查数据复核", "食品安全自查", "防汛应急预案修订", "政务公开栏内容更新",
          "退役军人信息采集", "基层党组织换届准备", "自来水管网维修", "信息报送", "重点项目征地协调"]
PLACES = ["凤凰村", "石桥村", "青龙村", "白鹤村", "场镇社区", "新华村", "柳湾村", "金鸡村"]
BAD_PROGRESS = ["五十", "过半", "待定"]
FAULTS = ["bad_deadline", "bad_progress", "bad_status", "missing", "duplicate_key", "bad_key",
          "progress_high", "deadline_early"]

# The schema both tools run (see the docstring). Every check here has an exact frictionless twin.
BENCH_SCHEMA = """\
# Benchmark schema (bench/check_large.py): the default tasks.yaml without `references` and
# `sequence` (warnings that frictionless cannot express the same way); everything else as there.
register: tasks
title: 督查督办台账
sheet: 督查督办台账
header_row: 2
key: 编号
fields:
  - name: 编号
    type: string
    description: 督办事项编号，如 DB-2026-001
    required: true
    unique: true
    pattern: '^DB-\\d{4}-\\d{3,5}$'
  - name: 事项来源
    type: string
    required: true
    enum: [上级交办, 党委会议定, 政府常务会议定, 领导批示, 群众诉求]
  - name: 事项内容
    type: string
    required: true
    max_length: 500
  - name: 责任单位
    type: string
    required: true
  - name: 责任人
    type: string
    required: true
  - name: 分管领导
    type: string
    required: true
  - name: 交办日期
    type: date
    required: true
  - name: 完成时限
    type: date
    required: true
  - name: 进度(%)
    type: percent
    minimum: 0
    maximum: 100
  - name: 办理状态
    type: string
    required: true
    enum: [未启动, 推进中, 已办结]
  - name: 办结日期
    type: date
  - name: 备注
    type: string
rules:
  - { kind: compare, left: 完成时限, op: ">=", right: 交办日期 }
  - { kind: compare, left: 办结日期, op: ">=", right: 交办日期 }
  - { kind: compare, left: 办结日期, op: "<=", value: today }
""" + DONE_RULES_YAML

# The same rules for frictionless: (formula, column our finding names, check) per rule above.
ROW_CONSTRAINTS = [
    compare_constraint("完成时限", ">=", "交办日期"),
    compare_constraint("办结日期", ">=", "交办日期"),
    compare_today("办结日期", "<="),
    *DONE_CONSTRAINTS,
]

# What `flag` needs on top of a check schema (the default tasks.yaml's own sections); every shape
# with 交办日期, 完成时限, 办理状态 and 办结日期 uses it.
FLAG_EXTRA = """\
deadline:
  due: 完成时限
  start: 交办日期
  done_when: { 办理状态: 已办结 }
  done_date: 办结日期
  warn_within: 3
  escalate_after: 2
outputs:
  status: 预警状态
  days: 剩余工作日
  findings: 校验提示
"""


def roster_people(rng: random.Random, n: int = 50) -> list[dict]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in names:
            names.append(name)
    people = []
    for i, name in enumerate(names):
        leader = i < 6
        kind = "在编" if leader else rng.choice(["在编", "在编", "临聘", "借调"])
        people.append({"姓名": name, "单位": "凤凰镇", "科室": "党政领导" if leader else rng.choice(UNITS),
                       "编制类型": "党政" if kind == "在编" else "无",
                       "用工性质": kind,
                       "状态": "在岗", "到岗日期": "2020-01-02", "是否领导": "是" if leader else "否",
                       "手机": f"139{81300000 + i:08d}", "邮箱": f"user{i:03d}@example.gov.cn"})
    return people


def write_roster(wb: object, people: list[dict], head_fmt: object) -> None:
    rs = wb.add_worksheet(ROSTER_SHEET)  # type: ignore[attr-defined]
    roster_headers = list(people[0])
    for c, h in enumerate(roster_headers):
        rs.write_string(0, c, h, head_fmt)
    for i, p in enumerate(people, start=1):
        for c, h in enumerate(roster_headers):
            rs.write_string(i, c, p[h])


def generate(path: Path, rows: int, bad_rate: float, seed: int, shared_strings: bool = False) -> Generated:
    """Write the workbook; return the findings it should produce and what was injected."""
    import xlsxwriter

    rng = random.Random(seed)
    people = roster_people(rng)
    leaders = [p["姓名"] for p in people if p["是否领导"] == "是"]
    staff = [p["姓名"] for p in people if p["是否领导"] == "否"]

    # constant_memory streams rows to disk but writes inline strings; shared_strings=True keeps the
    # whole sheet in memory and writes a shared-string table, as Excel and WPS do.
    wb = xlsxwriter.Workbook(str(path), {} if shared_strings else {"constant_memory": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    head_fmt = wb.add_format({"bold": True})
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, f"凤凰镇督查督办台账（{TODAY.year}年）")
    for c, h in enumerate(HEADERS):
        ws.write_string(1, c, h, head_fmt)

    expected: collections.Counter = collections.Counter()
    injected: collections.Counter = collections.Counter()
    p_fault = min(1.0, bad_rate * len(HEADERS))  # one bad cell per faulty row
    start, span = dt.date(2024, 1, 1), (dt.date(2026, 11, 10) - dt.date(2024, 1, 1)).days
    clean_rows: list[tuple[int, str]] = []  # (sheet row, key) of rows that may be copied as duplicates
    ws_string, ws_number = ws.write_string, ws.write_number
    for i in range(rows):
        r = i + 2  # 0-based row for xlsxwriter
        sheet_row = r + 1
        year = 2020 + i // 99_999
        key = f"DB-{year}-{i % 99_999 + 1:05d}"
        assigned = start + dt.timedelta(days=rng.randrange(span))
        deadline = assigned + dt.timedelta(days=rng.randint(7, 180))
        status = rng.choices(STATUSES, weights=(15, 55, 30))[0]
        done = None
        if status == "已办结":
            done = assigned + dt.timedelta(days=rng.randint(0, min(150, (TODAY - assigned).days)))
        progress: object = {"未启动": 0, "推进中": rng.randint(5, 95), "已办结": 100}[status]
        cells: dict[str, object] = {
            "编号": key, "事项来源": rng.choice(SOURCES),
            "事项内容": f"{rng.choice(PLACES)}{rng.choice(TOPICS)}", "责任单位": rng.choice(UNITS),
            "责任人": rng.choice(staff), "分管领导": rng.choice(leaders), "交办日期": assigned,
            "完成时限": deadline, "进度(%)": progress, "办理状态": status, "办结日期": done,
            "备注": rng.choice(["", "", "", "资金已到位", "已上报", "待协调"]),
        }

        fault = rng.choices(FAULTS)[0] if rng.random() < p_fault else None
        if fault == "duplicate_key" and not clean_rows:
            fault = None
        if fault:
            injected[fault] += 1
        if fault == "bad_deadline":
            cells["完成时限"] = rng.choice(BAD_DATES)
            expected[(sheet_row, "完成时限", "type")] += 1
        elif fault == "bad_progress":
            cells["进度(%)"] = rng.choice(BAD_PROGRESS)
            expected[(sheet_row, "进度(%)", "type")] += 1
        elif fault == "bad_status":
            cells["办理状态"] = rng.choice(BAD_STATUSES)
            expected[(sheet_row, "办理状态", "enum")] += 1
            if done is not None:
                expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        elif fault == "missing":
            name = rng.choice(REQUIRED)
            cells[name] = None
            expected[(sheet_row, name, "required")] += 1
            if name == "办理状态" and done is not None:
                expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        elif fault == "duplicate_key":
            j = rng.randrange(len(clean_rows))
            clean_rows[j], clean_rows[-1] = clean_rows[-1], clean_rows[j]
            first_row, first_key = clean_rows.pop()
            cells["编号"] = first_key
            expected[(sheet_row, "编号", "unique")] += 1
            expected[(first_row, "编号", "unique-first")] += 1
        elif fault == "bad_key":
            n = i % 99_999 + 1
            cells["编号"] = rng.choice([f"DB{year}-{n:05d}", f"DB-{year % 100}-{n:05d}", f"DB-{year}-{n:06d}",
                                       f"db-{year}-{n:05d}", f"DB-{year}-{n:05d}号"])
            expected[(sheet_row, "编号", "pattern")] += 1
        elif fault == "progress_high":
            cells["进度(%)"] = rng.randint(101, 300)
            expected[(sheet_row, "进度(%)", "maximum")] += 1
        elif fault == "deadline_early":
            cells["完成时限"] = assigned - dt.timedelta(days=rng.randint(1, 30))
            expected[(sheet_row, "完成时限", "rule:compare")] += 1
        else:
            clean_rows.append((sheet_row, key))

        for c, h in enumerate(HEADERS):
            v = cells[h]
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                ws_number(r, c, excel_serial(v), date_fmt)
            elif isinstance(v, str):
                ws_string(r, c, v)
            else:
                ws_number(r, c, v)

    write_roster(wb, people, head_fmt)
    wb.close()
    return Generated(expected=expected, injected=injected)


SHAPE = Shape(
    name="default", sheet=SHEET, schema=BENCH_SCHEMA, flag_extra=FLAG_EXTRA, constraints=ROW_CONSTRAINTS,
    generate=generate,
    describe="today's task register: 12 columns (text, dates, percent, enums), as before shapes existed")
