#!/usr/bin/env python
"""Benchmark: `assistant check` on a large task register, against frictionless on the same file.

Prints figures; it is never a pass/fail test. Run it from the repository (after
`pip install -e '.[bench]'`):

    python bench/check_large.py                  # 100,000 rows, best of 3, frictionless once
    python bench/check_large.py --rows 20000 --repeat 5 --skip-frictionless

What it does, all in one temporary folder (deleted afterwards unless --keep):

1. `assistant init DIR --today 2026-11-20`, then DIR/data/凤凰镇.xlsx is overwritten with a generated
   workbook (xlsxwriter, constant_memory; seeded, so the same arguments give the same cells):
   sheet "督查督办台账" (a title in row 1, the 12 headers of tasks.yaml in row 2, --rows data rows,
   dates as real date cells) and sheet "人员名册" (headers in row 1, 50 people whose 姓名 every
   责任人 and 分管领导 uses).

   About --bad-rate (2%) of the task cells are bad, at most one fault per row, of kinds that our
   checker and frictionless read with the same meaning:
     bad_deadline   完成时限 text that is no date ('2026.13.45', '下周五', '2026-02-30', '年底前')
     bad_progress   进度(%) text that is no number ('五十', '过半', '待定')
     bad_status     办理状态 outside the enum ('已完成', '进行中', '完成'); on a row that has a 办结日期
                    this also breaks "办结日期 only when 已办结" (empty_unless), in both tools
     missing        one required cell left blank (on 办理状态 with a 办结日期: also empty_unless)
     duplicate_key  编号 copied from an earlier clean row
     bad_key        编号 not matching ^DB-\\d{4}-\\d{3,5}$ ('DB2026-00012', 'DB-26-00012', ...)
     progress_high  进度(%) a number above 100
     deadline_early 完成时限 before 交办日期 (rule compare 完成时限 >= 交办日期)
   The generator also records the findings it expects, so each tool is compared with what was
   injected as well as with the other tool.

2. Schema choice: the default tasks.yaml has checks frictionless cannot express the same way
   (`references` to the roster, `sequence` numbering; both are warnings). The benchmark therefore
   writes its own DIR/sheets_schema/tasks.yaml (BENCH_SCHEMA below) holding exactly the rules both
   tools run: every field check of the default schema (type, required, unique, enum, pattern,
   minimum/maximum, max_length) and every error-level rule of it (compare 完成时限>=交办日期,
   compare 办结日期>=交办日期, compare 办结日期<=today, required_if and empty_unless on 办结日期).
   The default tasks.yaml is kept in DIR/sheets_schema_default/ and timed too, as an extra line
   (not compared with frictionless). Its extra checks only add warnings (`sequence`; and with
   --register tasks the roster is not read, so `references` does not run at all), and its
   `severity: warning` on 责任人 also turns a blank 责任人 into a warning, so it reports fewer
   errors than the bench schema by the number of injected blank 责任人 cells.

   The frictionless Table Schema is `assistant schema export tasks` of the bench schema, adapted:
   primaryKey is dropped (frictionless would report each duplicate 编号 a second time, as a
   primary-key error, on top of the unique constraint), and each rule becomes a `row-constraint`
   check whose formula is None-safe (a None cell, blank or unreadable, skips the rule, as ours
   skips cells that are empty or unreadable); "today" is written as the ISO date compared with
   str(date).

   One convention differs and cannot be made equal: for a value that appears in two rows, our
   `unique` reports both rows (the first points at the second), frictionless reports only the
   later row. The script counts those first-row findings and shows them separately; "agree" means
   that, apart from them, both tools flag the same (row, column, check) multiset.

3. Times `assistant check --format json --config DIR/assistant.toml --register tasks --today
   2026-11-20` as a whole process (wall clock, best of --repeat runs) and its peak memory (max RSS
   of the child, read with getrusage(RUSAGE_CHILDREN) in a small wrapper process).
   Also times a bare python-calamine read of the same sheet (`CalamineWorkbook.from_path(...)
   .get_sheet_by_name(...).to_python()`) as a whole process, the floor of this work, and prints
   ours as a multiple of it in time and in peak memory.
4. Runs `frictionless validate` (its CLI, once) on the same file with the equivalent schema,
   header row 2, sheet 督查督办台账 and the error limit raised, timed and measured the same way.
5. Prints rows, times, ratio, peak memory, error counts and whether they agree, and a markdown
   table line for bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

TODAY = dt.date(2026, 11, 20)
SHEET = "督查督办台账"
# a bare read of the task sheet, timed as a whole process: argv = workbook, sheet
BARE_READ = ("import sys; from python_calamine import CalamineWorkbook; "
             "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2]).to_python()")
ROSTER_SHEET = "人员名册"
HEADERS = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限",
           "进度(%)", "办理状态", "办结日期", "备注"]
COL = {h: i for i, h in enumerate(HEADERS)}
REQUIRED = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限", "办理状态"]
SOURCES = ["上级交办", "党委会议定", "政府常务会议定", "领导批示", "群众诉求"]
STATUSES = ["未启动", "推进中", "已办结"]
UNITS = ["党政办", "党建办", "经济发展办", "社会事务办", "应急办", "规划建设办", "综合执法队", "农业服务中心",
         "财政所", "社保所", "便民服务中心", "退役军人服务站"]
TOPICS = ["秸秆禁烧宣传及巡查", "村级活动阵地改造提升", "道路破损修复", "安全生产大检查", "噪音投诉处理",
          "森林防火物资储备", "人口普查数据复核", "食品安全自查", "防汛应急预案修订", "政务公开栏内容更新",
          "退役军人信息采集", "基层党组织换届准备", "自来水管网维修", "信息报送", "重点项目征地协调"]
PLACES = ["凤凰村", "石桥村", "青龙村", "白鹤村", "场镇社区", "新华村", "柳湾村", "金鸡村"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["建国", "明", "芳", "磊", "洋", "静", "帆", "伟", "婷", "刚", "丽", "强", "敏", "军", "霞", "涛", "娟", "勇",
         "艳", "杰", "秀英", "志强", "海燕", "国华", "春梅"]

BAD_DEADLINES = ["2026.13.45", "下周五", "2026-02-30", "年底前"]
BAD_PROGRESS = ["五十", "过半", "待定"]
BAD_STATUSES = ["已完成", "进行中", "完成"]
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
  - { kind: required_if, field: 办结日期, when: { 办理状态: 已办结 } }
  - { kind: empty_unless, field: 办结日期, when: { 办理状态: 已办结 } }
"""

