"""Judge → annotate: what to write into a register's assistant-owned columns.

For every data row: the deadline label (预警状态), working days left (剩余工作日) and the plain-language
findings (校验提示), coloured by status; cells with error findings are highlighted. The plan is
made from one read of the workbook and is only applied to those same bytes (see the sources).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from assistant.checks.base import Context
from assistant.findings import Finding
from assistant.sources.xlsx_patch import CellWrite, Fill, SheetPatch

STATUS_FILLS = {
    "overdue": Fill("FFFFC7CE"),  # red
    "due_soon": Fill("FFFFEB9C"),  # yellow
    "behind_pace": Fill("FFFFD8A8"),  # orange
    "on_track": Fill("FFC6EFCE"),  # green
    "done": Fill("FFE7E6E6"),  # grey
    "done_late": Fill("FFE7E6E6"),
    "invalid": Fill("FFE4DFEC"),  # lavender: to verify
}
FINDING_FILLS = {"error": Fill("FFFFC7CE"), "warning": Fill("FFFFF2CC")}
SEPARATOR = "；"
NEW_COLUMN_WIDTHS = {"status": 10.0, "days": 10.0, "findings": 48.0}


@dataclass
class WorkbookPlan:
    workbook: str
    fingerprint: str | None  # of the bytes the plan was made from
    sheets: list[SheetPatch] = field(default_factory=list)


def sheet_patch(ctx: Context, findings: list[Finding], deadlines: pd.DataFrame | None) -> SheetPatch | None:
    """The write-back for one table, or None when its register has no outputs."""
    reg, table = ctx.register, ctx.table
    outputs = {"status": reg.outputs.status, "days": reg.outputs.days, "findings": reg.outputs.findings}
    outputs = {role: name for role, name in outputs.items() if name}
    if not outputs:
        return None
    columns: dict[str, int] = {}
    new: list[str] = []
    next_free = max(table.width, max(table.columns.values(), default=-1) + 1)
    for name in outputs.values():
        if name in table.columns:
            columns[name] = table.columns[name]
        else:
            columns[name], next_free = next_free, next_free + 1
            new.append(name)

    by_row: dict[int, list[Finding]] = defaultdict(list)
    highlights = []
    for f in findings:
        if f.row is None:
            continue
        by_row[f.row].append(f)
        if f.severity == "error" and f.cell:
            highlights.append(f.cell)

    status = dict(zip(deadlines["row"], deadlines["status"])) if deadlines is not None else {}
    label = dict(zip(deadlines["row"], deadlines["label"])) if deadlines is not None else {}
    days = dict(zip(deadlines["row"], deadlines["days_left"])) if deadlines is not None else {}
    rows: dict[int, dict[str, CellWrite]] = {}
    for n in table.rows.tolist():
        writes: dict[str, CellWrite] = {}
        st = status.get(n)
        if "status" in outputs:
            writes[outputs["status"]] = CellWrite(label.get(n), STATUS_FILLS.get(st))
        if "days" in outputs:
            d = days.get(n)
            shown = None if st in ("done", "done_late", "invalid") or d is None or pd.isna(d) else int(d)
            writes[outputs["days"]] = CellWrite(shown, STATUS_FILLS.get(st), number=True)
        if "findings" in outputs:
            found = sorted(by_row.get(n, []), key=lambda f: f.severity != "error")
            text = SEPARATOR.join(f.message for f in found) or None
            worst = FINDING_FILLS[found[0].severity] if found else None
            writes[outputs["findings"]] = CellWrite(text, worst)
        rows[n] = writes
    for n in table.stale_rows.tolist():  # rows emptied since last time: clear what we wrote there
        rows[n] = {name: CellWrite(None) for name in columns}

    style_column = table.columns.get(reg.key or "", min(table.columns.values(), default=0))
    widths = {name: NEW_COLUMN_WIDTHS[role] for role, name in outputs.items()}
    return SheetPatch(sheet=table.sheet, header_row=table.header_row, columns=columns, new_columns=new,
                      rows=rows, style_column=style_column, highlights=highlights, widths=widths)
