"""What `assistant check` prints: the JSON contract (docs/design.md §6) or a readable table per sheet.

Readable output goes to a terminal: every text that may come from a cell passes `_text` (rich
markup escaped, control characters shown as symbols: ESC → ␛), so a cell cannot recolour the
screen, move the cursor or retitle the window. JSON keeps the exact text (json escapes it).
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import TextIO

import orjson
from rich import box
from rich.cells import cell_len
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


def check_json(findings: list[Finding]) -> bytes:
    """The findings as UTF-8 JSON (docs/design.md §6). orjson writes a Finding's fields as they are
    declared, which is the contract's order, without a dict made per finding."""
    c = counts(findings)
    return orjson.dumps({"ok": c["error"] == 0, "counts": c, "findings": findings})


def _console(out: TextIO) -> Console:
    wide = not out.isatty()
    return Console(file=out, width=160 if wide else None, highlight=False, soft_wrap=False,
                   no_color=True if wide else None, emoji=False)  # None: a terminal's NO_COLOR is honoured


def check_text(findings: list[Finding], sheets: dict[tuple[str, str], tuple[str, int]], out: TextIO) -> None:
    """Findings grouped by sheet; `sheets` maps (workbook, register) to (sheet name, data rows).
    Notices are the caller's to print, on stderr (docs/design.md §6)."""
    con = _console(out)
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


def flag_json(items: list[dict]) -> bytes:
    return orjson.dumps({"items": items})


FLAG_ROWS = 200  # urgent items listed in the terminal; the rest are counted (--format json has all)
_WHOLE = ("flag.col.status", "flag.col.days", "flag.col.key", "flag.col.row", "flag.col.due")  # never cut
_FOLDED = ("flag.col.owner", "flag.col.leader", "flag.col.where")  # folded onto more lines when narrow


def flag_text(result, dry_run: bool, out: TextIO) -> None:
    """Tracked items, most urgent first, then what was written back where. Keys, rows and dates
    stay whole in a narrow terminal (the text columns fold instead); above FLAG_ROWS urgent items,
    the most urgent are listed and the others counted by status. Notices are the caller's (stderr)."""
    con = _console(out)
    urgent = [i for i in result.items if STATUSES[i["status"]].urgent]
    shown = urgent[:FLAG_ROWS]
    rows = [(i["status"], _text(i["label"]), "" if i["days_left"] is None else str(i["days_left"]),
             _text(i["key"] or ""), str(i["row"]), i["due"] or "", _text(i["owner"] or ""), _text(i["leader"] or ""),
             _text(f"{i['workbook']} · {i['register']}")) for i in shown]
    # Two spaces between columns (not three): 80 columns leave the text columns what they can.
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for n, col in enumerate(_WHOLE):  # as wide as their widest cell: rich would cut them to "DB-2026-0…"
        head = tr(col)
        widest = max([*(cell_len(line) for line in head.split("\n")), *(cell_len(r[n + 1]) for r in rows)])
        table.add_column(head, no_wrap=True, min_width=widest)
    for col in _FOLDED:  # at least as wide as their heading
        head = tr(col)
        table.add_column(head, overflow="fold", min_width=max(cell_len(line) for line in head.split("\n")))
    for code, label, *cells in rows:
        style = STATUSES[code].style
        table.add_row(f"[{style}]{label}[/]" if style else label, *cells)
    if shown:
        con.print(table)
    if len(urgent) > len(shown):
        rest = Counter(i["label"] for i in urgent[len(shown):])
        parts = tr("word.list_sep").join(f"{k} {v}" for k, v in rest.items())
        con.print(_text(tr("flag.more", n=len(urgent) - len(shown), parts=parts)))
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
