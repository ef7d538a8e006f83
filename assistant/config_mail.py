"""[mail] and [[recipients]] of assistant.toml (docs/config.md): how mail leaves and who gets it.

The password is `{ env = "NAME" }` (a Secret), resolved only when a message is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.i18n import tr

if TYPE_CHECKING:
    from assistant.config import Secret, _Reader


@dataclass(frozen=True)
class MailConfig:
    transport: str = "file"
    sender: str = ""
    allowed_domains: tuple[str, ...] = ()
    host: str | None = None
    port: int | None = None
    security: str = "ssl"
    user: str | None = None
    password: Secret | None = None
    timeout: float = 30.0
    ca_file: Path | None = None  # a CA bundle to trust (an office mail server with its own CA)
    directory: dict[str, str] | None = None  # {register, name, email}: where owners' addresses are


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    scope: str | dict[str, str] = "all"
    lang: str | None = None  # the language of their mail; None: the office's [office] lang


def read_mail(r: _Reader, data: Any) -> MailConfig:
    from assistant.config import _one_of, _transport  # that module imports this one

    t = r.table(data, "mail", ["transport", "sender", "allowed_domains", "host", "port",
                                  "security", "user", "password", "timeout", "ca_file", "directory"])
    directory = r.get(t, "directory", "mail", dict)
    if directory is not None:
        r.table(directory, "mail.directory", ["register", "name", "email", "mobile"])
        if not all(isinstance(v, str) for v in directory.values()):
            raise r.fail("mail.directory", tr("config.expected", expected=tr("type.text")))
    ca_file = r.get(t, "ca_file", "mail", str)
    return MailConfig(
        transport=r.get(t, "transport", "mail", str, "file", check=_transport),
        sender=r.get(t, "sender", "mail", str, ""),
        allowed_domains=tuple(d.lower() for d in (r.strings(t, "allowed_domains", "mail") or ())),
        host=r.get(t, "host", "mail", str),
        port=r.get(t, "port", "mail", int),
        security=r.get(t, "security", "mail", str, "ssl", check=_one_of("ssl", "starttls", "none")),
        user=r.get(t, "user", "mail", str),
        password=r.secret(t, "password", "mail"),
        timeout=float(r.get(t, "timeout", "mail", (int, float), 30.0)),
        ca_file=(r.path.parent / ca_file).resolve() if ca_file else None,
        directory=directory,
    )

def read_recipient(r: _Reader, data: Any, i: int) -> Recipient:
    from assistant.config import _one_of  # that module imports this one

    where = f"recipients[{i}]"
    t = r.table(data, where, ["name", "email", "scope", "lang"])
    scope = r.get(t, "scope", where, (str, dict), "all")
    if isinstance(scope, str) and scope != "all":
        raise r.fail(f"{where}.scope", tr("config.scope_form"))
    if isinstance(scope, dict) and not all(isinstance(v, str) for v in scope.values()):
        raise r.fail(f"{where}.scope", tr("config.scope_form"))
    return Recipient(name=r.get(t, "name", where, str, required=True),
                     email=r.get(t, "email", where, str, required=True, check=_check_email),
                     scope=scope, lang=r.get(t, "lang", where, str, check=_one_of("zh", "en")))


def _check_email(value: str) -> str | None:
    return None if "@" in value and "." in value.rsplit("@", 1)[-1] else tr("config.bad_email")
