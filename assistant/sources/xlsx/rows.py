"""The rows of one worksheet, patched as they stream past: our cells spliced into each targeted <row>.

A worksheet's XML is never held whole (a 1M-row register is ~400 MB of it): `RowSplicer.feed`
takes the inside of <sheetData> a piece at a time, cut where a row starts, and gives back the
piece with our cells in it. Rows are found by plain search (no DOM, no decoding). Each targeted
<row> gets our cells (the assistant-owned columns) replaced or inserted in column order, and
nothing else in it changes.

Cells we write are inline strings (t="inlineStr") or numbers: never formulas, never shared strings
(so sharedStrings.xml is untouched), and text starting with "=" stays text.

Built from the patch's columns as arrays: the rows with the same values, fills and base style
share one template of our cells with the row number left out (a register's rows share a handful of
statuses), so most rows cost a lookup and a join, not the building of three cells.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.sources.xlsx.styles import Styles
from assistant.text import ILLEGAL_XML, MAX_CELL_TEXT
from assistant.writeback import Fill, SheetPatch, col_index, col_letter

if TYPE_CHECKING:
    import numpy as np

# numpy and pandas are imported where they are used: this module comes with the xlsx source, which
# `check` imports first to read the sheet while pandas loads (assistant/prefetch.py).

_NUMBER = re.compile(rb'\br="(\d+)"')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_STYLES_IN_ROW = re.compile(rb'<\w*:?c\b[^>]*?\bs="(\d+)"')
# Templates kept at once: a register whose every row has its own findings text gets a template
# per row, which must not pile up.
_TEMPLATES = 4096

__all__ = ["PackageError", "RowSplicer", "cell"]


class PackageError(Exception):
    """The package is not laid out as we can patch safely; nothing was written."""


def _escape(text: str) -> str:
    text = ILLEGAL_XML.sub("", text)[:MAX_CELL_TEXT]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def cell(p: bytes, ref: bytes, value: object, style: int) -> bytes:
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


def _codes(values: list) -> np.ndarray:
    """Equal values get equal codes (>= 0). Missing ones are told apart by kind: None writes an
    empty cell, NaN the text "nan"."""
    import numpy as np
    import pandas as pd

    codes, _ = pd.factorize(np.asarray(values, dtype=object))
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        kinds: dict[type, int] = {}
        top = int(codes.max(initial=-1)) + 1
        for j in missing.tolist():
            v = values[j]
            codes[j] = top + kinds.setdefault(type(v) if v is not None else type(None), len(kinds))
    return codes


def _combos(columns: list[tuple], n: int) -> memoryview:
    """Per row, one code for its values and fills in all our columns together: rows with equal
    codes get equal cells (given the same base style)."""
    import numpy as np
    import pandas as pd

    combo = np.zeros(n, dtype=np.int64)
    for _, _, values, fills, _, _ in columns:
        fill_ids = np.fromiter(map(id, fills), dtype=np.uint64, count=n)  # Fill hashes in Python: slow
        for part in (_codes(values), pd.factorize(fill_ids)[0]):
            combo = pd.factorize(combo * (int(part.max(initial=0)) + 1) + part)[0]
    return np.ascontiguousarray(combo, dtype=np.int64).data


def _slots(rows: list[int]) -> tuple[memoryview, int]:
    """Sheet row number -> position in the patch's lists (-1: not ours), and how many rows are ours."""
    import numpy as np

    slot = np.full(max(rows, default=0) + 1, -1, dtype=np.int64)
    for i, n in enumerate(rows):  # the last of duplicates wins, as in a dict
        slot[n] = i
    return slot.data, int((slot >= 0).sum())


