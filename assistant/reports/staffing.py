"""编制与缺编: headcount against quota per unit, moves in the period, secondments without approval,
backup posts with no one at work, average time in post (docs/reports.md#staffing).

    quota        党政编制 + 工勤编制 of the unit's `quotas` row (split: quota_party, quota_worker)
    on_payroll   roster rows of the unit with 用工性质 在编 whose 状态 is not 调出 or 离职
                 (split by 编制类型: on_payroll_party 党政, on_payroll_worker 工勤)
    away         of those, 状态 抽调 or 借出 (on payroll, not at work)
    temporary    roster rows with 用工性质 临聘 whose 状态 is not 调出 or 离职
                 (temporary_worker: those whose 科室 is one of `worker_sections`)
    vacant       max(quota − on_payroll, 0); vacancy_rate = vacant / quota (None when quota is 0)
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

GONE = ("调出", "离职")
AWAY = ("抽调", "借出")
MOVE_TYPES = ("调入", "调出", "抽调", "返岗", "临聘入职", "离职")
MOVES_IN, MOVES_OUT = ("调入", "临聘入职"), ("调出", "离职")
COUNTS = ("quota", "quota_party", "quota_worker", "on_payroll", "on_payroll_party", "on_payroll_worker",
          "away", "temporary", "temporary_worker", "vacant", "moves_in", "moves_out", "seconded")


def unit_rows(j: Judgement, today: dt.date, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per 单位 of the quotas table, in its order, with the counts of the module docstring."""
    quotas = columns(table_of(j, "quotas"), {"unit": "单位", "party": "党政编制", "worker": "工勤编制"})
    quotas = quotas[quotas["unit"].notna()].drop_duplicates("unit")
    roster = columns(table_of(j, "roster"), {"unit": "单位", "kind": "编制类型", "nature": "用工性质",
                                             "state": "状态", "section": "科室", "since": "到岗日期"})
    active = ~roster["state"].isin(GONE)
    payroll = active & (roster["nature"] == "在编")
    temp = active & (roster["nature"] == "临聘")
    flags = pd.DataFrame({
        "unit": roster["unit"],
        "on_payroll": payroll,
        "on_payroll_party": payroll & (roster["kind"] == "党政"),
        "on_payroll_worker": payroll & (roster["kind"] == "工勤"),
        "away": payroll & roster["state"].isin(AWAY),
        "temporary": temp,
        "temporary_worker": temp & roster["section"].isin(settings["worker_sections"]),
    })
    counts = flags.groupby("unit").sum().astype(int)
    since = pd.to_datetime(roster["since"], errors="coerce")
    years = ((pd.Timestamp(today) - since).dt.days / 365.25).where(payroll & since.notna())
    tenure = pd.DataFrame({"unit": roster["unit"], "years": years}).dropna().groupby("unit")["years"].agg(["sum", "count"])
    rows = []
    for unit, party, worker in zip(quotas["unit"], quotas["party"], quotas["worker"]):
        q_party, q_worker = _whole(party), _whole(worker)
        c = counts.loc[unit] if unit in counts.index else pd.Series(0, index=counts.columns)
        row: dict[str, Any] = {"unit": unit, "quota_party": q_party, "quota_worker": q_worker,
                               "quota": q_party + q_worker, **{k: int(c.get(k, 0)) for k in flags.columns[1:]}}
        t = tenure.loc[unit] if unit in tenure.index else None
        row["years_sum"], row["years_n"] = (float(t["sum"]), int(t["count"])) if t is not None else (0.0, 0)
        rows.append(_finish(row, settings))
    return rows


def _whole(value: Any) -> int:
    """A quota as a count: an empty, unreadable or negative cell (a finding of `check`) counts 0."""
    return 0 if value is None or pd.isna(value) else max(int(value), 0)


