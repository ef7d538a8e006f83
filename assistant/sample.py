"""The demo workbook that `assistant init` puts in data/: realistic rows and a handful of the
mistakes new staff really make, with dates relative to the day it is made so the demo always shows
overdue, due-soon and on-track items."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from assistant.reports.render_xlsx import HEAD_FILL
from assistant.sample_pack import PACK, ROSTER, ROSTER_HEADERS, ROSTER_WIDTHS

TASK_HEADERS = ["编号", "事项来源", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限",
                "进度(%)", "办理状态", "办结日期", "备注"]


def _tasks(today: dt.date) -> list[list]:
    d = lambda days: today + dt.timedelta(days=days)  # noqa: E731 - a local shorthand
    return [
        ["DB-2026-001", "上级交办", "秸秆禁烧宣传及巡查", "农业服务中心", "刘洋", "李明", d(-60), d(-20), 100, "已办结", d(-22), ""],
        ["DB-2026-002", "党委会议定", "村级活动阵地改造提升", "党建办", "周婷", "张建国", d(-45), d(-3), 60, "推进中", None, "资金已到位"],
        ["DB-2026-003", "领导批示", "凤凰村道路破损修复", "规划建设办", "郑强", "李明", d(-30), d(2), 70, "推进中", None, ""],
        ["DB-2026-004", "上级交办", "第四季度安全生产大检查", "应急办", "吴刚", "李明", d(-20), "2026.13.45", 40, "推进中", None, "时限待确认"],
        ["DB-2026-005", "群众诉求", "场镇农贸市场噪音投诉处理", "综合执法队", "杨帆", "李明", d(-10), d(25), "五十", "推进中", None, ""],
        ["DB-2026-006", "政府常务会议定", "冬季森林防火物资储备", "应急办", "吴刚", "李明", d(-15), "下周五", 30, "推进中", None, ""],
        ["DB-2026-006", "上级交办", "人口普查数据复核", "社会事务办", "陈静", "张建国", d(-12), d(30), 20, "未启动", None, "编号重复"],
        ["DB-2026-008", "党委会议定", "机关食堂食品安全自查", "党政办", "王芳", "张建国", d(-40), d(-5), 100, "已完成", d(-6), ""],
        ["DB-2026-009", "上级交办", "防汛应急预案修订", "应急办", "吴刚", "李明", d(-50), d(-25), 100, "已办结", None, ""],
        ["DB-2026-010", "领导批示", "政务公开栏内容更新", "党政办", "赵磊", "张建国", d(-5), d(-8), 10, "推进中", None, ""],
        ["DB-2026-011", "上级交办", "退役军人信息采集", "社会事务办", "张三", "张建国", d(-25), d(40), 15, "推进中", None, ""],
        ["DB-2026-012", "党委会议定", "基层党组织换届准备", "党建办", "周婷", "张建国", d(-35), d(60), 30, "推进中", None, ""],
        ["DB-2026-013", "群众诉求", "三组自来水管网维修", "规划建设办", "郑强", "李明", d(-8), "２０２６－１２－３０", 50, "推进中", None, ""],
        ["DB-2026-014", "上级交办", "年度信息报送任务", "党政办", "王芳", "张建国", d(-90), d(20), 40, "推进中", None, ""],
        ["DB-2026-015", "领导批示", "重点项目征地协调", "经济发展办", "刘洋", "李明", d(-14), d(12), 0, "未启动", d(-1), ""],
    ]


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _sheet(ws, title: str, subtitle: str | None, headers: list[str], rows: list[list], widths: list[int]) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    if subtitle:
        ws.append([subtitle])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.append(headers)
    hr = ws.max_row
    for c in ws[hr]:
        c.font, c.fill, c.border = Font(bold=True), HEAD_FILL, _BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(row)
        for c in ws[ws.max_row]:
            c.border = _BORDER
            if isinstance(c.value, dt.datetime):
                c.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(c.value, dt.date):
                c.number_format = "yyyy-mm-dd"
            if isinstance(c.value, int) and c.value > 10**9:
                c.number_format = "0"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=hr + 1, column=1)


def write_sample(path: Path, today: dt.date, office: str = "凤凰镇") -> None:
    wb = Workbook()
    tasks = wb.active
    tasks.title = "督查督办台账"
    _sheet(tasks, f"{office}督查督办台账（{today.year}年）", None, TASK_HEADERS, _tasks(today),
           [13, 13, 30, 13, 9, 9, 12, 12, 9, 10, 12, 14])
    roster = wb.create_sheet("人员名册")
    _sheet(roster, f"{office}机关人员名册", f"填报单位：{office}党政办    更新日期：{today:%Y-%m-%d}",
           ROSTER_HEADERS, ROSTER, ROSTER_WIDTHS)
    for sheet, headers, rows, widths in PACK:
        _sheet(wb.create_sheet(sheet), f"{office}{sheet}", None, headers, rows(today), widths)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
