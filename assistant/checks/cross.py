"""Rule kinds that look into another register (the roster, the change log): `complete`,
`latest_agrees`, `staffed`. The other register's tables are the nearest ones (see
assistant.validate.ReferenceIndex): its table in this workbook when this workbook holds one,
otherwise every workbook's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from assistant.checks.base import Context, Opt, RuleCheck, positions, rule, text_values
from assistant.checks.fields import among
from assistant.checks.rules import _show
from assistant.fieldtypes import TYPES, read_constants
from assistant.findings import Finding
from assistant.i18n import quote, tr
from assistant.schema.model import Field, Register
from assistant.text import display, normalized


class _Across(RuleCheck):
    """A rule with a `register` option naming the other register."""

    def other_register(self, options: dict[str, Any]) -> str | None:
        return str(options["register"])

    @staticmethod
    def title(ctx: Context, register: str) -> str:
        tables = ctx.lookup.scope(register)
        return tables[0].register.title if tables else register

    @staticmethod
    def where_fields(o: dict[str, Any]) -> list[tuple[str, str]]:
        return [("where", n) for n in o.get("where", {})]


@rule
class Complete(_Across):
    """Every value of a field of the other register has a row here (every unit of the roster has a
    row in the staffing quotas)."""

    kind = "complete"
    options = {"field": Opt("field", required=True), "register": Opt("text", required=True),
               "of": Opt("text", required=True), "where": Opt("condition")}

    def other_fields(self, o: dict[str, Any]) -> list[tuple[str, str]]:
        return [("of", o["of"]), *self.where_fields(o)]

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        name = o["field"]
        if not ctx.has(name):
            return []
        wanted = ctx.lookup(o["register"], o["of"], o.get("where"), ctx.table.workbook)
        if not wanted:  # the other register was not read (a notice says so), or has no such values
            return []
        missing = pd.Index(sorted(wanted)).difference(pd.Index(text_values(ctx, name).dropna().unique()))
        title = self.title(ctx, o["register"])
        return [ctx.sheet_finding("missing_row", tr("check.missing_row", register=title, of=o["of"], value=quote(v),
                                                    here=ctx.register.title), severity, column=name, value=v)
                for v in missing]


@rule
class LatestAgrees(_Across):
    """A field here agrees with the latest matching row of the other register, read through a map
    (the roster's 状态 with the person's latest 变动类型)."""

    kind = "latest_agrees"
    options = {"field": Opt("field", required=True), "register": Opt("text", required=True),
               "match": Opt("match", required=True), "order_by": Opt("text", required=True),
               "from": Opt("text", required=True), "map": Opt("mapping", required=True)}

    def other_fields(self, o: dict[str, Any]) -> list[tuple[str, str]]:
        return [*(("match", n) for n in o["match"].values()), ("order_by", o["order_by"]), ("from", o["from"])]

    def lint(self, o: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        return [("map", p) for p in _off_enum(list(o["map"].values()), fields[o["field"]], "")]

    def lint_other(self, o: dict[str, Any], other: Register) -> list[tuple[str, str]]:
        # a mistyped key would silently mean "no finding" for every person whose latest row has it
        return [("map", p) for p in _off_enum(list(o["map"]), other.field(o["from"]), other.title)]

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        name, here_keys, there_keys = o["field"], list(o["match"]), list(o["match"].values())
        if not ctx.has(name, *here_keys):
            return []
        tables = [c for c in ctx.lookup.scope(o["register"], ctx.table.workbook)
                  if c.has(*there_keys, o["order_by"], o["from"])]
        if not tables:
            return []
        keys = [f"k{i}" for i in range(len(here_keys))]
        latest = _latest(tables, there_keys, keys, o["order_by"], o["from"])
        # the map read as cells are: its keys as the `from` field's, its values as this field's
        there, here = tables[0].register.field(o["from"]).type, ctx.register.field(name).type
        pairs = [(k, v) for k, v in zip(read_constants(there, tuple(o["map"])),
                                        read_constants(here, tuple(o["map"].values())))
                 if k is not None and v is not None]
        mapping = pd.Series([v for _, v in pairs], index=[k for k, _ in pairs])
        latest["want"] = latest["from"].map(mapping[~mapping.index.duplicated()])
        latest = latest[latest["want"].notna()]  # a latest value outside the map: nothing to compare
        mine = pd.DataFrame({k: text_values(ctx, n) for k, n in zip(keys, here_keys)})
        mine["value"] = ctx.values(name)
        mine["pos"] = np.arange(len(mine))
        mine = mine[ctx.parsed[name].valid.to_numpy() & mine[keys].notna().all(axis=1).to_numpy()]
        both = mine.merge(latest, on=keys, how="inner")
        bad = both[(both["value"] != both["want"]).to_numpy()].sort_values("pos")
        title = self.title(ctx, o["register"])
        msgs = [tr("check.disagrees_with_latest", field=name, value=quote(display(v)), register=title,
                   date=_show(d), change=display(c), want=quote(display(w)),
                   row=tr("check.row_here", row=r) if wb == ctx.table.workbook else tr("check.row_in", workbook=wb, row=r))
                for v, d, c, w, r, wb in zip(bad["value"], bad["order"], bad["from"], bad["want"], bad["row"], bad["wb"])]
        return ctx.findings(bad["pos"].to_numpy(), name, "disagrees_with_latest", msgs, severity)


def _off_enum(values: list[Any], f: Field, register: str) -> list[str]:
    """A problem for each of `values` that is not one of the text field `f`'s `enum` choices."""
    if "enum" not in f.options or TYPES[f.type].kind != "text":
        return []
    choices = set(normalized(pd.Series(f.options["enum"], dtype=object)))
    shown = tr("word.list_sep").join(map(str, f.options["enum"]))
    return [tr("schema.not_a_choice", value=v, field=f.name, register=register, choices=shown)
            for v, n in zip(values, normalized(pd.Series(values, dtype=object))) if n not in choices]


