"""The text shape: a task register with more text columns carrying patterns (issue 16's own).

Sheet 督查督办台账, 15 columns: 编号 (pattern ^FH-\\d{4}-\\d{5}$, unique), enums (事项来源, 责任单位,
办理状态), names checked against a Chinese-name pattern (责任人, 分管领导, 联系人), phone numbers
(责任人电话, 联系电话: type phone in ours, the exported pattern 1[3-9]\\d{9} in frictionless, so
frictionless's pattern error on them is our type error), texts with max_length (事项内容,
办理情况), dates and the task rules. About --bad-rate of the cells are bad, one fault per row:
  bad_name     a name that is no Chinese name ('Zhang Wei', '王', '王小明2', 9 characters)
  bad_phone    '1381234567' (10 digits), '23812345678', '1381234567X', '138123456789'
  bad_key      编号 off the pattern;  duplicate_key  编号 copied from an earlier clean row
  bad_enum     事项来源 / 责任单位 / 办理状态 outside its list
  too_long     事项内容 over 40 characters, 办理情况 over 60
  missing      a required cell left blank
  bad_date     完成时限 text that is no date;  deadline_early  完成时限 before 交办日期
Every value is written so that NFKC and trimming (ours) change nothing: both tools see the same text.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from harness import TODAY
from shape_default import FLAG_EXTRA, PLACES, SOURCES, TOPICS, roster_people, write_roster
from shapes import (
    BAD_DATES,
    BAD_STATUSES,
    DONE_CONSTRAINTS,
    DONE_RULES_YAML,
    STATUSES,
    UNITS,
    Book,
    Generated,
    Keys,
    Shape,
    compare_constraint,
    compare_today,
    person_names,
    random_day,
)

SHEET = "督查督办台账"
HEADERS = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "责任人电话", "分管领导", "联系人", "联系电话",
           "交办日期", "完成时限", "办理状态", "办结日期", "办理情况", "备注"]
REQUIRED = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "责任人电话", "分管领导", "交办日期", "完成时限",
            "办理状态"]
NAMES = ["责任人", "分管领导", "联系人"]
PHONES = ["责任人电话", "联系电话"]
EXTRA_NAMES = ["阿依古丽·买买提", "欧阳建国", "司马志强", "诸葛明", "热依拉", "达瓦·次仁"]
BAD_NAMES = ["Zhang Wei", "王", "王小明2", "欧阳娜娜娜娜娜娜娜", "李 明"]
BAD_PHONES = ["1381234567", "23812345678", "1381234567X", "138123456789"]
PROGRESS_NOTES = ["已召开专题会议部署", "已完成现场踏勘，正在编制方案", "资金已拨付到位，施工单位已进场",
                  "已协调相关村组，群众工作正在推进", "已上报县级主管部门审核", "等待上级批复"]
LONG_TEXT = "，并按照上级要求逐项对照整改，确保按时保质完成各项工作任务"
FAULTS = ["bad_name", "bad_phone", "bad_key", "duplicate_key", "bad_enum", "too_long", "missing", "bad_date",
          "deadline_early"]

NAME_RULE = "    pattern: '^[\\u4e00-\\u9fa5·]{2,8}$'\n"
SCHEMA = f"""\
# Benchmark schema, text shape (bench/shape_text.py)
register: tasks
title: 督查督办台账
sheet: 督查督办台账
header_row: 2
key: 编号
fields:
  - name: 编号
    type: string
    required: true
    unique: true
    pattern: '^FH-\\d{{4}}-\\d{{5}}$'
  - name: 事项来源
    type: string
    required: true
    enum: [{", ".join(SOURCES)}]
  - name: 事项内容
    type: string
    required: true
    max_length: 40
  - name: 责任单位
    type: string
    required: true
    enum: [{", ".join(UNITS)}]
  - name: 责任人
    type: string
    required: true
{NAME_RULE}  - name: 责任人电话
    type: phone
    required: true
  - name: 分管领导
    type: string
    required: true
{NAME_RULE}  - name: 联系人
    type: string
{NAME_RULE}  - name: 联系电话
    type: phone
  - name: 交办日期
    type: date
    required: true
  - name: 完成时限
    type: date
    required: true
  - name: 办理状态
    type: string
    required: true
    enum: [{", ".join(STATUSES)}]
  - name: 办结日期
    type: date
  - name: 办理情况
    type: string
    max_length: 60
  - name: 备注
    type: string
rules:
  - {{ kind: compare, left: 完成时限, op: ">=", right: 交办日期 }}
  - {{ kind: compare, left: 办结日期, op: ">=", right: 交办日期 }}
  - {{ kind: compare, left: 办结日期, op: "<=", value: today }}
