"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), as a pytest plugin.

Load it from a test module (or the root conftest.py) and ask for the fixtures:

    pytest_plugins = ["tests.smtp_server"]

    def test_digest_goes_out(smtp_server):
        server = smtp_server("starttls", auth=True)      # plain | starttls | ssl | down | hang
        with SmtpDelivery(server.mail_config()) as delivery:
            delivery.send(msg)
        assert server.messages[0].message["Subject"] == "…"
        assert server.connections == 1 and server.logins == 1

Variants (all on 127.0.0.1, a free port each):

    "plain"     no TLS (security = "none"); AUTH allowed without TLS
    "starttls"  STARTTLS required before anything else (security = "starttls")
    "ssl"       implicit TLS from the first byte (security = "ssl")
    "down"      nothing listening: a port that was free a moment ago
    "hang"      accepts connections and never says a word (a client can only time out)

Options of the real servers: `auth=True` (one user/password; every login name tried is in
`auth_attempts`), `refuse_rcpt=` addresses answered "550" at RCPT TO (or True: every one),
`refuse_data=True` (DATA answered "554"), `replies={"MAIL" | "RCPT" | "DATA": "421 …"}` any
answer you like (all three may be changed while the server runs: `server.replies`,
`server.refuse_data`, …), `idle_timeout=` seconds after which the server drops a silent client.
Faults at an exact step of one recipient's message: `drop_at_rcpt={address}` closes the connection
when RCPT TO names the address (before any of the message is sent); `after_data={address: what}`
stores the whole message for that recipient and then, instead of its "250", does `what`: "drop"
(closes the connection), "hang" (never answers) or "garbage" (a line that is no SMTP reply). TLS variants use a certificate made for this test session by a test CA; the CA is
in `server.ca_file`, and `server.mail_config()` passes it on.

`server.mail_config(**overrides)` is a MailConfig pointing at the server (with `ca_file`, and
the password as `{ env = … }`; the env variable is set for the test by monkeypatch), and
`server.toml_mail(**overrides)` the same as a `[mail]` table for an assistant.toml, for CLI tests.
Fixtures: `smtp_server` (the factory), `smtp_tls` (session certificate files), and the shortcuts
`smtp_down`, `smtp_hanging`, `smtp_refusing`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from assistant.config import MailConfig, Secret


class _QuietLoginData(logging.Filter):
    """aiosmtpd itself sets the deprecated Session.login_data on every AUTH and logs about it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


logging.getLogger("mail.log").addFilter(_QuietLoginData())

HOST = "127.0.0.1"
SENDER = "党政办 <dzb@example.gov.cn>"
DOMAINS = ("example.gov.cn",)
USER = "dzb"
PASSWORD = "Pw-7zq!s3cr3t-Xy"  # distinctive, so a leak is easy to find
SECURITY = {"plain": "none", "starttls": "starttls", "ssl": "ssl", "down": "none", "hang": "none"}


# --- certificates ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path      # the test CA's certificate: what a client trusts
    cert_file: Path    # the server's certificate (by default for localhost and 127.0.0.1)
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_tls_files(folder: Path, names: Iterable[str] = ("localhost", HOST)) -> TlsFiles:
    """A CA and a server certificate signed by it, valid for `names` (host names or IPs)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "office-assistant test CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    names = list(names)
    alt_names: list[x509.GeneralName] = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = TlsFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    files.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return files


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- what the server saw --------------------------------------------------------------------------

@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes            # the message exactly as transmitted
    login: str | None      # the login of the session that sent it
    peer: Any = None

    @property
    def message(self) -> EmailMessage:
        """The message parsed with policy.default: headers decoded, get_content() works."""
        return BytesParser(policy=policy.default).parsebytes(self.data)


