"""Small text helpers shared by header matching, parsing, messages and every output.

Cell text may hold anything: control characters (Excel stores a pasted one as `_x0001_`), escape
sequences, a megabyte in one cell. One rule for what may leave the program, defined here once:

    clean(text)      for XML and mail (workbooks, the digest's attachment, mail text and HTML):
                     control characters removed, at most MAX_CELL_TEXT characters ("…" at the end)
    visible(text)    for a terminal: control characters shown as symbols (ESC → ␛), never raw
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the command line imports this module; pandas loads only where tables are read
    import pandas as pd

_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# In JSON text, an escape that decodes to a surrogate (a pair decodes to one character, a lone one
# does not): a cheap test on the raw bytes before walking what they decode to.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")

MAX_CELL_TEXT = 32767  # characters in one cell: Excel's limit, also the cap of cell text in mail
ELLIPSIS = "…"
# What XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF), and the
# other control characters (DEL, C1), which no reader of a workbook or a mail wants either.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What a terminal would act on instead of showing: every control character but tab and LF, and
# the bidirectional controls that make text read differently from what it is (a "Trojan source").
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff]")


def norm_header(text: object) -> str:
    """Header text as we compare it: NFKC (full-width = half-width), no whitespace anywhere, casefolded."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


@functools.lru_cache(maxsize=4096)  # asked for every finding; a sheet has few columns
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
    import pandas as pd

    values = s.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) != "string":  # numbers, blanks: as str() shows them
        return s.astype(str).str.normalize("NFKC").str.strip()
    # All text (a column's distinct cells): the same, iterated in C rather than per cell in pandas.
    return pd.Series(list(map(str.strip, map(_NFKC, values))), index=s.index, dtype=object)


_NFKC = functools.partial(unicodedata.normalize, "NFKC")


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


def clean(text: str, limit: int | None = MAX_CELL_TEXT) -> str:
    """Text safe for XML 1.0 and mail: control characters removed, cut to `limit` characters (None:
    any length) with "…" as the last one when longer."""
    text = ILLEGAL_XML.sub("", text)
    return text if limit is None or len(text) <= limit else text[:limit - 1] + ELLIPSIS


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ESC → ␛, BEL → ␇, CR → ␍
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text for a terminal: control characters (and bidirectional overrides) shown, never acted on."""
    return _TERMINAL.sub(_symbol, text)


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
