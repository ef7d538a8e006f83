"""One worksheet of a package being patched, read and written as a stream.

The worksheet part is inflated twice, a piece at a time, and never held whole: a first pass keeps
only what lies outside <sheetData> (a few kilobytes: column widths, the dimension, merges,
conditional formats), which is parsed with lxml and edited (our column widths, the dimension, our
conditional-format block that highlights cells with errors, the <legacyDrawing> of our notes,
the data validations and default styles of columns `assistant migrate` adds);
the second pass streams the rows through `RowSplicer` into the new package's member, between the
edited beginning and end.
"""

from __future__ import annotations

import copy
import re
import zipfile
from typing import IO

from lxml import etree

from assistant.sources.merges import Merge, refuse_merged_outputs
from assistant.sources.xlsx.notes import Notes
from assistant.sources.xlsx.rows import PackageError, RowSplicer
from assistant.sources.xlsx.styles import NS, Styles, q
from assistant.writeback import MARKER_FORMULA, ColumnEntry, SheetPatch, col_index, col_letter, split_ref

CHUNK = 1 << 20  # inflated bytes handled at a time
_PREFIX = 1 << 16  # the part's first bytes, where its XML declaration is
_SQREF = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})?\$?(\d+)?)?$")
_DEFAULT_WIDTH = "9.140625"  # Excel's default column width (8.43 characters), as Excel writes it
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, remove_blank_text=False)
_OPEN = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
_DECLARATION = re.compile(rb"<\?xml\s[^?]*\?>\s*")
# Elements that may follow <conditionalFormatting> in a worksheet, in schema order: ours goes
# before the first of them that is present.
_AFTER_CF = ["dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
             "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
             "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
             "tableParts", "extLst"]

__all__ = ["Worksheet", "serialize"]


def serialize(root: etree._Element, original: bytes) -> bytes:
    # The part's own XML declaration, as it was: lxml writes another one (single quotes, no \r\n),
    # and a second run must not read that one differently (standalone lost: not idempotent).
    decl = _DECLARATION.match(original)
    if decl and re.search(rb"""encoding\s*=\s*["'](?i:utf-8)["']""", decl.group(0)):
        return decl.group(0) + etree.tostring(root, encoding="UTF-8")
    standalone = re.search(rb"""standalone\s*=\s*["']yes["']""", original[:200]) is not None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True if standalone else None)


class Worksheet:
    """The worksheet `part` of `zf` with `patch` to apply. Made: everything outside its rows is
    read and edited (MergedOutput, naming `location`, when a merge covers a cell we would write);
    `write` then streams the whole patched part."""

    def __init__(self, zf: zipfile.ZipFile, part: str, patch: SheetPatch, styles: Styles, notes: Notes,
                 location: str):
        self.zf, self.part, self.patch, self.styles = zf, part, patch, styles
        self._ends()
        root = etree.fromstring(self.head + self.tail, _PARSER)
        refuse_merged_outputs(patch, _merges(root), location)
        _widen(root, patch)
        _dimension(root, patch)
        _highlight(root, patch, styles)
        _entries(root, patch.entries, styles)
        if patch.notes:
            notes.put(part, root, {f"{col_letter(patch.columns[name])}{patch.header_row}": text
                                   for name, text in patch.notes.items()})
        out = serialize(root, self.prefix)
        empty = re.search(rb"<" + self.P + rb"sheetData\b[^>]*?(/>|></" + self.P + rb"sheetData>)", out)
        if empty is None:  # lxml writes back the empty <sheetData> it parsed; never expected
            raise PackageError(f"worksheet {patch.sheet!r} lost its rows")
        self.before, self.after = out[: empty.start()], out[empty.end():]
        self.size = len(out) + self.rows_end - len(self.head)  # a bound of the patched part's size …
        for values in patch.values.values():  # … with our cells: 6 bytes a character at most, escaped
            longest = max((len(str(v)) for v in values if v is not None), default=0)
            self.size += len(patch.rows) * (64 + 6 * longest)

    def _ends(self) -> None:
        """The first pass: the part up to its <sheetData> start tag (`head`), and from its end tag
        on (`tail`), with the offset of that end tag; the rows in between are only looked through."""
        with self.zf.open(self.part) as f:
            buf, m = b"", None
            while m is None:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                buf += chunk
                m = _OPEN.search(buf)
            if m is None or m.group(2):
                raise PackageError(f"worksheet {self.patch.sheet!r} has no rows")
            self.P = m.group(1) or b""
            self.head, self.open_tag, self.prefix = buf[: m.end()], m.group(0), buf[:_PREFIX]
            close = b"</" + self.P + b"sheetData>"
            offset, buf = m.end(), buf[m.end():]  # offset: where `buf` starts in the part
            at = buf.find(close)
            while at < 0:
                done = max(0, len(buf) - len(close) + 1)  # an end tag may be cut between two reads
                offset, buf = offset + done, buf[done:]
                chunk = f.read(CHUNK)
                if not chunk:
                    raise PackageError(f"worksheet {self.patch.sheet!r} has no end of its rows")
                buf += chunk
                at = buf.find(close)
            self.rows_end = offset + at
            self.tail = buf[at:] + f.read()

    def write(self, out: IO[bytes]) -> int:
        """The second pass: the patched part into `out`; the number of cells written."""
        splicer = RowSplicer(self.P, self.patch, self.styles)
        out.write(self.before + self.open_tag)
        with self.zf.open(self.part) as f:
            skip, remaining, buf = len(self.head), self.rows_end - len(self.head), b""
            while skip:
                skip -= len(self._read(f, min(skip, CHUNK)))
            while remaining:
                chunk = self._read(f, min(remaining, CHUNK))
                remaining -= len(chunk)
                buf += chunk
                # Whole rows only: up to the last row that starts in what was read (all, at the end).
                cut = buf.rfind(splicer.open_row) if remaining else len(buf)
                if cut > 0:
                    out.write(splicer.feed(buf[:cut]))
                    buf = buf[cut:]
        if splicer.seen != splicer.wanted:
            raise PackageError("rows not found")
        out.write(b"</" + self.P + b"sheetData>" + self.after)
        return splicer.written


    def _read(self, f: IO[bytes], n: int) -> bytes:
        chunk = f.read(n)
        if not chunk:  # not as the first pass read it
            raise PackageError(f"worksheet {self.patch.sheet!r} ended early")
        return chunk


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
    heads = [split_ref(ref) for ref in p.headers]
    max_col = max(col, *p.columns.values(), *(c for c, _ in heads))
    max_row = max(row, p.header_row, *p.rows, *(r for _, r in heads))
    dim.set("ref", f"{first if last else 'A1'}:{col_letter(max_col)}{max_row}")


