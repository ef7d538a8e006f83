"""E-mail: building the message and delivering it (DESIGN §2 Delivery, §4 [mail], §7).

    build_message(...)        the whole MIME message, made here with the standard library
    Delivery                  send(msg) -> Message-ID, close(); a context manager
    ├── FileOutbox(folder)    each message as a .eml file (transport = "file")
    └── SmtpDelivery(mail)    one SMTP connection per run, opened and logged in by yagmail
    open_delivery(config)     the one the config asks for
    allowed(address, domains) is the address's domain one of allowed_domains (exact match)?

yagmail is used for what it is good at (connecting with the right TLS mode and logging in) and
not for building or sending the message. Its known pitfalls, and what we do about each:

(a) `yagmail.SMTP.send()` retries and then *returns False* instead of raising. We never call it:
    the message goes out through smtplib's `send_message()` on yagmail's connection
    (`client.smtp`), which raises on every failure, and we turn each failure into DeliveryError.
(b) yagmail appends "@gmail.com" to a user name without "@" (`make_addr_alias_user`). We pass
    the user as a one-entry dict `{user: user}`, which it takes as it is, so a login name such
    as "dzb" reaches the server as "dzb".
(c) With several content parts and `prettify_html` it can drop or mangle content. We build the
    MIME ourselves (`build_message`), so yagmail never touches the content.
(d) Its default Message-ID is an md5 of From/To/Subject: identical digests get identical IDs and
    are threaded or deduplicated away. `build_message` sets a unique one (`make_msgid`) per call.

Recipient checks against `allowed_domains` are the caller's job (`allowed()`), before building.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
import socket
import ssl
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Protocol,
    runtime_checkable,
)

from assistant.errors import AssistantError
from assistant.i18n import tr

if TYPE_CHECKING:  # pragma: no cover
    from assistant.config import Config, MailConfig

DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}

# Headers build_message adds unless the caller's `headers` say otherwise.
DEFAULT_HEADERS = {"Auto-Submitted": "auto-generated"}  # RFC 3834: no out-of-office replies to us


class DeliveryError(AssistantError):
    """A message could not be delivered (or the connection for it could not be made).

    `server` is "host:port" for SMTP; `refused` maps refused recipients to the server's answer;
    `accepted` lists recipients that did get the message when only some were refused.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, server: str | None = None,
                 refused: Mapping[str, str] | None = None, accepted: Iterable[str] = ()):
        super().__init__(message, hint=hint)
        self.server = server
        self.refused = dict(refused or {})
        self.accepted = list(accepted)


# --- building -------------------------------------------------------------------------------------

@dataclass
class Attachment:
    filename: str
    content: bytes
    mime: str = "application/octet-stream"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII without ":" (RFC 5322 ftext)