def _finish(row: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The figures derived from the counts: vacancy_rate, average years, over threshold. (`vacant`
    is the unit's max(quota − on_payroll, 0), and a total's the sum of its rows': a unit over its
    quota fills no other unit's posts.)"""
    row.setdefault("vacant", max(row["quota"] - row["on_payroll"], 0))
    row["vacancy_rate"] = rate(row["vacant"], row["quota"])
    row["avg_years"] = round(row["years_sum"] / row["years_n"], 1) if row["years_n"] else None
    row["over_threshold"] = row["vacancy_rate"] is not None and row["vacancy_rate"] > settings["vacancy_threshold"]
    return row


def total_row(rows: list[dict[str, Any]], settings: dict[str, Any], label_key: str = "unit") -> dict[str, Any]:
    """The sums of the counts over `rows`, and the figures derived from them (not averages of rates)."""
    total: dict[str, Any] = {label_key: tr("reports.total")}
    for k in (*COUNTS, "years_sum", "years_n"):
        total[k] = sum(r[k] for r in rows)
    return _finish(total, settings)


def moves(j: Judgement, period: Period, today: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Changes in the period: counts per unit and type, and the secondments without an approval number."""
    ch = columns(table_of(j, "changes"), {"date": "日期", "name": "姓名", "unit": "单位", "type": "变动类型",
                                          "where": "去向或来源", "approval": "审批文号"})
    days = pd.to_datetime(ch["date"], errors="coerce")
    inside = ch[(days >= pd.Timestamp(period.start)) & (days <= pd.Timestamp(period.until(today)))]
    table = pd.crosstab(inside["unit"], inside["type"]) if len(inside) else pd.DataFrame()
    counts = [{"unit": u, **{t: int(table.loc[u, t]) if t in table.columns else 0 for t in MOVE_TYPES}}
              for u in table.index]
    missing = inside[(inside["type"] == "抽调") & inside["approval"].isna()]
    unapproved = [{"date": pd.Timestamp(d).date().isoformat(), "name": n, "unit": u, "where": w}
                  for d, n, u, w in zip(missing["date"], missing["name"], missing["unit"], missing["where"])]
    return counts, unapproved


def uncovered_posts(j: Judgement) -> list[dict[str, Any]]:
    """Backup posts (AB角) where neither A nor B is 在岗 in the roster (the whole roster: a post's
    people are looked up wherever a scope leaves them)."""
    posts = columns(table_of(j, "backups"), {"post": "岗位", "a": "A角", "b": "B角"})
    roster = columns(table_of(j.unscoped or j, "roster"), {"name": "姓名", "state": "状态"}).dropna(subset=["name"])
    state = roster.drop_duplicates("name").set_index("name")["state"]
    a_state, b_state = posts["a"].map(state), posts["b"].map(state)
    bad = posts[(a_state != "在岗").to_numpy() & (b_state != "在岗").to_numpy() & posts["post"].notna().to_numpy()]
    return [{"post": p, "a": a, "a_state": state.get(a) if a else None, "b": b, "b_state": state.get(b) if b else None}
            for p, a, b in zip(bad["post"], bad["a"], bad["b"])]


@report_kind
class Staffing(ReportKind):
    name = "staffing"
    registers = frozenset({"roster", "quotas", "changes", "backups"})
    default_period = "month"
    defaults = {"vacancy_threshold": 0.3, "worker_sections": ["工勤", "后勤", "司机班", "食堂"]}

    def summarize(self, j: Judgement, wb: WorkbookConfig, period: Period, today: dt.date,
                  settings: dict[str, Any]) -> dict[str, Any]:
        move_counts, unapproved = moves(j, period, today)
        units = unit_rows(j, today, settings)
        by_unit = {m["unit"]: m for m in move_counts}
        for row in units:
            m = by_unit.get(row["unit"], {})
            row["moves_in"] = sum(m.get(t, 0) for t in MOVES_IN)
            row["moves_out"] = sum(m.get(t, 0) for t in MOVES_OUT)
            row["seconded"] = m.get("抽调", 0)
        return {"units": units, "moves": move_counts, "unapproved": unapproved, "uncovered": uncovered_posts(j)}

    def assemble(self, ctx: JobContext, period: Period, parts: list[Summary],
                 settings: dict[str, Any]) -> Report:
        readable = [p for p in parts if not p.unreadable]
        notices = unreadable_notices(parts)
        if len(ctx.office.config.workbooks) == 1:
            return self._one(ctx, period, readable[0] if readable else None, settings, notices)
        townships = [{**total_row(p.data["units"], settings), "township": p.workbook} for p in readable]
        for t in townships:
            del t["unit"]
        townships = ranked(townships, "vacancy_rate")
        total = total_row([{**t, "unit": ""} for t in townships], settings, "township")
        report = self._report(ctx, period, "townships", townships, total, settings, notices,
                              [(p.workbook, r) for p in readable for r in p.data["moves"]],
                              [(p.workbook, r) for p in readable for r in p.data["unapproved"]],
                              [(p.workbook, r) for p in readable for r in p.data["uncovered"]])
        report.parts = {p.workbook: self._one(ctx, period, p, settings, [], title_of=p.workbook) for p in readable}
        return report

    def _one(self, ctx: JobContext, period: Period, part: Summary | None, settings: dict[str, Any],
             notices: list[str], title_of: str | None = None) -> Report:
        units = part.data["units"] if part else []
        data = part.data if part else {"moves": [], "unapproved": [], "uncovered": []}
        return self._report(ctx, period, "units", units, total_row(units, settings), settings, notices,
                            [(None, r) for r in data["moves"]], [(None, r) for r in data["unapproved"]],
                            [(None, r) for r in data["uncovered"]], title_of)

    def _report(self, ctx: JobContext, period: Period, level: str, rows: list[dict[str, Any]],
                total: dict[str, Any], settings: dict[str, Any], notices: list[str],
                move_rows: list[tuple[str | None, dict]], unapproved: list[tuple[str | None, dict]],
                uncovered: list[tuple[str | None, dict]], title_of: str | None = None) -> Report:
        office = title_of or ctx.office.config.office_name
        first = Column(level[:-1] if level == "units" else "township",
                       tr("reports.col.unit") if level == "units" else tr("reports.col.township"))
        figures = [first, *([Column("rank", tr("reports.col.rank"), "int")] if level == "townships" else []),
                   *(Column(k, tr(f"reports.staffing.{k}"), kind) for k, kind in _FIGURES)]
        where = [Column("township", tr("reports.col.township"))] if level == "townships" else []
        main = Table(level, tr("reports.staffing.table", level=tr(f"reports.level.{level}")), figures, rows, total,
                     note=tr("reports.staffing.note", threshold=f"{settings['vacancy_threshold']:.0%}"),
                     flag="over_threshold", link="township" if level == "townships" else None)
        move_table = Table("moves", tr("reports.staffing.moves", period=period.label()),
                           [*where, Column("unit", tr("reports.col.unit")), *(Column(t, t, "int") for t in MOVE_TYPES)],
                           [{**({"township": w} if w else {}), **r} for w, r in move_rows],
                           empty=tr("reports.staffing.no_moves"))
        unapproved_table = Table("unapproved", tr("reports.staffing.unapproved"),
                                 [*where, Column("date", tr("reports.col.date"), "date"), Column("name", tr("reports.col.name")),
                                  Column("unit", tr("reports.col.unit")), Column("where", tr("reports.staffing.where"))],
                                 [{**({"township": w} if w else {}), **r} for w, r in unapproved],
                                 empty=tr("reports.staffing.none_unapproved"))
        uncovered_table = Table("uncovered", tr("reports.staffing.uncovered"),
                                [*where, Column("post", tr("reports.staffing.post")), Column("a", "A角"),
                                 Column("a_state", tr("reports.staffing.state_of", who="A角")), Column("b", "B角"),
                                 Column("b_state", tr("reports.staffing.state_of", who="B角"))],
                                [{**({"township": w} if w else {}), **r} for w, r in uncovered],
                                empty=tr("reports.staffing.none_uncovered"))
        chart = Chart("vacancy", tr("reports.staffing.chart", level=tr(f"reports.level.{level}")), "bar", level,
                      first.key, ["vacancy_rate"])
        summary = Section(tr("reports.overview"), [tr(
            "reports.staffing.overview", quota=total["quota"], on_payroll=total["on_payroll"],
            temporary=total["temporary"], away=total["away"], vacant=total["vacant"],
            rate=f"{total['vacancy_rate']:.1%}" if total["vacancy_rate"] is not None else "—",
            over=sum(1 for r in rows if r["over_threshold"]))])
        public = [{k: v for k, v in r.items() if k not in _INTERNAL} for r in rows]
        data = {level: public, "total": {k: v for k, v in total.items() if k not in _INTERNAL},
                "moves": [{**({"township": w} if w else {}), **r} for w, r in move_rows],
                "unapproved": [{**({"township": w} if w else {}), **r} for w, r in unapproved],
                "uncovered": [{**({"township": w} if w else {}), **r} for w, r in uncovered]}
        return Report("staffing", tr("reports.staffing.title", office=office), office, period, ctx.today,
                      [summary, main, chart, move_table, unapproved_table, uncovered_table], data, notices)


_FIGURES = (("quota", "int"), ("on_payroll", "int"), ("on_payroll_worker", "int"), ("temporary", "int"),
            ("temporary_worker", "int"), ("away", "int"), ("vacant", "int"), ("vacancy_rate", "rate"),
            ("moves_in", "int"), ("moves_out", "int"), ("avg_years", "number"))
_INTERNAL = ("years_sum", "years_n")
