#!/usr/bin/env python
"""Benchmark: a district office, one workbook per township, a full `check` then `flag` cycle.

Prints figures; it is never a pass/fail test. Run it from the repository (after
`pip install -e '.[bench]'`):

    python bench/district.py                          # 12 and 200 townships, 500 rows a register, best of 3,
                                                      # with 1 worker and with one per core
    python bench/district.py --townships 12 --repeat 1
    python bench/district.py --keep /tmp/district     # keep the office folder to look at

What it does, in one temporary folder (deleted afterwards unless --keep):

1. `assistant init DIR --today 2026-11-20`, keeping every default schema of sheets_schema/ (the
   registers of the office pack). DIR/assistant.toml then lists one `[[workbooks]]` per township,
   each an xlsx holding every register's sheet with --rows data rows.

   The rows are generated from the schemas, not written for one register: a field's type gives a
   plausible value (a date in 2026, a number, a mobile number, an address...), an `enum` a choice,
   a `pattern` a string matching it, `references` a value of the referenced register (generated
   first, in the same workbook), `unique` distinct values; the rules `compare`, `required_if`,
   `empty_unless` and `exactly_when` are then made to hold. About --bad-rate of the rows get one
   mistake (a date or number that is none, a value outside its list). Rules the generator does not
   know add findings of their own: their number is printed, not controlled.

   --distinct workbooks are generated (seeded) and copied to make the others, so 200 townships do
   not take minutes to write; each is a file of its own to the assistant.

2. `assistant check --format json` then `assistant flag --format json` (write-back included), each
   as a whole process, once per --workers value (`[limits] workers`: 1 is one workbook after
   another, the peer comparison; the default is the machine's cores): wall clock and peak RSS
   (getrusage of the children, as bench/check_large.py does: the largest single process, the
   command or one of its workers), best of --repeat, the original workbooks restored before every
   flag run so each run is a first write (the assistant-owned columns created on every row).

3. A markdown table for the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_large import GIVEN, SURNAMES, TODAY, UNITS, measure, tool, working_folder  # noqa: E402

from assistant.schema.loader import load_registers  # noqa: E402
from assistant.schema.model import Register  # noqa: E402

TOWNS = "凤凰 石桥 青龙 白鹤 新华 柳湾 金鸡 龙泉 桃源 清河 永安 太平 长乐 大同 兴隆 福田 安宁 双溪 红星 东山".split()
TEXTS = ["秸秆禁烧巡查", "村级阵地改造", "道路修复", "安全生产检查", "防汛预案修订", "政务公开更新", "民生实事推进",
         "人居环境整治", "矛盾纠纷排查", "项目征地协调"]
BAD = {"date": ["下周五", "2026.13.45", "年底前"], "number": ["五十", "若干"], "enum": ["其他", "待定"]}


_PARSED: dict[str, Any] = {}


def _regex_sample(pattern: str, rng: random.Random) -> str:
    """A string matching a (simple) regular expression: literals, classes, repeats, groups, |."""
    try:
        import re._parser as sre  # type: ignore[import-not-found]  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse as sre  # type: ignore[no-redef]
    consts = sre.__dict__

    def emit(items: Any) -> str:
        out = []
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(av))
            elif name == "IN":
                choices: list[str] = []
                for o, a in av:
                    if str(o) == "LITERAL":
                        choices.append(chr(a))
                    elif str(o) == "RANGE":
                        choices += [chr(c) for c in range(a[0], a[1] + 1)]
                    elif str(o) == "CATEGORY":
                        choices += list("0123456789") if "DIGIT" in str(a) else list("abcxyz")
                out.append(rng.choice(choices or ["0"]))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, hi, sub = av
                n = rng.randint(lo, min(hi, lo + 3) if hi != consts.get("MAXREPEAT", 65535) else lo + 3)
                out += [emit(sub) for _ in range(n)]
            elif name == "SUBPATTERN":
                out.append(emit(av[-1]))
            elif name == "BRANCH":
                out.append(emit(rng.choice(av[1])))
            elif name == "CATEGORY":
                out.append("7" if "DIGIT" in str(av) else "x")
            elif name == "ANY":
                out.append("x")
        return "".join(out)

    if pattern not in _PARSED:
        _PARSED[pattern] = sre.parse(pattern)
    return emit(_PARSED[pattern])


class Generator:
    """Rows for every register of a township's workbook, driven by the schemas."""

    def __init__(self, registers: dict[str, Register], rows: int, town: str, rng: random.Random):
        self.registers, self.rows, self.town, self.rng = registers, rows, town, rng
        self.data: dict[str, list[dict[str, Any]]] = {}

    def order(self) -> list[str]:
        """Referenced registers first, so a reference picks an existing value."""
        done: list[str] = []

        def visit(reg_id: str, seen: frozenset = frozenset()) -> None:
            if reg_id in done or reg_id in seen or reg_id not in self.registers:
                return
            reg = self.registers[reg_id]
            for other in [f.options["references"]["register"] for f in reg.fields if "references" in f.options] + \
                    [r.options["register"] for r in reg.rules if isinstance(r.options.get("register"), str)]:
                visit(other, seen | {reg_id})
            done.append(reg_id)

        for reg_id in sorted(self.registers):
            visit(reg_id)
        return done

    def value(self, reg: Register, f: Any, i: int) -> Any:
        rng, opts = self.rng, f.options
        if "references" in opts:
            ref = opts["references"]
            pool = self.pool(ref["register"], ref["field"], ref.get("where"))
            if pool:
                return rng.choice(pool)
        if "enum" in opts:  # the first value is the usual one (在岗, 在编)
            return opts["enum"][0] if rng.random() < 0.6 else rng.choice(opts["enum"])
        kind = f.type
        if kind in ("date", "datetime"):
            if f.unique:  # one row a day (a duty roster)
                return dt.date(2026, 1, 1) + dt.timedelta(days=i)
            d = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange((TODAY - dt.date(2026, 1, 1)).days))
            return dt.datetime.combine(d, dt.time(rng.randrange(8, 18))) if kind == "datetime" else d
        if kind in ("number", "integer", "percent"):
            lo = opts.get("minimum", 0) if isinstance(opts.get("minimum", 0), (int, float)) else 0
            hi = opts.get("maximum", lo + 100) if isinstance(opts.get("maximum"), (int, float)) else lo + 100
            return i + 1 if f.unique else rng.randint(int(lo), int(hi))
        if kind == "boolean":
            return rng.choice(["是", "否", "否", "否"])
        if kind == "phone":
            return f"139{rng.randrange(10**8):08d}"
        if kind == "email":
            return f"u{i:04d}.{rng.randrange(10**6)}@example.gov.cn"
        if kind == "id_card":
            return "11010519491231002X"
        if "pattern" in opts:
            return _regex_sample(opts["pattern"], rng) if not f.unique else None  # unique: see row()
        if f.name in ("姓名",) or f.name.endswith(("人", "领导", "人员", "A角", "B角")):
            return rng.choice(SURNAMES) + rng.choice(GIVEN)
        if f.name.endswith(("单位", "科室")):
            return rng.choice(UNITS) if f.name != "单位" else f"{self.town}镇"
        return rng.choice(TEXTS)

    def pool(self, register: str, field: str, where: dict[str, Any] | None = None) -> list[Any]:
        """Values of `field` in the generated rows of `register` that satisfy `where`."""
        def ok(row: dict[str, Any]) -> bool:
            return all(row.get(k) in (v if isinstance(v, list) else [v]) or (row.get(k) == "是" and v is True)
                       for k, v in (where or {}).items())
        return [r[field] for r in self.data.get(register, []) if r.get(field) is not None and ok(r)]

    def register_rows(self, reg: Register) -> list[dict[str, Any]]:
        rows = []
        seen: dict[str, set] = {f.name: set() for f in reg.fields if f.unique}
        for i in range(self.rows):
            row = {}
            for f in reg.fields:
                v = self.value(reg, f, i)
                if f.unique and "pattern" in f.options:
                    for _ in range(50):  # a fresh value matching the pattern
                        v = _regex_sample(f.options["pattern"], self.rng)
                        if v not in seen[f.name]:
                            break
                if f.unique and v in seen[f.name] and isinstance(v, str):
                    v = f"{v}{i}"
                if f.unique:
                    seen[f.name].add(v)
                row[f.name] = v
            self.fix_rules(reg, row)
            rows.append(row)
        for rule in reg.rules:  # names made distinct where a combination must be
            if rule.kind == "unique_together":
                fields, combos = rule.options["fields"], set()
                for k, row in enumerate(rows):
                    combo = tuple(row.get(n) for n in fields)
                    if combo in combos and isinstance(row.get(fields[0]), str):
                        row[fields[0]] += "甲乙丙丁戊己庚辛壬癸"[k % 10] + "子丑寅卯辰巳午未申酉戌亥"[k // 10 % 12]
                    combos.add(tuple(row.get(n) for n in fields))
        return rows

    def fix_rules(self, reg: Register, row: dict[str, Any]) -> None:
        """Make the rules the generator knows hold, so mistakes are the injected ones (mostly)."""
        def holds(when: dict[str, Any]) -> bool:
            return all(row.get(k) in (v if isinstance(v, list) else [v]) for k, v in when.items())

        for rule in reg.rules:
            o = rule.options
            if rule.kind == "compare" and "right" in o and isinstance(row.get(o["left"]), (dt.date, int, float)):
                right = row.get(o["right"])
                if type(right) is type(row[o["left"]]):
                    step: Any = (dt.timedelta(days=self.rng.randint(1, 60)) if isinstance(right, dt.date)
                                 else self.rng.randint(1, 60))
                    if o["op"] in (">=", ">") and row[o["left"]] <= right:
                        row[o["left"]] = right + step
                    elif o["op"] in ("<=", "<") and row[o["left"]] >= right:
                        row[o["left"]] = right - step
            elif rule.kind == "compare" and o.get("value") == "today" and isinstance(row.get(o["left"]), dt.date):
                if o["op"] in ("<=", "<") and row[o["left"]] >= TODAY:
                    row[o["left"]] = TODAY - dt.timedelta(days=1)
            elif rule.kind == "required_if" and not holds(o["when"]):
                row[o["field"]] = None if any(r.kind == "empty_unless" and r.options["field"] == o["field"]
                                              for r in reg.rules) else row[o["field"]]
            elif rule.kind == "empty_unless" and not holds(o["when"]):
                row[o["field"]] = None
            elif rule.kind == "staffed":
                pool = self.pool(o["register"], o["field"], o.get("where"))
                for name in o["fields"]:
                    row[name] = self.rng.choice(pool) if pool else row.get(name)
            elif rule.kind == "exactly_when":
                if holds(o["when"]):
                    row[o["field"]] = o["value"]
                elif row.get(o["field"]) == o["value"]:
                    f = reg.field(o["field"])
                    others = [v for v in f.options.get("enum", []) if v != o["value"]]
                    row[o["field"]] = others[0] if others else None

    def mistake(self, reg: Register, row: dict[str, Any]) -> None:
        candidates = [f for f in reg.fields if not f.unique and ("enum" in f.options or f.type in (
            "date", "number", "integer", "percent"))]
        if not candidates:
            return
        f = self.rng.choice(candidates)
        kind = "enum" if "enum" in f.options else "date" if f.type == "date" else "number" if f.type != "datetime" else "date"
        row[f.name] = self.rng.choice(BAD[kind])

    def generate(self, bad_rate: float) -> None:
        for reg_id in self.order():
            reg = self.registers[reg_id]
            rows = self.register_rows(reg)
            for row in rows:
                if self.rng.random() < bad_rate:
                    self.mistake(reg, row)
            self.data[reg_id] = rows

    def write(self, path: Path) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path))  # strings in a shared-string table, as Excel writes
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        time_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        head_fmt = wb.add_format({"bold": True})
        for reg_id, rows in self.data.items():
            reg = self.registers[reg_id]
            ws = wb.add_worksheet(reg.sheet)
            top = (reg.header_row or 1) - 1
            if top:
                ws.write_string(0, 0, f"{self.town}镇{reg.title}")
            names = [f.name for f in reg.fields]
            for c, h in enumerate(names):
                ws.write_string(top, c, h, head_fmt)
            for r, row in enumerate(rows, start=top + 1):
                for c, h in enumerate(names):
                    v = row[h]
                    if v is None or v == "":
                        continue
                    if isinstance(v, dt.datetime):
                        ws.write_datetime(r, c, v, time_fmt)
                    elif isinstance(v, dt.date):
                        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
                    elif isinstance(v, (int, float)) and not isinstance(v, bool):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
        wb.close()


