"""read → judge: the step every job shares. Reads the office's workbooks, validates them and
computes deadline statuses; nothing is written and nothing is sent here.

One workbook at a time (`Judge.workbook`; with worker processes, each worker's judge takes its
workbooks one at a time, assistant/parallel.py), so `check` and `flag` hold one workbook's tables at
once, not the district's: a register a workbook does not hold but references (a roster kept in another
workbook) is read from the other workbooks once and kept, and only those registers are.

One workbook that cannot be read (missing, renamed, corrupt) does not stop the office (`Judge.safely`):
it is named in the judgement's `unreadable`, every other workbook is judged (a register looked for in
it counts as not there, as when the workbook holds none), and the job ends with exit 2
(docs/design.md §6).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from assistant.calendar import WorkCalendar
from assistant.checks.base import Context, parse_tables
from assistant.config import Config, WorkbookConfig
from assistant.deadlines import evaluate
from assistant.errors import SourceError
from assistant.findings import Finding, sort_key
from assistant.i18n import get_lang, tr
from assistant.office import read_workbook, referenced
from assistant.outcome import problem_line
from assistant.people import directory_spec
from assistant.sources.memory import collector_paused
from assistant.validate import validate

if TYPE_CHECKING:  # the context imports the sender, which needs this module
    from assistant.context import JobContext


@dataclass(frozen=True)
class Unreadable:
    """A workbook that could not be read (a SourceError: missing, renamed, corrupt, a sheet or a
    required column gone). The others are judged without it."""

    workbook: str
    reason: str  # the source's message, which names the file
    hint: str | None = None
    lang: str = "zh"  # the language `reason` and `hint` are in (the run's)

    @property
    def problem(self) -> str:
        """The line the CLI prints on stderr: which workbook was skipped and why, then what to do."""
        return problem_line(tr("judge.unreadable", workbook=self.workbook, reason=self.reason), self.hint)


@dataclass
class Judgement:
    findings: list[Finding]  # of the wanted registers, sorted
    contexts: list[Context]  # the wanted registers' parsed tables
    frames: dict[tuple[str, str], pd.DataFrame]  # (workbook, register) -> deadline statuses
    notices: list[str] = field(default_factory=list)
    unscoped: Judgement | None = None  # narrowed to a scope (reports/base.scoped): the whole, for lookups
    unreadable: list[Unreadable] = field(default_factory=list)  # workbooks skipped, in the config's order

    def findings_of(self, workbook: str, register: str) -> list[Finding]:
        return self._by_table.get((workbook, register), [])

    def __post_init__(self) -> None:
        self._by_table: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in self.findings:
            self._by_table[(f.workbook, f.register)].append(f)


@dataclass(frozen=True)
class Learned:
    """What judging a workbook taught the judge besides its verdict: the registers it holds, the
    years whose working days were estimated and the workbooks found unreadable. A worker process
    sends it back with its results, so the job's notices are the same as when the workbooks are
    judged one after another."""

    held: frozenset[str]
    estimated: frozenset[int] = frozenset()
    basis: str = "holidays"
    unreadable: frozenset[str] = frozenset()


class Judge:
    """Judges an office's workbooks one by one. Narrowed to some registers (`ctx.only`), the
    registers they reference are still read, so references resolve; only the wanted are returned."""

    def __init__(self, ctx: JobContext, calendar: WorkCalendar | None = None, deadlines: bool = True):
        self.ctx, self.office = ctx, ctx.office
        self.reads = self.office.with_references(ctx.only)  # None: every register
        self.calendar = (calendar or WorkCalendar.from_config(self.office.config)) if deadlines else None
        self.held: set[str] = set()  # registers some workbook holds (for the "not held" notices)
        self._others: dict[str, list[Context]] = {}  # register -> its tables in other workbooks, parsed
        self._looked: set[tuple[str, str]] = set()  # (workbook, register) read for references already
        self._holds: dict[str, set[str]] = {}  # workbook -> the registers it holds, once judged
        self.unreadable: set[str] = set()  # workbooks that could not be read (judged or looked into)

    def wanted(self, reg_id: str) -> bool:
        return self.ctx.only is None or reg_id in self.ctx.only

    def workbook(self, wb: WorkbookConfig) -> Judgement:
        """Read → validate → deadlines for one workbook; references to a register it does not hold
        resolve against the other workbooks' tables of that register."""
        with collector_paused():
            return self._workbook(wb)

    def _workbook(self, wb: WorkbookConfig) -> Judgement:
        ctx = self.ctx
        tables = read_workbook(self.office, wb, ctx.sources[wb.name], self.reads).tables
        own = {t.register.id for t in tables}
        self.held |= own
        missing = {r for t in tables for r in referenced(t.register)
                   if r not in own and (self.reads is None or r in self.reads)}
        self._holds[wb.name] = own
        findings, contexts = validate(tables, ctx.today, self._tables_of(missing, wb) if missing else [])
        contexts = [c for c in contexts if self.wanted(c.register.id)]
        frames = {}
        if self.calendar is not None:
            frames = {(wb.name, c.register.id): evaluate(c, self.calendar, ctx.today)
                      for c in contexts if c.register.deadline}
        return Judgement(findings=sorted((f for f in findings if self.wanted(f.register)), key=sort_key),
                         contexts=contexts, frames=frames)

    def safely(self, wb: WorkbookConfig) -> Judgement:
        """`workbook(wb)`, except that a workbook that cannot be read is an empty judgement naming it
        in `unreadable`: the job goes on with the other workbooks."""
        try:
            return self.workbook(wb)
        except SourceError as exc:
            self.unreadable.add(wb.name)
            return Judgement(findings=[], contexts=[], frames={}, unreadable=[Unreadable(wb.name, exc.message, exc.hint, get_lang())])

    def done(self, wb: WorkbookConfig) -> None:
        """This workbook will not be read again in this job: let its source drop what it cached."""
        self.ctx.sources[wb.name].refresh()

    def learned(self) -> Learned:
        c, bad = self.calendar, frozenset(self.unreadable)
        return (Learned(frozenset(self.held), c.estimated_years, c.basis, bad) if c
                else Learned(frozenset(self.held), unreadable=bad))

    def learn(self, learned: Learned) -> None:
        self.held |= learned.held
        self.unreadable |= learned.unreadable
        if self.calendar is not None:
            self.calendar.absorb(learned.estimated, learned.basis)

    def notices(self) -> list[str]:
        """After every workbook: registers no workbook holds, and the calendar's own notice."""
        # with a workbook unreadable, "no workbook holds it" may not be true: say where it may be
        bad = tr("word.list_sep").join(sorted(self.unreadable))
        out = [tr("office.register_not_held_readable", register=reg_id, sheet=reg.sheet, workbooks=bad) if bad
               else tr("office.register_not_held", register=reg_id, sheet=reg.sheet)
               for reg_id, reg in self.office.registers.items()
               if reg_id not in self.held and (self.reads is None or reg_id in self.reads)]
        return out + ([n] if self.calendar is not None and (n := self.calendar.notice()) else [])

    def _tables_of(self, registers: set[str], wb: WorkbookConfig) -> list[Context]:
        """The tables of `registers` in the workbooks other than `wb`, each looked for once in this
        job. A workbook is opened for it only when it may hold one of them, and let go after."""
        for other in self.office.config.workbooks:
            if other.name == wb.name:
                continue
            known = self._holds.get(other.name)  # what a judged workbook holds, exactly
            look = {r for r in registers if (other.name, r) not in self._looked
                    and not (other.registers and r not in other.registers) and (known is None or r in known)}
            if look:
                source = self.ctx.sources[other.name]
                try:
                    found = read_workbook(self.office, other, source, look).tables
                except SourceError:  # counts as holding none of them; named when it is judged itself
                    found = []
                    self.unreadable.add(other.name)
                for t, parsed in zip(found, parse_tables(found)):
                    self._others.setdefault(t.register.id, []).append(Context(t, self.ctx.today, parsed=parsed))
                source.refresh()  # judged already, or judged later: not held open meanwhile
            self._looked |= {(other.name, r) for r in registers}
        return [c for r in sorted(registers) for c in self._others.get(r, []) if c.table.workbook != wb.name]


