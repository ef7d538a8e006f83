"""How a report is built: each workbook judged and summed up on its own (in worker processes where
assistant/parallel.py may), then the summaries put together into one Report.

A report kind reads a few registers (`registers`), turns one judged workbook into a small picklable
summary (`summarize`), and builds the Report from the summaries of every workbook (`assemble`): for
one workbook its units, for a district one row per township with the townships ranked, and each
township's own report as a part. A workbook that cannot be read is listed as such; the others are
still counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import pandas as pd

from assistant.checks.base import Context, text_values
from assistant.config import Config, WorkbookConfig
from assistant.context import JobContext
from assistant.digests import in_scope
from assistant.errors import SourceError
from assistant.fieldtypes import TYPES
from assistant.i18n import tr
from assistant.judge import Judge, Judgement
from assistant.parallel import each_workbook
from assistant.reports.model import Report
from assistant.reports.period import Period

Progress = Callable[[int, int, str], None]  # (workbooks done, of how many, the last one's name)


@dataclass
class Summary:
    """One workbook's share of a report (sent back by a worker process, so plain data)."""

    workbook: str
    data: dict[str, Any] = field(default_factory=dict)
    unreadable: str | None = None  # why the workbook could not be read


class ReportKind:
    name: ClassVar[str]
    registers: ClassVar[frozenset[str]]  # the registers it reads (references are read as well)
    deadlines: ClassVar[bool] = False  # whether it needs the deadline statuses
    defaults: ClassVar[dict[str, Any]] = {}  # its settings ([reports.NAME] in assistant.toml)
    default_period: ClassVar[str] = "week"

    def collect(self, ctx: JobContext, period: Period, settings: dict[str, Any],
                progress: Progress | None) -> list[Summary]:
        """Each workbook's summary: by default every workbook judged and summed up (`summaries`); a
        report made from the history of statuses reads that instead of the workbooks."""
        return summaries(ctx, self, period, settings, progress)

    def summarize(self, j: Judgement, wb: WorkbookConfig, period: Period, today: dt.date,
                  settings: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def assemble(self, ctx: JobContext, period: Period, parts: list[Summary],
                 settings: dict[str, Any]) -> Report:
        raise NotImplementedError


REPORTS: dict[str, ReportKind] = {}


def report_kind(cls: type[ReportKind]) -> type[ReportKind]:
    REPORTS[cls.name] = cls()
    return cls


def build(ctx: JobContext, name: str, period: Period, progress: Progress | None = None) -> Report:
    """The report `name` over `period`, for every workbook of the office."""
    kind = REPORTS[name]
    settings = settings_of(kind, ctx.office.config)
    parts = kind.collect(ctx, period, settings, progress)
    report = kind.assemble(ctx, period, parts, settings)
    report.unreadable = [p.workbook for p in parts if p.unreadable]
    if isinstance(ctx.scope, dict):  # the reader sees whose report it is, in the title and the mail's subject
        report.scope = dict(ctx.scope)
        shown = tr("word.list_sep").join(f"{k}：{v}" for k, v in ctx.scope.items())
        report.title += tr("reports.scoped", scope=shown)
    return report


def settings_of(kind: ReportKind, config: Config) -> dict[str, Any]:
    """A report's settings: its defaults, with what `[reports.NAME]` of assistant.toml gives."""
    return {**kind.defaults, **config.reports.get(kind.name, {})}


def summaries(ctx: JobContext, kind: ReportKind, period: Period, settings: dict[str, Any],
              progress: Progress | None = None) -> list[Summary]:
    """Every workbook of the office judged (only the registers the report reads) and summed up."""
    narrowed = replace(ctx, only=set(kind.registers))
    judge = Judge(narrowed, deadlines=kind.deadlines)

    def one(wb: WorkbookConfig) -> Summary:
        try:
            j = judge.workbook(wb)
        except SourceError as exc:  # listed in the report; the other workbooks still count
            judge.done(wb)
            return Summary(wb.name, unreadable=exc.message)
        data = kind.summarize(scoped(j, ctx.scope), wb, period, ctx.today, settings)
        judge.done(wb)
        return Summary(wb.name, data)

    out: list[Summary] = []
    total = len(ctx.office.config.workbooks)
    for s in each_workbook(narrowed, one):
        out.append(s)
        if progress is not None:
            progress(len(out), total, s.workbook)
    return out


def scoped(j: Judgement, scope: str | dict[str, str]) -> Judgement:
    """A judged workbook as a recipient's scope sees it: each table having every field of the
    scope narrowed to the rows where each equals the given text (as a digest's scope), with their
    findings and statuses; a table without those fields counted whole (a leader scoped to the
    tasks he oversees still reads the office's staffing)."""
    if not isinstance(scope, dict):
        return j
    contexts, rows, frames = [], {}, dict(j.frames)
    for c in j.contexts:
        pair = (c.table.workbook, c.register.id)
        if not c.has(*scope):
            contexts.append(c)
            continue
        keep = in_scope(c, scope)
        contexts.append(c.narrowed(keep))
        rows[pair] = set(c.table.rows[keep].tolist())
        if pair in frames:
            frame = frames[pair]
            frames[pair] = frame[keep[frame["position"].to_numpy()]].reset_index(drop=True)
    findings = [f for f in j.findings
                if f.row is None or (f.workbook, f.register) not in rows or f.row in rows[(f.workbook, f.register)]]
    return Judgement(findings, contexts, frames, j.notices, unscoped=j)


def unreadable_notices(parts: list[Summary]) -> list[str]:
    return [tr("reports.unreadable", workbook=p.workbook, reason=p.unreadable) for p in parts if p.unreadable]


# --- reading a table as plain columns -------------------------------------------------------------

def table_of(j: Judgement, register: str) -> Context | None:
    return next((c for c in j.contexts if c.register.id == register), None)


def columns(ctx: Context | None, names: dict[str, str]) -> pd.DataFrame:
    """Fields of a table as columns named by `names` (column -> field): text fields as trimmed text
    (None where empty or unreadable), other types as their typed values (NaN/NaT where not). A
    field the sheet lacks is a column of None; no table is a frame without rows."""
    if ctx is None:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in names})
    out = {}
    for key, field_name in names.items():
        if not ctx.has(field_name):
            out[key] = pd.Series(None, index=ctx.table.frame.index, dtype=object)
        elif TYPES[ctx.register.field(field_name).type].kind == "text":
            out[key] = text_values(ctx, field_name).astype(object).where(ctx.parsed[field_name].valid, None)
        else:
            p = ctx.parsed[field_name]
            out[key] = p.values.where(p.valid)
    return pd.DataFrame(out, index=ctx.table.frame.index)


def rate(part: float | int | None, whole: float | int | None) -> float | None:
    """part / whole as a fraction, None when there is no whole to divide by."""
    if part is None or not whole:
        return None
    return float(part) / float(whole)


def ranked(rows: list[dict[str, Any]], key: str, worst_first: bool = True) -> list[dict[str, Any]]:
    """Rows sorted by `key` (None last) with a 1-based `rank`; equal values share a rank."""
    present = sorted((r for r in rows if r.get(key) is not None), key=lambda r: r[key], reverse=worst_first)
    out, last, rank = [], object(), 0
    for i, r in enumerate(present, 1):
        if r[key] != last:
            rank, last = i, r[key]
        out.append({**r, "rank": rank})
    return out + [{**r, "rank": None} for r in rows if r.get(key) is None]
