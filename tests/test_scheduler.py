"""`assistant run` and `assistant jobs`: real processes, real time (seconds), a real ledger."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.ledger import Ledger
from tests.conftest import TODAY, run_cli

TZ = dt.timezone(dt.timedelta(hours=8))
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals (SIGTERM, SIGKILL to another process)")


@pytest.fixture
def office(tmp_path):
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def set_jobs(folder: Path, jobs: str) -> None:
    config = folder / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    text = text[: text.index("[jobs.")] + jobs
    config.write_text(text, encoding="utf-8")


def only(job: str, cron: str, extra: str = "") -> str:
    others = "".join(f"[jobs.{n}]\nenabled = false\n" for n in ("check", "flag", "digest", "remind") if n != job)
    return f'{others}[jobs.{job}]\ncron = "{cron}"\n{extra}'


def start(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "assistant", "run", "--config", str(folder / "assistant.toml"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder,
                            env={**os.environ, **env} if env else None)


def runs(folder: Path, job: str) -> list[dict]:
    path = folder / ".assistant" / "ledger.sqlite"
    if not path.exists():
        return []
    with Ledger(path) as ledger:
        return ledger.runs(job)


def finished(folder: Path, job: str) -> list[dict]:
    return [r for r in runs(folder, job) if r["finished_at"]]


def serve_until(folder: Path, job: str, n: int, timeout: float, sig: int = signal.SIGTERM,
                env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the scheduler until `job` has finished `n` runs, stop it with `sig`: (exit code, stderr)."""
    proc = start(folder, env=env)
    try:
        assert wait_for(lambda: len(finished(folder, job)) >= n, timeout)
    finally:
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def wait_for(predicate, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_jobs_list_json_and_words(office):
    res = run_cli("jobs", "list", "--config", office / "assistant.toml", "--today", "2026-11-20", "--format", "json")
    assert res.code == 0, res.err
    jobs = {j["job"]: j for j in json.loads(res.out)}
    # the reports but the weekly bulletin are scheduled only when assistant.toml has their table
    assert set(jobs) == {"check", "flag", "digest", "remind", "report_bulletin"}
    assert jobs["report_bulletin"]["next_runs"][0] == "2026-11-20T16:00:00+08:00"  # Friday afternoon
    digest = jobs["digest"]
    assert digest["cron"] == "30 8 * * mon" and digest["workdays_only"] is True
    assert digest["next_runs"][:2] == ["2026-11-23T08:30:00+08:00", "2026-11-30T08:30:00+08:00"]
    assert all(r.endswith("+08:00") for j in jobs.values() for r in j["next_runs"]) and len(digest["next_runs"]) == 5
    text = run_cli("jobs", "list", "--config", office / "assistant.toml", "--today", "2026-11-20")
    assert "每周一 08:30" in text.out and "仅工作日" in text.out


def test_workdays_only_skips_holidays_and_runs_swapped_days(office):
    set_jobs(office, only("remind", "0 9 * * 1-5", "workdays_only = true\n"))
    res = run_cli("jobs", "list", "--config", office / "assistant.toml", "--today", "2026-09-30", "--format", "json")
    runs_ = json.loads(res.out)[0]["next_runs"]
    # 1-7 October are the National Day holidays (skipped); Saturday 10 October is a swapped working
    # day (调休), so a Monday-to-Friday job limited to working days runs on it like on a weekday.
    assert runs_ == ["2026-09-30T09:00:00+08:00", "2026-10-08T09:00:00+08:00", "2026-10-09T09:00:00+08:00",
                     "2026-10-10T09:00:00+08:00", "2026-10-12T09:00:00+08:00"]
    set_jobs(office, only("remind", "0 9 * * *", "workdays_only = true\n"))
    res = run_cli("jobs", "list", "--config", office / "assistant.toml", "--today", "2026-10-09", "--format", "json")
    assert json.loads(res.out)[0]["next_runs"][:2] == ["2026-10-09T09:00:00+08:00", "2026-10-10T09:00:00+08:00"]


def test_unknown_job_and_bad_cron_are_config_errors(office):
    set_jobs(office, "[jobs.digets]\ncron = \"30 8 * * mon\"\n")
    res = run_cli("jobs", "list", "--config", office / "assistant.toml")
    assert res.code == 2 and "是不是“digest”" in res.err
    set_jobs(office, "[jobs.digest]\ncron = \"30 25 * * mon\"\n")
    res = run_cli("jobs", "list", "--config", office / "assistant.toml")
    assert res.code == 2 and "30 25 * * mon" in res.err


def test_jobs_run_records_the_run(office):
    res = run_cli("jobs", "run", "check", "--config", office / "assistant.toml")
    assert res.code == 1  # the sample has errors on purpose
    (run,) = runs(office, "check")
    assert run["outcome"] == "data_errors" and run["counts"]["error"] > 0
    assert (office / ".assistant" / "logs" / "assistant.log").read_text(encoding="utf-8").count("check data_errors") == 1


@pytest.mark.slow
@POSIX
def test_fires_on_schedule_and_stops_cleanly_on_sigterm(office):
    set_jobs(office, only("check", "*/2 * * * * *", "workdays_only = false\n"))
    code, err = serve_until(office, "check", 2, 20)
    assert code == 0, err
    assert "scheduler stopped" in err
    # the lock is released: another scheduler can start at once
    again = start(office, "--once")
    assert again.wait(timeout=30) in (0, 1)


@pytest.mark.slow
@POSIX
def test_two_schedulers_started_together_one_runs_and_the_lock_dies_with_kill_9(office):
    set_jobs(office, only("check", "0 7 * * *"))
    both = [start(office), start(office)]  # at the same moment: exactly one gets the folder
    try:
        assert wait_for(lambda: any(p.poll() is not None for p in both), 30)
        loser = next(p for p in both if p.poll() is not None)
        winner = next(p for p in both if p is not loser)
        out, err = loser.communicate(timeout=30)
        assert loser.returncode == 2 and "已有一个 assistant run 在运行" in err and str(winner.pid) in err
        time.sleep(1)
        assert winner.poll() is None  # still running
    finally:
        for p in both:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
    third = start(office, "--once")  # kill -9 released the lock
    assert third.wait(timeout=30) in (0, 1)


@pytest.mark.slow
@POSIX
def test_missed_fire_time_runs_once_at_start_up(office):
    fire = (dt.datetime.now(TZ) + dt.timedelta(seconds=8)).replace(microsecond=0)
    set_jobs(office, only("check", f"{fire.second} {fire.minute} {fire.hour} * * *", 'workdays_only = false\ncatch_up = "1h"\n'))
    proc = start(office)  # up before the fire time…
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)  # …and down over it
    proc.communicate(timeout=30)
    assert runs(office, "check") == []
    time.sleep(max(0.0, (fire - dt.datetime.now(TZ)).total_seconds()) + 1.5)
    for _ in range(2):  # started after the fire time, twice: the missed run happens once
        again = start(office, "--once")
        again.communicate(timeout=60)
    assert len(runs(office, "check")) == 1


