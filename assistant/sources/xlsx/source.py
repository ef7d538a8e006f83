"""Local Excel/WPS workbooks: read with python-calamine, written back by patching the package.

Write-back rules (docs/design.md §7), each enforced here:
- a plan is applied only to the very bytes it was made from (sha-256 fingerprint): if the file
  changed since it was read, `apply` raises StalePlan and the caller re-reads and re-plans;
- no write at all while an Excel/WPS (~$name.xlsx) or LibreOffice (.~lock.name.xlsx#) lock file
  says someone has the workbook open;
- a timestamped backup in .assistant/backups/ (the last N kept), then a temporary file in the same
  folder atomically renamed over the original.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import python_calamine as pc

from assistant.errors import SourceError, WorkbookNotFound, WorkbookUnreadable
from assistant.i18n import tr
from assistant.sources.base import ApplyReport, Grid, StalePlan, backup_settings, keep_backup, read_matching
from assistant.sources.merges import fill_merges
from assistant.sources.xlsx.patch import PackageError, patch_package
from assistant.writeback import SheetPatch

if TYPE_CHECKING:
    from assistant.config import Config, WorkbookConfig


class WorkbookLocked(SourceError):
    """Someone has the workbook open; it was left alone."""


class WriteFailed(SourceError):
    """The system refused the write (disk full, no permission…); the workbook is untouched."""


def lock_files(path: Path) -> list[Path]:
    """Lock files that say the workbook is open: Excel/WPS owner files and LibreOffice's lock."""
    name = path.name
    candidates = {f"~${name}", f"~${name[2:]}", f".~lock.{name}#", f".~{name}"}
    return [path.parent / c for c in sorted(candidates) if (path.parent / c).exists()]


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def from_config(wb: WorkbookConfig, config: Config | None = None) -> XlsxSource:
    """The source for a `[[workbooks]]` entry naming a local file (the registry's factory)."""
    backups, keep = backup_settings(wb, config)
    return XlsxSource(wb.name, Path(wb.source), backups=backups, keep_backups=keep)


class XlsxSource:
    serial_dates = False  # calamine gives date cells as dates

    def __init__(self, name: str, path: Path, backups: Path | None = None, keep_backups: int = 10):
        self.name = name
        self.path = Path(path)
        self.location = self.path.name
        self.backups = backups
        self.keep_backups = keep_backups
        self.fingerprint: str | None = None  # of the bytes last read
        self._book: pc.CalamineWorkbook | None = None

    def refresh(self) -> None:
        """Forget the last read: the next read sees the file as it is now."""
        if self._book is not None:
            self._book.close()
        self._book = None

    def _open(self) -> pc.CalamineWorkbook:
        if self._book is not None:
            return self._book
        if not self.path.exists():
            raise WorkbookNotFound(tr("source.file_missing", path=self.path), hint=tr("source.file_missing_hint"))
        if self.path.is_dir():
            raise WorkbookUnreadable(tr("source.not_workbook", path=self.path.name, detail=tr("source.is_folder")))
        data = self.path.read_bytes()
        try:
            # Parsed from the same bytes that are fingerprinted, so a plan never mixes two versions.
            self._book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except pc.PasswordError:
            raise WorkbookUnreadable(tr("source.password", path=self.path.name),
                                     hint=tr("source.password_hint")) from None
        except (pc.CalamineError, pc.ZipError, pc.XmlError, OSError, ValueError) as exc:
            raise WorkbookUnreadable(self._why(data, exc), hint=tr("source.not_workbook_hint")) from None
        self.fingerprint = fingerprint(data)
        return self._book

    def _why(self, data: bytes, exc: Exception) -> str:
        # An encrypted xlsx is an OLE container, not a zip: say "password", not "corrupt".
        xlsx = self.path.suffix.lower() in (".xlsx", ".xlsm")
        if data.startswith(b"\xd0\xcf\x11\xe0") and xlsx:
            return tr("source.password", path=self.path.name)
        if xlsx and not zipfile.is_zipfile(io.BytesIO(data)):
            return tr("source.not_workbook", path=self.path.name, detail=tr("source.not_zip"))
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return tr("source.not_workbook", path=self.path.name, detail=detail)

    def sheet_names(self) -> list[str]:
        return list(self._open().sheet_names)

    def grids(self, sheets: list[str]) -> dict[str, Grid]:
        book = self._open()
        out: dict[str, Grid] = {}
        for name in sheets:
            try:
                sheet = book.get_sheet_by_name(name)
                # skip_empty_area=False keeps row 0 = sheet row 1, so coordinates are what Excel shows.
                grid = sheet.to_python(skip_empty_area=False)
                # Cells merged down read as people see them; .ods gives no merges (None): as stored.
                merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
                out[name] = fill_merges(grid, merges)
            except (pc.CalamineError, pc.XmlError, pc.ZipError, ValueError) as exc:
                raise WorkbookUnreadable(tr("source.sheet_unreadable", sheet=name, path=self.path.name,
                                            detail=exc)) from None
        return out

    def read_sheets(self, wanted: list[str]) -> dict[str, tuple[str, Grid]]:
        return read_matching(self, wanted)

    def close(self) -> None:
        self.refresh()

    # --- write-back ---------------------------------------------------------------------------

    def _check_unlocked(self) -> None:
        locks = lock_files(self.path)
        if locks:
            raise WorkbookLocked(tr("write.locked", path=self.path.name, lock=locks[0].name),
                                 hint=tr("write.locked_hint"))

    def apply(self, patches: list[SheetPatch], planned_from: str | None) -> ApplyReport:
        """Write `patches` if the file still holds the bytes they were planned from."""
        self._check_unlocked()
        original = self.path.read_bytes()
        if planned_from is None or fingerprint(original) != planned_from:
            raise StalePlan(tr("write.stale", path=self.path.name))
        try:
            patched, cells = patch_package(original, patches, self.path.name)
        except (PackageError, zipfile.BadZipFile, KeyError):
            raise WorkbookUnreadable(tr("write.unpatchable", path=self.path.name, detail=tr("write.layout")),
                                     hint=tr("write.layout_hint")) from None
        if patched == original:
            # A rerun with nothing new: no write, and no backup that would push out the last real one.
            return ApplyReport(self.name, self.location, 0, None)
        try:
            backup = self._backup(original)
            fd, tmp_name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}.", suffix=".assistant-tmp")
        except OSError as exc:
            raise WriteFailed(tr("write.unpatchable", path=self.path.name, detail=exc)) from None
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(patched)
                fh.flush()
                os.fsync(fh.fileno())
            shutil.copymode(self.path, tmp)
            # The last moment before the rename: still the same bytes, still nobody in it.
            self._check_unlocked()
            if fingerprint(self.path.read_bytes()) != planned_from:
                raise StalePlan(tr("write.stale", path=self.path.name))
            os.replace(tmp, self.path)
        except OSError as exc:
            raise WriteFailed(tr("write.unpatchable", path=self.path.name, detail=exc)) from None
        finally:
            tmp.unlink(missing_ok=True)
        self.refresh()
        self.fingerprint = fingerprint(patched)
        return ApplyReport(self.name, self.location, cells, backup)

    def _backup(self, data: bytes) -> Path | None:
        if self.backups is None:
            return None
        return keep_backup(self.backups, self.path.stem, self.path.suffix, data, self.keep_backups)