def set_workers(office: Path, workers: int) -> None:
    """`[limits] workers` of the config: how many workbooks are handled at once."""
    config = office / "assistant.toml"
    text = config.read_text(encoding="utf-8").split("\n# bench: workers\n")[0]
    config.write_text(f"{text}\n# bench: workers\n[limits]\nworkers = {workers}\n", encoding="utf-8")


def build_district(office: Path, townships: int, distinct: int, rows: int, bad_rate: float, seed: int) -> Path:
    """The workbooks (in office/originals) and the config listing them; returns the originals folder."""
    registers = load_registers(office / "sheets_schema")
    originals = office / "originals"
    shutil.rmtree(originals, ignore_errors=True)
    originals.mkdir(parents=True)
    for k in range(min(distinct, townships)):
        g = Generator(registers, rows, TOWNS[k % len(TOWNS)], random.Random(seed + k))
        g.generate(bad_rate)
        g.write(originals / f"t{k:03d}.xlsx")
    for k in range(min(distinct, townships), townships):
        shutil.copyfile(originals / f"t{k % distinct:03d}.xlsx", originals / f"t{k:03d}.xlsx")
    config, init = office / "assistant.toml", office / "assistant.init.toml"
    if not init.exists():  # the config `assistant init` wrote, kept to make each district's from
        shutil.copyfile(config, init)
    text = init.read_text(encoding="utf-8")
    head = text.split("[[workbooks]]")[0]
    tail = text.split("[[workbooks]]", 1)[1]
    tail = tail[tail.index("\n[", tail.index("source")):]  # what follows the init's one workbook
    books = "".join(f'[[workbooks]]\nname = "t{k:03d}"\nsource = "data/t{k:03d}.xlsx"\n\n' for k in range(townships))
    config.write_text(head + books + tail.lstrip("\n"), encoding="utf-8")
    for old in (office / "data").glob("*.xlsx"):
        old.unlink()
    return originals


