"""Reports leaders act on (docs/reports.md): built from the registers and the history of deadline
statuses, shown as a terminal table, JSON, a self-contained HTML page or an xlsx workbook.

    period.py   week / month / quarter, named as people name them
    model.py    Report: blocks (sections, tables, charts) + its JSON document; renderers draw it
    base.py     ReportKind and its registry; build(): every workbook summed up, then assembled
    staffing.py 编制与缺编
    quota.py    信息报送
    bulletin.py 督查通报 (from the history of statuses; figures in bulletin_figures.py)
    district.py the district roll-up of all three
"""

from assistant.reports import bulletin, district, quota, staffing  # noqa: F401 (register the kinds)
from assistant.reports.base import REPORTS, build

__all__ = ["REPORTS", "build"]
