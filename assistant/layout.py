"""How a list of items is laid out in a mail (a digest's section, a reminder): which columns it
shows, and which are said once above it instead.

A column whose value is the same for every item of the list (a leader's own digest: his name under
分管领导 on every row) tells the reader nothing row by row: it is left out, and said once above the
list ("分管领导：李明"), or not at all when it is empty everywhere. Only the columns that describe who
is responsible are left out so; an item's key, content and dates are always its own.

Templates call `layout(items, late)` (a global of the mail environment, docs/templates.md); it is
computed when the mail is rendered, so its labels are in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.digests import Item
from assistant.i18n import tr

# column -> (Item attribute shown, catalog key of its label); the order is the table's
COLUMNS = {
    "key": ("key", "digest.col.key"),
    "content": ("content", "digest.col.content"),
    "unit": ("unit", "digest.col.unit"),
    "owner": ("owner", "digest.col.owner"),
    "leader": ("leader", "digest.col.leader"),
    "due": ("due", "digest.col.due"),
    "days": ("days_left", "digest.col.days"),
    "days_late": ("overdue_days", "digest.col.days_late"),
    "cell": ("cell", "digest.col.cell"),
    "problem": ("problem", "digest.col.problem"),
}
SHAREABLE = ("unit", "owner", "leader")  # who is responsible: said once when the same for all


@dataclass(frozen=True)
class Column:
    name: str  # "key", "content", "unit", "owner", "leader", "due", "days", "days_late", "cell", "problem"
    field: str  # the Item attribute it shows: `it[c.field]` in a template
    label: str  # its header, in the reader's language


@dataclass(frozen=True)
class Layout:
    columns: list[Column]  # shown, in order
    shared: list[tuple[str, str]]  # (label, value) of the columns left out, non-empty values only

    @property
    def said(self) -> str:
        """The shared columns as one line: "责任单位：党政办；分管领导：李明" ("" when none)."""
        return tr("digest.shared_sep").join(tr("digest.shared", label=label, value=value) for label, value in self.shared)

    def details(self, it: Item) -> str:
        """The responsible-people columns still shown, as words for a line of the text mail:
        "（责任单位：党政办，责任人：王芳）", or "" when every one is shared or empty."""
        parts = [tr("digest.shared", label=c.label, value=getattr(it, c.field))
                 for c in self.columns if c.name in SHAREABLE and getattr(it, c.field)]
        return tr("digest.text_details", parts=tr("digest.text_part_sep").join(parts)) if parts else ""


def layout(items: list[Item], late: bool = False) -> Layout:
    """The columns of `items` as a table: key, content, the responsible-people columns whose value
    differs between items, then the due date and working days left (overdue with `late`) — or, for
    items whose deadline cannot be read (all of them status invalid), the cell and what is wrong."""
    names = ["key", "content"]
    shared = []
    for name in SHAREABLE:
        values = {getattr(it, COLUMNS[name][0]) for it in items}
        if len(values) > 1:
            names.append(name)
        elif values and (value := values.pop()):
            shared.append((tr(COLUMNS[name][1]), value))
    fix = bool(items) and all(it.status == "invalid" for it in items)
    names += ["cell", "problem"] if fix else ["due", "days_late" if late else "days"]
    return Layout([Column(n, COLUMNS[n][0], tr(COLUMNS[n][1])) for n in names], shared)
