"""Findings: plain records of what is wrong in a cell, a row or a sheet (docs/design.md §6)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(slots=True)
class Finding:
    """One problem. Its fields, in this order, are the JSON contract (`check --format json`).

    A record is never changed once made (`dataclasses.replace` makes a changed copy). It is not
    declared frozen because a run can make 100,000 of them, and a frozen dataclass's __init__ costs
    five times as much (each field set through object.__setattr__)."""

    workbook: str
    register: str
    sheet: str
    row: int | None  # as the person sees it in the sheet (1-based); None for sheet-level findings
    column: str | None  # field name (header text from the schema)
    cell: str | None  # "H5"
    key: str | None  # the row's key value, when the register has a key
    code: str  # stable, machine-readable
    severity: str  # "error" | "warning"
    value: object  # the cell's content as read, for JSON; None when there is no single cell
    message: str  # plain language, in the user's language


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {"error": c.get("error", 0), "warning": c.get("warning", 0)}


def sort_key(f: Finding) -> tuple:
    return (f.workbook, f.register, f.row if f.row is not None else -1, f.cell or "", f.code)
