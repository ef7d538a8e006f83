"""Local Excel/WPS workbooks: read with python-calamine, written back by patching the package.

Write-back rules (docs/design.md §7), each enforced here:
- a plan is applied only to the very bytes it was made from (sha-256 fingerprint): if the file
  changed since it was read, `apply` raises StalePlan and the caller re-reads and re-plans; a save
  that lands while our copy takes the workbook's name is caught too (swap.py);
- only an Office Open XML workbook (.xlsx, .xlsm) is written; .xls, .et, .ods are read and checked;
- no write to a workbook marked read-only, nor while an Excel/WPS (~$name.xlsx) or LibreOffice
  (.~lock.name.xlsx#) lock file says someone has it open; the message says how old the lock is
  (locks.py), and it is never deleted;
- a timestamped backup in .assistant/backups/ (the last N kept), then our copy, written in the
  state folder's tmp/ when that is on the workbook's filesystem (else beside the workbook, hidden,
  owner-only), swapped in; our leftovers of a killed run are removed by a later one (files.py).
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import shutil
import stat
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import python_calamine as pc
from lxml import etree

from assistant.config import Limits
from assistant.errors import SourceError, WorkbookNotFound, WorkbookUnreadable
from assistant.i18n import tr
from assistant.sources import files
from assistant.sources.base import (
    ApplyReport,
    Grid,
    SheetMissing,
    StalePlan,
    backup_settings,
    keep_backup,
    match_sheet,
    read_matching,
)
from assistant.sources.memory import collector_paused, release_freed_memory
from assistant.sources.merges import fill_merges
from assistant.sources.xlsx import swap
from assistant.sources.xlsx.guard import check_file, check_package, check_sheet
from assistant.sources.xlsx.locks import Lock, locks_of
from assistant.sources.xlsx.patch import PackageError, package_parts, patch_package
from assistant.sources.xlsx.swap import fingerprint
from assistant.writeback import SheetPatch

if TYPE_CHECKING:
    from assistant.config import Config, WorkbookConfig


class WorkbookLocked(SourceError):
    """Someone has the workbook open; it was left alone."""


class WriteFailed(SourceError):
    """The system refused the write (disk full, no permission…); the workbook is untouched."""


class ReadOnlyWorkbook(SourceError):
    """The workbook is marked read-only (or we may not write it); it was left alone."""


class FormatNotWritable(SourceError):
    """Not an Office Open XML workbook (.xls, .et, .ods…): read and checked, never written."""


class WriteConflict(SourceError):
    """Two saves raced our write: one is in the workbook, the other kept in a file we name."""


_KINDS = {"xls": "write.kind.xls", "ods": "write.kind.ods", "xlsb": "write.kind.xlsb", "other": "write.kind.other"}


def unwritable_kind(data: bytes) -> str | None:
    """None for an Office Open XML workbook (what patch.py writes); else what kind of file it is."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # a compound document: .xls, or WPS's .et
        return "xls"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "[Content_Types].xml" in names:
                return None
            if "mimetype" in names and zf.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
                return "ods"
    except (zipfile.BadZipFile, OSError, ValueError):
        pass
    return "other"


# Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION (another program, or another computer on the
# share, has it open); EBUSY is what a Linux or macOS SMB client makes of the same.
_IN_USE_WINERRORS = frozenset({32, 33})
# What inflating a damaged package can raise besides BadZipFile (an unsupported or encrypted member).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def read_workbook(path: Path, limits: Limits | None = None) -> bytes:
    """The file's bytes. A file that is missing, a folder, over `limits`, or that the system will not
    let us read (no permission; open on another computer of a network share) is a message naming it."""
    try:
        if path.is_dir():
            raise WorkbookUnreadable(tr("source.not_workbook", path=path.name, detail=tr("source.is_folder")))
        if limits is not None:
            check_file(path.name, path.stat().st_size, limits)
        return path.read_bytes()
    except FileNotFoundError:
        raise WorkbookNotFound(tr("source.file_missing", path=path), hint=tr("source.file_missing_hint")) from None
    except OSError as exc:
        if getattr(exc, "winerror", None) in _IN_USE_WINERRORS or exc.errno == errno.EBUSY:
            reason, hint = tr("source.in_use"), tr("source.in_use_hint")
        elif isinstance(exc, PermissionError):
            reason, hint = tr("source.no_permission"), tr("source.no_permission_hint")
        else:
            reason, hint = exc.strerror or type(exc).__name__, tr("source.read_failed_hint")
        raise WorkbookUnreadable(tr("source.unreadable", path=path.name, reason=reason), hint=hint) from None


