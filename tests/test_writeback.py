"""`assistant flag` writes statuses back into people's workbooks: each guarantee of docs/design.md §7, proved
on a realistic register (tests/fixtures_xlsx.py) with the real CLI, or with jobs.flag.run where
something has to happen between our read and our write.

Sections: 1. the fixture has every feature it claims; 2. no cell outside
the assistant-owned columns changes (every cell of every sheet, through openpyxl, and the raw XML);
3. every other zip part is byte-identical, the sheet's own elements (merges, drop-downs, conditional
formats, panes, widths, drawings) unchanged, styles only appended; 4. text starting with "=" stays
text and nothing we write is a formula; 5. rows are matched by key at write time (a file changed
after the read is re-read and re-planned, or left alone); 6. lock files stop the write; 7. backups,
the last N kept; 8. atomic replace, no temporary file left, the original intact after a failure;
9. idempotent (and a rerun that changes nothing neither writes nor adds a backup); 10. stale
outputs cleared; 11. --dry-run and --format json; 12. LibreOffice opens what we wrote.

Each test was checked to fail when the guarantee it covers is taken out of the code.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

import assistant.jobs.flag
from assistant.api import make_context
from assistant.messages import CATALOG
from assistant.office import load_office
from assistant.sources.xlsx import XlsxSource
from assistant.status import MARKS, STATUSES
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import (
    HEADERS,
    OUTPUT_COLUMNS,
    OUTPUTS,
    SHEET,
    SQL_LIKE,
    TASKS,
    WORKBOOK,
    Task,
    build_register,
    canon,
    cells_xml,
    d,
    make_office,
    parts,
    q,
    sheet_part,
    sheet_root,
    snapshot,
)
from tests.fixtures_xlsx import TODAY as TODAY_DATE

OURS = {SHEET: set(OUTPUT_COLUMNS)}
ITEM_KEYS = {"workbook", "register", "key", "row", "due", "status", "label", "days_left", "owner", "leader"}
STATUS_LABELS = {"overdue": "逾期", "due_soon": "临期", "on_track": "正常", "behind_pace": "滞后", "done": "已办结",
                 "done_late": "逾期办结", "invalid": "待核实"}
OUR_FILLS = {s.fill for s in STATUSES.values()} | {m.fill for m in MARKS.values()}
# CT_Worksheet's child elements, in the order the schema requires (Excel refuses others).
WORKSHEET_ORDER = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
                   "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
                   "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
                   "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
                   "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
                   "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                   "tableParts", "extLst"]
MARKER = 'N("office-assistant")=0'


# --- helpers ----------------------------------------------------------------------------------------

@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The fixture workbook in an office folder (default schemas); returns the workbook's path."""
    return make_office(tmp_path / "office")


def config_of(workbook: Path) -> Path:
    return workbook.parent.parent / "assistant.toml"


def backups_of(workbook: Path) -> list[Path]:
    """The backups of the office's workbooks (one folder per [[workbooks]] entry)."""
    folder = workbook.parent.parent / ".assistant" / "backups"
    return sorted(folder.glob("*/*")) if folder.exists() else []


def flag(workbook: Path, *args: str):
    return run_cli("flag", "--config", config_of(workbook), "--today", TODAY, *args)


def flagged(workbook: Path, *args: str):
    """Run flag and insist it wrote (exit 1: the fixture has error findings on purpose)."""
    res = flag(workbook, *args)
    assert res.code == 1, (res.code, res.out, res.err)
    return res


