"""What a job is handed: the office, its sources, the clock and, for jobs that send, a Sender."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.office import Office
from assistant.sending import Sender
from assistant.sources.base import Source


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
    scope: str | dict[str, str] = "all"  # the rows a report covers: a recipient's scope (docs/reports.md#scopes)
