#!/usr/bin/env python
"""Benchmark: `assistant flag` (statuses written back into the workbook) on large task registers,
beside openpyxl's own load_workbook + save of the same file.

Prints figures; it is never a pass/fail test. Run it from the repository (after
`pip install -e '.[bench]'`):

    python bench/flag_large.py                       # 10,000 and 100,000 rows, ours best of 3
    python bench/flag_large.py --rows 20000 --repeat 1 --skip-openpyxl
    python bench/flag_large.py --keep /tmp/office    # keep the office folder to look at

What it does, in one temporary folder (deleted afterwards unless --keep):

1. `assistant init DIR --today 2026-11-20`, keeping its default schemas (tasks.yaml with `deadline:`
   and `outputs:`, roster.yaml), then DIR/data/凤凰镇.xlsx is overwritten, per line of the table, by a
   generated workbook (xlsxwriter with constant_memory off, so strings go to a shared-string table as
   Excel and WPS save them; seeded): sheet 督查督办台账 (title row, the 12 headers of tasks.yaml in
   row 2, --rows data rows, real date cells, progress as a number, about --bad-rate bad cells:
   dates that are no dates, progress that is no number, a status outside the list) and sheet
   人员名册 (50 people every 责任人 and 分管领导 uses). The assistant-owned columns (预警状态,
   剩余工作日, 校验提示) are not there yet: flag creates them, as on a first run.

   One more line, "small register, big workbook": a register of --small-rows rows in a workbook
   that also holds an archive sheet (历史台账, no schema) of the largest --rows rows. It shows that
   our cost follows the cells we write, not the size of the workbook: we patch one worksheet and
   copy every other part as compressed bytes, whereas openpyxl reads and writes everything.

2. Ours: `assistant flag --format json --today 2026-11-20` as a whole process (wall clock, best of
   --repeat, peak RSS over the runs), write-back included; the original workbook is restored before
   every run, so each one is a first write (three new columns, every row). Cells written is what
   flag reports in its text output (one extra, untimed run).

3. openpyxl: `load_workbook(path)` + `wb.save(other_path)` of the same original file, as a whole
   process, once (--openpyxl-repeat), in the same run.

4. A markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_large import (  # noqa: E402
    HEADERS,
    PLACES,
    ROSTER_SHEET,
    SHEET,
    SOURCES,
    STATUSES,
    TODAY,
    TOPICS,
    UNITS,
    measure,
    roster_people,
    tool,
    working_folder,
)

ARCHIVE_SHEET = "历史台账"
OPENPYXL_ROUND_TRIP = "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[2])"


def _serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


def generate(path: Path, rows: int, seed: int, bad_rate: float = 0.02, archive_rows: int = 0) -> None:
    """The task register (and optionally an archive sheet of the same layout), shared strings."""
    import xlsxwriter

    rng = random.Random(seed)
    people = roster_people(rng)
    leaders = [p["姓名"] for p in people if p["是否领导"] == "是"]
    staff = [p["姓名"] for p in people if p["是否领导"] == "否"]
    wb = xlsxwriter.Workbook(str(path))  # constant_memory off: a shared-string table, as Excel writes
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd", "border": 1})
    text_fmt = wb.add_format({"border": 1})
    head_fmt = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
    start, span = dt.date(2024, 1, 1), (dt.date(2026, 11, 10) - dt.date(2024, 1, 1)).days

    def sheet(name: str, n: int, year0: int) -> None:
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, f"凤凰镇督查督办台账（{TODAY.year}年）")
        for c, h in enumerate(HEADERS):
            ws.write_string(1, c, h, head_fmt)
        ws.set_column(0, 11, 12)
        ws.freeze_panes(2, 1)
        for i in range(n):
            r = i + 2
            assigned = start + dt.timedelta(days=rng.randrange(span))
            due: object = assigned + dt.timedelta(days=rng.randint(7, 180))
            status = rng.choices(STATUSES, weights=(15, 55, 30))[0]
            done = None
            if status == "已办结":
                done = assigned + dt.timedelta(days=rng.randint(0, min(150, (TODAY - assigned).days)))
            progress: object = {"未启动": 0, "推进中": rng.randint(5, 95), "已办结": 100}[status]
            if rng.random() < bad_rate * 3:  # ~bad_rate of the cells of these three columns
                kind = rng.randrange(3)
                if kind == 0:
                    due = rng.choice(["2026.13.45", "下周五", "年底前"])
                elif kind == 1:
                    progress = rng.choice(["五十", "过半"])
                else:
                    status = rng.choice(["已完成", "进行中"])
            values = [f"DB-{year0 + i // 99_999}-{i % 99_999 + 1:05d}", rng.choice(SOURCES),
                      f"{rng.choice(PLACES)}{rng.choice(TOPICS)}", rng.choice(UNITS), rng.choice(staff),
                      rng.choice(leaders), assigned, due, progress, status, done,
                      rng.choice(["", "", "", "资金已到位", "已上报", "待协调"])]
            for c, v in enumerate(values):
                if v is None or v == "":
                    continue
                if isinstance(v, dt.date):
                    ws.write_number(r, c, _serial(v), date_fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v, text_fmt)
                else:
                    ws.write_number(r, c, v, text_fmt)

    sheet(SHEET, rows, 2020)
    rs = wb.add_worksheet(ROSTER_SHEET)
    for c, h in enumerate(people[0]):
        rs.write_string(0, c, h, head_fmt)
    for i, p in enumerate(people, start=1):
        for c, h in enumerate(p):
            rs.write_string(i, c, p[h])
    if archive_rows:
        sheet(ARCHIVE_SHEET, archive_rows, 2010)
    wb.close()


def run_line(args, assistant: str, office: Path, label: str, rows: int, archive_rows: int) -> dict:
    config = office / "assistant.toml"
    workbook = office / "data" / "凤凰镇.xlsx"
    original = office / "original.xlsx"
    t0 = time.perf_counter()
    generate(original, rows, args.seed, args.bad_rate, archive_rows)
    size_mb = original.stat().st_size / 2**20
    print(f"[{label}] generated {rows:,} register rows"
          + (f" + {archive_rows:,} archive rows" if archive_rows else "")
          + f" ({size_mb:.1f} MiB) in {time.perf_counter() - t0:.1f} s", flush=True)

    today = TODAY.isoformat()
    flag = [assistant, "flag", "--format", "json", "--config", str(config), "--today", today]
    runs = []
    out = office / "flag.json"
    for _ in range(args.repeat):
        shutil.copyfile(original, workbook)
        shutil.rmtree(office / ".assistant" / "backups", ignore_errors=True)
        m = measure(flag, out)
        if m["rc"] not in (0, 1):
            raise RuntimeError(f"flag exited {m['rc']}:\n{m['stderr']}")
        if workbook.read_bytes() == original.read_bytes():
            raise RuntimeError(f"flag wrote nothing:\n{m['stderr']}")
        runs.append(m)
    items = len(json.loads(out.read_text(encoding="utf-8"))["items"])
    best = min(runs, key=lambda m: m["wall"])
    ours_mb = max(m["maxrss_kib"] for m in runs) / 1024
    walls = ", ".join(f"{m['wall']:.2f}" for m in runs)
    print(f"[{label}] ours: runs {walls} s, peak {ours_mb:.0f} MB, "
          f"{items:,} items", flush=True)

    # Cells written, as flag says it (text output); the file must still open for a check.
    shutil.copyfile(original, workbook)
    text = subprocess.run([*flag[:2], *flag[4:]], capture_output=True, text=True)
    m = re.search(r"(\d[\d,]*) 个单元格|(\d[\d,]*) cells", text.stdout)
    cells = int((m.group(1) or m.group(2)).replace(",", "")) if m else None
    check = subprocess.run([assistant, "check", "--format", "json", "--config", str(config), "--today", today,
                            "--register", "tasks"], capture_output=True, text=True)
    if check.returncode not in (0, 1):
        raise RuntimeError(f"the written workbook does not check: {check.stderr}")

    op = None
    if not args.skip_openpyxl:
        print(f"[{label}] openpyxl load_workbook + save ...", flush=True)
        op_runs = []
        for _ in range(args.openpyxl_repeat):
            m = measure([sys.executable, "-c", OPENPYXL_ROUND_TRIP, str(original), str(office / "openpyxl.xlsx")],
                        office / "openpyxl.out")
            if m["rc"] != 0:
                raise RuntimeError(f"openpyxl failed:\n{m['stderr']}")
            op_runs.append(m)
        op = dict(min(op_runs, key=lambda m: m["wall"]), maxrss_kib=max(m["maxrss_kib"] for m in op_runs))
        print(f"[{label}] openpyxl: {op['wall']:.2f} s, peak {op['maxrss_kib'] / 1024:.0f} MB", flush=True)
    return {"label": label, "rows": rows, "archive": archive_rows, "size_mb": size_mb, "ours": best["wall"],
            "ours_mb": ours_mb, "cells": cells, "openpyxl": op and op["wall"],
            "openpyxl_mb": op and op["maxrss_kib"] / 1024}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="10000,100000", help="register sizes, comma-separated (default 10000,100000)")
    ap.add_argument("--small-rows", type=int, default=1000,
                    help="register rows of the 'small register, big workbook' line (0: skip it; default 1000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of ours per line; the best is reported (default 3)")
    ap.add_argument("--openpyxl-repeat", type=int, default=1, help="runs of openpyxl per line (default 1)")
    ap.add_argument("--skip-openpyxl", action="store_true")
    ap.add_argument("--bad-rate", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--keep", type=Path, default=None, help="build the office in this folder and keep it")
    args = ap.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]

    t_start = time.perf_counter()
    assistant = tool("assistant")
    with working_folder(assistant, args.keep, "bench-flag-") as office:
        lines = [run_line(args, assistant, office, f"{n:,} rows", n, 0) for n in sizes]
        if args.small_rows and sizes:
            lines.append(run_line(args, assistant, office, f"{args.small_rows:,} rows + {max(sizes):,} archived",
                                  args.small_rows, max(sizes)))

    fmt = lambda v, f: "—" if v is None else format(v, f)  # noqa: E731
    print()
    print(f"benchmark total {time.perf_counter() - t_start:.0f} s; ours best of {args.repeat}, "
          f"openpyxl {'skipped' if args.skip_openpyxl else f'best of {args.openpyxl_repeat}'}")
    print()
    print("| register rows | workbook | ours (s) | openpyxl load+save (s) | cells written | ours peak MB "
          "| openpyxl peak MB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in lines:
        book = f"{r['size_mb']:.1f} MiB" + (f", +{r['archive']:,}-row archive sheet" if r["archive"] else "")
        print(f"| {r['rows']:,} | {book} | {r['ours']:.2f} | {fmt(r['openpyxl'], '.1f')} | {fmt(r['cells'], ',')} "
              f"| {r['ours_mb']:.0f} | {fmt(r['openpyxl_mb'], '.0f')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