def sheet_rows(workbook: Path) -> dict[str, dict[str, object]]:
    """key -> {header: value} of the register, through openpyxl, our columns included."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb[SHEET]
    headers = [c.value for c in ws[2]]
    out = {}
    for row in ws.iter_rows(min_row=3):
        values = {h: c.value for h, c in zip(headers, row) if h}
        values["_row"] = row[0].row
        if values.get("编号"):
            out[values["编号"]] = values
    wb.close()
    return out


def highlights(workbook: Path) -> list[str]:
    """The cells our conditional-format block marks (empty when there is none)."""
    blocks = [cf for cf in sheet_root(workbook).iter(q("conditionalFormatting"))
              if any(f.text == MARKER for f in cf.iter(q("formula")))]
    assert len(blocks) <= 1, "our highlight block must be replaced, not repeated"
    return blocks[0].get("sqref").split() if blocks else []


def etree_local(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def other_files(folder: Path, keep: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != keep)


def assert_labels_beside_keys(workbook: Path, tasks: list[Task]) -> None:
    rows = sheet_rows(workbook)
    assert sorted(rows) == sorted(t.key for t in tasks)
    for position, t in enumerate(tasks, start=3):
        got = rows[t.key]
        assert got["_row"] == position
        assert got["预警状态"] == t.expect, (t.key, got)
        assert got["剩余工作日"] == t.expect_days, (t.key, got)
    marked = set(highlights(workbook))
    expected = {f"{'ABCDEFGHIJKL'[HEADERS.index(col)]}{pos}" for pos, t in enumerate(tasks, start=3)
                for col in t.expect_highlight}
    assert marked == expected


class EditingSource(XlsxSource):
    """The workbook's real source, except that a person saves the file (`edit`) just before our
    write, on the first `apply` call or on every one."""

    def __init__(self, real: XlsxSource, edit, every: bool = False):
        self.__dict__.update(real.__dict__)
        self.edit, self.every, self.calls, self.refreshes, self.saved = edit, every, 0, 0, []

    def refresh(self) -> None:
        self.refreshes += 1
        super().refresh()

    def apply(self, patches, planned_from):
        self.calls += 1
        if self.calls == 1 or self.every:
            self.edit(self.path, self.calls)
            self.saved.append(self.path.read_bytes())
        return super().apply(patches, planned_from)


def context_with(workbook: Path, wrap):
    ctx = make_context(load_office(config_of(workbook)), TODAY_DATE, "zh")
    (name,) = ctx.sources
    ctx.sources[name] = wrap(ctx.sources[name])
    return ctx, ctx.sources[name]


# --- 1. the fixture itself is what the tests claim ---------------------------------------------------

def test_fixture_has_the_features_people_use(book):
    p = parts(book)
    names = set(p)
    assert {"xl/media/image1.png", "xl/charts/chart1.xml", "xl/comments1.xml", "xl/drawings/drawing1.xml",
            "xl/drawings/vmlDrawing1.vml", "xl/sharedStrings.xml"} <= names
    assert p["xl/media/image1.png"].startswith(b"\x89PNG\r\n\x1a\n")
    wb_xml = p["xl/workbook.xml"].decode()
    assert 'state="hidden"' in wb_xml and "状态列表" in wb_xml and "_xlnm.Print_Titles" in wb_xml
    root = sheet_root(book)
    for tag in ("mergeCells", "dataValidations", "conditionalFormatting", "sheetViews", "cols", "drawing",
                "legacyDrawing", "autoFilter"):
        assert root.find(q(tag)) is not None, tag
    assert root.find(f"{q('sheetViews')}/{q('sheetView')}/{q('pane')}").get("state") == "frozen"
    assert any(dv.findtext(q("formula1")) == "状态列表" for dv in root.iter(q("dataValidation")))
    cells = cells_xml(book)
    assert cells["L9"].get("t") == "s"  # "=1+1" typed as text: a shared string, no formula
    assert cells["L12"].find(q("f")) is not None  # a real formula in the register
    assert cells["H11"].get("t") == "s" and cells["H11"].find(q("f")) is None  # "=SUM(A1)" as text
    wb = openpyxl.load_workbook(book)
    assert wb["选项"].sheet_state == "hidden"
    assert wb[SHEET]["G3"].number_format == "yyyy-mm-dd" and wb[SHEET]["I3"].number_format == "0%"
    assert wb[SHEET]["L9"].value == "=1+1" and wb[SHEET]["L9"].data_type == "s"
    assert wb["统计"]["B1"].data_type == "f"


# --- 2. every cell outside our columns keeps value, type, format and style --------------------------

def test_every_other_cell_keeps_value_type_format_and_style(book):
    before = snapshot(book, OURS)
    flagged(book)
    after = snapshot(book, OURS)
    assert set(after) == set(before)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    assert [ws[f"{c}2"].value for c in OUTPUT_COLUMNS] == OUTPUTS
    # New headers look like the existing ones (same font, fill, border).
    assert repr(ws["M2"].font) == repr(ws["L2"].font) and repr(ws["M2"].border) == repr(ws["L2"].border)


def test_cells_and_rows_outside_our_columns_are_unchanged_in_the_xml(book):
    before_cells = cells_xml(book)
    before_rows = {r.get("r"): r for r in sheet_root(book).iter(q("row"))}
    flagged(book)
    after_cells = cells_xml(book)
    after_rows = {r.get("r"): r for r in sheet_root(book).iter(q("row"))}
    ours = {ref for ref in after_cells if ref.rstrip("0123456789") in OUTPUT_COLUMNS}
    assert set(after_cells) - ours == set(before_cells)
    for ref, cell in before_cells.items():
        assert canon(after_cells[ref]) == canon(cell), ref
    assert set(after_rows) == set(before_rows)
    for n, row in before_rows.items():
        # `spans` is an optional hint that may be dropped; every other attribute stays.
        strip = lambda r: {k: v for k, v in r.attrib.items() if k != "spans"}  # noqa: E731
        assert strip(after_rows[n]) == strip(row), n


# --- 3. every other part byte-identical; the sheet's own elements unchanged -------------------------

def test_other_parts_byte_identical_and_sheet_elements_unchanged(book):
    original = book.read_bytes()
    flagged(book)
    before, after = parts(original), parts(book)
    part = sheet_part(book)
    assert set(after) == set(before), "no part added or removed"
    notes = ("xl/comments1.xml", "xl/drawings/vmlDrawing1.vml")  # the legend's note joins the person's
    for name in before:
        if name not in (part, "xl/styles.xml", *notes):
            assert after[name] == before[name], name
    assert after[part] != before[part]
    from lxml import etree

    theirs = [c for c in etree.fromstring(after[notes[0]]).iter(q("comment")) if c.get("ref") != "M2"]
    assert [canon(c) for c in theirs] == [canon(c) for c in etree.fromstring(before[notes[0]]).iter(q("comment"))]
    assert after[notes[1]].startswith(before[notes[1]].removesuffix(b"</xml>")), "the person's note shape as it was"

    old, new = sheet_root(original), sheet_root(book)
    for tag in ("sheetPr", "sheetViews", "sheetFormatPr", "autoFilter", "mergeCells", "dataValidations",
                "pageMargins", "pageSetup", "drawing", "legacyDrawing"):
        a, b = old.find(q(tag)), new.find(q(tag))
        assert (a is None) == (b is None), tag
        if a is not None:
            assert canon(a) == canon(b), tag
    theirs = [cf for cf in new.iter(q("conditionalFormatting")) if MARKER not in [f.text for f in cf.iter(q("formula"))]]
    assert [canon(cf) for cf in theirs] == [canon(cf) for cf in old.iter(q("conditionalFormatting"))]
    old_cols = [canon(c) for c in old.find(q("cols"))]
    assert [canon(c) for c in new.find(q("cols")) if int(c.get("max")) <= len(HEADERS)] == old_cols
    # Widths for the new columns; the schema's element order kept (Excel rejects a sheet otherwise).
    assert {int(c.get("min")) for c in new.find(q("cols"))} >= {13, 14, 15}
    order = [etree_local(el) for el in new if isinstance(el.tag, str)]
    assert [t for t in order if t in WORKSHEET_ORDER] == sorted(order, key=WORKSHEET_ORDER.index)
    assert new.find(q("dimension")).get("ref") == "A1:O14"


def test_styles_only_appended(book):
    original = book.read_bytes()
    flagged(book)
    from lxml import etree

    old = etree.fromstring(parts(original)["xl/styles.xml"])
    new = etree.fromstring(parts(book)["xl/styles.xml"])
    for section in ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs"):
        a, b = old.find(q(section)), new.find(q(section))
        if a is None:
            continue
        assert [canon(x) for x in b[: len(a)]] == [canon(x) for x in a], section
        assert b.get("count") in (None, str(len(b))), section


def test_zip_stays_a_valid_deflated_package(book):
    flagged(book)
    with zipfile.ZipFile(book) as zf:
        assert zf.testzip() is None
        assert zf.namelist()[0] == "[Content_Types].xml"
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())


# --- 4. text that starts with "=" stays text; nothing we write is a formula --------------------------

def test_equals_text_stays_text_and_we_write_no_formula(book, monkeypatch):
    # A label and a message that themselves start with "=": still plain text in the cell.
    monkeypatch.setitem(CATALOG, "deadline.status.overdue", ("=1+1", "=1+1"))
    monkeypatch.setitem(CATALOG, "check.invalid_date", ("={column}{value}", "={column}{value}"))
    flagged(book)
    cells = cells_xml(book)
    ours = [c for ref, c in cells.items() if ref.rstrip("0123456789") in OUTPUT_COLUMNS]
    assert len(ours) == 3 * (len(TASKS) + 1)
    for c in ours:
        assert c.find(q("f")) is None, c.get("r")
        assert c.get("t") in (None, "inlineStr", "s", "n"), c.get("r")
    assert cells["M3"].get("t") == "inlineStr" and cells["M3"].findtext(f"{q('is')}/{q('t')}") == "=1+1"
    o11 = cells["O11"].findtext(f"{q('is')}/{q('t')}")
    assert o11.startswith("=完成时限") and SQL_LIKE in o11
    # People's cells: "=1+1" typed as text is still the same shared string; their formula still a formula.
    before = cells_xml(build_register(book.parent / "again.xlsx"))
    assert canon(cells["L9"]) == canon(before["L9"]) and canon(cells["H11"]) == canon(before["H11"])
    assert cells["L12"].findtext(q("f")) == 'TEXT(H12,"yyyy-mm-dd")&"前完成"'
    ws = openpyxl.load_workbook(book)[SHEET]
    assert (ws["M3"].value, ws["M3"].data_type) == ("=1+1", "s")
    assert ws["O11"].data_type == "s" and ws["L9"].data_type == "s" and ws["L9"].value == "=1+1"
    assert ws["L12"].data_type == "f"


# --- 5. rows matched by key at write time ------------------------------------------------------------

NEW_TASK = Task("DB-2026-013", "领导批示", "信息报送", "党政办", "王芳", "张建国", d("2026-11-16"), d("2026-11-23"),
                0.2, "推进中", expect="临期", expect_days=1)


def person_reorders(path: Path, call: int) -> None:
    """Before our write: a row inserted near the top, two rows swapped, one deleted (a new save)."""
    tasks = list(TASKS)
    tasks.insert(1, NEW_TASK)
    i, j = tasks.index(TASKS[0]), tasks.index(TASKS[4])
    tasks[i], tasks[j] = tasks[j], tasks[i]
    tasks.remove(TASKS[2])
    build_register(path, tasks)


REORDERED = [TASKS[4], NEW_TASK, TASKS[1], TASKS[3], TASKS[0], *TASKS[5:]]


def test_file_changed_between_read_and_write_is_replanned_by_key(book):
    ctx, source = context_with(book, lambda real: EditingSource(real, person_reorders))
    result = assistant.jobs.flag.run(ctx)
    assert source.calls == 2, "the first plan must be refused and a second one made"
    assert source.refreshes >= 1, "the workbook must be read again"
    assert not result.problems and len(result.written) == 1
    assert_labels_beside_keys(book, REORDERED)
    # What flag reports agrees with the file as it is now.
    rows = sheet_rows(book)
    for item in result.items:
        assert rows[item["key"]]["_row"] == item["row"]
        assert rows[item["key"]]["预警状态"] == item["label"]
    assert TASKS[2].key not in {i["key"] for i in result.items}
    # The backup is the person's save, not the file as first read.
    (backup,) = backups_of(book)
    assert backup.read_bytes() == source.saved[0]


def test_file_changing_on_every_attempt_is_left_alone(book):
    def person_keeps_saving(path: Path, call: int) -> None:
        tasks = [Task(**{**t.__dict__, "note": f"第{call}次保存"}) if t is TASKS[2] else t for t in TASKS]
        build_register(path, tasks)

    ctx, source = context_with(book, lambda real: EditingSource(real, person_keeps_saving, every=True))
    result = assistant.jobs.flag.run(ctx)
    assert source.calls == assistant.jobs.flag.MAX_ATTEMPTS
    assert not result.written
    assert result.problems and "凤凰镇" in result.problems[0]
    assert result.exit_code == 2
    assert book.read_bytes() == source.saved[-1], "the person's last save is what stays"
    assert openpyxl.load_workbook(book)[SHEET]["M2"].value is None
    assert backups_of(book) == []
    assert other_files(book.parent, book) == []


def test_change_just_before_the_rename_is_caught(book, monkeypatch):
    """A save that lands while our temporary file is being written: the last check sees it."""
    real_fsync, saves = os.fsync, []

    def fsync(fd):
        real_fsync(fd)
        if not saves:
            person_reorders(book, 1)
            saves.append(book.read_bytes())

    monkeypatch.setattr(os, "fsync", fsync)
    ctx, source = context_with(book, lambda real: EditingSource(real, lambda p, c: None))
    result = assistant.jobs.flag.run(ctx)
    assert saves, "the write never reached fsync"
    assert source.calls == 2 and not result.problems
    assert_labels_beside_keys(book, REORDERED)
    assert other_files(book.parent, book) == []


# --- 6. lock files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lock", [f"~${WORKBOOK}", f"~${WORKBOOK[2:]}", f".~lock.{WORKBOOK}#"],
                         ids=["excel", "excel-short", "libreoffice"])
def test_lock_file_means_no_write(book, lock):
    original = book.read_bytes()
    (book.parent / lock).write_bytes(b"\x05someone")
    res = flag(book, "--format", "json")
    assert res.code == 2
    assert lock in res.err and WORKBOOK in res.err
    assert res.json()["items"], "the statuses are still reported"
    assert book.read_bytes() == original
    assert backups_of(book) == []
    assert other_files(book.parent, book) == [lock]

    text = flag(book)
    assert text.code == 2 and lock in "".join((text.out + text.err).split())
    assert book.read_bytes() == original

    (book.parent / lock).unlink()
    flagged(book)
    assert book.read_bytes() != original
    assert sheet_rows(book)["DB-2026-001"]["预警状态"] == "逾期"


def test_lock_appearing_during_the_write_means_no_write(book, monkeypatch):
    real_fsync = os.fsync
    lock = book.parent / f"~${WORKBOOK}"

    def fsync(fd):
        real_fsync(fd)
        lock.write_bytes(b"\x05WPS")  # someone opens the file while our temporary copy is written

    monkeypatch.setattr(os, "fsync", fsync)
    original = book.read_bytes()
    res = flag(book, "--format", "json")
    assert res.code == 2 and lock.name in res.err
    assert book.read_bytes() == original
    assert other_files(book.parent, book) == [lock.name]


# --- 7. backups -------------------------------------------------------------------------------------

def test_backup_holds_the_file_as_it_was(book):
    original = book.read_bytes()
    res = flagged(book)
    (backup,) = backups_of(book)
    assert backup.read_bytes() == original
    assert backup.name in res.out
    assert backup.suffix == ".xlsx" and backup.name.startswith(book.stem + ".")


@pytest.mark.parametrize("keep", [1, 2])
def test_only_the_last_n_backups_are_kept(tmp_path, keep):
    book = make_office(tmp_path / "office", keep_backups=keep)
    before_each_run = []
    for run in range(keep + 2):
        # A person's edit between runs, so every backup has different bytes.
        tasks = [Task(**{**t.__dict__, "note": f"第{run}次"}) if t is TASKS[2] else t for t in TASKS]
        build_register(book, tasks)
        before_each_run.append(book.read_bytes())
        flagged(book)
    kept = backups_of(book)
    assert [p.read_bytes() for p in kept] == before_each_run[-keep:]


def test_backups_of_a_similarly_named_workbook_are_not_pruned(tmp_path):
    """Two workbooks share the backup folder; pruning one never deletes the other's backups."""
    book = make_office(tmp_path / "office", keep_backups=1)
    other = book.with_name(book.stem + ".2025.xlsx")
    config = config_of(book)
    text = config.read_text(encoding="utf-8")
    first = '[[workbooks]]\nname = "凤凰镇"'
    assert first in text
    # The other workbook is written first, then ours prunes: it must not count the other's backups.
    config.write_text(text.replace(first, f'[[workbooks]]\nname = "凤凰镇2025"\nsource = "data/{other.name}"\n\n{first}'),
                      encoding="utf-8")
    for run in range(3):
        tasks = [Task(**{**t.__dict__, "note": f"第{run}次"}) if t is TASKS[2] else t for t in TASKS]
        build_register(book, tasks)
        build_register(other, tasks)
        flagged(book)
    names = [p.name for p in backups_of(book)]
    assert len(names) == 2, names
    assert sum(n.startswith(other.stem + ".") for n in names) == 1, names


