"""Write-back into an .xlsx package by changing only what we must.

An .xlsx file is a zip of XML parts. openpyxl's load + save rewrites every part, loses what it does
not model (images, charts, some data validations…) and takes ~30 s for 100k rows. Here only two
parts change: the worksheet XML of each annotated sheet and styles.xml (fills and cell formats
appended, never removed). Every other part is copied as it is, compressed bytes included.

A note of ours on a header cell (the legend of the colours) also changes the sheet's comments part
and its VML drawing, or adds them (assistant/sources/xlsx/notes.py).

Inside the worksheet, the rows are edited as bytes: each targeted <row> gets our cells (the
assistant-owned columns) replaced or inserted in column order, and nothing else in it changes, so a
100k-row sheet costs one pass of slicing instead of a DOM of millions of nodes. The few
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

from lxml import etree

from assistant.sources.merges import Merge, refuse_merged_outputs
from assistant.sources.xlsx.notes import Notes
from assistant.sources.xlsx.styles import Styles, q
from assistant.text import ILLEGAL_XML as _ILLEGAL_XML
from assistant.text import MAX_CELL_TEXT
from assistant.writeback import MARKER_FORMULA, SheetPatch, col_index, col_letter, split_ref

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, remove_blank_text=False)
# Elements that may follow <conditionalFormatting> in a worksheet, in schema order: ours goes
# before the first of them that is present.
_AFTER_CF = ["dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
             "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
             "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
             "tableParts", "extLst"]

__all__ = ["PackageError", "package_parts", "patch_package"]


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


def package_parts(zf: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Worksheet name -> its part path, and the styles part path (None when there is none)."""
    try:
        wb_rels = _rels(zf, "xl/workbook.xml")
        wb = etree.fromstring(zf.read("xl/workbook.xml"), _PARSER)
    except KeyError as exc:
        raise PackageError(f"missing part {exc}") from None
    sheets = {s.get("name"): wb_rels[s.get(f"{{{R_NS}}}id")][1] for s in wb.iter(q("sheet"))}
    return sheets, next((p for t, p in wb_rels.values() if t == STYLES_TYPE), None)


def _parts(zf: zipfile.ZipFile) -> tuple[dict[str, str], str]:
    """Worksheet name -> its part path, and the styles part path, which write-back needs."""
    sheets, styles = package_parts(zf)
    if styles is None:
        raise PackageError("no styles part")
    return sheets, styles


_DECLARATION = re.compile(rb"<\?xml\s[^?]*\?>\s*")


def _serialize(root: etree._Element, original: bytes) -> bytes:
    # The part's own XML declaration, as it was: lxml writes another one (single quotes, no \r\n),
    # and a second run must not read that one differently (standalone lost: not idempotent).
    decl = _DECLARATION.match(original)
    if decl and re.search(rb"""encoding\s*=\s*["'](?i:utf-8)["']""", decl.group(0)):
        return decl.group(0) + etree.tostring(root, encoding="UTF-8")
    standalone = re.search(rb"""standalone\s*=\s*["']yes["']""", original[:200]) is not None
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
    # zipfile has no public raw copy; these are the steps its own writer takes for a member. The
    # archive is open for writing ("w"), which already marks it modified: its directory gets written.
    fp = dst.fp
    if fp is None:
        raise PackageError("the archive being written is closed")
    fp.seek(dst.start_dir)
    new.header_offset = dst.start_dir
    fp.write(new.FileHeader())
    fp.write(data[start: start + info.compress_size])
    dst.start_dir = fp.tell()
    dst.filelist.append(new)
    dst.NameToInfo[new.filename] = new


