"""The sentences of reports (periods, titles, headings, column names), as (Chinese, English)."""

REPORTS: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    "period.iso_week": ("{year}年第{week}周（{sm}月{sd}日—{em}月{ed}日）", "week {week} of {year} ({sm}/{sd}–{em}/{ed})"),
    "period.unknown": ("无法识别的期间“{period}”", "unknown period \"{period}\""),
    "period.hint": ("可写 week、month、quarter（本周、本月、本季度）、last-week、last-month、last-quarter，"
                    "或具体的 2026-11、2026-W48、2026-Q4",
                    "write week, month, quarter (the current one), last-week, last-month, last-quarter, "
                    "or one such as 2026-11, 2026-W48, 2026-Q4"),

    # --- report html (render_html.py, templates/report.html) ---

    # --- report xlsx and terminal (render_xlsx.py, render_table.py) ---

    # --- reports (staffing, bulletin, quota, district) ---
}