# --- 8. atomic replace ------------------------------------------------------------------------------

def test_no_temporary_file_left_after_success(book):
    flagged(book)
    assert other_files(book.parent, book) == []
    flagged(book)
    assert other_files(book.parent, book) == []


def test_failed_patch_leaves_original_and_no_temporary_file(book):
    # Rows without their (optional) numbers: calamine reads them, our patcher refuses to guess.
    import re
    import zipfile

    parts = {i.filename: zipfile.ZipFile(book).read(i.filename) for i in zipfile.ZipFile(book).infolist()}
    for name in parts:
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = re.sub(rb'(<row\b[^>]*?)\sr="\d+"', rb"\1", parts[name])
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    original = book.read_bytes()
    res = flag(book)
    assert res.code == 2
    assert WORKBOOK in res.err
    assert book.read_bytes() == original
    assert other_files(book.parent, book) == []


def test_failure_while_writing_the_temporary_file(book, monkeypatch):
    real_fsync = os.fsync

    def disk_full(fd):
        # The backup is written; the disk fills while our copy of the workbook is written.
        if backups_of(book) and stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_full)
    original = book.read_bytes()
    res = flag(book)
    assert res.code == 2
    assert WORKBOOK in res.err, res.err  # a message about the file, not "internal error"
    assert book.read_bytes() == original
    assert other_files(book.parent, book) == []
    assert not list((book.parent.parent / ".assistant" / "tmp").rglob("*.*")), "our copy is removed"


