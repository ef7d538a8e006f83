"""`assistant run`: one long-running scheduler per office folder (APScheduler 3, BlockingScheduler).

State lives in the ledger (.assistant/ledger.sqlite), not in an APScheduler job store: every run is
recorded there, and at start-up a job whose latest fire time (within `catch_up`) has no finished
run after it runs once — so a scheduler that was down over a fire time catches up exactly once,
and a job killed mid-way (kill -9) runs again, its sends deduplicated by the ledger. Re-adding
jobs at start-up therefore never loses or repeats a run, whatever APScheduler's own defaults.

Exactly one scheduler per folder: an OS file lock on .assistant/scheduler.lock (filelock: flock on
POSIX, msvcrt on Windows), which the OS releases when the process dies, even by kill -9. The
holder's pid is in .assistant/scheduler.pid, so a refusal can name it.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import re
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import filelock

from assistant import cron
from assistant.calendar import WorkCalendar
from assistant.config import Config
from assistant.errors import AssistantError, ConfigError
from assistant.i18n import tr
from assistant.jobs import JOBS
from assistant.ledger import FILENAME, Ledger
from assistant.outcome import JobResult, Outcome
from assistant.text import visible

DEFAULT_CATCH_UP = dt.timedelta(hours=12)
log = logging.getLogger("assistant.scheduler")


class SchedulerRunning(AssistantError):
    """Another `assistant run` holds this office folder."""


@dataclass(frozen=True)
class Job:
    name: str
    expr: str
    workdays_only: bool
    catch_up: dt.timedelta
    trigger: object  # an APScheduler CronTrigger in the office time zone


def catch_up_of(text: str | None, job: str) -> dt.timedelta:
    if not text:
        return DEFAULT_CATCH_UP
    m = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not m:
        raise ConfigError(tr("run.bad_catch_up", job=job, value=text))
    return dt.timedelta(seconds=int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)])


def jobs_of(config: Config) -> list[Job]:
    """The office's jobs: the registry's defaults, with each [jobs.NAME] table taking precedence."""
    out = []
    for name, default in JOBS.items():
        given = config.jobs.get(name)
        if (given is not None and not given.enabled) or (given is None and default.opt_in):
            continue
        expr = given.cron if given and given.cron else default.cron
        workdays = given.workdays_only if given and given.cron else default.workdays_only
        out.append(Job(name, expr, workdays, catch_up_of(given.catch_up if given else None, name),
                       cron.parse(expr, config.timezone)))
    return out


@dataclass(frozen=True)
class Planned:
    """A job's schedule as `assistant jobs list` shows it."""

    job: str
    cron: str
    workdays_only: bool
    words: str  # the schedule in words, in the current language
    next_runs: list[dt.datetime]


def planned(config: Config, start: dt.datetime | None = None, n: int = 5) -> list[Planned]:
    """Each enabled job and its next `n` run times from `start` (default: now in the office time zone)."""
    calendar = WorkCalendar.from_config(config)
    start = start or dt.datetime.now(config.tz)
    return [Planned(job.name, job.expr, job.workdays_only, cron.describe(job.expr, job.workdays_only),
                    cron.next_runs(job.trigger, start, n, calendar.is_workday if job.workdays_only else None))
            for job in jobs_of(config)]


class Lock:
    """One scheduler per office folder (portable: filelock picks flock or msvcrt)."""

    def __init__(self, state_dir: Path):
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "scheduler.lock"
        self.pid_path = state_dir / "scheduler.pid"
        self._lock = filelock.FileLock(self.path, timeout=0)

    def __enter__(self) -> Lock:
        try:
            self._lock.acquire()
        except filelock.Timeout:
            holder = ""
            for _ in range(40):  # the holder may have the lock but not yet have written its pid
                holder = self._holder()
                if holder:
                    break
                time.sleep(0.05)
            raise SchedulerRunning(tr("run.already", folder=self.path.parent.parent, pid=holder or "?"),
                                   hint=tr("run.already_hint")) from None
        self.pid_path.write_text(str(os.getpid()), encoding="ascii")
        return self

    def _holder(self) -> str:
        try:
            return self.pid_path.read_text(encoding="ascii").strip()
        except OSError:
            return ""

    def __exit__(self, *exc: object) -> None:
        if self._lock.is_locked:
            self.pid_path.unlink(missing_ok=True)
            self._lock.release()  # so does the process dying


