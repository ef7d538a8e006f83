"""The scheduled jobs, one small module each, and the one registry of them.

A job takes a JobContext (office, sources, clock, and for jobs that send a Sender) and returns a
JobResult; it never builds its own clients. `JOBS` is the only list of jobs: the scheduler's
defaults, `assistant jobs list/run`, `assistant run` and the library API (`assistant.run_job`)
all read it. A new job is one module here plus one `JobSpec` below.

A job's module is imported when the job runs, not when the registry is: the config names jobs
(`[jobs.X]`) and is read before anything else, and the jobs import pandas and every check.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .schedules import REPORT_SCHEDULES

if TYPE_CHECKING:
    from assistant.context import JobContext
    from assistant.outcome import JobResult


def _job(module: str, *args: str) -> Callable[[JobContext], JobResult]:
    """The run function of `assistant.jobs.<module>` (its `run`, or `report_job(*args)`), imported
    on the first run."""

    def run(ctx: JobContext) -> JobResult:
        mod = importlib.import_module(f"{__name__}.{module}")
        fn: Callable[[JobContext], JobResult] = mod.report_job(*args) if args else mod.run
        return fn(ctx)

    return run


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Callable[[JobContext], JobResult]
    cron: str  # the default schedule (cron syntax, office time zone); `[jobs.NAME] cron` overrides it
    sends: bool  # needs a delivery and the ledger (mail, robots)
    options: tuple[str, ...] = ()  # what a caller may pass: register, dry_run, force, to, preview
    workdays_only: bool = True  # by default, run on working days of the official calendar only
    opt_in: bool = False  # scheduled only when assistant.toml has its [jobs.NAME] table


JOBS: dict[str, JobSpec] = {spec.name: spec for spec in (
    JobSpec("check", _job("check"), "0 7 * * 1-5", sends=False, options=("register",)),
    JobSpec("flag", _job("flag"), "10 7 * * 1-5", sends=False, options=("register", "dry_run")),
    JobSpec("digest", _job("digest"), "30 8 * * mon", sends=True, options=("force", "to", "preview", "dry_run")),
    JobSpec("remind", _job("remind"), "0 9 * * 1-5", sends=True, options=("force", "to", "preview", "dry_run")),
    *(JobSpec(f"report_{name}", _job("report", name), cron, sends=True, options=("force", "to", "dry_run", "period"),
              workdays_only=workdays, opt_in=name != "bulletin")  # the weekly 督查通报 goes out by default
      for name, (cron, _, workdays) in REPORT_SCHEDULES.items()),
    # the evening before, every day (duty covers holidays); for offices that keep a duty register
    JobSpec("duty", _job("duty"), "0 18 * * *", sends=True, options=("force", "to", "dry_run"), workdays_only=False,
            opt_in=True),
)}