def patch_package(data: bytes, patches: list[SheetPatch], location: str = "") -> tuple[bytes, int]:
    """The package with `patches` applied, and the number of cells written. MergedOutput (naming
    `location`, the file) when a merge covers a cell we would write: nothing is written."""
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet_parts, styles_part = _parts(src)
    styles_xml = src.read(styles_part)
    styles = Styles(etree.fromstring(styles_xml, _PARSER))
    notes = Notes(src)
    changed: dict[str, bytes] = {}
    written = 0
    for patch in patches:
        part = sheet_parts.get(patch.sheet)
        if part is None:
            raise PackageError(f"no worksheet {patch.sheet!r}")
        changed[part], n = _patch_sheet(src.read(part), patch, styles, location, notes, part)
        written += n
    if styles.changed:
        changed[styles_part] = _serialize(styles.root, styles_xml)
    changed.update(notes.parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in changed:
                # Level 1: a 100k-row sheet deflates 3x faster, for a file about a fifth larger.
                dst.writestr(info, changed.pop(info.filename), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            else:
                _copy_raw(data, info, dst)
        for name, content in changed.items():  # parts new to the package (a first note's), in a fixed order
            new = zipfile.ZipInfo(name, src.infolist()[0].date_time)
            dst.writestr(new, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue(), written


# --- one worksheet -----------------------------------------------------------------------------------

def _escape(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)[:MAX_CELL_TEXT]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _cell(p: bytes, ref: bytes, value: object, style: int) -> bytes:
    """One <c> element: a number, an inline string, or an empty cell that keeps our style."""
    s = b"%d" % style
    if value is None or value == "":
        return b'<%sc r="%s" s="%s"/>' % (p, ref, s)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return b'<%sc r="%s" s="%s"><%sv>%s</%sv></%sc>' % (p, ref, s, p, repr(value).encode(), p, p)
    text = _escape(str(value))
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return b'<%sc r="%s" s="%s" t="inlineStr"><%sis><%st%s>%s</%st></%sis></%sc>' % (
        p, ref, s, p, p, space, text.encode("utf-8"), p, p, p)


class _Sheet:
    """A worksheet's XML as bytes, with its rows found by plain search (no DOM, no decoding): a
    100k-row sheet is one pass of slicing. `P` is the namespace prefix its tags use, if any."""

    def __init__(self, xml: bytes, name: str):
        m = re.search(rb"<(\w+:)?sheetData\b[^>]*?(/?)>", xml)
        if m is None or m.group(2):
            raise PackageError(f"worksheet {name!r} has no rows")
        self.xml, self.open = xml, m
        self.P = P = m.group(1) or b""
        self.close = xml.index(b"</" + P + b"sheetData>", m.end())
        self.cell_ref = re.compile(rb"<" + P + rb'c\b[^>]*?\br="([A-Z]+)\d+"')
        self.any_cell = re.compile(rb"<" + P + rb"c[\s/>]")

    def rows(self):
        """(start, end, row number, attributes, inner xml) of each <row>, in order."""
        xml, P = self.xml, self.P
        open_row, close_row = b"<" + P + b"row", b"</" + P + b"row>"
        at = xml.find(open_row, self.open.end(), self.close)
        while at >= 0:
            gt = xml.index(b">", at)
            if xml[gt - 1] == 0x2F:  # "<row .../>": no cells
                attrs, inner, end = xml[at + len(open_row): gt - 1], b"", gt + 1
            else:
                stop = xml.index(close_row, gt)
                attrs, inner, end = xml[at + len(open_row): gt], xml[gt + 1: stop], stop + len(close_row)
            number = re.search(rb'\br="(\d+)"', attrs)
            if number is None:
                raise PackageError("rows without numbers")
            yield at, end, int(number.group(1)), attrs, inner
            at = xml.find(open_row, end, self.close)

    def splice_row(self, attrs: bytes, inner: bytes, n: int, cells: list[tuple[int, bytes]]) -> bytes:
        """The row with `cells` (column, xml) in place of ours, everyone else's cells as they were."""
        P = self.P
        cells.sort()
        ours = {col for col, _ in cells}
        head = b"<" + P + b"row" + re.sub(rb'\sspans="[^"]*"', b"", attrs) + b">"  # spans would no longer cover it
        # Usually our columns are the last ones: peel our old cells off the end, then append.
        while True:
            at = inner.rfind(b"<" + P + b"c ")
            m = self.cell_ref.match(inner, at) if at >= 0 else None
            if m is None:
                if at >= 0 or b"<" + P + b"c>" in inner:
                    raise PackageError(f"cells without references in row {n}")
                break
            col = col_index(m.group(1).decode())
            if col in ours:
                inner = inner[:at]
                continue
            if col > cells[0][0]:
                inner = self._interleave(inner, n, cells, ours)
                cells = []
            break
        return head + inner + b"".join(x for _, x in cells) + b"</" + P + b"row>"

    def _interleave(self, inner: bytes, n: int, cells: list[tuple[int, bytes]], ours: set[int]) -> bytes:
        """Our cells among other people's (our columns are not the last ones), in column order."""
        existing = list(self.cell_ref.finditer(inner))
        if len(existing) != len(self.any_cell.findall(inner)):
            raise PackageError(f"cells without references in row {n}")
        end_tag = b"</" + self.P + b"c>"
        out, pos, remaining = [], 0, list(cells)
        for m in existing:
            col = col_index(m.group(1).decode())
            gt = inner.index(b">", m.start())
            end = gt + 1 if inner[gt - 1] == 0x2F else inner.index(end_tag, gt) + len(end_tag)
            while remaining and remaining[0][0] < col:
                out += [inner[pos: m.start()], remaining.pop(0)[1]]
                pos = m.start()
            if col in ours:  # our previous cell: dropped, the new one takes its place
                out.append(inner[pos: m.start()])
                pos = end
        out.append(inner[pos:])
        return b"".join(out) + b"".join(x for _, x in remaining)


def _merges(root: etree._Element) -> list[Merge]:
    """The sheet's merged ranges, from <mergeCells> of the very bytes being patched."""
    out = []
    for mc in root.iter(q("mergeCell")):
        first, _, last = (mc.get("ref") or "").partition(":")
        try:
            (c0, r0), (c1, r1) = split_ref(first), split_ref(last or first)
        except ValueError:
            raise PackageError(f"merged range {mc.get('ref')!r}") from None
        out.append((r0 - 1, c0, r1 - 1, c1))
    return out


def _patch_sheet(xml: bytes, p: SheetPatch, styles: Styles, location: str, notes: Notes,
                 part: str) -> tuple[bytes, int]:
    sheet = _Sheet(xml, p.sheet)
    # Everything outside the rows, parsed with an empty <sheetData> (small): first, no merge may
    # cover a cell of ours; then the few elements we edit.
    root = etree.fromstring(xml[: sheet.open.end()] + xml[sheet.close:], _PARSER)
    refuse_merged_outputs(p, _merges(root), location)
    P = sheet.P
    columns = sorted((p.columns[name], col_letter(p.columns[name]).encode(), p.values[name], p.fills[name],
                      name in p.numbers, name in p.wrap) for name in p.values)
    position = {n: i for i, n in enumerate(p.rows)}
    style_ref, style_re = col_letter(p.style_column).encode(), re.compile(rb'\bs="(\d+)"')
    xf_cache: dict[tuple, int] = {}
    tails: dict[tuple, bytes] = {}  # the cell xml after its reference, shared by equal cells

    def data_cells(n: int, inner: bytes) -> list[tuple[int, bytes]]:
        i = position[n]
        at = inner.find(b'r="%s%d"' % (style_ref, n))
        m = style_re.search(inner, inner.rfind(b"<", 0, at), inner.find(b">", at)) if at >= 0 else None
        base = int(m.group(1)) if m else 0  # our cells look like the row's key cell (borders, font)
        out = []
        for col, letter, values, fills, number, wrap in columns:
            value, fill = values[i], fills[i]
            key = (col, value, fill, base)
            tail = tails.get(key)
            if tail is None:
                if (base, fill, wrap) not in xf_cache:
                    xf_cache[(base, fill, wrap)] = styles.xf(base, fill, wrap)
                text = value if number or value is None else str(value)  # only `days` holds numbers
                tail = tails[key] = _cell(P, b"\0", text, xf_cache[(base, fill, wrap)]).split(b"\0", 1)[1]
            out.append((col, b'<%sc r="%s%d%s' % (P, letter, n, tail)))
        return out

    def header_cells(inner: bytes) -> list[tuple[int, bytes]]:
        found = re.findall(rb'<\w*:?c\b[^>]*?\bs="(\d+)"', inner)
        style = int(found[-1]) if found else 0  # new headers look like the last existing one
        return [(p.columns[h], _cell(P, b"%s%d" % (col_letter(p.columns[h]).encode(), p.header_row), h, style))
                for h in p.new_columns]

    pieces, pos, seen = [], sheet.open.end(), 0
    for start, end, n, attrs, inner in sheet.rows():
        if n in position:
            cells = data_cells(n, inner)
        elif n == p.header_row and p.new_columns:
            cells = header_cells(inner)
        else:
            continue
        seen += 1
        pieces += [xml[pos: start], sheet.splice_row(attrs, inner, n, cells)]
        pos = end
    if seen != len(position) + (1 if p.new_columns else 0):
        raise PackageError("rows not found")
    pieces.append(xml[pos: sheet.close])

    _widen(root, p)
    _dimension(root, p)
    _highlight(root, p, styles)
    if p.notes:
        notes.put(part, root, {f"{col_letter(p.columns[name])}{p.header_row}": text for name, text in p.notes.items()})
    out = _serialize(root, xml)
    empty = re.search(rb"<" + P + rb"sheetData\b[^>]*?(/>|></" + P + rb"sheetData>)", out)
    if empty is None:  # lxml writes back the empty <sheetData> it parsed; never expected
        raise PackageError(f"worksheet {p.sheet!r} lost its rows")
    body = b"".join(pieces)
    written = len(p.new_columns) + len(p.rows) * len(columns)
    return out[: empty.start()] + sheet.open.group(0) + body + b"</" + P + b"sheetData>" + out[empty.end():], written


def _widen(root: etree._Element, p: SheetPatch) -> None:
    """Our columns get their widths where no width is set (new ones, and ones made by hand)."""
    cols = root.find(q("cols"))
    taken = [(int(c.get("min")), int(c.get("max"))) for c in cols.iter(q("col"))] if cols is not None else []
    for name in p.widths:
        n = p.columns[name] + 1
        if any(lo <= n <= hi for lo, hi in taken):
            continue  # a range someone set already covers it: keep theirs
        if cols is None:
            cols = etree.Element(q("cols"))
            root.find(q("sheetData")).addprevious(cols)
        new = etree.Element(q("col"), min=str(n), max=str(n), width=str(p.widths.get(name, 12.0)), customWidth="1")
        later = [c for c in cols.iter(q("col")) if int(c.get("min")) > n]
        (later[0].addprevious(new) if later else cols.append(new))
        taken.append((n, n))


def _dimension(root: etree._Element, p: SheetPatch) -> None:
    dim = root.find(q("dimension"))
    if dim is None:
        return
    first, _, last = dim.get("ref", "A1").partition(":")
    try:
        col, row = split_ref(last or first)
    except ValueError:
        return
    max_col = max(col, *p.columns.values())
    max_row = max(row, p.header_row, *p.rows) if p.rows else max(row, p.header_row)
    dim.set("ref", f"{first if last else 'A1'}:{col_letter(max_col)}{max_row}")


def _highlight(root: etree._Element, p: SheetPatch, styles: Styles) -> None:
    for cf in root.findall(q("conditionalFormatting")):
        if any(f.text == MARKER_FORMULA for f in cf.iter(q("formula"))):
            root.remove(cf)
    if not p.highlights or p.highlight is None:
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
