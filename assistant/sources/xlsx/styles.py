"""styles.xml, appended to and never reordered, so every existing style index keeps its meaning."""

from __future__ import annotations

from lxml import etree

from assistant.writeback import Fill

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_AFTER_DXFS = ["tableStyles", "colors", "extLst"]
_AFTER_NUMFMTS = ["fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", *_AFTER_DXFS]
# Number formats every spreadsheet knows by id (ECMA-376 18.8.30); others are declared in <numFmts>.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "@": 49}
_FIRST_CUSTOM = 164


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _canon(el: etree._Element) -> tuple:
    """An element's content, independent of namespace prefixes and attribute order."""
    return (etree.QName(el).localname, tuple(sorted(el.attrib.items())), (el.text or "").strip(),
            tuple(_canon(c) for c in el))


class Styles:
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
        """The index of an equal entry, appending `child` only when there is none (idempotent runs)."""
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

    def xf(self, base: int, fill: Fill | None, wrap: bool = False) -> int:
        """A cell format like `base` (borders, font, alignment) with our fill and General format;
        with `wrap`, its text wraps within the column's width."""
        key = (base, fill, wrap)
        if key not in self._xf_cache:
            xfs = self._section("cellXfs", ["cellStyles", "dxfs"])
            source = xfs[base] if 0 <= base < len(xfs) else etree.Element(
                q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0")
            xf = etree.fromstring(etree.tostring(source))
            xf.set("numFmtId", "0")
            xf.set("applyNumberFormat", "1")
            xf.set("fillId", str(self._fill(fill.rgb)) if fill else "0")
            xf.set("applyFill", "1")
            if wrap:
                alignment = xf.find(q("alignment"))
                if alignment is None:
                    alignment = etree.Element(q("alignment"))
                    xf.insert(0, alignment)  # the first child of an xf, by the schema
                alignment.set("wrapText", "1")
                xf.set("applyAlignment", "1")
            self._xf_cache[key] = self._find_or_add(xfs, xf)
        return self._xf_cache[key]

    def dxf(self, fill: Fill) -> int:
        dxf = etree.Element(q("dxf"))
        if fill.font:
            font = etree.SubElement(dxf, q("font"))
            etree.SubElement(font, q("color"), rgb=fill.font)
        f = etree.SubElement(dxf, q("fill"))
        pattern = etree.SubElement(f, q("patternFill"))
        etree.SubElement(pattern, q("bgColor"), rgb=fill.rgb)
        return self._find_or_add(self._section("dxfs", _AFTER_DXFS), dxf)

    def number_format(self, code: str) -> int:
        """The id of number format `code`: a built-in one, one declared already, or one added."""
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        fmts = self.root.find(q("numFmts"))
        declared = list(fmts.iter(q("numFmt"))) if fmts is not None else []
        for fmt in declared:
            if fmt.get("formatCode") == code:
                return int(fmt.get("numFmtId", "0"))
        new_id = max([_FIRST_CUSTOM - 1, *(int(f.get("numFmtId", "0")) for f in declared)]) + 1
        fmts = self._section("numFmts", _AFTER_NUMFMTS)
        etree.SubElement(fmts, q("numFmt"), numFmtId=str(new_id), formatCode=code)
        fmts.set("count", str(len(fmts)))
        self.changed = True
        return new_id

    def number_xf(self, base: int, code: str) -> int:
        """A cell format like `base` with number format `code` (a new column's default style)."""
        xfs = self._section("cellXfs", ["cellStyles", "dxfs"])
        source = xfs[base] if 0 <= base < len(xfs) else etree.Element(
            q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0")
        xf = etree.fromstring(etree.tostring(source))
        xf.set("numFmtId", str(self.number_format(code)))
        xf.set("applyNumberFormat", "1")
        return self._find_or_add(xfs, xf)
