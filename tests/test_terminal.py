"""The terminal and help (issue 15): help in the reader's language and never cut; `jobs list` and
`run --once` saying what they promise; notices on stderr; `flag` in an 80-column terminal and with
10,000 items; file names and log lines in the office time zone; the demo's next steps. Through
the CLI on the `init` office, a pseudo-terminal where a terminal is the point."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from rich.cells import cell_len

from assistant.cli import main
from assistant.cli_help import text as help_text
from assistant.i18n import CATALOG, tr, using
from assistant.jobs import JOBS
from tests.conftest import TODAY, read_terminal, run_cli

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal (pty) is POSIX")
CALENDAR_NOTICE = "2027 年的放假和调休安排尚未收录"


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_ROBOT_WEBHOOK", raising=False)
    folder = tmp_path / "凤凰镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    return folder


def cli(folder: Path, command: str, *args: str, today: str | None = TODAY):
    return run_cli(*command.split(), "--config", folder / "assistant.toml", *(["--today", today] if today else []),
                   *args)


def squeeze(text: str) -> str:
    return "".join(text.split())


# --- help -----------------------------------------------------------------------------------------

def _commands(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(main))


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "assistant")
def test_help_is_chinese_by_default_english_with_lang_and_every_option_has_one(path):
    cmd = dict(COMMANDS)[path]
    options = [p for p in cmd.params if isinstance(p, click.Option)]
    for lang, args, words in (("zh", [], ("用法：", "选项：")), ("en", ["--lang", "en"], ("Usage:", "Options:"))):
        res = run_cli(*path, "--help", *args)
        assert res.code == 0, res.err
        assert all(w in res.out for w in words), res.out
        with using(lang):
            assert squeeze(help_text(cmd.help)) in squeeze(res.out)  # the command's own description
            for option in options:  # each option listed with its text in that language
                assert option.help in CATALOG, f"{' '.join(path)} {option.opts}: no help text"
                assert squeeze(tr(option.help)) in squeeze(res.out), option.opts
            assert squeeze(tr("help.opt.help")) in squeeze(res.out)
        assert max(cell_len(line) for line in res.out.splitlines()) <= 80, res.out
    chinese = run_cli(*path, "--help").out
    assert "Show this message" not in chinese and "Usage:" not in chinese
    # --lang anywhere on the line, also before --help or with "="
    assert run_cli(*path, "--lang=en", "--help").out == run_cli(*path, "--help", "--lang", "en").out


def test_the_top_level_help_lists_every_command_with_its_whole_description():
    for args, lang in (([], "zh"), (["--lang", "en"], "en")):
        res = run_cli("--help", *args)
        listing = res.out[res.out.index(tr("help.commands") if lang == "zh" else "Commands:"):]
        assert "…" not in listing and "..." not in listing
        with using(lang):
            for name, cmd in main.commands.items():
                first = help_text(cmd.help).split("\n\n")[0]
                assert squeeze(f"{name}{first}") in squeeze(listing), name


def test_a_group_lang_holds_for_the_command_under_it(office):
    res = run_cli("--lang", "en", "check", "--config", office / "assistant.toml", "--today", TODAY)
    assert res.code == 1 and "errors" in res.out and "错误" not in res.out


def test_jobs_run_help_lists_the_job_names():
    for args in ([], ["--lang", "en"]):
        out = squeeze(run_cli("jobs", "run", "--help", *args).out)
        assert squeeze(", ".join(JOBS)) in out


# --- jobs list, run --once ---------------------------------------------------------------------

def test_jobs_list_shows_the_next_five_runs(office):
    res = cli(office, "jobs list", today="2026-12-30")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    digest = lines.index(next(line for line in lines if line.startswith("digest")))
    assert lines[digest + 1] == "  下次：2027-01-04 08:30、01-11 08:30、01-18 08:30、01-25 08:30、02-01 08:30"
    check = lines[lines.index(next(line for line in lines if line.startswith("check"))) + 1]
    assert check == "  下次：2026-12-30 07:00、12-31 07:00、01-04 07:00、01-05 07:00、01-06 07:00"
    assert all(cell_len(line) <= 80 for line in lines)


def _only_check_at(folder: Path, fire: dt.datetime) -> None:
    """The config's jobs: check daily at `fire`'s time (any day), the others disabled."""
    config = folder / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    others = "".join(f"[jobs.{n}]\nenabled = false\n" for n in ("flag", "digest", "remind", "report_bulletin"))
    text = text[: text.index("[jobs.")] + others + (
        f'[jobs.check]\ncron = "{fire.minute} {fire.hour} * * *"\nworkdays_only = false\ncatch_up = "1h"\n')
    config.write_text(text, encoding="utf-8")


def test_run_once_says_what_it_ran_or_when_the_next_run_is(office):
    tz = ZoneInfo("Asia/Shanghai")
    fire = (dt.datetime.now(tz) - dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    _only_check_at(office, fire)
    first = cli(office, "run", "--once", today=None)
    assert first.code == 1, first.err  # the sample's deliberate mistakes
    assert first.out == f"已运行 check（计划于 {fire:%Y-%m-%d %H:%M}）：数据有错误或有邮件未送达\n"
    again = cli(office, "run", "--once", "--lang", "en", today=None)
    assert again.code == 0
    assert again.out == f"Nothing due now; next: check at {fire + dt.timedelta(days=1):%Y-%m-%d %H:%M}\n"


# --- notices on stderr ------------------------------------------------------------------------------

def test_notices_go_to_stderr_in_text_mode_too(office):
    for command in ("flag --dry-run", "digest --dry-run", "remind --dry-run"):
        res = cli(office, command)
        assert CALENDAR_NOTICE in res.err and CALENDAR_NOTICE not in res.out, command
    (office / "sheets_schema" / "visits.yaml").write_text(
        "register: visits\ntitle: 来访登记\nfields:\n  - { name: 日期, type: date }\n", encoding="utf-8")
    res = cli(office, "check")  # a register no workbook holds: a notice
    assert "来访登记" in res.err and "visits" not in res.out and "合计" in res.out
    demo = run_cli("demo", office, "--today", TODAY)
    assert demo.err.count(CALENDAR_NOTICE) == 1 and CALENDAR_NOTICE not in demo.out


# --- flag in a terminal --------------------------------------------------------------------------

def _in_a_terminal(args: list[str], columns: int = 80) -> str:
    """What `python -m assistant ARGS` shows on a terminal `columns` wide (a pseudo-terminal)."""
    import fcntl
    import pty
    import struct
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([sys.executable, "-m", "assistant", *args], stdout=secondary, stderr=subprocess.DEVNULL,
                          env={**env, "NO_COLOR": "1", "TERM": "xterm"}, timeout=300)
    os.close(secondary)
    shown = read_terminal(primary)
    assert proc.returncode in (0, 1)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8")).replace("\r\n", "\n")


@POSIX
def test_flag_in_an_80_column_terminal_keeps_keys_rows_and_dates_whole(office):
    path = office / "data" / "凤凰镇.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["督查督办台账"]
    assert ws["A12"].value == "DB-2026-010"
    ws["E12"] = "欧阳赵磊（借调自县农业农村局乡村振兴服务中心）"  # a long owner: folded, not the key
    wb.save(path)
    items = cli(office, "flag", "--dry-run", "--format", "json").json()["items"]
    shown = _in_a_terminal(["flag", "--config", str(office / "assistant.toml"), "--today", TODAY, "--dry-run"])
    lines = shown.splitlines()
    assert max(cell_len(line) for line in lines) <= 80, shown
    urgent = [i for i in items if i["status"] in ("overdue", "due_soon", "behind_pace", "invalid")]
    assert urgent
    for item in urgent:  # one line holds the item's key, row and due date whole
        assert any(re.search(rf"(^|\s){re.escape(item['key'])}\s+{item['row']}\s+{item['due'] or ''}", line)
                   for line in lines), item
    assert "…" not in shown.split("共跟踪")[0]
    # The long owner is folded onto the lines below its row, in its column, all of it.
    header = next(line for line in lines if "责任人" in line)
    start, end = _column_at(header, "责任人"), _column_at(header, "分管领导")
    first = next(n for n, line in enumerate(lines) if "DB-2026-010" in line)
    block = [lines[first]] + list(itertools.takewhile(lambda line: line.startswith(" "), lines[first + 1:]))
    owner = "".join(_cells(line, start, end).strip() for line in block)
    assert owner == unicodedata.normalize("NFKC", "欧阳赵磊（借调自县农业农村局乡村振兴服务中心）")


def _column_at(line: str, text: str) -> int:
    """The terminal column where `text` starts in `line`."""
    return cell_len(line[: line.index(text)])


def _cells(line: str, start: int, end: int) -> str:
    """The characters of `line` shown in terminal columns [start, end)."""
    out, column = "", 0
    for ch in line:
        if start <= column < end:
            out += ch
        column += cell_len(ch)
    return out


def _many_tasks(folder: Path, n: int) -> None:
    """The init office's task register with `n` tasks, all overdue or due soon."""
    from openpyxl import load_workbook

    path = folder / "data" / "凤凰镇.xlsx"
    wb = load_workbook(path)
    ws = wb["督查督办台账"]
    template = [c.value for c in ws[3]]
    ws.delete_rows(3, ws.max_row)
    for i in range(n):
        row = list(template)
        row[0] = f"DB-2026-{i + 1:05d}"
        row[7] = dt.datetime(2026, 11, 2) + dt.timedelta(days=i % 20)  # 完成时限: overdue .. due soon
        row[9], row[10] = "推进中", None  # 办理状态, 办结日期
        ws.append(row)
    wb.save(path)


