"""An SQLite file in the state folder, as the ledger and the history use one: opened in WAL mode
with a busy timeout (a reader never waits for a writer, two writers wait for each other), migrated
by `user_version`, every write an explicit BEGIN IMMEDIATE … COMMIT, and every SQLite or file-system
failure turned into a `StoreError` naming the file, in the reader's language.

A subclass says its migrations (`_MIGRATIONS[i]` takes a file from user_version i to i + 1; append,
never edit), its error class and the prefix of its messages in the catalog (`{prefix}.locked`,
`.locked_hint`, `.corrupt`, `.corrupt_hint`, `.too_new`, `.unreadable`). WAL needs a local disk,
not a network share. One object per thread.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Self

from assistant.errors import AssistantError
from assistant.i18n import tr


class StoreError(AssistantError):
    """The file cannot be used; `reason`: 'locked', 'corrupt', 'too_new' or 'unreadable'."""

    def __init__(self, message: str, *, reason: str, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.reason = reason


class SqliteFile:
    _MIGRATIONS: ClassVar[tuple[tuple[str, ...], ...]] = ()
    _ERROR: ClassVar[type[StoreError]] = StoreError
    _MESSAGES: ClassVar[str] = ""  # catalog prefix: "ledger", "history"

    def __init__(self, path: Path | str, *, timeout: float = 10.0):
        self.path, self.timeout = Path(path), timeout
        self._db: sqlite3.Connection | None = None
        try:
            with self._errors():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # autocommit: every transaction is an explicit BEGIN IMMEDIATE … COMMIT (_write)
                self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
                self._db.row_factory = sqlite3.Row
                self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                self._wal()
                self._db.execute("PRAGMA synchronous = FULL")  # a committed write survives a crash
                self._migrate()
        except BaseException:
            self.close()
            raise

    @classmethod
    def schema_version(cls) -> int:
        return len(cls._MIGRATIONS)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise sqlite3.ProgrammingError(f"{self.path} is closed")
        return self._db

    def _fail(self, key: str, reason: str, hint: bool = False, **kw: object) -> StoreError:
        p = self._MESSAGES
        return self._ERROR(tr(f"{p}.{key}", path=self.path, **kw), reason=reason,
                           hint=tr(f"{p}.{key}_hint") if hint else None)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite and file-system failures as the subclass's error naming the file."""
        try:
            yield
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError, sqlite3.IntegrityError):
            raise  # our own mistakes, not the file's
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "")
            if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                raise self._fail("locked", "locked", hint=True, seconds=self.timeout) from None
            if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                raise self._fail("corrupt", "corrupt", hint=True) from None
            raise self._fail("unreadable", "unreadable", detail=exc) from None
        except OSError as exc:
            raise self._fail("unreadable", "unreadable", detail=exc.strerror or exc) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, locked before its first read so decisions cannot interleave."""
        db = self._conn
        with self._errors():
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _wal(self) -> None:
        """WAL (left as is where refused). Two first opens at once make SQLite answer BUSY here
        without calling the busy handler, so wait out the timeout by hand."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorname", "") == "SQLITE_BUSY"
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        latest = self.schema_version()
        if self._version() == latest:
            return
        with self._write() as db:
            found = self._version()  # again: another process may have migrated meanwhile
            if found > latest:
                raise self._fail("too_new", "too_new", found=found, supported=latest)
            for version in range(found, latest):
                for statement in self._MIGRATIONS[version]:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {latest}")

    def _version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])
