"""Templates → mail parts: jinja2 with the office's templates/ overriding the defaults file by file,
autoescape on for HTML, CSS inlined (css-inline) so every mail client shows the colours."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import css_inline
import jinja2
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from assistant.digests import Item
from assistant.i18n import get_lang, tr
from assistant.resources import defaults
from assistant.status import STATUSES

STATUS_COLOURS = {s.code: s.colour for s in STATUSES.values()}


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def environment(office_templates: Path | None) -> jinja2.Environment:
    folders = [str(office_templates)] if office_templates and office_templates.is_dir() else []
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), jinja2.FileSystemLoader(str(defaults("templates")))])
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html", "htm"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(t=tr, colours=STATUS_COLOURS, lang=get_lang)
    return env


def render(env: jinja2.Environment, template: str, subject: str, /, **data: object) -> Rendered:
    """`template`.html and `template`.txt rendered with `data`; the HTML with its CSS inlined."""
    html = env.get_template(f"{template}.html").render(subject=subject, **data)
    text = env.get_template(f"{template}.txt").render(subject=subject, **data)
    # A stylesheet linked from an office's template override is never fetched: rendering a mail
    # makes no network request (and cannot leak that a digest is being built).
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False)
    return Rendered(subject=subject, text=text, html=inliner.inline(html))


ATTACHMENT_COLUMNS = ("workbook", "register", "key", "content", "unit", "owner", "leader", "due", "days", "status")


def items_workbook(items: list[Item]) -> bytes:
    """The items as an .xlsx attachment. Text is written as text: "=…" never becomes a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = tr("digest.attachment_sheet")[:31]
    headers = [tr(f"digest.col.{c}") for c in ATTACHMENT_COLUMNS]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for it in items:
        ws.append([None] * len(headers))
        row = ws.max_row
        values: list[object] = [it.workbook, it.register, it.key, it.content, it.unit, it.owner, it.leader,
                                it.due, it.days_left, it.label]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
    for letter, width in zip("ABCDEFGHIJ", (10, 14, 14, 36, 14, 10, 10, 12, 8, 8)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
