"""What every check shares: option specs (for schema linting), registries, and the context a check
runs in (one parsed table plus helpers that turn positions into Findings).

A check never loops over rows in Python: it computes a boolean mask or an index array with pandas or
numpy, and only the flagged rows become Finding records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Protocol

import numpy as np
import pandas as pd

from assistant.fieldtypes import TYPES, Parsed, parse_columns, read_constants
from assistant.findings import Finding
from assistant.i18n import tr
from assistant.schema.model import Field, Register
from assistant.table import Table
from assistant.text import col_letter, display

OPS = ("<", "<=", ">", ">=", "==", "!=")


@dataclass(frozen=True)
class Opt:
    """The shape of one option value, for linting a schema."""

    # field | fields | text | int | number | bool | op | when | value | regex | list | reference | choice | table
    # | condition (a `when` on another register's fields: linted with that register) | match | mapping
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()


def check_option(opt: Opt, value: Any, fields: dict[str, Field]) -> str | None:
    """None when `value` fits `opt`; otherwise what is wrong, in the user's language."""
    from assistant.suggest import did_you_mean

    def unknown_field(name: Any) -> str | None:
        if not isinstance(name, str):
            return tr("schema.expected_field_name")
        if name not in fields:
            return tr("schema.unknown_field", name=name) + did_you_mean(name, fields)
        return None

    k = opt.kind
    if k == "field":
        return unknown_field(value)
    if k == "fields":
        if not isinstance(value, list) or not value:
            return tr("schema.expected_field_list")
        return next((p for p in map(unknown_field, value) if p), None)
    if k == "text":
        return None if isinstance(value, str) else tr("schema.expected", what=tr("type.text"))
    if k == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else tr("schema.expected", what=tr("type.nonneg_integer"))
    if k == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else tr("schema.expected", what=tr("type.number"))
    if k == "bool":
        return None if isinstance(value, bool) else tr("schema.expected", what=tr("type.true/false"))
    if k == "op":
        return None if value in OPS else tr("schema.bad_op", ops=" ".join(OPS))
    if k == "choice":
        if value is False and "off" in opt.choices:  # YAML 1.1 reads a bare `off` as false
            return None
        return None if value in opt.choices else tr("config.one_of", choices=" | ".join(opt.choices)) + did_you_mean(value, opt.choices)
    if k == "regex":
        if not isinstance(value, str):
            return tr("schema.expected", what=tr("type.text"))
        try:
            re.compile(value)
        except re.error as exc:
            return tr("schema.bad_regex", detail=exc)
        return None
    if k == "list":
        return None if isinstance(value, list) and value else tr("schema.expected", what=tr("type.list"))
    if k == "when":
        if not isinstance(value, dict) or not value:
            return tr("schema.expected_when")
        return next((p for p in map(unknown_field, value) if p), None)
    if k == "table":  # a mapping whose keys the caller checks
        return None if isinstance(value, dict) else tr("schema.expected", what=tr("type.table"))
    if k == "value":
        return None if isinstance(value, (str, int, float, dt.date)) else tr("schema.expected", what=tr("type.value"))
    if k == "condition":
        ok = isinstance(value, dict) and bool(value) and all(isinstance(n, str) for n in value)
        return None if ok else tr("schema.expected_when")
    if k == "mapping":
        ok = isinstance(value, dict) and bool(value) and all(isinstance(v, (str, int, float, bool)) for v in value.values())
        return None if ok else tr("schema.expected", what=tr("type.table"))
    if k == "match":  # this register's field: the other register's field
        if not isinstance(value, dict) or not value or not all(isinstance(v, str) for v in value.values()):
            return tr("schema.expected", what=tr("type.table"))
        return next((p for p in map(unknown_field, value) if p), None)
    raise AssertionError(f"unknown option kind {k}")


class Lookup(Protocol):
    """Other registers' tables, as a check of one table sees them (assistant.validate.ReferenceIndex)."""

    def __call__(self, register: str, field: str, where: dict[str, Any] | None = None,
                 near: str | None = None) -> set[str] | None:
        """The values of `register`.`field` (rows filtered by `where`; scope nearest to workbook
        `near`), None when no table in scope has the field."""

    def scope(self, register: str, near: str | None = None) -> list[Context]:
        """The tables of `register` nearest to workbook `near`: that workbook's own when it holds
        the register, otherwise every workbook's."""


