"""Golden results: `assistant check` and `assistant flag` on a fixed office give exactly what they
gave when the expectation was recorded (issue 16: speed work must not change what people see).

The office (tests/data/golden/office) holds three workbooks made by tests/data/golden/make.py: a
text-heavy register with shared strings, a date-heavy one with inline strings, a 60-column one,
full of the cells people really type. The expectation holds, per language, every finding of
`check --format json`, the text report and the exit code; and after `flag`, every cell of every
sheet of the written workbooks (value and type as python-calamine reads them), the fill and number
format of the assistant-owned cells, our conditional formats, column widths and notes.

When a change of results is intended, record the expectation again with
`python tests/data/golden/make.py --expect` and review its diff (docs: README "Development").
"""

from __future__ import annotations

import datetime as dt
import difflib
import gzip
import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tests.conftest import TODAY, run_cli

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
OFFICE = GOLDEN / "office"
EXPECTED_CHECK = GOLDEN / "expected_check.json.gz"
EXPECTED_FLAG = GOLDEN / "expected_flag.json.gz"
SHOWN = 15  # differences printed when a comparison fails
STAMP = re.compile(r"\d{8}-\d{6}-\d{6}")  # a backup's wall-clock time: text.20261120-164709-085364.xlsx
BACKUP = re.compile(r"\.assistant[\\/]backups[\\/]\S+")  # a backup's path, as `flag` prints it
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


# --- what a user sees -----------------------------------------------------------------------------

def copy_office(to: Path) -> Path:
    """A fresh copy of the golden office (the committed one is never written)."""
    shutil.copytree(OFFICE, to, ignore=shutil.ignore_patterns(".assistant"))
    return to / "assistant.toml"


def cli(config: Path, command: str, *args: str) -> dict[str, Any]:
    """One CLI run: exit code, stdout (parsed when JSON) and stderr lines."""
    res = run_cli(command, "--config", str(config), "--today", TODAY, *args)
    out: Any = json.loads(res.out) if "json" in args else _steady(res.out).splitlines()
    return {"code": res.code, "out": out, "err": _steady(res.err).splitlines()}


def _steady(text: str) -> str:
    """Output without what differs run to run or by system: the clock time in a backup's name, the
    separators of its path (Windows prints backslashes)."""
    text = BACKUP.sub(lambda m: m.group(0).replace("\\", "/"), text)
    return STAMP.sub("<time>", text)


def observe_check(config: Path) -> dict[str, Any]:
    """`check` as JSON in both languages, and the text report (in Chinese, as people see it)."""
    return {"zh json": cli(config, "check", "--format", "json"), "en json": cli(config, "check", "--lang", "en",
                                                                                "--format", "json"),
            "zh text": cli(config, "check")}


def cell(value: Any) -> Any:
    """A cell as JSON keeps it, its type included: dates and times tagged, as ISO text."""
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, (dt.time, dt.timedelta)):
        return [type(value).__name__, str(value)]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return [type(value).__name__, str(value)]


def owned_headers() -> set[str]:
    """The headers of the assistant-owned columns, from the golden schemas' `outputs`."""
    heads: set[str] = set()
    for path in (OFFICE / "sheets_schema").glob("*.yaml"):
        heads |= set((yaml.safe_load(path.read_text(encoding="utf-8")).get("outputs") or {}).values())
    return heads


def owned_looks(path: Path) -> dict[str, dict[str, list[str]]]:
    """Per sheet, per assistant-owned column: each cell's fill colour and number format (openpyxl)."""
    heads = owned_headers()
    wb = load_workbook(path, read_only=True)
    looks: dict[str, dict[str, list[str]]] = {}
    for ws in wb.worksheets:
        cols = {c.column_letter: c.value for row in ws.iter_rows(max_row=3) for c in row
                if getattr(c, "value", None) in heads}
        for letter in cols:
            column = []
            for (c,) in ws.iter_rows(min_col=_col(letter), max_col=_col(letter)):
                fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type else None
                column.append(f"{fill}|{c.number_format}")
            looks.setdefault(ws.title, {})[letter] = column  # from row 1
    wb.close()
    return looks


