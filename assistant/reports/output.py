"""A built report shown or saved in the format asked for (`assistant report --format … -o …`).

    table  the terminal (rich), 80 columns                     -o: not taken
    json   stdout, or the file -o                              docs/reports.md
    html   stdout, or the file -o (one page), or the folder -o: index.html + a page per township
    xlsx   the file -o (default: <report>-<period>.xlsx in the current folder)

Files are written to a temporary name and then renamed into place (`files.replace_whole`): a leader
opening the shared folder never sees half a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from assistant.errors import UsageError
from assistant.i18n import tr
from assistant.reports.model import Report
from assistant.sources import files

FORMATS = ("table", "json", "html", "xlsx")


def write(report: Report, fmt: str, output: Path | None, out: TextIO) -> list[Path]:
    """Show or save `report`; returns the files written (none when it went to `out`)."""
    if fmt == "table":
        if output is not None:
            raise UsageError(tr("reports.table_no_output"), hint=tr("reports.table_no_output_hint"))
        from assistant.reports.render_table import console_for, show

        show(report, console_for(out))
        return []
    if fmt == "json":
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
        return _text_or_file(text, output, out)
    if fmt == "html":
        from assistant.reports.render_html import page, publish

        if output is not None and (output.is_dir() or not output.suffix):
            return publish(report, output)
        return _text_or_file(page(report), output, out)
    from assistant.reports.render_xlsx import workbook_bytes

    target = output or Path(f"{report.name}-{report.period.code}.xlsx")
    return [put(target, workbook_bytes(report))]


def _text_or_file(text: str, output: Path | None, out: TextIO) -> list[Path]:
    if output is None:
        out.write(text)
        return []
    return [put(output, text.encode("utf-8"))]


def put(target: Path, data: bytes) -> Path:
    """`data` at `target`, appearing whole (`files.replace_whole`; report files are for leaders
    to read, so not private to this account); a place that cannot be written is a
    UsageError naming it (exit 2)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        files.replace_whole(target, data)
    except OSError as exc:
        raise UsageError(tr("reports.cannot_write", path=target, detail=exc.strerror or exc),
                         hint=tr("reports.cannot_write_hint")) from None
    return target

