"""'Did you mean' hints for unknown names in config and schemas."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from assistant.i18n import tr


def did_you_mean(name: object, choices: Iterable[str]) -> str:
    """A trailing hint such as '（是不是 “enum”？）', or '' when nothing is close."""
    if not isinstance(name, str):
        return ""
    choices = list(choices)
    matches = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in choices}
        matches = [lowered[name.lower()]] if name.lower() in lowered else []
    return tr("hint.did_you_mean", name=matches[0]) if matches else ""
