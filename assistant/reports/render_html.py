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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from assistant.errors import UsageError
from assistant.i18n import tr
from assistant.render import environment
from assistant.reports.filenames import INDEX, page_names
from assistant.reports.formats import NUMERIC, cell_text
from assistant.reports.model import Chart, Column, Report, Section, Table
from assistant.reports.svg import chart_svg, text_width
from assistant.sources import files
from assistant.text import clean

MANIFEST = ".pages"  # in a published folder: the pages the last publish wrote
SHORT_TEXT = 8  # ems: a text column no wider than this never wraps; a wider one is at least 10 em


@dataclass
class Cell:
    text: str
    cls: str = ""  # "num" (right-aligned), "nowrap", "wide" (long text, wraps)


@dataclass
class TableView:
    id: str
    title: str
    headers: list[Cell]
    rows: list[Markup]  # each a <tr>, made here: a district's 3,000 rows through the template's loops took a second
    total: Markup | None
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
    are written before the index, whose links then never lead nowhere. A part's page that the
    last publish wrote and this one does not (a township gone from the config) is removed after
    the index; the folder's other files are never touched (MANIFEST lists the pages we wrote)."""
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
            files.replace_whole(path, html.encode("utf-8"))
        written = {p.name for p, _ in pages}
        manifest = folder / MANIFEST
        before = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
        files.replace_whole(manifest, "".join(f"{name}\n" for name in sorted(written)).encode("utf-8"))
        for name in before - written:
            if name == Path(name).name:  # a bare name of ours, never a path out of the folder
                (folder / name).unlink(missing_ok=True)
        files.sync_folder(folder)
    except OSError as exc:
        raise UsageError(tr("reports.cannot_write", path=path, detail=exc.strerror or exc),
                         hint=tr("reports.cannot_write_hint")) from None
    return [pages[-1][0], *(p for p, _ in pages[:-1])]


def _table(table: Table, id: str, links: dict[str, str]) -> TableView:
    texts = {col.key: [cell_text(row.get(col.key), col.kind) for row in table.rows] for col in table.columns}
    classes = [_column_class(col, texts[col.key]) for col in table.columns]

    def tr_(row: dict[str, Any], cells: Iterable[str], attrs: str) -> Markup:
        out = []
        for col, cls, text in zip(table.columns, classes, cells):
            shown = escape(clean(text, None))
            value = row.get(col.key)
            if col.key == table.link and isinstance(value, str) and (href := links.get(value)):
                shown = Markup(f'<a href="{escape(href)}">{shown}</a>')
            out.append(f'<td class="{cls}">{shown}</td>')
        return Markup(f"<tr{attrs}>{''.join(out)}</tr>")

    columns = [texts[col.key] for col in table.columns]
    rows = [tr_(row, cells, ' class="flag"' if table.flag and row.get(table.flag) else "")
            for row, cells in zip(table.rows, zip(*columns))]
    total = None
    if table.total:  # its label is no part's name: never a link
        total = tr_({}, [cell_text(table.total.get(col.key), col.kind) for col in table.columns], ' class="total"')
    return TableView(id=id, title=table.title, headers=[Cell(col.label, cls) for col, cls in zip(table.columns, classes)],
                     rows=rows, total=total, note=table.note, empty=table.empty or tr("report.html.no_rows"))


def _column_class(col: Column, texts: list[str]) -> str:
    if col.kind in NUMERIC:
        return "num"
    if col.kind == "date":
        return "nowrap"
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
