#!/usr/bin/env python
"""Benchmark: Sheets API requests per check + flag + write-back cycle, ours beside writing cell by
cell with gspread's `Worksheet.update_cell`.

Prints figures; it is never a pass/fail test. Run it from the repository (after
`pip install -e '.[test]'`: it uses the loopback Sheets API server of the tests):

    python bench/api_calls.py                        # 1, 9, 50 registers x 100, 10,000 rows
    python bench/api_calls.py --registers 1 9 --rows 100
    python bench/api_calls.py --skip-measured-gspread

For each line, in a temporary office folder: one spreadsheet on the loopback server
(tests/sheets_server.py, reached through the real auth flow and `api_url`) holding N task
registers (copies of the default tasks.yaml under other sheet names) of R rows each, cycling the
12 realistic tasks of tests/fixtures_xlsx.py (so some rows are overdue, some wrong), plus the
roster. Then `assistant flag` twice, in-process:

- first cycle: the three output columns do not exist yet, so every row gets written;
- second cycle: nothing changed since, so nothing should be written;
- third cycle: the next working day, when every open item's working days left changed: the usual
  daily run.

The server counts every request (the OAuth token request is not an API request and is counted
apart). "update_cell" is what a script that writes the same cells one by one with gspread costs:
open_by_key (1 metadata request), per register `worksheet()` (1) and a read of its values (1), then
one request per cell written (values + headers; colours would be more requests on top). It is
measured for real for the smallest line (every cell written through update_cell against the same
server) and computed with the same formula for the others. The minutes column is that count at the
Sheets API's 60 requests per minute per user.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.resources import defaults  # noqa: E402
from tests.conftest import run_cli  # noqa: E402
from tests.fixtures_xlsx import HEADERS, OUTPUTS, PEOPLE, ROSTER, TASKS  # noqa: E402
from tests.sheets_server import SheetsServer, make_service_account  # noqa: E402

TODAY = "2026-11-20"  # a Friday
NEXT_DAY = "2026-11-23"  # the Monday after: every open item's days left changes, so there is a write


def office(root: Path, server: SheetsServer, registers: int, rows: int) -> tuple[str, Path]:
    """The office folder and its spreadsheet; returns (spreadsheet id, config path)."""
    (root / "sheets_schema").mkdir(parents=True)
    tasks_yaml = (defaults("sheets_schema") / "tasks.yaml").read_text(encoding="utf-8")
    shutil.copy(defaults("sheets_schema") / "roster.yaml", root / "sheets_schema" / "roster.yaml")
    sheets: dict[str, list[list]] = {}
    for i in range(registers):
        title = f"督查督办台账{i + 1:02d}"
        (root / "sheets_schema" / f"tasks{i:02d}.yaml").write_text(
            tasks_yaml.replace("register: tasks", f"register: tasks{i:02d}")
            .replace("sheet: 督查督办台账", f"sheet: {title}"), encoding="utf-8")
        data = [["督查督办台账（2026年）"], list(HEADERS)]
        for j in range(rows):
            t = TASKS[j % len(TASKS)]
            note = t.note[2] if isinstance(t.note, tuple) else t.note
            data.append([f"DB-2026-{j + 1:05d}", t.source, t.content, t.unit, t.owner, t.leader, t.assigned, t.due,
                         t.progress, t.state, t.done, note])
        sheets[title] = data
    sheets[ROSTER] = [["姓名", "单位", "科室", "编制类型", "用工性质", "状态", "到岗日期", "是否领导", "手机", "邮箱"]] + [
        [n, d, "", "党政", "在编", "在岗", "2020-01-02", lead, f"1398130{k:04d}", f"u{k}@example.gov.cn"]
        for k, (n, d, lead) in enumerate(PEOPLE, start=1)]
    sid = server.add_spreadsheet("凤凰镇台账", sheets, row_count=rows + 10)
    key = make_service_account(root, server)
    config = root / "assistant.toml"
    config.write_text(f'[office]\nname = "凤凰镇党政办"\n\n[[workbooks]]\nname = "凤凰镇"\nsource = "gsheets:{sid}"\n'
                      f'credentials = "{key.as_posix()}"\napi_url = "{server.url}"\n', encoding="utf-8")
    return sid, config


def cells_written(server: SheetsServer, sid: str) -> list[tuple[str, int, int, object]]:
    """(sheet title, row0, col0, value) of every cell in the output columns after the first cycle:
    they were all empty before it, so these are the cells a cell-by-cell script would write."""
    out = []
    for sheet in server.spreadsheets[sid].sheets:
        header = sheet.rows[1] if len(sheet.rows) > 1 else []
        cols = [c for c, h in enumerate(header) if h in OUTPUTS]
        for r, row in enumerate(sheet.rows):
            out += [(sheet.title, r, c, row[c]) for c in cols if c < len(row) and row[c] not in (None, "")]
    return out


def update_cell_requests(registers: int, cells: int) -> int:
    return 1 + 2 * registers + cells


def measure_update_cell(server: SheetsServer, sid: str, key: Path, cells: list) -> int:
    """Write `cells` one by one with gspread, as a simple script would; the requests it took."""
    import gspread
    from google.oauth2.service_account import Credentials

    creds = Credentials.from_service_account_file(str(key), scopes=["https://www.googleapis.com/auth/spreadsheets"])
    gc = gspread.Client(auth=creds, http_client=server.http_client_class())
    server.reset_counts()
    sh = gc.open_by_key(sid)
    by_sheet: dict[str, list] = {}
    for title, r, c, v in cells:
        by_sheet.setdefault(title, []).append((r, c, v))
    for title, items in by_sheet.items():
        ws = sh.worksheet(title)
        sh.values_batch_get([f"'{title}'"])  # its values (get_all_values would be values.get: also 1)
        for r, c, v in items:
            ws.update_cell(r + 1, c + 1, v)
    return server.counts["total"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--registers", type=int, nargs="+", default=[1, 9, 50])
    ap.add_argument("--rows", type=int, nargs="+", default=[100, 10000])
    ap.add_argument("--skip-measured-gspread", action="store_true")
    args = ap.parse_args()
    lines = []
    smallest = (min(args.registers), min(args.rows))
    for n in args.registers:
        for rows in args.rows:
            with SheetsServer() as server, tempfile.TemporaryDirectory() as tmp:
                sid, config = office(Path(tmp), server, n, rows)
                start = time.perf_counter()
                res = run_cli("flag", "--config", config, "--today", TODAY, "--format", "json")
                first_s = time.perf_counter() - start
                assert res.code in (0, 1), res.err
                first = dict(server.counts)
                written = cells_written(server, sid)
                server.reset_counts()
                start = time.perf_counter()
                res = run_cli("flag", "--config", config, "--today", TODAY, "--format", "json")
                second_s = time.perf_counter() - start
                second = server.counts["total"]
                server.reset_counts()
                res = run_cli("flag", "--config", config, "--today", NEXT_DAY, "--format", "json")
                assert res.code in (0, 1), res.err
                next_day = server.counts["total"]
                naive = update_cell_requests(n, len(written))
                measured = ""
                if (n, rows) == smallest and not args.skip_measured_gspread:
                    got = measure_update_cell(server, sid, Path(tmp) / "service-account.json", written)
                    measured = f" (measured: {got})"
                lines.append(f"| {n} | {rows:,} | {first['total']} ({first.get('spreadsheets.batchUpdate', 0)} write) "
                             f"| {second} | {next_day} | {len(written):,} | {naive:,}{measured} "
                             f"| {naive / 60:,.0f} | {first_s:.1f} / {second_s:.1f} |")
                print(lines[-1], flush=True)
    print()
    print("| registers | rows each | ours: first cycle (writes) | ours: rerun, nothing new | ours: next working day "
          "| cells written | update_cell: requests | update_cell: minutes at 60/min | ours: seconds (first / rerun) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
