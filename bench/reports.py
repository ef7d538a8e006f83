#!/usr/bin/env python
"""Benchmark: the district 督查通报 over a year of weekly history.

Prints figures; it is never a pass/fail test. Run it from the repository:

    python bench/reports.py                               # 200 townships × 500 tasks × 52 weeks
    python bench/reports.py --townships 20 --weeks 12     # a quick look

1. bench/history.py records the history (seeded: a busy task register per township, one `flag`
   cycle a week) into the state folder of an office whose assistant.toml lists one workbook per
   township. The bulletin reads only the history, so the workbooks themselves are not written.
2. `assistant report bulletin --format json` (the last recorded week, and the quarter) and
   `--format html -o DIR`, each as a whole process: wall clock and peak RSS (bench/check_large.py's
   wrapper), best of --repeat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pandas as pd  # noqa: E402
from check_large import measure, tool, working_folder  # noqa: E402

from assistant.history import FILENAME, History  # noqa: E402


def office(folder: Path, townships: int) -> Path:
    books = "".join(f'[[workbooks]]\nname = "镇{t:03d}"\nsource = "data/镇{t:03d}.xlsx"\n\n' for t in range(townships))
    config = folder / "assistant.toml"
    config.write_text(f'[office]\nname = "区委督查室"\n\n{books}', encoding="utf-8")
    return config


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=200)
    ap.add_argument("--tasks", type=int, default=500)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="build the office in this folder and keep it")
    args = ap.parse_args()
    assistant = tool("assistant")
    with working_folder(assistant, args.keep, "bench-reports-") as folder:
        config = office(folder, args.townships)
        history = folder / ".assistant" / FILENAME
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(Path(__file__).parent / "history.py"), "--townships", str(args.townships),
                        "--tasks", str(args.tasks), "--weeks", str(args.weeks), "--keep", str(history)],
                       check=True, stdout=subprocess.DEVNULL)
        with History(history) as h:
            last = pd.Timestamp(h.days()["day"].iloc[-1]).date()
        size = history.stat().st_size / 2**20
        print(f"history: {args.townships} townships x {args.tasks} tasks x {args.weeks} weeks recorded in "
              f"{time.perf_counter() - t0:.0f} s, {size:.0f} MiB; last cycle {last}")
        today = (last + dt.timedelta(days=4)).isoformat()  # the Friday of the last recorded week
        common = ["--config", str(config), "--today", today]
        runs = [("bulletin, week, json", ["report", "bulletin", "--format", "json", *common]),
                ("bulletin, quarter, json", ["report", "bulletin", "--period", "quarter", "--format", "json", *common]),
                ("bulletin, week, html", ["report", "bulletin", "--format", "html", "-o", str(folder / "pages"), *common])]
        print(f"\n| run | wall (best of {args.repeat}) | peak MB |\n| --- | --- | --- |")
        for label, cmd in runs:
            walls, peak = [], 0
            for _ in range(args.repeat):
                m = measure([assistant, *cmd], folder / "out.json")
                if m["rc"] != 0:
                    raise RuntimeError(f"{label} exited {m['rc']}:\n{m['stderr']}")
                walls.append(m["wall"])
                peak = max(peak, m["maxrss_kib"])
            print(f"| {label} | {min(walls):.2f} s | {peak / 1024:.0f} |", flush=True)
        measure([assistant, *runs[0][1]], folder / "out.json")  # the week's document, to say what it held
        data = json.loads((folder / "out.json").read_text(encoding="utf-8"))
        t = data["total"]
        print(f"\nlast week: {len(data['townships'])} townships ranked, {t['items']:,} tasks, {t['overdue']:,} overdue, "
              f"{len(data['overdue']):,} in the overdue list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
