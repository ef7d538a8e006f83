"""Write-back into an .xlsx package by changing only what we must.

An .xlsx file is a zip of XML parts. openpyxl's load + save rewrites every part and loses what it
does not model (images, charts, some data validations, comments' layout…) and takes ~30 s for
100k rows. Here only two parts change: the worksheet XML of each annotated sheet (the cells of the
assistant-owned columns, their column widths, the sheet's dimension, and one conditional-format
block of ours that highlights cells with errors) and styles.xml (fills, cell formats and one
differential format appended, never removed). Every other part is copied unchanged, and within a
changed sheet every element and cell outside our columns is left as parsed.

Cells we write are inline strings (t="inlineStr") or numbers: never formulas, never shared strings
(so sharedStrings.xml is untouched), and text starting with "=" stays text.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from assistant.text import col_index, col_letter

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
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
_AFTER_DXFS = ["tableStyles", "colors", "extLst"]


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass(frozen=True)
class Fill:
    """A solid fill, as ARGB."""

    rgb: str
    font: str | None = None  # font colour for highlights (differential formats)


@dataclass
class CellWrite:
    value: str | int | float | None
    fill: Fill | None = None
    number: bool = False  # a whole number such as days left: General format, right-aligned


@dataclass
class SheetPatch:
    sheet: str
    header_row: int
    columns: dict[str, int]  # output header -> 0-based column (existing or to create)
    new_columns: list[str]  # headers of columns to create (their column is in `columns`)
    rows: dict[int, dict[str, CellWrite]]  # sheet row -> output header -> write
    style_column: int  # a data column whose cell style ours copy (borders, font)
    highlights: list[str] = field(default_factory=list)  # cell refs to mark as erroneous
    highlight: Fill = Fill("FFFFC7CE", "FF9C0006")
    widths: dict[str, float] = field(default_factory=dict)  # of new columns, in characters


class PackageError(Exception):
    """The package is not laid out as an xlsx must be; nothing was written."""


# --- the package -----------------------------------------------------------------------------------

def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part path) for `part`."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    root = etree.fromstring(zf.read(rels_path), _PARSER)
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
        original = src.read(part)
        root = etree.fromstring(original, _PARSER)
        written += _patch_sheet(root, patch, styles)
        changed[part] = _serialize(root, original)
    if styles.changed:
        changed[styles_part] = _serialize(styles.root, styles_xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            # Unchanged parts keep their bytes, name, date and compression.
            dst.writestr(info, changed.get(info.filename, None) or src.read(info.filename),
                         compress_type=info.compress_type)
    return out.getvalue(), written


def _canon(el: etree._Element) -> tuple:
    """An element's content, independent of namespace prefixes and attribute order."""
    return (etree.QName(el).localname, tuple(sorted(el.attrib.items())), (el.text or "").strip(),
            tuple(_canon(c) for c in el))


# --- styles ------------------------------------------------------------------------------------------

