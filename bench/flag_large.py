#!/usr/bin/env python
"""Benchmark: `assistant flag` (statuses written back into the workbook) on large registers of several
shapes, against a bare python-calamine read of the same sheet and openpyxl's load_workbook + save.

Prints figures; it is never a pass/fail test. Linux only (peak memory via the resource module).
Run it from the repository (after `pip install -e '.[bench]'`):

    python bench/flag_large.py                       # default shape: 10,000 and 100,000 rows
    python bench/flag_large.py --shape all --rows 100000
    python bench/flag_large.py --scale --skip-openpyxl   # 10k, 100k, 1M rows: time and memory growth
    python bench/flag_large.py --rows 20000 --repeat 1 --skip-openpyxl
    python bench/flag_large.py --keep /tmp/office    # keep the office folder to look at

What it does, in one temporary folder (deleted afterwards unless --keep):

1. `assistant init DIR --today 2026-11-20`; then, per shape and line of the table, DIR/data/凤凰镇.xlsx
   is overwritten by a generated workbook (seeded). Shapes:
     default  the init's own tasks.yaml (with `deadline:`, `outputs:`, `references`, `sequence`) on
              the register generated below, exactly as before shapes existed: sheet 督查督办台账
              (title row, the 12 headers in row 2, real date cells, borders, frozen panes, about
              --bad-rate bad cells in 完成时限 / 进度(%) / 办理状态) and 人员名册 (50 people)
     text, dates, wide   the generators and check schemas of bench/shape_*.py (see check_large.py),
              with the task register's `deadline:` and `outputs:` added
   Strings go to a shared-string table as Excel and WPS save (--strings shared, the default, as
   before), or inline (--strings inline; always above 200,000 rows, where xlsxwriter would need
   several GB to hold a shared-string sheet). The assistant-owned columns (预警状态, 剩余工作日,
   校验提示) are not there yet: flag creates them, as on a first run.

   For the default shape one more line, "small register, big workbook": a register of --small-rows
   rows in a workbook that also holds an archive sheet (历史台账, no schema) of the largest --rows
   rows. Our cost follows the cells we write, not the size of the workbook: we patch one worksheet
   and copy every other part as compressed bytes, whereas openpyxl reads and writes everything.

2. Measured as whole processes (wall clock; peak RSS through a wrapper), interleaved (bare, ours,
   bare, ours, ... --repeat rounds; best wall clock, peak RSS over the runs):
     bare read  python-calamine's read of the register sheet of the same file
     ours       `assistant flag --format json --today 2026-11-20`, write-back included; the original
                workbook is restored before every run, so each one is a first write (three new
                columns, every row)
   The children run without PYTHONDONTWRITEBYTECODE (see bench/harness.py). Cells written is what
   flag reports in its text output (one extra, untimed run); the written file must still check.

3. openpyxl: `load_workbook(path)` + `wb.save(other_path)` of the same original file, as a whole
   process, --openpyxl-repeat times (once by default), skipped above --peer-max-rows.

4. Per line: ours / bare read (time and memory), openpyxl / ours; a markdown table for
   bench/README.md and, with several sizes, the growth factors between them.
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
from harness import BARE_READ, TODAY, Job, fmt, growth_lines, interleaved, measure, sizes, tool, working_folder  # noqa: E402
from shape_default import (  # noqa: E402
    HEADERS,
    PLACES,
    SHEET,
    SOURCES,
    TOPICS,
    UNITS,
    roster_people,
    write_roster,
)
from shapes import STATUSES, Shape, excel_serial, pick  # noqa: E402

ARCHIVE_SHEET = "历史台账"
OPENPYXL_ROUND_TRIP = "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[2])"
MAX_SHARED_ROWS = 200_000  # xlsxwriter holds a shared-string sheet in memory


def generate(path: Path, rows: int, seed: int, bad_rate: float = 0.02, archive_rows: int = 0,
             shared_strings: bool = True) -> None:
    """The default shape's task register (and optionally an archive sheet of the same layout)."""
    import xlsxwriter

    rng = random.Random(seed)
    people = roster_people(rng)
    leaders = [p["姓名"] for p in people if p["是否领导"] == "是"]
    staff = [p["姓名"] for p in people if p["是否领导"] == "否"]
    wb = xlsxwriter.Workbook(str(path), {} if shared_strings else {"constant_memory": True})
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
                    ws.write_number(r, c, excel_serial(v), date_fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v, text_fmt)
                else:
                    ws.write_number(r, c, v, text_fmt)

    sheet(SHEET, rows, 2020)
    write_roster(wb, people, head_fmt)
    if archive_rows:
        sheet(ARCHIVE_SHEET, archive_rows, 2010)
    wb.close()


