"""Messages people read, in Chinese (default) or English.

The language is a context variable set once by the CLI (`--lang`), so errors raised deep in the
library speak the user's language without threading a parameter through every call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from assistant.messages import CATALOG

LANGS = ("zh", "en")
_lang: ContextVar[str] = ContextVar("lang", default="zh")


def get_lang() -> str:
    return _lang.get()


def set_lang(lang: str) -> None:
    _lang.set(lang if lang in LANGS else "zh")


@contextmanager
def using(lang: str) -> Iterator[None]:
    token = _lang.set(lang)
    try:
        yield
    finally:
        _lang.reset(token)


def tr(key: str, /, **kw: object) -> str:
    """The message `key` in the current language, formatted with `kw`.

    Always formatted, also without `kw`, so every entry follows one rule: "{{" shows as "{"."""
    entry = CATALOG[key]
    text = entry[1] if _lang.get() == "en" else entry[0]
    return text.format(**kw)


def quote(value: object) -> str:
    """A value as the message shows it: “…” in Chinese, "…" in English, shortened if long."""
    text = str(value)
    if len(text) > 40:
        text = text[:39] + "…"
    return f"“{text}”" if _lang.get() != "en" else f'"{text}"'
