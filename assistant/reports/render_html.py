"""A report as one self-contained HTML page, and a district's pages published to a folder.

The page carries everything it shows: its CSS in a <style> element, charts as inline SVG, no
script, no font, image or stylesheet from anywhere else, so it opens the same from a shared folder,
an e-mail or a USB stick, with no network. Its layout is mobile-first without media queries (a
phone at 375 px and a desktop both read it, and so does a mail client after css-inline copies the
rules into style attributes; only printing has its own @media rules). Wide tables scroll inside
their own box; the page never scrolls sideways.

`templates/report.html` is always the default one: an office's templates/ folder does not override
it (its layout is what the browser tests hold, and its variables are this module's, not a contract).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from assistant.errors import UsageError
from assistant.i18n import tr
from assistant.render import environment
from assistant.reports.filenames import INDEX, page_names
from assistant.reports.formats import NUMERIC, cell_text
from assistant.reports.model import Chart, Column, Report, Section, Table
from assistant.reports.output import replace_file
from assistant.reports.svg import chart_svg, text_width
from assistant.sources import files
from assistant.text import clean

SHORT_TEXT = 8  # ems: a text column no wider than this never wraps; a wider one is at least 10 em


@dataclass
class Cell:
    text: str
    cls: str = ""  # "num" (right-aligned), "nowrap", "wide" (long text, wraps)
    href: str | None = None


@dataclass
class TableView:
    id: str
    title: str
    headers: list[Cell]
    rows: list[tuple[list[Cell], bool]]  # cells, highlighted
    total: list[Cell] | None
    note: str
    empty: str


@dataclass
class ChartView:
    id: str
    title: str
    svg: Markup


@functools.cache
def _environment() -> jinja2.Environment:
    return environment(None)  # the mail templates' sandbox, the shipped templates only


def page(report: Report, links: dict[str, str] | None = None, *, up: tuple[str, str] | None = None) -> str:
    """`report` as one HTML document in the current language. `links`: part name (a township) →
    the href of its page; cells of a table's `link` column naming such a part become links, and the
    page ends with a list of the parts' pages. `up`: (href, title) of the page this one is a part
    of, linked at the top."""
    links = links or {}
    blocks: list[tuple[str, Any]] = []
    for n, block in enumerate(report.blocks):
        if isinstance(block, Section):
            blocks.append(("section", block))
        elif isinstance(block, Table):
            blocks.append(("table", _table(block, f"t{n}", links)))
        elif (view := _chart(report, block, f"c{n}")) is not None:
            blocks.append(("chart", view))
    parts = [(name, links[name]) for name in report.parts if name in links]
    period = report.period.label()
    return _environment().get_template("report.html").render(
        r=report, period=period, blocks=blocks, parts=parts, up=up,
        page_head=Markup(_css_string(tr("report.html.page_head", office=report.office, period=period))))


def publish(report: Report, folder: Path) -> list[Path]:
    """Write `report` as folder/index.html and each of `report.parts` as a page of its own (named
    after the part, safe on Windows and Linux), the index linking each; return the files written,
    index first. Each file appears whole: written under a temporary name, then renamed over the
    old one, so a leader opening the folder meanwhile sees the old page or the new one. The parts
    are written before the index, whose links then never lead nowhere."""
    names = page_names(list(report.parts))
    links = {part: quote(name) for part, name in names.items()}
    back = (INDEX, report.title)
    pages = [(folder / names[name], page(part, up=back)) for name, part in report.parts.items()]
    pages.append((folder / INDEX, page(report, links)))
    path = folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files.sweep([folder], [files.ours(p.name) for p, _ in pages])  # what a killed run left
        for path, html in pages:
            replace_file(path, html.encode("utf-8"))
        files.sync_folder(folder)
    except OSError as exc:
        raise UsageError(tr("reports.cannot_write", path=path, detail=exc.strerror or exc),
                         hint=tr("reports.cannot_write_hint")) from None
    return [pages[-1][0], *(p for p, _ in pages[:-1])]


def _table(table: Table, id: str, links: dict[str, str]) -> TableView:
    classes = [_column_class(col, table) for col in table.columns]

    def cells(row: dict[str, Any], linked: bool) -> list[Cell]:
        out = []
        for col, cls in zip(table.columns, classes):
            value = row.get(col.key)
            href = links.get(value) if linked and col.key == table.link and isinstance(value, str) else None
            out.append(Cell(cell_text(value, col.kind), cls, href))
        return out

    return TableView(
        id=id, title=table.title,
        headers=[Cell(col.label, cls) for col, cls in zip(table.columns, classes)],
        rows=[(cells(row, True), bool(table.flag and row.get(table.flag))) for row in table.rows],
        total=cells(table.total, False) if table.total else None,
        note=table.note, empty=table.empty or tr("report.html.no_rows"))


def _column_class(col: Column, table: Table) -> str:
    if col.kind in NUMERIC:
        return "num"
    if col.kind == "date":
        return "nowrap"
    texts = [cell_text(row.get(col.key), col.kind) for row in table.rows]
    longest = max((text_width(t, 1) for t in texts), default=0.0)
    return "nowrap" if longest <= SHORT_TEXT else "wide"


def _chart(report: Report, chart: Chart, id: str) -> ChartView | None:
    table = next((b for b in report.blocks if isinstance(b, Table) and b.key == chart.table), None)
    if table is None:
        raise ValueError(f"chart {chart.key!r} draws table {chart.table!r}, which report {report.name!r} lacks")
    svg = chart_svg(chart, table)
    return ChartView(id, chart.title, Markup(svg)) if svg is not None else None


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string, every character that could end it (or the <style> element)
    written as an escape."""
    safe = (ch if ch.isalnum() or ch in " ·-_.,()（）：　" else f"\\{ord(ch):x} " for ch in clean(text, None))
    return '"' + "".join(safe) + '"'
