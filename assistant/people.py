"""Who is who: a person's name (as typed in 责任人 / 分管领导) → an e-mail address.

From the config's [[recipients]] first, then from the roster register (by default the register
`roster` with fields 姓名 and 邮箱), so owners can be reminded without listing them in the config.
"""

from __future__ import annotations

from assistant.config import Config
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.judge import Judgement

DEFAULT_DIRECTORY = {"register": "roster", "name": "姓名", "email": "邮箱"}


def directory(config: Config, j: Judgement) -> dict[str, str]:
    spec = {**DEFAULT_DIRECTORY, **(config.mail.directory or {})}
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

