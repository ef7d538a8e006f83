"""Templates → mail parts: jinja2 in its sandbox, the office's templates/ overriding the defaults file
by file, autoescape on for HTML, CSS inlined (css-inline) so every mail client shows the colours.

Templates are the admin's, so they are treated as config (docs/templates.md):
- rendered in jinja2's ImmutableSandboxedEnvironment: a template reads the data it is given and
  nothing else (no `__globals__`, no `os`), and changes nothing;
- compiled by `check_templates` before a job claims any send, with every template they include:
  a mistake is a ConfigError naming the file (relative to the working folder) and the line, exit 2,
  nothing sent. Mistakes that only show when rendering (an unknown name, an unsafe attribute) are
  ConfigErrors naming the file and line too;
- every value a template prints passes `finalize`: no control character reaches a mail.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import css_inline
import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from assistant.digests import Item
from assistant.errors import ConfigError
from assistant.i18n import get_lang, tr, using
from assistant.layout import layout
from assistant.resources import defaults
from assistant.status import STATUSES
from assistant.text import clean

STATUS_COLOURS = {s.code: s.colour for s in STATUSES.values()}
SUFFIXES = ("html", "txt")  # each mail is a template of each


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


class MailEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, knowing the working folder (`root`) so that errors name files as the admin sees
    them: templates/digest.html."""

    root: Path | None = None


def _finalize(value: object) -> object:
    """Every printed value: control characters removed (cell text is also capped, in digests.mask).
    Markup (already safe HTML, `__html__`) stays Markup, so autoescape does not escape it twice."""
    if not isinstance(value, str):
        return value
    cleaned = clean(value, None)
    return type(value)(cleaned) if hasattr(value, "__html__") else cleaned


def environment(office_templates: Path | None) -> MailEnvironment:
    folders = [str(office_templates)] if office_templates and office_templates.is_dir() else []
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), jinja2.FileSystemLoader(str(defaults("templates")))])
    env = MailEnvironment(loader=loader, autoescape=jinja2.select_autoescape(["html", "htm"]),
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          finalize=_finalize)
    env.root = office_templates.parent if office_templates else None
    env.globals.update(t=tr, colours=STATUS_COLOURS, lang=get_lang, layout=layout)
    return env


def _where(env: jinja2.Environment, filename: str | None, name: str | None) -> str:
    """A template file as the admin knows it: relative to the working folder, or a default's name."""
    root = getattr(env, "root", None)
    if filename and root is not None:
        try:
            return Path(filename).resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return tr("template.default", name=name or Path(filename or "?").name)


def check_templates(env: jinja2.Environment, *names: str) -> None:
    """Compile the .html and .txt of each of `names` and every template they include, extend or
    import: a syntax error or a missing file is a ConfigError naming the file and the line."""
    todo = [f"{n}.{suffix}" for n in names for suffix in SUFFIXES]
    seen: set[str] = set()
    parent: dict[str, tuple[str | None, str]] = {}  # template -> (file, name) of one that refers to it
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            filename = env.get_template(name).filename
            assert env.loader is not None
            source = env.loader.get_source(env, name)[0]
        except jinja2.TemplateSyntaxError as exc:
            raise _syntax_error(env, exc) from None
        except jinja2.TemplateNotFound:
            by = parent.get(name)
            raise ConfigError(tr("template.missing", name=name, file=_where(env, *by) if by else name),
                              hint=tr("template.syntax_hint")) from None
        for ref in meta.find_referenced_templates(env.parse(source, name, filename)):
            if ref and ref not in seen:  # None: a name computed when rendering
                parent.setdefault(ref, (filename, name))
                todo.append(ref)


def _syntax_error(env: jinja2.Environment, exc: jinja2.TemplateSyntaxError) -> ConfigError:
    return ConfigError(tr("template.syntax", file=_where(env, exc.filename, exc.name), line=exc.lineno,
                          detail=exc.message), hint=tr("template.syntax_hint"))


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """(file, line) in the template where a render failed: jinja2 rewrites the traceback so that
    the frames of template code name the template file; the innermost such frame is the place."""
    found = None
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render(env: jinja2.Environment, template: str, subject: str, /, lang: str | None = None,
           **data: object) -> Rendered:
    """`template`.html and `template`.txt rendered with `data` in `lang` (the reader's; default: the
    current language); the HTML with its CSS inlined. A template's mistake is a ConfigError in the
    current language (the terminal's)."""
    try:
        with using(lang or get_lang()):
            html = env.get_template(f"{template}.html").render(subject=subject, **data)
            text = env.get_template(f"{template}.txt").render(subject=subject, **data)
    except jinja2.TemplateSyntaxError as exc:  # not compiled beforehand by check_templates
        raise _syntax_error(env, exc) from None
    except jinja2.TemplateError as exc:  # the template's mistake (the admin's), not the data's
        frame = _template_frame(exc.__traceback__)
        where, line = (_where(env, frame[0], None), frame[1]) if frame else (f"{template}.html/.txt", "?")
        key = "template.unsafe" if isinstance(exc, SecurityError) else "template.render_failed"
        raise ConfigError(tr(key, file=where, line=line, detail=exc.message or type(exc).__name__),
                          hint=tr("template.render_hint")) from None
    # A stylesheet linked from an office's template override is never fetched: rendering a mail
    # makes no network request (and cannot leak that a digest is being built). @media rules cannot
    # be inlined: they stay in a <style> element (keep_at_rules), for the clients that read one,
    # and beat the inlined styles with !important (templates/_style.html: the phone layout).
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)
    return Rendered(subject=subject, text=text, html=inliner.inline(html))


ATTACHMENT_COLUMNS = ("workbook", "register", "key", "content", "unit", "owner", "leader", "due", "days", "status")
ATTACHMENT_KINDS = {"due": "date", "days": "int"}  # the others are text


def items_workbook(items: list[Item]) -> bytes:
    """The items as an .xlsx attachment: 完成时限 a date (with a date format, so it sorts and
    filters as one), each column as wide as its widest entry (a CJK character counting two; long
    text wraps), the header frozen. Text is written as text ("=…" never becomes a formula), without
    control characters and at most Excel's 32,767 characters a cell."""
    # Here: a page or a mail without an attachment need not load openpyxl.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from assistant.reports.formats import as_date, cell_text
    from assistant.reports.render_xlsx import FORMATS, HEAD_FILL, fit_column

    wb = Workbook()
    ws = wb.active
    ws.title = tr("digest.attachment_sheet")[:31]
    headers = [tr(f"digest.col.{c}") for c in ATTACHMENT_COLUMNS]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    shown: list[list[str]] = [[] for _ in ATTACHMENT_COLUMNS]  # each column's cells as a reader sees them
    for it in items:
        ws.append([None] * len(headers))
        row = ws.max_row
        values: list[object] = [it.workbook, it.register, it.key, it.content, it.unit, it.owner, it.leader,
                                as_date(it.due) or it.due, it.days_left, it.label]
        for col, value in enumerate(values, start=1):
            kind = ATTACHMENT_KINDS.get(ATTACHMENT_COLUMNS[col - 1], "text")
            cell = ws.cell(row=row, column=col)
            cell.value = clean(value) if isinstance(value, str) else value  # XML-safe, Excel's length
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
            elif kind == "date" and value is not None:
                cell.number_format = FORMATS["date"]
            shown[col - 1].append(cell_text(cell.value, kind))
    for col, header in enumerate(headers, start=1):
        fit_column(ws, col, header, shown[col - 1], header_row=1, first_row=2)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
