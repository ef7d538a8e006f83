"""Table-level rule kinds (the `rules:` section of a schema), one registered class each."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pandas as pd

from assistant.checks.base import (
    Context,
    Opt,
    RuleCheck,
    constant,
    date_constant,
    describe_when,
    partner_rows,
    positions,
    rule,
    when_mask,
)
from assistant.fieldtypes import TYPES
from assistant.findings import Finding
from assistant.i18n import quote, tr
from assistant.schema.model import Field
from assistant.text import display

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}


def _kind(ctx: Context, name: str) -> str:
    return TYPES[ctx.register.field(name).type].kind


def _kind_problem(fields: dict[str, Field], option: str, name: Any, kinds: tuple[str, ...], kind: str) -> list[tuple[str, str]]:
    """A lint problem when field `name` does not compare as one of `kinds` (a rule that cannot run)."""
    if name not in fields or TYPES[fields[name].type].kind in kinds:
        return []
    if kinds == ("date",):
        return [(option, tr("schema.needs_date_field", name=name))]
    return [(option, tr("schema.option_not_for_type", option=kind, type=fields[name].type))]


def _constant_problem(value: Any, kind: str) -> str | None:
    """A problem with a constant a rule compares with (`value`, `from`, `to`) for a field of `kind`."""
    if kind == "date" and not (value == "today" or date_constant(value) is not None):
        return tr("schema.expected", what=tr("type.date_or_today"))
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return tr("schema.expected", what=tr("type.number"))
    return None


def _unreadable(ctx: Context, names: Any) -> pd.Series:
    """Rows where one of the fields holds something that cannot be read (its type finding says so)."""
    mask = pd.Series(False, index=ctx.table.frame.index)
    for n in names:
        p = ctx.parsed[n]
        mask |= ~p.valid & ~p.empty
    return mask


def _show(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return display(value.date() if value == value.normalize() else value.to_pydatetime())
    return display(value)


def _shows(values: pd.Series) -> list[str]:
    """`_show` of each value; a column of dates (the common case) formatted by numpy in one go."""
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        return list(map(_show, values))
    stamps = values.to_numpy(dtype="datetime64[ns]")
    days = stamps.astype("datetime64[D]")
    out = np.datetime_as_string(days).astype(object)
    other = np.flatnonzero(stamps != days)  # a time of day (or NaT): as one value is shown
    out[other] = [_show(values.iloc[i]) for i in other]
    return out.tolist()


@rule
class Compare(RuleCheck):
    """left op right, where right is another field or a constant (`value`, 'today' for dates)."""

    kind = "compare"
    options = {"left": Opt("field", required=True), "op": Opt("op", required=True),
               "right": Opt("field"), "value": Opt("value")}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        if ("right" in o) == ("value" in o):
            return [("right", tr("schema.right_or_value"))]
        kinds = {TYPES[fields[n].type].kind for n in (o.get("left"), o.get("right")) if n in fields}
        if len(kinds) > 1:
            return [("right", tr("schema.compare_kinds"))]
        if "value" in o and (problem := _constant_problem(o["value"], TYPES[fields[o["left"]].type].kind)):
            return [("value", problem)]
        return []

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        left = o["left"]
        if not ctx.has(left) or ("right" in o and not ctx.has(o["right"])):
            return []
        kind = _kind(ctx, left)
        lv = ctx.values(left)
        ok = ctx.parsed[left].valid
        if "right" in o:
            rv = ctx.values(o["right"])
            ok = ok & ctx.parsed[o["right"]].valid
            rname = o["right"]
        else:
            rv = constant(ctx, o["value"], kind)
            rname = tr("word.today") if o["value"] == "today" else _show(rv)
        bad = ok & ~_OPS[o["op"]](lv, rv)
        rvals = rv[bad] if isinstance(rv, pd.Series) else [rv] * int(bad.sum())
        opword = tr(f"op.{'date' if kind == 'date' else 'number'}.{o['op']}")
        shown_right = _shows(rvals) if "right" in o else [""] * len(rvals)
        msgs = [tr("check.compare_failed", left=left, lv=a, op=opword, right=rname, rv=b).replace("（）", "").replace(" ()", "")
                for a, b in zip(_shows(lv[bad]), shown_right)]
        return ctx.findings(positions(bad), left, "compare_failed", msgs, severity)


class _Conditional(RuleCheck):
    options = {"field": Opt("field", required=True), "when": Opt("when", required=True)}

    describe = staticmethod(describe_when)


@rule
class RequiredIf(_Conditional):
    kind = "required_if"

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        if not ctx.has(o["field"], *o["when"]):  # a condition column the sheet lacks: skipped
            return []
        bad = when_mask(ctx, o["when"]) & ctx.parsed[o["field"]].empty
        msg = tr("check.required_if", field=o["field"], when=self.describe(o["when"]))
        return ctx.findings(positions(bad), o["field"], "required_if", [msg] * int(bad.sum()), severity)


@rule
class EmptyUnless(_Conditional):
    kind = "empty_unless"

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        if not ctx.has(o["field"], *o["when"]):  # a condition column the sheet lacks: skipped
            return []
        # An unreadable cell, in the field or in the condition, gets its type finding only.
        bad = ~when_mask(ctx, o["when"]) & ctx.parsed[o["field"]].valid & ~_unreadable(ctx, o["when"])
        msg = tr("check.empty_unless", field=o["field"], when=self.describe(o["when"]))
        return ctx.findings(positions(bad), o["field"], "empty_unless", [msg] * int(bad.sum()), severity)


@rule
class UniqueTogether(RuleCheck):
    kind = "unique_together"
    options = {"fields": Opt("fields", required=True)}

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        names = o["fields"]
        if not ctx.has(*names):
            return []
        frame = pd.DataFrame({n: ctx.values(n) for n in names})
        ok = np.logical_and.reduce([ctx.parsed[n].valid.to_numpy() for n in names])
        dup = pd.Series(False, index=frame.index)
        dup[ok] = frame[ok].duplicated(keep=False)
        rows = pd.Series(ctx.table.rows, index=frame.index)[dup]
        other = partner_rows(rows, [frame.loc[dup, n] for n in names])
        combo = "+".join(names)
        msgs = [tr("check.duplicate_combination", fields=combo,
                   value=quote(" / ".join(_show(x) for x in frame.loc[i])), row=int(r))
                for i, r in other.items()]
        return ctx.findings(other.index, names[0], "duplicate_combination", msgs, severity)


@rule
class Sequence(RuleCheck):
    """Numbering without gaps or repeats: DB-2026-001, -002, … counted per prefix (and group)."""

    kind = "sequence"
    options = {"field": Opt("field", required=True), "group_by": Opt("fields"), "start": Opt("int")}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        return _kind_problem(fields, "field", o["field"], ("text", "number"), self.kind)

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        name = o["field"]
        groups = o.get("group_by", [])
        if not ctx.has(name, *groups):
            return []
        values = ctx.values(name)[ctx.parsed[name].valid]
        if _kind(ctx, name) == "number":  # 序号 1, 2, 3 read as floats: their digits, not "1.0"
            values = values[values == np.floor(values)]
            text = values.astype(np.int64).astype(str)
        else:
            text = values.astype(str).str.strip()
        parts = text.str.extract(r"^(?P<pre>.*?)(?P<num>\d+)(?P<suf>\D*)$").dropna(subset=["num"])
        if parts.empty:
            return []
        parts["n"] = parts["num"].astype(np.int64)
        parts["width"] = parts["num"].str.len()
        parts["g"] = parts["pre"] + "\x00" + parts["suf"]
        for g in groups:
            parts["g"] += "\x00" + ctx.values(g).reindex(parts.index).astype(str)
        parts["row"] = ctx.table.rows[positions(ctx.table.frame.index.isin(parts.index))]
        parts = parts.sort_values(["g", "n", "row"])
        prev = parts.groupby("g")["n"].shift()
        out: list[Finding] = []
        repeat = (parts["n"] == prev).to_numpy()
        # A repeated number in a unique column is already a duplicate_value finding: say it once.
        if repeat.any() and not (ctx.register.field(name).unique and not groups):
            first_row = parts.groupby(["g", "n"])["row"].transform("min")
            sel = parts[repeat]
            msgs = [tr("check.sequence_repeat", field=name, value=quote(text[i]), row=int(first_row[i])) for i in sel.index]
            out += ctx.findings(sel.index, name, "sequence_repeat", msgs, severity)
        expected_first = o.get("start")
        prev_for_gap = prev.copy()
        if expected_first is not None:
            prev_for_gap = prev_for_gap.fillna(expected_first - 1)
        gap = ((parts["n"] - prev_for_gap) > 1).to_numpy()
        if gap.any():
            sel = parts[gap]
            sep = tr("word.list_sep")
            msgs = []
            # one message per row after a gap, naming at most three missing numbers
            for i, pre, n, width, suf, prev_n in zip(sel.index, sel["pre"], sel["n"], sel["width"], sel["suf"],
                                                     prev_for_gap[gap]):
                lo, hi = int(prev_n) + 1, int(n) - 1
                shown = [f"{pre}{k:0{width}d}{suf}" for k in range(lo, min(hi, lo + 2) + 1)]
                more = tr("word.etc", n=hi - lo + 1) if hi - lo + 1 > len(shown) else ""
                msgs.append(tr("check.sequence_gap", field=name, value=quote(text[i]), missing=sep.join(shown) + more))
            out += ctx.findings(sel.index, name, "sequence_gap", msgs, severity)
        return out
