"""Small text helpers shared by header matching, parsing and messages."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# In JSON text, an escape that decodes to a surrogate (a pair decodes to one character, a lone one
# does not): a cheap test on the raw bytes before walking what they decode to.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def norm_header(text: object) -> str:
    """Header text as we compare it: NFKC (full-width = half-width), no whitespace anywhere, casefolded."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def col_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """Excel letters to a 0-based index: A → 0."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def normalized(s: pd.Series) -> pd.Series:
    """Text cells NFKC-normalised and trimmed (full-width digits and punctuation become ASCII)."""
    return s.astype(str).str.normalize("NFKC").str.strip()


def display(value: object) -> str:
    """A cell value as a person would recognise it in a message."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        if text.endswith("T00:00:00"):
            return text[:-9]
        return (text[:-3] if text.endswith(":00") and text.count(":") == 2 else text).replace("T", " ")
    return str(value)


def may_hold_surrogates(json_text: bytes) -> bool:
    """Whether JSON text has an escape such as "\\ud800" that may decode to a lone surrogate. Valid
    UTF-8 cannot carry one, so only an escape can: one search of the raw bytes instead of a look at
    every decoded string."""
    return _ESCAPED_SURROGATE.search(json_text) is not None


def scrub_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate replaced by U+FFFD, in strings and in the strings (keys
    included) of nested lists and dicts. A lone surrogate is a str Python holds but can encode in
    no codec: it would fail the terminal, a JSON file, a backup, the mail."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    return value
