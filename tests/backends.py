"""The two sources behind one test interface, so the same contract tests hold both to the same
behaviour: an xlsx file in the office's data folder, or a spreadsheet on the loopback Sheets API
server reached through the real auth flow (a service-account key made in the test, `api_url`).

Sheets are given as rows of Python values (dates as `datetime.date`, None for an empty cell), the
way people typed them; `rows()` reads back what a person would now see in the cells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as pc

from assistant.resources import defaults
from assistant.text import col_index
from tests.conftest import write_xlsx
from tests.sheets_server import SheetsServer, make_service_account

EPOCH = dt.date(1899, 12, 30)
WORKBOOK_NAME = "凤凰镇"
MARKER = 'N("office-assistant")=0'


def plain(value: Any) -> Any:
    """A cell as a person reads it: numbers as float, empty as None, date cells as dates."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, bool) or isinstance(value, (dt.date, str)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def trimmed(rows: list[list]) -> list[list]:
    out = []
    for row in rows:
        row = [plain(v) for v in row]
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


class Backend:
    kind: str

    def __init__(self, root: Path):
        self.root = root
        (root / "sheets_schema").mkdir(parents=True, exist_ok=True)
        for schema in defaults("sheets_schema").glob("*.yaml"):
            shutil.copy(schema, root / "sheets_schema" / schema.name)

    @property
    def config(self) -> Path:
        return self.root / "assistant.toml"

    def write_config(self, entry: str, extra: str = "") -> None:
        self.config.write_text(f'[office]\nname = "凤凰镇党政办"\n\n[[workbooks]]\nname = "{WORKBOOK_NAME}"\n'
                               f"{entry}\n{extra}", encoding="utf-8")

    def backups(self) -> list[Path]:
        folder = self.root / ".assistant" / "backups"
        return sorted(folder.glob("*/*")) if folder.exists() else []


class XlsxBackend(Backend):
    kind = "xlsx"

    def create(self, sheets: dict[str, list[list]], registers: list[str] | None = None, extra: str = "",
               merges: dict[str, list[str]] | None = None) -> None:
        """`merges`: sheet -> ranges to merge ("C4:C6"), as a person merges them in Excel."""
        self.path = write_xlsx(self.root / "data" / "镇.xlsx", sheets)
        if merges:
            wb = openpyxl.load_workbook(self.path)
            for sheet, ranges in merges.items():
                for rng in ranges:
                    wb[sheet].merge_cells(rng)
            wb.save(self.path)
        regs = f"registers = {registers!r}\n".replace("'", '"') if registers else ""
        self.write_config(f'source = "data/镇.xlsx"\n{regs}', extra)

    def rows(self, sheet: str) -> list[list]:
        book = pc.CalamineWorkbook.from_path(str(self.path))
        return trimmed(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False))

    def state(self) -> str:
        """Changes whenever anything is written."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def change_between_read_and_write(self, edit: Callable[[XlsxBackend], None]) -> None:
        """Run `edit` after the next read and before the write that follows it."""
        from assistant.sources.xlsx import XlsxSource

        original = XlsxSource.apply
        backend = self

        def apply(source, patches, planned_from):  # type: ignore[no-untyped-def]
            XlsxSource.apply = original
            edit(backend)
            return original(source, patches, planned_from)

        XlsxSource.apply = apply  # restored at the first write (and by the fixture's teardown)
        self._restore = lambda: setattr(XlsxSource, "apply", original)

    def insert_row(self, sheet: str, index0: int, row: list) -> None:
        wb = openpyxl.load_workbook(self.path)
        ws = wb[sheet]
        ws.insert_rows(index0 + 1)
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=index0 + 1, column=c, value=value)
        wb.save(self.path)

    def delete_row(self, sheet: str, index0: int) -> None:
        wb = openpyxl.load_workbook(self.path)
        wb[sheet].delete_rows(index0 + 1)
        wb.save(self.path)

    def merges(self, sheet: str) -> list[str]:
        """The sheet's merged ranges ("C4:C6"), sorted."""
        return sorted(str(r) for r in openpyxl.load_workbook(self.path)[sheet].merged_cells.ranges)

    def fill(self, sheet: str, ref: str) -> str | None:
        """The background a person sees in the cell: its own fill, or our conditional format."""
        wb = openpyxl.load_workbook(self.path)
        ws = wb[sheet]
        for block in ws.conditional_formatting:
            for rule in block.rules:
                if MARKER in "".join(rule.formula or []) and ref in block.sqref:
                    fill = rule.dxf.fill
                    return fill.fgColor.rgb if fill.fgColor.rgb != "00000000" else fill.bgColor.rgb
        fill = ws[ref].fill
        return fill.fgColor.rgb if fill.fill_type == "solid" else None

    def teardown(self) -> None:
        getattr(self, "_restore", lambda: None)()


