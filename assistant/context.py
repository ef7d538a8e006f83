"""What a job is handed: the office, its sources, the clock and, for jobs that send, a Sender
and the robots' poster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.office import Office
from assistant.sending import Sender
from assistant.sources.base import Source

if TYPE_CHECKING:  # requests loads only when a job posts
    from assistant.robots.poster import RobotPoster


@dataclass
class JobContext:
    office: Office
    sources: dict[str, Source]
    today: dt.date
    lang: str = "zh"
    only: set[str] | None = None  # narrow to these registers (--register)
    dry_run: bool = False
    options: dict[str, object] = field(default_factory=dict)
    sender: Sender | None = None  # delivery + ledger, for the jobs that send
    robots: RobotPoster | None = None  # group robots, for the jobs that post
    scope: str | dict[str, str] = "all"  # the rows a report covers: a recipient's scope (docs/reports.md#scopes)