@pytest.mark.parametrize("route", ["swap", "move-aside"])
def test_failed_swap_leaves_original_and_no_temporary_file(book, monkeypatch, route):
    """The step that puts our copy in place is refused (native swap, or the fallback's rename)."""
    from assistant.sources.xlsx import swap

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    if route == "swap":
        monkeypatch.setattr(swap, "_native", refused)
    else:
        monkeypatch.setattr(swap, "_native", None)
        monkeypatch.setattr(os, "rename", refused)
    original = book.read_bytes()
    res = flag(book)
    assert res.code == 2 and WORKBOOK in res.err
    assert book.read_bytes() == original
    assert other_files(book.parent, book) == []
    assert not list((book.parent.parent / ".assistant" / "tmp").rglob("*.*")), "our copy is removed"


def test_file_mode_is_kept(book):
    book.chmod(0o640)
    flagged(book)
    assert book.stat().st_mode & 0o777 == 0o640


# --- 9. idempotent ----------------------------------------------------------------------------------

def test_second_run_on_unchanged_file_is_byte_identical(book):
    flagged(book)
    first = book.read_bytes()
    flagged(book)
    second = book.read_bytes()
    assert parts(second).keys() == parts(first).keys()
    for name, data in parts(first).items():
        assert parts(second)[name] == data, name
    assert second == first
    flagged(book)
    assert book.read_bytes() == first


