"""The dates shape: a project register with 8 date columns chained by compare rules.

Sheet 督查督办台账, 12 columns: 编号, 事项内容, 分管领导, 办理状态 and 立项日期 <= 交办日期 <= 开始日期 <= 计划完成
<= 完成时限, 办结日期 >= 开始日期 and <= today, 验收日期 >= 办结日期, 归档日期 >= 验收日期 (one compare
rule each, the finding on the left column), 办结日期 only and always when 已办结.

Date cells: about a fifth are typed text instead of date cells, in the forms people type:
'2026/3/5', '20260305', '2026-03-05' and '2026年3月5日'. Frictionless reads the table's dates with
format "any" (dateutil), which takes the first three but not '2026年3月5日': it reports those cells
as type errors, and its rules see None there: the compares skip them, and a 办结日期 so written
fails its required_if. Both are a documented difference, counted in `fr_only`; the form is put only
on rows without a fault, so no other rule meets it.
Faults, one per faulty row: bad_date (a text that is no date, in any date column but 办结日期), a compare rule
broken (the left date moved before the right one: no other rule changes), done_late (办结日期 after
today, 验收/归档 moved with it), bad_status, missing (a required cell), bad_key, duplicate_key.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from harness import TODAY
from shape_default import FLAG_EXTRA, PLACES, TOPICS
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
    compare_today,
    person_names,
    random_day,
)

SHEET = "督查督办台账"
DATES = ["立项日期", "交办日期", "开始日期", "计划完成", "完成时限", "办结日期", "验收日期", "归档日期"]
HEADERS = ["编号", "事项内容", "分管领导", "办理状态", *DATES]
REQUIRED = ["编号", "事项内容", "分管领导", "办理状态", "立项日期", "交办日期", "计划完成", "完成时限"]
# (left, right): left >= right, one compare rule each
CHAIN = [("交办日期", "立项日期"), ("开始日期", "交办日期"), ("计划完成", "开始日期"), ("完成时限", "计划完成"),
         ("办结日期", "开始日期"), ("验收日期", "办结日期"), ("归档日期", "验收日期")]
FAULTS = ["bad_date", "compare", "done_late", "bad_status", "missing", "bad_key", "duplicate_key"]
TEXT_SHARE = 0.2

SCHEMA = """\
# Benchmark schema, dates shape (bench/shape_dates.py)
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
    pattern: '^XM-\\d{4}-\\d{5}$'
  - name: 事项内容
    type: string
    required: true
  - name: 分管领导
    type: string
    required: true
  - name: 办理状态
    type: string
    required: true
    enum: [未启动, 推进中, 已办结]
""" + "".join(f"  - name: {d}\n    type: date\n" + ("    required: true\n" if d in REQUIRED else "")
              for d in DATES) + "rules:\n" + "".join(
    f'  - {{ kind: compare, left: {a}, op: ">=", right: {b} }}\n' for a, b in CHAIN) + """\
  - { kind: compare, left: 办结日期, op: "<=", value: today }
