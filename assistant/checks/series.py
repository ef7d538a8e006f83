"""Rule kinds over time: intervals that must not overlap, dates that must all be present, readings
that only grow, and a minimum number of rows per unit per period."""

from __future__ import annotations

from typing import Any

import pandas as pd

from assistant.checks.base import Context, Opt, RuleCheck, constant, rule
from assistant.checks.rules import _constant_problem, _kind_problem, _show
from assistant.fieldtypes import TYPES
from assistant.findings import Finding
from assistant.i18n import quote, tr
from assistant.schema.model import Field
from assistant.text import display, normalized


@rule
class NoOverlap(RuleCheck):
    """Time intervals per key must not overlap (one vehicle, one meeting room)."""

    kind = "no_overlap"
    options = {"key": Opt("field", required=True), "start": Opt("field", required=True),
               "end": Opt("field", required=True)}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        problems = [p for opt in ("start", "end") for p in _kind_problem(fields, opt, o[opt], ("date", "number"), self.kind)]
        if not problems and TYPES[fields[o["start"]].type].kind != TYPES[fields[o["end"]].type].kind:
            problems = [("end", tr("schema.compare_kinds"))]
        return problems

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        k, s, e = o["key"], o["start"], o["end"]
        if not ctx.has(k, s, e):
            return []
        ok = ctx.parsed[k].valid & ctx.parsed[s].valid & ctx.parsed[e].valid
        f = pd.DataFrame({"k": ctx.values(k), "s": ctx.values(s), "e": ctx.values(e),
                          "row": ctx.table.rows})[ok].sort_values(["k", "s", "row"])
        latest_end = f.groupby("k")["e"].cummax()
        prev_end = latest_end.groupby(f["k"]).shift()
        # the row holding the latest end so far: the interval a later start runs into
        holder = f["row"].where(f["e"] == latest_end).groupby(f["k"]).ffill()
        prev_row = holder.groupby(f["k"]).shift()
        bad = f[(f["s"] < prev_end).to_numpy()]
        bad_rows = prev_row[bad.index]
        msgs = [tr("check.overlap", key=k, value=quote(_show(kv)), start=_show(sv), end=_show(ev), row=int(r))
                for kv, sv, ev, r in zip(bad["k"], bad["s"], bad["e"], bad_rows)]
        return ctx.findings(bad.index, s, "overlap", msgs, severity)


@rule
class Coverage(RuleCheck):
    """Every date in a range has at least one row (a duty roster leaves no day uncovered)."""

    kind = "coverage"
    options = {"field": Opt("field", required=True), "from": Opt("value"), "to": Opt("value"),
               "whole": Opt("choice", choices=("month",))}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        problems = _kind_problem(fields, "field", o["field"], ("date",), self.kind)
        return problems + [(k, p) for k in ("from", "to") if k in o and (p := _constant_problem(o[k], "date"))]

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        name = o["field"]
        if not ctx.has(name):
            return []
        dates = ctx.values(name).dropna().dt.normalize()
        first = constant(ctx, o["from"], "date").normalize() if "from" in o else None
        last = constant(ctx, o["to"], "date").normalize() if "to" in o else None
        if o.get("whole"):  # the months the dates (within from/to) fall in, every day of them
            inside = dates[dates.between(first or dates.min(), last or dates.max())] if len(dates) else dates
            if inside.empty:
                return []
            lo, hi = inside.min().to_period("M").start_time, inside.max().to_period("M").end_time.normalize()
            lo, hi = max(lo, first) if first is not None else lo, min(hi, last) if last is not None else hi
        elif dates.empty and (first is None or last is None):
            return []
        else:
            lo = first if first is not None else dates.min()
            hi = last if last is not None else dates.max()
        missing = pd.date_range(lo, hi, freq="D").difference(pd.DatetimeIndex(dates.unique()))
        return [ctx.sheet_finding("coverage_gap", tr("check.coverage_gap", field=name, date=_show(d)),
                                  severity, column=name, value=_show(d)) for d in missing]


