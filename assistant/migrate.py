"""`assistant migrate`: bring the workbooks that hold a register to a changed schema, safely.

Per workbook, from its live header (found as `check` finds it): header cells to rename (a field's
`renamed_from` text -> its new name), new columns for new fields (right of everything used in the
sheet: nothing is inserted or shifted, every other cell stays where it is), and the columns of
removed fields, which stay as they are. A dry run by default; `apply` writes through the sources'
write-back (lock files, backup, atomic replace, the plan applied only to the bytes it was made
from) with a patch that holds header cells only, plus the new columns' entry rules and number
formats (assistant/schema/entry.py, as `assistant template` gives a blank sheet) over their empty
cells, then installs the new schema file, keeping the old one in the state folder's
backups/schemas/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import HeaderError, SchemaError, SourceError, UsageError
from assistant.i18n import get_lang, tr
from assistant.office import Office
from assistant.schema.diff import SchemaDiff, diff_lines, diff_registers
from assistant.schema.entry import (
    EntryRule,
    entry_rule,
    number_format,
    openpyxl_validation,
    sheets_number_format,
    sheets_validation,
)
from assistant.schema.loader import lint_files, office_schema_files
from assistant.schema.model import Field, Register
from assistant.sources import files, open_source
from assistant.sources.base import Grid, Source, match_sheet
from assistant.suggest import did_you_mean
from assistant.table import _is_blank, find_header_row, header_names
from assistant.text import col_letter, norm_header
from assistant.writeback import ColumnEntry, SheetPatch, split_ref

# Rows below the sheet's last row that a new column's entry rule covers too: room for the rows
# people add, as the 1000 rows `assistant template` gives a blank sheet.
ENTRY_MARGIN = 1000


@dataclass
class ColumnLook:
    """How a new column looks: its header styled like the last header cell of its row (what the
    write-back does for every new header cell), and for the cells people type into later, the
    field's entry rule and number format, as `assistant template` gives them."""

    rule: EntryRule | None = None
    number_format: str | None = None
    header: str = "like_last_header"


def new_column_look(f: Field, lang: str) -> ColumnLook:
    """The look of the new column of field `f`, its prompts in `lang`."""
    return ColumnLook(entry_rule(f, lang), number_format(f))


@dataclass
class Rename:
    cell: str  # A1 reference of the header cell
    old: str  # its text now
    new: str  # the field's name


@dataclass
class NewColumn:
    cell: str
    name: str
    look: ColumnLook


@dataclass
class SheetPlan:
    header_row: int  # 1-based (the lower row of a two-row header)
    renames: list[Rename] = field(default_factory=list)
    added: list[NewColumn] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # header texts of removed fields' columns, left as they are
    problems: list[str] = field(default_factory=list)  # any: the workbook is refused
    notes: list[str] = field(default_factory=list)  # what the office must do itself (rename the sheet)
    key_column: int = 0
    last_row: int = 0  # 1-based: the sheet's last row read (its used range)

    @property
    def changes(self) -> bool:
        return bool(self.renames or self.added)

    @property
    def entry_rows(self) -> tuple[int, int]:
        """The rows (1-based, inclusive) a new column's entry rule and number format cover."""
        return self.header_row + 1, max(self.last_row, self.header_row) + ENTRY_MARGIN


@dataclass
class WorkbookPlan:
    workbook: str
    location: str
    sheet: str = ""
    plan: SheetPlan | None = None
    outcome: str = "planned"  # planned, unchanged, written, refused, failed
    error: str | None = None
    backup: Path | None = None
    grid: Grid = field(default_factory=list, repr=False)  # as planned from: what the write is checked against


