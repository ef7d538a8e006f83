"""What people see in the sheet and in the overdue attachment (issue 15, "the sheet and the
attachment"): fills that a colour-blind reader can tell apart, a data error that never looks like
a status, the legend on the status header, hints wrapped within a fixed width, the print setup kept,
and an attachment whose 完成时限 is a date, whose columns fit and whose header stays in view.

Sheets are real files (xlsx, opened again by openpyxl, calamine and LibreOffice) and spreadsheets on
the loopback Sheets API server; colours are judged by simulated colour-vision deficiency
(tests/colour_vision.py).
"""

from __future__ import annotations

import email
import itertools
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from email import policy
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from assistant.i18n import using
from assistant.status import MARKS, STATUSES, legend
from tests.backends import XlsxBackend
from tests.colour_vision import SIMULATIONS, contrast, delta_e, difference
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import SHEET, canon, make_office, parts, q, sheet_part, sheet_root
from tests.test_read_safety import rewrite_part
from tests.test_source_contract import FIRST, register_sheets

STATUS, DAYS, HINT = "M", "N", "O"  # our columns in the fixture register, as created
FILLS = {**{s.code: s.fill for s in STATUSES.values()}, **{f"data {m.severity}": m.fill for m in MARKS.values()},
         "unfilled": "FFFFFFFF"}
WHITE, BLACK = "FFFFFFFF", "FF000000"


def cli(config: Path, command: str, *args: str):
    return run_cli(command, "--config", config, "--today", TODAY, *args)


# --- 1. the palette ----------------------------------------------------------------------------------

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
# supplementary test data and mathematical observations", Table 1: (Lab 1, Lab 2, ΔE00).
SHARMA = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425), ((50, 3.1571, -77.2803), (50, 0, -82.7485), 2.8615),
          ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0), ((50, 0, 0), (50, -1, 2), 2.3669),
          ((50, 2.49, -0.001), (50, -2.49, 0.0009), 7.1792), ((50, 2.49, -0.001), (50, -2.49, 0.0011), 7.2195),
          ((50, 2.5, 0), (73, 25, -18), 27.1492), ((50, 2.5, 0), (56, -27, -3), 31.9030),
          ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644)]


def test_the_colour_measure_is_the_published_one():
    """The yardstick first: ΔE00 as published, and simulations that keep greys grey."""
    for lab1, lab2, expected in SHARMA:
        assert delta_e(lab1, lab2) == pytest.approx(expected, abs=5e-4), (lab1, lab2)
    for vision, matrix in SIMULATIONS.items():
        assert all(sum(row) == pytest.approx(1, abs=1e-3) for row in matrix), vision
    # The old traffic light is what the measure must catch: pink overdue and green on track.
    assert difference("FFFFC7CE", "FFC6EFCE", "deuteranopia") < 4 < difference("FFFFC7CE", "FFC6EFCE")


def test_every_fill_stays_apart_for_colour_blind_readers():
    """Before: 逾期 was the very pink of a data error (ΔE 0), and 逾期 and 正常 were 3.6 apart for a
    deuteranope."""
    for (a, fa), (b, fb) in itertools.combinations(FILLS.items(), 2):
        for vision in ("normal", "protanopia", "deuteranopia"):
            assert difference(fa, fb, vision) >= 8, (a, b, vision, round(difference(fa, fb, vision), 1))
    for vision in SIMULATIONS:  # "late" and "wrongly filled in" apart for every reader
        assert difference(STATUSES["overdue"].fill, MARKS["error"].fill, vision) >= 10, vision
    for code, fill in FILLS.items():
        assert contrast(fill, BLACK) >= 7, code  # black text stays easy to read on each
    assert contrast(MARKS["error"].fill, MARKS["error"].font or BLACK) >= 4.5


# --- 2. the sheet: fills and the legend, on both sources ----------------------------------------------

def note(backend, ref: str) -> str | None:
    """The note a person sees on a cell."""
    if isinstance(backend, XlsxBackend):
        comment = openpyxl.load_workbook(backend.path)[SHEET][ref].comment
        return comment.text if comment else None
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m is not None
    return backend.server.note_at(backend.sid, SHEET, int(m.group(2)) - 1, ord(m.group(1)) - ord("A"))


