"""A realistic task register for the write-back tests, built with xlsxwriter the way people's
workbooks look: a merged title, styled headers, drop-down lists (one fed from a hidden sheet), their
own conditional formats, a note, an image, a chart, defined names, frozen panes, custom widths,
date and percent formats, text that starts with "=", and real formulas.

Also what the tests need to look inside a package: zip parts, canonical XML of worksheet elements,
every cell of every sheet as openpyxl sees it (value, type, number format, style by value).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from assistant.resources import defaults

TODAY = dt.date(2026, 11, 20)
# mail to the file outbox (outbox/*.eml), one leader: the start of a config's [mail] for tests that send
OUTBOX_MAIL = """
[mail]
transport = "file"
sender = "党政办 <dzb@example.gov.cn>"
allowed_domains = ["example.gov.cn"]

[[recipients]]
name = "张书记"
email = "zhang@example.gov.cn"
"""
SHEET = "督查督办台账"
ROSTER = "人员名册"
OPTIONS = "选项"  # hidden: the drop-down lists
SUMMARY = "统计"
WORKBOOK = "凤凰镇督查台账.xlsx"
HEADERS = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限",
           "进度(%)", "办理状态", "办结日期", "备注"]
OUTPUTS = ["预警状态", "剩余工作日", "校验提示"]  # tasks.yaml `outputs:`, in that order
OUTPUT_COLUMNS = ["M", "N", "O"]  # where they are created: right of the 12 data columns
SOURCES = ["上级交办", "党委会议定", "政府常务会议定", "领导批示", "群众诉求"]
STATES = ["未启动", "推进中", "已办结"]
PEOPLE = [  # 姓名, 科室, 是否领导
    ("张建国", "党政领导", "是"), ("李明", "党政领导", "是"), ("王芳", "党政办", "否"), ("赵磊", "经济发展办", "否"),
    ("周婷", "社会事务办", "否"), ("郑强", "应急办", "否"), ("吴刚", "规划建设办", "否"), ("刘洋", "党建办", "否"),
]
SQL_LIKE = "=SUM(A1)"  # a deadline someone typed as text: must come back as text in our message


@dataclass
class Task:
    key: str
    source: str
    content: str
    unit: str
    owner: str
    leader: str
    assigned: object
    due: object
    progress: object  # a fraction (0.35 shown as 35%) or text
    state: str
    done: object = None
    note: object = None  # text, or ("formula", "=...", cached value)
    expect: str | None = None  # label we expect in 预警状态 on TODAY
    expect_days: int | None = None
    expect_highlight: list[str] = field(default_factory=list)  # data columns with an error finding


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


# TODAY is Friday 2026-11-20. Working days as the official calendar counts them (no holiday near).
TASKS = [
    Task("DB-2026-001", "上级交办", "凤凰村秸秆禁烧宣传及巡查", "党政办", "王芳", "张建国", d("2026-10-08"),
         d("2026-11-12"), 0.6, "推进中", expect="逾期", expect_days=-6),
    Task("DB-2026-002", "党委会议定", "石桥村道路破损修复", "规划建设办", "吴刚", "李明", d("2026-11-02"),
         d("2026-11-24"), 0.8, "推进中", expect="临期", expect_days=2),
    Task("DB-2026-003", "领导批示", "安全生产大检查", "应急办", "郑强", "李明", d("2026-11-02"),
         d("2026-12-30"), 0.5, "推进中", note="已上报", expect="正常", expect_days=28),
    Task("DB-2026-004", "群众诉求", "场镇社区噪音投诉处理", "社会事务办", "周婷", "张建国", d("2026-10-20"),
         d("2026-11-15"), 1.0, "已办结", done=d("2026-11-10"), expect="已办结"),
    Task("DB-2026-005", "上级交办", "森林防火物资储备", "应急办", "郑强", "李明", d("2026-09-01"),
         d("2026-12-31"), 0.1, "推进中", expect="滞后", expect_days=29),
    Task("DB-2026-006", "政府常务会议定", "人口普查数据复核", "党政办", "王芳", "张建国", d("2026-10-10"),
         "2026.13.45", 0.3, "推进中", expect="待核实", expect_highlight=["完成时限"]),
    Task("DB-2026-007", "党委会议定", "基层党组织换届准备", "党建办", "刘洋", "李明", d("2026-11-05"),
         d("2026-12-25"), 0.4, "推进中", note="=1+1", expect="正常", expect_days=25),
    Task("DB-2026-008", "上级交待", "食品安全自查", "社会事务办", "周婷", "张建国", d("2026-11-03"),
         d("2026-12-18"), 0.5, "推进中", expect="正常", expect_days=20, expect_highlight=["事项来源"]),
    Task("DB-2026-009", "领导批示", "防汛应急预案修订", "应急办", "郑强", "李明", d("2026-11-01"),
         SQL_LIKE, 0.2, "未启动", expect="待核实", expect_highlight=["完成时限"]),
    Task("DB-2026-010", "上级交办", "政务公开栏内容更新", "党政办", "赵磊", "张建国", d("2026-11-09"),
         d("2026-12-21"), 0.4, "推进中", note=("formula", '=TEXT(H12,"yyyy-mm-dd")&"前完成"', "2026-12-21前完成"),
         expect="正常", expect_days=21),
    Task("DB-2026-011", "群众诉求", "自来水管网维修", "规划建设办", "吴刚", "李明", d("2026-10-12"),
         d("2026-11-16"), 1.0, "已办结", done=d("2026-11-18"), expect="逾期办结"),
    Task("DB-2026-012", "党委会议定", "退役军人信息采集", "党政办", "孙悟空", "张建国", d("2026-11-04"),
         d("2026-12-28"), 0.5, "推进中", expect="正常", expect_days=26),
]


def png_bytes(width: int = 12, height: int = 8, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small valid PNG (8-bit RGB), made without any image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def build_register(path: Path, tasks: list[Task] | None = None, *, outputs: dict[str, dict] | None = None,
                   title: str = "凤凰镇督查督办台账（2026年）") -> Path:
    """Write the fixture workbook. `outputs` pre-fills assistant-owned columns: {key: {header: value}}
    (the headers are then present in row 2, as after an earlier run)."""
    import xlsxwriter

    tasks = TASKS if tasks is None else tasks
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))  # not constant_memory: shared strings, as Excel/WPS save
    title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter",
                               "font_name": "黑体"})
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center"})
    text = wb.add_format({"border": 1, "font_name": "宋体", "font_size": 11})
    wrap = wb.add_format({"border": 1, "font_name": "宋体", "font_size": 11, "text_wrap": True})
    date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd", "align": "center"})
    pct = wb.add_format({"border": 1, "num_format": "0%"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    grey = wb.add_format({"font_color": "#808080"})

    ws = wb.add_worksheet(SHEET)
    options = wb.add_worksheet(OPTIONS)
    roster = wb.add_worksheet(ROSTER)
    summary = wb.add_worksheet(SUMMARY)

    # The register.
    ws.merge_range(0, 0, 0, len(HEADERS) - 1, title, title_fmt)
    ws.set_row(0, 30)
    ws.set_row(1, 32)
    for c, h in enumerate(HEADERS):
        ws.write_string(1, c, h, head)
    extra = [h for h in OUTPUTS if outputs is not None]
    for c, h in enumerate(extra, start=len(HEADERS)):
        ws.write_string(1, c, h, head)
    for i, t in enumerate(tasks):
        r = i + 2
        for c, value in enumerate([t.key, t.source, t.content, t.unit, t.owner, t.leader]):
            ws.write_string(r, c, value, wrap if c == 2 else text)
        for c, value in ((6, t.assigned), (7, t.due), (10, t.done)):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif value is None:
                ws.write_blank(r, c, None, date)
            else:
                ws.write_string(r, c, str(value), date)  # a date typed as text, "=SUM(A1)" included
        if isinstance(t.progress, (int, float)):
            ws.write_number(r, 8, t.progress, pct)
        else:
            ws.write_string(r, 8, str(t.progress), pct)
        ws.write_string(r, 9, t.state, text)
        if isinstance(t.note, tuple):
            ws.write_formula(r, 11, t.note[1], text, t.note[2])
        elif t.note is None:
            ws.write_blank(r, 11, None, text)
        else:
            ws.write_string(r, 11, t.note, text)  # "=1+1" stays a string: write_string, not write()
        for c, h in enumerate(extra, start=len(HEADERS)):
            value = (outputs or {}).get(t.key, {}).get(h)
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value, text)
            elif value is not None:
                ws.write_string(r, c, value, text)
    last = len(tasks) + 2  # 1-based last data row
    ws.set_column("A:A", 14)
    ws.set_column("B:B", 14)
    ws.set_column("C:C", 30)
    ws.set_column("D:F", 12)
    ws.set_column("G:H", 12)
    ws.set_column("I:I", 8)
    ws.set_column("J:J", 10)
    ws.set_column("K:K", 12)
    ws.set_column("L:L", 24)
    ws.freeze_panes(2, 1)
    ws.autofilter(1, 0, last - 1, len(HEADERS) - 1)
    ws.repeat_rows(1)
    ws.print_area(0, 0, last - 1, len(HEADERS) - 1)
    ws.data_validation("B3:B500", {"validate": "list", "source": SOURCES,
                                   "error_title": "事项来源", "error_message": "请从下拉列表中选择"})
    ws.data_validation("J3:J500", {"validate": "list", "source": "=状态列表",
                                   "input_title": "办理状态", "input_message": "未启动/推进中/已办结"})
    ws.data_validation("I3:I500", {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1})
    ws.conditional_format("I3:I500", {"type": "cell", "criteria": ">=", "value": 1, "format": red})
    ws.conditional_format("A3:L500", {"type": "formula", "criteria": '=$J3="已办结"', "format": grey})
    ws.conditional_format("I3:I500", {"type": "data_bar", "bar_color": "#63BE7B"})
    ws.write_comment("H2", "完成时限：填日期，如 2026-11-05", {"author": "党政办"})
    ws.insert_image("R2", "seal.png", {"image_data": io.BytesIO(png_bytes()), "x_scale": 2, "y_scale": 2})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "进度", "categories": [SHEET, 2, 0, last - 1, 0], "values": [SHEET, 2, 8, last - 1, 8]})
    chart.set_title({"name": "办理进度"})
    ws.insert_chart("R8", chart)

    # The hidden list sheet and the name the drop-down uses.
    for i, s in enumerate(STATES):
        options.write_string(i, 0, s)
    for i, s in enumerate(SOURCES):
        options.write_string(i, 1, s)
    options.hide()
    wb.define_name("状态列表", f"={OPTIONS}!$A$1:$A${len(STATES)}")
    wb.define_name("来源列表", f"={OPTIONS}!$B$1:$B${len(SOURCES)}")

    # The roster the register's 责任人 refers to.
    roster_headers = ["姓名", "单位", "科室", "编制类型", "用工性质", "状态", "到岗日期", "是否领导", "手机", "邮箱"]
    for c, h in enumerate(roster_headers):
        roster.write_string(0, c, h, head)
    for i, (name, dept, leader) in enumerate(PEOPLE, start=1):
        row = [name, dept, "", "党政", "在编", "在岗", "2020-01-02", leader, f"1398130{i:04d}", f"user{i}@example.gov.cn"]
        for c, value in enumerate(row):
            roster.write_string(i, c, value, text)
    roster.set_column("A:A", 10)
    roster.set_column("I:J", 18)

    # A summary with real formulas.
    summary.write_string(0, 0, "事项总数")
    summary.write_formula(0, 1, f"=COUNTA({SHEET}!A3:A500)", None, len(tasks))
    summary.write_string(1, 0, "已办结")
    summary.write_formula(1, 1, f'=COUNTIF({SHEET}!J3:J500,"已办结")', None,
                          sum(t.state == "已办结" for t in tasks))
    summary.write_string(2, 0, "平均进度")
    summary.write_formula(2, 1, f"=AVERAGE({SHEET}!I3:I500)", pct, 0.5)
    wb.close()
    return path


# --- an office folder around it ---------------------------------------------------------------------

def make_office(root: Path, tasks: list[Task] | None = None, *, keep_backups: int | None = None,
                name: str = WORKBOOK) -> Path:
    """An office folder with the default schemas and the fixture workbook; returns the workbook."""
    (root / "sheets_schema").mkdir(parents=True, exist_ok=True)
    for schema in defaults("sheets_schema").glob("*.yaml"):
        shutil.copy(schema, root / "sheets_schema" / schema.name)
    extra = f"\n[writeback]\nkeep_backups = {keep_backups}\n" if keep_backups is not None else ""
    (root / "assistant.toml").write_text(
        f'[office]\nname = "凤凰镇党政办"\n\n[[workbooks]]\nname = "凤凰镇"\nsource = "data/{name}"\n{extra}',
        encoding="utf-8")
    return build_register(root / "data" / name, tasks)


# --- looking inside ---------------------------------------------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def parts(path_or_bytes) -> dict[str, bytes]:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def sheet_part(path, sheet: str = SHEET) -> str:
    """The zip part of worksheet `sheet` (through workbook.xml and its relationships)."""
    p = parts(path)
    wb = etree.fromstring(p["xl/workbook.xml"])
    rels = etree.fromstring(p["xl/_rels/workbook.xml.rels"])
    rid = next(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
               for s in wb.iter(f"{{{NS}}}sheet") if s.get("name") == sheet)
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def canon(el: etree._Element) -> tuple:
    """An element's content independent of namespace prefixes, attribute order and layout whitespace."""
    return (etree.QName(el).localname, tuple(sorted((etree.QName(k).localname, v) for k, v in el.attrib.items())),
            (el.text or "").strip(), tuple(canon(c) for c in el if isinstance(c.tag, str)))


