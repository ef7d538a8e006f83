"""A blank, ready-to-use register sheet (`assistant template`): the title, the header where the
schema says it is, the fields in order and then the assistant's own columns (shaded grey), with
entry rules (drop-downs, dates, numbers: assistant/schema/entry.py), number formats, fitted column
widths and the header frozen. Written as an .xlsx file here; as a new sheet of a Google
spreadsheet by assistant/template_gsheets.py, from the same `Layout`.

The file is new work, not a person's: it is written whole under a temporary name and renamed into
place, and a file it replaces (`--force`) is first checked for a lock (someone has it open) and
backed up. A workbook of the office's `[[workbooks]]` is never replaced by a blank template.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.annotate import COLUMN_WIDTHS
from assistant.errors import SchemaError, SchemaProblem, UsageError
from assistant.fieldtypes import TYPES
from assistant.i18n import tr
from assistant.reports.cells import width
from assistant.schema.entry import (
    EntryRule,
    entry_rule,
    fits_inline,
    number_format,
    openpyxl_validation,
    owned_rule,
)
from assistant.schema.model import Field, Register
from assistant.suggest import did_you_mean
from assistant.text import col_letter

if TYPE_CHECKING:
    from assistant.office import Office

DEFAULT_ROWS = 1000
MIN_WIDTH, MAX_WIDTH = 8, 40  # column widths in characters (a CJK character counts two)
OWNED_HEAD_FILL = "BFBFBF"  # grey: the assistant's columns
OWNED_FILL = "F2F2F2"
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    header: str
    field: Field | None  # None: one of the assistant's own columns (`outputs`)
    rule: EntryRule | None
    number_format: str | None
    width: int  # characters

    @property
    def owned(self) -> bool:
        return self.field is None


@dataclass(frozen=True)
class Layout:
    """Where everything goes, 1-based rows: the title (None: no room above the header), the header
    (two rows with `header_rows: 2`: `header_top` and `header_row`), the data rows with rules."""

    register: Register
    title_row: int | None
    header_top: int
    header_row: int
    rows: int
    columns: list[Column]

    @property
    def first_data(self) -> int:
        return self.header_row + 1

    @property
    def last_data(self) -> int:
        return self.header_row + self.rows


@dataclass(frozen=True)
class Written:
    where: str  # the file, or the workbook's name
    sheet: str
    header_row: int
    rows: int
    backup: Path | None = None


def layout(reg: Register, lang: str, rows: int = DEFAULT_ROWS) -> Layout:
    """The template's layout for `reg`: the header on the schema's `header_row` (default: the row
    below the title), the title on row 1 when the header leaves room for it."""
    depth = reg.header_rows
    header_row = reg.header_row or 1 + depth  # default: title on row 1, the header below it
    header_top = header_row - depth + 1
    columns = [Column(f.name, f, rule := entry_rule(f, lang), number_format(f), _width(f, rule))
               for f in reg.fields]
    # the assistant's columns as wide as `flag` makes them (its findings wrap at that width), or as their header
    columns += [Column(name, None, owned_rule(name, lang), None, max(int(COLUMN_WIDTHS[role]), _width(None, None, name)))
                for role in ("status", "days", "findings") if (name := getattr(reg.outputs, role))]
    return Layout(reg, 1 if header_top > 1 else None, header_top, header_row, rows, columns)


def _width(f: Field | None, rule: EntryRule | None, header: str = "") -> int:
    """Wide enough for the header and for an example or the longest choice; a long text (a
    max_length of 50 or more) gets the widest column, as the findings column does."""
    texts = [f.name if f else header, *(rule.choices if rule else ())]
    if f is not None and f.type != "string":
        texts.append(TYPES[f.type].example)
    long_text = f is not None and f.options.get("max_length", 0) >= 50
    return MAX_WIDTH if long_text else max(MIN_WIDTH, min(MAX_WIDTH, max(width(t) for t in texts) + 2))


def check_sheet_name(reg: Register) -> None:
    """Excel's rules for a sheet name (a longer one would make a file Excel calls damaged)."""
    if len(reg.sheet) > 31 or _BAD_SHEET.search(reg.sheet) or not reg.sheet.strip():
        err = SchemaError([SchemaProblem(reg.file, reg.id, "sheet", None,
                                         tr("template.bad_sheet_name", register=reg.id, sheet=reg.sheet))])
        err.hint = tr("template.bad_sheet_name_hint")
        raise err


# --- xlsx -----------------------------------------------------------------------------------------

