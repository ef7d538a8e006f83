"""What `assistant check` prints: the JSON contract (docs/design.md §6) or a readable table per sheet.

Readable output goes to a terminal: every text that may come from a cell passes `_text` (rich
markup escaped, control characters shown as symbols: ESC → ␛), so a cell cannot recolour the
screen, move the cursor or retitle the window. JSON keeps the exact text (json escapes it).
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby
from typing import TextIO

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from assistant.findings import Finding, counts
from assistant.i18n import tr
from assistant.status import STATUSES
from assistant.text import visible


def _text(value: str) -> str:
    """Text from data, for a rich console: markup escaped, control characters visible."""
    return escape(visible(value))


def check_json(findings: list[Finding]) -> str:
    c = counts(findings)
    doc = {"ok": c["error"] == 0, "counts": c, "findings": [f.to_json() for f in findings]}
    return json.dumps(doc, ensure_ascii=False, indent=None)


def _console(out: TextIO) -> Console:
    wide = not out.isatty()
    return Console(file=out, width=160 if wide else None, highlight=False, soft_wrap=False,
                   no_color=True if wide else None, emoji=False)  # None: a terminal's NO_COLOR is honoured


def _notices(con: Console, notices: list[str]) -> None:
    for notice in notices:
        con.print(f"[yellow]{tr('report.notice')}[/]{_text(notice)}")


def check_text(findings: list[Finding], sheets: dict[tuple[str, str], tuple[str, int]], notices: list[str],
               out: TextIO) -> None:
    """Findings grouped by sheet; `sheets` maps (workbook, register) to (sheet name, data rows)."""
    con = _console(out)
    _notices(con, notices)
    by_sheet = {k: list(g) for k, g in groupby(findings, key=lambda f: (f.workbook, f.register))}
    for key, (sheet, n_rows) in sheets.items():
        group = by_sheet.get(key, [])
        c = counts(group)
        head = _text(tr("report.sheet_head", workbook=key[0], sheet=sheet, register=key[1], rows=n_rows))
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
            table.add_row(f.cell or "—", _text(f.key or ""), _text(f.column or ""), f"[{style}]{sev}[/]",
                          _text(f.message))
        con.print(table)
    total = counts(findings)
    if total["error"] or total["warning"]:
        con.print(tr("report.total", error=total["error"], warning=total["warning"]))
    else:
        con.print(f"[green]{tr('report.all_clean')}[/]")


def flag_json(items: list[dict]) -> str:
    return json.dumps({"items": items}, ensure_ascii=False)


def flag_text(result, dry_run: bool, out: TextIO) -> None:
    """Tracked items, most urgent first, then what was written back where."""
    con = _console(out)
    _notices(con, result.notices)
    urgent = [i for i in result.items if STATUSES[i["status"]].urgent]
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col in ("flag.col.status", "flag.col.days", "flag.col.key", "flag.col.row", "flag.col.due",
                "flag.col.owner", "flag.col.leader", "flag.col.where"):
        table.add_column(tr(col), no_wrap=True)
    for i in urgent:
        style = STATUSES[i["status"]].style
        days = "" if i["days_left"] is None else str(i["days_left"])
        label = f"[{style}]{_text(i['label'])}[/]" if style else _text(i["label"])
        table.add_row(label, days, _text(i["key"] or ""), str(i["row"]), i["due"] or "", _text(i["owner"] or ""),
                      _text(i["leader"] or ""), _text(f"{i['workbook']} · {i['register']}"))
    if urgent:
        con.print(table)
    tally = Counter(i["label"] for i in result.items)
    parts = tr("word.list_sep").join(f"{k} {v}" for k, v in tally.items()) or "—"
    con.print(_text(tr("flag.summary", n=len(result.items), parts=parts)))
    c = counts(result.findings)
    if c["error"] or c["warning"]:
        con.print(tr("flag.findings", error=c["error"], warning=c["warning"]))
    for w in result.written:
        backup = tr("flag.backup", path=f"{w.backup.parent.name}/{w.backup.name}") if w.backup else ""
        con.print(_text(tr("flag.written", location=w.location, cells=w.cells) + backup))
    if dry_run:
        con.print(tr("flag.dry_run"))