def test_rerun_with_nothing_new_neither_writes_nor_rotates_backups(book):
    """A daily rerun must not fill .assistant/backups with copies of our own output, pushing out the
    backup of the person's file from before our first write."""
    original = book.read_bytes()
    flagged(book)
    stamp = book.stat().st_mtime_ns
    for _ in range(2):
        flagged(book)
    assert book.stat().st_mtime_ns == stamp
    (backup,) = backups_of(book)
    assert backup.read_bytes() == original


# --- 10. stale outputs cleared ----------------------------------------------------------------------

def test_deleted_row_and_fixed_cell_lose_what_we_wrote(book):
    flagged(book)
    rows = sheet_rows(book)
    assert rows["DB-2026-002"]["预警状态"] == "临期"
    assert "2026.13.45" in rows["DB-2026-006"]["校验提示"]
    assert {"H8", "B10", "H11"} <= set(highlights(book))

    # The person, in a spreadsheet program: empties row 4's data (DB-2026-002), fixes H8 and B10.
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    for col in "ABCDEFGHIJKL":
        ws[f"{col}4"].value = None
    ws["H8"].value = d("2026-12-15")
    ws["B10"].value = "上级交办"
    wb.save(book)

    flagged(book)
    ws = openpyxl.load_workbook(book)[SHEET]
    for col in OUTPUT_COLUMNS:
        assert ws[f"{col}4"].value is None, col
        fill = ws[f"{col}4"].fill
        assert not (fill.patternType == "solid" and str(fill.fgColor.rgb) in OUR_FILLS), col
    assert ws["M8"].value == "滞后"  # a real deadline now: 30% done, behind the pace
    assert ws["O8"].value is None and ws["O10"].value is None
    marked = set(highlights(book))
    assert "H8" not in marked and "B10" not in marked and "H11" in marked


