"""Field-level checks, one class per field option of the schema language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from assistant.checks.base import (
    Context,
    FieldCheck,
    Opt,
    describe_when,
    field_check,
    partner_rows,
    positions,
    text_values,
    when_mask,
)
from assistant.fieldtypes import TYPES, fullmatches
from assistant.findings import Finding
from assistant.i18n import quote, tr
from assistant.schema.model import Field
from assistant.text import display, normalized


def _valid(ctx: Context, f: Field) -> tuple[pd.Series, pd.Series]:
    p = ctx.parsed[f.name]
    return p.values, p.valid


@field_check
class Unique(FieldCheck):
    option = "unique"
    spec = Opt("bool")

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        if not value:
            return []
        values, valid = _valid(ctx, f)
        v = values[valid]
        dup = v.duplicated(keep=False)
        if not dup.any():
            return []
        rows = pd.Series(ctx.table.rows[positions(valid)], index=v.index)[dup]
        other = partner_rows(rows, [v[dup]])
        pos = positions(valid)[dup.to_numpy()]
        msgs = [tr("check.duplicate_value", column=f.name, value=quote(display(x)), row=int(r))
                for x, r in zip(v[dup], other)]
        return ctx.findings(pos, f.name, "duplicate_value", msgs)


@field_check
class Enum(FieldCheck):
    option = "enum"
    spec = Opt("list")

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        values, valid = _valid(ctx, f)
        kind = TYPES[f.type].kind
        allowed = normalized(pd.Series(value, dtype=object)).tolist() if kind == "text" else value  # as cells are read
        bad = valid & ~values.isin(allowed)
        pos = positions(bad)
        choices = tr("word.list_sep").join(str(x) for x in value)
        msgs = [tr("check.not_in_enum", column=f.name, value=quote(display(x)), choices=choices) for x in values[bad]]
        return ctx.findings(pos, f.name, "not_in_enum", msgs)


@field_check
class Pattern(FieldCheck):
    option = "pattern"
    spec = Opt("regex")
    kinds = ("text",)

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        values, valid = _valid(ctx, f)
        text = values[valid]
        codes, distinct = ctx.parsed[f.name].distinct  # a name column holds a few dozen names
        bad_sub = ~fullmatches(value, pd.Series(distinct, dtype=object))[codes]  # a text kind: all str
        bad_idx = text.index[bad_sub]
        pos = positions(values.index.isin(bad_idx))
        example = f.description or value
        msgs = [tr("check.pattern_mismatch", column=f.name, value=quote(x), example=example) for x in values[bad_idx]]
        return ctx.findings(pos, f.name, "pattern_mismatch", msgs)


class _Bound(FieldCheck):
    spec = Opt("value")
    kinds = ("number", "date")
    code: str
    message: str

    def bad(self, values: pd.Series, bound: Any) -> pd.Series:
        raise NotImplementedError

    def lint(self, value: Any, kind: str) -> str | None:
        if kind == "date" and not (isinstance(value, dt.date) or value == "today"):
            return tr("schema.expected", what=tr("type.date_or_today"))
        if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return tr("schema.expected", what=tr("type.number"))
        return None

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        values, valid = _valid(ctx, f)
        kind = TYPES[f.type].kind
        bound = pd.Timestamp(ctx.today if value == "today" else value) if kind == "date" else value
        bad = valid & self.bad(values, bound)
        shown = display(bound.date() if isinstance(bound, pd.Timestamp) else bound)
        msgs = [tr(self.message, column=f.name, value=quote(display(x)), bound=shown) for x in ctx.table.frame[f.name][bad]]
        return ctx.findings(positions(bad), f.name, self.code, msgs)


@field_check
class Minimum(_Bound):
    option = "minimum"
    code = "below_minimum"
    message = "check.below_minimum"

    def bad(self, values: pd.Series, bound: Any) -> pd.Series:
        return values < bound


@field_check
class Maximum(_Bound):
    option = "maximum"
    code = "above_maximum"
    message = "check.above_maximum"

    def bad(self, values: pd.Series, bound: Any) -> pd.Series:
        return values > bound


class _Length(FieldCheck):
    spec = Opt("int")
    code: str
    message: str

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        values, valid = _valid(ctx, f)
        text = values.astype(str)
        if TYPES[f.type].kind == "number":  # 100000 has 6 digits, not the 8 characters of "100000.0"
            whole = valid & (values == np.floor(values))
            text[whole] = values[whole].astype(np.int64).astype(str)
        lengths = text.str.len().fillna(0).astype(int)  # NaN where empty would make it float
        bad = valid & (lengths < value if self.option == "min_length" else lengths > value)
        msgs = [tr(self.message, column=f.name, value=quote(x), bound=value, length=n)
                for x, n in zip(text[bad], lengths[bad])]
        return ctx.findings(positions(bad), f.name, self.code, msgs)


@field_check
class MinLength(_Length):
    option = "min_length"
    code = "too_short"
    message = "check.too_short"


@field_check
class MaxLength(_Length):
    option = "max_length"
    code = "too_long"
    message = "check.too_long"


@field_check
class References(FieldCheck):
    """The value must appear in a field of another register (e.g. 责任人 in the roster's 姓名)."""

    option = "references"
    spec = Opt("reference")

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        where = value.get("where")
        known = ctx.lookup(value["register"], value["field"], where, ctx.table.workbook)
        if known is None:  # the other register was not read; the office reports that once
            return []
        values, valid = _valid(ctx, f)
        if "when" in value:  # only the rows where this holds are checked
            valid = valid & when_mask(ctx, value["when"])
        bad = valid & ~text_values(ctx, f.name).isin(known)
        return ctx.findings(positions(bad), f.name, "unknown_reference",
                            [reference_message(f.name, x, value) for x in values[bad]])


def reference_message(column: str, value: Any, ref: dict[str, Any]) -> str:
    """`value` of `column` is not among the values a reference counts."""
    if ref.get("where"):
        return tr("check.not_among", column=column, value=quote(display(value)), among=among(ref))
    return tr("check.unknown_reference", column=column, value=quote(display(value)),
              register=ref.get("title", ref["register"]), field=ref["field"])


def among(ref: dict[str, Any]) -> str:
    """Which values count, as people read it: 人员名册中状态为在岗的“姓名”."""
    register = ref.get("title", ref["register"])
    if ref.get("where"):
        return tr("check.among_where", register=register, where=describe_when(ref["where"]), field=ref["field"])
    return tr("check.among", register=register, field=ref["field"])


def type_findings(ctx: Context, f: Field) -> list[Finding]:
    """Cells that are not empty but cannot be read as the field's type."""
    p = ctx.parsed[f.name]
    if p.errors.empty:
        return []
    pos = positions(ctx.table.frame.index.isin(p.errors.index))
    raw = ctx.table.frame[f.name].to_numpy()[pos]
    codes = p.errors.reindex(ctx.table.frame.index[pos]).to_numpy()
    out: list[Finding] = []
    for code in np.unique(codes):
        sel = codes == code
        msgs = [tr(f"check.{code}", column=f.name, value=quote(display(x)), example=TYPES[f.type].example)
                for x in raw[sel]]
        out += ctx.findings(pos[sel], f.name, code, msgs)
    return out


def required_findings(ctx: Context, f: Field) -> list[Finding]:
    empty = ctx.parsed[f.name].empty
    msgs = [tr("check.missing_value", column=f.name)] * int(empty.sum())
    return ctx.findings(positions(empty), f.name, "missing_value", msgs)