def test_overdue_and_a_data_error_look_different(backend):
    """Before: both FFFFC7CE, so red meant "late" and "wrongly filled in" at once."""
    backend.create(register_sheets())
    assert cli(backend.config, "flag").code == 1
    overdue = FIRST + 1  # DB-2026-001, overdue
    wrong_date = FIRST + 6  # DB-2026-006: 完成时限 "2026.13.45"
    assert backend.fill(SHEET, f"{STATUS}{overdue}") == STATUSES["overdue"].fill
    assert backend.fill(SHEET, f"H{wrong_date}") == MARKS["error"].fill
    assert backend.fill(SHEET, f"{HINT}{wrong_date}") == MARKS["error"].fill
    assert backend.fill(SHEET, f"{STATUS}{wrong_date}") == STATUSES["invalid"].fill
    assert STATUSES["overdue"].fill != MARKS["error"].fill


def test_the_status_header_carries_a_one_line_legend_in_the_office_language(backend):
    """Before: no note; the colours were explained nowhere in the sheet."""
    backend.create(register_sheets())
    assert cli(backend.config, "flag").code == 1
    text = note(backend, f"{STATUS}2")
    assert text == legend() and "\n" not in text
    for s in STATUSES.values():
        assert f"{s.label}={s.fill_name}" in text
    assert MARKS["error"].fill_name in text and text.startswith("颜色")

    # An English-speaking office: the labels and the legend follow its [office] lang.
    backend.config.write_text(backend.config.read_text(encoding="utf-8").replace(
        'name = "凤凰镇党政办"\n', 'name = "凤凰镇党政办"\nlang = "en"\n'), encoding="utf-8")
    assert cli(backend.config, "flag").code == 1
    with using("en"):
        assert note(backend, f"{STATUS}2") == legend()
    assert note(backend, f"{STATUS}2").startswith("Colours: overdue = coral")
    assert backend.rows(SHEET)[FIRST][12] == "overdue"


def test_hints_wrap_within_a_fixed_width(backend):
    """Before: a long hint ran on to the right across the page."""
    backend.create(register_sheets())
    assert cli(backend.config, "flag").code == 1
    rows = range(FIRST + 1, FIRST + 13)
    if isinstance(backend, XlsxBackend):
        ws = openpyxl.load_workbook(backend.path)[SHEET]
        assert ws.column_dimensions[HINT].width == 48
        assert all(ws[f"{HINT}{r}"].alignment.wrap_text for r in rows)
        assert not any(ws[f"{STATUS}{r}"].alignment.wrap_text for r in rows)
    else:
        server, sid = backend.server, backend.sid
        sheet_id = server.spreadsheets[sid].sheet(SHEET).sheet_id
        assert server.column_width(sid, SHEET, 14) == 48 * 7 + 5
        assert all(server.formats[(sid, sheet_id, r - 1, 14)]["wrapStrategy"] == "WRAP" for r in rows)
        assert (sid, sheet_id, FIRST, 12) not in server.formats  # the status column is not wrapped


# --- 3. xlsx: the note in the package ---------------------------------------------------------------

def test_the_legend_joins_a_persons_notes_and_a_rerun_changes_nothing(tmp_path):
    """The fixture has a person's note on H2 (comments part and VML drawing): it stays as it was, the
    legend is added beside it, a change of language replaces ours and nothing else, and a rerun
    with the same legend leaves the file byte for byte."""
    book = make_office(tmp_path / "office")
    config = book.parent.parent / "assistant.toml"
    assert cli(config, "flag").code == 1
    ws = openpyxl.load_workbook(book)[SHEET]
    assert ws["H2"].comment.text == "完成时限：填日期，如 2026-11-05" and ws["H2"].comment.author == "党政办"
    assert ws[f"{STATUS}2"].comment.text == legend()
    once = book.read_bytes()
    assert cli(config, "flag").code == 1
    assert book.read_bytes() == once

    assert cli(config, "flag", "--lang", "en").code == 1
    comments = parts(book)["xl/comments1.xml"].decode()
    assert comments.count("<comment ") == 2 and "颜色" not in comments and "Colours:" in comments
    vml = parts(book)["xl/drawings/vmlDrawing1.vml"]
    assert vml.count(b'ObjectType="Note"') == 2, "one shape for each note, ours not repeated"