@pytest.mark.slow
@POSIX
def test_a_failing_job_is_recorded_reported_and_the_scheduler_goes_on(office):
    import email
    from email import policy

    config = office / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "凤凰镇党政办"', 'name = "凤凰镇党政办"\nadmin_email = "admin@example.gov.cn"'), encoding="utf-8")
    set_jobs(office, only("check", "*/2 * * * * *", "workdays_only = false\n"))
    (office / "data" / "凤凰镇.xlsx").write_bytes(b"not a workbook")  # every run fails
    code, err = serve_until(office, "check", 2, 20)
    assert code == 0
    assert all(r["outcome"] == "problem" and "凤凰镇.xlsx" in r["error"] for r in finished(office, "check"))
    assert "check problem" in err and "不是可读取的工作簿" in err
    log = (office / ".assistant" / "logs" / "assistant.log").read_text(encoding="utf-8")
    # the unreadable workbook is logged as the failure (the job itself went on: no traceback to show)
    assert "check failed" in log and "凤凰镇.xlsx" in log.split("check failed", 1)[1]
    alerts = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in (office / "outbox").glob("*.eml")]
    assert len(alerts) == 1 and alerts[0]["To"].addresses[0].addr_spec == "admin@example.gov.cn"  # once a day
    assert "运行出错" in alerts[0]["Subject"]