def judge(ctx: JobContext, calendar: WorkCalendar | None = None, deadlines: bool = True) -> Judgement:
    """Every workbook read afresh and judged (`deadlines=False`: validation only), all kept: for
    the jobs that need every table at once (digest, remind). Each table is cut down, as soon as its
    workbook is judged, to the columns delivering reads (recipients' scope fields, the directory)."""
    j = Judge(ctx, calendar, deadlines)
    keep = delivered_fields(ctx.office.config)
    findings: list[Finding] = []
    contexts: list[Context] = []
    frames: dict[tuple[str, str], pd.DataFrame] = {}
    unreadable: list[Unreadable] = []
    for wb in ctx.office.config.workbooks:
        part = j.safely(wb)  # one workbook that cannot be read: the others are still delivered on
        findings += part.findings
        contexts += [_slim(c, keep) for c in part.contexts]
        frames.update(part.frames)
        unreadable += part.unreadable
        j.done(wb)
        del part
    return Judgement(findings=sorted(findings, key=sort_key), contexts=contexts, frames=frames, notices=j.notices(),
                     unreadable=unreadable)


def delivered_fields(config: Config) -> set[str]:
    """The fields a digest or a reminder reads from a table besides its deadline statuses: the
    recipients' and robots' scope fields, the directory's names, addresses and mobiles."""
    spec = directory_spec(config)
    scopes = [r.scope for r in config.recipients] + [r.scope for r in config.robots]
    scoped = {name for scope in scopes if isinstance(scope, dict) for name in scope}
    mobiles = {spec["mobile"]} if config.robots else set()  # robots @-mention by mobile; mail needs none
    return scoped | {spec["name"], spec["email"]} | mobiles


def _slim(c: Context, keep: set[str]) -> Context:
    """`c` holding only the columns in `keep` (its rows, sheet and register stay)."""
    c.parsed = {name: p for name, p in c.parsed.items() if name in keep}
    c.table.frame = c.table.frame[[name for name in c.table.frame.columns if name in keep]]
    return c