# The same rules for frictionless: (formula, column our finding names, check) per rule above.
ROW_CONSTRAINTS = [
    ("完成时限 == None or 交办日期 == None or 完成时限 >= 交办日期", "完成时限", "rule:compare"),
    ("办结日期 == None or 交办日期 == None or 办结日期 >= 交办日期", "办结日期", "rule:compare"),
    (f"办结日期 == None or str(办结日期) <= '{TODAY.isoformat()}'", "办结日期", "rule:compare"),
    ("办理状态 != '已办结' or 办结日期 != None", "办结日期", "rule:required_if"),
    ("办理状态 == '已办结' or 办结日期 == None", "办结日期", "rule:empty_unless"),
]

# The wrapper every measured command runs in: wall clock of the child, and its max RSS (KiB on Linux).
WRAPPER = r"""
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    t0 = time.perf_counter()
    p = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "maxrss_kib": ru.ru_maxrss, "user": ru.ru_utime, "sys": ru.ru_stime,
                  "rc": p.returncode, "stderr": p.stderr.decode("utf-8", "replace")[-3000:]}))
"""


# --- generating the workbook ------------------------------------------------------------------------

def _excel_serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


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


def generate(path: Path, rows: int, bad_rate: float, seed: int,
             shared_strings: bool = False) -> tuple[collections.Counter, dict]:
    """Write the workbook; return the findings it should produce as a Counter of
    (sheet row, column, check), plus what was injected, by fault kind."""
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
            cells["完成时限"] = rng.choice(BAD_DEADLINES)
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
                ws_number(r, c, _excel_serial(v), date_fmt)
            elif isinstance(v, str):
                ws_string(r, c, v)
            else:
                ws_number(r, c, v)

    rs = wb.add_worksheet(ROSTER_SHEET)
    roster_headers = list(people[0])
    for c, h in enumerate(roster_headers):
        rs.write_string(0, c, h, head_fmt)
    for i, p in enumerate(people, start=1):
        for c, h in enumerate(roster_headers):
            rs.write_string(i, c, p[h])
    wb.close()
    return expected, dict(injected)


# --- running and measuring ---------------------------------------------------------------------------

def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        sys.exit(f"cannot find the `{name}` command (pip install -e '.[bench]')")
    return found