def test_flag_lists_the_most_urgent_items_and_counts_the_rest_quickly(office):
    import io

    import assistant
    from assistant.report import flag_text

    _many_tasks(office, 10_000)
    result = assistant.flag(assistant.load_office(office / "assistant.toml"), dt.date(2026, 11, 20), dry_run=True)
    urgent = [i for i in result.items if i["status"] in ("overdue", "due_soon", "behind_pace", "invalid")]
    assert len(urgent) >= 10_000 and len(result.items) > 10_000
    out = io.StringIO()
    started = time.process_time()  # this process's CPU: what other processes on the machine do is not counted
    flag_text(result, True, out)
    took = time.process_time() - started
    assert took < 1.0, f"{took:.2f} s to print {len(result.items)} items"  # was 8 s and more
    text = out.getvalue()
    key = re.compile(r"\b[A-Z]{2}-2026-\d{3,5}\b")
    listed = [m.group() for line in text.splitlines() if (m := key.search(line))]
    assert listed == [i["key"] for i in urgent[:200]]  # the most urgent, in order (docs/commands.md)
    rest = len(urgent) - 200
    assert f"……另有 {rest} 项未列出（" in text and "assistant flag --format json" in text


# --- the office time zone in file names and logs ---------------------------------------------------

def _far_zone() -> str:
    """An IANA zone whose offset now differs from this machine's by hours (whatever the machine's)."""
    here = dt.datetime.now().astimezone().utcoffset()
    return next(z for z in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Shanghai")
                if abs(dt.datetime.now(ZoneInfo(z)).utcoffset() - here) >= dt.timedelta(hours=3))


