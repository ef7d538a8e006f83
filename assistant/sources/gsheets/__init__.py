"""Google Sheets: read and written through the Sheets API, in at most three requests per cycle."""

from assistant.sources.gsheets.source import GSheetsSource

__all__ = ["GSheetsSource"]