def _one_line(text: str) -> str:
    """Header text on one line: cell text may hold line breaks, which would break the header."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def _parse_address(text: str) -> tuple[str, str] | None:
    """(display name, addr-spec) of one address, plain or "名字 <addr>"; None when it is not one."""
    pairs = getaddresses([str(text)])
    if len(pairs) != 1:
        return None
    name, addr = pairs[0]
    if addr.count("@") != 1 or any(c.isspace() or c in '<>,;:"()[]\\' for c in addr):
        return None
    local, domain = addr.split("@")
    if not local or not domain or domain.startswith(".") or ".." in domain:
        return None
    return name, addr


def _address(text: str) -> Address:
    parsed = _parse_address(text)
    if parsed is None:
        raise DeliveryError(tr("mail.bad_address", address=text))
    name, addr = parsed
    try:
        return Address(display_name=_one_line(name), addr_spec=addr)
    except (ValueError, IndexError, HeaderParseError):
        raise DeliveryError(tr("mail.bad_address", address=text)) from None


def _msgid_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def build_message(sender: str, to: list[str], subject: str, text: str, html: str | None = None,
                  attachments: Iterable[Attachment] = (),
                  headers: Mapping[str, str] | None = None) -> EmailMessage:
    """A complete message: text/plain and text/html as multipart/alternative, wrapped in
    multipart/mixed with the attachments; UTF-8 throughout, names and the subject RFC 2047,
    attachment file names RFC 2231; a fresh Message-ID (domain of the sender) and a Date.

    `headers` are extra headers (they replace ours of the same name, e.g. Auto-Submitted);
    Content-* and MIME-Version are ours only. A bad address raises DeliveryError.
    """
    if isinstance(to, str):
        to = [to]
    from_addr = _address(sender)
    rcpts = [_address(t) for t in to]
    if not rcpts:
        raise DeliveryError(tr("mail.no_recipients"))

    msg = EmailMessage()
    msg["From"] = from_addr
    msg["To"] = rcpts
    msg["Subject"] = _one_line(subject)
    msg["Date"] = format_datetime(dt.datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=_msgid_domain(from_addr.domain))
    extra = dict(DEFAULT_HEADERS)
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.match(name) or name.lower().startswith("content-") or name.lower() == "mime-version":
            raise ValueError(f"header {name!r} cannot be set through build_message(headers=...)")
        extra = {k: v for k, v in extra.items() if k.lower() != name.lower()}
        extra[name] = value
    for name, value in extra.items():
        del msg[name]
        msg[name] = _one_line(value)

    # base64 for the text parts: safe through every relay (no 8BITMIME needed), and what mail
    # clients themselves use for Chinese text.
    msg.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    for att in attachments:
        content = att.content.encode("utf-8") if isinstance(att.content, str) else bytes(att.content)
        maintype, _, subtype = (att.mime or "").partition("/")
        if not maintype or not subtype or "/" in subtype or maintype.lower() == "multipart":
            maintype, subtype = "application", "octet-stream"
        filename = _one_line(att.filename).replace("/", "_").replace("\\", "_") or "attachment"
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]  # only the top level carries it
    return msg


# --- helpers shared by the deliveries -------------------------------------------------------------

def _envelope(msg: Message) -> tuple[str, list[str]]:
    """The envelope sender and recipients (To, Cc, Bcc; each once) of a message."""
    sender = _parse_address(str(msg["Sender"] or msg["From"] or ""))
    rcpts: list[str] = []
    for field in ("To", "Cc", "Bcc"):
        for _, addr in getaddresses([str(v) for v in msg.get_all(field, [])]):
            if addr and addr not in rcpts:
                rcpts.append(addr)
    if not rcpts:
        raise DeliveryError(tr("mail.no_recipients"))
    return (sender[1] if sender else ""), rcpts


def _ensure_message_id(msg: Message, from_addr: str) -> str:
    if msg["Message-ID"] is None:
        msg["Message-ID"] = make_msgid(domain=_msgid_domain(from_addr.rpartition("@")[2] or "localhost"))
    return str(msg["Message-ID"]).strip()


def _reply(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text or "").split())
    return f"{code} {text}".strip() if code else text


@runtime_checkable
class Delivery(Protocol):
    """Where messages go. `send` returns the Message-ID or raises DeliveryError."""

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

class SmtpDelivery(_ContextManager):
    """Sends through one SMTP connection for the whole run.

    The connection is opened (and logged in, when `user` is set) at the first `send`, reused for
    every message and closed by `close()`. A connection that broke or idled out is noticed
    (NOOP after `idle_probe` seconds of silence) and opened again before the next message; a
    message whose sending was cut off is not resent (it may have arrived), it raises.

    A failed connect is retried `connect_attempts` times in all, waiting `backoff`, 2×`backoff`, …
    in between; refused connections, timeouts and dropped connections are retried, certificate,
    TLS, login and configuration problems are not (they will not go away by themselves).

    `connections` and `logins` count connections opened and logins made; `sent` the messages.
    """

    def __init__(self, config: MailConfig, *, connect_attempts: int = 3, backoff: float = 0.5,
                 idle_probe: float | None = 10.0, local_hostname: str | None = None,
                 sleep: Callable[[float], Any] = time.sleep):
        self.config = config
        security = config.security
        if security not in DEFAULT_PORTS:
            raise DeliveryError(tr("mail.bad_security", value=security))
        if not config.host:
            raise DeliveryError(tr("mail.no_host"), hint=tr("mail.no_host_hint"))
        self.host = config.host
        self.security = security
        self.port = config.port or DEFAULT_PORTS[security]
        self.timeout = float(config.timeout)
        ca_file = getattr(config, "ca_file", None)
        self.ca_file = Path(ca_file) if ca_file else None
        self.connect_attempts = max(1, int(connect_attempts))
        self.backoff = backoff
        self.idle_probe = idle_probe
        self.local_hostname = local_hostname
        self._sleep = sleep
        self.connections = 0
        self.logins = 0
        self.sent = 0
        self._client: Any = None  # yagmail.SMTP with an open connection, or None
        self._last_used = 0.0

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    # -- the connection --

    def _password(self) -> str | None:
        user = self.config.user
        if not user:
            return None
        secret = self.config.password
        if secret is None:
            raise DeliveryError(tr("mail.password_not_configured", user=user),
                                hint=tr("mail.password_not_configured_hint"), server=self.server)
        value = secret.resolve()
        if not value:
            raise DeliveryError(tr("mail.password_missing", env=secret.env),
                                hint=tr("mail.password_missing_hint", env=secret.env), server=self.server)
        if not (value.isascii() and user.isascii()):  # smtplib sends AUTH as ASCII only
            raise DeliveryError(tr("mail.login_not_ascii", env=secret.env, user=user),
                                hint=tr("mail.login_not_ascii_hint"), server=self.server)
        return value

    def _ssl_context(self) -> ssl.SSLContext | None:
        if self.security == "none":
            return None
        ctx = ssl.create_default_context()  # certificate and host name verified
        if self.ca_file:
            try:
                ctx.load_verify_locations(cafile=str(self.ca_file))  # trusted besides the system's CAs
            except (OSError, ssl.SSLError) as exc:
                detail = getattr(exc, "strerror", None) or str(exc)
                raise DeliveryError(tr("mail.ca_file_bad", path=self.ca_file, detail=detail),
                                    hint=tr("mail.ca_file_bad_hint"), server=self.server) from None
        return ctx

    def _login_name(self) -> str:
        if self.config.user:
            return self.config.user
        parsed = _parse_address(self.config.sender)
        return parsed[1] if parsed else ""

    def _connect_once(self, password: str | None, context: ssl.SSLContext | None) -> Any:
        import yagmail  # imported when mail is really sent: it costs ~60 ms at start-up

        kwargs: dict[str, Any] = {"timeout": self.timeout}
        if self.local_hostname:
            kwargs["local_hostname"] = self.local_hostname
        if self.security == "ssl":
            smtp_ssl, starttls = True, False
            kwargs["context"] = context
        elif self.security == "starttls":
            smtp_ssl, starttls = False, {"context": context}
        else:
            smtp_ssl, starttls = False, False
        name = self._login_name()
        client = yagmail.SMTP(
            user={name: name},  # pitfall (b): a dict is taken as it is, no "@gmail.com" added
            password=password,
            host=self.host,
            port=self.port,
            smtp_ssl=smtp_ssl,
            smtp_starttls=starttls,
            smtp_skip_login=not self.config.user,
            soft_email_validation=False,  # a login name need not be an address
            **kwargs,
        )
        client.set_logging(None)  # yagmail would log errors to stderr on its own
        try:
            client.login()  # connect, STARTTLS when asked, AUTH when there is a user
        except BaseException:
            if client.smtp is not None:
                self.connections += 1
            _discard(client)
            raise
        finally:
            client.credentials = None  # the password is not kept beyond the login
        self.connections += 1
        if self.config.user:
            self.logins += 1
        return client

    def _open(self) -> None:
        password = self._password()
        context = self._ssl_context()
        for attempt in range(1, self.connect_attempts + 1):
            try:
                self._client = self._connect_once(password, context)
                self._last_used = time.monotonic()
                return
            except Exception as exc:
                retry, message, hint = self._connect_failure(exc)
                if not retry or attempt == self.connect_attempts:
                    if attempt > 1:
                        message += tr("mail.attempts", n=attempt)
                    raise DeliveryError(_redact(message, password), hint=_redact(hint, password),
                                        server=self.server) from None
            self._sleep(self.backoff * 2 ** (attempt - 1))

    def _connect_failure(self, exc: Exception) -> tuple[bool, str, str]:
        """(retry?, message, hint) for a failure while connecting, starting TLS or logging in."""
        server = self.server
        if isinstance(exc, ssl.SSLCertVerificationError):
            return False, tr("mail.tls_verify", server=server, detail=exc.verify_message or exc), tr("mail.tls_verify_hint")
        if _timed_out(exc):  # socket.timeout, also during the TLS handshake or the greeting
            return True, tr("mail.timeout", server=server, timeout=f"{self.timeout:g}"), tr("mail.timeout_hint")
        if isinstance(exc, ssl.SSLError):
            return False, tr("mail.tls_failed", server=server, detail=exc.reason or exc), tr("mail.tls_failed_hint")
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            env = self.config.password.env if self.config.password else "?"
            return (False, tr("mail.auth_failed", server=server, user=self.config.user,
                              detail=_reply(exc.smtp_code, exc.smtp_error)),
                    tr("mail.auth_failed_hint", env=env))
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            if "STARTTLS" in str(exc).upper():
                return False, tr("mail.starttls_unsupported", server=server), tr("mail.starttls_unsupported_hint")
            return False, tr("mail.auth_unsupported", server=server, detail=exc), tr("mail.auth_unsupported_hint")
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return True, tr("mail.connection_lost", server=server, detail=exc), tr("mail.connect_failed_hint")
        if isinstance(exc, smtplib.SMTPResponseException):  # e.g. a 421/554 greeting
            code = exc.smtp_code
            return (400 <= code < 500, tr("mail.server_error", server=server, detail=_reply(code, exc.smtp_error)),
                    tr("mail.connect_failed_hint"))
        if isinstance(exc, smtplib.SMTPException):
            return False, tr("mail.connect_failed", server=server, detail=exc), tr("mail.connect_failed_hint")
        if isinstance(exc, ConnectionRefusedError):
            return True, tr("mail.refused", server=server), tr("mail.refused_hint")
        if isinstance(exc, socket.gaierror):
            return False, tr("mail.unknown_host", host=self.host), tr("mail.unknown_host_hint")
        if isinstance(exc, OSError):
            return True, tr("mail.connect_failed", server=server, detail=exc.strerror or exc), tr("mail.connect_failed_hint")
        raise exc

    def _connection(self) -> Any:
        client = self._client
        if client is not None and self.idle_probe is not None \
                and time.monotonic() - self._last_used >= self.idle_probe:
            try:
                alive = client.smtp.noop()[0] == 250
            except (smtplib.SMTPException, OSError):
                alive = False
            if not alive:
                self._drop()
        if self._client is None:
            self._open()
        return self._client

    def _drop(self) -> None:
        """Forget a connection that is broken or in an unknown state, without QUIT."""
        client, self._client = self._client, None
        if client is not None:
            _discard(client)

    # -- sending --

    def send(self, msg: EmailMessage) -> str:
        from_addr, rcpts = _envelope(msg)
        message_id = _ensure_message_id(msg, from_addr)
        client = self._connection()
        server = self.server
        to = ", ".join(rcpts)
        try:
            # pitfall (a): smtplib raises on failure; yagmail's send() would return False
            refused = client.smtp.send_message(msg, from_addr, rcpts)
        except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused; smtplib sent RSET
            answers = {a: _reply(c, t) for a, (c, t) in exc.recipients.items()}
            raise DeliveryError(tr("mail.rejected_recipients", server=server, recipients=", ".join(answers),
                                   detail="; ".join(dict.fromkeys(answers.values()))),
                                hint=tr("mail.rejected_recipients_hint"), server=server, refused=answers) from None
        except smtplib.SMTPResponseException as exc:  # the server said no (smtplib sent RSET)
            detail = _reply(exc.smtp_code, exc.smtp_error)
            if exc.smtp_code == 421:  # "closing the channel" (often: idle too long), whatever the command
                self._drop()
                raise DeliveryError(tr("mail.connection_lost", server=server, detail=detail),
                                    hint=tr("mail.connection_lost_hint"), server=server) from None
            if isinstance(exc, smtplib.SMTPSenderRefused):
                raise DeliveryError(tr("mail.rejected_sender", server=server, sender=from_addr, detail=detail),
                                    hint=tr("mail.rejected_sender_hint"), server=server) from None
            if isinstance(exc, smtplib.SMTPDataError):
                raise DeliveryError(tr("mail.rejected_message", server=server, recipients=to, detail=detail),
                                    hint=tr("mail.rejected_message_hint"), server=server) from None
            raise DeliveryError(tr("mail.send_failed", recipients=to, detail=detail),
                                hint=tr("mail.connect_failed_hint"), server=server) from None
        except smtplib.SMTPNotSupportedError as exc:  # e.g. non-ASCII addresses without SMTPUTF8
            raise DeliveryError(tr("mail.send_failed", recipients=to, detail=exc), server=server) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
            self._drop()
            if not _timed_out(exc):
                raise DeliveryError(tr("mail.connection_lost", server=server, detail=exc),
                                    hint=tr("mail.connection_lost_hint"), server=server) from None
            raise DeliveryError(tr("mail.timeout", server=server, timeout=f"{self.timeout:g}"),
                                hint=tr("mail.connection_lost_hint"), server=server) from None
        except (smtplib.SMTPException, OSError) as exc:  # disconnected, reset, …
            self._drop()
            raise DeliveryError(tr("mail.connection_lost", server=server, detail=getattr(exc, "strerror", None) or exc),
                                hint=tr("mail.connection_lost_hint"), server=server) from None
        self._last_used = time.monotonic()
        if refused:  # some recipients refused, the others got it
            answers = {a: _reply(c, t) for a, (c, t) in refused.items()}
            accepted = [r for r in rcpts if r not in answers]
            raise DeliveryError(tr("mail.rejected_partial", server=server, recipients=", ".join(answers),
                                   detail="; ".join(dict.fromkeys(answers.values())), accepted=", ".join(accepted)),
                                hint=tr("mail.rejected_partial_hint"), server=server, refused=answers,
                                accepted=accepted)
        self.sent += 1
        return message_id

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        _discard(client)


def _timed_out(exc: BaseException) -> bool:
    """A timeout, also one smtplib reports as "Connection unexpectedly closed: timed out"."""
    return isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, TimeoutError))


def _discard(client: Any) -> None:
    """Close yagmail's socket without a word, and keep its __del__ from trying QUIT later."""
    client.is_closed = True
    smtp = getattr(client, "smtp", None)
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret and text else text


# --- choosing and checking ------------------------------------------------------------------------

def open_delivery(config: Config) -> Delivery:
    """The delivery [mail] asks for: "file" → FileOutbox(outbox/), "smtp" → SmtpDelivery."""
    mail = config.mail
    if mail.transport == "smtp":
        return SmtpDelivery(mail)
    if mail.transport == "file":
        return FileOutbox(config.outbox_dir)
    raise DeliveryError(tr("mail.bad_transport", value=mail.transport))


def _norm_domain(domain: str) -> str:
    return domain.strip().lstrip("@").rstrip(".").lower()


def allowed(address: str, domains: Iterable[str]) -> bool:
    """Whether `address` ("a@b" or "名字 <a@b>") is in one of `domains`, compared exactly and
    case-insensitively: "example.gov.cn" allows a@example.gov.cn and a@EXAMPLE.gov.cn, but not
    a@mail.example.gov.cn (list subdomains one by one) and not a@example.gov.cn.evil.com.
    Anything that is not exactly one well-formed address is not allowed; no domains allow nothing.
    """
    parsed = _parse_address(address)
    if parsed is None:
        return False
    domain = _norm_domain(parsed[1].rpartition("@")[2])
    return bool(domain) and domain in {_norm_domain(d) for d in domains}
