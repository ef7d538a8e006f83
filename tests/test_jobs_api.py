"""The library under the CLI: the public API, the one job registry, outcomes and exit codes, the
delivery registry, and the language of scheduled runs."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import assistant
from assistant.errors import UsageError
from assistant.ledger import Ledger
from assistant.outcome import EXIT_CODES, Outcome
from tests.conftest import TODAY, run_cli

DAY = dt.date.fromisoformat(TODAY)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def _only_check_every_minute(folder: Path, lang: str | None = None) -> None:
    """Config: only `check`, due every minute on any day (so `run --once` runs it now)."""
    config = folder / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    text = text[: text.index("[jobs.")]
    if lang:
        text = text.replace('name = "凤凰镇党政办"', f'name = "凤凰镇党政办"\nlang = "{lang}"')
    text += "".join(f"[jobs.{n}]\nenabled = false\n" for n in ("flag", "digest", "remind"))
    text += '[jobs.check]\ncron = "* * * * *"\nworkdays_only = false\n'
    config.write_text(text, encoding="utf-8")


def _runs(folder: Path, job: str) -> list[dict]:
    with Ledger(folder / ".assistant" / "ledger.sqlite") as ledger:
        return ledger.runs(job)


# --- the public API -----------------------------------------------------------------------------

def test_the_readme_example_runs_as_written(demo, monkeypatch):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(example.strip().splitlines()) <= 12
    monkeypatch.chdir(demo)
    printed: list[str] = []
    exec(compile(example, "README.md", "exec"), {"print": lambda *a: printed.append(" ".join(map(str, a)))})
    assert printed, "the example prints what it found"
    assert not list((demo / "outbox").glob("*.eml")), "the README example sends nothing"


def test_api_check_and_flag_return_typed_results(demo):
    office = assistant.load_office(demo / "assistant.toml")
    checked = assistant.check(office, DAY)
    assert isinstance(checked, assistant.CheckResult)
    assert checked.counts["error"] > 0 and checked.outcome is Outcome.DATA_ERRORS and checked.exit_code == 1
    assert {f.register for f in checked.findings} >= {"tasks"}

    workbook = demo / "data" / "凤凰镇.xlsx"
    before = workbook.read_bytes()
    flagged = assistant.flag(office, DAY, dry_run=True)
    assert isinstance(flagged, assistant.FlagResult)
    assert workbook.read_bytes() == before and flagged.written == []  # a dry run writes nothing
    assert {i["status"] for i in flagged.items} >= {"overdue", "due_soon"}
    assert assistant.flag(office, DAY).written  # and a real one writes


def test_api_digest_uses_the_configured_delivery_and_ledger(demo, monkeypatch):
    monkeypatch.delenv("ASSISTANT_ROBOT_WEBHOOK", raising=False)
    office = assistant.load_office(demo / "assistant.toml")
    first = assistant.digest(office, DAY)
    assert isinstance(first, assistant.DigestResult) and first.outcome is Outcome.OK
    # the mails written to the outbox; the demo's robot, its variable unset, said so (not a failure)
    assert {o.status for o in first.outcomes} == {"written", "unset"}
    again = assistant.digest(office, DAY)
    assert {o.status for o in again.outcomes} == {"already_sent", "unset"}  # the ledger, as from the CLI


def test_run_job_refuses_unknown_jobs_and_options_with_a_hint(demo):
    office = assistant.load_office(demo / "assistant.toml")
    with pytest.raises(UsageError) as e:
        assistant.run_job(office, "digets", DAY)
    assert "digest" in e.value.message
    with pytest.raises(UsageError) as e:
        assistant.run_job(office, "check", DAY, preview=True)
    assert "preview" in e.value.message


def test_importing_the_package_stays_cheap():
    code = "import sys, assistant; print('pandas' in sys.modules, sorted(assistant.__all__) == sorted(set(assistant.__all__)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
    for name in assistant.__all__:
        assert getattr(assistant, name) is not None


def test_the_digest_function_is_not_shadowed_by_a_module():
    import assistant.digests  # noqa: F401 - a submodule import must not replace the API function

    assert callable(assistant.digest) and assistant.digest.__module__ == "assistant.api"


# --- one job registry, one outcome → exit code map ----------------------------------------------

def test_jobs_list_shows_exactly_the_registry(demo):
    from assistant.jobs import JOBS

    res = run_cli("jobs", "list", "--config", demo / "assistant.toml", "--today", TODAY, "--format", "json")
    assert res.code == 0, res.err
    listed = {j["job"]: j["cron"] for j in res.json()}
    # every job but those scheduled only once assistant.toml has their table (the reports but the
    # bulletin, and the duty reminder: not every office keeps a duty register)
    assert set(listed) == {n for n, spec in JOBS.items() if not spec.opt_in}
    assert {"report_staffing", "report_quota", "report_district", "duty"} == {n for n, spec in JOBS.items() if spec.opt_in}
    # the init config overrides digest's schedule; the others are the registry's defaults
    assert all(listed[n] == JOBS[n].cron for n in listed if n != "digest")


def test_a_source_problem_is_exit_2_from_every_entry_point(demo):
    _only_check_every_minute(demo)
    (demo / "data" / "凤凰镇.xlsx").write_bytes(b"not a workbook")
    config = demo / "assistant.toml"
    assert run_cli("check", "--config", config).code == 2
    assert run_cli("run", "--once", "--config", config).code == 2  # was 1 before the outcome map
    assert run_cli("jobs", "run", "check", "--config", config).code == 2
    assert [r["outcome"] for r in _runs(demo, "check")] == ["problem", "problem"]


def test_data_errors_are_exit_1_from_every_entry_point(demo):
    _only_check_every_minute(demo)
    config = demo / "assistant.toml"
    assert run_cli("check", "--config", config, "--today", TODAY).code == 1
    assert run_cli("run", "--once", "--config", config).code == 1
    assert run_cli("jobs", "run", "check", "--config", config).code == 1
    assert EXIT_CODES[Outcome.DATA_ERRORS] == 1 and Outcome.PROBLEM.exit_code == 2 == Outcome.ERROR.exit_code


def test_scheduled_runs_speak_the_office_language_in_their_worker_thread(demo):
    """`assistant run` runs jobs in a worker thread, where the CLI never set a language."""
    from assistant.scheduler import Scheduler

    _only_check_every_minute(demo, lang="en")
    (demo / "data" / "凤凰镇.xlsx").write_bytes(b"not a workbook")
    sched = Scheduler(demo / "assistant.toml")
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.extend(sched.run_due()))
    worker.start()
    worker.join(60)
    assert outcomes == [Outcome.PROBLEM]
    error = _runs(demo, "check")[0]["error"]
    assert "is not a readable workbook" in error and "不是" not in error


# --- deliveries by transport name ---------------------------------------------------------------

def test_a_new_delivery_is_one_registration(demo, monkeypatch):
    from assistant.delivery import registry

    sent: list[str] = []

    class Pigeon:
        local = False

        def send(self, msg) -> str:
            sent.append(str(msg["To"]))
            return "<pigeon@example>"

        def close(self) -> None:
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setitem(registry._REGISTRY, "pigeon", lambda config: Pigeon())
    config = demo / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('transport = "file"', 'transport = "pigeon"'),
                      encoding="utf-8")
    res = run_cli("digest", "--config", config, "--today", TODAY)
    assert res.code == 0, res.err
    assert sent and all("@example.gov.cn" in to for to in sent)
    assert not list((demo / "outbox").glob("*.eml"))


def test_an_unknown_transport_is_a_config_error_naming_the_known_ones(demo):
    config = demo / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('transport = "file"', 'transport = "smpt"'),
                      encoding="utf-8")
    res = run_cli("digest", "--config", config, "--today", TODAY)
    assert res.code == 2
    assert "smtp" in res.err and "file" in res.err and "Traceback" not in res.err


def test_jobs_run_counts_deadlines_from_today_when_given(demo):
    """`jobs run flag --today D` writes what `flag --today D` would: the same label on every key."""
    from openpyxl import load_workbook

    config = demo / "assistant.toml"
    expected = {i["key"]: i["label"] for i in
                run_cli("flag", "--config", config, "--today", TODAY, "--dry-run", "--format", "json").json()["items"]
                if i["register"] == "tasks"}
    assert run_cli("jobs", "run", "flag", "--config", config, "--today", TODAY).code == 1  # the sample's mistakes
    assert _runs(demo, "flag")[0]["started_at"].startswith(TODAY)
    ws = load_workbook(demo / "data" / "凤凰镇.xlsx")["督查督办台账"]
    header = [c.value for c in ws[2]]
    key, status = header.index("编号"), header.index("预警状态")
    written = {row[key]: row[status] for row in ws.iter_rows(min_row=3, values_only=True) if row[key]}
    assert written == expected and "逾期" in written.values()


def test_the_job_registry_does_not_load_mail_and_templates():
    """Every command reads the registry; `check` and `flag` must not pay for jinja2, css-inline,
    openpyxl or yagmail, which only the jobs that send need."""
    code = ("import sys, assistant.jobs; "
            "print(sorted(m for m in ('jinja2', 'css_inline', 'openpyxl', 'yagmail') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