def run_line(args: argparse.Namespace, assistant: str, office: Path, shape: Shape, rows: int,
             archive_rows: int = 0) -> dict:
    config = office / "assistant.toml"
    workbook = office / "data" / "凤凰镇.xlsx"
    original = office / "original.xlsx"
    label = f"{shape.name} {rows:,}" + (f" + {archive_rows:,} archived" if archive_rows else "")
    shared = args.strings == "shared" and max(rows, archive_rows) <= MAX_SHARED_ROWS
    t0 = time.perf_counter()
    if shape.name == "default":
        generate(original, rows, args.seed, args.bad_rate, archive_rows, shared)
    else:
        shape.generate(original, rows, args.bad_rate, args.seed, shared)
    size_mb = original.stat().st_size / 2**20
    strings = "shared" if shared else "inline"
    print(f"[{label}] generated ({size_mb:.1f} MiB, {strings} strings) in {time.perf_counter() - t0:.1f} s", flush=True)

    def restore() -> None:
        shutil.copyfile(original, workbook)
        shutil.rmtree(office / ".assistant" / "backups", ignore_errors=True)

    def wrote(_: dict) -> None:
        if workbook.read_bytes() == original.read_bytes():
            raise RuntimeError("flag wrote nothing")

    out = office / "flag.json"
    flag = [assistant, "flag", "--format", "json", "--config", str(config), "--today", TODAY.isoformat()]
    timed = interleaved([Job("bare", [sys.executable, "-c", BARE_READ, str(original), shape.sheet], office / "bare.out"),
                         Job("ours", flag, out, ok_codes=(0, 1), before=restore, after=wrote)], args.repeat)
    bare, ours = timed["bare"], timed["ours"]
    items = len(json.loads(out.read_text(encoding="utf-8"))["items"])
    print(f"  bare read: runs {bare.runs()} s, peak {bare.mb:.0f} MB")
    print(f"  ours:      runs {ours.runs()} s, peak {ours.mb:.0f} MB, {items:,} items", flush=True)

    # Cells written, as flag says it (text output); the file must still open for a check.
    restore()
    text = subprocess.run([*flag[:2], *flag[4:]], capture_output=True, text=True)
    m = re.search(r"(\d[\d,]*) 个单元格|(\d[\d,]*) cells", text.stdout)
    cells = int((m.group(1) or m.group(2)).replace(",", "")) if m else None
    check = subprocess.run([assistant, "check", "--format", "json", "--config", str(config), "--today",
                            TODAY.isoformat(), "--register", "tasks"], capture_output=True, text=True)
    if check.returncode not in (0, 1):
        raise RuntimeError(f"the written workbook does not check: {check.stderr}")

    op = None
    if not args.skip_openpyxl and max(rows, archive_rows) <= args.peer_max_rows:
        print("  openpyxl load_workbook + save ...", flush=True)
        op_runs = []
        for _ in range(args.openpyxl_repeat):
            m2 = measure([sys.executable, "-c", OPENPYXL_ROUND_TRIP, str(original), str(office / "openpyxl.xlsx")],
                         office / "openpyxl.out")
            if m2["rc"] != 0:
                raise RuntimeError(f"openpyxl failed:\n{m2['stderr']}")
            op_runs.append(m2)
        op = dict(min(op_runs, key=lambda r: r["wall"]), maxrss_kib=max(r["maxrss_kib"] for r in op_runs))
        print(f"  openpyxl: {op['wall']:.2f} s, peak {op['maxrss_kib'] / 1024:.0f} MB", flush=True)
    print(f"  ours / bare read: {ours.wall / bare.wall:.2f}× the time, {ours.mb / bare.mb:.2f}× the memory"
          + (f"; openpyxl / ours: {op['wall'] / ours.wall:.1f}×" if op else ""), flush=True)
    return {"shape": shape.name, "strings": strings, "rows": rows, "archive": archive_rows, "size_mb": size_mb,
            "bare": bare.wall, "bare_mb": bare.mb, "ours": ours.wall, "ours_mb": ours.mb, "cells": cells,
            "openpyxl": op and op["wall"], "openpyxl_mb": op and op["maxrss_kib"] / 1024}