def test_row_emptied_before_the_first_run_with_our_columns_present(tmp_path):
    """Our columns exist from an earlier run; the last row's data is gone but our text remains."""
    book = make_office(tmp_path / "office")
    build_register(book, outputs={})  # the three headers already in row 2
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    for col in "ABCDEFGHIJKL":
        ws[f"{col}14"].value = None
    ws["M14"], ws["N14"], ws["O14"] = "正常", 26, "旧的提示"
    wb.save(book)
    flagged(book)
    ws = openpyxl.load_workbook(book)[SHEET]
    assert [ws[f"{c}14"].value for c in OUTPUT_COLUMNS] == [None, None, None]
    assert ws["M13"].value == "逾期办结"
    assert [ws[f"{c}2"].value for c in "MNOP"] == [*OUTPUTS, None], "existing columns reused, none added"


# --- 11. --dry-run and --format json ----------------------------------------------------------------

def test_dry_run_writes_nothing(book):
    original = book.read_bytes()
    res = flag(book, "--dry-run")
    assert res.code == 1
    assert book.read_bytes() == original
    assert backups_of(book) == [] and other_files(book.parent, book) == []
    res = flag(book, "--dry-run", "--format", "json")
    assert book.read_bytes() == original
    assert len(res.json()["items"]) == len(TASKS)


