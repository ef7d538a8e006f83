"""Local Excel/WPS workbooks (.xlsx): read with python-calamine, written back by patching the package."""

from assistant.sources.xlsx.source import XlsxSource

__all__ = ["XlsxSource"]