class _Endpoint:
    """What every variant offers: where it is and a config pointing at it."""

    variant = "plain"
    host = HOST
    port = 0
    user: str | None = None
    password: str | None = None
    password_env: str | None = None
    ca_file: Path | None = None

    @property
    def security(self) -> str:
        return SECURITY[self.variant]

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def mail_config(self, **overrides: Any) -> MailConfig:
        """A MailConfig for this server (transport smtp; password as Secret(env))."""
        values: dict[str, Any] = dict(
            transport="smtp", sender=SENDER, allowed_domains=DOMAINS, host=self.host, port=self.port,
            security=self.security, user=self.user,
            password=Secret(self.password_env) if self.password_env else None, timeout=5.0,
            ca_file=self.ca_file)
        values.update(overrides)
        return MailConfig(**values)

    def toml_mail(self, **overrides: Any) -> str:
        """The same as a [mail] table for assistant.toml (the password stays an env reference)."""
        cfg = self.mail_config(**overrides)
        lines = ["[mail]", f'transport = "{cfg.transport}"', f'sender = "{cfg.sender}"',
                 "allowed_domains = [" + ", ".join(f'"{d}"' for d in cfg.allowed_domains) + "]",
                 f'host = "{cfg.host}"', f"port = {cfg.port}", f'security = "{cfg.security}"',
                 f"timeout = {float(cfg.timeout)}"]
        if cfg.user:
            lines.append(f'user = "{cfg.user}"')
        if cfg.password:
            lines.append(f'password = {{ env = "{cfg.password.env}" }}')
        if getattr(cfg, "ca_file", None):
            lines.append(f"ca_file = '{cfg.ca_file}'")
        return "\n".join(lines) + "\n"

    @property
    def env(self) -> dict[str, str]:
        """Environment a subprocess needs (the password variable), e.g. for a CLI run."""
        return {self.password_env: self.password} if self.password_env and self.password else {}

    def stop(self) -> None:  # pragma: no cover - overridden
        pass


# --- aiosmtpd ------------------------------------------------------------------------------------

class _Handler:
    def __init__(self, server: SmtpTestServer):
        self.server = server

    async def handle_MAIL(self, smtp: SMTP, session: Session, envelope: Envelope, address: str,
                          mail_options: list[str]) -> str:
        if "MAIL" in self.server.replies:
            return self.server.replies["MAIL"]
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, smtp: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if "RCPT" in self.server.replies:
            return self.server.replies["RCPT"]
        if address.lower() in self.server.drop_at_rcpt:
            smtp.transport.close()  # the client's RCPT gets no answer: the connection is gone
            return "250 OK"  # never reaches the client
        refuse = self.server.refuse_rcpt
        if refuse is True or (refuse and address.lower() in refuse):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        if "DATA" in self.server.replies:
            return self.server.replies["DATA"]
        if self.server.refuse_data:
            return "554 5.7.1 Message rejected as spam"
        auth = session.auth_data
        login = auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None
        self.server.messages.append(Received(envelope.mail_from or "", list(envelope.rcpt_tos),
                                             bytes(envelope.original_content or b""), login, session.peer))
        fault = next((self.server.after_data[a.lower()] for a in envelope.rcpt_tos
                      if a.lower() in self.server.after_data), None)
        if fault == "drop":  # stored, then gone before the final answer
            smtp.transport.close()
        elif fault == "hang":  # stored, and no answer ever (the client can only time out)
            await asyncio.sleep(3600)
        elif fault == "garbage":
            return "hello there"
        return "250 OK: queued"


class _Controller(Controller):
    """Counts connections (one SMTP instance each) and learns the port the OS picked."""

    def __init__(self, owner: SmtpTestServer, *args: Any, **kwargs: Any):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def factory(self) -> SMTP:
        self.owner.connections += 1
        return super().factory()


