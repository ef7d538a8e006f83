"""Put our copy in place of a workbook only if the workbook is still the file we planned from.

Excel and WPS save by writing a temporary file and renaming it over the workbook. Looking at the
workbook and then renaming our copy over it leaves a moment in which such a save is overwritten and
lost. So the file that our copy replaces is examined after the replacement, never before:

- Linux (`renameat2(RENAME_EXCHANGE)`) and macOS (`renamex_np(RENAME_SWAP)`): our copy and the
  workbook exchange names in one step. Windows: `ReplaceFileW` puts our copy in place and, in the
  same call, moves the file it replaced to a name of ours. Either way, whatever held the name at
  that instant comes out whole. If it is not the file we planned from, someone saved in between:
  theirs is put back the same way, and what comes out then must be our copy.
- Where that is not available (another system, or a filesystem that refuses, e.g. EINVAL on some
  network shares): the workbook is renamed aside (one step: whatever file holds the name at that
  instant), compared, and our copy is given the name only if the name is still free (a hard link,
  which fails if the name exists; on Windows a rename, which never replaces). A save that lands in
  that moment stays and ours is dropped. The workbook is absent for that moment; a run killed
  then leaves it aside, and the next run puts it back before reading (`recover`). Where hard links
  are refused too (FAT, some shares), the free name is checked and then renamed into: the only
  window left open, between those two calls.

`commit` then returns (our copy is in place; what it replaced is removed: it is in the backups),
or raises Changed (their file is in place, ours dropped: read and plan again), or Conflict (two
saves raced us: one is in place and the other, which nothing may overwrite, is at `kept`).
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

from assistant.sources import files

RENAME_EXCHANGE = 2  # linux/fs.h
RENAME_SWAP = 2  # macOS sys/stdio.h
AT_FDCWD = -100
# SYS_renameat2 by machine, for a glibc older than 2.28 (no renameat2 wrapper).
SYS_RENAMEAT2 = {"x86_64": 316, "amd64": 316, "i386": 353, "i686": 353, "aarch64": 276, "arm64": 276,
                 "armv7l": 382, "armv6l": 382, "ppc64le": 357, "ppc64": 357, "s390x": 347, "riscv64": 276,
                 "loongarch64": 276}
# The filesystem or the kernel cannot do it (as opposed to: not allowed, not found).
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP}
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


class Unsupported(Exception):
    """This system or filesystem cannot swap the two names in one step; nothing was changed."""


class Changed(Exception):
    """The workbook was not the file planned from: it is in place, and our copy was dropped."""


class Conflict(Exception):
    """Two saves raced our write: one is in the workbook's place, the other is at `kept`."""

    def __init__(self, kept: Path):
        super().__init__(str(kept))
        self.kept = kept


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_fingerprint(path: Path) -> str:
    """The fingerprint of a file's bytes, read a piece at a time (never held whole)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# --- the one-step swaps; each: (new, target, aside) -> the path now holding what target held ------

@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, a: str, b: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), a, None, b)


def _renameat2_libc(a: str, b: str, flags: int) -> None:
    fn = _libc().renameat2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    _check(fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), flags), a, b)


def _renameat2_syscall(a: str, b: str, flags: int) -> None:
    number = SYS_RENAMEAT2.get(platform.machine().lower())
    if number is None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS), a, None, b)
    fn = _libc().syscall
    _check(fn(ctypes.c_long(number), ctypes.c_int(AT_FDCWD), ctypes.c_char_p(os.fsencode(a)),
              ctypes.c_int(AT_FDCWD), ctypes.c_char_p(os.fsencode(b)), ctypes.c_uint(flags)), a, b)


@functools.cache
def _has_renameat2() -> bool:
    try:
        return hasattr(_libc(), "renameat2")
    except OSError:
        return False


def _renameat2(a: str, b: str, flags: int) -> None:
    """renameat2 through glibc's wrapper, or the raw syscall where glibc is older than 2.28 (looked
    up at the first write, not at import)."""
    (_renameat2_libc if _has_renameat2() else _renameat2_syscall)(a, b, flags)


def _exchange(new: Path, target: Path, aside: Path) -> Path:
    """Linux: the two names trade files."""
    try:
        _renameat2(os.fspath(new), os.fspath(target), RENAME_EXCHANGE)
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            raise Unsupported(exc) from exc
        raise
    return new


def _swap(new: Path, target: Path, aside: Path) -> Path:
    """macOS: the two names trade files."""
    fn = getattr(_libc(), "renamex_np", None)
    if fn is None:
        raise Unsupported("renamex_np")
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    try:
        _check(fn(os.fsencode(new), os.fsencode(target), RENAME_SWAP), os.fspath(new), os.fspath(target))
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            raise Unsupported(exc) from exc
        raise
    return new


_native: Callable[[Path, Path, Path], Path] | None = None
if sys.platform.startswith("linux"):
    _native = _exchange
elif sys.platform == "darwin":
    _native = _swap
elif sys.platform == "win32":
    from ctypes import wintypes

    REPLACEFILE_IGNORE_MERGE_ERRORS, REPLACEFILE_IGNORE_ACL_ERRORS = 0x2, 0x4
    ERROR_UNABLE_TO_MOVE_REPLACEMENT, ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 = 1176, 1177
    # Refusals that mean "not here" (a share without the call), not "not allowed".
    _WIN_UNSUPPORTED = {1, 50, 87, ERROR_UNABLE_TO_MOVE_REPLACEMENT}  # invalid function / not supported / parameter

    def _replace_file(new: Path, target: Path, aside: Path) -> Path:
        """Windows: our copy takes the workbook's name; the file it replaced moves to `aside`."""
        fn = ctypes.WinDLL("kernel32", use_last_error=True).ReplaceFileW
        fn.argtypes = [wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.DWORD, wintypes.LPVOID,
                       wintypes.LPVOID]
        fn.restype = wintypes.BOOL
        if fn(str(target), str(new), str(aside), REPLACEFILE_IGNORE_MERGE_ERRORS | REPLACEFILE_IGNORE_ACL_ERRORS,
              None, None):
            return aside
        code = ctypes.get_last_error()
        if code == ERROR_UNABLE_TO_MOVE_REPLACEMENT_2:
            # The workbook went to `aside` but ours could not take its name: it goes back.
            if not place(aside, target):
                raise Conflict(aside)
        elif code in _WIN_UNSUPPORTED:
            raise Unsupported(code)
        raise ctypes.WinError(code)

    _native = _replace_file