class _Visible(logging.Formatter):
    """Log lines are read on a terminal (stderr, `tail` of the file): cell text quoted in them
    shows its control characters as symbols, never raw (assistant.text.visible). Their time is the
    office's (`tz`), as in the mail and the file names, with its UTC offset."""

    def __init__(self, fmt: str, tz: dt.tzinfo | None = None):
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        when = dt.datetime.fromtimestamp(record.created, self.tz).astimezone(self.tz)
        return f"{when:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}{when:%z}"

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


def setup_logging(state_dir: Path, tz: dt.tzinfo | None = None) -> None:
    """One line per run to stderr and to a rotating file in .assistant/logs/ (of this folder: a
    process that serves another folder afterwards, a test run say, logs there from then on),
    stamped in the office time zone `tz` (None: the machine's)."""
    path = (state_dir / "logs" / "assistant.log").absolute()
    top = logging.getLogger("assistant")  # the scheduler's lines and those of the jobs it runs (sending)
    if any(getattr(h, "baseFilename", None) == str(path) for h in top.handlers):
        return
    for old in list(top.handlers):
        top.removeHandler(old)
        old.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = _Visible("%(asctime)s %(levelname)s %(message)s", tz)
    for handler in (logging.StreamHandler(),
                    logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")):
        handler.setFormatter(fmt)
        top.addHandler(handler)
    top.setLevel(logging.INFO)


Runner = Callable[[str, dt.date], JobResult]  # (job name, today) -> the job's result


class Scheduler:
    def __init__(self, config_path: Path, run_job: Runner | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        from assistant.config import load_config

        self.config_path = config_path
        self.config = load_config(config_path)
        self.tz = self.config.tz
        self.jobs = jobs_of(self.config)
        self.calendar = WorkCalendar.from_config(self.config)
        self.run_job = run_job or self._run_from_files
        self.clock = clock or (lambda: dt.datetime.now(self.tz))
        self.ledger_path = self.config.state_dir / FILENAME

    def _run_from_files(self, name: str, today: dt.date) -> JobResult:
        """One job on the office as its files say now: an admin's edit to the config or a schema
        applies from the next run, without a restart. In the office's language (`run_job`)."""
        from assistant.api import load_office, run_job

        return run_job(load_office(self.config_path), name, today)

    def is_workday(self, day: dt.date) -> bool:
        return self.calendar.is_workday(day)

    def run(self, job: Job, fire: dt.datetime | None = None) -> Outcome:
        """Run one job now (the scheduler's callback): skip non-working days if asked, record the
        run in the ledger, log one line, never let an exception escape."""
        now = self.clock()
        today = now.date()
        if job.workdays_only and not self.is_workday(today):
            log.info("%s skipped: %s is not a working day", job.name, today)
            return Outcome.SKIPPED
        with Ledger(self.ledger_path) as ledger:
            run_id = ledger.run_started(job.name, now)
        started = time.monotonic()
        outcome, counts, error, trace = Outcome.OK, {}, None, ""
        try:
            result = self.run_job(job.name, today)
            outcome, counts = result.outcome, summary(result)
            if problems := getattr(result, "problems", None):  # a workbook not read or not written; the rest ran
                error = "\n".join(problems)
        except AssistantError as exc:  # the office's own problem (a workbook, the config): said plainly
            outcome, error, trace = Outcome.PROBLEM, str(exc), traceback.format_exc()
        except Exception:  # a bug: logged with its traceback, reported, and the scheduler goes on
            outcome, error = Outcome.ERROR, traceback.format_exc()
            trace = error
        duration = time.monotonic() - started
        with Ledger(self.ledger_path) as ledger:
            ledger.run_finished(run_id, self.clock(), outcome.value, counts, error)
        line = " ".join(f"{k}={v}" for k, v in counts.items())
        log.info("%s %s start=%s duration=%.1fs %s", job.name, outcome.value, now.isoformat(timespec="seconds"), duration, line)
        if error:
            log.error("%s failed: %s\n%s", job.name, error if outcome is Outcome.PROBLEM else "", trace.rstrip())
            self.alert(job.name, error)
        return outcome

    def due(self) -> list[tuple[Job, dt.datetime]]:
        """Jobs whose latest fire time within `catch_up` has no finished run started after it."""
        now = self.clock()
        out = []
        with Ledger(self.ledger_path) as ledger:
            for job in self.jobs:
                last = ledger.last_run(job.name, finished=True)
                since = now - job.catch_up
                if last is not None:
                    since = max(since, dt.datetime.fromisoformat(last["started_at"]))
                fire = cron.due_since(job.trigger, since, now, self.is_workday if job.workdays_only else None)
                if fire is not None:
                    out.append((job, fire))
        return out

    def report_uncertain(self) -> None:
        """Sends whose outcome is unknown (a crash mid-send, a lost answer) are never repeated
        automatically: say so, and how to resend one."""
        from assistant.sending import COMMANDS

        with Ledger(self.ledger_path) as ledger:
            for row in ledger.uncertain():
                log.warning("%s to %s (%s) may not have arrived (%s); after checking, resend with: "
                            "assistant %s --force --to %s", row["job"], row["recipient"], row["period"],
                            row["last_error"] or "interrupted", COMMANDS.get(row["job"], "digest"),
                            row["recipient"])

    def run_due(self) -> list[Outcome]:
        return [self.run(job, fire) for job, fire in self.due()]

    def next_run(self) -> tuple[str, dt.datetime] | None:
        """The job that fires next after now and when, in the office time zone (None: no job is
        scheduled), counting working days as the scheduler does."""
        start = self.clock() + dt.timedelta(seconds=1)
        upcoming = [(runs[0], job.name) for job in self.jobs
                    if (runs := cron.next_runs(job.trigger, start, 1, self.is_workday if job.workdays_only else None))]
        if not upcoming:
            return None
        when, name = min(upcoming)
        return name, when

    def serve(self) -> None:
        """Catch up, then run every job on its schedule until SIGTERM or SIGINT."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler

        self.report_uncertain()
        self.run_due()
        # One worker: jobs that write the same workbooks never run at the same time, and a job
        # still running at its next fire time is not started twice (max_instances=1).
        sched = BlockingScheduler(timezone=self.tz, executors={"default": ThreadPoolExecutor(1)},
                                  job_defaults={"coalesce": True, "max_instances": 1})
        for job in self.jobs:
            # workdays_only: the calendar decides the days (holidays off, swapped weekends on),
            # the same way `jobs list` and the catch-up count them.
            trigger = cron.WorkdayTrigger(job.trigger, self.is_workday) if job.workdays_only else job.trigger
            sched.add_job(self.run, trigger, args=[job], id=job.name, name=job.name,
                          misfire_grace_time=int(job.catch_up.total_seconds()))

        def stop(signum: int, frame: object) -> None:
            log.info("stopping (signal %s): the running job, if any, finishes first", signum)
            sched.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("scheduler started: %s", ", ".join(f"{j.name} [{j.expr}]" for j in self.jobs))
        sched.start()
        log.info("scheduler stopped")

    def alert(self, job: str, error: str) -> None:
        """Tell the admin (if configured) that a job failed — once per job per day, however often
        it fails; a failure to tell is only logged."""
        admin = self.config.admin_email
        if not admin:
            return
        from assistant.delivery.mail import build_message, open_delivery
        from assistant.sending import Sender

        subject = tr("run.alert_subject", office=self.config.office_name, job=job)
        try:
            with Ledger(self.ledger_path) as ledger, open_delivery(self.config) as delivery:
                sender = Sender(delivery, ledger, self.config.mail.allowed_domains)
                outcome = sender.send("alert", admin, admin, [f"{self.clock().date()}|{job}"],
                                      lambda _: build_message(self.config.mail.sender, [admin], subject, error))
            if outcome.failed or outcome.status in ("blocked", "no_address"):
                log.error("could not alert %s: %s", admin, outcome.message())
        except Exception as exc:  # noqa: BLE001 - the alert is best effort, the log has the error
            log.error("could not alert %s: %s", admin, exc)


def summary(result: object) -> dict[str, int]:
    """A few counts of a job's result for the log line and the ledger."""
    counts: dict[str, int] = {}
    if hasattr(result, "findings"):
        from assistant.findings import counts as finding_counts

        counts.update(finding_counts(result.findings))
    for name in ("items", "written", "outcomes", "problems"):
        if isinstance(getattr(result, name, None), list):
            counts[name] = len(getattr(result, name))
    for o in getattr(result, "outcomes", []) or []:
        counts[o.status] = counts.get(o.status, 0) + 1
    return counts
