"""SMTP delivery: one connection per run, opened and logged in by yagmail (see assistant.delivery.mail)."""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
)

from assistant.i18n import tr

if TYPE_CHECKING:  # pragma: no cover
    from assistant.config import MailConfig

from assistant.delivery.message import (
    DEFAULT_PORTS,
    DeliveryError,
    DeliveryUncertain,
    _ensure_message_id,
    _envelope,
    _parse_address,
    _reply,
)
from assistant.delivery.outbox import _ContextManager


class SmtpDelivery(_ContextManager):
    """Sends through one SMTP connection for the whole run.

    The connection is opened (and logged in, when `user` is set) at the first `send`, reused for
    every message and closed by `close()`. A connection that broke or idled out is noticed
    (NOOP after `idle_probe` seconds of silence) and opened again before the next message; a
    message whose sending was cut off is not resent here, it raises: DeliveryError when the server
    cannot have it (cut off before the end of the body, or refused), DeliveryUncertain when the
    whole body was sent and the final answer was lost (dropped, timed out, or nonsense).

    A failed connect is retried `connect_attempts` times in all, waiting `backoff`, 2×`backoff`, …
    in between; refused connections, timeouts and dropped connections are retried, certificate,
    TLS, login and configuration problems are not (they will not go away by themselves).

    `connections` and `logins` count connections opened and logins made; `sent` the messages.
    """

    local = False

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
        ca_file = config.ca_file
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
        starttls: bool | dict[str, Any]
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
        watch = _BodyWatch(client.smtp)
        try:
            with watch:
                # pitfall (a): smtplib raises on failure; yagmail's send() would return False
                refused = client.smtp.send_message(msg, from_addr, rcpts)
        except (smtplib.SMTPException, OSError) as exc:
            if watch.body_sent and not _answered_no(exc):  # the server may have stored it
                self._drop()
                raise self._uncertain(exc, ", ".join(rcpts)) from None
            raise self._failure(exc, from_addr, ", ".join(rcpts)) from None
        self._last_used = time.monotonic()
        if refused:  # some recipients refused, the others got it
            server = self.server
            answers = {a: _reply(c, t) for a, (c, t) in refused.items()}
            accepted = [r for r in rcpts if r not in answers]
            raise DeliveryError(tr("mail.rejected_partial", server=server, recipients=", ".join(answers),
                                   detail="; ".join(dict.fromkeys(answers.values())), accepted=", ".join(accepted)),
                                hint=tr("mail.rejected_partial_hint"), server=server, refused=answers,
                                accepted=accepted)
        self.sent += 1
        return message_id

    def _uncertain(self, exc: Exception, to: str) -> DeliveryUncertain:
        """The whole message went to the server and its answer was lost: it may have been delivered."""
        if _timed_out(exc):
            detail = tr("mail.uncertain_timeout", timeout=f"{self.timeout:g}")
        elif isinstance(exc, smtplib.SMTPResponseException):
            detail = tr("mail.uncertain_reply", reply=_reply(exc.smtp_code, exc.smtp_error))
        else:
            detail = str(getattr(exc, "strerror", None) or exc)
        return DeliveryUncertain(tr("mail.uncertain", server=self.server, recipients=to, detail=detail),
                                 hint=tr("mail.uncertain_hint"), server=self.server)

    def _failure(self, exc: Exception, from_addr: str, to: str) -> DeliveryError:
        """A send that failed before the server had the whole message, or that it refused: safe to retry."""
        server = self.server
        if isinstance(exc, smtplib.SMTPRecipientsRefused):  # every recipient refused; smtplib sent RSET
            answers = {a: _reply(c, t) for a, (c, t) in exc.recipients.items()}
            return DeliveryError(tr("mail.rejected_recipients", server=server, recipients=", ".join(answers),
                                    detail="; ".join(dict.fromkeys(answers.values()))),
                                 hint=tr("mail.rejected_recipients_hint"), server=server, refused=answers)
        if isinstance(exc, smtplib.SMTPResponseException):  # the server said no (smtplib sent RSET)
            detail = _reply(exc.smtp_code, exc.smtp_error)
            if exc.smtp_code == 421:  # "closing the channel" (often: idle too long), whatever the command
                self._drop()
                return DeliveryError(tr("mail.connection_lost", server=server, detail=detail),
                                     hint=tr("mail.connection_lost_hint"), server=server)
            if isinstance(exc, smtplib.SMTPSenderRefused):
                return DeliveryError(tr("mail.rejected_sender", server=server, sender=from_addr, detail=detail),
                                     hint=tr("mail.rejected_sender_hint"), server=server)
            if isinstance(exc, smtplib.SMTPDataError):
                return DeliveryError(tr("mail.rejected_message", server=server, recipients=to, detail=detail),
                                     hint=tr("mail.rejected_message_hint"), server=server)
            return DeliveryError(tr("mail.send_failed", recipients=to, detail=detail),
                                 hint=tr("mail.connect_failed_hint"), server=server)
        if isinstance(exc, smtplib.SMTPNotSupportedError):  # e.g. non-ASCII addresses without SMTPUTF8
            return DeliveryError(tr("mail.send_failed", recipients=to, detail=exc), server=server)
        self._drop()  # disconnected, timed out, reset, …: the connection is in an unknown state
        if _timed_out(exc):
            return DeliveryError(tr("mail.timeout", server=server, timeout=f"{self.timeout:g}"),
                                 hint=tr("mail.connection_lost_hint"), server=server)
        return DeliveryError(tr("mail.connection_lost", server=server, detail=getattr(exc, "strerror", None) or exc),
                             hint=tr("mail.connection_lost_hint"), server=server)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        _discard(client)


class _BodyWatch:
    """Whether smtplib has handed the server the whole message, learnt through two public methods of
    smtplib.SMTP wrapped on this one connection for one message: a `send` inside `data` whose bytes
    end with the end-of-data mark <CRLF>.<CRLF> has completed. From then on the server may have
    stored the message, whatever becomes of its answer; before, it cannot have (RFC 5321 §4.1.1.4)."""

    def __init__(self, smtp: smtplib.SMTP):
        self.smtp = smtp
        self.body_sent = False
        self._in_data = False

    def __enter__(self) -> _BodyWatch:
        data, send = self.smtp.data, self.smtp.send

        def watched_data(msg: Any) -> Any:
            self._in_data = True
            try:
                return data(msg)
            finally:
                self._in_data = False

        def watched_send(s: Any) -> None:
            send(s)
            if self._in_data and isinstance(s, bytes | bytearray) and s.endswith(b"\r\n.\r\n"):
                self.body_sent = True

        setattr(self.smtp, "data", watched_data)  # noqa: B010 - this instance only, not the class
        setattr(self.smtp, "send", watched_send)  # noqa: B010
        return self

    def __exit__(self, *exc: object) -> None:
        for name in ("data", "send"):
            vars(self.smtp).pop(name, None)  # the class's own methods again


def _answered_no(exc: BaseException) -> bool:
    """The server answered with a refusal (4xx, 5xx): it did not take the message."""
    return isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 600


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