def test_outbox_backup_and_log_names_use_the_office_time_zone(office):
    zone = _far_zone()
    tz = ZoneInfo(zone)
    config = office / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    assert 'timezone = "Asia/Shanghai"' in text
    config.write_text(text.replace('timezone = "Asia/Shanghai"', f'timezone = "{zone}"', 1), encoding="utf-8")
    before = dt.datetime.now(tz).strftime("%Y%m%d-%H%M%S")
    assert cli(office, "digest").code == 0
    assert cli(office, "jobs run flag").code == 1  # the scheduler's way: logged
    after = dt.datetime.now(tz).strftime("%Y%m%d-%H%M%S")
    (mail, *_) = sorted((office / "outbox").glob("*.eml"))
    assert before <= mail.name[:15] <= after, (mail.name, before, after)
    (backup,) = (office / ".assistant" / "backups" / "凤凰镇").glob("*.xlsx")
    stamp = backup.name.split(".")[1][:15]
    assert before <= stamp <= after, (backup.name, before, after)
    log = (office / ".assistant" / "logs" / "assistant.log").read_text(encoding="utf-8")
    logged = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d{3}([+-]\d{4}) ", log)
    assert logged, log
    assert dt.datetime.strptime(logged.group(1), "%Y-%m-%d %H:%M:%S").strftime("%Y%m%d-%H%M%S") >= before
    assert logged.group(2) == dt.datetime.now(tz).strftime("%z")


# --- the demo's last words -----------------------------------------------------------------------

def test_demo_ends_with_the_next_commands_to_try_and_each_one_works(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_ROBOT_WEBHOOK", raising=False)
    res = run_cli("demo", tmp_path / "demo office", "--today", TODAY)
    assert res.code == 0, res.err
    tail = res.out.rstrip("\n").split("\n\n")[-1].splitlines()
    assert tail[0] == "接下来可以试试："
    commands = [line.strip() for line in tail[1:]]
    assert len(commands) >= 4 and all(c.startswith("assistant ") for c in commands)
    assert any(c.startswith("assistant remind --preview") for c in commands)
    for command in commands:  # as typed into a shell: the quoted folder with a space is one argument
        args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', command)][1:]
        ran = run_cli(*args)
        assert ran.code in (0, 1), (command, ran.err)
