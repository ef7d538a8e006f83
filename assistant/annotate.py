"""Judge → annotate: what to write into a register's assistant-owned columns.

For every data row: the deadline label (预警状态), working days left (剩余工作日) and the plain-language
findings (校验提示, wrapped), coloured by status; cells with error findings are highlighted; the
status column's header carries the legend of the colours as a note. Built column by
column (one list per output column, aligned with the rows), so 100k rows cost a few vector
operations, not 300k little objects. The plan is made from one read of the workbook and is only
applied to those same bytes (see the sources).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assistant.checks.base import Context
from assistant.findings import Finding
from assistant.status import MARKS, STATUSES, legend
from assistant.writeback import Fill, SheetPatch

STATUS_FILLS = {s.code: Fill(s.fill) for s in STATUSES.values()}  # status code -> fill, from assistant.status
FINDING_FILLS = {m.severity: Fill(m.fill) for m in MARKS.values()}  # the 校验提示 cell of a row with findings
HIGHLIGHT = Fill(MARKS["error"].fill, MARKS["error"].font)  # a cell in error
SEPARATOR = "；"
# Our columns' widths in characters, where nobody set one: the hints wrap within their 48.
COLUMN_WIDTHS = {"status": 10.0, "days": 10.0, "findings": 48.0}
NO_DAYS = [s.code for s in STATUSES.values() if not s.shows_days]  # finished or undated: no days to show


def sheet_patch(ctx: Context, findings: list[Finding], deadlines: pd.DataFrame | None) -> SheetPatch | None:
    """The write-back for one table, or None when its register has no outputs."""
    reg, table = ctx.register, ctx.table
    outputs = {"status": reg.outputs.status, "days": reg.outputs.days, "findings": reg.outputs.findings}
    roles: dict[str, str] = {role: name for role, name in outputs.items() if name}
    if not roles:
        return None
    columns: dict[str, int] = {}
    new: list[str] = []
    next_free = max(table.width, max(table.columns.values(), default=-1) + 1)
    for name in roles.values():
        if name in table.columns:
            columns[name] = table.columns[name]
        else:
            columns[name], next_free = next_free, next_free + 1
            new.append(name)

    n = len(table)
    values: dict[str, list] = {}
    fills: dict[str, list] = {}
    status = deadlines["status"].to_numpy(dtype=object) if deadlines is not None else np.full(n, None, dtype=object)
    status_fill = [STATUS_FILLS.get(s) for s in status]
    if "status" in roles:
        labels = deadlines["label"].to_numpy(dtype=object) if deadlines is not None else status
        values[roles["status"]], fills[roles["status"]] = list(labels), status_fill
    if "days" in roles:
        days = pd.Series([None] * n, dtype=object)
        if deadlines is not None:
            d = deadlines["days_left"].reset_index(drop=True)
            shown = d.notna().to_numpy() & ~np.isin(status, NO_DAYS)
            days[shown] = d[shown].astype(int).astype(object)
        values[roles["days"]], fills[roles["days"]] = days.tolist(), status_fill
    if "findings" in roles:
        values[roles["findings"]], fills[roles["findings"]] = _finding_texts(table.rows, findings)

    rows = table.rows.tolist()
    stale = table.stale_rows.tolist()  # rows emptied since last time: clear what we wrote there
    if stale:
        rows += stale
        for name in values:
            values[name] = values[name] + [None] * len(stale)
            fills[name] = fills[name] + [None] * len(stale)
    style_column = table.columns.get(reg.key or "", min(table.columns.values(), default=0))
    highlights = [f.cell for f in findings if f.severity == "error" and f.cell]
    return SheetPatch(sheet=table.sheet, header_row=table.header_row, columns=columns, new_columns=new,
                      rows=rows, values=values, fills=fills, numbers={roles["days"]} if "days" in roles else set(),
                      style_column=style_column, highlights=highlights, highlight=HIGHLIGHT,
                      widths={name: COLUMN_WIDTHS[role] for role, name in roles.items()},
                      # Hints wrap within their column: a long one no longer runs across the page.
                      wrap={roles["findings"]} if "findings" in roles else set(),
                      notes={roles["status"]: legend()} if "status" in roles else {},
                      roles=roles, key_column=style_column, label_fills=label_fills(),
                      finding_fills=dict(FINDING_FILLS))


def label_fills() -> dict[str, Fill]:
    """Each status label, as the status column shows it in the current language, with its fill
    (most urgent first): what a source that colours by rule (Sheets) needs to know of statuses."""
    return {s.label: STATUS_FILLS[s.code] for s in STATUSES.values()}


def _finding_texts(rows: np.ndarray, findings: list[Finding]) -> tuple[list, list]:
    """Per row: its findings' messages (errors first) and the fill of the worst severity."""
    texts: list = [None] * len(rows)
    fills: list = [None] * len(rows)
    position = {row: i for i, row in enumerate(rows.tolist())}
    messages: dict[int, list[str]] = {}
    errors: set[int] = set()
    for f in sorted((f for f in findings if f.row is not None), key=lambda f: f.severity != "error"):
        i = position.get(f.row)
        if i is not None:  # linear in the findings, not the rows
            messages.setdefault(i, []).append(f.message)
            if f.severity == "error":
                errors.add(i)
    for i, texts_i in messages.items():
        texts[i] = SEPARATOR.join(texts_i)
        fills[i] = FINDING_FILLS["error" if i in errors else "warning"]
    return texts, fills
