"""Notes of ours on header cells of an .xlsx worksheet (the legend on the status column's header).

A note (Excel's "comment") is three things in the package: a <comment> in the sheet's comments
part (its text), a shape in the sheet's VML drawing (where Excel shows it on hover), and the
relationships and content types that tie both to the sheet. Ours are recognised by their author
(AUTHOR): people's notes are never changed, and a cell that already has a person's note gets none
of ours. The parts are written only when a note of ours is added, changed or moved; a rerun with
the same legend leaves every byte as it was.

The VML drawing is legacy markup that Excel does not always write as well-formed XML, so it is
never parsed: our shapes are added before its closing tag and ours removed by their cell, as bytes.
A package whose comments or drawing cannot be read safely gets no note: the legend is a courtesy,
and the write-back goes on without it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from assistant.sources.xlsx.styles import NS, q
from assistant.writeback import split_ref

AUTHOR = "office-assistant"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
# Elements that may follow <legacyDrawing> in a worksheet, in schema order.
_AFTER_LEGACY = ["legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst"]
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_VML_NS = {"v": b"urn:schemas-microsoft-com:vml", "o": b"urn:schemas-microsoft-com:office:office",
           "x": b"urn:schemas-microsoft-com:office:excel"}
_SHAPETYPE = (b'<{v}shapetype id="_x0000_t202" coordsize="21600,21600" {o}spt="202" path="m,l,21600r21600,l21600,xe">'
              b'<{v}stroke joinstyle="miter"/><{v}path gradientshapeok="t" {o}connecttype="rect"/></{v}shapetype>')
# Hidden until the pointer is on the cell; a box four columns wide and four rows high beside it.
_SHAPE = (b'<{v}shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:0;margin-top:0;'
          b'width:260pt;height:54pt;z-index:{z};visibility:hidden" fillcolor="#ffffe1" {o}insetmode="auto">'
          b'<{v}fill color2="#ffffe1"/><{v}shadow on="t" color="black" obscured="t"/><{v}path {o}connecttype="none"/>'
          b'<{v}textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></{v}textbox>'
          b'<{x}ClientData ObjectType="Note"><{x}MoveWithCells/><{x}SizeWithCells/>'
          b'<{x}Anchor>{c1}, 15, {r0}, 2, {c2}, 15, {r2}, 16</{x}Anchor><{x}AutoFill>False</{x}AutoFill>'
          b'<{x}Row>{r0}</{x}Row><{x}Column>{c0}</{x}Column></{x}ClientData></{v}shape>')

__all__ = ["AUTHOR", "Notes"]


class _Unsafe(Exception):
    """The notes' parts are not laid out as we can change safely: no note for this sheet."""


@dataclass
class _Change:
    """What putting the notes on one sheet changes: parts (new or rewritten) and the sheet's own
    <legacyDrawing> when it needs one."""

    parts: dict[str, bytes] = field(default_factory=dict)
    legacy_rid: str | None = None