def _col(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


def sheet_extras(path: Path) -> dict[str, Any]:
    """Per worksheet part: our conditional formats (range, formula, highlight colours), column
    widths and the dimension; per comments part: the notes (cell, text)."""
    extras: dict[str, Any] = {}
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
        dxfs = styles.find(f"{MAIN}dxfs")
        dxf = [etree.tostring(d, method="c14n").decode() for d in (dxfs if dxfs is not None else [])]
        for part in sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)):
            root = etree.fromstring(z.read(part))
            dim = root.find(f"{MAIN}dimension")
            formats = [[(cf.get("sqref") or "").split(), [[rule.get("type"), rule.get("priority"),
                                           dxf[int(rule.get("dxfId"))] if rule.get("dxfId") else None,
                                           [f.text for f in rule.iter(f"{MAIN}formula")]]
                                          for rule in cf.iter(f"{MAIN}cfRule")]]
                       for cf in root.iter(f"{MAIN}conditionalFormatting")]
            widths = [dict(col.attrib) for col in root.iter(f"{MAIN}col")]
            extras[part] = {"dimension": dim.get("ref") if dim is not None else None, "formats": formats,
                            "cols": widths}
        for part in sorted(n for n in z.namelist() if re.fullmatch(r"xl/comments\d*\.xml", n)):
            root = etree.fromstring(z.read(part))
            extras[part] = [[c.get("ref"), "".join(t.text or "" for t in c.iter(f"{MAIN}t"))]
                            for c in root.iter(f"{MAIN}comment")]
    return extras


def snapshot(path: Path) -> dict[str, Any]:
    """Everything `flag` may have changed in one workbook."""
    book = CalamineWorkbook.from_path(str(path))
    cells = {name: [[cell(v) for v in row] for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
             for name in book.sheet_names}
    return {"cells": cells, "owned": owned_looks(path), "extras": sheet_extras(path)}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.xlsx"))}


def observe_flag(config: Path) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """`flag` (text) on a fresh copy, the workbooks it left, then `flag --format json`, which finds
    everything already written. Returns the observation and the workbooks' digests before and
    after the second run."""
    data = config.parent / "data"
    first = cli(config, "flag")
    books = {p.name: snapshot(p) for p in sorted(data.glob("*.xlsx"))}
    before = digests(data)
    second = cli(config, "flag", "--format", "json")
    return {"flag text": first, "flag json": second, "books": books}, before, digests(data)


def record() -> None:
    """Records the expectation from the code as it is now (make.py --expect)."""
    import tempfile

    from assistant.i18n import using

    with tempfile.TemporaryDirectory() as tmp, using("zh"):
        check = observe_check(copy_office(Path(tmp) / "check"))
        flag, before, after = observe_flag(copy_office(Path(tmp) / "flag"))
    assert before == after, "the second `flag` changed a workbook: fix that before recording"
    for path, seen in ((EXPECTED_CHECK, check), (EXPECTED_FLAG, flag)):
        raw = json.dumps(seen, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))  # mtime 0: same bytes for the same results
    print(f"recorded {EXPECTED_CHECK.name} and {EXPECTED_FLAG.name}")


def expectation(path: Path) -> Any:
    return json.loads(gzip.decompress(path.read_bytes()))


# --- readable differences -------------------------------------------------------------------------