@dataclass
class MigrateResult:
    register: str
    new_file: Path
    diff: SchemaDiff
    workbooks: list[WorkbookPlan]
    applied: bool
    installed: Path | None = None  # the schema file written
    kept_schema: Path | None = None  # where the old one was kept

    @property
    def ok(self) -> bool:
        return all(w.outcome not in ("refused", "failed") for w in self.workbooks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 2


# --- the plan of one sheet ----------------------------------------------------------------------------

def _text_row(grid: Grid, h: int, col: int, rows: int) -> int:
    """The 0-based row whose cell holds the header text of `col`: with a two-row header, the
    upper one when the lower is blank or shows the same text (a cell merged down over both)."""
    if rows == 1 or h == 0:
        return h
    lower = grid[h][col] if col < len(grid[h]) else None
    upper = grid[h - 1][col] if col < len(grid[h - 1]) else None
    return h - 1 if _is_blank(lower) or lower == upper else h


def plan_sheet(grid: Grid, old: Register, new: Register, lang: str | None = None) -> SheetPlan:
    """What the header of `grid` needs to name `new`'s columns (HeaderError if there is none); the
    prompts of new columns in `lang` (the current language when None)."""
    lang = lang or get_lang()
    if new.header_row is not None:
        h = new.header_row - 1
    else:
        try:
            h = find_header_row(grid, new)
        except HeaderError:
            h = find_header_row(grid, old)
    names = header_names(grid, h, new.header_rows)
    by_text: dict[str, list[int]] = {}
    for c, v in enumerate(names):
        if not _is_blank(v):
            by_text.setdefault(norm_header(str(v)), []).append(c)
    plan = SheetPlan(header_row=h + 1, last_row=len(grid))
    width = max(map(len, grid), default=0)  # the used range, merges included (see sources.merges)

    def cols(texts: list[str]) -> list[int]:
        return sorted({c for t in texts for c in by_text.get(norm_header(t), [])})

    def ref(c: int, row0: int) -> str:
        return f"{col_letter(c)}{row0 + 1}"

    claimed: set[int] = set()
    for f in new.fields:
        own, former = cols([f.name, *f.aliases]), cols(list(f.renamed_from))
        former = [c for c in former if c not in own]
        claimed.update(own + former)
        if own and former:
            plan.problems.append(tr("migrate.name_taken", new=f.name, at=col_letter(own[0]),
                                    old=str(names[former[0]]).strip(), old_at=col_letter(former[0])))
        elif len(own) > 1 or len(former) > 1:
            twice = own if len(own) > 1 else former
            plan.problems.append(tr("migrate.twice", name=f.name, columns="、".join(map(col_letter, twice))))
        elif former:
            c = former[0]
            plan.renames.append(Rename(ref(c, _text_row(grid, h, c, new.header_rows)), str(names[c]).strip(), f.name))
        elif not own:
            plan.added.append(NewColumn(ref(width, h), f.name, new_column_look(f, lang)))
            width += 1
    for role in ("status", "days", "findings"):  # the assistant's own columns renamed: their header follows
        was, now = getattr(old.outputs, role), getattr(new.outputs, role)
        at = cols([was]) if was and now and norm_header(was) != norm_header(now) and not cols([now]) else []
        if len(at) == 1:
            plan.renames.append(Rename(ref(at[0], _text_row(grid, h, at[0], new.header_rows)), str(names[at[0]]).strip(),
                                       str(now)))
            claimed.add(at[0])
    new_names = {f.name for f in new.fields}
    for o in old.fields:
        if o.name in new_names:
            continue
        for c in cols([o.name, *o.aliases, *o.renamed_from]):
            if c not in claimed:
                plan.kept.append(str(names[c]).strip())
                claimed.add(c)
    key = new.key or old.key
    found = cols([key]) if key else []
    plan.key_column = found[0] if found else min(claimed, default=0)
    return plan


def sheet_patch(sheet: str, plan: SheetPlan) -> SheetPatch:
    """A patch that writes header cells only (and leaves our colours alone), and gives the new
    columns' cells below the header, down to ENTRY_MARGIN rows past the sheet's last row, their
    entry rule and number format (no cell is written there)."""
    headers = {r.cell: r.new for r in plan.renames} | {n.cell: n.name for n in plan.added}
    first, last = plan.entry_rows
    entries = [_entry(split_ref(n.cell)[0], first, last, n.look) for n in plan.added
               if n.look.rule is not None or n.look.number_format is not None]
    return SheetPatch(sheet=sheet, header_row=plan.header_row, columns={}, new_columns=[], rows=[], values={},
                      fills={}, style_column=0, key_column=plan.key_column, headers=headers, keep_rules=True,
                      entries=entries)


def _entry(column: int, first: int, last: int, look: ColumnLook) -> ColumnEntry:
    """A new column's entry rule and number format in the terms of xlsx and of Sheets."""
    from openpyxl.xml.functions import tostring

    rule, code = look.rule, look.number_format
    letter = col_letter(column)
    box = {"startRowIndex": first - 1, "endRowIndex": last, "startColumnIndex": column, "endColumnIndex": column + 1}
    return ColumnEntry(
        column, first, last,
        xlsx_rule=tostring(openpyxl_validation(rule, f"{letter}{first}:{letter}{last}").to_tree()) if rule else None,
        sheets_rule=sheets_validation(rule, box)["setDataValidation"]["rule"] if rule else None,
        number_format=code, sheets_format=sheets_number_format(code) if code else None)


# --- the office ---------------------------------------------------------------------------------------

def _new_register(office: Office, register: str, path: Path) -> Register:
    """The register in `path`, linted together with the office's other schemas (references)."""
    old = office.register(register)
    others = [p for p in office_schema_files(office.config.schemas_dir) if p.name != old.file]
    registers, problems = lint_files([*others, path])
    if problems:
        raise SchemaError(problems)
    by_file = [r for r in registers.values() if r.file == path.name]
    if not by_file or by_file[0].id != register:
        found = by_file[0].id if by_file else "?"
        raise UsageError(tr("migrate.other_register", file=path.name, found=found, register=register),
                         hint=tr("migrate.other_register_hint"))
    return by_file[0]


def _targets(office: Office, register: str, workbook: str | None) -> list:
    names = [wb.name for wb in office.config.workbooks]
    if workbook is not None and workbook not in names:
        raise UsageError(tr("migrate.unknown_workbook", name=workbook, known="、".join(names))
                         + did_you_mean(workbook, names))
    targets = [wb for wb in office.config.workbooks
               if (workbook is None or wb.name == workbook) and (not wb.registers or register in wb.registers)]
    if workbook is not None and not targets:  # its `registers` leave this one out
        raise UsageError(tr("migrate.not_held", name=workbook, register=register))
    return targets


def _plan_workbook(source: Source, old: Register, new: Register, must_hold: bool, lang: str) -> WorkbookPlan | None:
    """None when the workbook does not hold the register (and need not)."""
    wp = WorkbookPlan(source.name, source.location)
    found = source.read_sheets([old.sheet, new.sheet])
    hit = found.get(old.sheet) or found.get(new.sheet)
    if hit is None:
        if must_hold:
            match_sheet(old.sheet, source.sheet_names(), source.location)  # raises, naming what there is
        return None
    wp.sheet, grid = hit
    wp.grid = grid
    wp.plan = plan_sheet(grid, old, new, lang)
    if norm_header(wp.sheet) != norm_header(new.sheet):  # a sheet's name is the office's to change
        wp.plan.notes.append(tr("migrate.sheet_name", sheet=wp.sheet, new=new.sheet))
    if wp.plan.problems:
        wp.outcome = "refused"
    elif not wp.plan.changes:
        wp.outcome = "unchanged"
    return wp


def _verify(source: Source, wp: WorkbookPlan) -> None:
    """Read the sheet again: every cell but the header cells written must be as planned from.
    A difference (a bug of ours, or someone's edit in that moment) fails the workbook, naming the
    first cell that differs and the backup."""
    assert wp.plan is not None
    written: dict[int, tuple[int, str]] = {}  # column -> (0-based row written, its new text)
    for cell, text in sheet_patch(wp.sheet, wp.plan).headers.items():
        col, row = split_ref(cell)
        written[col] = (row - 1, text)

    def ours(r: int, c: int, va: object, vb: object) -> bool:
        """A header cell we wrote, or a cell below it in the merge it heads (read as its value)."""
        if c not in written or r < written[c][0]:
            return False
        top, text = written[c]
        return r == top or (va == wp.grid[top][c] and vb == text)

    source.refresh()
    after = source.read_sheets([wp.sheet]).get(wp.sheet, ("", []))[1]
    for r in range(max(len(wp.grid), len(after))):
        a = wp.grid[r] if r < len(wp.grid) else []
        b = after[r] if r < len(after) else []
        for c in range(max(len(a), len(b))):
            va, vb = (a[c] if c < len(a) else None), (b[c] if c < len(b) else None)
            if not (_is_blank(va) and _is_blank(vb)) and va != vb and not ours(r, c, va, vb):
                wp.outcome = "failed"
                wp.error = tr("migrate.verify_failed", cell=f"{col_letter(c)}{r + 1}",
                              backup=wp.backup or tr("migrate.no_backup"))
                return


def migrate(office: Office, register: str, new_file: Path, *, apply: bool = False,
            workbook: str | None = None, lang: str | None = None) -> MigrateResult:
    """Plan (and with `apply`, carry out) the move of `register`'s workbooks to `new_file`; the
    prompts of new columns in `lang` (the current language when None)."""
    lang = lang or get_lang()
    old = office.register(register)
    new = _new_register(office, register, new_file)
    result = MigrateResult(register, new_file, diff_registers(old, new), [], apply)
    config = office.config
    for wb in _targets(office, register, workbook):
        source = open_source(wb, config)
        try:
            wp = _plan_workbook(source, old, new, must_hold=bool(wb.registers) or workbook is not None,
                                lang=lang)
            if wp is None:
                continue
            result.workbooks.append(wp)
            if apply and wp.outcome == "planned" and wp.plan is not None:
                report = source.apply([sheet_patch(wp.sheet, wp.plan)], source.fingerprint)
                wp.outcome, wp.backup = "written", report.backup
                _verify(source, wp)
        except SourceError as exc:
            failed = WorkbookPlan(wb.name, source.location, outcome="failed",
                                  error=exc.message + (f"（{exc.hint}）" if exc.hint else ""))
            result.workbooks = [w for w in result.workbooks if w.workbook != wb.name] + [failed]
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
    if apply and result.ok:
        _install(office, old, new_file, result)
    return result


def _install(office: Office, old: Register, new_file: Path, result: MigrateResult) -> None:
    """The new schema in place of the register's schema file; the old one kept in backups/schemas/."""
    config = office.config
    target = config.schemas_dir / old.file
    if target.resolve() == new_file.resolve():
        return  # edited in place: nothing to install
    if target.exists():  # every old version is kept (a few kilobytes each): no pruning
        folder = config.state_dir / "backups" / "schemas"
        folder.mkdir(parents=True, exist_ok=True)
        result.kept_schema = files.replace_whole(folder / f"{target.stem}.{files.stamp(config.tz)}{target.suffix}",
                                      target.read_bytes())
    result.installed = files.replace_whole(target, new_file.read_bytes())


# --- what is printed ----------------------------------------------------------------------------------

def migrate_lines(result: MigrateResult) -> list[str]:
    """The plan (or what was done), as short lines in the current language."""
    head = "migrate.head_apply" if result.applied else "migrate.head_dry"
    lines = [tr(head, register=result.register, file=result.new_file.name)]
    lines += ["  " + line for line in diff_lines(result.diff)[1:]]
    if not result.workbooks:
        lines.append(tr("migrate.no_workbook", register=result.register))
    for w in result.workbooks:
        lines.append(tr("migrate.workbook", workbook=w.workbook, location=w.location))
        if w.outcome == "failed":
            lines.append("  " + tr("migrate.failed", error=w.error))
            continue
        p = w.plan
        assert p is not None
        lines.append("  " + tr("migrate.sheet", sheet=w.sheet, row=p.header_row))
        lines += ["  - " + tr("migrate.rename", cell=r.cell, old=r.old, new=r.new) for r in p.renames]
        for n in p.added:
            lines.append("  - " + tr("migrate.add", cell=n.cell, name=n.name))
            lines += ["    " + x for x in _entry_lines(n, p)]
        lines += ["  - " + tr("migrate.kept", name=k) for k in p.kept]
        lines += ["  - " + tr("migrate.problem", problem=x) for x in p.problems]
        lines += ["  - " + x for x in p.notes]
        outcome = {"refused": tr("migrate.refused"), "unchanged": tr("migrate.unchanged"),
                   "written": tr("migrate.written", backup=w.backup or tr("migrate.no_backup"))}.get(w.outcome)
        if outcome:
            lines.append("  " + outcome)
    if not result.applied:
        lines.append(tr("migrate.dry_hint"))
    elif result.installed is not None:
        lines.append(tr("migrate.installed", file=result.installed, kept=result.kept_schema or tr("migrate.no_backup")))
    elif result.ok:
        lines.append(tr("migrate.in_place", file=result.new_file.name))
    else:
        lines.append(tr("migrate.not_installed"))
    return lines


def _entry_lines(n: NewColumn, plan: SheetPlan) -> list[str]:
    """What the cells of new column `n` get: its entry rule's kind and number format, and where."""
    what = ([tr("migrate.entry." + n.look.rule.kind)] if n.look.rule is not None else []) + \
        ([tr("migrate.entry.format", format=n.look.number_format)] if n.look.number_format is not None else [])
    if not what:
        return []
    first, last = plan.entry_rows
    return [tr("migrate.entry", first=first, last=last, what=tr("migrate.entry.sep").join(what))]


def problem_lines(result: MigrateResult) -> list[str]:
    """One line per workbook refused or not migrated (for stderr: the plan itself goes to stdout)."""
    out = []
    for w in result.workbooks:
        if w.outcome == "failed":
            out.append(tr("migrate.problem_failed", workbook=w.workbook, error=w.error))
        elif w.outcome == "refused" and w.plan is not None:
            out.append(tr("migrate.problem_refused", workbook=w.workbook, problems="；".join(w.plan.problems)))
    return out