TABLE_HEAD = ("| shape | register rows | workbook | bare read (s) | ours (s) | ours / bare | openpyxl load+save (s) "
              "| openpyxl / ours | cells written | bare peak MB | ours peak MB | ours / bare memory | openpyxl peak MB |")


def table_line(r: dict) -> str:
    book = f"{r['size_mb']:.1f} MiB, {r['strings']}" + (f", +{r['archive']:,}-row archive sheet" if r["archive"] else "")
    ratio = "—" if r["openpyxl"] is None else f"{r['openpyxl'] / r['ours']:.1f}×"
    return (f"| {r['shape']} | {r['rows']:,} | {book} | {r['bare']:.2f} | {r['ours']:.2f} | {r['ours'] / r['bare']:.2f}× "
            f"| {fmt(r['openpyxl'], '.1f')} | {ratio} | {fmt(r['cells'], ',')} | {r['bare_mb']:.0f} | {r['ours_mb']:.0f} "
            f"| {r['ours_mb'] / r['bare_mb']:.2f}× | {fmt(r['openpyxl_mb'], '.0f')} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="default", help="default, text, dates, wide, a comma list or all")
    ap.add_argument("--rows", default="10000,100000", help="register sizes, comma-separated (default 10000,100000)")
    ap.add_argument("--scale", action="store_true", help="rows 10000,100000,1000000: print the growth")
    ap.add_argument("--small-rows", type=int, default=1000,
                    help="register rows of the 'small register, big workbook' line, default shape only "
                         "(0: skip it; default 1000)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of bare read and ours; best reported (default 3)")
    ap.add_argument("--openpyxl-repeat", type=int, default=1, help="runs of openpyxl per line (default 1)")
    ap.add_argument("--skip-openpyxl", action="store_true")
    ap.add_argument("--peer-max-rows", type=int, default=200_000,
                    help="run openpyxl only up to this many rows (default 200000)")
    ap.add_argument("--strings", choices=("shared", "inline"), default="shared",
                    help="shared-string table as Excel/WPS save (default, as before shapes) or inline strings")
    ap.add_argument("--bad-rate", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--keep", type=Path, default=None, help="build the office in this folder and keep it")
    args = ap.parse_args()
    shapes = pick(args.shape)
    counts = sizes("10000,100000,1000000" if args.scale else args.rows)

    t_start = time.perf_counter()
    assistant = tool("assistant")
    lines = []
    with working_folder(assistant, args.keep, "bench-flag-") as office:
        tasks = office / "sheets_schema" / "tasks.yaml"
        init_tasks = tasks.read_text(encoding="utf-8")
        for shape in shapes:
            tasks.write_text(init_tasks if shape.name == "default" else shape.schema + shape.flag_extra,
                             encoding="utf-8")
            for n in counts:
                lines.append(run_line(args, assistant, office, shape, n))
            if shape.name == "default" and args.small_rows and not args.scale:
                lines.append(run_line(args, assistant, office, shape, args.small_rows, max(counts)))

    print()
    print(f"benchmark total {time.perf_counter() - t_start:.0f} s; bare read and ours interleaved, best of "
          f"{args.repeat}; openpyxl {'skipped' if args.skip_openpyxl else f'best of {args.openpyxl_repeat}'}")
    print()
    print(TABLE_HEAD)
    print("|" + " --- |" * (TABLE_HEAD.count(" | ") + 1))
    for r in lines:
        print(table_line(r))
    if len(counts) > 1:
        print()
        for shape in shapes:
            mine = [r for r in lines if r["shape"] == shape.name and not r["archive"]]
            print("\n".join(growth_lines(f"{shape.name}, bare read", [(r["rows"], r["bare"], r["bare_mb"]) for r in mine])))
            print("\n".join(growth_lines(f"{shape.name}, ours", [(r["rows"], r["ours"], r["ours_mb"]) for r in mine])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
