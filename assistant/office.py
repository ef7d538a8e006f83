"""The office: its configuration and its registers, and which registers each workbook holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.checks import RULES
from assistant.config import Config, WorkbookConfig, load_config
from assistant.errors import ConfigError
from assistant.i18n import tr
from assistant.people import directory_spec
from assistant.schema.loader import load_registers
from assistant.schema.model import Register
from assistant.sources.base import Source, match_sheet
from assistant.suggest import did_you_mean
from assistant.table import Table, build_table


@dataclass
class Office:
    config: Config
    registers: dict[str, Register]

    @property
    def name(self) -> str:
        return self.config.office_name

    def register(self, reg_id: str) -> Register:
        if reg_id not in self.registers:
            raise ConfigError(tr("office.unknown_register", name=reg_id, known=", ".join(self.registers))
                              + did_you_mean(reg_id, self.registers))
        return self.registers[reg_id]

    def with_references(self, only: set[str] | None) -> set[str] | None:
        """`only` plus the registers its fields reference (None stays None: everything)."""
        if only is None:
            return None
        return set(only).union(*(referenced(self.registers[r]) for r in only))


def referenced(reg: Register) -> set[str]:
    """The registers `reg` looks into: its fields' `references`, its rules' other register."""
    out = {f.options["references"]["register"] for f in reg.fields if "references" in f.options}
    return out | {other for rule in reg.rules if (other := RULES[rule.kind].other_register(rule.options))}


def load_office(config_path: Path) -> Office:
    config = load_config(config_path)
    registers = load_registers(config.schemas_dir)
    office = Office(config, registers)
    for wb in config.workbooks:
        for reg_id in wb.registers or ():
            office.register(reg_id)  # an unknown id in the config is a config error, early
    _check_field_names(office)
    return office


def _check_field_names(office: Office) -> None:
    """Names the config gives (a recipient's scope fields, the mail directory) must be in the
    schemas: a typo would otherwise mean a leader's weekly "nothing overdue", or nobody reminded."""
    config = office.config

    def problem(key: str, message: str, name: str, known: Iterable[str]) -> ConfigError:
        return ConfigError(tr("config.problem", path=config.path.name, key=key, message=message)
                           + did_you_mean(name, known), hint=tr("office.unknown_field_hint", schemas=config.schemas_dir.name))

    every = sorted({f.name for reg in office.registers.values() for f in reg.fields})
    scopes = [(f"recipients[{i}]", r.scope) for i, r in enumerate(config.recipients)] + \
        [(f"robots[{i}]", r.scope) for i, r in enumerate(config.robots)]
    for where, scope in scopes:
        for name in scope if isinstance(scope, dict) else ():
            if name not in every:
                raise problem(f"{where}.scope.{name}", tr("office.unknown_field", name=name), name, every)
    if config.mail.directory is None:  # the default (the roster register, if any) is only a fallback
        return
    spec = directory_spec(config)
    reg = office.registers.get(spec["register"])
    if reg is None:
        raise problem("mail.directory.register", tr("office.unknown_register", name=spec["register"],
                                                    known=", ".join(office.registers)), spec["register"], office.registers)
    for key in ("name", "email", *(("mobile",) if "mobile" in config.mail.directory else ())):
        if spec[key] not in reg.field_names:
            raise problem(f"mail.directory.{key}", tr("office.field_not_in_register", name=spec[key], register=reg.id),
                          spec[key], reg.field_names)


@dataclass
class ReadResult:
    tables: list[Table] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # warnings that are not about a cell


def read_workbook(office: Office, wb: WorkbookConfig, source: Source, only: set[str] | None = None) -> ReadResult:
    """Tables of the registers this workbook holds (all listed, or all whose sheet it has)."""
    regs = [office.register(reg_id) for reg_id in wb.registers or office.registers
            if only is None or reg_id in only]
    found = source.read_sheets([reg.sheet for reg in regs])
    tables = []
    for reg in regs:
        if reg.sheet not in found:
            if wb.registers:  # listed explicitly: the sheet must be there (raises, with what there is)
                match_sheet(reg.sheet, source.sheet_names(), source.location)
            continue
        title, grid = found[reg.sheet]
        tables.append(build_table(grid, reg, wb.name, title, serial_dates=source.serial_dates))
    return ReadResult(tables=tables)


def read_office(office: Office, sources: dict[str, Source], only: set[str] | None = None) -> ReadResult:
    """Every workbook's tables; a register that no workbook holds is a notice."""
    result = ReadResult()
    for wb in office.config.workbooks:
        result.tables += read_workbook(office, wb, sources[wb.name], only).tables
    held = {t.register.id for t in result.tables}
    for reg_id, reg in office.registers.items():
        if reg_id not in held and (only is None or reg_id in only):
            result.notices.append(tr("office.register_not_held", register=reg_id, sheet=reg.sheet))
    return result