class _NoLookup:
    def __call__(self, register: str, field: str, where: dict[str, Any] | None = None,
                 near: str | None = None) -> set[str] | None:
        return None

    def scope(self, register: str, near: str | None = None) -> list[Context]:
        return []


def parse_tables(tables: list[Table]) -> list[dict[str, Parsed]]:
    """Every schema field each table holds, parsed by its type: field name -> Parsed, per table.
    The columns of all the tables are parsed together, type by type (parse_columns)."""
    wanted = [(i, f.name, TYPES[f.type]) for i, t in enumerate(tables)
              for f in t.register.fields if f.name in t.frame]
    parsed = parse_columns([(ftype, tables[i].frame[name]) for i, name, ftype in wanted])
    out: list[dict[str, Parsed]] = [{} for _ in tables]
    for (i, name, _), p in zip(wanted, parsed):
        out[i][name] = p
    return out


@dataclass
class Context:
    """One table, parsed, with what checks need to report."""

    table: Table
    today: dt.date
    lookup: Lookup = field(default_factory=_NoLookup)
    parsed: dict[str, Parsed] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.parsed:
            self.parsed = parse_tables([self.table])[0]
        key = self.register.key
        if key and key in self.parsed:
            # The key as text (7, not 7.0), None where the cell holds no readable key (never NaN).
            p = self.parsed[key]
            self.keys = np.full(len(self.table), None, dtype=object)
            v = p.values[p.valid]
            if TYPES[self.register.field(key).type].kind != "text":  # rare: number or date keys
                codes, uniques = pd.factorize(v)
                v = np.array([display(u) for u in uniques], dtype=object)[codes]
            self.keys[p.valid.to_numpy()] = np.asarray(v, dtype=object)
        else:
            self.keys = np.full(len(self.table), None, dtype=object)

    @property
    def register(self) -> Register:
        return self.table.register

    def has(self, *names: str) -> bool:
        return all(n in self.parsed for n in names)

    def narrowed(self, keep: np.ndarray) -> Context:
        """The same table with only the rows `keep` marks (a report for one recipient's scope):
        a smaller table of its own, positions counted afresh, each row keeping its sheet row."""
        at = np.flatnonzero(keep)
        position = pd.Series(np.arange(len(at)), index=at)

        def cut(p: Parsed) -> Parsed:
            errors = p.errors[p.errors.index.isin(at)]
            return Parsed(p.values.iloc[at].reset_index(drop=True), p.empty.iloc[at].reset_index(drop=True),
                          errors.set_axis(position[errors.index].to_numpy()))

        t = self.table
        table = replace(t, frame=t.frame.iloc[at].reset_index(drop=True), rows=t.rows[at])
        return Context(table, self.today, self.lookup, {name: cut(p) for name, p in self.parsed.items()})

    def values(self, name: str) -> pd.Series:
        return self.parsed[name].values

    def findings(self, positions: Iterable[int] | np.ndarray | pd.Index, column: str | None, code: str,
                 messages: list[str], severity: str = "error") -> list[Finding]:
        """One Finding per position (the frame has a RangeIndex, so index labels are positions)."""
        t = self.table
        positions = np.asarray(positions, dtype=int)
        values = t.frame[column].to_numpy()[positions] if column in t.frame else [None] * len(positions)
        letter = col_letter(t.columns[column]) if column in t.columns else None
        workbook, register, sheet = t.workbook, self.register.id, t.sheet
        # Python ints and strs up front: a numpy scalar per finding costs more than the finding.
        return [
            Finding(workbook, register, sheet, row, column, f"{letter}{row}" if letter else None, key, code,
                    severity, _jsonable(v), m)
            for row, key, v, m in zip(t.rows[positions].tolist(), self.keys[positions].tolist(), values, messages)
        ]

    def sheet_finding(self, code: str, message: str, severity: str = "error", column: str | None = None,
                      key: str | None = None, value: object = None) -> Finding:
        t = self.table
        return Finding(workbook=t.workbook, register=self.register.id, sheet=t.sheet, row=None,
                       column=column, cell=None, key=key, code=code, severity=severity,
                       value=_jsonable(value), message=message)


def _jsonable(value: object) -> object:
    if isinstance(value, str):
        return value if value.strip() else None  # a blank cell has no value
    if value is None or isinstance(value, (int, bool)):
        return value
    if isinstance(value, float):
        return None if value != value else (int(value) if value.is_integer() else value)
    return display(value)


