"""The deadline statuses, each defined once: its urgency order, label, sheet fill, mail colour and
terminal style. Every place that sorts, labels or colours a status reads it from here.

The precedence in which a row's status is decided (done → invalid → overdue → …) is a different
order, the contract's; it lives with the computation in `assistant.deadlines`.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.i18n import tr


@dataclass(frozen=True)
class Status:
    code: str  # the JSON contract's value: overdue, due_soon, …
    order: int  # most urgent first: how lists, counts and bars are ordered
    fill: str  # ARGB fill of the status cell in the sheet
    colour: str  # CSS colour in mail (tiles, bars)
    style: str  # rich style in the terminal ("" = plain)
    shows_days: bool  # whether "working days left" means something for it
    urgent: bool  # listed in `flag`'s terminal table and owners' reminders

    @property
    def label(self) -> str:
        """逾期, 临期, … in the current language (overdue, due soon, … in English)."""
        return tr(f"deadline.status.{self.code}")


_ALL = (
    Status("overdue", 0, "FFFFC7CE", "#f8696b", "red", True, True),  # red
    Status("due_soon", 1, "FFFFEB9C", "#ffd966", "yellow", True, True),  # yellow
    Status("behind_pace", 2, "FFFFD8A8", "#f4b183", "dark_orange", True, True),  # orange
    Status("invalid", 3, "FFE4DFEC", "#b4a7d6", "magenta", False, True),  # lavender: to verify
    Status("on_track", 4, "FFC6EFCE", "#8fd19e", "", True, False),  # green
    Status("done_late", 5, "FFE7E6E6", "#bfbfbf", "", False, False),  # grey
    Status("done", 6, "FFE7E6E6", "#d9d9d9", "", False, False),
)
STATUSES: dict[str, Status] = {s.code: s for s in _ALL}  # in urgency order
CODES: tuple[str, ...] = tuple(STATUSES)


def labels() -> dict[str, str]:
    """Status code → label in the current language."""
    return {s.code: s.label for s in _ALL}


def order(code: str) -> int:
    """Urgency rank of a status code; unknown codes sort last."""
    status = STATUSES.get(code)
    return status.order if status else len(_ALL)
