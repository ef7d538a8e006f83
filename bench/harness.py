"""Measuring whole processes for the large-register benchmarks (check_large.py, flag_large.py).

Every measured command runs as a child of a small wrapper process that reports the child's wall
clock and its max RSS (getrusage(RUSAGE_CHILDREN): Linux only, which is why the benchmarks do not
run on Windows). The children run without PYTHONDONTWRITEBYTECODE: with it set, an editable install
compiles every module of ours on every start (~0.2 s) where an installed package would load its
.pyc files, and python-calamine, the floor we compare with, pays nothing of the kind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

TODAY = dt.date(2026, 11, 20)

# The wrapper every measured command runs in: wall clock of the child, and its max RSS (KiB on Linux).
WRAPPER = r"""
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    t0 = time.perf_counter()
    p = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "maxrss_kib": ru.ru_maxrss, "user": ru.ru_utime, "sys": ru.ru_stime,
                  "rc": p.returncode, "stderr": p.stderr.decode("utf-8", "replace")[-3000:]}))
"""

# A bare read of one sheet, timed as a whole process (issue 16's floor): argv = workbook, sheet.
BARE_READ = ("import sys; from python_calamine import CalamineWorkbook; "
             "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2]).to_python()")


def child_env() -> dict[str, str]:
    """The environment of measured children: ours, minus PYTHONDONTWRITEBYTECODE (see the docstring)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        sys.exit(f"cannot find the `{name}` command (pip install -e '.[bench]')")
    return found


@contextlib.contextmanager
def working_folder(assistant: str, keep: Path | None, prefix: str) -> Iterator[Path]:
    """A fresh working folder made by `assistant init`: `keep` (emptied first, then left for a
    look), or a temporary one removed afterwards."""
    tmp = None
    if keep:
        office = keep.absolute()
        if office.exists():
            shutil.rmtree(office)
    else:
        tmp = tempfile.mkdtemp(prefix=prefix)
        office = Path(tmp) / "office"
    try:
        subprocess.run([assistant, "init", str(office), "--today", TODAY.isoformat()], check=True,
                       capture_output=True)
        yield office
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(cmd: list[str], out_path: Path, cwd: Path | None = None) -> dict:
    """Run `cmd` once inside the wrapper; stdout goes to out_path. Returns wall, maxrss_kib, rc, stderr."""
    p = subprocess.run([sys.executable, "-c", WRAPPER, str(out_path), *cmd], capture_output=True, text=True,
                       cwd=cwd, env=child_env())
    if p.returncode != 0:
        raise RuntimeError(f"wrapper failed: {p.stderr}")
    return json.loads(p.stdout)


@dataclass
class Timed:
    """One command measured several times: the best wall clock, the peak RSS over all runs."""

    name: str
    walls: list[float] = field(default_factory=list)
    peak_kib: int = 0

    @property
    def wall(self) -> float:
        return min(self.walls)

    @property
    def mb(self) -> float:
        return self.peak_kib / 1024

    def runs(self) -> str:
        return ", ".join(f"{w:.2f}" for w in self.walls)


@dataclass
class Job:
    """A command to measure: `before` runs untimed ahead of each run (restoring a file, say)."""

    name: str
    cmd: list[str]
    out: Path
    ok_codes: tuple[int, ...] = (0,)
    cwd: Path | None = None
    before: Callable[[], None] | None = None
    after: Callable[[dict], None] | None = None  # sees each run's result (checks what it wrote)


def interleaved(jobs: list[Job], repeat: int) -> dict[str, Timed]:
    """Run the jobs in turn, `repeat` rounds (A, B, A, B, ...), so a noisy neighbour slows them
    alike; best wall clock and peak RSS per job."""
    timed = {j.name: Timed(j.name) for j in jobs}
    for _ in range(repeat):
        for j in jobs:
            if j.before:
                j.before()
            m = measure(j.cmd, j.out, cwd=j.cwd)
            if m["rc"] not in j.ok_codes:
                raise RuntimeError(f"{j.name}: {' '.join(j.cmd)} exited {m['rc']}:\n{m['stderr']}")
            if j.after:
                j.after(m)
            t = timed[j.name]
            t.walls.append(m["wall"])
            t.peak_kib = max(t.peak_kib, m["maxrss_kib"])
    return timed


def sizes(text: str) -> list[int]:
    """'10000,100_000,1e6' -> [10000, 100000, 1000000]."""
    return [int(float(s.replace("_", ""))) for s in text.split(",") if s.strip()]


def fmt(value: float | int | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def growth_lines(label: str, points: list[tuple[int, float, float]]) -> list[str]:
    """The scaling points (rows, seconds, MB) and the growth factor between neighbours; linear
    growth is a time factor near the rows factor (memory: minus the fixed start-up share)."""
    out = [f"{label}: " + "; ".join(f"{n:,} rows {t:.2f} s {m:.0f} MB" for n, t, m in points)]
    for (n0, t0, m0), (n1, t1, m1) in zip(points, points[1:]):
        out.append(f"  {n0:,} -> {n1:,} rows (×{n1 / n0:g}): time ×{t1 / t0:.1f}, memory ×{m1 / m0:.1f}")
    return out
