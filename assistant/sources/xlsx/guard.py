"""A look at a workbook before anything parses it: refuse what would take the machine down.

python-calamine (reading) and lxml (write-back) parse what they are given. Three kinds of file
make that go wrong; each is refused here, exit 2, with a message naming the file, the part, the
limit and what to do (docs/config.md#limits says what is and is not covered):

- a DTD (`<!DOCTYPE …>`) in an XML part. No workbook has one, and its entities are how "billion
  laughs" turns a few KB into gigabytes. Calamine refuses unknown entities in cells but ignores
  styles.xml; lxml parses styles.xml and workbook.xml on every write. The prolog of every XML part
  (.xml, .rels, .vml; but an .ods's META-INF/) is read, streamed and at most 1 MB, and a DTD or an
  over-long prolog refused.
- a part, or all parts together, bigger uncompressed than `[limits]` allows: read off the zip's
  central directory, before a byte is inflated. Those sizes can lie, but the zip readers hold them
  to it: calamine's (the `zip` crate) stops with "File is larger than its declared uncompressed
  size" and Python's zipfile reads no further, so the declared size bounds what is inflated.
- a worksheet whose used range is too big. Calamine builds a sheet as a dense grid of rows x
  columns: a stray cell at XFD1048576 asks for 17 billion cells and the process aborts without a
  word. The range is the worksheet's `<dimension>` (Excel, WPS, LibreOffice and openpyxl write it
  from the cells, and reading it costs nothing); a worksheet without one is streamed and the rows
  and columns its cells name are taken instead. A crafted `<dimension>` that understates the cells
  is believed: that case is not covered (docs/config.md says so).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterator
from typing import IO

from assistant.config import Limits
from assistant.errors import WorkbookUnreadable
from assistant.i18n import tr
from assistant.text import col_index, col_letter

MB = 1024 * 1024
XML_PARTS = (".xml", ".rels", ".vml")
CHUNK = 1 << 20
MAX_PROLOG = 1 << 20  # what may precede the root element: a declaration, comments, whitespace
_PROLOG_ITEM = re.compile(r"\ufeff|\s+|<\?.*?\?>|<!--.*?-->", re.S)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*[\"'](?:[A-Za-z]*\d+:)?([A-Za-z]*)(\d+)[\"']")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d+)["']""")  # a row's or a cell's position
# Positions that can matter, found in one cheaper pass: a column past Z, or a row past 99,999.
_FAR = re.compile(rb"""r\s*=\s*["']([A-Za-z]{2,}(?=\d)|[A-Za-z]*(?=\d{6}))(\d+)""")
NEAR_ROWS, NEAR_COLS = 99_999, 26  # what a sheet without such a position stays within


class WorkbookTooLarge(WorkbookUnreadable):
    """Bigger than [limits] allows; nothing was parsed."""


def _number(digits: bytes) -> int:
    """A row number as written; absurdly long ones (int() refuses past 4,300 digits) as 10**15."""
    return int(digits) if len(digits) <= 15 else 10**15


def _column(letters: bytes) -> int:
    """A column's 1-based number from its letters; absurdly long ones as 26**7."""
    return col_index(letters.decode()) + 1 if len(letters) <= 6 else 26**7


def _mb(size: int) -> str:
    return f"{size / MB:,.0f}" if size >= 10 * MB else f"{size / MB:,.1f}"


def check_file(name: str, size: int, limits: Limits) -> None:
    """The file itself, before it is read into memory (for .xls, whose sheets are not zipped,
    this is the only size there is)."""
    if size > limits.max_part_mb * MB:
        raise WorkbookTooLarge(tr("source.too_large_file", path=name, size=_mb(size), limit=limits.max_part_mb,
                                  key="max_part_mb"), hint=tr("source.too_large_hint"))