def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _ref(col: int, row: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Readable differences: lists of lines and of findings as a line diff, grids of cells cell by
    cell (A1 references), anything else by its path. At most SHOWN + 1 lines."""
    found: list[str] = []
    _diff(expected, actual, where, found)
    return found[:SHOWN] + ([f"… and {len(found) - SHOWN} more"] if len(found) > SHOWN else [])


def _diff(exp: Any, act: Any, where: str, found: list[str]) -> None:
    if len(found) > 10 * SHOWN or exp == act:
        return
    if isinstance(exp, dict) and isinstance(act, dict):
        for key in sorted(set(exp) | set(act), key=str):
            if key not in act:
                found.append(f"{where}/{key}: missing (expected {_line(exp[key])[:120]})")
            elif key not in exp:
                found.append(f"{where}/{key}: unexpected {_line(act[key])[:120]}")
            else:
                _diff(exp[key], act[key], f"{where}/{key}", found)
    elif "/cells/" in where and isinstance(exp, list) and isinstance(act, list):
        if (len(exp), max(map(len, exp), default=0)) != (len(act), max(map(len, act), default=0)):
            found.append(f"{where}: {len(exp)} rows × {max(map(len, exp), default=0)} columns expected, "
                         f"{len(act)} × {max(map(len, act), default=0)} found")
        for r, (erow, arow) in enumerate(zip(exp, act)):
            for c in range(max(len(erow), len(arow))):
                e, a = (erow[c] if c < len(erow) else None), (arow[c] if c < len(arow) else None)
                if e != a:
                    found.append(f"{where}!{_ref(c, r)}: expected {_line(e)}, found {_line(a)}")
    elif "/owned/" in where and isinstance(exp, list) and isinstance(act, list):  # a column: row by row
        for r in range(max(len(exp), len(act))):
            e, a = (exp[r] if r < len(exp) else None), (act[r] if r < len(act) else None)
            if e != a:
                found.append(f"{where}{r + 1}: expected {_line(e)}, found {_line(a)}")
    elif isinstance(exp, list) and isinstance(act, list):  # findings, items, lines: what was lost, added, changed
        old, new = [_line(x) for x in exp], [_line(x) for x in act]
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
            if tag == "replace" and i2 - i1 == j2 - j1:
                found.extend(f"{where}[{i1 + k}]: expected {old[i1 + k][:300]}\n{' ' * len(where)}   found    "
                             f"{new[j1 + k][:300]}" for k in range(i2 - i1))
            elif tag != "equal":
                found.extend(f"{where}[{i}]: lost {old[i][:300]}" for i in range(i1, i2))
                found.extend(f"{where}[{j}]: new  {new[j][:300]}" for j in range(j1, j2))
    elif isinstance(exp, str) and isinstance(act, str) and len(exp) + len(act) > 200:  # from where they part
        at = next((i for i, (e, a) in enumerate(zip(exp, act)) if e != a), min(len(exp), len(act)))
        start = max(0, at - 40)
        found.append(f"{where}: at character {at}, expected …{exp[start:at + 80]!r}, found …{act[start:at + 80]!r}")
    else:
        found.append(f"{where}: expected {_line(exp)[:200]}, found {_line(act)[:200]}")


def assert_same(expected: Any, actual: Any, what: str) -> None:
    diff = differences(expected, actual)
    if diff:  # pytest.fail: the readable lines only, not the repr of a list
        pytest.fail(f"{what} changed (if intended, run tests/data/golden/make.py --expect):\n" + "\n".join(diff),
                    pytrace=False)


# --- the tests ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def flagged(tmp_path_factory) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    return observe_flag(copy_office(tmp_path_factory.mktemp("golden") / "office"))


def test_check_gives_the_recorded_findings(tmp_path):
    expected = expectation(EXPECTED_CHECK)
    assert_same(expected, observe_check(copy_office(tmp_path / "office")), "check's output")


def test_the_expectation_is_rich(tmp_path):
    """The golden data exercise what they are for: many finding codes, both severities, rows of
    every status (a safety net with holes would pass anything)."""
    expected = expectation(EXPECTED_CHECK)
    findings = expected["zh json"]["out"]["findings"]
    assert len({f["code"] for f in findings}) >= 30 and {f["severity"] for f in findings} == {"error", "warning"}
    assert {f["register"] for f in findings} == {"staff", "changes", "contacts", "duties", "wide"}
    flag = expectation(EXPECTED_FLAG)
    assert len({i["status"] for i in flag["flag json"]["out"]["items"]}) >= 6
    assert set(flag["books"]) == {"text.xlsx", "dates.xlsx", "wide.xlsx"}
    assert all(flag["books"][b]["owned"] for b in flag["books"])


def test_flag_writes_the_recorded_cells(flagged):
    observed, _, _ = flagged
    expected = expectation(EXPECTED_FLAG)
    assert_same(expected["flag text"], observed["flag text"], "flag's report")
    for book in sorted(set(expected["books"]) | set(observed["books"])):
        assert_same(expected["books"].get(book), observed["books"].get(book), f"the workbook {book} after flag")


def test_flag_json_is_the_recorded_one(flagged):
    observed, _, _ = flagged
    expected = expectation(EXPECTED_FLAG)
    assert_same(expected["flag json"], observed["flag json"], "flag --format json")


def test_flag_twice_writes_nothing_the_second_time(flagged):
    _, before, after = flagged
    assert len(before) == 3
    rewritten = [name for name in before if after.get(name) != before[name]]
    if rewritten:
        pytest.fail(f"a second `flag`, with nothing new to write, changed the bytes of {', '.join(rewritten)}",
                    pytrace=False)
