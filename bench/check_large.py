#!/usr/bin/env python
"""Benchmark: `assistant check` on large registers of several shapes, against a bare python-calamine
read of the same sheet (the floor) and frictionless with equivalent rules, in one run.

Prints figures; it is never a pass/fail test. Linux only (peak memory via the resource module).
Run it from the repository (after `pip install -e '.[bench]'`):

    python bench/check_large.py                          # default shape, 100,000 rows
    python bench/check_large.py --shape all              # default, text, dates, wide
    python bench/check_large.py --shape text,wide --shared-strings
    python bench/check_large.py --scale                  # 10k, 100k, 1M rows: time and memory growth
    python bench/check_large.py --rows 2000,20000 --skip-frictionless

What it does, in one temporary folder (deleted afterwards unless --keep):

1. `assistant init DIR --today 2026-11-20`; then, per shape and size, DIR/data/凤凰镇.xlsx is
   overwritten with a generated register (xlsxwriter, seeded: the same arguments give the same
   cells) and DIR/sheets_schema/tasks.yaml with the shape's schema. The shapes (bench/shape_*.py,
   whose docstrings list columns, schema and the faults injected):
     default  today's task register, exactly as before shapes existed (old figures stay comparable)
     text     15 columns: Chinese-name patterns, phones, an 编号 pattern, enums, max_length, unique
     dates    8 date columns, a fifth typed as text ('2026/3/5', '20260305', '2026年3月5日'), 8 compares
     wide     60 columns: string, integer, number, date, enum, every one checked
   Strings are inline (xlsxwriter constant_memory) unless --shared-strings (a shared-string table,
   as Excel and WPS save; held in memory by xlsxwriter, so above 200,000 rows inline is used).
   Each generator records the findings it expects: each tool is compared with what was injected.

2. Measured as whole processes (wall clock; peak RSS of the child through a wrapper), interleaved
   (bare, ours, bare, ours, ... --repeat rounds; best wall clock, peak RSS over the runs) so a noisy
   neighbour slows both alike:
     bare read  `CalamineWorkbook.from_path(...).get_sheet_by_name(...).to_python()` of the sheet
     ours       `assistant check --format json --register tasks --today 2026-11-20`
   The children run without PYTHONDONTWRITEBYTECODE (see bench/harness.py): with it, an editable
   install recompiles every module of ours at each start, which an installed package does not.
   For the default shape the default tasks.yaml (with its `references` and `sequence` warnings) is
   timed too, as an extra line not compared with frictionless (--skip-default).

3. frictionless: `frictionless validate` (its CLI, once; skipped above --peer-max-rows, 200,000 by
   default, since it takes minutes) with `assistant schema export tasks` adapted (Shape.
   frictionless_schema: no primaryKey, which would report each duplicate twice; text dates read
   with format "any") and each rule as a None-safe `row-constraint` (a None cell skips the rule, as
   ours skips empty or unreadable cells; "today" compared as an ISO string).
   Known differences, set aside before comparing: for a repeated value our `unique` flags both
   rows, frictionless only the later one ("first dup."); in the dates shape frictionless cannot
   read '2026年3月5日' and reports it as a type error (counted as "fr only"). A phone that fails
   frictionless's pattern is our type error (invalid_phone). "agree" = with these set aside, both
   tools flag the same (row, column, check) multiset.

4. Prints, per shape and size: rows, the bare read's time and peak, ours, the peer's, ours / bare
   (time and memory), frictionless / ours, error counts and agreement; then a markdown table for
   bench/README.md and, with several sizes, the growth factors between them.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# HEADERS … UNITS, tool, working_folder and measure are also imported from here by the other
# benchmarks (district, digest_many, history, reports).
from harness import BARE_READ, TODAY, Job, fmt, growth_lines, interleaved, measure, sizes, tool, working_folder  # noqa: E402
from shape_default import HEADERS, PLACES, ROSTER_SHEET, SHEET, SOURCES, TOPICS  # noqa: E402, F401
from shapes import GIVEN, SURNAMES, UNITS, Shape, pick  # noqa: E402, F401

MAX_SHARED_ROWS = 200_000  # xlsxwriter holds a shared-string sheet in memory: ~2 GB at a million rows

_OUR_CHECKS = {"missing_value": "required", "not_in_enum": "enum", "pattern_mismatch": "pattern",
               "above_maximum": "maximum", "below_minimum": "minimum", "too_long": "maxLength",
               "too_short": "minLength", "duplicate_value": "unique", "compare_failed": "rule:compare",
               "required_if": "rule:required_if", "empty_unless": "rule:empty_unless"}


def ours_keys(findings: list[dict]) -> collections.Counter:
    """Error findings as (row, column, check); the first row of each duplicate group is 'unique-first'."""
    keys: collections.Counter = collections.Counter()
    first_dup: dict[object, int] = {}
    for f in findings:
        if f["code"] == "duplicate_value":
            first_dup[f["value"]] = min(first_dup.get(f["value"], f["row"]), f["row"])
    for f in findings:
        if f["severity"] != "error":
            continue
        code = f["code"]
        check = "type" if code.startswith("invalid_") else _OUR_CHECKS.get(code, code)
        if code == "duplicate_value" and first_dup[f["value"]] == f["row"]:
            check = "unique-first"
        keys[(f["row"], f["column"], check)] += 1
    return keys


def frictionless_keys(errors: list[dict], shape: Shape) -> collections.Counter:
    by_formula = {formula: (column, check) for formula, column, check in shape.constraints}
    keys: collections.Counter = collections.Counter()
    for e in errors:
        kind, row, column = e.get("type"), e.get("rowNumber"), e.get("fieldName")
        if kind == "type-error":
            check = "type"
        elif kind == "constraint-error":
            m = re.match(r'constraint "(\w+)"', e.get("note", ""))
            check = m.group(1) if m else kind
        elif kind == "unique-error":
            check = "unique"
        elif kind == "row-constraint":
            m = re.search(r'to conform is "(.*)"$', e.get("note", ""))
            column, check = by_formula.get(m.group(1) if m else "", (None, kind))
        else:
            check = kind  # blank-row, missing-cell, incorrect-label...: nothing of ours matches
        keys[(row, column, shape.fr_alias.get((column, check), check))] += 1
    return keys


def diff_lines(a: collections.Counter, b: collections.Counter, a_name: str, b_name: str, limit: int = 8) -> list[str]:
    out = []
    only_a, only_b = a - b, b - a
    for name, only in ((a_name, only_a), (b_name, only_b)):
        if only:
            by_check = collections.Counter(k[2] for k in only.elements())
            sample = ", ".join(f"row {r} {c} {k}" for r, c, k in sorted(only, key=str)[:limit])
            out.append(f"    only {name}: {sum(only.values())} ({dict(by_check)}); e.g. {sample}")
    return out


def without_first_dups(keys: collections.Counter) -> collections.Counter:
    return collections.Counter({k: n for k, n in keys.items() if k[2] != "unique-first"})


def run_frictionless(shape: Shape, assistant: str, office: Path, config: Path) -> tuple[dict, list[dict], object]:
    exported = subprocess.run([assistant, "schema", "export", "tasks", "--config", str(config)],
                              check=True, capture_output=True, text=True).stdout
    fdir = office / "frictionless"
    fdir.mkdir(exist_ok=True)
    schema = shape.frictionless_schema(json.loads(exported))
    (fdir / "schema.json").write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    checklist = {"checks": [{"type": "row-constraint", "formula": f} for f, _, _ in shape.constraints]}
    (fdir / "checklist.json").write_text(json.dumps(checklist, ensure_ascii=False, indent=2), encoding="utf-8")
    # Paths relative to the office folder: frictionless refuses absolute paths as "not safe".
    fcmd = [tool("frictionless"), "validate", "data/凤凰镇.xlsx", "--format", "xlsx", "--sheet", shape.sheet,
            "--header-rows", "2", "--schema", "frictionless/schema.json",
            "--checklist", "frictionless/checklist.json", "--limit-errors", str(10**9), "--json"]
    print("  frictionless: running once (this takes a while)...", flush=True)
    fout = fdir / "report.json"
    fr = measure(fcmd, fout, cwd=office)
    if fr["rc"] not in (0, 1):
        raise RuntimeError(f"frictionless exited {fr['rc']}:\n{fr['stderr']}")
    freport = json.loads(fout.read_text(encoding="utf-8"))
    if freport.get("errors"):
        raise RuntimeError(f"frictionless could not validate: {freport['errors']}")
    task = freport["tasks"][0]
    if task.get("warnings"):
        print(f"  frictionless warnings: {task['warnings']}")
    return fr, task["errors"], task.get("stats", {}).get("rows")


def run_one(args: argparse.Namespace, shape: Shape, rows: int, assistant: str, office: Path) -> dict:
    config = office / "assistant.toml"
    (office / "sheets_schema" / "tasks.yaml").write_text(shape.schema, encoding="utf-8")
    workbook = office / "data" / "凤凰镇.xlsx"
    shared = args.shared_strings and rows <= MAX_SHARED_ROWS
    if args.shared_strings and not shared:
        print(f"  note: {rows:,} rows written with inline strings (shared strings above {MAX_SHARED_ROWS:,} "
              "rows would need several GB in xlsxwriter)")
    t0 = time.perf_counter()
    gen = shape.generate(workbook, rows, args.bad_rate, args.seed, shared)
    strings = "shared" if shared else "inline"
    print(f"[{shape.name} {rows:,}] generated ({workbook.stat().st_size / 2**20:.1f} MiB xlsx, {strings} strings) "
          f"in {time.perf_counter() - t0:.1f} s; injected: {dict(gen.injected)}", flush=True)

    ours_out = office / "ours.json"
    check = [assistant, "check", "--format", "json", "--config", str(config), "--register", "tasks",
             "--today", TODAY.isoformat()]
    jobs = [Job("bare", [sys.executable, "-c", BARE_READ, str(workbook), shape.sheet], office / "bare.out"),
            Job("ours", check, ours_out, ok_codes=(0, 1))]
    default_out = office / "ours-default.json"
    with_default = shape.name == "default" and not args.skip_default
    if with_default:
        jobs.append(Job("default", [*check[:5], str(office / "assistant-default.toml"), *check[6:]], default_out,
                        ok_codes=(0, 1)))
    timed = interleaved(jobs, args.repeat)
    bare, ours = timed["bare"], timed["ours"]
    report = json.loads(ours_out.read_text(encoding="utf-8"))
    ours_errors = report["counts"]["error"]
    ours_set = ours_keys(report["findings"])
    first_dups = sum(n for k, n in ours_set.items() if k[2] == "unique-first")
    print(f"  bare read: runs {bare.runs()} s, peak {bare.mb:.0f} MB")
    print(f"  ours:      runs {ours.runs()} s, peak {ours.mb:.0f} MB")
    if with_default:
        d = timed["default"]
        counts = json.loads(default_out.read_text(encoding="utf-8"))["counts"]
        print(f"  ours, default tasks.yaml: runs {d.runs()} s, peak {d.mb:.0f} MB, errors {counts['error']}, "
              f"warnings {counts['warning']}")
    if ours_set != gen.expected:
        print("  ours != injected\n" + "\n".join(diff_lines(ours_set, gen.expected, "ours", "injected")))

    line = {"shape": shape.name, "strings": strings, "rows": rows, "bare": bare.wall, "bare_mb": bare.mb,
            "ours": ours.wall, "ours_mb": ours.mb, "errors": ours_errors, "first_dups": first_dups,
            "ours_ok": ours_set == gen.expected, "fr": None, "fr_mb": None, "fr_errors": None, "agree": None}
    if not args.skip_frictionless and rows <= args.peer_max_rows:
        fr, fr_errors, fr_rows = run_frictionless(shape, assistant, office, config)
        fr_set = frictionless_keys(fr_errors, shape)
        fr_expected = without_first_dups(gen.expected) + gen.fr_only
        ours_comparable = without_first_dups(ours_set) + gen.fr_only
        fr_only = sum(gen.fr_only.values())
        agree = ours_comparable == fr_set and ours_errors - first_dups + fr_only == len(fr_errors)
        print(f"  frictionless: {fr['wall']:.2f} s, peak {fr['maxrss_kib'] / 1024:.0f} MB, rows read {fr_rows}, "
              f"errors {len(fr_errors)}; = injected: {'yes' if fr_set == fr_expected else 'no'}")
        if fr_set != fr_expected:
            print("\n".join(diff_lines(fr_set, fr_expected, "frictionless", "injected")))
        print(f"  agree: {'yes' if agree else 'no'} (ours {ours_errors} - {first_dups} first duplicates + "
              f"{fr_only} fr only = {ours_errors - first_dups + fr_only}, frictionless {len(fr_errors)})")
        if not agree:
            print("\n".join(diff_lines(ours_comparable, fr_set, "ours", "frictionless")))
        line.update(fr=fr["wall"], fr_mb=fr["maxrss_kib"] / 1024, fr_errors=len(fr_errors), fr_only=fr_only,
                    agree=agree)
    print(f"  ours / bare read: {ours.wall / bare.wall:.2f}× the time, {ours.mb / bare.mb:.2f}× the memory"
          + (f"; frictionless / ours: {line['fr'] / ours.wall:.1f}×" if line["fr"] else ""), flush=True)
    return line


TABLE_HEAD = ("| shape | strings | rows | bare read (s) | ours (s) | ours / bare | frictionless (s) | frictionless / ours "
              "| bare peak MB | ours peak MB | ours / bare memory | frictionless peak MB | errors ours "
              "| errors frictionless | agree |")


def table_line(r: dict) -> str:
    agree = "—" if r["agree"] is None else ("yes" if r["agree"] else "no")
    errors = f"{r['errors']} ({r['first_dups']} first dup.)"
    fr_errors = fmt(r["fr_errors"], "d") + (f" ({r['fr_only']} fr only)" if r.get("fr_only") else "")
    return (f"| {r['shape']} | {r['strings']} | {r['rows']:,} | {r['bare']:.2f} | {r['ours']:.2f} "
            f"| {r['ours'] / r['bare']:.2f}× | {fmt(r['fr'], '.1f')} | {'—' if r['fr'] is None else format(r['fr'] / r['ours'], '.1f') + '×'} "
            f"| {r['bare_mb']:.0f} | {r['ours_mb']:.0f} | {r['ours_mb'] / r['bare_mb']:.2f}× | {fmt(r['fr_mb'], '.0f')} "
            f"| {errors} | {fr_errors} | {agree} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="default", help="default, text, dates, wide, a comma list or all")
    ap.add_argument("--rows", default="100000", help="data rows, comma-separated (default 100000)")
    ap.add_argument("--scale", action="store_true", help="rows 10000,100000,1000000: print the growth")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of bare read and ours; best reported (default 3)")
    ap.add_argument("--bad-rate", type=float, default=0.02, help="share of bad cells (default 0.02)")
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--skip-frictionless", action="store_true", help="time the bare read and ours only")
    ap.add_argument("--peer-max-rows", type=int, default=200_000,
                    help="run frictionless only up to this many rows (default 200000; it takes minutes at 1M)")
    ap.add_argument("--skip-default", action="store_true", help="do not also time the default tasks.yaml")
    ap.add_argument("--shared-strings", action="store_true",
                    help="strings in a shared-string table as Excel/WPS save (default: inline strings)")
    ap.add_argument("--keep", type=Path, default=None, help="build the office in this folder and keep it")
    args = ap.parse_args()
    shapes = pick(args.shape)
    counts = sizes("10000,100000,1000000" if args.scale else args.rows)

    t_start = time.perf_counter()
    assistant = tool("assistant")
    lines = []
    with working_folder(assistant, args.keep, "bench-check-") as office:
        # A second config on the untouched default schemas (the extra line of the default shape).
        (office / "sheets_schema_default").mkdir()
        for f in (office / "sheets_schema").iterdir():
            (office / "sheets_schema_default" / f.name).write_bytes(f.read_bytes())
        text = (office / "assistant.toml").read_text(encoding="utf-8")
        default_text = re.sub(r'(?m)^schemas\s*=\s*"sheets_schema"', 'schemas = "sheets_schema_default"', text)
        if default_text == text:
            print("note: could not point a second config at the default schemas; skipping that line", file=sys.stderr)
            args.skip_default = True
        (office / "assistant-default.toml").write_text(default_text, encoding="utf-8")
        for shape in shapes:
            for n in counts:
                lines.append(run_one(args, shape, n, assistant, office))

    print()
    print(f"benchmark total {time.perf_counter() - t_start:.0f} s; bare read and ours interleaved, best of "
          f"{args.repeat}; frictionless once")
    print()
    print(TABLE_HEAD)
    print("|" + " --- |" * TABLE_HEAD.count(" | ") + " --- |")
    for r in lines:
        print(table_line(r))
    if len(counts) > 1:
        print()
        for shape in shapes:
            mine = [r for r in lines if r["shape"] == shape.name]
            print("\n".join(growth_lines(f"{shape.name}, bare read", [(r["rows"], r["bare"], r["bare_mb"]) for r in mine])))
            print("\n".join(growth_lines(f"{shape.name}, ours", [(r["rows"], r["ours"], r["ours_mb"]) for r in mine])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
