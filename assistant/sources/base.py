"""The one Protocol every source implements, and what sources share."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.errors import SheetMissing, SourceError
from assistant.i18n import tr
from assistant.sources import files
from assistant.suggest import did_you_mean
from assistant.text import norm_header
from assistant.writeback import SheetPatch

if TYPE_CHECKING:
    from assistant.config import Config, WorkbookConfig

Grid = list[list]  # rows of raw cell values; grid[0] is sheet row 1


class StalePlan(SourceError):
    """The workbook changed after it was read; the plan must be made again from a fresh read."""

    written = False  # whether some of our cells may have been written before this was found


class StaleAfterWrite(StalePlan):
    """Found only by the write itself (Sheets): our cells may sit on moved rows until the re-plan
    writes them again."""

    written = True


@dataclass
class ApplyReport:
    workbook: str
    location: str
    cells: int
    backup: Path | None


class Source(Protocol):
    """A workbook: a local xlsx file or a Google spreadsheet."""

    @property
    def name(self) -> str:
        """The workbook's name in the config (a township, an office)."""
        ...

    @property
    def location(self) -> str:
        """What to show people: a file name, a spreadsheet's title and key."""
        ...

    def sheet_names(self) -> list[str]:
        """Worksheet titles, in workbook order."""
        ...

    def grids(self, sheets: list[str]) -> dict[str, Grid]:
        """The cells of each named sheet, read in as few round trips as the source allows."""
        ...

    def read_sheets(self, wanted: list[str]) -> dict[str, tuple[str, Grid]]:
        """Wanted sheet name -> (its title in the workbook, its cells), matched as `match_sheet`
        does; names the workbook lacks are left out. One read for all of them."""
        ...

    serial_dates: bool  # dates arrive as serial numbers (Sheets), not as date cells (xlsx)

    # may be used in a forked worker process (a local file; not a client with open connections)
    forkable: bool

    fingerprint: str | None  # identifies what the last read saw; a plan is applied only to that

    def refresh(self) -> None:
        """Forget the last read, so the next one sees the workbook as it is now."""
        ...

    def apply(self, patches: list[SheetPatch], planned_from: str | None) -> ApplyReport:
        """Write the assistant-owned cells; StalePlan if the workbook changed since the read."""
        ...


def match_sheet(wanted: str, available: list[str], location: str) -> str:
    """The sheet named `wanted`, also when it differs only in spaces or full-width forms."""
    if wanted in available:
        return wanted
    by_norm = {norm_header(s): s for s in available}
    if norm_header(wanted) in by_norm:
        return by_norm[norm_header(wanted)]
    raise SheetMissing(tr("source.sheet_missing", sheet=wanted, workbook=location,
                          sheets="、".join(available) or tr("source.nothing")) + did_you_mean(wanted, available),
                       hint=tr("source.sheet_missing_hint"))


def read_matching(source: Source, wanted: list[str]) -> dict[str, tuple[str, Grid]]:
    """`read_sheets` for a source whose sheet names cost nothing to list."""
    available = source.sheet_names()
    titles: dict[str, str] = {}
    for name in wanted:
        try:
            titles[name] = match_sheet(name, available, source.location)
        except SheetMissing:
            continue
    grids = source.grids(sorted(set(titles.values())))
    return {name: (title, grids[title]) for name, title in titles.items()}


def backup_settings(wb: WorkbookConfig, config: Config | None) -> tuple[Path | None, int]:
    """Where a workbook entry's backups go, and how many are kept. Only an office (a config) keeps
    them: a bare workbook entry has nowhere to. One folder per entry: two files both named 镇.xlsx
    never prune each other's."""
    if config is None:
        return None, 10
    return config.state_dir / "backups" / wb.name, config.keep_backups


def keep_backup(folder: Path, stem: str, suffix: str, data: bytes, keep: int, tz: dt.tzinfo | None = None) -> Path:
    """Write `data` as folder/<stem>.<time><suffix> and prune this stem's backups to the last `keep`.
    The time is the office's (`tz`; None: the machine's).

    A file appears under a backup name only once it is complete and on disk (written under a
    temporary name, fsync'ed, renamed), so a kill or a full disk leaves no partial backup; pruning
    comes after, and counts only backups that can be restored from."""
    folder.mkdir(parents=True, exist_ok=True)
    files.sweep([folder], [files.ours(stem)])  # what a killed run left half-written
    target = folder / f"{stem}.{files.stamp(tz)}{suffix}"
    tmp = files.temp_path(folder, stem)
    files.write_synced(tmp, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    files.sync_folder(folder)
    _prune(folder, stem, suffix, keep)
    return target


def _prune(folder: Path, stem: str, suffix: str, keep: int) -> None:
    # Only this workbook's backups: "name.2025.xlsx" must not prune those of "name.xlsx".
    ours = re.compile(re.escape(stem) + r"\.\d{8}-\d{6}-\d{6}" + re.escape(suffix))
    complete = []
    for path in sorted(p for p in folder.iterdir() if ours.fullmatch(p.name)):
        if _restorable(path):
            complete.append(path)
        else:  # left by an earlier version killed mid-write: nothing can be restored from it
            path.unlink(missing_ok=True)
    for old in complete[: max(0, len(complete) - keep)]:
        old.unlink(missing_ok=True)


def _restorable(path: Path) -> bool:
    """A gzip stream that reads to its end, or a zip package whose central directory (written last,
    so missing from a truncated file) reads."""
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path) as fh:
                while fh.read(1 << 20):
                    pass
        else:
            with zipfile.ZipFile(path):
                pass
    except (OSError, EOFError, ValueError, zlib.error, zipfile.BadZipFile):
        return False
    return True