@contextlib.contextmanager
def working_folder(assistant: str, keep: Path | None, prefix: str) -> Iterator[Path]:
    """A fresh working folder made by `assistant init`: `keep` (emptied first, then left for a
    look), or a temporary one removed afterwards."""
    tmp = None
    if keep:
        office = keep.absolute()
        if office.exists():
            shutil.rmtree(office)
    else:
        tmp = tempfile.mkdtemp(prefix=prefix)
        office = Path(tmp) / "office"
    try:
        subprocess.run([assistant, "init", str(office), "--today", TODAY.isoformat()], check=True,
                       capture_output=True)
        yield office
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(cmd: list[str], out_path: Path, cwd: Path | None = None) -> dict:
    """Run `cmd` once inside the wrapper; stdout goes to out_path. Returns wall, maxrss_kib, rc, stderr."""
    p = subprocess.run([sys.executable, "-c", WRAPPER, str(out_path), *cmd], capture_output=True, text=True,
                       cwd=cwd)
    if p.returncode != 0:
        raise RuntimeError(f"wrapper failed: {p.stderr}")
    return json.loads(p.stdout)


def best_of(cmd: list[str], out_path: Path, n: int, ok_codes: tuple[int, ...]) -> tuple[dict, list[float]]:
    runs = []
    for _ in range(n):
        m = measure(cmd, out_path)
        if m["rc"] not in ok_codes:
            raise RuntimeError(f"{' '.join(cmd)} exited {m['rc']}:\n{m['stderr']}")
        runs.append(m)
    best = min(runs, key=lambda m: m["wall"])
    best = dict(best, maxrss_kib=max(m["maxrss_kib"] for m in runs))  # peak over all runs
    return best, [m["wall"] for m in runs]


# --- comparing -----------------------------------------------------------------------------------------

_OUR_CHECKS = {"missing_value": "required", "not_in_enum": "enum", "pattern_mismatch": "pattern",
               "above_maximum": "maximum", "below_minimum": "minimum", "too_long": "maxLength",
               "too_short": "minLength", "duplicate_value": "unique", "compare_failed": "rule:compare",
               "required_if": "rule:required_if", "empty_unless": "rule:empty_unless"}


def ours_keys(findings: list[dict]) -> collections.Counter:
    """Error findings as (row, column, check); the first row of each duplicate group is 'unique-first'."""
    keys: collections.Counter = collections.Counter()
    first_dup: dict[object, int] = {}
    for f in findings:
        if f["code"] == "duplicate_value":
            first_dup[f["value"]] = min(first_dup.get(f["value"], f["row"]), f["row"])
    for f in findings:
        if f["severity"] != "error":
            continue
        code = f["code"]
        check = "type" if code.startswith("invalid_") else _OUR_CHECKS.get(code, code)
        if code == "duplicate_value" and first_dup[f["value"]] == f["row"]:
            check = "unique-first"
        keys[(f["row"], f["column"], check)] += 1
    return keys


def frictionless_keys(errors: list[dict]) -> collections.Counter:
    by_formula = {formula: (column, check) for formula, column, check in ROW_CONSTRAINTS}
    keys: collections.Counter = collections.Counter()
    for e in errors:
        kind, row, column = e.get("type"), e.get("rowNumber"), e.get("fieldName")
        if kind == "type-error":
            check = "type"
        elif kind == "constraint-error":
            m = re.match(r'constraint "(\w+)"', e.get("note", ""))
            check = m.group(1) if m else kind
        elif kind == "unique-error":
            check = "unique"
        elif kind == "row-constraint":
            m = re.search(r'to conform is "(.*)"$', e.get("note", ""))
            column, check = by_formula.get(m.group(1) if m else "", (None, kind))
        else:
            check = kind  # blank-row, missing-cell, incorrect-label...: nothing of ours matches
        keys[(row, column, check)] += 1
    return keys


def diff_lines(a: collections.Counter, b: collections.Counter, a_name: str, b_name: str, limit: int = 8) -> list[str]:
    out = []
    only_a, only_b = a - b, b - a
    for name, only in ((a_name, only_a), (b_name, only_b)):
        if only:
            by_check = collections.Counter(k[2] for k in only.elements())
            sample = ", ".join(f"row {r} {c} {k}" for r, c, k in sorted(only, key=str)[:limit])
            out.append(f"    only {name}: {sum(only.values())} ({dict(by_check)}); e.g. {sample}")
    return out


