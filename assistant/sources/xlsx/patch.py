"""Write-back into an .xlsx package by changing only what we must.

An .xlsx file is a zip of XML parts. openpyxl's load + save rewrites every part, loses what it does
not model (images, charts, some data validations…) and takes ~30 s for 100k rows. Here only two
parts change: the worksheet XML of each annotated sheet and styles.xml (fills and cell formats
appended, never removed). Every other part is copied as it is, compressed bytes included.

A note of ours on a header cell (the legend of the colours) also changes the sheet's comments part
and its VML drawing, or adds them (assistant/sources/xlsx/notes.py).

The package is written straight into a file, in bounded memory: a worksheet is streamed, a piece at
a time, from the old package's member into the new one's (sheet.py, rows.py), never held whole.
The members keep their order. When styles.xml comes before a patched worksheet (LibreOffice writes
it so), it cannot be written until that sheet's rows have made their cell formats: the sheet is
then streamed into a spooled temporary file first (in memory up to a few MB, on disk beyond) and
copied from there as compressed bytes.
"""

from __future__ import annotations

import copy
import io
import posixpath
import struct
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from assistant.sources.xlsx.notes import Notes
from assistant.sources.xlsx.rows import PackageError
from assistant.sources.xlsx.sheet import Worksheet, serialize
from assistant.sources.xlsx.styles import Styles, q
from assistant.writeback import SheetPatch

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, remove_blank_text=False)
_SPOOL_IN_MEMORY = 8 << 20  # bytes of a spooled worksheet (compressed) kept in memory; more go to disk
_COPY = 1 << 20

__all__ = ["PackageError", "package_parts", "patch_package"]


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


def _deflated(info: zipfile.ZipInfo, size: int) -> zipfile.ZipInfo:
    """A copy of `info` set up as ZipFile.writestr(info, <size bytes>, ZIP_DEFLATED, compresslevel=1) sets it
    (a member we rewrite). Level 1: a 100k-row sheet deflates 3x faster, for a file about a fifth
    larger. `size` also decides, as writestr would, whether the member needs zip64 headers."""
    info = copy.copy(info)  # the old package's own stays as it is: its member is read again
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 1  # type: ignore[attr-defined]  # what writestr sets; ZipFile.open reads it
    info.file_size = size
    return info


def _append(dst: zipfile.ZipFile, info: zipfile.ZipInfo, pieces: Iterable[bytes]) -> None:
    """Add a member to `dst` as compressed bytes (`pieces`: its local header and data), described
    by `info`. zipfile has no public raw copy; these are the steps its own writer takes for a
    member. `dst` is open for writing ("w"), which already marks it modified: its directory gets
    written."""
    fp = dst.fp
    if fp is None:
        raise PackageError("the archive being written is closed")
    fp.seek(dst.start_dir)
    info.header_offset = dst.start_dir
    for piece in pieces:
        fp.write(piece)
    dst.start_dir = fp.tell()
    dst.filelist.append(info)
    dst.NameToInfo[info.filename] = info


def _copy_raw(data: bytes, info: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
    """Copy one member's compressed bytes as they are (no inflate/deflate)."""
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[off + 26: off + 30])
    start = off + 30 + name_len + extra_len
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type, new.external_attr, new.create_system = info.compress_type, info.external_attr, info.create_system
    new.CRC, new.compress_size, new.file_size = info.CRC, info.compress_size, info.file_size
    new.flag_bits = info.flag_bits & ~0x08  # sizes go in the local header, no data descriptor
    _append(dst, new, [new.FileHeader(), data[start: start + info.compress_size]])


def _spooled(sheet: Worksheet, info: zipfile.ZipInfo, folder: Path | None) -> tuple[BinaryIO, zipfile.ZipInfo, int]:
    """The patched worksheet as the one member of a zip in a spooled temporary file (in `folder`
    once it outgrows memory): the file, the member's info, the number of cells written."""
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY, dir=None if folder is None else str(folder))
    try:
        with zipfile.ZipFile(spool, "w") as zf:
            with zf.open(_deflated(info, sheet.size), "w") as w:
                written = sheet.write(w)
        return spool, zf.infolist()[0], written  # type: ignore[return-value]
    except BaseException:
        spool.close()
        raise


def _copy_spooled(spool: BinaryIO, info: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
    """The spooled member (at the start of `spool`) into `dst`, compressed bytes as they are."""
    spool.seek(26)
    name_len, extra_len = struct.unpack("<HH", spool.read(4))
    left = 30 + name_len + extra_len + info.compress_size
    spool.seek(0)

    def pieces() -> Iterable[bytes]:
        nonlocal left
        while left:
            piece = spool.read(min(left, _COPY))
            if not piece:
                raise PackageError("the spooled worksheet ended early")
            left -= len(piece)
            yield piece

    _append(dst, copy.copy(info), pieces())


def patch_package(data: bytes, patches: list[SheetPatch], out: BinaryIO, location: str = "",
                  spool: Path | None = None) -> int:
    """Write the package `data` with `patches` applied into `out` (a new, seekable file); the
    number of cells written. MergedOutput (naming `location`, the file) when a merge covers a cell
    we would write: then what is in `out` must be thrown away, as on any other error. `spool`: the
    folder of a worksheet that must wait for its turn (see the module's docstring)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet_parts, styles_part = _parts(src)
    styles_xml = src.read(styles_part)
    styles = Styles(etree.fromstring(styles_xml, _PARSER))
    notes = Notes(src)
    sheets: dict[str, Worksheet] = {}
    for patch in patches:
        part = sheet_parts.get(patch.sheet)
        if part is None:
            raise PackageError(f"no worksheet {patch.sheet!r}")
        sheets[part] = Worksheet(src, part, patch, styles, notes, location)
    # Rows are streamed in the order of the patches (their new cell formats are numbered in that
    # order) straight into the package when that is the members' order and styles.xml comes after.
    order = {info.filename: k for k, info in enumerate(src.infolist())}
    places = [order[part] for part in sheets]
    direct = places == sorted(places) and order[styles_part] > max(places, default=-1)
    spooled: dict[str, tuple[BinaryIO, zipfile.ZipInfo, int]] = {}
    try:
        if not direct:
            for part, sheet in sheets.items():
                spooled[part] = _spooled(sheet, src.getinfo(part), spool)
        written = sum(n for _, _, n in spooled.values())
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                name = info.filename
                if name in spooled:
                    _copy_spooled(spooled[name][0], spooled[name][1], dst)
                elif name in sheets:
                    with dst.open(_deflated(info, sheets[name].size), "w") as w:
                        written += sheets[name].write(w)
                elif name == styles_part and styles.changed:
                    dst.writestr(info, serialize(styles.root, styles_xml), compress_type=zipfile.ZIP_DEFLATED,
                                 compresslevel=1)
                elif name in notes.parts:
                    dst.writestr(info, notes.parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
                else:
                    _copy_raw(data, info, dst)
            for name, content in notes.parts.items():  # parts new to the package (a first note's), in a fixed order
                if name not in order:
                    new = zipfile.ZipInfo(name, src.infolist()[0].date_time)
                    dst.writestr(new, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    finally:
        for f, _, _ in spooled.values():
            f.close()
    return written
