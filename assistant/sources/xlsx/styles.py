"""styles.xml, appended to and never reordered, so every existing style index keeps its meaning."""

from __future__ import annotations

from lxml import etree

from assistant.writeback import Fill

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_AFTER_DXFS = ["tableStyles", "colors", "extLst"]


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
