"""Who is who: a person's name (as typed in 责任人 / 分管领导) → an e-mail address, and the
language their mail is written in.

From the config's [[recipients]] first, then from the roster register (by default the register
`roster` with fields 姓名 and 邮箱), so owners can be reminded without listing them in the config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.config import Config, Recipient

if TYPE_CHECKING:
    from assistant.judge import Judgement

DEFAULT_DIRECTORY = {"register": "roster", "name": "姓名", "email": "邮箱", "mobile": "手机"}


def directory_spec(config: Config) -> dict[str, str]:
    """Where owners' addresses are: `[mail] directory`, keys left out keeping their default."""
    return {**DEFAULT_DIRECTORY, **(config.mail.directory or {})}


def directory(config: Config, j: Judgement) -> dict[str, str]:
    spec = directory_spec(config)
    out: dict[str, str] = {}
    for c in j.contexts:
        if c.register.id != spec["register"] or not c.has(spec["name"], spec["email"]):
            continue
        names, emails = c.values(spec["name"]), c.values(spec["email"])
        ok = c.parsed[spec["name"]].valid & c.parsed[spec["email"]].valid
        out.update(zip(names[ok].astype(str), emails[ok].astype(str)))
    for r in config.recipients:  # the config is what the admin said last: it wins
        out[r.name] = r.email
    return out


def mobiles(config: Config, j: Judgement) -> dict[str, str]:
    """A person's name → their mobile number, from the roster (`[mail] directory` mobile): what a
    group robot @-mentions them by."""
    spec = directory_spec(config)
    out: dict[str, str] = {}
    for c in j.contexts:
        if c.register.id != spec["register"] or not c.has(spec["name"], spec["mobile"]):
            continue
        ok = c.parsed[spec["name"]].valid & c.parsed[spec["mobile"]].valid
        numbers = c.values(spec["mobile"])[ok].map(lambda v: str(v).strip())
        out.update(zip(c.values(spec["name"])[ok].astype(str), numbers))
    return out


def mail_lang(config: Config, recipient: Recipient | None) -> str:
    """The language of a recipient's mail: theirs if set, else the office's ([office] lang).
    Never the terminal's: `--lang` is for whoever runs the command, not for who reads the mail."""
    return (recipient.lang if recipient else None) or config.lang


def lang_of(config: Config, name: str, address: str | None) -> str:
    """The language of mail to a person named in a register (an owner or a leader): that of the
    recipient with their name, else of the recipient whose mailbox it goes to, else the office's."""
    match = [r for r in config.recipients if r.name == name] or \
        [r for r in config.recipients if address and r.email.lower() == address.lower()]
    return mail_lang(config, match[-1] if match else None)  # the last entry wins, as in directory()
