"""Text measured and laid out in terminal cells (a CJK character takes two): how wide, cut to a
width, wrapped to a width.

rich wraps at spaces only: a Chinese sentence is one long "word" to it, so a line holding
"在编 = 用工性质为在编、……" breaks after "=" and leaves the rest of the line empty. `wrap` breaks
between any two CJK characters and at spaces, and keeps the simple line-breaking rules of
Chinese typesetting (禁则): no line starts with a closing mark (，。、）” …) and none ends with an
opening one (（“ …).
"""

from __future__ import annotations

import re

from rich.cells import cell_len

ELLIPSIS = "…"
NO_START = set("，。、；：？！）》」』”’】〕〉…%‰·,.;:?!)]}")  # never first on a line
NO_END = set("（《「『“‘【〔〈([{")  # never last on a line
# A wide character (one atom each), a run of spaces, or a run of anything else (a word).
_ATOM = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
                   r"\u3000-\u303f\U00020000-\U0003fffd]|[^\S\n]+|[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3"
                   r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u3000-\u303f\U00020000-\U0003fffd]+")


def width(text: str) -> int:
    """Cells `text` takes; of text with line breaks, its longest line."""
    return max((cell_len(line) for line in text.split("\n")), default=0)


def cut(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, ending with "…" when it was longer."""
    if cell_len(text) <= cells:
        return text
    return _fit(text, cells - 1) + ELLIPSIS


def _fit(text: str, cells: int) -> str:
    """The longest start of `text` that takes at most `cells` cells."""
    out, used = [], 0
    for ch in text:
        used += cell_len(ch)
        if used > cells:
            break
        out.append(ch)
    return "".join(out)


def _atoms(paragraph: str) -> list[str]:
    """The pieces a line may break between: CJK characters, words, spaces; a closing mark kept with
    what precedes it, an opening mark with what follows."""
    atoms: list[str] = []
    glue = False  # the last atom is an opening mark: the next one joins it
    for atom in _ATOM.findall(paragraph):
        if atoms and not atom.isspace() and (glue or atom[0] in NO_START) and not atoms[-1].isspace():
            atoms[-1] += atom
        else:
            atoms.append(atom)
        glue = not atom.isspace() and atom[-1] in NO_END
    return atoms


def wrap(text: str, cells: int) -> list[str]:
    """`text` in lines of at most `cells` cells (line breaks in it kept; runs of spaces one space)."""
    cells = max(cells, 2)  # room for one CJK character
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, space = "", False
        for atom in _atoms(paragraph):
            if atom.isspace():
                space = bool(line)
                continue
            gap = " " if space else ""
            if cell_len(line + gap + atom) <= cells:
                line += gap + atom
            else:
                if line:
                    lines.append(line)
                while cell_len(atom) > cells:  # a word longer than a line is folded
                    head = _fit(atom, cells)
                    lines.append(head)
                    atom = atom[len(head):]
                line = atom
            space = False
        lines.append(line)
    return lines
