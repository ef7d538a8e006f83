"""Write-back into an .xlsx package by changing only what we must.

An .xlsx file is a zip of XML parts. openpyxl's load + save rewrites every part, loses what it does
not model (images, charts, some data validations…) and takes ~30 s for 100k rows. Here only two
parts change: the worksheet XML of each annotated sheet and styles.xml (fills and cell formats
appended, never removed). Every other part is copied as it is, compressed bytes included.

Inside the worksheet, the rows are edited as text: each targeted <row> gets our cells (the
assistant-owned columns) replaced or inserted in column order, and nothing else in it changes, so a
100k-row sheet costs one pass of string slicing instead of a DOM of millions of nodes. The few
elements outside <sheetData> that we touch (column widths, the dimension, our conditional-format
block that highlights cells with errors) are edited with lxml on the sheet without its rows.

Cells we write are inline strings (t="inlineStr") or numbers: never formulas, never shared strings
(so sharedStrings.xml is untouched), and text starting with "=" stays text.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from assistant.sources.xlsx_styles import Fill, Styles, q
from assistant.text import col_index, col_letter

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
# Our conditional-format block is recognised by this formula (always TRUE), so a later run replaces
# it and never touches the conditional formats people made.
MARKER_FORMULA = 'N("office-assistant")=0'
MAX_CELL_TEXT = 32767
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, remove_blank_text=False)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REF = re.compile(r"^([A-Z]+)(\d+)$")
# Elements that may follow <conditionalFormatting> in a worksheet, in schema order: ours goes
# before the first of them that is present.
_AFTER_CF = ["dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
             "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
             "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
             "tableParts", "extLst"]

__all__ = ["Fill", "SheetPatch", "PackageError", "patch_package", "MARKER_FORMULA"]


@dataclass
class SheetPatch:
    """What to write into one worksheet, column by column (lists aligned with `rows`)."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # output header -> 0-based column (existing, or where to create it)
    new_columns: list[str]  # headers of columns to create
    rows: list[int]  # sheet rows to write
    values: dict[str, list]  # output header -> value per row (None clears the cell)
    fills: dict[str, list]  # output header -> Fill or None per row
    style_column: int  # a data column whose cell style ours copy (borders, font)
    numbers: set = field(default_factory=set)  # output headers whose values are numbers
    highlights: list[str] = field(default_factory=list)  # cell refs to mark as erroneous
    highlight: Fill = Fill("FFFFC7CE", "FF9C0006")
    widths: dict[str, float] = field(default_factory=dict)  # of new columns, in characters


class PackageError(Exception):
    """The package is not laid out as we can patch safely; nothing was written."""


# --- the package -----------------------------------------------------------------------------------

def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part path) for `part`."""
    folder, name = posixpath.split(part)
    root = etree.fromstring(zf.read(posixpath.join(folder, "_rels", name + ".rels")), _PARSER)
    out = {}
    for rel in root.findall(f"{{{PKG_NS}}}Relationship"):
        target = rel.get("Target")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type"), path)
    return out


def _parts(zf: zipfile.ZipFile) -> tuple[dict[str, str], str]:
    """Worksheet name -> its part path, and the styles part path."""
    try:
        wb_rels = _rels(zf, "xl/workbook.xml")
        wb = etree.fromstring(zf.read("xl/workbook.xml"), _PARSER)
    except KeyError as exc:
        raise PackageError(f"missing part {exc}") from None
    sheets = {s.get("name"): wb_rels[s.get(f"{{{R_NS}}}id")][1] for s in wb.iter(q("sheet"))}
    styles = next((p for t, p in wb_rels.values() if t == STYLES_TYPE), None)
    if styles is None:
        raise PackageError("no styles part")
    return sheets, styles


def _serialize(root: etree._Element, original: bytes) -> bytes:
    standalone = b'standalone="yes"' in original[:200]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True if standalone else None)


def _copy_raw(data: bytes, info: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
    """Copy one member's compressed bytes as they are (no inflate/deflate)."""
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[off + 26: off + 30])
    start = off + 30 + name_len + extra_len
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type, new.external_attr, new.create_system = info.compress_type, info.external_attr, info.create_system
    new.CRC, new.compress_size, new.file_size = info.CRC, info.compress_size, info.file_size
    new.flag_bits = info.flag_bits & ~0x08  # sizes go in the local header, no data descriptor
    # zipfile has no public raw copy; these are the steps its own writer takes for a member.
    dst.fp.seek(dst.start_dir)
    new.header_offset = dst.start_dir
    dst.fp.write(new.FileHeader())
    dst.fp.write(data[start: start + info.compress_size])
    dst.start_dir = dst.fp.tell()
    dst.filelist.append(new)
    dst.NameToInfo[new.filename] = new
    dst._didModify = True


