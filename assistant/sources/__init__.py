"""Where registers are read from and written to: xlsx files and Google Sheets, one Protocol."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Config, WorkbookConfig
from assistant.errors import ConfigError
from assistant.i18n import tr
from assistant.sources.base import Source


def open_source(wb: WorkbookConfig, config: Config | None = None) -> Source:
    """The source for one `[[workbooks]]` entry. Only the CLI and the scheduler call this: jobs are
    handed their sources."""
    if wb.is_gsheets:
        raise ConfigError(tr("source.gsheets_unavailable", name=wb.name))
    from assistant.sources.xlsx import XlsxSource

    if config is None:
        return XlsxSource(wb.name, Path(wb.source))
    # One backup folder per workbook entry: two files both named 镇.xlsx never prune each other.
    return XlsxSource(wb.name, Path(wb.source), backups=config.state_dir / "backups" / wb.name,
                      keep_backups=config.keep_backups)