def partner_rows(rows: pd.Series, by: list[pd.Series]) -> pd.Series:
    """For rows that share a value (`by`), the row each should point at: a repeat points at the
    first row holding the value, the first row at the second. Index as `rows`."""
    keys = [f"k{i}" for i in range(len(by))]
    frame = pd.DataFrame(dict(zip(keys, by)), index=rows.index).assign(row=rows)
    frame = frame.sort_values([*keys, "row"])
    grouped = frame.groupby(keys, sort=False)["row"]
    partner = grouped.transform("first").where(grouped.cumcount() > 0, grouped.shift(-1))
    return partner.reindex(rows.index).astype(int)


def positions(mask: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


# --- registries ------------------------------------------------------------------------------------

class FieldCheck:
    """A check driven by one field option (enum, pattern, …)."""

    option: ClassVar[str]
    spec: ClassVar[Opt]
    kinds: ClassVar[tuple[str, ...] | None] = None  # field type kinds it applies to; None: all

    def lint(self, value: Any, kind: str) -> str | None:
        """A problem with `value` for a field whose type compares as `kind`, beyond its shape."""
        return None

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        raise NotImplementedError


class RuleCheck:
    """A table-level rule kind (compare, sequence, …)."""

    kind: ClassVar[str]
    options: ClassVar[dict[str, Opt]]

    def lint(self, options: dict[str, Any], fields: dict[str, Field]) -> list[tuple[str, str]]:
        """Problems beyond the option shapes, as (option, message)."""
        return []

    def other_register(self, options: dict[str, Any]) -> str | None:
        """The register a rule looks into besides its own (linted with all schemas together)."""
        return None

    def other_fields(self, options: dict[str, Any]) -> list[tuple[str, str]]:
        """(option, field name) pairs naming fields of `other_register`."""
        return []

    def lint_other(self, options: dict[str, Any], other: Register) -> list[tuple[str, str]]:
        """Problems beyond field names once the other register is known, as (option, message)."""
        return []

    def run(self, ctx: Context, o: dict[str, Any], severity: str) -> list[Finding]:
        raise NotImplementedError


FIELD_CHECKS: dict[str, FieldCheck] = {}
RULES: dict[str, RuleCheck] = {}


def field_check(cls: type[FieldCheck]) -> type[FieldCheck]:
    FIELD_CHECKS[cls.option] = cls()
    return cls


def rule(cls: type[RuleCheck]) -> type[RuleCheck]:
    RULES[cls.kind] = cls()
    return cls


def when_mask(ctx: Context, when: dict[str, Any]) -> pd.Series:
    """Rows where every field of `when` holds the given value (or one of the given values)."""
    mask = pd.Series(True, index=ctx.table.frame.index)
    for name, wanted in when.items():
        if not ctx.has(name):
            return pd.Series(False, index=mask.index)
        values = ctx.values(name)
        choices = wanted if isinstance(wanted, list) else [wanted]
        # Read the wanted values as the cells are read: 是 for a boolean, （） like (, dates as dates.
        readable = [v for v in read_constants(ctx.register.field(name).type, tuple(choices)) if v is not None]
        mask &= values.isin(readable)
    return mask


def describe_when(when: dict[str, Any]) -> str:
    """A condition as people read it: 状态为在岗且是否领导为是."""
    sep = tr("word.and")
    return sep.join(f"{k}{tr('word.is')}{'/'.join(map(str, v)) if isinstance(v, list) else v}"
                    for k, v in when.items())


def text_values(ctx: Context, name: str) -> pd.Series:
    """A field's readable values as trimmed text (what references compare), NaN elsewhere."""
    p = ctx.parsed[name]
    if TYPES[ctx.register.field(name).type].kind == "text":  # already normalised and trimmed
        return p.values.where(p.valid)
    return p.values.astype(str).str.strip().where(p.valid)


def constant(ctx: Context, value: Any, kind: str) -> Any:
    """A constant from a rule in the form the field's values take ('today' is the run's date)."""
    if kind == "date":
        return pd.Timestamp(ctx.today) if value == "today" else date_constant(value)
    return value


def date_constant(value: Any) -> pd.Timestamp | None:
    """A date written in a schema (a YAML date, or text such as '2026-01-01') as a cell would read it."""
    if not isinstance(value, (str, dt.date)):  # a bare number is no date in a schema
        return None
    return read_constants("datetime", (value,))[0]