class GSheetsBackend(Backend):
    kind = "gsheets"

    def __init__(self, root: Path, server: SheetsServer):
        super().__init__(root)
        self.server = server
        self.key_file = make_service_account(root.parent, server)

    def create(self, sheets: dict[str, list[list]], registers: list[str] | None = None, extra: str = "",
               merges: dict[str, list[str]] | None = None) -> None:
        self.sid = self.server.add_spreadsheet("凤凰镇督查台账", sheets)
        for sheet, ranges in (merges or {}).items():
            for rng in ranges:
                self.server.merge_cells(self.sid, sheet, rng)
        regs = f"registers = {registers!r}\n".replace("'", '"') if registers else ""
        self.write_config(f'source = "gsheets:{self.sid}"\ncredentials = "{self.key_file.as_posix()}"\n'
                          f'api_url = "{self.server.url}"\n{regs}', extra)

    def rows(self, sheet: str) -> list[list]:
        return trimmed(self.server.values(self.sid, sheet))

    def state(self) -> str:
        writes = sum(self.server.counts[e] for e in ("values.batchUpdate", "spreadsheets.batchUpdate", "values.update"))
        return f"{writes} writes"

    def change_between_read_and_write(self, edit: Callable[[GSheetsBackend], None]) -> None:
        self.server.before_write(lambda _server: edit(self))

    def insert_row(self, sheet: str, index0: int, row: list) -> None:
        self.server.insert_row(self.sid, sheet, index0, row)

    def delete_row(self, sheet: str, index0: int) -> None:
        self.server.delete_row(self.sid, sheet, index0)

    def merges(self, sheet: str) -> list[str]:
        """The sheet's merged ranges ("C4:C6"), sorted."""
        return sorted(self.server.merges(self.sid, sheet))

    def fill(self, sheet: str, ref: str) -> str | None:
        """The background a person sees: the first conditional-format rule that holds for the cell
        (the formulas we write are evaluated here), else the cell's own background."""
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        col0, row0 = col_index(m.group(1)), int(m.group(2)) - 1
        sh = self.server.spreadsheets[self.sid].sheet(sheet)
        for rule in self.server.conditional_formats(self.sid, sheet):
            ranges = rule.get("ranges", [])
            if not any(_inside(r, row0, col0) for r in ranges):
                continue
            formula = rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"]
            first = ranges[0].get("startRowIndex", 0)
            if _holds(formula, row0 - first, first, sh):
                return _argb(rule["booleanRule"]["format"]["backgroundColor"])
        return None

    def teardown(self) -> None:
        pass


def _inside(r: dict, row0: int, col0: int) -> bool:
    return (r.get("startRowIndex", 0) <= row0 < r.get("endRowIndex", 10**9)
            and r.get("startColumnIndex", 0) <= col0 < r.get("endColumnIndex", 10**9))


def _holds(formula: str, offset: int, first_row0: int, sheet: Any) -> bool:
    """Evaluate the few formula shapes the product writes: the marker, `$X3="label"` tests (in an
    OR), and `LEN($X3)>0`; references are relative to the rule's first row."""
    body = formula[1:].replace(MARKER, "TRUE")

    def ref_value(m: re.Match) -> Any:
        row0 = int(m.group(2)) - 1 + offset
        v = sheet.get(row0, col_index(m.group(1)))
        return "" if v is None else str(v)

    body = re.sub(r'\$([A-Z]+)(\d+)="((?:[^"]|"")*)"',
                  lambda m: "TRUE" if ref_value(m) == m.group(3).replace('""', '"') else "FALSE", body)
    body = re.sub(r"LEN\(\$([A-Z]+)(\d+)\)>0", lambda m: "TRUE" if ref_value(m) else "FALSE", body)
    for _ in range(5):
        body = re.sub(r"(AND|OR)\(([A-Z,]*)\)",
                      lambda m: ("TRUE" if (all if m.group(1) == "AND" else any)(x == "TRUE" for x in m.group(2).split(","))
                                 else "FALSE"), body)
    assert body in ("TRUE", "FALSE"), f"formula the test cannot evaluate: {formula}"
    return body == "TRUE"


def _argb(colour: dict) -> str:
    return "FF" + "".join(f"{round(colour.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))


@pytest.fixture(params=["xlsx", "gsheets"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The same test on both sources: a local xlsx file and a spreadsheet on the loopback Sheets server."""
    b: Backend = XlsxBackend(tmp_path / "office") if request.param == "xlsx" else \
        GSheetsBackend(tmp_path / "office", request.getfixturevalue("sheets_server"))
    yield b
    b.teardown()
