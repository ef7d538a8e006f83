"""The figures of the 督查通报, per 责任单位 (docs/reports.md#bulletin): what each count means, as
conditions the history counts in SQL, and the rates, score and totals made from the counts. The
bulletin report reads the history and lays the figures out.

`counts`: per workbook and unit, the items open at the period's end (`until`) meeting each of
    `conditions`, the items `new` in the period and the data `errors` of the unit's rows (NA:
    not counted in that cycle).
`before`: how many items stood in each status at the end of the previous period, by workbook
    and unit (History.counts_at: workbook, unit, status, items), or None when the history does
    not reach back that far.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from assistant.history_queries import day_number
from assistant.reports.base import rate

DONE = ("done", "done_late")
WEIGHTS = {"on_time_rate": 40.0, "completion_rate": 40.0, "overdue": -5.0, "data_errors": -1.0, "quota_met": 20.0}
COUNTS = ("items", "new", "closed", "closed_on_time", "overdue", "due", "due_done", "errors")


def conditions(start: dt.date, until: dt.date) -> dict[str, str]:
    """The counts of the items open on `until` (History.state_counts): SQL over a stretch's
    status, due and finished (day numbers). `new` and `errors` are counted apart."""
    a, b = day_number(start), day_number(until)
    done = f"status IN ({', '.join(repr(s) for s in DONE)})"
    closed = f"finished BETWEEN {a} AND {b}"
    return {"items": "1", "closed": f"{done} AND {closed}", "closed_on_time": f"status = 'done' AND {closed}",
            "overdue": "status = 'overdue'", "due": f"due <= {b}", "due_done": f"due <= {b} AND {done}"}


def unit_rows(counts: pd.DataFrame, before: pd.DataFrame | None, weights: dict[str, float],
              by: str = "unit") -> list[dict[str, Any]]:
    """One row per value of `by` (责任单位, or township): the counts, the rates, the overdue count
    at the end of the previous period and the change, and the score."""
    if counts.empty:
        return []
    sums = counts[list(COUNTS)].groupby(counts[by].fillna("—").to_numpy(), sort=True).sum(min_count=1)
    if before is not None:  # counted by the unit the items had then
        was = before[before["status"] == "overdue"].groupby(before[by].fillna("—"))["items"].sum()
    rows = []
    for name, c in sums.iterrows():
        row: dict[str, Any] = {by: name, **{k: None if pd.isna(c[k]) else int(c[k]) for k in COUNTS}}
        row["overdue_before"] = int(was.get(name, 0)) if before is not None else None
        finish(row, weights)
        rows.append(row)
    return rows


def finish(row: dict[str, Any], weights: dict[str, float]) -> dict[str, Any]:
    """The figures derived from a row's counts (a unit's, a township's or the total's)."""
    row["completion_rate"] = rate(row["due_done"], row["due"])
    row["on_time_rate"] = rate(row["closed_on_time"], row["closed"])
    before = row.get("overdue_before")
    row["overdue_change"] = None if before is None else row["overdue"] - before
    row["score"] = score(row, weights)
    return row


def score(row: dict[str, Any], weights: dict[str, float]) -> float:
    """Σ weight × figure: rates as fractions (a weight of 40 gives 40 points at 100%), counts as
    counts, quota_met as 1 or 0. A figure that cannot be computed adds nothing."""
    figures = {"on_time_rate": row.get("on_time_rate"), "completion_rate": row.get("completion_rate"),
               "overdue": row.get("overdue"), "data_errors": row.get("errors"),
               "quota_met": None if row.get("quota_met") is None else float(bool(row["quota_met"]))}
    return round(sum(weights.get(k, 0.0) * v for k, v in figures.items() if v is not None), 1)


def totals(rows: list[dict[str, Any]], weights: dict[str, float], label: dict[str, Any]) -> dict[str, Any]:
    total: dict[str, Any] = {**label, **{k: _sum(r[k] for r in rows) for k in COUNTS}}
    befores = [r["overdue_before"] for r in rows]
    total["overdue_before"] = None if not rows or any(b is None for b in befores) else sum(befores)
    finish(total, weights)
    total["score"] = None  # a score ranks units against each other; a sum of them ranks nothing
    return total


def overdue_list(over: pd.DataFrame, days_over: np.ndarray) -> list[dict[str, Any]]:
    """The items overdue at the period's end (History.state_at), the longest overdue first: who,
    whose leader, since when."""
    over = over.assign(days_over=days_over).sort_values(["days_over", "unit", "key"], ascending=[False, True, True],
                                                        na_position="last")
    return [{"workbook": w, "unit": u, "key": k, "owner": o, "leader": ld, "due": _day(d), "days_over": _int(n),
             "overdue_since": _day(s)}
            for w, u, k, o, ld, d, n, s in zip(over["workbook"], over["unit"], over["key"], over["owner"],
                                                over["leader"], over["due"], over["days_over"], over["first_overdue"])]


def _sum(values: Any) -> int | None:
    """A total of counts; None when none of them is known (errors not counted)."""
    values = list(values)
    known = [v for v in values if v is not None]
    return None if values and not known else sum(known)


def _day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
