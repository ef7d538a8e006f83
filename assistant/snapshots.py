"""What one `flag` cycle saw of a register in a workbook, as the status history takes it: a
`Snapshot` per (workbook, register), built from the deadline frame in the process that judged the
workbook (plain lists: a worker process sends it back), and compared with the stretches the history
holds open (assistant/history.py). Pure pandas: nothing here touches the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

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


def snapshot(frame: pd.DataFrame, workbook: str, register: str) -> Snapshot:
    """The snapshot of a deadline frame (assistant.deadlines.evaluate)."""
    out: dict[str, list[Any]] = {}
    for name in COLUMNS:
        if name in DATES:
            days = frame[name].to_numpy(dtype="datetime64[D]")
            numbers = days.astype(np.int64).astype(object)
            numbers[np.isnat(days)] = None
            out[name] = numbers.tolist()
        else:
            out[name] = frame[name].astype(object).where(frame[name].notna(), None).tolist()
    return Snapshot(workbook, register, out)


def cycle_items(snaps: Sequence[Snapshot], pairs: dict[tuple[str, str], int]) -> tuple[pd.DataFrame, dict[int, int]]:
    """The cycle's items (pair id, key, values) and, per pair, the rows not tracked: without a key,
    or repeating a key of an earlier row (the first is kept)."""
    frames = [pd.DataFrame(s.columns, columns=list(COLUMNS), dtype=object).assign(pair=pairs[(s.workbook, s.register)])
              for s in snaps]
    every = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["pair", *COLUMNS], dtype=object)
    keep = every["key"].notna() & ~every.duplicated(["pair", "key"])
    untracked = (~keep).groupby(every["pair"]).sum() if len(every) else pd.Series(dtype=int)
    new = every[keep.to_numpy(dtype=bool)].astype({"pair": "int64"})
    return new[["pair", *COLUMNS]], {int(p): int(n) for p, n in untracked.items()}


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
