"""The deadline statuses, each defined once: its urgency order, label, sheet fill, mail colour and
terminal style. Every place that sorts, labels or colours a status reads it from here, and so does
the sheet's colour for a data error (`MARKS`), which must never be taken for a status.

The sheet's fills are one palette, chosen to stay apart for the 8% of men with a red-green colour
deficiency: every two of them, and each and an unfilled cell, differ by at least 8 ΔE2000 for normal
vision and as people with protanopia or deuteranopia see them (Machado et al. 2009, full severity),
and overdue and a data error by at least 10 under tritanopia too (tests/test_sheet_look.py). The old
traffic light (pink, yellow, green) failed exactly there: pink overdue and green on track were 3.6
apart for a deuteranope, and overdue was the very pink of an error. So: warm means urgent (coral,
yellow, peach), blue is on track, violet to verify, greys are finished, and a wrongly filled cell is
magenta with dark plum text. All are light enough for black text (contrast at least 7:1).

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

    @property
    def fill_name(self) -> str:
        """The name of its sheet fill, for the legend (珊瑚红 / coral)."""
        return tr(f"sheet.fill.{self.code}")


@dataclass(frozen=True)
class Mark:
    """How the sheet marks a finding of one severity: the fill of the cell in error (and of the
    row's 校验提示), and for an error the text colour of that cell."""

    severity: str  # "error" or "warning"
    fill: str  # ARGB
    font: str | None = None  # ARGB text colour of a highlighted cell (None: its own)

    @property
    def fill_name(self) -> str:
        return tr(f"sheet.fill.{self.severity}")


_ALL = (
    Status("overdue", 0, "FFEE7766", "#f8696b", "red", True, True),  # coral
    Status("due_soon", 1, "FFFFEE66", "#ffd966", "yellow", True, True),  # yellow
    Status("behind_pace", 2, "FFFFCC99", "#f4b183", "dark_orange", True, True),  # peach
    Status("invalid", 3, "FFAA99EE", "#b4a7d6", "magenta", False, True),  # violet: to verify
    Status("on_track", 4, "FF88CCEE", "#8fd19e", "", True, False),  # blue
    Status("done_late", 5, "FFBBAA99", "#bfbfbf", "", False, False),  # taupe: finished, late
    Status("done", 6, "FFCCCCCC", "#d9d9d9", "", False, False),  # grey
)
STATUSES: dict[str, Status] = {s.code: s for s in _ALL}  # in urgency order
CODES: tuple[str, ...] = tuple(STATUSES)
MARKS: dict[str, Mark] = {"error": Mark("error", "FFDD88BB", "FF4D0033"),  # magenta, dark plum text
                          "warning": Mark("warning", "FFFFF2CC")}  # cream: a hint to look at, not an error


def labels() -> dict[str, str]:
    """Status code → label in the current language."""
    return {s.code: s.label for s in _ALL}


def order(code: str) -> int:
    """Urgency rank of a status code; unknown codes sort last."""
    status = STATUSES.get(code)
    return status.order if status else len(_ALL)


def legend() -> str:
    """One line saying what each fill of the sheet means, in the current language: the note on the
    status column's header."""
    statuses = tr("sheet.legend_separator").join(
        tr("sheet.legend_item", label=s.label, colour=s.fill_name) for s in _ALL)
    return tr("sheet.legend", statuses=statuses, error=MARKS["error"].fill_name, warning=MARKS["warning"].fill_name)
