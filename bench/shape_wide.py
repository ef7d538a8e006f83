"""The wide shape: 60 columns of mixed types, every one of them checked.

Sheet 督查督办台账: 9 task columns (编号 with pattern and unique, 事项内容, 责任单位 as an enum,
责任人, 分管领导, 交办日期, 完成时限, 办理状态, 办结日期; the task rules) and 51 more cycling through five kinds:
  文本nn  string, max_length 20            数量nn  integer, 0..9999
  金额nn  number, 0..1,000,000             日期nn  date
  类别nn  string, enum [甲类, 乙类, 丙类, 丁类]
every other one required; optional cells are blank one time in ten. A faulty row (the same share of
rows as the default shape, --bad-rate × 12: about 24%) gets one fault: a text too long, an integer
that is text or 12.5, a number that is text, a value below the minimum or above the maximum, a date
that is no date, a category outside the list, a required cell left blank, a bad or repeated 编号,
完成时限 before 交办日期, or a status outside the list.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from harness import TODAY
from shape_default import FLAG_EXTRA, PLACES, TOPICS, UNITS
from shapes import (
    BAD_DATES,
    BAD_STATUSES,
    DONE_CONSTRAINTS,
    DONE_RULES_YAML,
    STATUSES,
    Book,
    Generated,
    Keys,
    Shape,
    compare_constraint,
    person_names,
    random_day,
)

SHEET = "督查督办台账"
TASK = ["编号", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限", "办理状态", "办结日期"]
KINDS = ["文本", "数量", "金额", "日期", "类别"]
GENERIC = [f"{KINDS[i % 5]}{i + 1:02d}" for i in range(51)]
HEADERS = TASK + GENERIC
REQUIRED_GENERIC = {c for i, c in enumerate(GENERIC) if i % 2 == 0}
TASK_REQUIRED = ["编号", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限", "办理状态"]
CATEGORIES = ["甲类", "乙类", "丙类", "丁类"]
PHRASES = ["已核实", "村组上报", "待复核", "按月统计", "专项资金", "年度目标任务", "群众满意", "已整改到位",
           "县级抽查通过", "正在推进"]
FAULTS = ["generic", "generic", "generic", "missing", "bad_key", "duplicate_key", "deadline_early", "bad_status"]

_SPEC = {"文本": "    type: string\n    max_length: 20\n",
         "数量": "    type: integer\n    minimum: 0\n    maximum: 9999\n",
         "金额": "    type: number\n    minimum: 0\n    maximum: 1000000\n",
         "日期": "    type: date\n",
         "类别": f"    type: string\n    enum: [{', '.join(CATEGORIES)}]\n"}

SCHEMA = f"""\
# Benchmark schema, wide shape (bench/shape_wide.py): 60 columns
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
    pattern: '^KH-\\d{{4}}-\\d{{5}}$'
  - name: 事项内容
    type: string
    required: true
    max_length: 100
  - name: 责任单位
    type: string
    required: true
    enum: [{", ".join(UNITS)}]
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
  - name: 办理状态
    type: string
    required: true
    enum: [{", ".join(STATUSES)}]
  - name: 办结日期
    type: date
""" + "".join(f"  - name: {c}\n{_SPEC[c[:2]]}" + ("    required: true\n" if c in REQUIRED_GENERIC else "")
              for c in GENERIC) + """\
rules:
  - { kind: compare, left: 完成时限, op: ">=", right: 交办日期 }
