"""Where registers are read from and written to: xlsx files and Google Sheets, one Protocol.

Each kind of source is registered here, as field types and rule kinds are in theirs: a name, what
claims a workbook entry's `source` string (a URI scheme or a predicate) and a factory that opens
it, `(WorkbookConfig, Config | None) -> Source`. The factory is named by "module:function" and
imported only when a workbook of that kind is opened, so importing this package never imports
gspread or google-auth. A new source is one module plus one `register_source` call:

    register_source("csv", "assistant.sources.csv:from_config", scheme="csv")
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from assistant.config import Config, WorkbookConfig
from assistant.sources.base import Source

Factory = Callable[[WorkbookConfig, Config | None], Source]


@dataclass(frozen=True)
class SourceKind:
    name: str
    claims: Callable[[str], bool]  # whether a workbook entry's `source` is one of ours
    factory: str | Factory  # "package.module:function", imported on first use, or the function itself

    def load(self) -> Factory:
        """The factory, importing its module now if it is named by path."""
        if not isinstance(self.factory, str):
            return self.factory
        module, _, name = self.factory.partition(":")
        factory: Factory = getattr(importlib.import_module(module), name)
        return factory

    def open(self, wb: WorkbookConfig, config: Config | None = None) -> Source:
        return self.load()(wb, config)


SOURCES: dict[str, SourceKind] = {}  # by name, in registration order
DEFAULT = "xlsx"  # the kind of a source that no other kind claims: a path to a local file


def register_source(name: str, factory: str | Factory, *, scheme: str | None = None,
                    claims: Callable[[str], bool] | None = None) -> SourceKind:
    """Register a kind of source, claiming the sources that start with `scheme` + ":" or those
    `claims` says are its own (exactly one of the two). A name registered again is replaced."""
    if scheme is not None and claims is not None:
        raise ValueError(f"source kind {name!r}: give either a scheme or a claims predicate, not both")
    if scheme is not None:
        claims = _scheme(scheme)
    elif claims is None:
        raise ValueError(f"source kind {name!r}: give either a scheme or a claims predicate")
    kind = SourceKind(name, claims, factory)
    SOURCES[name] = kind
    return kind


def _scheme(scheme: str) -> Callable[[str], bool]:
    prefix = scheme.removesuffix(":") + ":"
    return lambda source: source.startswith(prefix)


def source_kind(source: str) -> SourceKind:
    """The kind a workbook entry's `source` is: the first registered that claims it, else the default."""
    for kind in SOURCES.values():
        if kind.name != DEFAULT and kind.claims(source):
            return kind
    return SOURCES[DEFAULT]


def open_source(wb: WorkbookConfig, config: Config | None = None) -> Source:
    """The source for one `[[workbooks]]` entry. Only the CLI and the scheduler call this: jobs are
    handed their sources."""
    from assistant import prefetch

    return prefetch.claim(wb, config) or source_kind(wb.source).open(wb, config)


def is_google_sheet(source: str) -> bool:
    """`gsheets:<key>` or a spreadsheet's URL."""
    return source.startswith("gsheets:") or source.startswith("https://docs.google.com/")


register_source("xlsx", "assistant.sources.xlsx.source:from_config", claims=lambda source: True)
register_source("gsheets", "assistant.sources.gsheets.source:from_config", claims=is_google_sheet)
