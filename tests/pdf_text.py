"""Page sizes and text of the PDFs Chromium prints (Skia's PDF 1.4: no object streams, text in
Flate-compressed content streams as glyph ids, mapped to Unicode by each font's ToUnicode CMap).
Just enough to read back what a printed page shows, without a PDF library."""

from __future__ import annotations

import re
import zlib

A4 = (595.28, 841.89)  # points


class Pdf:
    def __init__(self, data: bytes):
        assert data.startswith(b"%PDF-"), data[:20]
        self.data = data
        self.starts = {int(m[1]): m.end() for m in re.finditer(rb"(?m)^(\d+) 0 obj\s*", data)}

    def head(self, n: int) -> bytes:
        """Object `n` up to its stream (or its end)."""
        s = self.starts[n]
        ends = [i for i in (self.data.find(b"stream", s), self.data.find(b"endobj", s)) if i >= 0]
        return self.data[s:min(ends)]

    def stream(self, n: int) -> bytes:
        head = self.head(n)
        length = re.search(rb"/Length (\d+)( 0 R)?", head)
        assert length, head
        size = int(length[1]) if not length[2] else int(self.head(int(length[1])).split()[0])
        begin = self.starts[n] + len(head) + len(b"stream")
        begin += 2 if self.data[begin:begin + 2] == b"\r\n" else 1
        raw = self.data[begin:begin + size]
        return zlib.decompress(raw) if b"/FlateDecode" in head else raw

    def pages(self) -> list[int]:
        root = next(n for n in self.starts if re.search(rb"/Type /Pages\b", h := self.head(n)) and b"/Parent" not in h)
        return [int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", self.head(root), re.S)[1])]

    def size(self, page: int) -> tuple[float, float]:
        box = re.search(rb"/MediaBox \[\s*([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\s*\]", self.head(page))
        assert box, self.head(page)
        return float(box[3]) - float(box[1]), float(box[4]) - float(box[2])

    def _unicode(self, n: int) -> dict[int, str]:
        out: dict[int, str] = {}
        text = self.stream(n).decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for first, last, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for k, glyph in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    out[glyph] = chr(int(dst, 16) + k)
        return out

    def text(self, page: int) -> str:
        """The page's text in drawing order, without spaces between runs."""
        head = self.head(page)
        maps = {}
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", head):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", self.head(int(ref)))
            maps[name] = self._unicode(int(to_unicode[1])) if to_unicode else {}
        contents = re.search(rb"/Contents (\[[^\]]*\]|\d+ 0 R)", head)
        assert contents, head
        out, font = [], {}
        for ref in re.findall(rb"(\d+) 0 R", contents[1]):
            for m in re.finditer(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)>", self.stream(int(ref))):
                if m[1]:
                    font = maps.get(m[1], {})
                else:
                    glyphs = m[2].decode()
                    out.append("".join(font.get(int(glyphs[i:i + 4], 16), "") for i in range(0, len(glyphs), 4)))
        return "".join(out)