""" + DONE_RULES_YAML

CONSTRAINTS = [*(compare_constraint(a, ">=", b) for a, b in CHAIN), compare_today("办结日期", "<="),
               *DONE_CONSTRAINTS]


def typed(d: dt.date, form: int) -> str:
    return [f"{d.year}/{d.month}/{d.day}", d.strftime("%Y%m%d"), d.isoformat(), f"{d.year}年{d.month}月{d.day}日"][form]


def generate(path: Path, rows: int, bad_rate: float, seed: int, shared_strings: bool = False) -> Generated:
    rng = random.Random(seed)
    leaders = person_names(rng, 6)
    book = Book(path, shared_strings)
    ws = book.register(SHEET, f"凤凰镇重点项目台账（{TODAY.year}年）", HEADERS)
    gen = Generated()
    keys = Keys("XM")
    p_fault = min(1.0, bad_rate * len(HEADERS))
    days = dt.timedelta
    for i in range(rows):
        r = i + 2
        sheet_row = r + 1
        approved = random_day(rng, end=dt.date(2026, 9, 1))
        assigned = approved + days(rng.randint(0, 20))
        begun = assigned + days(rng.randint(0, 15))
        planned = begun + days(rng.randint(5, 120))
        due = planned + days(rng.randint(0, 30))
        status = rng.choices(STATUSES, weights=(15, 55, 30))[0]
        if status == "已办结" and begun >= TODAY:
            status = "推进中"
        d: dict[str, object] = {"立项日期": approved, "交办日期": assigned, "开始日期": begun, "计划完成": planned,
                                "完成时限": due, "办结日期": None, "验收日期": None, "归档日期": None}
        if status == "已办结":
            done = begun + days(rng.randint(0, min(150, (TODAY - begun).days)))
            checked = done + days(rng.randint(0, 10))
            d.update({"办结日期": done, "验收日期": checked, "归档日期": checked + days(rng.randint(0, 20))})
        cells: dict[str, object] = {"编号": keys.key(i), "事项内容": f"{rng.choice(PLACES)}{rng.choice(TOPICS)}",
                                    "分管领导": rng.choice(leaders), "办理状态": status, **d}
        fault = rng.choice(FAULTS) if rng.random() < p_fault else None
        if fault == "duplicate_key" and not keys.clean:
            fault = None
        if fault == "done_late" and status != "已办结":
            fault = "compare"
        if fault:
            gen.injected[fault] += 1
        if fault == "bad_date":
            # not 办结日期: frictionless reads an unreadable one as None and also fails its required_if
            col = rng.choice([c for c in DATES if cells[c] is not None and c != "办结日期"])
            cells[col] = rng.choice(BAD_DATES)
            gen.expected[(sheet_row, col, "type")] += 1
        elif fault == "compare":
            left, right = rng.choice([(a, b) for a, b in CHAIN if cells[a] is not None])
            cells[left] = cells[right] - days(rng.randint(1, 30))  # type: ignore[operator]
            gen.expected[(sheet_row, left, "rule:compare")] += 1
        elif fault == "done_late":
            late = TODAY + days(rng.randint(1, 60))
            cells.update({"办结日期": late, "验收日期": late + days(3), "归档日期": late + days(10)})
            gen.expected[(sheet_row, "办结日期", "rule:compare")] += 1
        elif fault == "bad_status":
            cells["办理状态"] = rng.choice(BAD_STATUSES)
            gen.expected[(sheet_row, "办理状态", "enum")] += 1
            if cells["办结日期"] is not None:
                gen.expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        elif fault == "missing":
            col = rng.choice(REQUIRED)
            cells[col] = None
            gen.expected[(sheet_row, col, "required")] += 1
            if col == "办理状态" and cells["办结日期"] is not None:
                gen.expected[(sheet_row, "办结日期", "rule:empty_unless")] += 1
        elif fault == "bad_key":
            cells["编号"] = keys.bad(rng, i)
            gen.expected[(sheet_row, "编号", "pattern")] += 1
        elif fault == "duplicate_key":
            cells["编号"] = keys.duplicate(rng, gen, sheet_row, "编号")
        else:
            keys.clean.append((sheet_row, str(cells["编号"])))
        for col in DATES:
            v = cells[col]
            if isinstance(v, dt.date) and rng.random() < TEXT_SHARE:
                form = rng.randrange(4) if fault is None else rng.randrange(3)
                cells[col] = typed(v, form)
                if form == 3:  # frictionless reads None: a type error, and an unmet required_if
                    gen.fr_only[(sheet_row, col, "type")] += 1
                    if col == "办结日期":
                        gen.fr_only[(sheet_row, col, "rule:required_if")] += 1
        book.row(ws, r, (cells[h] for h in HEADERS))
    book.close()
    return gen


SHAPE = Shape(
    name="dates", sheet=SHEET, schema=SCHEMA, flag_extra=FLAG_EXTRA,
    constraints=CONSTRAINTS, generate=generate, date_format_any=True,
    describe="date-heavy: 8 date columns (a fifth typed as text), 8 compare rules")