class Notes:
    """The notes of ours for the sheets of one package being patched, and the parts they change."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.names = set(zf.namelist())
        self.parts: dict[str, bytes] = {}  # part -> its new bytes (rewritten, or new)

    def put(self, part: str, root: etree._Element, wanted: dict[str, str]) -> None:
        """Make our notes on the worksheet `part` be `wanted` (cell ref -> text); `root` is the
        sheet's XML outside its rows, which gets a <legacyDrawing> when it had none."""
        try:
            change = self._plan(part, root, wanted)
        except (_Unsafe, etree.XMLSyntaxError, KeyError, ValueError):
            return
        self.parts.update(change.parts)
        self.names |= set(change.parts)
        if change.legacy_rid is not None:
            legacy = etree.Element(q("legacyDrawing"))
            legacy.set(f"{{{R_NS}}}id", change.legacy_rid)
            anchor = next((root.find(q(n)) for n in _AFTER_LEGACY if root.find(q(n)) is not None), None)
            if anchor is not None:
                anchor.addprevious(legacy)
            else:
                root.append(legacy)

    # --- reading the package as it is now (with what earlier sheets changed) ----------------------

    def _read(self, name: str) -> bytes | None:
        if name in self.parts:
            return self.parts[name]
        return self.zf.read(name) if name in self.names else None

    def _unused(self, template: str) -> str:
        n = 1
        while template.format(n) in self.names or template.format(n) in self.parts:
            n += 1
        return template.format(n)

    # --- one sheet ---------------------------------------------------------------------------------

    def _plan(self, part: str, root: etree._Element, wanted: dict[str, str]) -> _Change:
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        rels_xml = self._read(rels_name)
        rels = etree.fromstring(rels_xml, _PARSER) if rels_xml else etree.Element(f"{{{PKG_NS}}}Relationships",
                                                                                 nsmap={None: PKG_NS})
        targets = {r.get("Id"): (r.get("Type"), _resolve(folder, r.get("Target", ""), r.get("TargetMode")))
                   for r in rels.findall(f"{{{PKG_NS}}}Relationship")}
        comments_part = next((p for t, p in targets.values() if t == COMMENTS_REL and p), None)
        legacy = root.find(q("legacyDrawing"))
        vml_part = targets.get(legacy.get(f"{{{R_NS}}}id"), (None, None))[1] if legacy is not None else None
        if legacy is not None and vml_part is None:
            raise _Unsafe("a legacy drawing without its part")

        comments_xml = self._read(comments_part) if comments_part else None
        comments = etree.fromstring(comments_xml, _PARSER) if comments_xml else _new_comments()
        authors = comments.find(q("authors"))
        listing = comments.find(q("commentList"))
        if authors is None or listing is None:
            raise _Unsafe("comments without authors or list")
        names = [a.text or "" for a in authors.findall(q("author"))]
        ours_id = str(names.index(AUTHOR)) if AUTHOR in names else None
        existing = {c.get("ref"): c for c in listing.findall(q("comment"))}
        mine = {ref: c for ref, c in existing.items() if ours_id is not None and c.get("authorId") == ours_id}

        add = {ref: text for ref, text in wanted.items() if ref not in existing}
        update = {ref: text for ref, text in wanted.items() if ref in mine and _text(mine[ref]) != text}
        remove = [ref for ref in mine if ref not in wanted]
        if not (add or update or remove):
            return _Change()

        if ours_id is None:  # then there is something to add
            etree.SubElement(authors, q("author")).text = AUTHOR
            ours_id = str(len(names))
        for ref in remove:
            listing.remove(mine[ref])
        for ref, text in update.items():
            _set_text(mine[ref], text)
        for ref, text in add.items():
            comment = etree.Element(q("comment"), ref=ref, authorId=ours_id)
            _set_text(comment, text)
            later = [c for c in listing.findall(q("comment")) if _position(c.get("ref", "")) > _position(ref)]
            (later[0].addprevious(comment) if later else listing.append(comment))

        change = _Change()
        new_comments = comments_part is None
        if comments_part is None:
            comments_part = self._unused("xl/comments{}.xml")
            _add_rel(rels, COMMENTS_REL, posixpath.relpath(comments_part, folder))
        change.parts[comments_part] = _xml(comments, comments_xml)
        new_vml = False
        if add or remove:
            if vml_part is None:
                new_vml, vml_part = True, self._unused("xl/drawings/vmlDrawing{}.vml")
                change.legacy_rid = _add_rel(rels, VML_REL, posixpath.relpath(vml_part, folder))
                vml = self._new_vml()
            else:
                vml = self._read(vml_part) or b""
            change.parts[vml_part] = _vml_shapes(vml, [split_ref(r) for r in add], [split_ref(r) for r in remove])
        if new_comments or new_vml:
            change.parts[rels_name] = _xml(rels, rels_xml)
            change.parts["[Content_Types].xml"] = self._with_types(comments_part if new_comments else None, new_vml)
        return change

    def _new_vml(self) -> bytes:
        """An empty VML drawing whose shape ids do not meet those of the package's other drawings."""
        taken = [int(n) for p in self.names | set(self.parts) if p.endswith(".vml")
                 for n in re.findall(rb'idmap\b[^>]*?\bdata="(\d+)', self._read(p) or b"")]
        return (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                b'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
                b'<o:idmap v:ext="edit" data="%d"/></o:shapelayout></xml>' % (max(taken, default=0) + 1))

    def _with_types(self, comments: str | None, vml: bool) -> bytes:
        """[Content_Types].xml knowing a new comments part and (`vml`) VML drawings."""
        original = self._read("[Content_Types].xml")
        if original is None:
            raise _Unsafe("no content types")
        types = etree.fromstring(original, _PARSER)
        if comments is not None:
            etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/" + comments, ContentType=COMMENTS_TYPE)
        if vml and not any((d.get("Extension") or "").lower() == "vml" for d in types.findall(f"{{{CT_NS}}}Default")):
            types.insert(0, etree.Element(f"{{{CT_NS}}}Default", Extension="vml", ContentType=VML_TYPE))
        return _xml(types, original)