# --- main ------------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000, help="data rows in the task sheet (default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of our check; the best is reported (default 3)")
    ap.add_argument("--bad-rate", type=float, default=0.02, help="share of bad cells (default 0.02)")
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--skip-frictionless", action="store_true", help="time our check only")
    ap.add_argument("--skip-default", action="store_true", help="do not also time the default tasks.yaml")
    ap.add_argument("--shared-strings", action="store_true",
                    help="write strings to a shared-string table as Excel/WPS do (default: xlsxwriter "
                         "constant_memory, which writes inline strings)")
    ap.add_argument("--keep", type=Path, default=None, help="build the office in this folder and keep it")
    args = ap.parse_args()

    t_start = time.perf_counter()
    assistant = tool("assistant")
    with working_folder(assistant, args.keep, "bench-check-") as office:
        return run(args, assistant, office, t_start)


def run(args: argparse.Namespace, assistant: str, office: Path, t_start: float) -> int:
    today = TODAY.isoformat()
    config = office / "assistant.toml"
    schemas = office / "sheets_schema"
    default_schemas = office / "sheets_schema_default"
    shutil.copytree(schemas, default_schemas)
    (schemas / "tasks.yaml").write_text(BENCH_SCHEMA, encoding="utf-8")
    default_config = office / "assistant-default.toml"
    text = config.read_text(encoding="utf-8")
    default_text = re.sub(r'(?m)^schemas\s*=\s*"sheets_schema"', 'schemas = "sheets_schema_default"', text)
    if default_text == text:
        print("note: could not point a second config at the default schemas; skipping that line", file=sys.stderr)
        args.skip_default = True
    default_config.write_text(default_text, encoding="utf-8")

    workbook = office / "data" / "凤凰镇.xlsx"
    t0 = time.perf_counter()
    expected, injected = generate(workbook, args.rows, args.bad_rate, args.seed, args.shared_strings)
    t_gen = time.perf_counter() - t0
    size_mb = workbook.stat().st_size / 2**20
    strings = "shared strings" if args.shared_strings else "inline strings"
    print(f"generated {args.rows} rows ({size_mb:.1f} MiB xlsx, {strings}) in {t_gen:.1f} s; injected faults: {injected}",
          flush=True)

    # Ours
    check = [assistant, "check", "--format", "json", "--config", str(config), "--register", "tasks",
             "--today", today]
    ours_out = office / "ours.json"
    ours, ours_runs = best_of(check, ours_out, args.repeat, ok_codes=(0, 1))
    # the floor: reading the sheet's cells once, as a whole process like ours (issue 16's yardstick)
    bare, _ = best_of([sys.executable, "-c", BARE_READ, str(workbook), SHEET], office / "bare.out", args.repeat,
                      ok_codes=(0,))
    report = json.loads(ours_out.read_text(encoding="utf-8"))
    ours_errors = report["counts"]["error"]
    ours_set = ours_keys(report["findings"])
    print(f"ours: runs {', '.join(f'{w:.2f}' for w in ours_runs)} s", flush=True)

    default_line = None
    if not args.skip_default:
        dcheck = [*check[:5], str(default_config), *check[6:]]
        dout = office / "ours-default.json"
        dbest, druns = best_of(dcheck, dout, args.repeat, ok_codes=(0, 1))
        dcounts = json.loads(dout.read_text(encoding="utf-8"))["counts"]
        default_line = (f"ours, default tasks.yaml        {dbest['wall']:.2f} s (runs {', '.join(f'{w:.2f}' for w in druns)}),"
                        f" {dbest['maxrss_kib'] / 1024:.0f} MB, errors {dcounts['error']}, warnings {dcounts['warning']}")

    # Frictionless
    fr = None
    if not args.skip_frictionless:
        exported = subprocess.run([assistant, "schema", "export", "tasks", "--config", str(config)],
                                  check=True, capture_output=True, text=True).stdout
        table_schema = json.loads(exported)
        table_schema.pop("primaryKey", None)  # see the docstring: it would double-report duplicates
        table_schema.pop("foreignKeys", None)
        fdir = office / "frictionless"
        fdir.mkdir()
        (fdir / "schema.json").write_text(json.dumps(table_schema, ensure_ascii=False, indent=2), encoding="utf-8")
        checklist = {"checks": [{"type": "row-constraint", "formula": f} for f, _, _ in ROW_CONSTRAINTS]}
        (fdir / "checklist.json").write_text(json.dumps(checklist, ensure_ascii=False, indent=2), encoding="utf-8")
        # Paths relative to the office folder: frictionless refuses absolute paths as "not safe".
        fcmd = [tool("frictionless"), "validate", "data/凤凰镇.xlsx", "--format", "xlsx", "--sheet", SHEET,
                "--header-rows", "2", "--schema", "frictionless/schema.json",
                "--checklist", "frictionless/checklist.json", "--limit-errors", str(10**9), "--json"]
        print("frictionless: running once (this takes a while)...", flush=True)
        fout = fdir / "report.json"
        fr = measure(fcmd, fout, cwd=office)
        if fr["rc"] not in (0, 1):
            raise RuntimeError(f"frictionless exited {fr['rc']}:\n{fr['stderr']}")
        freport = json.loads(fout.read_text(encoding="utf-8"))
        if freport.get("errors"):
            raise RuntimeError(f"frictionless could not validate: {freport['errors']}")
        task = freport["tasks"][0]
        fr_errors_list = task["errors"]
        fr_errors = len(fr_errors_list)
        fr_set = frictionless_keys(fr_errors_list)
        fr_rows = task.get("stats", {}).get("rows")
        if task.get("warnings"):
            print(f"frictionless warnings: {task['warnings']}")

    # Report
    first_dups = sum(n for (r, c, k), n in ours_set.items() if k == "unique-first")
    ours_vs_expected = ours_set == expected
    ours_mb = ours["maxrss_kib"] / 1024
    print()
    print(f"rows                            {args.rows}")
    print(f"ours (best of {args.repeat})                {ours['wall']:.2f} s")
    if default_line:
        print(default_line)
    print(f"ours peak memory                {ours_mb:.0f} MB")
    bare_mb = bare["maxrss_kib"] / 1024
    print(f"bare read (python-calamine)     {bare['wall']:.2f} s, peak {bare_mb:.0f} MB; ours / bare read: "
          f"{ours['wall'] / bare['wall']:.1f}× the time, {ours_mb / bare_mb:.1f}× the memory")
    print(f"errors, ours                    {ours_errors} "
          f"(incl. {first_dups} first rows of duplicate 编号 pairs, which frictionless does not report)")
    print(f"ours = injected                 {'yes' if ours_vs_expected else 'no'}")
    if not ours_vs_expected:
        print("\n".join(diff_lines(ours_set, expected, "ours", "injected")))
    ratio = agree = None
    fr_mb = None
    if fr is not None:
        fr_mb = fr["maxrss_kib"] / 1024
        ratio = fr["wall"] / ours["wall"]
        fr_expected = expected.copy()
        for k in [k for k in fr_expected if k[2] == "unique-first"]:
            del fr_expected[k]
        ours_comparable = ours_set.copy()
        for k in [k for k in ours_comparable if k[2] == "unique-first"]:
            del ours_comparable[k]
        agree = ours_comparable == fr_set and ours_errors - first_dups == fr_errors
        print(f"frictionless (1 run)            {fr['wall']:.2f} s (rows read: {fr_rows})")
        print(f"ratio                           {ratio:.1f}x")
        print(f"frictionless peak memory        {fr_mb:.0f} MB")
        print(f"errors, frictionless            {fr_errors}")
        print(f"frictionless = injected         {'yes' if fr_set == fr_expected else 'no'}")
        if fr_set != fr_expected:
            print("\n".join(diff_lines(fr_set, fr_expected, "frictionless", "injected")))
        print(f"agree                           {'yes' if agree else 'no'} "
              f"(ours {ours_errors} - {first_dups} first duplicates = {ours_errors - first_dups}, "
              f"frictionless {fr_errors}; same (row, column, check) multiset: {ours_comparable == fr_set})")
        if ours_comparable != fr_set:
            print("\n".join(diff_lines(ours_comparable, fr_set, "ours", "frictionless")))
    total = time.perf_counter() - t_start
    print(f"benchmark total                 {total:.0f} s")
    print()
    print("| rows | ours (s) | frictionless (s) | ratio | ours peak MB | frictionless peak MB "
          "| errors ours | errors frictionless | agree |")
    fmt = lambda v, f: "—" if v is None else format(v, f)  # noqa: E731
    print(f"| {args.rows:,} | {ours['wall']:.2f} | {fmt(fr and fr['wall'], '.1f')} | {fmt(ratio, '.0f')}× "
          f"| {ours_mb:.0f} | {fmt(fr_mb, '.0f')} | {ours_errors} ({first_dups} first dup.) "
          f"| {fmt(fr and fr_errors, 'd')} | {'—' if agree is None else ('yes' if agree else 'no')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