class Styles:
    """styles.xml, appended to (never reordered) so every existing style index keeps its meaning."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.changed = False
        self._xf_cache: dict[tuple, int] = {}

    def _section(self, name: str, before: list[str]) -> etree._Element:
        node = self.root.find(q(name))
        if node is None:
            node = etree.Element(q(name), count="0")
            anchor = next((self.root.find(q(n)) for n in before if self.root.find(q(n)) is not None), None)
            if anchor is not None:
                anchor.addprevious(node)
            else:
                self.root.append(node)
            self.changed = True
        return node

    def _find_or_add(self, section: etree._Element, child: etree._Element) -> int:
        wanted = _canon(child)
        for i, existing in enumerate(section):
            if _canon(existing) == wanted:
                return i
        section.append(child)
        section.set("count", str(len(section)))
        self.changed = True
        return len(section) - 1

    def _fill(self, rgb: str) -> int:
        fill = etree.Element(q("fill"))
        pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
        etree.SubElement(pattern, q("fgColor"), rgb=rgb)
        etree.SubElement(pattern, q("bgColor"), indexed="64")
        return self._find_or_add(self._section("fills", ["borders"]), fill)

    def xf(self, base: int, fill: Fill | None, number: bool) -> int:
        """A cell format like `base` (borders, font, alignment) with our fill and General format."""
        key = (base, fill, number)
        if key in self._xf_cache:
            return self._xf_cache[key]
        xfs = self._section("cellXfs", ["cellStyles", "dxfs"])
        source = xfs[base] if 0 <= base < len(xfs) else etree.Element(q("xf"), numFmtId="0", fontId="0",
                                                                      fillId="0", borderId="0", xfId="0")
        xf = etree.fromstring(etree.tostring(source))
        xf.set("numFmtId", "0")
        xf.set("applyNumberFormat", "1")
        xf.set("fillId", str(self._fill(fill.rgb)) if fill else "0")
        xf.set("applyFill", "1")
        for child in list(xf):
            if child.tag == q("protection"):
                xf.remove(child)  # our cells stay editable-looking like the row, but never locked by us
        index = self._find_or_add(xfs, xf)
        self._xf_cache[key] = index
        return index

    def dxf(self, fill: Fill) -> int:
        dxf = etree.Element(q("dxf"))
        if fill.font:
            font = etree.SubElement(dxf, q("font"))
            etree.SubElement(font, q("color"), rgb=fill.font)
        f = etree.SubElement(dxf, q("fill"))
        pattern = etree.SubElement(f, q("patternFill"))
        etree.SubElement(pattern, q("bgColor"), rgb=fill.rgb)
        return self._find_or_add(self._section("dxfs", _AFTER_DXFS), dxf)


# --- one worksheet -----------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)[:MAX_CELL_TEXT]


def _index_cells(row: etree._Element) -> dict[int, etree._Element]:
    cells, col = {}, -1
    for c in row.iter(q("c")):
        ref = c.get("r")
        m = _REF.match(ref) if ref else None
        col = col_index(m.group(1)) if m else col + 1  # r is optional: then cells follow each other
        cells[col] = c
    return cells


def _index_rows(sheet_data: etree._Element) -> dict[int, etree._Element]:
    rows, n = {}, 0
    for row in sheet_data.iter(q("row")):
        n = int(row.get("r")) if row.get("r") else n + 1
        rows[n] = row
    return rows


def _row(sheet_data: etree._Element, rows: dict[int, etree._Element], n: int) -> etree._Element:
    if n in rows:
        return rows[n]
    new = etree.Element(q("row"), r=str(n))
    later = [r for r in rows if r > n]
    if later:
        rows[min(later)].addprevious(new)
    else:
        sheet_data.append(new)
    rows[n] = new
    return new


def _set_cell(row: etree._Element, cells: dict[int, etree._Element], n: int, col: int,
              value: str | int | float | None, style: int) -> None:
    cell = cells.get(col)
    if cell is None:
        cell = etree.Element(q("c"))
        later = [c for c in cells if c > col]
        if later:
            cells[min(later)].addprevious(cell)
        else:
            row.append(cell)
        cells[col] = cell
    for child in list(cell):  # a formula, value or rich text someone put in our column goes
        cell.remove(child)
    for attr in list(cell.attrib):
        del cell.attrib[attr]
    cell.set("r", f"{col_letter(col)}{n}")
    cell.set("s", str(style))
    if value is None or value == "":
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        etree.SubElement(cell, q("v")).text = repr(value) if isinstance(value, float) else str(value)
        return
    cell.set("t", "inlineStr")
    t = etree.SubElement(etree.SubElement(cell, q("is")), q("t"))
    text = _clean(str(value))
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text


def _patch_sheet(root: etree._Element, p: SheetPatch, styles: Styles) -> int:
    sheet_data = root.find(q("sheetData"))
    if sheet_data is None:
        raise PackageError(f"worksheet {p.sheet!r} has no sheetData")
    rows = _index_rows(sheet_data)
    written = 0
    header = _row(sheet_data, rows, p.header_row)
    header_cells = _index_cells(header)
    header_style = int(header_cells[max(header_cells)].get("s", "0")) if header_cells else 0
    for name in p.new_columns:
        _set_cell(header, header_cells, p.header_row, p.columns[name], name, header_style)
        written += 1
    for n, writes in p.rows.items():
        row = _row(sheet_data, rows, n)
        cells = _index_cells(row)
        base = int(cells[p.style_column].get("s", "0")) if p.style_column in cells else 0
        for name, w in writes.items():
            _set_cell(row, cells, n, p.columns[name], w.value, styles.xf(base, w.fill, w.number))
            written += 1
        row.attrib.pop("spans", None)  # an optional hint that would no longer cover the row
    _widen(root, p)
    _dimension(root, sheet_data, p)
    _highlight(root, p, styles)
    return written


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


def _dimension(root: etree._Element, sheet_data: etree._Element, p: SheetPatch) -> None:
    dim = root.find(q("dimension"))
    if dim is None:
        return
    ref = dim.get("ref", "A1")
    first, _, last = ref.partition(":")
    m = _REF.match(last or first)
    if not m:
        return
    max_col = max(col_index(m.group(1)), *p.columns.values())
    max_row = max(int(m.group(2)), p.header_row, *p.rows.keys())
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