def check_package(zf: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Sizes from the central directory, then no DTD in any XML part."""
    members = zf.infolist()
    for info in members:
        if info.file_size > limits.max_part_mb * MB:
            raise WorkbookTooLarge(tr("source.too_large_part", path=name, part=info.filename, size=_mb(info.file_size),
                                      limit=limits.max_part_mb, key="max_part_mb"), hint=tr("source.too_large_hint"))
    total = sum(i.file_size for i in members)
    if total > limits.max_total_mb * MB:
        raise WorkbookTooLarge(tr("source.too_large_total", path=name, size=_mb(total), limit=limits.max_total_mb,
                                  key="max_total_mb"), hint=tr("source.too_large_hint"))
    for info in members:
        # META-INF/manifest.xml of an .ods (OpenOffice 2 wrote it with a DOCTYPE) is parsed by no one.
        if info.filename.lower().endswith(XML_PARTS) and not info.filename.startswith("META-INF/"):
            with zf.open(info) as fh:
                problem = _prolog_problem(fh)
            if problem:
                raise WorkbookUnreadable(tr("source.hostile_xml", path=name, part=info.filename,
                                            what=tr(f"source.{problem}")), hint=tr("source.hostile_xml_hint"))


def _encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"<\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<"):
        return "utf-16-be"
    return "utf-8"


def _prolog_problem(stream: IO[bytes]) -> str | None:
    """"doctype" when the document declares a DTD (a `<!` before the root element that is not a
    comment), "long_prolog" when more than MAX_PROLOG precede the root element, else None."""
    raw = stream.read(64 * 1024)
    decoder = codecs.getincrementaldecoder(_encoding(raw))("replace")
    text, read = "", 0
    while True:
        read += len(raw)
        text += decoder.decode(raw, final=not raw)
        pos = 0
        while (m := _PROLOG_ITEM.match(text, pos)) and m.end() > pos:
            pos = m.end()
        text = text[pos:]
        pending = not text or text.startswith(("<!--", "<?")) or "<!--".startswith(text)
        if not pending:
            return "doctype" if text.startswith("<!") else None
        if not raw:
            return None  # ends inside its prolog: not XML, the parser says so
        if read > MAX_PROLOG:
            return "long_prolog"
        raw = stream.read(64 * 1024)


def _chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part inflated in pieces, each but the first starting with the last 64 bytes of the one
    before (a position split between two pieces is whole in one of them)."""
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            yield tail + chunk
            tail = chunk[-64:]


def _declared(zf: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """The (last row, last column) of the worksheet's `<dimension>`, if it has one before its rows."""
    with zf.open(part) as fh:
        head = fh.read(64 * 1024)
    data = _SHEET_DATA.search(head)
    dim = _DIMENSION.search(head, 0, data.start() if data else len(head))
    if dim is None:
        return None
    letters, number = dim.groups()
    return _number(number), _column(letters) if letters else 1


def _named(zf: zipfile.ZipFile, part: str, pattern: re.Pattern[bytes]) -> tuple[int, int]:
    """The largest row and column that `pattern`'s matches (letters, digits) name in the part."""
    rows = cols = 0
    for piece in _chunks(zf, part):
        for letters, number in pattern.findall(piece):
            rows = max(rows, _number(number))
            if letters:
                cols = max(cols, _column(letters))
    return rows, cols


def used_range(zf: zipfile.ZipFile, part: str, limits: Limits) -> tuple[int, int]:
    """(last row, last column), 1-based, of a worksheet as calamine will build it, or bounds of them
    good enough to compare with `limits`: its declared `<dimension>` when it has one; else the
    positions its rows and cells name, first only the far ones (one cheap pass), all of them
    when the limits cannot be decided without."""
    declared = _declared(zf, part)
    if declared is not None:
        return declared
    rows, cols = _named(zf, part, _FAR)
    rows, cols = max(rows, NEAR_ROWS), max(cols, NEAR_COLS)  # nothing else goes further
    if rows > limits.max_rows or rows * cols > limits.max_cells:
        return _named(zf, part, _REF)
    return rows, cols


def check_sheet(zf: zipfile.ZipFile, part: str, name: str, sheet: str, limits: Limits) -> None:
    """The sheet's used range against max_rows and max_cells, before calamine builds it."""
    rows, cols = used_range(zf, part, limits)
    if rows > limits.max_rows:
        raise WorkbookTooLarge(tr("source.too_many_rows", path=name, sheet=sheet, part=part, rows=f"{rows:,}",
                                  limit=f"{limits.max_rows:,}", key="max_rows"), hint=tr("source.too_large_hint"))
    if rows * cols > limits.max_cells:
        raise WorkbookTooLarge(tr("source.too_many_cells", path=name, sheet=sheet, part=part,
                                  corner=f"{col_letter(cols - 1)}{rows}", cells=f"{rows * cols:,}",
                                  limit=f"{limits.max_cells:,}", key="max_cells"), hint=tr("source.too_large_hint"))
