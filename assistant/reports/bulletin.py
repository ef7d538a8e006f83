"""督查通报: how each 责任单位 is doing with its assigned tasks over the period, ranked, with the
overdue items named and the change against the previous period (docs/reports.md#bulletin).

Made from the history of statuses that every `flag` cycle records (assistant/history.py), not from
the workbooks: a district of 200 townships is one query, and "closed in the period" or "overdue at
the end of last week" are facts the history kept. A period before the first recorded cycle says so
instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pandas as pd

from assistant.calendar import WorkCalendar
from assistant.context import JobContext
from assistant.history import FILENAME, History, days_left
from assistant.i18n import tr
from assistant.reports import bulletin_figures as bf
from assistant.reports.base import Progress, ReportKind, Summary, ranked, report_kind
from assistant.reports.model import Block, Chart, Column, Report, Section, Table
from assistant.reports.period import Period, containing

TREND_WEEKS = 8


def load(ctx: JobContext, period: Period, register: str) -> dict[str, Any]:
    """What the history knows of the period: the counts per workbook and unit at its last counted
    day, the items overdue then, the counts by status at the end of the previous period, and the
    weekly trend. A few queries counted in SQL, whatever the size of the district."""
    until = period.until(ctx.today)
    path = ctx.office.config.state_dir / FILENAME
    if not path.exists():
        return {"recorded": None, "first_day": None}
    where, not_kept = history_scope(ctx, register)
    with History(path) as h:
        h.narrow(where)
        first_day, recorded = h.first_day(), h.cycle_on(until)
        if recorded is None:
            return {"recorded": None, "first_day": first_day}
        by = ("workbook", "unit")
        counts = h.state_counts(until, bf.conditions(period.start, until), by, register=register)
        new = h.new_counts(period.start, until, by, register=register).rename(columns={"items": "new"})
        errors = h.errors_at(until, by, register=register)
        overdue = h.state_at(until, register=register, statuses=("overdue",),
                             columns=("due", "unit", "owner", "leader", "first_overdue")).items
        previous = period.previous().until(ctx.today)
        before = (h.counts_at(previous, by=("workbook", "unit", "status"), register=register)
                  if first_day is not None and previous >= first_day else None)
        weeks = [containing("week", until - dt.timedelta(weeks=k)) for k in range(TREND_WEEKS - 1, -1, -1)]
        trend = h.counts_at([w.until(ctx.today) for w in weeks], by=("status",), register=register)
    counts = counts.merge(new, on=list(by), how="left").merge(errors, on=list(by), how="left")
    counts["new"] = counts["new"].fillna(0).astype(int)
    return {"recorded": recorded, "first_day": first_day, "counts": counts, "overdue": overdue, "before": before,
            "notices": [tr("reports.bulletin.scope_not_kept", field=f) for f in not_kept],
            "trend": [(w, trend[pd.to_datetime(trend["day"]) == pd.Timestamp(w.until(ctx.today))]) for w in weeks]}


def history_scope(ctx: JobContext, register: str) -> tuple[dict[str, str], list[str]]:
    """A recipient's scope as the history can narrow it, as reports/base.scoped narrows a table: a
    register without every field of the scope is counted whole; with them, by the fields its
    deadline section names as unit, owner and leader (what the history keeps). Also the scope's
    fields it does not keep, which cannot narrow it (said in a notice)."""
    reg = ctx.office.registers.get(register)
    if not isinstance(ctx.scope, dict) or reg is None or not set(ctx.scope) <= set(reg.field_names):
        return {}, []
    dl = reg.deadline
    kept = {name: column for name, column in (((dl.unit, "unit"), (dl.owner, "owner"), (dl.leader, "leader"))
                                              if dl else ()) if name}
    where = {kept[f]: unicodedata.normalize("NFKC", v).strip() for f, v in ctx.scope.items() if f in kept}
    return where, [f for f in ctx.scope if f not in kept]


@report_kind
class Bulletin(ReportKind):
    name = "bulletin"
    registers = frozenset({"tasks"})
    deadlines = True
    default_period = "week"
    defaults = {"weights": bf.WEIGHTS, "register": "tasks",
                "requirements": None}  # None: the standard paragraph of the catalog

    def collect(self, ctx: JobContext, period: Period, settings: dict[str, Any],
                progress: Progress | None) -> list[Summary]:
        data = load(ctx, period, settings["register"])
        return [Summary("", data)]

    def assemble(self, ctx: JobContext, period: Period, parts: list[Summary],
                 settings: dict[str, Any]) -> Report:
        data = parts[0].data
        weights = {**bf.WEIGHTS, **settings["weights"]}
        office = ctx.office.config.office_name
        until = period.until(ctx.today)
        if data["recorded"] is None:
            note = (tr("reports.bulletin.no_history_before", day=data["first_day"].isoformat())
                    if data["first_day"] else tr("reports.bulletin.no_history"))
            return Report("bulletin", tr("reports.bulletin.title", office=office, period=period.label()), office,
                          period, ctx.today, [Section(tr("reports.overview"), [note])],
                          {"recorded": None, "units": [], "total": None, "overdue": []}, [note])
        over: pd.DataFrame = data["overdue"]
        calendar = WorkCalendar.from_config(ctx.office.config)
        days_over = (-days_left(calendar, over["due"], until)).to_numpy(dtype="float64", na_value=float("nan"))
        district = len(ctx.office.config.workbooks) > 1
        level = "townships" if district else "units"
        by = "workbook" if district else "unit"
        rows = bf.unit_rows(data["counts"], data["before"], weights, by=by)
        if district:
            rows = [{"township": r.pop("workbook"), **r} for r in rows]
        key = "township" if district else "unit"
        rows = ranked(rows, "score")
        total = bf.totals(rows, weights, {key: tr("reports.total")})
        overdue = bf.overdue_list(over, days_over)
        trend = self._trend(data["trend"])
        notices = data["notices"] + ([] if data["before"] is not None
                                     else [tr("reports.bulletin.no_previous", day=data["first_day"].isoformat())])
        blocks: list[Block] = [self._overview(total, rows, key, period, data, settings),
                  self._ranking(level, key, rows, total, weights),
                  Chart("overdue", tr("reports.bulletin.chart_overdue", level=tr(f"reports.level.{level}")), "bar",
                        level, key, ["overdue"]),
                  self._overdue_table(overdue, district),
                  trend,
                  Chart("trend", tr("reports.bulletin.chart_trend"), "line", "trend", "week", ["open", "overdue"]),
                  Section(tr("reports.bulletin.requirements_title"),
                          [settings["requirements"] or tr("reports.bulletin.requirements")])]
        json_data = {"recorded": data["recorded"].isoformat(), level: rows, "total": total, "overdue": overdue,
                     "trend": trend.rows, "weights": weights}
        return Report("bulletin", tr("reports.bulletin.title", office=office, period=period.label()), office, period,
                      ctx.today, blocks, json_data, notices)

    def _overview(self, total: dict[str, Any], rows: list[dict[str, Any]], key: str, period: Period,
                  data: dict[str, Any], settings: dict[str, Any]) -> Section:
        change = total["overdue_change"]
        text = [tr("reports.bulletin.overview", items=total["items"], new=total["new"], closed=total["closed"],
                   on_time=total["closed_on_time"], overdue=total["overdue"],
                   completion=_pct(total["completion_rate"]), on_time_rate=_pct(total["on_time_rate"]))]
        if change is not None:
            text.append(tr("reports.bulletin.change", before=total["overdue_before"], now=total["overdue"]))
        if rows:
            text.append(tr("reports.bulletin.best_worst", best=rows[0][key], worst=rows[-1][key]))
        return Section(tr("reports.overview"), text)

    def _ranking(self, level: str, key: str, rows: list[dict[str, Any]], total: dict[str, Any],
                 weights: dict[str, float]) -> Table:
        columns = [Column(key, tr(f"reports.col.{key}")), Column("rank", tr("reports.col.rank"), "int"),
                   *(Column(k, tr(f"reports.bulletin.{k}"), kind) for k, kind in _FIGURES)]
        for r in rows:
            r["lagging"] = r["overdue"] > 0
        weights_text = "，".join(f"{tr(f'reports.bulletin.weight.{k}')} {v:+g}" for k, v in weights.items())
        return Table(level, tr("reports.bulletin.ranking", level=tr(f"reports.level.{level}")), columns, rows, total,
                     note=tr("reports.bulletin.note", weights=weights_text), flag="lagging",
                     link="township" if level == "townships" else None)

    def _overdue_table(self, overdue: list[dict[str, Any]], district: bool) -> Table:
        where = [Column("workbook", tr("reports.col.township"))] if district else []
        return Table("overdue_items", tr("reports.bulletin.overdue_list"),
                     [*where, Column("unit", tr("reports.col.unit")), Column("key", tr("reports.bulletin.key")),
                      Column("owner", tr("reports.bulletin.owner")), Column("leader", tr("reports.bulletin.leader")),
                      Column("due", tr("reports.bulletin.due"), "date"),
                      Column("days_over", tr("reports.bulletin.days_over"), "int"),
                      Column("overdue_since", tr("reports.bulletin.overdue_since"), "date")],
                     overdue, empty=tr("reports.bulletin.none_overdue"))

    def _trend(self, trend: list[tuple[Period, pd.DataFrame]]) -> Table:
        rows = []
        for week, counts in trend:
            open_items = counts[~counts["status"].isin(bf.DONE)]["items"].sum() if len(counts) else 0
            over = counts[counts["status"] == "overdue"]["items"].sum() if len(counts) else 0
            rows.append({"week": week.code, "open": int(open_items), "overdue": int(over)})
        return Table("trend", tr("reports.bulletin.trend"), [Column("week", tr("reports.bulletin.week")),
                     Column("open", tr("reports.bulletin.open"), "int"),
                     Column("overdue", tr("reports.bulletin.overdue"), "int")], rows)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


_FIGURES = (("score", "number"), ("items", "int"), ("new", "int"), ("closed", "int"), ("closed_on_time", "int"),
            ("overdue", "int"), ("overdue_change", "delta"), ("completion_rate", "rate"), ("on_time_rate", "rate"),
            ("errors", "int"))
