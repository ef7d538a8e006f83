"""The district roll-up: one row per township with the headline figures of every report — staffing
(posts, on payroll, vacancy), the 督查通报 (tracked, overdue, completion, on-time, score) and the
information quota (filed, units short), and the data errors of its task register — the townships
ranked by the bulletin's score (docs/reports.md#district).

Staffing and quota are read from the workbooks in one pass (each workbook judged once for both);
the bulletin's figures come from the history of statuses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.config import WorkbookConfig
from assistant.context import JobContext
from assistant.i18n import tr
from assistant.judge import Judgement
from assistant.reports import bulletin_figures as bf
from assistant.reports.base import (
    REPORTS,
    Progress,
    ReportKind,
    Summary,
    ranked,
    rate,
    report_kind,
    settings_of,
    summaries,
)
from assistant.reports.bulletin import load
from assistant.reports.model import Chart, Column, Report, Section, Table
from assistant.reports.period import Period
from assistant.reports.quota import Quota
from assistant.reports.staffing import Staffing, total_row


@report_kind
class District(ReportKind):
    name = "district"
    registers = Staffing.registers | Quota.registers | {"tasks"}  # tasks: its data errors, for the score
    default_period = "month"

    def collect(self, ctx: JobContext, period: Period, settings: dict[str, Any],
                progress: Progress | None) -> list[Summary]:
        config = ctx.office.config
        each = {name: settings_of(REPORTS[name], config) for name in ("staffing", "quota")}
        parts = summaries(ctx, self, period, each, progress)
        bulletin = load(ctx, period, settings_of(REPORTS["bulletin"], ctx.office.config)["register"])
        return [*parts, Summary("", {"bulletin": bulletin})]

    def summarize(self, j: Judgement, wb: WorkbookConfig, period: Period, today: dt.date,
                  settings: dict[str, Any]) -> dict[str, Any]:
        # `settings` here: each report's own, as collect() gives them
        out: dict[str, Any] = {n: REPORTS[n].summarize(j, wb, period, today, settings[n]) for n in ("staffing", "quota")}
        out["errors"] = sum(1 for f in j.findings if f.register == "tasks" and f.severity == "error")
        return out

    def assemble(self, ctx: JobContext, period: Period, parts: list[Summary],
                 settings: dict[str, Any]) -> Report:
        config = ctx.office.config
        *towns, history = parts
        readable = [p for p in towns if not p.unreadable]
        staffing_settings = settings_of(REPORTS["staffing"], config)
        weights = {**bf.WEIGHTS, **settings_of(REPORTS["bulletin"], config)["weights"]}
        b = history.data["bulletin"]
        by_town: dict[str, dict[str, Any]] = {}
        if b["recorded"] is not None:
            for r in bf.unit_rows(b["counts"], b["before"], weights, by="workbook"):
                by_town[r["workbook"]] = r
        rows = []
        for p in readable:
            s = total_row(p.data["staffing"]["units"], staffing_settings)
            q = p.data["quota"]
            bt = by_town.get(p.workbook)
            row = {"township": p.workbook, "quota": s["quota"], "on_payroll": s["on_payroll"], "vacant": s["vacant"],
                   "vacancy_rate": s["vacancy_rate"], "reports": sum(u["reports"] for u in q["units"]),
                   "units_short": sum(1 for u in q["units"] if u["periods_below"]),
                   "quota_met": None if not q["has_rule"] else all(not u["periods_below"] for u in q["units"]),
                   **{k: (bt[k] if bt else None) for k in ("items", "overdue", "completion_rate", "on_time_rate")}}
            row["errors"] = p.data["errors"]
            if bt:  # the score with the quota, known here, and the errors of the task register as judged now
                row["score"] = bf.score({**bt, "quota_met": row["quota_met"], "errors": row["errors"]}, weights)
            else:
                row["score"] = None
            rows.append(row)
        rows = ranked(rows, "score") if by_town else ranked(rows, "vacancy_rate")
        notices = [tr("reports.unreadable", workbook=p.workbook, reason=p.unreadable) for p in towns if p.unreadable]
        if b["recorded"] is None:
            notices.append(tr("reports.district.no_history"))
        columns = [Column("township", tr("reports.col.township")), Column("rank", tr("reports.col.rank"), "int"),
                   *(Column(k, tr(f"reports.district.{k}"), kind) for k, kind in _FIGURES)]
        table = Table("townships", tr("reports.district.table"), columns, rows,
                      _total(rows, staffing_settings), note=tr("reports.district.note"), link="township")
        overview = Section(tr("reports.overview"), [tr("reports.district.overview", n=len(rows),
                                                       first=rows[0]["township"] if rows else "—",
                                                       last=rows[-1]["township"] if rows else "—")])
        office = config.office_name
        report = Report("district", tr("reports.district.title", office=office, period=period.label()), office,
                        period, ctx.today, [overview, table,
                                            Chart("vacancy", tr("reports.district.chart_vacancy"), "bar", "townships",
                                                  "township", ["vacancy_rate"]),
                                            Chart("overdue", tr("reports.district.chart_overdue"), "bar", "townships",
                                                  "township", ["overdue"])],
                        {"townships": rows, "total": table.total}, notices)
        return report


def _total(rows: list[dict[str, Any]], staffing_settings: dict[str, Any]) -> dict[str, Any]:
    def add(k: str) -> int | None:
        values = [r[k] for r in rows if r[k] is not None]
        return sum(values) if values else None

    sums = {k: add(k) for k in ("quota", "on_payroll", "vacant", "reports", "units_short", "items", "overdue", "errors")}
    return {"township": tr("reports.total"), **sums, "vacancy_rate": rate(sums["vacant"], sums["quota"])}


_FIGURES = (("score", "number"), ("quota", "int"), ("on_payroll", "int"), ("vacant", "int"), ("vacancy_rate", "rate"),
            ("items", "int"), ("overdue", "int"), ("completion_rate", "rate"), ("on_time_rate", "rate"),
            ("reports", "int"), ("units_short", "int"), ("errors", "int"))
