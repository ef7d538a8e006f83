"""Local Excel/WPS workbooks (.xlsx, also .xlsm/.xls/.ods for reading), read with python-calamine."""

from __future__ import annotations

import zipfile
from pathlib import Path

import python_calamine as pc

from assistant.errors import WorkbookNotFound, WorkbookUnreadable
from assistant.i18n import tr
from assistant.sources.base import Grid


class XlsxSource:
    def __init__(self, name: str, path: Path):
        self.name = name
        self.path = Path(path)
        self.location = self.path.name
        self._book: pc.CalamineWorkbook | None = None

    def _open(self) -> pc.CalamineWorkbook:
        if self._book is not None:
            return self._book
        if not self.path.exists():
            raise WorkbookNotFound(tr("source.file_missing", path=self.path), hint=tr("source.file_missing_hint"))
        if self.path.is_dir():
            raise WorkbookUnreadable(tr("source.not_workbook", path=self.path.name, detail=tr("source.is_folder")))
        try:
            self._book = pc.CalamineWorkbook.from_path(str(self.path))
        except pc.PasswordError:
            raise WorkbookUnreadable(tr("source.password", path=self.path.name), hint=tr("source.password_hint")) from None
        except (pc.CalamineError, pc.ZipError, pc.XmlError, OSError, ValueError) as exc:
            raise WorkbookUnreadable(self._why(exc), hint=tr("source.not_workbook_hint")) from None
        return self._book

    def _why(self, exc: Exception) -> str:
        # An encrypted xlsx is an OLE container, not a zip: say "password", not "corrupt".
        with open(self.path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0") and self.path.suffix.lower() in (".xlsx", ".xlsm"):
            return tr("source.password", path=self.path.name)
        if self.path.suffix.lower() in (".xlsx", ".xlsm") and not zipfile.is_zipfile(self.path):
            return tr("source.not_workbook", path=self.path.name, detail=tr("source.not_zip"))
        return tr("source.not_workbook", path=self.path.name, detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    def sheet_names(self) -> list[str]:
        return list(self._open().sheet_names)

    def grids(self, sheets: list[str]) -> dict[str, Grid]:
        book = self._open()
        out: dict[str, Grid] = {}
        for name in sheets:
            try:
                # skip_empty_area=False keeps row 0 = sheet row 1, so coordinates are what Excel shows.
                out[name] = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except (pc.CalamineError, pc.XmlError, pc.ZipError, ValueError) as exc:
                raise WorkbookUnreadable(tr("source.sheet_unreadable", sheet=name, path=self.path.name, detail=exc)) from None
        return out

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None
