"""信息报送: reports per unit per month against the quota, adoption by level, units below quota
(docs/reports.md#quota).

The quota is the `quota` rule of the `reports` schema (`min` rows per `group_by` unit per `period`,
counted by `date`; its `units`, when listed, are the units expected even with no row). A period
still running is counted so far and not judged (`met` is None).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from assistant.config import WorkbookConfig
from assistant.context import JobContext
from assistant.i18n import tr
from assistant.judge import Judgement
from assistant.reports.base import ReportKind, Summary, columns, ranked, rate, report_kind, table_of, unreadable_notices
from assistant.reports.model import Chart, Column, Report, Section, Table
from assistant.reports.period import Period
from assistant.text import normalized

LEVELS = ("区级", "市级", "省级")  # adopted; 未采用 is not
_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def quota_rule(j: Judgement) -> dict[str, Any] | None:
    ctx = table_of(j, "reports")
    rule = next((r for r in ctx.register.rules if r.kind == "quota"), None) if ctx else None
    return dict(rule.options) if rule else None


def unit_figures(j: Judgement, period: Period, today: dt.date) -> dict[str, Any]:
    """Per unit: rows in the period, adopted by level, and per quota period the count and whether met."""
    given = quota_rule(j)
    rule = given or {"group_by": "报送单位", "date": "报送日期", "period": "month", "min": None}
    rows = columns(table_of(j, "reports"), {"unit": rule["group_by"], "date": rule["date"], "level": "采用级别"})
    days = pd.to_datetime(rows["date"], errors="coerce")
    until = period.until(today)
    inside = rows[(days >= pd.Timestamp(period.start)) & (days <= pd.Timestamp(until))].dropna(subset=["unit"])
    listed = normalized(pd.Series(rule.get("units") or [], dtype=object)).tolist()
    units = listed or sorted(set(inside["unit"]) | set(rows["unit"].dropna()))
    freq = _FREQ[rule["period"]]
    spans = pd.period_range(pd.Timestamp(period.start), pd.Timestamp(until), freq=freq)
    running = pd.Timestamp(today).to_period(freq)
    counts = pd.crosstab(inside["unit"], pd.to_datetime(inside["date"]).dt.to_period(freq)) if len(inside) else None
    levels = pd.crosstab(inside["unit"], inside["level"]) if len(inside) else None
    out_units, short = [], []
    for u in units:
        per = {p: int(counts.loc[u, p]) if counts is not None and u in counts.index and p in counts.columns else 0
               for p in spans}
        judged = [p for p in spans if p < running]
        below = [p for p in judged if rule["min"] is not None and per[p] < rule["min"]]
        short += [{"unit": u, "period": _label(p), "count": per[p], "quota": rule["min"]} for p in below]
        adopted = {lv: int(levels.loc[u, lv]) if levels is not None and u in levels.index and lv in levels.columns else 0
                   for lv in (*LEVELS, "未采用")}
        out_units.append({"unit": u, "reports": sum(per.values()), "adopted": sum(adopted[lv] for lv in LEVELS),
                          **{_LEVEL_KEYS[lv]: n for lv, n in adopted.items()},
                          "periods": len(judged), "periods_below": len(below),
                          "met": None if rule["min"] is None or not judged else not below})
    return {"units": out_units, "below": short, "quota": rule["min"], "per": rule["period"],
            "has_rule": given is not None}


_LEVEL_KEYS = {"区级": "district", "市级": "city", "省级": "province", "未采用": "not_adopted"}
_COUNTS = ("reports", "adopted", "district", "city", "province", "not_adopted", "periods", "periods_below")


def _label(p: pd.Period) -> str:
    return p.strftime("%Y-%m") if p.freqstr.startswith("M") else str(p)


def _total(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    total: dict[str, Any] = {key: tr("reports.total"), **{k: sum(r[k] for r in rows) for k in _COUNTS}}
    total["adoption_rate"] = rate(total["adopted"], total["reports"])
    return total


@report_kind
class Quota(ReportKind):
    name = "quota"
    registers = frozenset({"reports"})
    default_period = "month"

    def summarize(self, j: Judgement, wb: WorkbookConfig, period: Period, today: dt.date,
                  settings: dict[str, Any]) -> dict[str, Any]:
        return unit_figures(j, period, today)

    def assemble(self, ctx: JobContext, period: Period, parts: list[Summary],
                 settings: dict[str, Any]) -> Report:
        readable = [p for p in parts if not p.unreadable]
        notices = unreadable_notices(parts)
        if len(ctx.office.config.workbooks) == 1:
            data = readable[0].data if readable else {"units": [], "below": [], "quota": None, "per": "month",
                                                      "has_rule": False}
            return self._report(ctx, period, "units", data["units"], data["below"], data, notices)
        towns = []
        for p in readable:
            t = _total(p.data["units"], "township")
            t.update(township=p.workbook, units=len(p.data["units"]),
                     units_met=sum(1 for u in p.data["units"] if u["met"]))
            towns.append(t)
        towns = ranked(towns, "periods_below")
        below = [{"township": p.workbook, **b} for p in readable for b in p.data["below"]]
        first = readable[0].data if readable else {"quota": None, "per": "month", "has_rule": False}
        report = self._report(ctx, period, "townships", towns, below, first, notices)
        report.parts = {p.workbook: self._report(ctx, period, "units", p.data["units"], p.data["below"], p.data, [],
                                                 p.workbook) for p in readable}
        return report

    def _report(self, ctx: JobContext, period: Period, level: str, rows: list[dict[str, Any]],
                below: list[dict[str, Any]], data: dict[str, Any], notices: list[str],
                title_of: str | None = None) -> Report:
        office = title_of or ctx.office.config.office_name
        key = "unit" if level == "units" else "township"
        rows = [{**r, "adoption_rate": rate(r["adopted"], r["reports"]), "short": r["periods_below"] > 0} for r in rows]
        total = _total(rows, key)
        first = Column(key, tr(f"reports.col.{key}"))
        extra = [Column("rank", tr("reports.col.rank"), "int"), Column("units", tr("reports.quota.units"), "int"),
                 Column("units_met", tr("reports.quota.units_met"), "int")] if level == "townships" else []
        figures = [first, *extra, *(Column(k, tr(f"reports.quota.{k}"), kind) for k, kind in _FIGURES)]
        quota_note = (tr("reports.quota.note", min=data["quota"], per=tr(f"reports.per.{data['per']}"))
                      if data["has_rule"] else tr("reports.quota.no_rule"))
        main = Table(level, tr("reports.quota.table", level=tr(f"reports.level.{level}")), figures, rows, total,
                     note=quota_note, flag="short", link="township" if level == "townships" else None)
        where = [Column("township", tr("reports.col.township"))] if level == "townships" else []
        below_table = Table("below", tr("reports.quota.below"),
                            [*where, Column("unit", tr("reports.col.unit")), Column("period", tr("reports.quota.period")),
                             Column("count", tr("reports.quota.count"), "int"), Column("quota", tr("reports.quota.quota"), "int")],
                            below, empty=tr("reports.quota.none_below"))
        chart = Chart("reports", tr("reports.quota.chart", level=tr(f"reports.level.{level}")), "bar", level, key,
                      ["reports", "adopted"])
        overview = Section(tr("reports.overview"), [tr(
            "reports.quota.overview", reports=total["reports"], adopted=total["adopted"],
            rate=f"{total['adoption_rate']:.1%}" if total["adoption_rate"] is not None else "—",
            below=len(below))])
        json_data = {level: rows, "total": total, "below": below, "quota": data["quota"], "quota_period": data["per"]}
        return Report("quota", tr("reports.quota.title", office=office), office, period, ctx.today,
                      [overview, main, chart, below_table], json_data, notices)


_FIGURES = (("reports", "int"), ("adopted", "int"), ("district", "int"), ("city", "int"), ("province", "int"),
            ("adoption_rate", "rate"), ("periods_below", "int"))