@pytest.mark.slow
@POSIX
def test_kill_9_mid_digest_then_restart_sends_each_digest_exactly_once(office, tmp_path):
    """The scheduler is killed after the server took the first digest but before it could say so;
    the restarted one sends the rest, and nobody gets a digest twice (what the server received).
    (Had the server not kept that message, it would be lost rather than sent twice: an
    interrupted send is never repeated automatically; the start-up log lists it for `--force`.)"""
    import asyncio
    import re
    import threading

    from aiosmtpd.controller import Controller

    received: list[list[str]] = []
    in_data, release = threading.Event(), threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(list(envelope.rcpt_tos))  # the server has the message…
            if len(received) == 1 and not release.is_set():
                in_data.set()  # …but the client is still waiting for our "250 OK" when it dies
                await asyncio.get_running_loop().run_in_executor(None, release.wait)
            return "250 OK"

    from tests.smtp_server import _free_port

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = office / "assistant.toml"
        text = re.sub(r"\[mail\].*?(?=\[\[recipients\]\])",
                      f'[mail]\ntransport = "smtp"\nsender = "党政办 <dzb@example.gov.cn>"\n'
                      f'allowed_domains = ["example.gov.cn"]\nhost = "127.0.0.1"\nport = {port}\n'
                      f'security = "none"\ntimeout = 20\n\n', config.read_text(encoding="utf-8"), flags=re.S)
        config.write_text(text, encoding="utf-8")
        set_jobs(office, only("digest", "* * * * * *", 'workdays_only = false\ncatch_up = "1h"\n'))
        first = start(office, "--once")
        assert in_data.wait(30), first.communicate(timeout=5)
        first.kill()  # kill -9 between the server taking the first digest and the ledger hearing of it
        first.wait(timeout=10)
        release.set()
        again = start(office, "--once")
        out, err = again.communicate(timeout=60)
        third = start(office, "--once")
        third.communicate(timeout=60)
    finally:
        controller.stop()
    recipients = sorted(r for rcpts in received for r in rcpts)
    assert recipients == ["liming@example.gov.cn", "zhangjg@example.gov.cn"], (recipients, err)


@pytest.mark.slow
@POSIX
def test_a_job_still_running_is_not_started_again(office, tmp_path):
    """Every second, a check that takes longer than a second: the runs never overlap. The job is
    made slow at its exact step (a sitecustomize in the scheduler's process wraps the registry's
    check), not by a workbook big enough to take seconds on some machine."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import dataclasses, time\n"
        "import assistant.jobs as jobs\n"
        "spec = jobs.JOBS['check']\n"
        "def slow(ctx, run=spec.run):\n"
        "    time.sleep(1.5)\n"
        "    return run(ctx)\n"
        "jobs.JOBS['check'] = dataclasses.replace(spec, run=slow)\n", encoding="utf-8")
    set_jobs(office, only("check", "* * * * * *", "workdays_only = false\n"))
    code, _ = serve_until(office, "check", 3, 60, signal.SIGINT, env={"PYTHONPATH": str(hook)})
    assert code == 0
    done = sorted((r["started_at"], r["finished_at"]) for r in finished(office, "check"))
    assert all(later[0] >= earlier[1] for earlier, later in zip(done, done[1:])), done
    assert any(dt.datetime.fromisoformat(f) - dt.datetime.fromisoformat(s) >= dt.timedelta(seconds=1)
               for s, f in done)  # the job really outlasted its interval