def patch_package(data: bytes, patches: list[SheetPatch]) -> tuple[bytes, int]:
    """The package with `patches` applied, and the number of cells written."""
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet_parts, styles_part = _parts(src)
    styles_xml = src.read(styles_part)
    styles = Styles(etree.fromstring(styles_xml, _PARSER))
    changed: dict[str, bytes] = {}
    written = 0
    for patch in patches:
        part = sheet_parts.get(patch.sheet)
        if part is None:
            raise PackageError(f"no worksheet {patch.sheet!r}")
        changed[part], n = _patch_sheet(src.read(part), patch, styles)
        written += n
    if styles.changed:
        changed[styles_part] = _serialize(styles.root, styles_xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in changed:
                # Level 1: a 100k-row sheet deflates 3x faster, for a file about a fifth larger.
                dst.writestr(info, changed[info.filename], compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            else:
                _copy_raw(data, info, dst)
    return out.getvalue(), written


# --- one worksheet -----------------------------------------------------------------------------------

def _escape(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)[:MAX_CELL_TEXT]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _cell(p: str, ref: str, value: object, style: int) -> str:
    """One <c> element as text: a number, an inline string, or an empty styled cell."""
    if value is None or value == "":
        return f'<{p}c r="{ref}" s="{style}"/>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<{p}c r="{ref}" s="{style}"><{p}v>{value!r}</{p}v></{p}c>'
    text = _escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<{p}c r="{ref}" s="{style}" t="inlineStr"><{p}is><{p}t{space}>{text}</{p}t></{p}is></{p}c>'


class _Rows:
    """The <sheetData> text, and the rows to rewrite in it."""

    def __init__(self, body: str, prefix: str):
        self.body, self.p = body, prefix
        self.row_re = re.compile(rf"<{prefix}row\b([^>]*?)(?:/>|>(.*?)</{prefix}row>)", re.S)
        self.cell_ref = re.compile(rf'<{prefix}c\b[^>]*?\br="([A-Z]+)\d+"')
        self.style_re = re.compile(r'\bs="(\d+)"')

    def render(self, cells_for: dict[int, Callable[[str], list[tuple[int, str]]]]) -> str:
        """The body with each row n in `cells_for` given the cells `cells_for[n](row_text)` makes
        (column, cell xml); a row keeps every other cell as it is."""
        pieces, pos, seen = [], 0, set()
        for m in self.row_re.finditer(self.body):
            r = re.search(r'\br="(\d+)"', m.group(1))
            if r is None:
                raise PackageError("rows without numbers")
            n = int(r.group(1))
            make = cells_for.get(n)
            if make is None:
                continue
            seen.add(n)
            inner = m.group(2) or ""
            pieces += [self.body[pos: m.start()], self._row(m.group(1), inner, n, make(inner))]
            pos = m.end()
        missing = set(cells_for) - seen
        if missing:
            raise PackageError(f"rows {sorted(missing)[:5]} not found")
        pieces.append(self.body[pos:])
        return "".join(pieces)

    def style_of(self, inner: str, ref: str) -> int:
        """The style index of cell `ref` in a row's text (0 when absent or unstyled)."""
        at = inner.find(f'r="{ref}"')
        if at < 0:
            return 0
        m = self.style_re.search(inner, inner.rfind("<", 0, at), inner.find(">", at))
        return int(m.group(1)) if m else 0

    def _row(self, attrs: str, inner: str, n: int, cells: list[tuple[int, str]]) -> str:
        cells.sort()
        ours = {col for col, _ in cells}
        first = cells[0][0]
        attrs = re.sub(r'\sspans="[^"]*"', "", attrs)  # an optional hint that would no longer cover the row
        # Usually our columns are the last ones: peel our old cells off the end, then append.
        while True:
            at = inner.rfind(f"<{self.p}c ")
            m = self.cell_ref.match(inner, at) if at >= 0 else None
            if m is None:
                if at >= 0 or f"<{self.p}c>" in inner:
                    raise PackageError(f"cells without references in row {n}")
                break
            col = col_index(m.group(1))
            if col in ours:
                inner = inner[:at]
                continue
            if col < first:
                return f"<{self.p}row{attrs}>{inner}{''.join(x for _, x in cells)}</{self.p}row>"
            break
        return f"<{self.p}row{attrs}>{self._interleave(inner, n, cells, ours)}</{self.p}row>"

    def _interleave(self, inner: str, n: int, cells: list[tuple[int, str]], ours: set[int]) -> str:
        """Our cells among other people's cells (our columns are not the last): keep column order."""
        existing = list(self.cell_ref.finditer(inner))
        if len(existing) != len(re.findall(rf"<{self.p}c[\s/>]", inner)):
            raise PackageError(f"cells without references in row {n}")
        out, pos, remaining = [], 0, list(cells)
        for m in existing:
            col = col_index(m.group(1))
            end = self._cell_end(inner, m.start())
            while remaining and remaining[0][0] < col:
                out += [inner[pos: m.start()], remaining.pop(0)[1]]
                pos = m.start()
            if col in ours:  # our previous cell: dropped, the new one takes its place
                out.append(inner[pos: m.start()])
                pos = end
        out.append(inner[pos:])
        return "".join(out) + "".join(x for _, x in remaining)

    def _cell_end(self, inner: str, start: int) -> int:
        close = inner.index(">", start)
        if inner[close - 1] == "/":
            return close + 1
        end_tag = f"</{self.p}c>"
        return inner.index(end_tag, close) + len(end_tag)


def _patch_sheet(xml: bytes, p: SheetPatch, styles: Styles) -> tuple[bytes, int]:
    text = xml.decode("utf-8")
    m = re.search(r"<(\w+:)?sheetData\b[^>]*?(/?)>", text)
    if m is None or m.group(2):
        raise PackageError(f"worksheet {p.sheet!r} has no rows")
    prefix = m.group(1) or ""
    close = text.index(f"</{prefix}sheetData>", m.end())
    rows = _Rows(text[m.end(): close], prefix)

    letters = {name: col_letter(col) for name, col in p.columns.items()}
    style_ref = col_letter(p.style_column)
    columns = [(name, p.columns[name], letters[name], p.values[name], p.fills[name], name in p.numbers)
               for name in p.values]

    xf_cache: dict[tuple, int] = {}

    def data_cells(i: int, n: int) -> Callable[[str], list[tuple[int, str]]]:
        def make(inner: str) -> list[tuple[int, str]]:
            base = rows.style_of(inner, f"{style_ref}{n}")
            out = []
            for _, col, letter, values, fills, number in columns:
                value, fill = values[i], fills[i]
                style = xf_cache.get((base, fill))
                if style is None:
                    style = xf_cache[(base, fill)] = styles.xf(base, fill)
                if value is not None and not number:
                    value = str(value)  # only the days column holds numbers
                out.append((col, _cell(prefix, f"{letter}{n}", value, style)))
            return out
        return make

    def header_cells(inner: str) -> list[tuple[int, str]]:
        found = re.findall(r'<\w*:?c\b[^>]*?\bs="(\d+)"', inner)
        style = int(found[-1]) if found else 0  # new headers look like the last existing one
        return [(p.columns[h], _cell(prefix, f"{letters[h]}{p.header_row}", h, style)) for h in p.new_columns]

    cells_for = {n: data_cells(i, n) for i, n in enumerate(p.rows)}
    if p.new_columns:
        cells_for[p.header_row] = header_cells
    body = rows.render(cells_for)
    written = len(p.new_columns) + len(p.rows) * len(columns)

    # Everything outside the rows: parse the sheet with an empty <sheetData> (small), edit, splice back.
    root = etree.fromstring((text[: m.end()] + text[close:]).encode("utf-8"), _PARSER)
    _widen(root, p)
    _dimension(root, p)
    _highlight(root, p, styles)
    out = _serialize(root, xml).decode("utf-8")
    empty = re.search(rf"<{prefix}sheetData\b[^>]*?(/>|></{prefix}sheetData>)", out)
    return (out[: empty.start()] + m.group(0) + body + f"</{prefix}sheetData>" + out[empty.end():]).encode("utf-8"), written


def _widen(root: etree._Element, p: SheetPatch) -> None:
    if not p.new_columns:
        return
    cols = root.find(q("cols"))
    if cols is None:
        cols = etree.Element(q("cols"))
        root.find(q("sheetData")).addprevious(cols)
    taken = [(int(c.get("min")), int(c.get("max"))) for c in cols.iter(q("col"))]
    for name in p.new_columns:
        n = p.columns[name] + 1
        if any(lo <= n <= hi for lo, hi in taken):
            continue  # a range someone set already covers it: keep theirs
        new = etree.Element(q("col"), min=str(n), max=str(n), width=str(p.widths.get(name, 12.0)), customWidth="1")
        later = [c for c in cols.iter(q("col")) if int(c.get("min")) > n]
        (later[0].addprevious(new) if later else cols.append(new))
        taken.append((n, n))


def _dimension(root: etree._Element, p: SheetPatch) -> None:
    dim = root.find(q("dimension"))
    if dim is None:
        return
    first, _, last = dim.get("ref", "A1").partition(":")
    m = _REF.match(last or first)
    if not m:
        return
    max_col = max(col_index(m.group(1)), *p.columns.values())
    max_row = max(int(m.group(2)), p.header_row, *p.rows) if p.rows else max(int(m.group(2)), p.header_row)
    dim.set("ref", f"{first if last else 'A1'}:{col_letter(max_col)}{max_row}")


def _highlight(root: etree._Element, p: SheetPatch, styles: Styles) -> None:
    for cf in root.findall(q("conditionalFormatting")):
        if any(f.text == MARKER_FORMULA for f in cf.iter(q("formula"))):
            root.remove(cf)
    if not p.highlights:
        return
    cf = etree.Element(q("conditionalFormatting"), sqref=" ".join(p.highlights))
    # Last in precedence, so people's own conditional formats keep theirs untouched.
    priority = max((int(r.get("priority", "0")) for r in root.iter(q("cfRule"))), default=0) + 1
    rule = etree.SubElement(cf, q("cfRule"), type="expression", dxfId=str(styles.dxf(p.highlight)),
                            priority=str(priority))
    etree.SubElement(rule, q("formula")).text = MARKER_FORMULA
    anchor = next((root.find(q(n)) for n in _AFTER_CF if root.find(q(n)) is not None), None)
    if anchor is not None:
        anchor.addprevious(cf)
    else:
        root.append(cf)
