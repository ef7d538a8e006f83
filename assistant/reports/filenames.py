"""File names made from what people typed (a township's name), valid on Windows and Linux alike: a
leader opens the published folder from either."""

from __future__ import annotations

import re

INDEX = "index.html"
# Windows refuses these characters in a name (and "/" is a folder on both); control characters
# are refused too or make a name nobody can type.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]')
# Names Windows keeps for devices, with any extension: "CON.html" cannot be opened there.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 60  # characters: 3 bytes each in UTF-8 stays far below the 255 bytes a name may have


def safe_stem(text: str) -> str:
    """`text` without what Windows or Linux refuses in a file name; Chinese kept. Leading and
    trailing dots and spaces go too (Windows drops trailing ones; a leading dot hides a file)."""
    stem = _UNSAFE.sub("", text).strip(" .")[:MAX_STEM].strip(" .")
    if not stem:
        return "_"
    return f"_{stem}" if stem.split(".")[0].upper() in _RESERVED else stem


def page_names(parts: list[str]) -> dict[str, str]:
    """Part name → its page's file name: safe, distinct (also where Windows ignores case) and never
    the index's."""
    taken = {INDEX.casefold()}
    out: dict[str, str] = {}
    for part in parts:
        stem = safe_stem(part)
        name, n = f"{stem}.html", 2
        while name.casefold() in taken:
            name, n = f"{stem}-{n}.html", n + 1
        taken.add(name.casefold())
        out[part] = name
    return out
