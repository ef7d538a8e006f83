"""`assistant demo`: the whole cycle on a demo office folder, for a first look."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO

from assistant.api import check, digest, flag
from assistant.i18n import get_lang, tr
from assistant.office import load_office
from assistant.report import check_text, flag_text
from assistant.scaffold import init_folder
from assistant.text import visible

# What to try next, as `init` says where to start: each runs on the demo folder as it is now.
NEXT = ("flag --dry-run", "digest --dry-run", "remind --preview", "report bulletin", "jobs list")


def run_demo(folder: Path, today: dt.date | None, out: TextIO, err: TextIO) -> None:
    """The cycle on `folder`: results on `out`, notices (once each) on `err`."""
    folder = folder.absolute()
    given = today
    config = folder / "assistant.toml"
    if not config.exists():
        init_folder(folder, today=today)
        out.write(tr("demo.created", folder=folder) + "\n")
    office = load_office(config)
    today = today or dt.datetime.now(office.config.tz).date()
    result = check(office, today, lang=get_lang())
    out.write(tr("demo.check_head") + "\n")
    check_text(result.findings, result.sheets, out)
    flagged = flag(office, today, lang=get_lang())
    for notice in dict.fromkeys(result.notices + flagged.notices):
        err.write(visible(f"{tr('report.notice')}{notice}") + "\n")
    out.write("\n" + tr("demo.flag_head") + "\n")
    flag_text(flagged, False, out)
    out.write("\n" + tr("demo.digest_head") + "\n")
    # The demo's config sends to the file outbox: nothing leaves the machine.
    for outcome in digest(office, today, lang=get_lang()).outcomes:
        out.write(outcome.message() + "\n")
    out.write("\n" + tr("demo.where", workbook=office.config.workbooks[0].source, config=config,
                         outbox=office.config.outbox_dir) + "\n")
    options = f"--config {_arg(config)}" + (f" --today {given.isoformat()}" if given else "")
    out.write("\n" + tr("demo.next") + "\n" + "".join(f"  assistant {cmd} {options}\n" for cmd in NEXT))


def _arg(path: Path) -> str:
    """A path as typed into a shell (POSIX or Windows): quoted when it has a space."""
    text = str(path)
    return f'"{text}"' if any(c.isspace() for c in text) else text