def workbook_bytes(lay: Layout) -> bytes:
    """The template as the bytes of an .xlsx file (openpyxl; no formulas in any cell)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from assistant.reports.render_xlsx import HEAD_COLOUR

    reg = lay.register
    check_sheet_name(reg)
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has its first sheet
    ws.title = reg.sheet
    wb.properties.title = reg.title
    wb.properties.creator = "office-assistant"
    last_col = col_letter(len(lay.columns) - 1)
    choices = _Choices(wb, reg.sheet)
    thin = Side(style="thin", color="A6A6A6")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    if lay.title_row is not None:
        cell = ws.cell(lay.title_row, 1, reg.title)
        cell.font = Font(bold=True, size=14)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if len(lay.columns) > 1:
            ws.merge_cells(f"A{lay.title_row}:{last_col}{lay.title_row}")
        ws.row_dimensions[lay.title_row].height = 24
    for i, col in enumerate(lay.columns):
        letter = col_letter(i)
        fill = PatternFill("solid", fgColor=OWNED_HEAD_FILL if col.owned else HEAD_COLOUR)
        for r in range(lay.header_top, lay.header_row + 1):  # both rows styled, also under a merge
            cell = ws.cell(r, i + 1)
            cell.font, cell.fill, cell.border = Font(bold=True), fill, box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.cell(lay.header_top, i + 1, col.header)
        if lay.header_top < lay.header_row:  # no group labels in a schema: each name over both rows
            ws.merge_cells(f"{letter}{lay.header_top}:{letter}{lay.header_row}")
        ws.column_dimensions[letter].width = col.width
        _data_cells(ws, lay, i, col, PatternFill("solid", fgColor=OWNED_FILL) if col.owned else None)
        if col.rule is not None:
            top = lay.header_top if col.owned else lay.first_data  # ours: the header says so too
            at = choices.place(col.rule.choices) if col.rule.kind == "list" and not fits_inline(col.rule) else None
            ws.add_data_validation(openpyxl_validation(col.rule, f"{letter}{top}:{letter}{lay.last_data}", at))
    ws.freeze_panes = f"A{lay.first_data}"
    ws.print_title_rows = f"{lay.header_top}:{lay.header_row}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class _Choices:
    """A hidden sheet holding the drop-down choices Excel cannot hold inline (a comma in one, or
    more than 255 characters in all: a township's 30 villages), one column per list, made when
    the first such list needs it."""

    def __init__(self, wb: Any, register_sheet: str):
        self.wb, self.taken = wb, register_sheet
        self.sheet: Any = None
        self.lists = 0

    def place(self, values: tuple[str, ...]) -> str:
        from assistant.reports.render_xlsx import put_cell

        if self.sheet is None:
            title = tr("template.choices_sheet")
            self.sheet = self.wb.create_sheet(title if title != self.taken else title + "_")
            self.sheet.sheet_state = "hidden"
        column = self.lists
        self.lists += 1
        for r, value in enumerate(values, start=1):
            put_cell(self.sheet.cell(r, column + 1), value)  # text stays text, "=…" too
        letter = col_letter(column)
        name = self.sheet.title.replace("'", "''")
        return f"'{name}'!${letter}$1:${letter}${len(values)}"


def _data_cells(ws: Any, lay: Layout, i: int, col: Column, fill: Any) -> None:
    """The empty data cells' number format (so a typed date shows as a date, an ID stays text)
    and, in the assistant's columns, the grey."""
    if col.number_format is None and fill is None:
        return
    for r in range(lay.first_data, lay.last_data + 1):
        cell = ws.cell(r, i + 1)
        if col.number_format is not None:
            cell.number_format = col.number_format
        if fill is not None:
            cell.fill = fill


def write_xlsx(lay: Layout, path: Path, *, force: bool, protected: dict[Path, str],
               backups: Path | None = None, keep_backups: int = 10) -> Written:
    """The template at `path`. Refused (exit 2, nothing written): a name that is not .xlsx, an
    existing file without `force`, a workbook of the office (`protected`: resolved path -> its
    name), a file someone has open. A file replaced is backed up into `backups` first."""
    from assistant.sources import files
    from assistant.sources.base import keep_backup
    from assistant.sources.xlsx.locks import locks_of

    if path.suffix.lower() != ".xlsx":
        raise UsageError(tr("template.not_xlsx", path=path), hint=tr("template.not_xlsx_hint"))
    workbook = protected.get(path.resolve())
    if workbook is not None:
        raise UsageError(tr("template.is_register", path=path, workbook=workbook), hint=tr("template.is_register_hint"))
    backup = None
    data = workbook_bytes(lay)
    try:
        if path.exists():
            if not force:
                raise UsageError(tr("template.exists", path=path), hint=tr("template.exists_hint"))
            if locks := locks_of(path):
                raise UsageError(tr("write.locked", path=path.name, lock=locks[0].path.name, when=locks[0].when()),
                                 hint=tr("write.locked_hint", lock=locks[0].path.name))
            if backups is not None:
                backup = keep_backup(backups, path.stem, path.suffix, path.read_bytes(), keep_backups)
        path.parent.mkdir(parents=True, exist_ok=True)
        files.replace_whole(path, data)
    except OSError as exc:
        raise UsageError(tr("template.cannot_write", path=path, detail=exc.strerror or exc),
                         hint=tr("template.cannot_write_hint")) from None
    return Written(str(path), lay.register.sheet, lay.header_row, lay.rows, backup)


# --- the command ------------------------------------------------------------------------------------

def make_template(office: Office, register: str, lang: str, *, output: Path | None = None,
                  workbook: str | None = None, rows: int = DEFAULT_ROWS, force: bool = False) -> Written:
    """`assistant template`: the register's blank sheet as the file `output`, or as a new sheet of
    the Google spreadsheet `workbook` (a `[[workbooks]]` name)."""
    if (output is None) == (workbook is None):
        raise UsageError(tr("template.no_target" if output is None else "template.two_targets"))
    if workbook is not None and force:  # an existing sheet is never replaced: say so, not ignore it
        raise UsageError(tr("template.force_only_file"), hint=tr("template.sheet_exists_hint"))
    reg = office.register(register)  # an unknown id: exit 2 with a "did you mean"
    lay = layout(reg, lang, rows)
    config = office.config
    if output is not None:
        from assistant.sources import DEFAULT, source_kind

        protected = {Path(wb.source).resolve(): wb.name for wb in config.workbooks
                     if source_kind(wb.source).name == DEFAULT}
        return write_xlsx(lay, output, force=force, protected=protected,
                          backups=config.state_dir / "backups" / "templates", keep_backups=config.keep_backups)
    from assistant.template_gsheets import add_sheet

    names = [wb.name for wb in config.workbooks]
    wb = next((w for w in config.workbooks if w.name == workbook), None)
    if wb is None:
        raise UsageError(tr("template.unknown_workbook", name=workbook, known=", ".join(names))
                         + did_you_mean(workbook, names))
    return add_sheet(lay, wb, config)