# --- the parts' content -------------------------------------------------------------------------------

def _resolve(folder: str, target: str, mode: str | None) -> str | None:
    if mode == "External" or not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def _add_rel(rels: etree._Element, kind: str, target: str) -> str:
    ids = {r.get("Id") for r in rels}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    etree.SubElement(rels, f"{{{PKG_NS}}}Relationship", Id=f"rId{n}", Type=kind, Target=target)
    return f"rId{n}"


def _new_comments() -> etree._Element:
    root = etree.Element(q("comments"), nsmap={None: NS})
    etree.SubElement(root, q("authors"))
    etree.SubElement(root, q("commentList"))
    return root


def _text(comment: etree._Element) -> str:
    return "".join(t.text or "" for t in comment.iter(q("t")))


def _set_text(comment: etree._Element, text: str) -> None:
    for child in list(comment):
        comment.remove(child)
    etree.SubElement(etree.SubElement(comment, q("text")), q("t")).text = text


def _position(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference, for keeping comments in reading order."""
    try:
        col, row = split_ref(ref)
    except ValueError:
        return (0, 0)
    return row, col


def _xml(root: etree._Element, original: bytes | None) -> bytes:
    """A part serialised with the XML declaration it had (a standalone one when it is new)."""
    decl = re.match(rb"<\?xml\s[^?]*\?>\s*", original or b"")
    body = etree.tostring(root, encoding="UTF-8")
    if decl and re.search(rb"""encoding\s*=\s*["'](?i:utf-8)["']""", decl.group(0)):
        return decl.group(0) + body
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body


def _vml_shapes(vml: bytes, add: list[tuple[int, int]], remove: list[tuple[int, int]]) -> bytes:
    """The VML drawing with a note shape for each cell in `add` (column, 1-based row) and without
    the note shapes of the cells in `remove`, by the prefixes the drawing itself declares."""
    prefix = {}
    for short, uri in _VML_NS.items():
        m = re.search(rb'xmlns:([\w.-]+)\s*=\s*["\']' + re.escape(uri) + rb'["\']', vml)
        if m is None:
            raise _Unsafe(f"the drawing does not declare {uri!r}")
        prefix[short] = m.group(1) + b":"
    v, o, x = prefix["v"], prefix["o"], prefix["x"]
    shape = re.compile(rb"<" + re.escape(v) + rb"shape\b.*?</" + re.escape(v) + rb"shape>", re.S)

    def cell(block: bytes) -> tuple[int, int] | None:
        row = re.search(rb"<" + re.escape(x) + rb"Row>\s*(\d+)\s*<", block)
        col = re.search(rb"<" + re.escape(x) + rb"Column>\s*(\d+)\s*<", block)
        if row is None or col is None or b'ObjectType="Note"' not in block:
            return None
        return int(col.group(1)), int(row.group(1)) + 1

    gone = set(remove)
    vml = shape.sub(lambda m: b"" if cell(m.group(0)) in gone else m.group(0), vml)
    present = {cell(m.group(0)) for m in shape.finditer(vml)}
    new = [c for c in add if c not in present]
    if not new:
        return vml
    end = vml.rfind(b"</xml>")
    if end < 0:
        raise _Unsafe("the drawing has no end")
    ids = [int(n) for n in re.findall(rb'\bid="_x0000_s(\d+)"', vml)]
    idmap = re.search(rb'idmap\b[^>]*?\bdata="(\d+)', vml)
    first = max(ids, default=1024 * (int(idmap.group(1)) if idmap else 1)) + 1
    fmt = {"v": v, "o": o, "x": x}
    out = [] if b'id="_x0000_t202"' in vml else [_SHAPETYPE.replace(b"{v}", v).replace(b"{o}", o)]
    for i, (c0, row) in enumerate(new):
        values = {"id": first + i, "z": len(present) + i + 1, "c1": c0 + 1, "c2": c0 + 5, "r0": row - 1,
                  "r2": row + 3, "c0": c0}
        piece = _SHAPE
        for key, pre in fmt.items():
            piece = piece.replace(b"{%s}" % key.encode(), pre)
        for key, value in values.items():
            piece = piece.replace(b"{%s}" % key.encode(), str(value).encode())
        out.append(piece)
    return vml[:end] + b"".join(out) + vml[end:]