def from_config(wb: WorkbookConfig, config: Config | None = None) -> XlsxSource:
    """The source for a `[[workbooks]]` entry naming a local file (the registry's factory)."""
    backups, keep = backup_settings(wb, config)
    scratch = config.state_dir / "tmp" / wb.name if config is not None else None
    return XlsxSource(wb.name, Path(wb.source), backups=backups, keep_backups=keep, scratch=scratch,
                      limits=config.limits if config is not None else None,
                      tz=config.tz if config is not None else None)


def _grid(book: pc.CalamineWorkbook, name: str) -> Grid:
    """One sheet's cells as people see them."""
    sheet = book.get_sheet_by_name(name)
    # skip_empty_area=False keeps row 0 = sheet row 1, so coordinates are what Excel shows.
    with collector_paused():  # its row lists hold no cycles: no reason to walk them as they are made
        grid = sheet.to_python(skip_empty_area=False)
    # Cells merged down read as people see them; .ods gives no merges (None): as stored.
    merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
    del sheet
    release_freed_memory()  # the parsed sheet: its cells are Python objects in `grid` now
    return fill_merges(grid, merges)


class XlsxSource:
    serial_dates = False  # calamine gives date cells as dates
    forkable = True  # a local file: a worker process shares nothing with us but its path

    def __init__(self, name: str, path: Path, backups: Path | None = None, keep_backups: int = 10,
                 scratch: Path | None = None, limits: Limits | None = None, tz: dt.tzinfo | None = None):
        self.name = name
        self.tz = tz  # the office's: the time in the names of backups and kept conflicts
        self.path = Path(path)
        self.location = self.path.name
        self.backups = backups
        self.keep_backups = keep_backups
        self.scratch = scratch  # where our copy is written when it can be (the state folder's tmp/<name>)
        self.limits = limits or Limits()
        self.tz = tz  # the office's, for the times people read (a lock file's); None: this machine's
        self.fingerprint: str | None = None  # of the bytes last read
        self._book: pc.CalamineWorkbook | None = None
        self._zip: zipfile.ZipFile | None = None  # the same bytes, to look at a sheet before calamine builds it
        self._sheet_parts: dict[str, str] | None = None
        self._read: dict[str, Grid] = {}  # sheets read ahead of `grids` (warm)

    def refresh(self) -> None:
        """Forget the last read: the next read sees the file as it is now."""
        if self._book is not None:
            self._book.close()
        self._book, self._zip, self._sheet_parts, self._read = None, None, None, {}

    def warm(self, wanted: list[str]) -> None:
        """Read the sheets matching `wanted` now, so that `grids` only has to hand their cells
        over. Called from a thread (assistant/prefetch.py): calamine parses without holding the GIL,
        and its cells become Python objects while the main thread waits for them anyway.
        Best effort: anything that goes wrong is left for `grids` to meet again and report."""
        try:
            book = self._open()
            available = list(book.sheet_names)
            for name in wanted:
                try:
                    title = match_sheet(name, available, self.location)
                except SheetMissing:
                    continue
                if title not in self._read:
                    self._check_size(title)
                    self._read[title] = _grid(book, title)
        except Exception:  # noqa: BLE001 - reported by the read that follows, on the main thread
            self._read = {}

    def _open(self) -> pc.CalamineWorkbook:
        if self._book is not None:
            return self._book
        if not self.path.exists():
            swap.recover(self.path, self._our_folders())  # a killed write may have left it aside
        data = read_workbook(self.path, self.limits)
        try:
            package = zipfile.ZipFile(io.BytesIO(data)) if zipfile.is_zipfile(io.BytesIO(data)) else None
            if package is not None:  # xlsx, xlsm, ods; an .xls has no parts, its size was checked
                check_package(package, self.path.name, self.limits)
        except _ZIP_ERRORS as exc:
            raise WorkbookUnreadable(self._why(data, exc), hint=tr("source.not_workbook_hint")) from None
        try:
            # Parsed from the same bytes that are fingerprinted, so a plan never mixes two versions.
            self._book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except pc.PasswordError:
            raise WorkbookUnreadable(tr("source.password", path=self.path.name),
                                     hint=tr("source.password_hint")) from None
        except (pc.CalamineError, pc.ZipError, pc.XmlError, OSError, ValueError) as exc:
            raise WorkbookUnreadable(self._why(data, exc), hint=tr("source.not_workbook_hint")) from None
        self._zip = package
        self.fingerprint = fingerprint(data)
        return self._book

    def _check_size(self, sheet: str) -> None:
        """Refuse the sheet before calamine builds it as a dense grid bigger than [limits] allows."""
        if self._zip is None:
            return
        if self._sheet_parts is None:
            try:
                self._sheet_parts = package_parts(self._zip)[0]
            except (PackageError, KeyError, etree.XMLSyntaxError):  # not laid out as xlsx (.ods): calamine says
                self._sheet_parts = {}
        part = self._sheet_parts.get(sheet)
        if part is not None and part in self._zip.NameToInfo:
            try:
                check_sheet(self._zip, part, self.path.name, sheet, self.limits)
            except _ZIP_ERRORS as exc:
                raise WorkbookUnreadable(tr("source.sheet_unreadable", sheet=sheet, path=self.path.name,
                                            detail=exc)) from None

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
            self._check_size(name)
            try:
                read = self._read.pop(name, None)
                out[name] = read if read is not None else _grid(book, name)
            except (pc.CalamineError, pc.XmlError, pc.ZipError, ValueError) as exc:
                raise WorkbookUnreadable(tr("source.sheet_unreadable", sheet=name, path=self.path.name,
                                            detail=exc)) from None
        return out

    def read_sheets(self, wanted: list[str]) -> dict[str, tuple[str, Grid]]:
        return read_matching(self, wanted)

    def close(self) -> None:
        self.refresh()

    # --- write-back ---------------------------------------------------------------------------

    def locks(self) -> list[Lock]:
        """The lock files beside the workbook now, with their times (what the admin's notes list)."""
        return locks_of(self.path)

    def _check_unlocked(self) -> None:
        found = self.locks()
        if not found:
            return
        # How old the lock is tells a colleague at work from a crashed Excel/WPS; never deleted here.
        lock = found[0]
        raise WorkbookLocked(tr("write.locked", path=self.path.name, lock=lock.path.name, when=lock.when(self.tz)),
                             hint=tr("write.locked_hint", lock=lock.path.name))

    def _check_writable(self) -> None:
        """Refuse a workbook marked read-only. Decided from its mode, not by trying: as root (as
        here, and on some servers) a write to a 0444 file succeeds. The owner's write bit is what
        chmod 444 / a-w clear and what Windows maps its read-only attribute to; os.access adds what
        the system says for any other user (ownership, ACLs)."""
        if not os.stat(self.path).st_mode & stat.S_IWUSR or not os.access(self.path, os.W_OK):
            raise ReadOnlyWorkbook(tr("write.read_only", path=self.path.name), hint=tr("write.read_only_hint"))

    def apply(self, patches: list[SheetPatch], planned_from: str | None) -> ApplyReport:
        """Write `patches` if the file still holds the bytes they were planned from."""
        self._sweep()
        original = read_workbook(self.path)  # a located message when the system will not let us read it
        if planned_from is None or fingerprint(original) != planned_from:
            raise StalePlan(tr("write.stale", path=self.path.name))
        if kind := unwritable_kind(original):
            raise FormatNotWritable(tr("write.format", path=self.path.name,
                                       kind=tr(_KINDS[kind], suffix=self.path.suffix)), hint=tr("write.format_hint"))
        self._check_unlocked()
        folders = self._temp_folders()
        tmp, cells = self._patched(original, patches, folders[0])
        handed = False
        try:
            ours = swap.file_fingerprint(tmp)
            if ours == planned_from:
                # A rerun with nothing new: no write, and no backup that would push out the last real one.
                return ApplyReport(self.name, self.location, 0, None)
            self._check_writable()
            try:
                backup = self._backup(original)
            except OSError as exc:
                raise WriteFailed(tr("write.unpatchable", path=self.path.name, detail=exc)) from None
            handed = True
            self._write(tmp, folders, planned_from, ours)
        finally:
            if not handed:
                tmp.unlink(missing_ok=True)
        self.refresh()
        self.fingerprint = ours
        return ApplyReport(self.name, self.location, cells, backup)

    def _patched(self, original: bytes, patches: list[SheetPatch], folder: Path) -> tuple[Path, int]:
        """Our copy of the workbook with `patches` applied, streamed into a new temporary file in
        `folder` (not yet synced: the backup comes first), and the number of cells written."""
        tmp = files.temp_path(folder, self.path.name)
        try:
            with files.creating(tmp) as fh:
                cells = patch_package(original, patches, fh, self.path.name, spool=folder)
        except (PackageError, zipfile.BadZipFile, KeyError):
            raise WorkbookUnreadable(tr("write.unpatchable", path=self.path.name, detail=tr("write.layout")),
                                     hint=tr("write.layout_hint")) from None
        except OSError as exc:
            raise WriteFailed(tr("write.unpatchable", path=self.path.name, detail=exc)) from None
        return tmp, cells

    def _write(self, tmp: Path, folders: list[Path], planned_from: str, ours: str) -> None:
        """Our copy (`tmp`, in the first of `folders`; fingerprint `ours`) on disk, then in place of
        the workbook if it is still what we planned from. It is removed whatever happens (unless a
        conflict keeps a colleague's save under its name)."""
        for i, folder in enumerate(folders):
            kept: Path | None = None
            retry = False
            try:
                if i:  # the rename could not cross filesystems: the copy moves beside the workbook
                    tmp = self._copied(tmp, folder)
                files.sync(tmp)
                shutil.copymode(self.path, tmp)
                # The last look before the swap: still nobody in it, still the same bytes (the swap
                # itself catches a save after this).
                self._check_unlocked()
                if fingerprint(read_workbook(self.path)) != planned_from:
                    raise StalePlan(tr("write.stale", path=self.path.name))
                swap.commit(tmp, self.path, planned_from, ours)
                files.sync_folder(self.path.parent)
                return
            except swap.Changed:
                raise StalePlan(tr("write.stale", path=self.path.name)) from None
            except swap.Conflict as exc:
                kept = exc.kept
                raise self._conflict(exc.kept) from None
            except OSError as exc:
                if exc.errno == errno.EXDEV and i + 1 < len(folders):
                    retry = True
                    continue  # another filesystem after all (a bind mount): written beside the workbook
                raise WriteFailed(tr("write.unpatchable", path=self.path.name, detail=exc)) from None
            finally:
                if tmp != kept and not retry:
                    tmp.unlink(missing_ok=True)

    def _copied(self, tmp: Path, folder: Path) -> Path:
        """`tmp` copied to a new temporary file in `folder`, and removed."""
        new = files.temp_path(folder, self.path.name)
        with open(tmp, "rb") as src, files.creating(new) as dst:
            shutil.copyfileobj(src, dst)
        tmp.unlink()
        return new

    def _temp_folders(self) -> list[Path]:
        """Where our copy may be written, best first. A rename cannot cross filesystems, so the
        state folder only when it is on the workbook's; beside the workbook otherwise, where a copy
        of the register would lie in a shared folder if a kill left it there."""
        here = self.path.parent
        if self.scratch is not None:
            try:
                self.scratch.mkdir(parents=True, exist_ok=True, mode=0o700)
                if os.stat(self.scratch).st_dev == os.stat(here).st_dev:
                    return [self.scratch, here]
            except OSError:
                pass
        return [here]

    def _our_folders(self) -> list[Path]:
        return [self.path.parent] + ([self.scratch] if self.scratch is not None else [])

    def _sweep(self) -> None:
        """Remove what a killed run of ours left: copies of this workbook (named after it; after
        its stem in earlier versions), and a workbook left aside once it is back in place."""
        files.sweep(self._our_folders(), [files.ours(self.path.name), files.ours(self.path.stem),
                                          files.ours(self.path.name, files.ASIDE)])

    def _conflict(self, kept: Path) -> WriteConflict:
        """Keep the save that could not be put back where people will find it, and say where."""
        name = f"{self.path.stem}.{files.stamp(self.tz)}.conflict{self.path.suffix}"
        folder = self.backups or self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            files.write_synced(folder / name, kept.read_bytes())
            if folder == self.path.parent:
                shutil.copymode(self.path, folder / name)
            kept.unlink()
            kept = folder / name
        except OSError:
            try:  # at least out of our temporary names, which a later run would sweep
                kept = Path(shutil.move(kept, kept.with_name(name)))
            except OSError:
                pass
        return WriteConflict(tr("write.conflict", path=self.path.name, kept=kept), hint=tr("write.conflict_hint"))

    def _backup(self, data: bytes) -> Path | None:
        if self.backups is None:
            return None
        return keep_backup(self.backups, self.path.stem, self.path.suffix, data, self.keep_backups, self.tz)
