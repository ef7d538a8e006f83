"""Rule kinds on the fields of one row: name lists that must not share a name (`disjoint`) and a
value that must appear exactly when a condition holds (`exactly_when`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from assistant.checks.base import Context, Opt, RuleCheck, positions, rule, when_mask
from assistant.checks.rules import _Conditional, _constant_problem, _kind, _show, _unreadable
from assistant.fieldtypes import TYPES, read_constants
from assistant.findings import Finding
from assistant.i18n import quote, tr
from assistant.schema.model import Field

# How people separate names in one cell: 、 , ， ; ； / and spaces (full-width forms are already
# folded by the text type's NFKC reading, but a raw cell may still hold them).
_SEPARATORS = r"[、,，;；/／\s]+"


@rule
class Disjoint(RuleCheck):
    """Name lists in one row share no name (a person is not both present and absent)."""

    kind = "disjoint"
    options = {"fields": Opt("fields", required=True)}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        if len(o["fields"]) < 2:
            return [("fields", tr("schema.expected_field_list"))]
        return []

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        names = o["fields"]
        if not ctx.has(*names):
            return []
        # One long frame of (row position, list number, name), built by a vectorised split.
        parts = []
        for i, n in enumerate(names):
            p = ctx.parsed[n]
            text = ctx.values(n)[p.valid]
            text = text.astype(str) if _kind(ctx, n) == "text" else text.map(_show)  # names are text, as a rule
            words = text.str.split(_SEPARATORS, regex=True).explode()
            words = words[words.str.len() > 0]
            parts.append(pd.DataFrame({"pos": words.index.to_numpy(), "list": i, "name": words.to_numpy()}))
        long = pd.concat(parts, ignore_index=True).drop_duplicates()
        lists = long.groupby(["pos", "name"])["list"].nunique()
        shared = lists[lists > 1].reset_index()
        if shared.empty:
            return []
        # names in their order of first appearance in the row
        order = long.drop_duplicates(["pos", "name"]).reset_index(drop=True)
        order = order.merge(shared[["pos", "name"]], on=["pos", "name"])
        grouped = order.groupby("pos", sort=True)["name"].agg(list)
        both = tr("word.list_sep")
        fields_text = both.join(names)
        msgs = [tr("check.listed_twice", names=both.join(quote(x) for x in v), fields=fields_text) for v in grouped]
        return ctx.findings(grouped.index.to_numpy(), names[-1], "listed_twice", msgs, severity)


@rule
class ExactlyWhen(_Conditional):
    """`field` equals `value` in exactly the rows where `when` holds (编制类型 无 exactly when
    用工性质 is 临聘 or 借调). Empty cells are left to `required`."""

    kind = "exactly_when"
    options = {"field": Opt("field", required=True), "value": Opt("value", required=True),
               "when": Opt("when", required=True)}

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        problem = _constant_problem(o["value"], TYPES[fields[o["field"]].type].kind)
        return [("value", problem)] if problem else []

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        name = o["field"]
        if not ctx.has(name, *o["when"]):  # a condition column the sheet lacks: skipped
            return []
        p = ctx.parsed[name]
        # the value read as the cells are read (是 for a boolean, a date as a date)
        wanted = read_constants(ctx.register.field(name).type, (o["value"],))[0]
        if wanted is None:
            return []
        is_value = (ctx.values(name) == wanted).fillna(False).to_numpy(dtype=bool)
        holds = when_mask(ctx, o["when"]).to_numpy(dtype=bool)
        # An unreadable cell, in the field or in the condition, gets its type finding only.
        usable = p.valid.to_numpy() & ~_unreadable(ctx, o["when"]).to_numpy()
        missing = usable & holds & ~is_value
        extra = usable & ~holds & is_value
        when = self.describe(o["when"])
        value = _show(o["value"])  # as the schema writes it: 是, not True
        bad = positions(missing | extra)
        msgs = [tr("check.exactly_when_missing" if missing[i] else "check.exactly_when_extra",
                   field=name, value=quote(value), when=when) for i in bad]
        return ctx.findings(np.asarray(bad), name, "exactly_when", msgs, severity)
