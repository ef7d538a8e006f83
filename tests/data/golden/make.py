"""Makes the golden office's workbooks, and (with --expect) records what today's code does with them.

    python tests/data/golden/make.py            # rewrite office/data/*.xlsx (deterministic, seed 16)
    python tests/data/golden/make.py --expect   # rewrite expected_check.json and expected_flag.json.gz

The workbooks are committed: the test reads them, it never regenerates them. Run `--expect` only
when a change of results is intended (a new message, a fixed parse), and look at the diff of the
expectation before committing it (docs: README "Development", golden results).

Three workbooks of the shapes issue 16 names, each with the cells people really type:
- text.xlsx (shared strings): a roster, its change log and a text-heavy contact register (names
  checked against a Chinese-name pattern, phones, e-mails, ID numbers, enums, lengths, uniques);
- dates.xlsx (inline strings: xlsxwriter's constant_memory): a date-heavy task register with a
  merged title row, dates in every form, deadlines and the assistant-owned columns;
- wide.xlsx (shared strings): 60 columns of mixed types under a two-row header.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter

HERE = Path(__file__).resolve().parent
OFFICE = HERE / "office"
SEED = 16

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅兰凤建国志永海波宁晨辉鹏飞"
UNITS = ["党政办", "经济发展办", "社会事务办", "综治中心", "应急办", "财政所", "农业服务中心", "自然资源所"]
VILLAGES = ["东村", "西村", "南村", "北村", "凤凰社区", "柳林村", "石桥村", "新华社区"]
CHANGE_KINDS = ["调入", "返岗", "临聘入职", "抽调", "调出", "离职"]
EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (1900 date system)

# ------------------------------------------------------------------------------------------------
# Cell kinds: what a generator puts into a row, written by `Book.row` with the matching xlsxwriter call


class Pct(float):
    """A fraction in a %-formatted cell (0.35 shown as 35%)."""


class Serial(float):
    """An Excel serial day number in a cell without a date format (what a pasted date becomes)."""


class Err(str):
    """An Excel error value (a formula whose cached result is an error)."""


class Blank:
    """A styled empty cell (a bordered, empty row people leave below the table)."""


BLANK = Blank()


class Book:
    def __init__(self, path: Path, inline: bool = False):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": inline, "strings_to_numbers": False,
                                                  "strings_to_formulas": False, "strings_to_urls": False})
        self.wb.set_properties({"created": dt.datetime(2026, 11, 1, 9, 0, 0)})  # same bytes every run
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = self.wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.pct = self.wb.add_format({"num_format": "0%"})
        self.head = self.wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.title = self.wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.border = self.wb.add_format({"border": 1})

    def row(self, ws: Any, r: int, values: list[Any]) -> None:
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, Blank):
                ws.write_blank(r, c, None, self.border)
            elif isinstance(v, Err):
                formula = {"#N/A": "=NA()", "#DIV/0!": "=1/0", "#VALUE!": '="a"+1', "#REF!": "=#REF!"}[str(v)]
                ws.write_formula(r, c, formula, None, str(v))
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, Pct):
                ws.write_number(r, c, float(v), self.pct)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            elif isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, self.datetime)
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, v, self.date)
            else:
                raise TypeError(f"no cell kind for {v!r}")

    def close(self) -> None:
        self.wb.close()


# ------------------------------------------------------------------------------------------------
# Values people type


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 1, 2))))


def messy_name(rng: random.Random, good: str) -> str:
    return rng.choice([f" {good} ", f"{good}\u3000", f"{good[0]}\u3000{good[1:]}", "Zhang San", f"{good}1", good[0],
                       f"{good}（大）", "欧阳娜娜娜娜", "  ", "买买提·艾力"])


def phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "186", "177", "199"]) + f"{rng.randrange(10**8):08d}"


def messy_phone(rng: random.Random, good: str) -> Any:
    return rng.choice([int(good), f"{good[:3]}-{good[3:7]}-{good[7:]}", f"+86 {good}", f"(0086){good}",
                       good[:10], "2" + good[1:], "１" + good[1:], f"{good} ", "0571-8888888", float(good)])


def id_card(rng: random.Random, born: dt.date) -> str:
    body = f"{rng.choice(['110105', '330102', '420106', '510107'])}{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def messy_id(rng: random.Random, good: str) -> Any:
    wrong = "0" if good[-1] != "0" else "1"
    return rng.choice([good[:-1] + wrong, float(good[:-1] + "0") if good[-1] != "X" else good.lower(), good[:15],
                       good[:6] + "19991332" + good[14:], f" {good} ", "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch
                                                                                  for ch in good)])


def email(rng: random.Random) -> str:
    user = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(3, 9)))
    return f"{user}{rng.randrange(100)}@{rng.choice(['example.gov.cn', 'fh.example.gov.cn', 'qq.com'])}"


def messy_email(rng: random.Random, good: str) -> str:
    user = good.split("@")[0]
    return rng.choice([f"{user}@", f"{user}.example.com", f"{user}＠example.gov.cn", f" {good} ", f"{user}@@x.cn",
                       good.upper(), f"{user}@example"])


def date_forms(rng: random.Random, d: dt.date) -> Any:
    """A date as people put it into a cell: mostly real date cells, and every other form."""
    serial = (d - EPOCH).days
    return rng.choices([
        d, Serial(serial), int(f"{d:%Y%m%d}"), f"{d.year}年{d.month}月{d.day}日", f"{d.year}.{d.month}.{d.day}",
        f"{d:%Y/%m/%d}", f"{d:%Y-%m-%d}", "".join(chr(ord(ch) + 0xFEE0) for ch in f"{d:%Y-%m-%d}"),
        f" {d:%Y-%m-%d}\u3000", f"{d:%Y-%m-%d} 00:00:00", str(serial), dt.datetime(d.year, d.month, d.day, 9, 30),
    ], weights=[30, 6, 6, 6, 5, 5, 5, 2, 2, 2, 2, 3])[0]


BAD_DATES = ["2026-02-30", "下周五", "2026/13/01", "2026年2月29日", "20261341", "即日", "2026.11", "45", "尽快",
             Err("#N/A"), 99999999, -3, "2026-11-20至2026-11-30", True]


def datetime_forms(rng: random.Random, t: dt.datetime) -> Any:
    serial = (t - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    return rng.choices([
        t, Serial(round(serial, 6)), f"{t:%Y/%m/%d %H:%M}", f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute}分",
        f"{t:%Y-%m-%d %H:%M:%S}", f"{t:%Y.%m.%d %H:%M}", t.date(), f"{t:%Y-%m-%d}T{t:%H:%M}",
    ], weights=[30, 5, 6, 5, 5, 3, 3, 2])[0]


BAD_DATETIMES = ["2026-11-05 25:00", "2026-11-31 10:00", "下午三点", "2026年11月5日下午", Err("#VALUE!")]


def maybe(rng: random.Random, p: float, spoil: Callable[[random.Random, Any], Any], good: Any) -> Any:
    """`good`, or with probability p what `spoil` makes of it."""
    return spoil(rng, good) if rng.random() < p else good


def bad_date(rng: random.Random, _good: Any) -> Any:
    return rng.choice(BAD_DATES)


def bad_datetime(rng: random.Random, _good: Any) -> Any:
    return rng.choice(BAD_DATETIMES)


# ------------------------------------------------------------------------------------------------
# text.xlsx: roster, change log, contact register (text-heavy), shared strings


def make_text(rng: random.Random) -> list[str]:
    """Writes text.xlsx; returns the staff names (other registers refer to them)."""
    book = Book(OFFICE / "data" / "text.xlsx")
    staff: list[tuple[str, str, str]] = []
    ws = book.wb.add_worksheet("人员名册")
    book.row(ws, 0, ["姓名", "单位", "是否领导", "状态", "手机", "邮箱"])
    seen: set[str] = set()
    for r in range(1, 181):
        n = name(rng)
        while n in seen:
            n = name(rng)
        if r % 37 == 0:  # the name of the row 8 above, same unit: unique_together
            n = staff[r - 9][0]
        seen.add(n)
        unit = UNITS[r % len(UNITS)] if r % 53 else "不存在办"
        status = rng.choices(["在岗", "抽调", "调出", "离职", "病休"], weights=[20, 2, 2, 1, 1])[0]
        lead = rng.choice(["是", "否", "√", "", "Y", "否", "否", "对", "也许"] if r % 11 else ["是"])
        p = phone(rng)
        book.row(ws, r, [maybe(rng, 0.05, messy_name, n), unit, lead, status,
                         maybe(rng, 0.1, messy_phone, p), maybe(rng, 0.1, messy_email, email(rng))])
        staff.append((n, unit, status))
    # the change log: dates in every form; the latest change decides the roster's 状态
    ws = book.wb.add_worksheet("人员变动")
    book.row(ws, 0, ["姓名", "日期", "变动类型", "说明"])
    for r in range(1, 161):
        n = rng.choice(staff)[0]
        d = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(680))
        kind = rng.choice(CHANGE_KINDS) if r % 29 else "退休"
        book.row(ws, r, [n, maybe(rng, 0.04, bad_date, date_forms(rng, d)), kind,
                         rng.choice(["", "组织部通知", "本人申请", "  "])])
    # the contact register: many text columns, each with patterns, enums, lengths and uniques
    ws = book.wb.add_worksheet("联系登记")
    heads = ["编号", "姓名", "性别", "身份证号", "手机", "邮箱", "座机", "单位", "村（社区）", "类别", "地址", "事由",
             "登记人", "复核人", "陪同人员", "回避人员", "是否回访", "回访方式", "备注"]
    book.row(ws, 0, heads)
    ids: list[str] = []
    on_duty = [n for n, _, status in staff if status == "在岗"]
    last = ("", "")
    numbers = list(range(1, 2201))
    for gap in (17, 18, 400, 1999):  # gaps in the numbering
        numbers.remove(gap)
    for r, num in enumerate(numbers[:2000], start=1):
        n = name(rng)
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(24000))
        card = id_card(rng, born)
        if r % 97 == 0 and ids:  # a repeated ID number
            card = rng.choice(ids)
        ids.append(card)
        p = phone(rng)
        if r % 149 == 0:  # the same person again: unique_together on name and phone
            n, p = last
        last = n, p
        code = f"LX-2026-{num:04d}"
        if r % 211 == 0:
            code = f"LX-2026-{num - 1:04d}"  # a repeated number
        elif r % 307 == 0:
            code = rng.choice([f"LX2026{num:04d}", f"lx-2026-{num:04d}", f"LX-2026-{num:04d} ", f"LX-２０２６-{num:04d}"])
        revisit = rng.choices(["是", "否", "√", "×", "", "待定"], weights=[10, 10, 2, 2, 3, 1])[0]
        way = rng.choice(["电话", "上门", "短信"]) if revisit in ("是", "√") else rng.choice([""] * 9 + ["电话"])
        with_ = "、".join(rng.sample([s[0] for s in staff[:40]], rng.randrange(0, 3)))
        avoid = "，".join(rng.sample([s[0] for s in staff[30:60]], rng.randrange(0, 2)))
        unit = UNITS[r % (len(UNITS) - 1)]  # 自然资源所 never has a row: `complete` reports it
        book.row(ws, r + (r >= 1000), [  # a blank row in the middle, above row 1000's
            code,
            maybe(rng, 0.06, messy_name, n),
            rng.choice(["男", "女"]) if r % 131 else rng.choice(["未知", "M", " 女 "]),
            maybe(rng, 0.05, messy_id, card),
            maybe(rng, 0.06, messy_phone, p) if r % 43 else "",
            maybe(rng, 0.05, messy_email, email(rng)) if r % 5 else None,
            rng.choices([f"0571-{rng.randrange(10**7, 10**8)}", f"0571{rng.randrange(10**7, 10**8)}", "", "无",
                         "88886666"], weights=[8, 1, 8, 1, 1])[0],
            unit if r % 59 else rng.choice(["党政 办", "党政办\u3000", "经发办", "ＡＢＣ"]),
            rng.choice(VILLAGES) if r % 67 else rng.choice(["东 村", "外地", " 西村", "南村社区"]),
            rng.choice(["求助", "咨询", "投诉", "建议"]) if r % 71 else "其他",
            rng.choice(["凤凰镇", "柳林村", "石桥村"]) + f"{rng.randrange(1, 300)}号" + ("" if r % 83 else "附近" * 30),
            rng.choice(["低保申请咨询", "宅基地纠纷", "道路破损", "噪音扰民", "医保报销", "就业帮扶"]) * (1 if r % 89 else 12),
            rng.choice(on_duty) if r % 23 else rng.choice(["外来人员", rng.choice(staff)[0], ""]),
            rng.choice(on_duty) if r % 9 else rng.choice(["", "临时工", rng.choice(staff)[0]]),
            with_, avoid if r % 61 else (with_.split("、")[0] if with_ else avoid),
            revisit, way,
            rng.choice(["", "", "", "已电话回复", "　", "   ", "=SUM(A1)", "见附件", "12345"]),
        ])
    book.row(ws, 2003, [BLANK] * len(heads))  # styled empty rows below the table
    book.row(ws, 2004, [BLANK] * len(heads))
    book.row(ws, 2005, ["  ", None, "\u3000"])
    book.close()
    return [s[0] for s in staff]


# ------------------------------------------------------------------------------------------------
# dates.xlsx: a date-heavy task register with a merged title row, inline strings


def make_dates(rng: random.Random, staff: list[str]) -> None:
    book = Book(OFFICE / "data" / "dates.xlsx", inline=True)
    ws = book.wb.add_worksheet("督办事项")
    heads = ["编号", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限", "办结日期", "办理状态", "进度(%)",
             "登记时间", "会议室", "会议开始", "会议结束", "值班日期", "截止时间", "复核日期"]
    ws.merge_range(0, 0, 0, len(heads) - 1, "凤凰镇督办事项台账（2026年）", book.title)
    for c, h in enumerate(heads):
        ws.write_string(1, c, h, book.head)
    today = dt.date(2026, 11, 20)
    stamp = dt.datetime(2026, 1, 5, 8, 0)
    leaders = staff[10::11][:6]  # roster rows marked 是否领导 = 是
    r = 2
    for i in range(1, 2001):
        if i == 900:
            r += 1  # a blank row in the middle
        given = dt.date(2026, 1, 2) + dt.timedelta(days=rng.randrange(320))
        due = given + dt.timedelta(days=rng.choice([3, 7, 10, 15, 30, 60, 90]))
        if i % 41 == 0:
            due = given - dt.timedelta(days=5)  # due before it was given
        status = rng.choices(["未启动", "推进中", "已办结", "已销号", ""], weights=[3, 8, 8, 1, 1])[0]
        done: Any = None
        if status == "已办结":
            done = given + dt.timedelta(days=rng.randrange(1, 80))
            if i % 13 == 0:
                done = None  # done without a date: required_if
        elif i % 19 == 0:
            done = given + dt.timedelta(days=3)  # a date while not done: empty_unless
        progress: Any = 100 if status == "已办结" and i % 23 else rng.choice([0, 10, 20, 35, 50, 60, 80, 90])
        progress = rng.choice([progress, f"{progress}%", Pct(progress / 100), f"{progress}", f"{progress}％",
                               "过半", 120, -5, ""]) if i % 7 == 0 else progress
        stamp += dt.timedelta(minutes=rng.randrange(30, 400))
        logged: Any = stamp if i % 101 else stamp - dt.timedelta(days=3)  # a step back: monotonic
        room = rng.choice(["一号会议室", "二号会议室", "三楼小会议室"])
        meeting = dt.datetime.combine(given, dt.time(rng.randrange(8, 18), rng.choice([0, 30])))
        meeting_end = meeting + dt.timedelta(minutes=rng.choice([30, 60, 90, 120]))
        met = i % 4 == 0  # one row in four records a meeting
        duty = dt.date(2026, 10, 1) + dt.timedelta(days=(i * 7) % 31)
        cutoff = dt.datetime.combine(due, dt.time(17, 30))
        review = done + dt.timedelta(days=rng.randrange(0, 10)) if isinstance(done, dt.date) else None
        bad_due = rng.random() < 0.03
        book.row(ws, r, [
            f"DB-2026-{i:04d}" if i % 251 else f"DB-2026-{i:04d}-1",
            rng.choice(["秸秆禁烧宣传", "防汛物资清点", "人居环境整治", "安全生产检查", "信访积案化解", "高标准农田验收"]),
            rng.choice(UNITS[:6]) if i % 47 else "",
            rng.choice(staff) if i % 31 else "不在名册",
            rng.choice(leaders),
            maybe(rng, 0.02, bad_date, date_forms(rng, given)),
            ("" if i % 3 else rng.choice(BAD_DATES)) if bad_due else date_forms(rng, due),
            date_forms(rng, done) if isinstance(done, dt.date) else None,
            status,
            progress,
            maybe(rng, 0.03, bad_datetime, datetime_forms(rng, logged)),
            room if met else None,
            datetime_forms(rng, meeting) if met else None,
            (datetime_forms(rng, meeting_end) if i % 37 else datetime_forms(rng, meeting - dt.timedelta(hours=1)))
            if met else None,
            date_forms(rng, duty) if i % 3 else None,
            datetime_forms(rng, cutoff) if i % 2 else None,
            date_forms(rng, review) if review and review <= today else (date_forms(rng, today + dt.timedelta(days=9))
                                                                       if i % 173 == 0 else None),
        ])
        r += 1
    for _ in range(3):  # trailing empty rows people leave formatted
        book.row(ws, r, [BLANK] * len(heads))
        r += 1
    book.close()


# ------------------------------------------------------------------------------------------------
# wide.xlsx: 60 columns of mixed types under a two-row header, shared strings

WIDE_KINDS = ["integer", "number", "percent", "boolean", "string", "date"]


def wide_columns() -> list[tuple[str, str, str]]:
    """(group label, header, type) of the 60 columns: 序号, 村名, 截止日期, then 57 in six kinds."""
    cols = [("", "序号", "integer"), ("", "村名", "string"), ("", "截止日期", "date")]
    labels = {"integer": "户数", "number": "金额", "percent": "完成率", "boolean": "达标", "string": "说明", "date": "日期"}
    for i in range(57):
        kind = WIDE_KINDS[i % len(WIDE_KINDS)]
        cols.append((f"第{i // 12 + 1}组", f"{labels[kind]}{i + 1:02d}", kind))
    return cols


def wide_value(rng: random.Random, kind: str, r: int, c: int) -> Any:
    odd = rng.random() < 0.02
    if kind == "integer":
        n = rng.randrange(0, 5000)
        return rng.choice([str(n), f"{n:,}", "".join(chr(ord(ch) + 0xFEE0) for ch in str(n)), "五十", -n, n + 0.5,
                           f" {n} ", Err("#DIV/0!"), "  "]) if odd else n
    if kind == "number":
        v = round(rng.uniform(0, 1_510_000), 2)
        return rng.choice([f"{v:,.2f}", str(v), "约100万", "1.2e3", f"{v}元", "—", Err("#N/A"), "\u3000"]) if odd else v
    if kind == "percent":
        v = rng.randrange(0, 101)
        # each percent column is read either as points or as %-formatted fractions
        base: Any = Pct(v / 100) if c % 2 else v
        return rng.choice([f"{v}%", f"{v}％", f"{v / 100}", "百分之五十", 150, Pct(v / 100), f"{v} %"]) if odd else base
    if kind == "boolean":
        return rng.choice(["是", "否", "√", "×"]) if not odd else rng.choice(["Y", "N", "对", "有", "无", "1", 0, True, "不确定", "✓"])
    if kind == "string":
        return rng.choice(["正常", "已核实", "待复核", "村委会报送"]) if not odd else rng.choice(
            ["超长说明" * 10, "  ", "１２３", 12345, 3.5, dt.date(2026, 3, 5), "\u3000正常\u3000"])
    d = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
    return rng.choice(BAD_DATES) if odd else date_forms(rng, d)


def make_wide(rng: random.Random) -> None:
    book = Book(OFFICE / "data" / "wide.xlsx")
    ws = book.wb.add_worksheet("综合统计")
    cols = wide_columns()
    group_start = 3
    for g in range(5):
        start, end = group_start + g * 12, min(group_start + g * 12 + 11, len(cols) - 1)
        ws.merge_range(0, start, 0, end, f"第{g + 1}组", book.head)
    for c, (_, head, _) in enumerate(cols):
        if c < 3:
            ws.merge_range(0, c, 1, c, head, book.head)  # a header merged down over both rows
        else:
            ws.write_string(1, c, head, book.head)
    today = dt.date(2026, 11, 20)
    for r in range(2, 1002):
        seq = r - 1 if r not in (300, 301) else r + 1  # a repeat and a gap in 序号
        due = today + dt.timedelta(days=rng.randrange(-40, 40))
        values: list[Any] = [seq if r % 113 else str(seq), rng.choice(VILLAGES) if r % 89 else "外村",
                             date_forms(rng, due) if r % 71 else rng.choice(BAD_DATES + ["", None])]
        values += [wide_value(rng, kind, r, c) for c, (_, _, kind) in enumerate(cols) if c >= 3]
        book.row(ws, r, values)
    book.row(ws, 1003, [BLANK] * len(cols))
    book.close()


WIDE_OPTIONS = {"integer": "minimum: 0", "number": "maximum: 1500000", "percent": "minimum: 0, maximum: 100",
                "boolean": "required: true", "string": "max_length: 20", "date": "minimum: 2026-01-01"}


def wide_schema() -> str:
    """The wide register's schema: one line per column, written next to the other schemas."""
    lines = ["# 综合统计：60 列，各种类型；两行表头（上一行是分组）。由 tests/data/golden/make.py 生成。",
             "register: wide", "title: 综合统计", "sheet: 综合统计", "header_rows: 2", "key: 序号", "fields:",
             "  - { name: 序号, type: integer, required: true }",
             "  - { name: 村名, required: true, enum: [东村, 西村, 南村, 北村, 凤凰社区, 柳林村, 石桥村, 新华社区] }",
             "  - { name: 截止日期, type: date }"]
    lines += [f"  - {{ name: {head}, type: {kind}, {WIDE_OPTIONS[kind]} }}" for _, head, kind in wide_columns()[3:]]
    lines += ["rules:", "  - { kind: sequence, field: 序号, start: 1 }",
              "deadline:", "  due: 截止日期", "  warn_within: 5",
              "outputs:", "  status: 状态标记", "  days: 剩余天数", "  findings: 问题说明", ""]
    return "\n".join(lines)


def make_inputs() -> None:
    rng = random.Random(SEED)
    staff = make_text(rng)
    make_dates(rng, staff)
    make_wide(rng)
    (OFFICE / "sheets_schema" / "wide.yaml").write_text(wide_schema(), encoding="utf-8")


def main(argv: list[str]) -> None:
    if argv == ["--expect"]:
        sys.path.insert(0, str(HERE.parents[2]))  # the checkout, so `tests` imports
        from tests.test_golden import record

        record()
    elif not argv:
        make_inputs()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