def _highlight(root: etree._Element, p: SheetPatch, styles: Styles) -> None:
    if p.keep_rules:
        return
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


def _entries(root: etree._Element, entries: list[ColumnEntry], styles: Styles) -> None:
    """New columns' entry rules appended to <dataValidations> (made at its place in the schema when
    there is none; the sheet's own rules are kept), and their number formats as the columns'
    default style, which cells typed later take."""
    if not entries:  # `flag`: nothing to load, nothing changed
        return
    theirs = _validated(root)
    made = []
    for e in entries:
        mine = (e.column, e.first - 1, e.column, e.last - 1)
        if e.xlsx_rule is not None and not any(_overlap(mine, box) for box in theirs):
            # (a rule of the office's already there wins: two rules on a cell are not Excel's way)
            # the rule (no namespace) re-parsed into the worksheet's namespace
            made.append(etree.fromstring(b'<w xmlns="' + NS.encode() + b'">' + e.xlsx_rule + b"</w>", _PARSER)[0])
        if e.number_format is not None:
            _column_style(root, e.column + 1, e.number_format, styles)
    if not made:
        return
    dvs = root.find(q("dataValidations"))
    if dvs is None:
        dvs = etree.Element(q("dataValidations"))
        anchor = next((root.find(q(n)) for n in _AFTER_CF[1:] if root.find(q(n)) is not None), None)
        (anchor.addprevious(dvs) if anchor is not None else root.append(dvs))
    for dv in made:
        dvs.append(dv)
    dvs.set("count", str(len(dvs.findall(q("dataValidation")))))


def _column_style(root: etree._Element, n: int, code: str, styles: Styles) -> None:
    """Column `n` (1-based) gets a default style with number format `code`: its own <col>, split
    off a range that covers it (which keeps its width and style for the other columns)."""
    cols = root.find(q("cols"))
    if cols is None:
        cols = etree.Element(q("cols"))
        root.find(q("sheetData")).addprevious(cols)
    cover = next((c for c in cols.iter(q("col")) if int(c.get("min", "0")) <= n <= int(c.get("max", "0"))), None)
    if cover is None:
        fmt = root.find(q("sheetFormatPr"))
        width = fmt.get("defaultColWidth") if fmt is not None and fmt.get("defaultColWidth") else _DEFAULT_WIDTH
        own = etree.Element(q("col"), min=str(n), max=str(n), width=width)
        later = [c for c in cols.iter(q("col")) if int(c.get("min", "0")) > n]
        (later[0].addprevious(own) if later else cols.append(own))
    else:
        lo, hi = int(cover.get("min", "0")), int(cover.get("max", "0"))
        if lo < n:
            left = copy.deepcopy(cover)
            left.set("max", str(n - 1))
            cover.addprevious(left)
        if hi > n:
            right = copy.deepcopy(cover)
            right.set("min", str(n + 1))
            cover.addnext(right)
        cover.set("min", str(n))
        cover.set("max", str(n))
        own = cover
    own.set("style", str(styles.number_xf(int(own.get("style", "0")), code)))


Box = tuple[int, int, int, int]  # 0-based first column, first row, last column, last row


def _validated(root: etree._Element) -> list[Box]:
    """The ranges the sheet's own data validations cover: <dataValidation sqref> and Excel's
    extension ones (<x14:dataValidation><xm:sqref>, lists from other sheets)."""
    refs: list[str] = [dv.get("sqref", "") for dv in root.iter(q("dataValidation"))]
    refs += [el.text or "" for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "sqref"]
    out: list[Box] = []
    for token in " ".join(refs).split():
        m = _SQREF.match(token.upper())
        if m is None or not any(m.groups()):
            out.append((0, 0, 1 << 20, 1 << 30))  # not understood: taken as covering everything
            continue
        c0, r0, c1, r1 = m.groups()
        if ":" not in token:
            c1, r1 = c0, r0
        out.append((_col0(c0, 0), int(r0) - 1 if r0 else 0, _col0(c1, 1 << 20), int(r1) - 1 if r1 else 1 << 30))
    return out


def _col0(letters: str | None, missing: int) -> int:
    return col_index(letters) if letters else missing


def _overlap(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
