"""What `assistant check` prints: the JSON contract (DESIGN §6) or a readable table per sheet."""

from __future__ import annotations

import json
from itertools import groupby
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table as RichTable

from assistant.findings import Finding, counts
from assistant.i18n import tr


def check_json(findings: list[Finding]) -> str:
    c = counts(findings)
    doc = {"ok": c["error"] == 0, "counts": c, "findings": [f.to_json() for f in findings]}
    return json.dumps(doc, ensure_ascii=False, indent=None)


def _console(out: TextIO) -> Console:
    wide = not out.isatty()
    return Console(file=out, width=160 if wide else None, highlight=False, soft_wrap=False,
                   no_color=wide, emoji=False)


def check_text(findings: list[Finding], sheets: dict[tuple[str, str], tuple[str, int]], notices: list[str],
               out: TextIO) -> None:
    """Findings grouped by sheet; `sheets` maps (workbook, register) to (sheet name, data rows)."""
    con = _console(out)
    for notice in notices:
        con.print(f"[yellow]{tr('report.notice')}[/]{notice}")
    by_sheet = {k: list(g) for k, g in groupby(findings, key=lambda f: (f.workbook, f.register))}
    for key, (sheet, n_rows) in sheets.items():
        group = by_sheet.get(key, [])
        c = counts(group)
        head = tr("report.sheet_head", workbook=key[0], sheet=sheet, register=key[1], rows=n_rows)
        if not group:
            con.print(f"[bold]{head}[/]{tr('report.colon')}[green]{tr('report.clean')}[/]")
            continue
        con.print(f"[bold]{head}[/]{tr('report.colon')}{tr('report.counts', error=c['error'], warning=c['warning'])}")
        table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for col in ("report.col.cell", "report.col.key", "report.col.column", "report.col.severity", "report.col.message"):
            table.add_column(tr(col), no_wrap=col != "report.col.message", overflow="fold")
        for f in group:
            sev = tr(f"severity.{f.severity}")
            style = "red" if f.severity == "error" else "yellow"
            table.add_row(f.cell or "—", f.key or "", f.column or "", f"[{style}]{sev}[/]", f.message)
        con.print(table)
    total = counts(findings)
    if total["error"] or total["warning"]:
        con.print(tr("report.total", error=total["error"], warning=total["warning"]))
    else:
        con.print(f"[green]{tr('report.all_clean')}[/]")
