"""The report jobs and when each runs by default (the job registry reads this without importing them)."""

from __future__ import annotations

# report -> (default cron, the period a scheduled run reports on, working days only)
REPORT_SCHEDULES: dict[str, tuple[str, str, bool]] = {
    "staffing": ("0 8 1 * *", "last-month", False),  # the 1st of each month, for the month before
    "quota": ("30 8 1 * *", "last-month", False),
    "bulletin": ("0 16 * * 5", "week", True),  # Friday afternoon, for the week
    "district": ("0 17 * * 5", "week", True),
}
