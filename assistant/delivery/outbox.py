"""The Delivery protocol, and the file outbox (transport = "file"): each message a .eml file."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Protocol,
    runtime_checkable,
)

from assistant.i18n import tr

if TYPE_CHECKING:  # pragma: no cover
    pass

from assistant.delivery.message import DeliveryError, _ensure_message_id, _envelope


@runtime_checkable
class Delivery(Protocol):
    """Where messages go. `send` returns the Message-ID, or raises DeliveryError (it did not go
    out: retried next run) or its subclass DeliveryUncertain (it may have: never retried by itself)."""

    local: bool  # messages are written on this machine (an outbox), not handed to a server

    def send(self, msg: EmailMessage) -> str: ...

    def close(self) -> None: ...

    def __enter__(self) -> Delivery: ...

    def __exit__(self, *exc: object) -> None: ...


class _ContextManager:
    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the outbox folder ----------------------------------------------------------------------------

class FileOutbox(_ContextManager):
    """Writes each message as `<YYYYmmdd-HHMMSS>-<n>-<recipient>.eml` (CRLF, as sent by SMTP).

    A file is never overwritten: the name is claimed atomically (a hard link of a finished
    temporary file, or an exclusive create), and `n` grows until a free name is found. A reader
    never sees a half-written .eml.
    """

    local = True

    def __init__(self, folder: Path, *, clock: Callable[[], dt.datetime] | None = None):
        self.folder = Path(folder)
        self.clock = clock or dt.datetime.now
        self.paths: list[Path] = []  # the files written, in order
        self._n = 0

    def send(self, msg: EmailMessage) -> str:
        from_addr, rcpts = _envelope(msg)
        message_id = _ensure_message_id(msg, from_addr)
        data = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
        stamp = self.clock().strftime("%Y%m%d-%H%M%S")
        who = re.sub(r"[^A-Za-z0-9._@+-]", "_", rcpts[0])[:64]
        if len(rcpts) > 1:
            who += f"_and_{len(rcpts) - 1}_more"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._write(data, stamp, who)
        except OSError as exc:
            raise DeliveryError(tr("mail.outbox_failed", path=self.folder, detail=exc.strerror or exc),
                                hint=tr("mail.outbox_failed_hint")) from None
        self.paths.append(path)
        return message_id

    def _next(self, stamp: str, who: str) -> Path:
        self._n += 1
        return self.folder / f"{stamp}-{self._n}-{who}.eml"

    def _write(self, data: bytes, stamp: str, who: str) -> Path:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".outbox-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            while True:
                path = self._next(stamp, who)
                try:
                    os.link(tmp, path)  # atomic, and fails instead of replacing
                    return path
                except FileExistsError:
                    continue
                except OSError:  # no hard links here (some shares): exclusive create instead
                    return self._write_exclusive(data, path, stamp, who)
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def _write_exclusive(self, data: bytes, path: Path, stamp: str, who: str) -> Path:
        while True:
            try:
                with open(path, "xb") as f:
                    f.write(data)
                return path
            except FileExistsError:
                path = self._next(stamp, who)

    def close(self) -> None:
        pass


# --- SMTP -----------------------------------------------------------------------------------------

