"""Building one e-mail (MIME, headers, addresses) and checking recipients against allowed_domains."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import format_datetime, getaddresses, make_msgid
from typing import (
    TYPE_CHECKING,
)

from assistant.errors import AssistantError
from assistant.i18n import tr

if TYPE_CHECKING:  # pragma: no cover
    pass

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


class DeliveryUncertain(DeliveryError):
    """The whole message reached the server, but its answer did not come back (the connection
    dropped, timed out, or the answer made no sense): it may have been delivered. Never retried
    automatically (docs/design.md §7); a subclass so that whoever only knows DeliveryError still
    reports a problem."""


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