def test_the_legend_moves_with_the_status_column(tmp_path):
    """The admin renames the status column in the schema: a new one is made right of ours, the
    legend goes with it (the old header is no longer ours and loses our note and its shape), and
    the person's note stays."""
    book = make_office(tmp_path / "office")
    config = book.parent.parent / "assistant.toml"
    assert cli(config, "flag").code == 1
    schema = book.parent.parent / "sheets_schema" / "tasks.yaml"
    schema.write_text(schema.read_text(encoding="utf-8").replace("status: 预警状态", "status: 办理预警"),
                      encoding="utf-8")
    assert cli(config, "flag").code == 1
    ws = openpyxl.load_workbook(book)[SHEET]
    assert ws["P2"].value == "办理预警" and ws["P2"].comment.text == legend()
    assert ws[f"{STATUS}2"].comment is None and ws["H2"].comment.author == "党政办"
    vml = parts(book)["xl/drawings/vmlDrawing1.vml"].decode()
    cells = sorted(re.findall(r"<x:Row>(\d+)</x:Row><x:Column>(\d+)</x:Column>", vml))
    assert cells == [("1", "15"), ("1", "7")], "shapes for H2 and P2 only"


def test_a_persons_note_on_the_status_header_is_left_alone(tmp_path):
    backend = XlsxBackend(tmp_path / "office")
    backend.create(register_sheets(outputs={}))  # our columns exist already, headed
    wb = openpyxl.load_workbook(backend.path)
    wb[SHEET][f"{STATUS}2"].comment = openpyxl.comments.Comment("王芳：这一列请勿改动", "王芳")
    wb.save(backend.path)
    assert cli(backend.config, "flag").code == 1
    assert note(backend, f"{STATUS}2") == "王芳：这一列请勿改动"
    assert b"office-assistant" not in b"".join(v for k, v in parts(backend.path).items() if "comments" in k)


def test_a_workbook_without_notes_gets_a_complete_one_that_libreoffice_reads(tmp_path):
    """No comments part, no drawing, no relationships of the sheet: all made, with their content
    types, and LibreOffice shows the note (it keeps it when it saves the workbook again)."""
    backend = XlsxBackend(tmp_path / "office")
    backend.create(register_sheets())
    before = set(parts(backend.path))
    assert not any("comments" in p or p.endswith(".vml") for p in before)
    assert cli(backend.config, "flag").code == 1
    after = parts(backend.path)
    added = sorted(set(after) - before)
    assert added == ["xl/comments1.xml", "xl/drawings/vmlDrawing1.vml", "xl/worksheets/_rels/sheet1.xml.rels"]
    types = after["[Content_Types].xml"].decode()
    assert 'PartName="/xl/comments1.xml"' in types and 'Extension="vml"' in types
    assert sheet_root(backend.path).find(q("legacyDrawing")) is not None
    with zipfile.ZipFile(backend.path) as zf:
        assert zf.testzip() is None
        assert zf.namelist()[-3:] == added  # appended, every part before them where it was

    out = tmp_path / "lo"
    convert(backend.path, "xlsx", out, tmp_path / "profile")
    again = openpyxl.load_workbook(out / backend.path.name)[SHEET]
    assert again[f"{STATUS}2"].comment is not None and again[f"{STATUS}2"].comment.text.strip() == legend()
    assert again[f"{HINT}{FIRST + 6}"].alignment.wrap_text