def sheet_root(path, sheet: str = SHEET) -> etree._Element:
    return etree.fromstring(parts(path)[sheet_part(path, sheet)], etree.XMLParser(huge_tree=True))


def cells_xml(path, sheet: str = SHEET) -> dict[str, etree._Element]:
    """ref -> <c> element of a worksheet."""
    return {c.get("r"): c for c in sheet_root(path, sheet).iter(f"{{{NS}}}c")}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def style_repr(cell) -> tuple:
    """A cell's style by value (openpyxl's style ids differ between workbooks)."""
    return (cell.number_format, repr(cell.font), repr(cell.fill), repr(cell.border), repr(cell.alignment),
            repr(cell.protection))


def snapshot(path, skip: dict[str, set[str]] | None = None) -> dict[tuple[str, str], tuple]:
    """Every cell of every sheet as openpyxl reads it: (sheet, ref) -> (value, type, style by value),
    leaving out the columns in `skip` ({sheet: {"M", "N"}})."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cols = (skip or {}).get(ws.title, set())
        for row in ws.iter_rows():
            for cell in row:
                letter = get_column_letter(cell.column)
                if letter in cols:
                    continue
                comment = cell.comment.text if cell.comment else None
                out[(ws.title, f"{letter}{cell.row}")] = (type(cell).__name__, cell.value, cell.data_type, comment,
                                                          *style_repr(cell))
    wb.close()
    return out