def _latest(tables: list[Context], there_keys: list[str], keys: list[str], order: str, source: str) -> pd.DataFrame:
    """Per key, the row of the other register that comes last by `order` (a tie: the later table,
    then the lower row)."""
    parts = []
    for t, c in enumerate(tables):  # one frame per table, never per row
        frame = pd.DataFrame({k: text_values(c, n) for k, n in zip(keys, there_keys)})
        frame["order"], frame["from"] = c.values(order), c.values(source)
        frame["t"], frame["row"], frame["wb"] = t, c.table.rows, c.table.workbook
        ok = c.parsed[order].valid & c.parsed[source].valid & frame[keys].notna().all(axis=1)
        parts.append(frame[ok.to_numpy()])
    every = pd.concat(parts, ignore_index=True)
    return every.sort_values(["order", "t", "row"], kind="stable").drop_duplicates(keys, keep="last")


@rule
class Staffed(_Across):
    """How many of some fields name someone found in the other register (a post's A and B roles,
    each 在岗 in the roster): none is the rule's finding, some but not all a warning."""

    kind = "staffed"
    options = {"fields": Opt("fields", required=True), "register": Opt("text", required=True),
               "field": Opt("text", required=True), "where": Opt("condition"),
               "partial": Opt("choice", choices=("error", "warning", "off"))}

    def other_fields(self, o: dict[str, Any]) -> list[tuple[str, str]]:
        return [("field", o["field"]), *self.where_fields(o)]

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        names = o["fields"]
        if not ctx.has(*names):
            return []
        known = ctx.lookup(o["register"], o["field"], o.get("where"), ctx.table.workbook)
        if known is None:
            return []
        on = pd.DataFrame({n: text_values(ctx, n).isin(known) for n in names})
        count = on.sum(axis=1)
        ref = {"register": o["register"], "title": self.title(ctx, o["register"]), "field": o["field"],
               "where": o.get("where")}
        fields, which = tr("word.list_sep").join(names), among(ref)
        none = count == 0
        out = ctx.findings(positions(none), names[0], "unstaffed",
                           [tr("check.unstaffed", fields=fields, among=which)] * int(none.sum()), severity)
        partial = o.get("partial", "warning")
        if partial in ("off", False):  # `partial: off` unquoted is YAML's false
            return out
        some = (count > 0) & (count < len(names))
        first_off = on.idxmin(axis=1)  # the finding sits on the first field not staffed
        for n in names:
            sel = some & (first_off == n)
            out += ctx.findings(positions(sel), n, "partly_staffed",
                                [tr("check.partly_staffed", fields=fields, n=int(k), among=which) for k in count[sel]],
                                partial)
        return out
