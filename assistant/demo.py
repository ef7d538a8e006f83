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


def run_demo(folder: Path, today: dt.date | None, out: TextIO) -> None:
    folder = folder.absolute()
    config = folder / "assistant.toml"
    if not config.exists():
        init_folder(folder, today=today)
        out.write(tr("demo.created", folder=folder) + "\n")
    office = load_office(config)
    today = today or dt.datetime.now(office.config.tz).date()
    result = check(office, today, lang=get_lang())
    out.write(tr("demo.check_head") + "\n")
    check_text(result.findings, result.sheets, result.notices, out)
    out.write("\n" + tr("demo.flag_head") + "\n")
    flag_text(flag(office, today, lang=get_lang()), False, out)
    out.write("\n" + tr("demo.digest_head") + "\n")
    # The demo's config sends to the file outbox: nothing leaves the machine.
    for outcome in digest(office, today, lang=get_lang()).outcomes:
        out.write(outcome.message() + "\n")
    out.write("\n" + tr("demo.where", workbook=office.config.workbooks[0].source, config=config,
                         outbox=office.config.outbox_dir) + "\n")