class SmtpTestServer(_Endpoint):
    def __init__(self, variant: str, tls: TlsFiles | None, *, auth: bool = False, user: str = USER,
                 password: str = PASSWORD, refuse_rcpt: Iterable[str] | bool = (), refuse_data: bool = False,
                 replies: dict[str, str] | None = None, idle_timeout: float = 300,
                 drop_at_rcpt: Iterable[str] = (), after_data: dict[str, str] | None = None):
        if variant not in ("plain", "starttls", "ssl"):
            raise ValueError(variant)
        self.variant = variant
        self.messages: list[Received] = []
        self.connections = 0
        self.auth_attempts: list[str] = []   # every login name a client tried
        self.logins = 0                      # successful logins
        self.refuse_rcpt = True if refuse_rcpt is True else {a.lower() for a in (refuse_rcpt or ())}
        self.refuse_data = refuse_data
        self.replies = dict(replies or {})  # "MAIL" / "RCPT" / "DATA" -> the answer to give instead
        self.drop_at_rcpt = {a.lower() for a in drop_at_rcpt}
        self.after_data = {a.lower(): what for a, what in (after_data or {}).items()}  # "drop" | "hang" | "garbage"
        self.ca_file = tls.ca_file if tls and variant != "plain" else None
        if auth:
            self.user, self.password = user, password
        smtp_kwargs: dict[str, Any] = dict(server_hostname="localhost", timeout=idle_timeout)
        if auth:
            smtp_kwargs["authenticator"] = self._authenticate
        if variant == "plain":
            smtp_kwargs["auth_require_tls"] = False
        elif variant == "starttls":
            assert tls is not None
            smtp_kwargs.update(tls_context=tls.server_context(), require_starttls=True)
        else:  # implicit TLS: aiosmtpd only counts STARTTLS as TLS for AUTH, so let AUTH through
            assert tls is not None
            smtp_kwargs.update(ssl_context=tls.server_context(), auth_require_tls=False)
        for _ in range(5):  # a free port may be taken between choosing and binding: choose again
            self.port = _free_port()
            self._controller = _Controller(self, _Handler(self), hostname=HOST, port=self.port, **smtp_kwargs)
            try:
                self._controller.start()
                break
            except OSError:
                continue
        else:  # pragma: no cover
            raise RuntimeError("no free port for the test SMTP server")
        self.connections = 0  # start() made one connection to wake the server up

    def _authenticate(self, smtp: SMTP, session: Session, envelope: Envelope, mechanism: str,
                      auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        self.auth_attempts.append(login)
        if login == self.user and auth_data.password == (self.password or "").encode("utf-8"):
            self.logins += 1
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)  # handled=False: aiosmtpd answers 535

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.messages

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class HangingServer(_Endpoint):
    """Accepts connections and never answers: the client waits for a greeting that never comes."""

    variant = "hang"

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((HOST, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
        self._open: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._open.append(conn)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(2)
        for s in [*self._open, self._sock]:
            s.close()


class DownServer(_Endpoint):
    """Nothing listens on this port: connecting is refused at once."""

    variant = "down"

    def __init__(self) -> None:
        self.port = _free_port()
        self.connections = 0


# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def smtp_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """Certificate files made once per test session: a test CA and localhost's certificate."""
    return make_tls_files(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def smtp_server(smtp_tls: TlsFiles, monkeypatch: pytest.MonkeyPatch) -> Iterable[Callable[..., Any]]:
    """Factory: smtp_server(variant="plain", *, auth=False, user, password, refuse_rcpt=(),
    refuse_data=False, replies=None, idle_timeout=300, drop_at_rcpt=(), after_data=None, tls=None)
    -> a started server; all are stopped after
    the test. `tls`: other certificate files (make_tls_files) instead of the session's.
    With auth, the password is put in an env variable of its own (server.password_env)."""
    started: list[_Endpoint] = []

    def start(variant: str = "plain", *, tls: TlsFiles | None = None, **options: Any) -> Any:
        server: _Endpoint
        if variant == "down":
            server = DownServer()
        elif variant == "hang":
            server = HangingServer()
        else:
            server = SmtpTestServer(variant, tls or smtp_tls, **options)
        started.append(server)
        if server.password:
            server.password_env = f"ASSISTANT_TEST_SMTP_PASSWORD_{server.port}"
            monkeypatch.setenv(server.password_env, server.password)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def smtp_down(smtp_server: Callable[..., Any]) -> DownServer:
    return smtp_server("down")


@pytest.fixture
def smtp_hanging(smtp_server: Callable[..., Any]) -> HangingServer:
    return smtp_server("hang")


@pytest.fixture
def smtp_refusing(smtp_server: Callable[..., Any]) -> SmtpTestServer:
    """A plain server that refuses the recipient nobody@example.gov.cn (550 at RCPT TO)."""
    return smtp_server("plain", refuse_rcpt=["nobody@example.gov.cn"])
