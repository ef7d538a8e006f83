"""What one `flag` cycle saw of a register in a workbook, as the status history takes it: a
`Snapshot` per (workbook, register), built from the deadline frame in the process that judged the
workbook (plain lists: a worker process sends it back), and compared with the stretches the history
holds open (assistant/history.py). Pure pandas: nothing here touches the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assistant.findings import Finding

VALUES = ("status", "due", "finished", "unit", "owner", "leader")  # what a stretch keeps the same
COLUMNS = ("key", *VALUES)  # a snapshot's columns
DATES = ("due", "finished")  # dates, kept as day numbers (days since 1970-01-01)


@dataclass(frozen=True)
class Snapshot:
    """One (workbook, register) as one cycle judged it, in plain lists (a worker process sends it
    back to the command): `columns` maps each of COLUMNS to one value per data row, dates as day
    numbers, None where empty."""

    workbook: str
    register: str
    columns: dict[str, list[Any]]
    errors: list[int] | None = None  # error findings per data row; None: not counted

    def error_counts(self) -> list[int] | list[None]:
        return self.errors if self.errors is not None else [None] * len(self.columns["key"])


def snapshot(frame: pd.DataFrame, workbook: str, register: str, findings: Iterable[Finding] = ()) -> Snapshot:
    """The snapshot of a deadline frame (assistant.deadlines.evaluate), with the error findings of
    each of its rows counted from `findings` (those of this workbook and register)."""
    per_row = Counter(f.row for f in findings if f.severity == "error" and f.row is not None)
    errors = [per_row.get(int(r), 0) for r in frame["row"]] if per_row else [0] * len(frame)
    out: dict[str, list[Any]] = {}
    for name in COLUMNS:
        if name in DATES:
            days = frame[name].to_numpy(dtype="datetime64[D]")
            numbers = days.astype(np.int64).astype(object)
            numbers[np.isnat(days)] = None
            out[name] = numbers.tolist()
        else:
            out[name] = frame[name].astype(object).where(frame[name].notna(), None).tolist()
    return Snapshot(workbook, register, out, errors)


@dataclass(frozen=True)
class Cycle:
    """A cycle's rows as the history stores them."""

    items: pd.DataFrame  # the tracked items: pair id, key, values
    untracked: dict[int, int]  # per pair, the rows without a key or repeating one (the first is kept)
    tallies: pd.DataFrame  # per pair, unit ('' for none) and status: items and errors (NA: not counted)


def cycle_items(snaps: Sequence[Snapshot], pairs: dict[tuple[str, str], int]) -> Cycle:
    """The cycle's items, its untracked rows and its tallies. A tally counts the tracked items of a
    unit and status, and the error findings of all its rows, untracked ones included."""
    frames = [pd.DataFrame(s.columns, columns=list(COLUMNS), dtype=object)
              .assign(pair=pairs[(s.workbook, s.register)], errors=s.error_counts()) for s in snaps]
    every = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=["pair", *COLUMNS, "errors"], dtype=object))
    keep = every["key"].notna() & ~every.duplicated(["pair", "key"])
    untracked = (~keep).groupby(every["pair"]).sum() if len(every) else pd.Series(dtype=int)
    new = every[keep.to_numpy(dtype=bool)].astype({"pair": "int64"})
    counted = pd.DataFrame({"pair": every["pair"].astype("int64"), "unit": every["unit"].fillna(""),
                            "status": every["status"], "items": keep.astype("int64"),
                            "errors": pd.to_numeric(every["errors"]).astype("Int64")})
    groups = counted.groupby(["pair", "unit", "status"], sort=False)  # a row without a status: none to tally
    tallies = pd.concat([groups["items"].sum(), groups["errors"].sum(min_count=1)], axis=1).reset_index()
    return Cycle(new[["pair", *COLUMNS]], {int(p): int(n) for p, n in untracked.items()}, tallies)


def diff(new: pd.DataFrame, old: pd.DataFrame) -> tuple[list[int], pd.DataFrame, pd.DataFrame]:
    """A cycle's items against the open stretches of its pairs: the ids of the stretches that end
    (changed or gone), the stretches that begin (changed items, and new ones: `item` missing),
    each with the status it follows as `previous`, and the items gone (`item`, `pair`, `previous`)."""
    m = new.merge(old, on=["pair", "key"], how="outer", suffixes=("", "_old"), indicator=True)
    m = m.rename(columns={"status_old": "previous"})
    both, gone = (m["_merge"] == "both").to_numpy(), (m["_merge"] == "right_only").to_numpy()
    same = both.copy()
    for v in VALUES:
        a, b = m[v], m["previous" if v == "status" else f"{v}_old"]
        same &= ((a == b) | (a.isna() & b.isna())).to_numpy()
    close = [int(i) for i in m.loc[(both & ~same) | gone, "id"]]
    return close, m.loc[~same & ~gone, ["pair", "key", "item", "previous", *VALUES]], m.loc[gone, ["item", "pair", "previous"]]