def restore(office: Path, originals: Path) -> None:
    data = office / "data"
    for p in originals.glob("*.xlsx"):
        shutil.copyfile(p, data / p.name)
    shutil.rmtree(office / ".assistant" / "backups", ignore_errors=True)


def run_lines(args: argparse.Namespace, assistant: str, office: Path, townships: int) -> list[dict]:
    t0 = time.perf_counter()
    originals = build_district(office, townships, args.distinct, args.rows, args.bad_rate, args.seed)
    size = sum(p.stat().st_size for p in originals.glob("*.xlsx")) / 2**20
    print(f"[{townships} townships] generated in {time.perf_counter() - t0:.1f} s ({size:.1f} MiB)", flush=True)
    config = str(office / "assistant.toml")
    common = ["--format", "json", "--config", config, "--today", TODAY.isoformat()]
    lines = []
    for workers in args.workers:
        set_workers(office, workers)
        out: dict[str, Any] = {"townships": townships, "mib": size, "workers": workers}
        for job in ("check", "flag"):
            runs = []
            for _ in range(args.repeat):
                restore(office, originals)
                m = measure([assistant, job, *common], office / f"{job}.json")
                if m["rc"] not in (0, 1):
                    raise RuntimeError(f"{job} exited {m['rc']}:\n{m['stderr']}")
                runs.append(m)
            if job == "flag" and (office / "data" / "t000.xlsx").read_bytes() == (originals / "t000.xlsx").read_bytes():
                raise RuntimeError("flag wrote nothing")
            result = json.loads((office / f"{job}.json").read_text(encoding="utf-8"))
            best = min(runs, key=lambda m: m["wall"])
            mb = max(m["maxrss_kib"] for m in runs) / 1024
            walls = ", ".join(f"{m['wall']:.2f}" for m in runs)
            detail = (f"{len(result['items']):,} items" if job == "flag" else
                      ", ".join(f"{k} {v:,}" for k, v in result.get("counts", {}).items()))
            print(f"[{townships} townships, {workers} worker(s)] {job}: runs {walls} s, peak {mb:.0f} MB; {detail}",
                  flush=True)
            out[job], out[f"{job}_mb"] = best["wall"], mb
        lines.append(out)
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", default="12,200", help="district sizes, comma-separated (default 12,200)")
    ap.add_argument("--rows", type=int, default=500, help="data rows per register (default 500)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per job; the best is reported (default 3)")
    ap.add_argument("--distinct", type=int, default=12, help="workbooks generated; the rest are copies (default 12)")
    ap.add_argument("--bad-rate", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--keep", type=Path, default=None, help="build the office in this folder and keep it")
    ap.add_argument("--workers", default=f"1,{os.cpu_count() or 1}",
                    help="[limits] workers values to run with, comma-separated (default: 1 and the cores)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.townships.split(",") if s.strip()]
    args.workers = list(dict.fromkeys(int(s) for s in args.workers.split(",") if s.strip()))

    t_start = time.perf_counter()
    assistant = tool("assistant")
    with working_folder(assistant, args.keep, "bench-district-") as office:
        n_regs = len(load_registers(office / "sheets_schema"))
        lines = [line for n in sizes for line in run_lines(args, assistant, office, n)]

    print()
    print(f"benchmark total {time.perf_counter() - t_start:.0f} s; {n_regs} registers x {args.rows} rows per "
          f"workbook; best of {args.repeat}")
    print()
    print("| townships | workbooks (MiB) | workers | check (s) | check peak MB | flag (s) | flag peak MB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in lines:
        print(f"| {r['townships']} | {r['mib']:.1f} | {r['workers']} | {r['check']:.2f} | {r['check_mb']:.0f} "
              f"| {r['flag']:.2f} | {r['flag_mb']:.0f} |")
    for w in args.workers:
        mine = [r for r in lines if r["workers"] == w]
        if len(mine) > 1:
            a, b = mine[0], mine[-1]
            k = b["townships"] / a["townships"]
            print(f"\n{w} worker(s): {b['townships']}/{a['townships']} = {k:.1f}x townships: "
                  f"check {b['check'] / a['check']:.1f}x, flag {b['flag'] / a['flag']:.1f}x the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