class RowSplicer:
    """Our cells into the rows of one worksheet whose tags use the namespace prefix `P`."""

    def __init__(self, P: bytes, patch: SheetPatch, styles: Styles):
        self.P, self.patch, self.styles = P, patch, styles
        self.open_row, self.close_row = b"<" + P + b"row", b"</" + P + b"row>"
        self._row_tag = re.compile(re.escape(self.open_row) + rb"([^>]*)>")
        self._cell_start, self._bare_cell = b"<" + P + b"c ", b"<" + P + b"c>"
        self._cell_ref = re.compile(rb"<" + re.escape(P) + rb'c\b[^>]*?\br="([A-Z]+)\d+"')
        self._any_cell = re.compile(rb"<" + re.escape(P) + rb"c[\s/>]")
        self._end_cell = b"</" + P + b"c>"
        p = patch
        self.columns = sorted((p.columns[name], col_letter(p.columns[name]).encode(), p.values[name], p.fills[name],
                               name in p.numbers, name in p.wrap) for name in p.values)
        self._ours = frozenset(c[0] for c in self.columns)
        self._slot, ours = _slots(p.rows)
        self._combo = _combos(self.columns, len(p.rows))
        self._style_ref = b'r="' + col_letter(p.style_column).encode()  # finds the key cell of a row
        self._xf: dict[tuple[int, Fill | None, bool], int] = {}
        self._templates: dict[tuple[int, int], tuple[list[bytes], list[tuple[int, bytes, bytes]]]] = {}
        self._letters: dict[bytes, int] = {}
        self._heads = p.header_cells()  # header cells to (re)write, by row
        self._head_rows = frozenset(self._heads) | ({p.header_row} if p.new_columns else set())
        self.wanted = ours + len(self._head_rows)  # rows that must be found
        self.seen = 0
        self.written = len(p.new_columns) + len(p.headers) + len(p.rows) * len(self.columns)

    # --- a piece of <sheetData> -------------------------------------------------------------------

    def feed(self, piece: bytes) -> bytes:
        """`piece`: whole rows of <sheetData> and what lies between them; the same, patched."""
        out: list[bytes] = []
        pos = 0
        slot, top, heads = self._slot, len(self._slot), self._head_rows
        close_row, cell_start, cell_ref, column = self.close_row, self._cell_start, self._cell_ref, self._column
        templates, combo, style_ref = self._templates, self._combo, self._style_ref
        ours, first = self._ours, self.columns[0][0] if self.columns else 0
        for m in self._row_tag.finditer(piece):
            attrs = m.group(1)
            if attrs.endswith(b"/"):  # "<row .../>": no cells
                attrs, inner, end = attrs[:-1], b"", m.end()
            else:
                stop = piece.index(close_row, m.end())
                inner, end = piece[m.end(): stop], stop + len(close_row)
            number = _NUMBER.search(attrs)
            if number is None:
                raise PackageError("rows without numbers")
            digits = number.group(1)
            n = int(digits)
            i = slot[n] if n < top else -1
            if i < 0:
                if n not in heads:
                    continue
                row = self._header_row(attrs, inner, n)
            else:
                if digits[0] == 0x30:  # "007": the cells say 7
                    digits = b"%d" % n
                at = inner.find(style_ref + digits + b'"')
                s = _STYLE.search(inner, inner.rfind(b"<", 0, at), inner.find(b">", at)) if at >= 0 else None
                base = int(s.group(1)) if s else 0  # our cells look like the row's key cell (borders, font)
                key = (combo[i], base)
                template = templates.get(key)
                if template is None:
                    if len(templates) >= _TEMPLATES:
                        templates.clear()
                    template = templates[key] = self._template(i, base)
                # Usually our columns are the last ones: peel our old cells off the end, then append.
                while True:
                    at = inner.rfind(cell_start)
                    c = cell_ref.match(inner, at) if at >= 0 else None
                    if c is None:
                        if at >= 0 or self._bare_cell in inner:
                            raise PackageError(f"cells without references in row {n}")
                        cells = digits.join(template[0])
                        break
                    col = column(c.group(1))
                    if col in ours:
                        inner = inner[:at]
                        continue
                    if col > first:  # others' cells after ours: in column order
                        cells = b""
                        inner = self._interleave(inner, n, [(k, lead + digits + tail) for k, lead, tail in template[1]],
                                                 ours)
                    else:
                        cells = digits.join(template[0])
                    break
                if b"spans" in attrs:  # spans would no longer cover the row
                    attrs = _SPANS.sub(b"", attrs)
                row = b"".join((self.open_row, attrs, b">", inner, cells, close_row))
            self.seen += 1
            out += (piece[pos: m.start()], row)
            pos = end
        out.append(piece[pos:])
        return b"".join(out)

    # --- one row --------------------------------------------------------------------------------

    def _template(self, i: int, base: int) -> tuple[list[bytes], list[tuple[int, bytes, bytes]]]:
        """Our cells of row position `i` on a row whose key cell has style `base`, in column order,
        split where the row number goes: (the pieces a join with the number puts together, and per
        cell (column, what comes before the number, what comes after))."""
        cells = []
        for col, letter, values, fills, number, wrap in self.columns:
            value, fill = values[i], fills[i]
            if (base, fill, wrap) not in self._xf:
                self._xf[(base, fill, wrap)] = self.styles.xf(base, fill, wrap)
            text = value if number or value is None else str(value)  # only `days` holds numbers
            tail = cell(self.P, b"\0", text, self._xf[(base, fill, wrap)]).split(b"\0", 1)[1]
            cells.append((col, b'<%sc r="%s' % (self.P, letter), tail))
        joined = [cells[0][1]] + [cells[k][2] + cells[k + 1][1] for k in range(len(cells) - 1)] + [cells[-1][2]]
        return joined, cells

    def _header_row(self, attrs: bytes, inner: bytes, n: int) -> bytes:
        """A header row with the headers of our new columns, styled as the last existing header,
        and the header cells the patch (re)writes."""
        p = self.patch
        found = _STYLES_IN_ROW.findall(inner)
        last_style = int(found[-1]) if found else 0
        if p.new_columns and n == p.header_row:
            inner = self._new_headers(inner, n, last_style)
        if n in self._heads:
            inner = self._set_cells(inner, n, self._heads[n], last_style)
        return self.open_row + _SPANS.sub(b"", attrs) + b">" + inner + self.close_row

    def _set_cells(self, inner: bytes, n: int, edits: dict[int, str], new_style: int) -> bytes:
        """`inner` with the cells of `edits` (column -> text) written: an existing cell replaced
        in place, keeping its own style; a new one inserted in column order with `new_style`."""
        existing = list(self._cell_ref.finditer(inner))
        if len(existing) != len(self._any_cell.findall(inner)):
            raise PackageError(f"cells without references in row {n}")
        remaining = sorted(edits.items())

        def made(col: int, text: str, style: int) -> bytes:
            return cell(self.P, b"%s%d" % (col_letter(col).encode(), n), text, style)

        out, pos = [], 0
        for m in existing:
            col = self._column(m.group(1))
            gt = inner.index(b">", m.start())
            end = gt + 1 if inner[gt - 1] == 0x2F else inner.index(self._end_cell, gt) + len(self._end_cell)
            while remaining and remaining[0][0] < col:
                out += [inner[pos: m.start()], made(*remaining.pop(0), new_style)]
                pos = m.start()
            if remaining and remaining[0][0] == col:
                s = _STYLE.search(inner, m.start(), gt)
                out += [inner[pos: m.start()], made(*remaining.pop(0), int(s.group(1)) if s else 0)]
                pos = end
        out.append(inner[pos:])
        return b"".join(out) + b"".join(made(c, t, new_style) for c, t in remaining)

    def _new_headers(self, inner: bytes, n: int, style: int) -> bytes:
        """The header row's cells with the headers of our new columns (output columns)."""
        p = self.patch
        cells = sorted((p.columns[h], cell(self.P, b"%s%d" % (col_letter(p.columns[h]).encode(), n), h, style))
                       for h in p.new_columns)
        ours = frozenset(c for c, _ in cells)
        joined = b"".join(x for _, x in cells)
        while True:  # as for a data row, with only the new columns as ours
            at = inner.rfind(self._cell_start)
            c = self._cell_ref.match(inner, at) if at >= 0 else None
            if c is None:
                if at >= 0 or self._bare_cell in inner:
                    raise PackageError(f"cells without references in row {n}")
                break
            col = self._column(c.group(1))
            if col in ours:
                inner = inner[:at]
                continue
            if col > cells[0][0]:
                inner, joined = self._interleave(inner, n, cells, ours), b""
            break
        return inner + joined

    def _column(self, letters: bytes) -> int:
        col = self._letters.get(letters)
        if col is None:
            col = self._letters[letters] = col_index(letters.decode())
        return col

    def _interleave(self, inner: bytes, n: int, cells: list[tuple[int, bytes]], ours: frozenset[int]) -> bytes:
        """Our cells among other people's (our columns are not the last ones), in column order."""
        existing = list(self._cell_ref.finditer(inner))
        if len(existing) != len(self._any_cell.findall(inner)):
            raise PackageError(f"cells without references in row {n}")
        out, pos, remaining = [], 0, list(cells)
        for m in existing:
            col = self._column(m.group(1))
            gt = inner.index(b">", m.start())
            end = gt + 1 if inner[gt - 1] == 0x2F else inner.index(self._end_cell, gt) + len(self._end_cell)
            while remaining and remaining[0][0] < col:
                out += [inner[pos: m.start()], remaining.pop(0)[1]]
                pos = m.start()
            if col in ours:  # our previous cell: dropped, the new one takes its place
                out.append(inner[pos: m.start()])
                pos = end
        out.append(inner[pos:])
        return b"".join(out) + b"".join(x for _, x in remaining)
