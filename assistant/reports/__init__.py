"""Reports leaders act on (docs/reports.md): built from the registers and the history of deadline
statuses, shown as a terminal table, JSON, a self-contained HTML page or an xlsx workbook.

    period.py   week / month / quarter, named as people name them
    model.py    Report: blocks (sections, tables, charts) + its JSON document; renderers draw it
"""
