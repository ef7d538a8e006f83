"""Files we write beside people's data: written whole or not at all, and our leftovers swept.

Every temporary file of ours is named `.<stem>.<8 random characters>.<seconds>.<kind>`: the random
part as `tempfile.mkstemp` makes it (a-z, 0-9, _), the time it was named in seconds since the
epoch. A sweep recognises exactly its own files, never a person's file with a similar name (names
without the seconds, as earlier versions wrote them, are ours too). A kill -9 can leave one behind;
a later run removes those named more than `STALE_AFTER` ago: no run lasts that long, so a younger
one may belong to a run still going, on this machine or on another one sharing the folder.

The age comes from the name, not from the file: a file renamed into one of our names (the workbook
moved aside, or swapped out) keeps its old modification time, Windows reports no change time, and
a network share stamps files with the server's clock. Not the writer's process id either: it means
nothing on another machine, and checking one on Windows (os.kill) would end that process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

STALE_AFTER = 3600  # seconds
TEMP = "assistant-tmp"  # our copy being written (a workbook's or a backup's)
ASIDE = "assistant-aside"  # a workbook moved out of the way for a moment (docs in xlsx/swap.py)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"


def stamp(tz: dt.tzinfo | None) -> str:
    """The time in a backup's or a kept conflict's name (20261202-093015-123456), in the office
    time zone (None: the machine's), as the dates people read in the mail and the sheet are."""
    return dt.datetime.now(tz).strftime("%Y%m%d-%H%M%S-%f")


def _now() -> float:
    return time.time()


def temp_path(folder: Path, stem: str, kind: str = TEMP) -> Path:
    """A new name in `folder` that matches `ours(stem, kind)` (not created)."""
    token = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return folder / f".{stem}.{token}.{int(_now())}.{kind}"


def ours(stem: str, kind: str = TEMP) -> re.Pattern[str]:
    """Exactly our names for `stem`; group "named" holds the seconds (absent in older names)."""
    return re.compile(r"\." + re.escape(stem) + r"\.[a-z0-9_]{8}(?:\.(?P<named>\d{9,11}))?\." + re.escape(kind))


@contextlib.contextmanager
def creating(path: Path, *, private: bool = True) -> Iterator[BinaryIO]:
    """Create `path` (it must not exist), readable by its owner only where the OS has modes (unless
    not `private`: a page published for others keeps the usual mode), and give its handle to write
    to; on any failure no file is left. What is written is not yet on disk (`sync`)."""
    # "x": never write through a name that exists (someone else's file, or a link planted there).
    fh = open(path, "xb")  # outside the try: a failure here must not remove a file we did not create
    try:
        with fh:
            if private and sys.platform != "win32":  # Windows has no mode bits beyond read-only
                os.fchmod(fh.fileno(), 0o600)
            yield fh
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def sync(path: Path) -> None:
    """Put what was written to `path` on disk (opened for writing: Windows flushes only such handles)."""
    with open(path, "r+b") as fh:
        os.fsync(fh.fileno())


def write_synced(path: Path, data: bytes, *, private: bool = True) -> None:
    """Create `path` (as `creating` does) with `data` on disk when this returns; on any failure no
    file is left."""
    with creating(path, private=private) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def replace_whole(path: Path, data: bytes, *, private: bool = False) -> Path:
    """`data` as `path`, whole or not at all: written and synced under a temporary name of ours
    beside it (one `sweep` recognises), then renamed over it, the rename made durable. Whoever
    opens the folder sees the old file or the new one, never half of one."""
    tmp = temp_path(path.parent, path.name)
    write_synced(tmp, data, private=private)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)
    return path


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable. POSIX only: Windows has no handle on a folder to flush,
    and NTFS journals renames itself."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (network shares) refuse fsync on a folder; the rename stands
    finally:
        os.close(fd)


def leftovers(folders: Iterable[Path], patterns: Iterable[re.Pattern[str]],
              older_than: float = STALE_AFTER) -> list[Path]:
    """The files in `folders` whose whole name matches one of `patterns`, named (or, for a name
    without the seconds, last written) at least `older_than` seconds ago; oldest first."""
    patterns = list(patterns)

    def match(name: str) -> re.Match[str] | None:
        return next(filter(None, (p.fullmatch(name) for p in patterns)), None)

    found: list[tuple[float, Path]] = []
    now = _now()
    for folder in folders:
        try:
            entries = [(e, m) for e in os.scandir(folder) if (m := match(e.name))]
        except OSError:
            continue
        for entry, m in entries:
            try:
                named = float(m["named"]) if m["named"] else entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
            if now - named >= older_than:
                found.append((named, Path(entry.path)))
    return [p for _, p in sorted(found)]


def sweep(folders: Iterable[Path], patterns: Iterable[re.Pattern[str]]) -> None:
    """Remove our stale leftovers. One we cannot remove is left (on Windows another process may
    hold it open); the next run tries again."""
    for path in leftovers(folders, patterns):
        try:
            path.unlink()
        except OSError:
            continue
