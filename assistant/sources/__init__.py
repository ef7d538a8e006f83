"""Where registers are read from and written to: xlsx files and Google Sheets, one Protocol."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Config, WorkbookConfig
from assistant.sources.base import Source


def open_source(wb: WorkbookConfig, config: Config | None = None) -> Source:
    """The source for one `[[workbooks]]` entry. Only the CLI and the scheduler call this: jobs are
    handed their sources."""
    # Backups are kept only for an office (a config); a bare workbook entry has nowhere to keep them.
    backups = config.state_dir / "backups" / wb.name if config is not None else None
    keep = config.keep_backups if config is not None else 10
    if wb.is_gsheets:
        from assistant.sources.gsheets.source import GSheetsSource
        from assistant.sources.gsheets.http import api_base, connect, spreadsheet_key

        api_base(wb)  # a bad api_url is a config error now, not at the first request
        return GSheetsSource(wb.name, spreadsheet_key(wb.source), lambda: connect(wb), backups=backups,
                             keep_backups=keep)
    from assistant.sources.xlsx.source import XlsxSource

    # One backup folder per workbook entry: two files both named 镇.xlsx never prune each other.
    return XlsxSource(wb.name, Path(wb.source), backups=backups, keep_backups=keep)