""" + DONE_RULES_YAML

CONSTRAINTS = [
    compare_constraint("完成时限", ">=", "交办日期"),
    compare_constraint("办结日期", ">=", "交办日期"),
    compare_today("办结日期", "<="),
    *DONE_CONSTRAINTS,
]


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def generate(path: Path, rows: int, bad_rate: float, seed: int, shared_strings: bool = False) -> Generated:
    rng = random.Random(seed)
    people = roster_people(rng)
    names = person_names(rng, 300) + EXTRA_NAMES
    leaders = [p["姓名"] for p in people if p["是否领导"] == "是"]
    book = Book(path, shared_strings)
    ws = book.register(SHEET, f"凤凰镇督查督办台账（{TODAY.year}年）", HEADERS)
    gen = Generated()
    keys = Keys("FH")
    p_fault = min(1.0, bad_rate * len(HEADERS))
    for i in range(rows):
        r = i + 2
        sheet_row = r + 1
        assigned = random_day(rng)
        status = rng.choices(STATUSES, weights=(15, 55, 30))[0]
        done = None
        if status == "已办结":
            done = assigned + dt.timedelta(days=rng.randint(0, min(150, (TODAY - assigned).days)))
        has_contact = rng.random() < 0.7
        cells: dict[str, object] = {
            "编号": keys.key(i), "事项来源": rng.choice(SOURCES),
            "事项内容": f"{rng.choice(PLACES)}{rng.choice(TOPICS)}", "责任单位": rng.choice(UNITS),
            "责任人": rng.choice(names), "责任人电话": phone(rng), "分管领导": rng.choice(leaders),
            "联系人": rng.choice(names) if has_contact else None, "联系电话": phone(rng) if has_contact else None,
            "交办日期": assigned, "完成时限": assigned + dt.timedelta(days=rng.randint(7, 180)),
            "办理状态": status, "办结日期": done,
            "办理情况": rng.choice(PROGRESS_NOTES) if status != "未启动" else None,
            "备注": rng.choice(["", "", "", "资金已到位", "已上报", "待协调"]),
        }
        fault = rng.choice(FAULTS) if rng.random() < p_fault else None
        if fault == "duplicate_key" and not keys.clean:
            fault = None
        if fault:
            gen.injected[fault] += 1
        if fault == "bad_name":
            col = rng.choice(NAMES)
            cells[col] = rng.choice(BAD_NAMES)
            gen.expected[(sheet_row, col, "pattern")] += 1
        elif fault == "bad_phone":
            col = rng.choice(PHONES)
            cells[col] = rng.choice(BAD_PHONES)
            gen.expected[(sheet_row, col, "type")] += 1
        elif fault == "bad_key":
            cells["编号"] = keys.bad(rng, i)
            gen.expected[(sheet_row, "编号", "pattern")] += 1
        elif fault == "duplicate_key":
            cells["编号"] = keys.duplicate(rng, gen, sheet_row, "编号")
        elif fault == "bad_enum":
            col = rng.choice(["事项来源", "责任单位", "办理状态"])
            cells[col] = {"事项来源": "县委交办", "责任单位": "党政综合办公室"}.get(col) or rng.choice(BAD_STATUSES)
            gen.expected[(sheet_row, col, "enum")] += 1
            if col == "办理状态" and done is not None:
                gen.expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        elif fault == "too_long":
            col = rng.choice(["事项内容", "办理情况"])
            cells[col] = f"{rng.choice(PLACES)}{rng.choice(TOPICS)}" + LONG_TEXT * (2 if col == "事项内容" else 3)
            gen.expected[(sheet_row, col, "maxLength")] += 1
        elif fault == "missing":
            col = rng.choice(REQUIRED)
            cells[col] = None
            gen.expected[(sheet_row, col, "required")] += 1
            if col == "办理状态" and done is not None:
                gen.expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        elif fault == "bad_date":
            cells["完成时限"] = rng.choice(BAD_DATES)
            gen.expected[(sheet_row, "完成时限", "type")] += 1
        elif fault == "deadline_early":
            cells["完成时限"] = assigned - dt.timedelta(days=rng.randint(1, 30))
            gen.expected[(sheet_row, "完成时限", "rule:compare")] += 1
        else:
            keys.clean.append((sheet_row, str(cells["编号"])))
        book.row(ws, r, (cells[h] for h in HEADERS))
    write_roster(book.wb, people, book.head_fmt)
    book.close()
    return gen


SHAPE = Shape(
    name="text", sheet=SHEET, schema=SCHEMA, flag_extra=FLAG_EXTRA, constraints=CONSTRAINTS, generate=generate,
    fr_alias={(c, "pattern"): "type" for c in PHONES},
    describe="text-heavy: 15 columns, Chinese-name patterns, phones, 编号 pattern, enums, max_length, unique")
