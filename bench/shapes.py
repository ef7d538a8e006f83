"""Register shapes for the large benchmarks: a seeded workbook generator, our schema for it and the
equivalent frictionless rules, per shape (default, text, dates, wide; one module each).

A generator writes the register sheet (a title in row 1, headers in row 2) and records the findings
it expects as a Counter of (sheet row, column, check), with check one of: type, required, unique,
unique-first (the first row of a repeated value: we report it, frictionless does not), enum,
pattern, maximum, minimum, maxLength, rule:compare, rule:required_if, rule:empty_unless.
`fr_only` holds what frictionless reports and we do not, by design (a date form it cannot read).
"""

from __future__ import annotations

import collections
import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import TODAY

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["建国", "明", "芳", "磊", "洋", "静", "帆", "伟", "婷", "刚", "丽", "强", "敏", "军", "霞", "涛", "娟", "勇",
         "艳", "杰", "秀英", "志强", "海燕", "国华", "春梅"]
UNITS = ["党政办", "党建办", "经济发展办", "社会事务办", "应急办", "规划建设办", "综合执法队", "农业服务中心",
         "财政所", "社保所", "便民服务中心", "退役军人服务站"]
STATUSES = ["未启动", "推进中", "已办结"]
BAD_DATES = ["2026.13.45", "下周五", "2026-02-30", "年底前"]
BAD_STATUSES = ["已完成", "进行中", "完成"]
# Row constraints shared by every shape that has 办理状态 and 办结日期 (frictionless twin of ours).
DONE_RULES_YAML = """\
  - { kind: required_if, field: 办结日期, when: { 办理状态: 已办结 } }
  - { kind: empty_unless, field: 办结日期, when: { 办理状态: 已办结 } }
"""
DONE_CONSTRAINTS = [
    ("办理状态 != '已办结' or 办结日期 != None", "办结日期", "rule:required_if"),
    ("办理状态 == '已办结' or 办结日期 == None", "办结日期", "rule:empty_unless"),
]


def excel_serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


def compare_constraint(left: str, op: str, right: str) -> tuple[str, str, str]:
    """Our `compare` rule as a None-safe frictionless row constraint (a None cell skips the rule,
    as ours skips cells that are empty or unreadable)."""
    return (f"{left} == None or {right} == None or {left} {op} {right}", left, "rule:compare")


def compare_today(left: str, op: str) -> tuple[str, str, str]:
    return (f"{left} == None or str({left}) {op} '{TODAY.isoformat()}'", left, "rule:compare")


@dataclass
class Generated:
    expected: collections.Counter = field(default_factory=collections.Counter)
    injected: collections.Counter = field(default_factory=collections.Counter)
    fr_only: collections.Counter = field(default_factory=collections.Counter)


@dataclass
class Shape:
    name: str
    sheet: str
    schema: str  # our tasks.yaml for `check` (rules both tools run)
    flag_extra: str  # deadline: and outputs: appended for `flag`
    constraints: list[tuple[str, str, str]]  # (frictionless formula, column of our finding, check)
    generate: Callable[[Path, int, float, int, bool], Generated]  # path, rows, bad_rate, seed, shared
    describe: str
    # frictionless (column, check) read as another check of ours: a phone pattern is our type error
    fr_alias: dict[tuple[str, str], str] = field(default_factory=dict)
    date_format_any: bool = False  # frictionless reads text dates with dateutil (format "any")

    def frictionless_schema(self, exported: dict[str, Any]) -> dict[str, Any]:
        """`assistant schema export` of our schema, adapted: no primaryKey (frictionless would
        report each duplicate key twice), no foreignKeys, text dates read with format "any"."""
        exported.pop("primaryKey", None)
        exported.pop("foreignKeys", None)
        if self.date_format_any:
            for f in exported["fields"]:
                if f["type"] == "date":
                    f["format"] = "any"
        return exported


class Book:
    """An xlsxwriter workbook: inline strings (constant_memory, rows streamed to disk) by default,
    or a shared-string table held in memory as Excel and WPS save."""

    def __init__(self, path: Path, shared_strings: bool) -> None:
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(str(path), {} if shared_strings else {"constant_memory": True})
        self.date_fmt = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.head_fmt = self.wb.add_format({"bold": True})

    def register(self, name: str, title: str, headers: list[str]) -> Any:
        ws = self.wb.add_worksheet(name)
        ws.write_string(0, 0, title)
        for c, h in enumerate(headers):
            ws.write_string(1, c, h, self.head_fmt)
        return ws

    def row(self, ws: Any, r: int, values: Iterable[object]) -> None:
        """Write one row: dates as date cells, text as text, numbers as numbers; skip blanks."""
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                ws.write_number(r, c, excel_serial(v), self.date_fmt)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)

    def close(self) -> None:
        self.wb.close()


def person_names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in names:
            names.append(name)
    return names


def random_day(rng: random.Random, start: dt.date = dt.date(2024, 1, 1), end: dt.date = dt.date(2026, 11, 10)) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days))


class Keys:
    """Register keys (`prefix-year-nnnnn`), and the clean rows whose key a duplicate may copy."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.clean: list[tuple[int, str]] = []

    def key(self, i: int) -> str:
        return f"{self.prefix}-{2020 + i // 99_999}-{i % 99_999 + 1:05d}"

    def bad(self, rng: random.Random, i: int) -> str:
        year, n = 2020 + i // 99_999, i % 99_999 + 1
        return rng.choice([f"{self.prefix}{year}-{n:05d}", f"{self.prefix}-{year % 100}-{n:05d}",
                           f"{self.prefix}-{year}-{n:06d}", f"{self.prefix.lower()}-{year}-{n:05d}",
                           f"{self.prefix}-{year}-{n:05d}号"])

    def duplicate(self, rng: random.Random, gen: Generated, sheet_row: int, column: str) -> str:
        """A key copied from an earlier clean row (which is no longer offered): expected on both rows."""
        j = rng.randrange(len(self.clean))
        self.clean[j], self.clean[-1] = self.clean[-1], self.clean[j]
        first_row, first_key = self.clean.pop()
        gen.expected[(sheet_row, column, "unique")] += 1
        gen.expected[(first_row, column, "unique-first")] += 1
        return first_key


def all_shapes() -> dict[str, Shape]:
    # Imported here: each shape module imports this one.
    from shape_dates import SHAPE as DATES
    from shape_default import SHAPE as DEFAULT
    from shape_text import SHAPE as TEXT
    from shape_wide import SHAPE as WIDE

    return {s.name: s for s in (DEFAULT, TEXT, DATES, WIDE)}


def pick(spec: str) -> list[Shape]:
    """'default', 'text,dates' or 'all' -> the shapes, in that order."""
    shapes = all_shapes()
    names = list(shapes) if spec.strip() == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in shapes]
    if unknown:
        raise SystemExit(f"unknown shape {', '.join(unknown)}; choose from {', '.join(shapes)} or all")
    return [shapes[n] for n in names]
