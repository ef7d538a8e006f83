"""A long message in numbered parts, each within a platform's size limit, never one item over two."""

from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "…"


def split(title: str, blocks: list[str], room: int, size: Callable[[str], int]) -> list[tuple[str, str]]:
    """`blocks` (one item each: a paragraph, a list line) as few (title, body) messages as fit:
    each body's `size` at most `room`, blocks joined by newlines in order. A block alone over
    `room` (an enormous cell) is cut at a line end, or at a character, and ends with "…". With
    more than one part each title is numbered: 督查通报（1/3）."""
    bodies: list[list[str]] = [[]]
    used = 0
    for block in (_fit(b, room, size) for b in blocks):
        need = size(block) + (1 if bodies[-1] else 0)
        if bodies[-1] and used + need > room:
            bodies.append([])
            need = size(block)
            used = 0
        bodies[-1].append(block)
        used += need
    n = len(bodies)
    return [(f"{title}（{i}/{n}）" if n > 1 else title, "\n".join(body)) for i, body in enumerate(bodies, 1)]


def _fit(block: str, room: int, size: Callable[[str], int]) -> str:
    if size(block) <= room:
        return block
    lines, out = block.split("\n"), ""
    for line in lines:  # whole lines while they fit
        candidate = f"{out}\n{line}" if out else line
        if size(candidate + ELLIPSIS) > room:
            break
        out = candidate
    if not out:  # not even the first line: cut it at a character
        for ch in lines[0]:
            if size(out + ch + ELLIPSIS) > room:
                break
            out += ch
    return out + ELLIPSIS
