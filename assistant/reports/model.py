"""What a report is, whatever it is shown as: blocks in reading order (text sections, tables,
charts) plus its JSON document. The renderers (terminal table, JSON, HTML, xlsx) draw the blocks;
none computes a figure.

Text is already in the reader's language when a report is built (reports are built inside
`i18n.using(lang)`); values are plain: int, float (rates are fractions 0..1), str, ISO date text,
None for "no figure". A renderer formats them by the column's `kind`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assistant.reports.period import Period

# How a column's values are shown (and typed in xlsx):
#   text   str                      left-aligned
#   int    int                      a count; right-aligned
#   number float                    one decimal (average years in post)
#   rate   float 0..1               a percentage: 0.345 shows as 34.5%
#   delta  int                      a signed change against the previous period: +2, −3, 0
#   date   str (YYYY-MM-DD)         a date
KINDS = ("text", "int", "number", "rate", "delta", "date")


@dataclass(frozen=True)
class Column:
    key: str  # the key of the value in each row (and in the JSON document)
    label: str  # the header people read
    kind: str = "text"


@dataclass
class Table:
    key: str  # its key in the JSON document: "units", "townships", "overdue"
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None  # a totals row, same keys (a text column holds "合计")
    note: str = ""  # one line under the table: a definition, why a figure is missing
    flag: str | None = None  # a bool key of each row: rows to highlight (over the vacancy threshold)
    link: str | None = None  # column whose value names a part of the report (a township's page)
    empty: str = ""  # shown instead of the table when it has no rows ("无逾期事项")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar" (one bar per category, a group of bars per series) | "line" (a trend)
    table: str  # the key of the Table it draws (of the same report)
    category: str  # the column along the axis: units, townships, weeks
    series: list[str]  # the columns drawn; all of one kind (int, or rate)


@dataclass
class Section:
    """A heading and its paragraphs: the 通报's 总体情况, 下步要求."""

    title: str
    paragraphs: list[str]


Block = Section | Table | Chart


@dataclass
class Report:
    name: str  # staffing | bulletin | quota | district
    title: str  # 2026年第48周督查督办通报
    office: str  # the office's name from assistant.toml
    period: Period
    today: dt.date
    blocks: list[Block]
    data: dict[str, Any]  # the JSON document's own keys (docs/reports.md), without the envelope
    notices: list[str] = field(default_factory=list)  # a workbook not readable, no history yet
    parts: dict[str, Report] = field(default_factory=dict)  # township -> its own report (district)
    unreadable: list[str] = field(default_factory=list)  # workbooks that could not be read (exit 2)
    scope: dict[str, str] | None = None  # the recipient's scope it was narrowed to; None: the whole office

    def table(self, key: str) -> Table:
        return next(b for b in self.blocks if isinstance(b, Table) and b.key == key)

    def to_json(self) -> dict[str, Any]:
        """The JSON document: an envelope (report, office, period, generated, notices) + data."""
        return {
            "report": self.name,
            "office": self.office,
            "period": {"code": self.period.code, "start": self.period.start.isoformat(),
                       "end": self.period.end.isoformat(), "until": self.period.until(self.today).isoformat()},
            "generated": self.today.isoformat(),
            "scope": self.scope or "all",
            **self.data,
            "unreadable": self.unreadable,
            "notices": self.notices,
            **({"parts": {name: part.to_json() for name, part in self.parts.items()}} if self.parts else {}),
        }