# --- commit --------------------------------------------------------------------------------------

def commit(new: Path, target: Path, planned_from: str, ours: str) -> None:
    """Give `new` (our copy, fingerprint `ours`) the name `target` if `target` holds the file
    fingerprinted `planned_from`; see the module's docstring for the outcomes."""
    aside = files.temp_path(new.parent, target.name, files.ASIDE)
    if _native is not None:
        try:
            out = _native(new, target, aside)
        except Unsupported:
            pass
        else:
            _after_swap(_native, out, target, planned_from, ours)
            return
    _move_aside(new, target, aside, planned_from)


def _after_swap(native: Callable[[Path, Path, Path], Path], out: Path, target: Path, planned_from: str,
                ours: str) -> None:
    if file_fingerprint(out) == planned_from:
        out.unlink()
        return
    # A save landed between our last look and the swap: theirs goes back the same way.
    try:
        back = native(out, target, files.temp_path(out.parent, target.name, files.ASIDE))
    except (OSError, Unsupported):
        raise Conflict(out) from None  # ours stays in place; theirs is kept
    if file_fingerprint(back) == ours:
        back.unlink()
        raise Changed
    raise Conflict(back)  # yet another save came out in place of ours


def _move_aside(new: Path, target: Path, aside: Path, planned_from: str) -> None:
    os.rename(target, aside)
    try:
        if file_fingerprint(aside) != planned_from:
            if place(aside, target):
                raise Changed
            raise Conflict(aside)  # a newer save took the free name: both are kept
        if not place(new, target):
            aside.unlink()  # a save took the free name: it stays; what we planned from is in the backups
            raise Changed
        aside.unlink()
    except (Changed, Conflict):
        raise
    except BaseException:
        if not os.path.lexists(target):
            place(aside, target)
        raise


def place(src: Path, dst: Path) -> bool:
    """Rename `src` to `dst` unless `dst` exists (then False, and nothing changed)."""
    if os.name == "nt":
        try:
            os.rename(src, dst)  # never replaces on Windows
        except FileExistsError:
            return False
        return True
    try:
        os.link(src, dst)  # fails if the name exists: a save that took it is never replaced
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        # No hard links on this filesystem: the one window left is between these two calls.
        if os.path.lexists(dst):
            return False
        os.rename(src, dst)
        return True
    src.unlink()
    return True


def recover(target: Path, folders: list[Path]) -> bool:
    """Put back a workbook that a killed write left aside (the newest, if several); True if one was."""
    if os.path.lexists(target):
        return False
    asides = files.leftovers(folders, [files.ours(target.name, files.ASIDE)], older_than=float("-inf"))
    return bool(asides) and place(asides[-1], target)
