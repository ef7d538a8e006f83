"""Merged cells, the same for every source: the grid a source hands out shows what people see, and
a write never lands inside a merge.

A cell merged down over several rows (one 责任单位 for a group of rows, 序号 spanning both rows of
a two-row header) shows its value on every row it covers: the source repeats it down the merge's
first column, so a required column is filled there and a two-row header's lower row names that
column. Every other covered cell reads as it is stored (blank): a merge across columns (a title,
a group label such as 时间节点, a note typed across) has no meaning for one column. A row with
nothing of its own (a merge drawn down over the empty rows below a table) gets nothing either, so
it stays a blank row and no record. The grid is also widened to reach the last merged column, so
new output columns go right of every merge.

Sources keep what they read as it was for themselves (what a write compares with, the backups);
only the grid handed to the table is filled.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.errors import SourceError
from assistant.i18n import tr
from assistant.text import col_letter
from assistant.writeback import SheetPatch

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column: 0-based, inclusive

__all__ = ["Merge", "MergedOutput", "a1", "fill_merges", "refuse_merged_outputs"]


class MergedOutput(SourceError):
    """A merge covers a cell the assistant would write: the write is refused, nothing changed."""


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def a1(merge: Merge) -> str:
    r0, c0, r1, c1 = merge
    return f"{col_letter(c0)}{r0 + 1}:{col_letter(c1)}{r1 + 1}"


def fill_merges(grid: list[list], merges: Iterable[Merge]) -> list[list]:
    """`grid` as people see it (a new list; rows that change are copied, `grid` is left as read)."""
    merges = list(merges)
    if not merges:
        return grid
    out = list(grid)
    covered: dict[int, list[tuple[int, int]]] = {}  # row -> column spans hidden under a merge
    for r0, c0, r1, c1 in merges:
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            covered.setdefault(r, []).append((c0 + 1 if r == r0 else c0, c1))

    def own_content(r: int) -> bool:
        spans = covered.get(r, ())
        return any(not _blank(v) and not any(a <= c <= b for a, b in spans) for c, v in enumerate(grid[r]))

    for r0, c0, r1, c1 in merges:
        if r0 >= len(grid):
            continue  # below everything read: no value, nothing we would write
        if len(out[r0]) <= c1:  # the row reaches the merge's last column, so the table's width does
            out[r0] = list(out[r0]) + [None] * (c1 + 1 - len(out[r0]))
        value = out[r0][c0]
        if r1 == r0 or _blank(value):
            continue
        for r in range(r0 + 1, min(r1, len(grid) - 1) + 1):
            if own_content(r):
                row = out[r] = list(out[r]) if out[r] is grid[r] else out[r]
                if len(row) <= c0:
                    row.extend([None] * (c0 + 1 - len(row)))
                row[c0] = value
    return out


def refuse_merged_outputs(patch: SheetPatch, merges: Iterable[Merge], location: str) -> None:
    """MergedOutput if a merge covers a cell `patch` writes: the write would hide our values under
    the merge (or show one row's status for the whole group), so the person unmerges first."""
    rows = {r - 1 for r in patch.rows} | ({patch.header_row - 1} if patch.new_columns else set())
    for merge in merges:
        r0, c0, r1, c1 = merge
        hit = [name for name, col in patch.columns.items() if c0 <= col <= c1]
        if hit and any(r0 <= r <= r1 for r in rows):
            raise MergedOutput(tr("write.merged", path=location, sheet=patch.sheet, cells=a1(merge), column=hit[0]),
                               hint=tr("write.merged_hint", cells=a1(merge)))
        # A header cell may be a merge's first cell (what shows), never one hidden under it.
        for row, cells in patch.header_cells().items():
            for col, text in cells.items():
                if r0 <= row - 1 <= r1 and c0 <= col <= c1 and (row - 1, col) != (r0, c0):
                    raise MergedOutput(tr("write.merged", path=location, sheet=patch.sheet, cells=a1(merge),
                                          column=text), hint=tr("write.merged_hint", cells=a1(merge)))
