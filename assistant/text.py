"""Small text helpers shared by header matching, parsing and messages."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_SPACE = re.compile(r"\s+")


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