def test_a_hint_column_made_by_hand_gets_the_fixed_width(tmp_path):
    """An admin typed the three headers in; nobody set a width: the hints get their 48 characters
    (before: the default 8, so each hint wrapped into a tower). A width someone set is kept."""
    backend = XlsxBackend(tmp_path / "office")
    backend.create(register_sheets(outputs={}))
    wb = openpyxl.load_workbook(backend.path)
    wb[SHEET].column_dimensions[DAYS].width = 7
    wb.save(backend.path)
    assert cli(backend.config, "flag").code == 1
    ws = openpyxl.load_workbook(backend.path)[SHEET]
    assert ws.column_dimensions[HINT].width == 48 and ws.column_dimensions[STATUS].width == 10
    assert ws.column_dimensions[DAYS].width == 7


# --- 4. printing (LibreOffice) ------------------------------------------------------------------------

def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed; install it (apt-get install libreoffice-calc) "
                    "to print the written workbook")
    return found


def convert(book: Path, fmt: str, out: Path, profile: Path) -> Path:
    cmd = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", fmt,
           "--outdir", str(out), str(book)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return out / f"{book.stem}.{fmt.split(':')[0]}"


def printed(book: Path, tmp_path: Path, name: str) -> list[tuple[float, float]]:
    """The size of each page LibreOffice prints of the workbook (every visible sheet)."""
    pdf = convert(book, "pdf", tmp_path / name, tmp_path / "profile").read_bytes()
    sizes = [tuple(float(v) for v in m.groups()) for m in
             re.finditer(rb"/Type\s*/Page\b(?!s)[^>]*?/MediaBox\s*\[\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]
    assert len(sizes) == len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)), "a page whose size this cannot read"
    return sizes


def with_print_areas_on_used_ranges(book: Path, copy: Path) -> None:
    """A copy of the workbook whose every sheet prints exactly its used range: nothing beyond it."""
    shutil.copy(book, copy)
    names = re.findall(r'<sheet [^>]*?name="([^"]+)"', parts(book)["xl/workbook.xml"].decode())
    areas = []
    for i, name in enumerate(names):
        first, last = (re.sub(r"([A-Z]+)", r"$\1$", ref)
                       for ref in sheet_root(book, name).find(q("dimension")).get("ref").split(":"))
        areas.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">\'{name}\'!{first}:{last}</definedName>')

    def edit(xml: bytes) -> bytes:
        text = xml.decode()
        text = (text.replace("<definedNames>", "<definedNames>" + "".join(areas)) if "<definedNames>" in text
                else text.replace("</sheets>", "</sheets><definedNames>" + "".join(areas) + "</definedNames>"))
        return text.encode()

    rewrite_part(copy, "xl/workbook.xml", edit)


def test_a_printed_register_keeps_to_its_columns(tmp_path):
    """The demo's registers have no print area, so LibreOffice prints what the text reaches: before,
    the unwrapped hints ran on to three more pages (31 instead of 28). Now the flagged workbook
    prints exactly as many pages as its used range does."""
    folder = tmp_path / "镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    assert cli(folder / "assistant.toml", "flag").code == 1
    (book,) = (folder / "data").glob("*.xlsx")
    bounded = tmp_path / "bounded.xlsx"
    with_print_areas_on_used_ranges(book, bounded)
    assert len(printed(book, tmp_path, "flagged")) == len(printed(bounded, tmp_path, "bounded"))


PAGE_SETUP = (b'<pageSetup paperSize="9" orientation="landscape" fitToHeight="0"/>'
              b"<headerFooter><oddHeader>&amp;C\xe7\x9d\xa3\xe6\x9f\xa5\xe7\x9d\xa3\xe5\x8a\x9e\xe5\x8f\xb0\xe8\xb4\xa6"
              b"</oddHeader><oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter></headerFooter>")