def test_json_items_as_the_design_says(book):
    res = flagged(book, "--format", "json")
    doc = res.json()
    assert set(doc) == {"items"}
    items = doc["items"]
    by_key = {i["key"]: i for i in items}
    assert len(items) == len(TASKS) == len(by_key)
    for t, position in zip(TASKS, range(3, 100)):
        item = by_key[t.key]
        assert set(item) == ITEM_KEYS
        assert item["workbook"] == "凤凰镇" and item["register"] == "tasks"
        assert item["row"] == position
        assert STATUS_LABELS[item["status"]] == item["label"] == t.expect
        if t.expect_days is not None:
            assert item["days_left"] == t.expect_days
        assert item["owner"] == t.owner and item["leader"] == t.leader
        assert item["due"] == (t.due.isoformat() if hasattr(t.due, "isoformat") else None)
    assert by_key["DB-2026-001"]["status"] == "overdue" and by_key["DB-2026-001"]["days_left"] == -6
    # Most urgent first.
    assert items[0]["status"] == "overdue"
    # And the sheet says the same as the JSON.
    rows = sheet_rows(book)
    assert all(rows[i["key"]]["预警状态"] == i["label"] for i in items)


# --- 12. LibreOffice opens what we wrote ------------------------------------------------------------

def test_libreoffice_reads_the_written_workbook(book, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install it (apt-get install libreoffice-calc) "
                    "to check that a written workbook opens")
    flagged(book)
    out = tmp_path / "lo"
    out.mkdir()
    profile = (tmp_path / "lo-profile").as_uri()
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
           "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(book)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    (csv_file,) = out.glob("*.csv")
    lines = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    assert lines[1][12:15] == OUTPUTS
    by_key = {line[0]: line for line in lines[2:]}
    for t in TASKS:
        row = by_key[t.key]
        assert row[12] == t.expect, (t.key, row)
        assert row[13] == ("" if t.expect_days is None else str(t.expect_days)), (t.key, row)
    assert "2026.13.45" in by_key["DB-2026-006"][14]
    assert by_key["DB-2026-007"][11] == "=1+1"