@rule
class Monotonic(RuleCheck):
    """A reading that only grows (odometer), per group, in the order of another field; with
    `previous`, each row's `field` is compared with the `previous` field of the row before it
    (a trip starts at or above the reading the last trip ended at)."""

    kind = "monotonic"
    options = {"field": Opt("field", required=True), "order_by": Opt("field"), "group_by": Opt("fields"),
               "strict": Opt("bool"), "previous": Opt("field")}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        problems = _kind_problem(fields, "field", o["field"], ("number", "date"), self.kind)
        if not problems and "previous" in o and TYPES[fields[o["previous"]].type].kind != TYPES[fields[o["field"]].type].kind:
            problems = [("previous", tr("schema.compare_kinds"))]
        return problems

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        name, order, groups, previous = o["field"], o.get("order_by"), o.get("group_by", []), o.get("previous")
        if not ctx.has(name, *groups, *([order] if order else []), *([previous] if previous else [])):
            return []
        ok = ctx.parsed[name].valid
        f = pd.DataFrame({"v": ctx.values(name), "row": ctx.table.rows})
        f["g"] = ""
        for g in groups:
            f["g"] += ctx.values(g).astype(str) + "\x00"
        sort = ["g"]
        if order:
            f["o"] = ctx.values(order)
            ok = ok & ctx.parsed[order].valid
            sort.append("o")
        if previous:  # rows whose `previous` reading is unreadable or empty drop out of the chain
            f["p"] = ctx.values(previous)
            ok = ok & ctx.parsed[previous].valid
        f = f[ok].sort_values(sort + ["row"])
        if previous:
            prev = f.groupby("g")["p"].shift()
            prev_row = f.groupby("g")["row"].shift()
        else:
            best = f.groupby("g")["v"].cummax()
            prev = best.groupby(f["g"]).shift()
            # the row holding the highest reading so far, which this one falls below
            prev_row = f["row"].where(f["v"] == best).groupby(f["g"]).ffill().groupby(f["g"]).shift()
        worse = (f["v"] <= prev) if o.get("strict") else (f["v"] < prev)
        bad = f[worse.to_numpy()]
        message = "check.not_increasing" if o.get("strict") else "check.not_monotonic"
        if previous:
            message = "check.not_above_previous" if o.get("strict") else "check.below_previous"
        msgs = [tr(message, field=name, value=quote(_show(v)), prev=_show(p), row=int(r), previous=previous)
                for v, p, r in zip(bad["v"], prev[bad.index], prev_row[bad.index])]
        return ctx.findings(bad.index, name, "not_monotonic", msgs, severity)


_PERIODS = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


@rule
class Quota(RuleCheck):
    """At least `min` rows per unit per period (each village files two reports a month)."""

    kind = "quota"
    options = {"group_by": Opt("field", required=True), "date": Opt("field", required=True),
               "period": Opt("choice", required=True, choices=tuple(_PERIODS)), "min": Opt("int", required=True),
               "units": Opt("list")}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        return _kind_problem(fields, "date", o["date"], ("date",), self.kind)

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        unit, date = o["group_by"], o["date"]
        if not ctx.has(unit, date):
            return []
        freq = _PERIODS[o["period"]]
        ok = ctx.parsed[unit].valid & ctx.parsed[date].valid
        units = ctx.values(unit)[ok].astype(str).str.strip()
        periods = ctx.values(date)[ok].dt.to_period(freq)
        current = pd.Timestamp(ctx.today).to_period(freq)
        done = periods < current  # the running period is not over yet
        counts = pd.crosstab(units[done], periods[done])
        listed = normalized(pd.Series(o.get("units", []), dtype=object)).tolist()  # as the unit cells are read
        all_units = listed or sorted(units.unique())
        if counts.empty and not o.get("units"):
            return []
        first = periods.min() if len(periods) else current - 1
        span = pd.period_range(min(first, current - 1), current - 1, freq=freq)
        counts = counts.reindex(index=all_units, columns=span, fill_value=0)
        short = counts.stack()
        short = short[short < o["min"]]
        return [ctx.sheet_finding("quota_shortfall",
                                  tr("check.quota_shortfall", unit=u, period=_period_label(p), n=int(n), min=o["min"]),
                                  severity, column=unit, key=u, value=int(n))
                for (u, p), n in short.items()]


def _period_label(p: pd.Period) -> str:
    if p.freqstr.startswith("W"):
        return tr("period.week", start=display(p.start_time.date()))
    if p.freqstr.startswith("Q"):
        return tr("period.quarter", y=p.year, q=p.quarter)
    if p.freqstr.startswith("Y"):
        return tr("period.year", y=p.year)
    return tr("period.month", y=p.year, m=p.month)