def test_the_print_area_and_page_setup_are_kept(tmp_path):
    """A register set up for printing (print area A1:L14, header row repeated, landscape A4, fit to
    one page wide, a header and footer): the same pages before and after flag, the print setup as
    it was, our columns outside the print area as they are."""
    book = make_office(tmp_path / "office")
    part = sheet_part(book)
    rewrite_part(book, part, lambda xml: re.sub(rb"(<worksheet\b[^>]*>)", rb'\1<sheetPr><pageSetUpPr fitToPage="1"/>'
                                                rb"</sheetPr>", xml, count=1).replace(b"<drawing ", PAGE_SETUP + b"<drawing "))
    before_pages = printed(book, tmp_path, "before")
    before = sheet_root(book)
    names = re.findall(rb"<definedName [^>]*>[^<]*</definedName>", parts(book)["xl/workbook.xml"])
    assert cli(book.parent.parent / "assistant.toml", "flag").code == 1

    after = sheet_root(book)
    assert after.find(q("legacyDrawing")) is not None  # the legend was written into this very sheet
    for tag in ("sheetPr", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks"):
        a, b = before.find(q(tag)), after.find(q(tag))
        assert (a is None) == (b is None) and (a is None or canon(a) == canon(b)), tag
    assert re.findall(rb"<definedName [^>]*>[^<]*</definedName>", parts(book)["xl/workbook.xml"]) == names
    assert b"Print_Area" in b"".join(names) and b"Print_Titles" in b"".join(names)
    after_pages = printed(book, tmp_path, "after")
    assert after_pages == before_pages
    assert after_pages[0][0] > after_pages[0][1], "landscape"


# --- 5. the overdue attachment ------------------------------------------------------------------------

def cells(text: str) -> int:
    """Columns a text takes on screen: a CJK (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def attachment(folder: Path, tmp_path: Path) -> Path:
    assert cli(folder / "assistant.toml", "digest").code == 0
    mail = next(email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted((folder / "outbox").glob("*.eml")) if "zhangjg@" in p.read_text(errors="replace"))
    (att,) = list(mail.iter_attachments())
    path = tmp_path / "att.xlsx"
    path.write_bytes(att.get_content())
    return path


def test_the_attachment_has_real_dates_fitting_columns_and_a_frozen_header(tmp_path):
    """Before: 完成时限 was text ("2026-11-12"), the widths were fixed (a long item cut off, a short
    column wide), and only the freezing was right."""
    folder = tmp_path / "镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    flagged = json.loads(cli(folder / "assistant.toml", "flag", "--format", "json", "--dry-run").out)["items"]
    due = {i["key"]: i["due"] for i in flagged}
    path = attachment(folder, tmp_path)

    ws = openpyxl.load_workbook(path).active
    assert ws.freeze_panes == "A2"
    headers = [c.value for c in ws[1]]
    col = headers.index("完成时限") + 1
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 9
    for row in rows:
        cell = row[col - 1]
        assert cell.is_date and cell.number_format == "yyyy-mm-dd", (cell.value, cell.number_format)
        assert cell.value.date().isoformat() == due[row[2].value]
    # Another reader agrees: calamine gives the cell as a date, as it would a date typed in Excel.
    read = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert all(type(r[col - 1]).__name__ in ("date", "datetime") for r in read[1:])

    for c, header in enumerate(headers, start=1):
        letter = openpyxl.utils.get_column_letter(c)
        shown = [header] + [(v.date().isoformat() if hasattr(v, "date") else str(v)) if v is not None else ""
                            for v in (row[c - 1].value for row in rows)]
        widest = max(max(cells(t) for t in shown), 4)
        width = ws.column_dimensions[letter].width
        if widest + 2 <= 50:
            assert widest <= width <= widest + 3, (header, widest, width)
        else:  # a long text column stops at 50 and wraps
            assert width == 50 and all(row[c - 1].alignment.wrap_text for row in rows), header


def test_libreoffice_shows_the_attachment_dates_and_widths_as_set(tmp_path):
    """LibreOffice reads 完成时限 as dates and keeps the widths (it writes them back as date cells
    with their format, the item column as wide as set)."""
    folder = tmp_path / "镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    path = attachment(folder, tmp_path)
    again = convert(path, "xlsx", tmp_path / "lo", tmp_path / "profile")
    ws = openpyxl.load_workbook(again).active
    col = [c.value for c in ws[1]].index("完成时限")
    assert all(row[col].is_date and "yy" in row[col].number_format.lower() for row in ws.iter_rows(min_row=2))
    content = [c.value for c in ws[1]].index("事项") + 1
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(content)].width > 12