""" + DONE_RULES_YAML

CONSTRAINTS = [compare_constraint("完成时限", ">=", "交办日期"), *DONE_CONSTRAINTS]


def value(rng: random.Random, kind: str) -> object:
    if kind == "文本":
        return rng.choice(PHRASES)
    if kind == "数量":
        return rng.randint(0, 9999)
    if kind == "金额":
        return round(rng.uniform(0, 1_000_000), 2)
    if kind == "日期":
        return random_day(rng)
    return rng.choice(CATEGORIES)


def bad_value(rng: random.Random, kind: str) -> tuple[object, str]:
    """A bad cell for a column of this kind and the check that reports it."""
    if kind == "文本":
        return "、".join(PHRASES[:5]), "maxLength"
    if kind == "数量":
        return rng.choice([("十二", "type"), (12.5, "type"), (-5, "minimum"), (12000, "maximum")])
    if kind == "金额":
        return rng.choice([("待定", "type"), (-1.5, "minimum"), (2_500_000, "maximum")])
    if kind == "日期":
        return rng.choice(BAD_DATES), "type"
    return "戊类", "enum"


def generate(path: Path, rows: int, bad_rate: float, seed: int, shared_strings: bool = False) -> Generated:
    rng = random.Random(seed)
    staff = person_names(rng, 50)
    leaders = staff[:6]
    book = Book(path, shared_strings)
    ws = book.register(SHEET, f"凤凰镇重点工作综合台账（{TODAY.year}年）", HEADERS)
    gen = Generated()
    keys = Keys("KH")
    p_fault = min(1.0, bad_rate * 12)
    kinds = [c[:2] for c in GENERIC]
    for i in range(rows):
        r = i + 2
        sheet_row = r + 1
        assigned = random_day(rng)
        status = rng.choices(STATUSES, weights=(15, 55, 30))[0]
        done = None
        if status == "已办结":
            done = assigned + dt.timedelta(days=rng.randint(0, min(150, (TODAY - assigned).days)))
        cells: dict[str, object] = {
            "编号": keys.key(i), "事项内容": f"{rng.choice(PLACES)}{rng.choice(TOPICS)}", "责任单位": rng.choice(UNITS),
            "责任人": rng.choice(staff), "分管领导": rng.choice(leaders), "交办日期": assigned,
            "完成时限": assigned + dt.timedelta(days=rng.randint(7, 180)), "办理状态": status, "办结日期": done}
        for c, kind in zip(GENERIC, kinds):
            cells[c] = None if c not in REQUIRED_GENERIC and rng.random() < 0.1 else value(rng, kind)
        fault = rng.choice(FAULTS) if rng.random() < p_fault else None
        if fault == "duplicate_key" and not keys.clean:
            fault = None
        if fault:
            gen.injected[fault] += 1
        if fault == "generic":
            col = rng.choice(GENERIC)
            cells[col], check = bad_value(rng, col[:2])
            gen.expected[(sheet_row, col, check)] += 1
        elif fault == "missing":
            col = rng.choice(TASK_REQUIRED + sorted(REQUIRED_GENERIC))
            cells[col] = None
            gen.expected[(sheet_row, col, "required")] += 1
            if col == "办理状态" and done is not None:
                gen.expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        elif fault == "bad_key":
            cells["编号"] = keys.bad(rng, i)
            gen.expected[(sheet_row, "编号", "pattern")] += 1
        elif fault == "duplicate_key":
            cells["编号"] = keys.duplicate(rng, gen, sheet_row, "编号")
        elif fault == "deadline_early":
            cells["完成时限"] = assigned - dt.timedelta(days=rng.randint(1, 30))
            gen.expected[(sheet_row, "完成时限", "rule:compare")] += 1
        elif fault == "bad_status":
            cells["办理状态"] = rng.choice(BAD_STATUSES)
            gen.expected[(sheet_row, "办理状态", "enum")] += 1
            if done is not None:
                gen.expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        else:
            keys.clean.append((sheet_row, str(cells["编号"])))
        book.row(ws, r, (cells[h] for h in HEADERS))
    book.close()
    return gen


SHAPE = Shape(
    name="wide", sheet=SHEET, schema=SCHEMA, flag_extra=FLAG_EXTRA, constraints=CONSTRAINTS, generate=generate,
    describe="wide: 60 columns (string, integer, number, date, enum), every one checked")
