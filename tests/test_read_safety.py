"""Reading safety (issue 11): what a source hands out can always be printed, written and mailed
(lone surrogates from Google Sheets); a workbook that cannot be read, or that would take the machine
down, is a located message and exit 2 (unreadable files, hostile XML, size limits); and whitespace
far below the data is not data.
"""

from __future__ import annotations

import email
import errno
import gzip
import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from email import policy
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.table import content_rows
from tests.backends import GSheetsBackend
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import SHEET, WORKBOOK, make_office, sheet_part
from tests.test_source_contract import FIRST, register_sheets

LONE = "\ud800"  # a high surrogate with no low one after it: what a "\ud800" JSON escape decodes to
MAIL = """
[mail]
transport = "file"
sender = "党政办 <dzb@example.gov.cn>"
allowed_domains = ["example.gov.cn"]

[[recipients]]
name = "张书记"
email = "zhangjg@example.gov.cn"
scope = "all"
"""


def cli(config: Path, command: str, *args: str):
    return run_cli(command, "--config", config, "--today", TODAY, *args)


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((folder / "outbox").glob("*.eml"))]


# --- 8. lone surrogates from Google Sheets ---------------------------------------------------------


@pytest.fixture
def gs(tmp_path, sheets_server) -> GSheetsBackend:
    return GSheetsBackend(tmp_path / "office", sheets_server)


def surrogate_sheets() -> dict[str, list[list]]:
    """The register with lone surrogates in an overdue item's content (shown in the digest) and in
    a value that is wrong (quoted in a finding and in the 校验提示 we write back)."""
    sheets = register_sheets()
    rows = sheets[SHEET]
    rows[FIRST][2] = f"秸秆禁烧{LONE}巡查"  # DB-2026-001, overdue
    rows[FIRST + 7][1] = f"上级交待{LONE}"  # DB-2026-008's 事项来源: not in the enum, a finding
    return sheets


def test_lone_surrogates_from_sheets_become_replacement_characters(gs):
    gs.create(surrogate_sheets(), extra=MAIL)
    res = cli(gs.config, "check")
    assert res.code == 1, res.err
    assert "上级交待\ufffd" in res.out
    res = cli(gs.config, "check", "--format", "json")
    assert res.code == 1, res.err
    values = {f["value"] for f in res.json()["findings"]}
    assert "上级交待\ufffd" in values
    assert not any(LONE in json.dumps(f, ensure_ascii=False) for f in res.json()["findings"])

    res = cli(gs.config, "flag")
    assert res.code == 1, res.err
    (backup,) = gs.backups()
    snapshot = json.loads(gzip.decompress(backup.read_bytes()))
    assert snapshot["sheets"][SHEET][FIRST][2] == "秸秆禁烧\ufffd巡查"
    written = gs.rows(SHEET)
    hint = next(r for r in written if r and r[0] == "DB-2026-008")[14]
    assert "上级交待\ufffd" in hint  # the 校验提示 quotes the value as read

    res = cli(gs.config, "digest")
    assert res.code == 0, res.err
    (msg,) = mails(gs.root)
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "秸秆禁烧\ufffd巡查" in html and "style=" in html  # CSS inlined
    assert "秸秆禁烧\ufffd巡查" in msg.get_body(preferencelist=("plain",)).get_content()


def test_lone_surrogates_in_titles_are_replaced(gs, sheets_server):
    """The spreadsheet's and a sheet's title reach messages too (what the workbook holds)."""
    sheets = register_sheets()
    sheets[f"其他{LONE}"] = [["x"]]
    gs.create(sheets, registers=["tasks", "roster"])
    spreadsheet = sheets_server.spreadsheets[gs.sid]
    spreadsheet.title = f"凤凰镇{LONE}台账"
    res = cli(gs.config, "flag")
    assert res.code == 1, res.err
    assert "凤凰镇\ufffd台账" in res.out + res.err
    # A register's sheet missing: the message lists the sheets there are, titles as read.
    spreadsheet.sheets = [s for s in spreadsheet.sheets if s.title != "人员名册"]
    res = cli(gs.config, "check")
    assert res.code == 2
    assert "其他\ufffd" in res.err and "人员名册" in res.err and "内部错误" not in res.err


# --- helpers for the xlsx tests ----------------------------------------------------------------------


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The fixture register (xlsxwriter: shared strings, styles, images, a chart) in an office."""
    return make_office(tmp_path / "office")


def config_of(workbook: Path) -> Path:
    return workbook.parent.parent / "assistant.toml"


def set_limits(workbook: Path, **limits: int) -> None:
    with config_of(workbook).open("a", encoding="utf-8") as fh:
        fh.write("\n[limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()))


def backups_of(workbook: Path) -> list[Path]:
    folder = workbook.parent.parent / ".assistant" / "backups"
    return sorted(folder.glob("*/*")) if folder.exists() else []


def rewrite_part(workbook: Path, part: str, edit: Callable[[bytes], bytes]) -> None:
    """The workbook with one part's bytes edited, every other part as it was."""
    with zipfile.ZipFile(workbook) as src:
        members = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            dst.writestr(info, edit(data) if info.filename == part else data)


def declare_size(workbook: Path, part: str, size: int) -> None:
    """Forge the uncompressed size the zip declares for `part` (local header and central directory);
    the compressed bytes and their CRC stay as they are."""
    data = bytearray(workbook.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(part)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_len]).decode() == part:
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 46)
    workbook.write_bytes(bytes(data))


REAL_CALAMINE = pc.CalamineWorkbook


class CalamineSpy:
    """python_calamine's workbook as the product uses it, recording what it was asked to parse."""

    def __init__(self) -> None:
        self.opened = 0
        self.sheets: list[str] = []

    def from_filelike(self, fh):
        self.opened += 1
        return _SpiedBook(REAL_CALAMINE.from_filelike(fh), self)

    def __getattr__(self, name: str):
        return getattr(REAL_CALAMINE, name)


class _SpiedBook:
    def __init__(self, book, spy: CalamineSpy):
        self._book, self._spy = book, spy

    def get_sheet_by_name(self, name: str):
        self._spy.sheets.append(name)
        return self._book.get_sheet_by_name(name)

    def __getattr__(self, name: str):
        return getattr(self._book, name)


@pytest.fixture
def calamine(monkeypatch) -> CalamineSpy:
    import assistant.sources.xlsx.source as xlsx_source

    spy = CalamineSpy()
    monkeypatch.setattr(xlsx_source.pc, "CalamineWorkbook", spy)
    return spy


def no_internal_error(res) -> None:
    assert "内部错误" not in res.err and "Traceback" not in res.err, res.err


# --- 10. unreadable files ----------------------------------------------------------------------------


def sharing_violation() -> OSError:
    """What Windows raises when another program (or another PC on the share) has the file open:
    a PermissionError carrying winerror 32."""
    exc = PermissionError(errno.EACCES, "The process cannot access the file because it is being used by "
                                        "another process")
    exc.winerror = 32  # set by Windows itself; POSIX has no such argument
    return exc


UNREADABLE = {
    "no-permission": (lambda: PermissionError(errno.EACCES, "Permission denied"), "没有读取权限", "权限"),
    "windows-sharing-violation": (sharing_violation, "占用", "另一台电脑"),
    "smb-busy": (lambda: OSError(errno.EBUSY, "Device or resource busy"), "占用", "另一台电脑"),
    "network-gone": (lambda: OSError(errno.EIO, "Input/output error"), "Input/output error", "网络共享"),
}


def refuse_reading(monkeypatch, workbook: Path, make_error: Callable[[], OSError], after: int = 0) -> list[int]:
    """Make reading `workbook` fail as the system would, from its (after+1)-th read on; the
    reads of every other file go through."""
    real = Path.read_bytes
    calls = [0]

    def read_bytes(self: Path) -> bytes:
        if self.name == workbook.name:
            calls[0] += 1
            if calls[0] > after:
                raise make_error()
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return calls


@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_a_workbook_the_system_will_not_let_us_read(book, monkeypatch, kind):
    make_error, reason, hint = UNREADABLE[kind]
    refuse_reading(monkeypatch, book, make_error)
    for command in ("check", "flag"):
        res = cli(config_of(book), command)
        assert res.code == 2, (command, res.out, res.err)
        no_internal_error(res)
        assert f"无法读取工作簿 {WORKBOOK}" in res.err and reason in res.err and hint in res.err


def test_a_workbook_that_becomes_unreadable_before_the_write(book, monkeypatch):
    """flag read it; when it re-reads the file to write (the plan must match its bytes), a
    colleague on another PC has opened it: a located message, nothing written."""
    original = book.read_bytes()
    calls = refuse_reading(monkeypatch, book, sharing_violation, after=1)
    res = cli(config_of(book), "flag")
    assert calls[0] == 2  # the read, then the write's re-read, which failed
    assert res.code == 2, res.err
    no_internal_error(res)
    assert f"无法读取工作簿 {WORKBOOK}" in res.err and "占用" in res.err and "另一台电脑" in res.err
    monkeypatch.undo()
    assert book.read_bytes() == original and backups_of(book) == []


# --- 10. hostile XML ----------------------------------------------------------------------------------

# "Billion laughs": ten entities, each ten of the one before; &lol9; is 3 * 10^9 bytes.
LOL = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
       + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1))) * 10)
                  for i in range(1, 10)) + b"]>")


def with_doctype(data: bytes, target: bytes = b"") -> bytes:
    """The part with the DTD after its XML declaration and &lol9; in place of `target`."""
    decl = re.match(rb"<\?xml[^?]*\?>\s*", data)
    at = decl.end() if decl else 0
    data = data[:at] + LOL + data[at:]
    return data.replace(target, b"&lol9;", 1) if target else data


def styles_with_laughs(data: bytes) -> bytes:
    return with_doctype(data, re.search(rb'<name val="([^"]+)"', data).group(1))  # a font's name


HOSTILE_PARTS = {
    "styles": ("xl/styles.xml", styles_with_laughs),
    "workbook": ("xl/workbook.xml", with_doctype),
    "relationships": ("xl/_rels/workbook.xml.rels", with_doctype),
    "shared-strings": ("xl/sharedStrings.xml", lambda d: with_doctype(d, b"DB-2026-001")),
}


@pytest.mark.parametrize("name", list(HOSTILE_PARTS))
def test_a_part_with_a_doctype_is_refused_before_anything_parses_it(book, calamine, name):
    part, edit = HOSTILE_PARTS[name]
    rewrite_part(book, part, edit)
    original = book.read_bytes()
    for command in ("check", "flag"):
        res = cli(config_of(book), command)
        assert res.code == 2, (command, res.out, res.err)
        no_internal_error(res)
        assert WORKBOOK in res.err and part in res.err and "DOCTYPE" in res.err and "来源" in res.err
    assert calamine.opened == 0  # refused before calamine (or lxml) saw a byte of it
    assert book.read_bytes() == original and backups_of(book) == []


def test_a_worksheet_with_a_doctype_is_refused(book, calamine):
    part = sheet_part(book)
    rewrite_part(book, part, lambda d: with_doctype(d, b"<v>"))
    res = cli(config_of(book), "check")
    assert res.code == 2 and part in res.err and "DOCTYPE" in res.err
    assert calamine.opened == 0


def test_a_doctype_behind_a_long_prolog_is_refused(book, calamine):
    """Comments may come before the DTD; more than 1 MB of them is refused as well, so the look at
    the prolog stays bounded."""
    filler = b"".join(b"<!-- %07d -->\n" % i for i in range(80_000))  # ~1.2 MB
    rewrite_part(book, "xl/styles.xml", lambda d: filler + styles_with_laughs(d))
    res = cli(config_of(book), "check")
    assert res.code == 2 and "xl/styles.xml" in res.err and "1 MB" in res.err
    assert calamine.opened == 0


def test_comments_before_the_root_are_not_a_doctype(book):
    """A prolog with a declaration, comments and a processing instruction is an ordinary one."""
    def edit(data: bytes) -> bytes:
        decl = re.match(rb"<\?xml[^?]*\?>\s*", data)
        at = decl.end() if decl else 0
        return data[:at] + b"<!-- <!DOCTYPE x> in a comment -->\n<?mso-application progid?>\n" + data[at:]

    rewrite_part(book, "xl/styles.xml", edit)
    res = cli(config_of(book), "flag")
    assert res.code == 1, res.err  # read, judged and written as usual


def test_a_hostile_file_put_in_place_between_read_and_write(book, monkeypatch):
    """The write re-reads the file; if it is not the one planned from, the plan is made again
    from a fresh read, which refuses it: lxml never parses it."""
    from assistant.sources.xlsx import XlsxSource

    real_apply = XlsxSource.apply

    def apply(source, patches, planned_from):
        monkeypatch.setattr(XlsxSource, "apply", real_apply)
        rewrite_part(book, "xl/styles.xml", styles_with_laughs)  # the swap, just before the write
        return real_apply(source, patches, planned_from)

    monkeypatch.setattr(XlsxSource, "apply", apply)
    res = cli(config_of(book), "flag")
    assert res.code == 2, res.err
    no_internal_error(res)
    assert "xl/styles.xml" in res.err and "DOCTYPE" in res.err
    assert backups_of(book) == []


# --- 11. size limits --------------------------------------------------------------------------------


def test_declared_part_size_over_the_limit(book, calamine):
    part = sheet_part(book)
    declare_size(book, part, 1500 * 1024 * 1024)  # 1.5 GB declared for a sheet of a few KB
    res = cli(config_of(book), "check")
    assert res.code == 2, res.err
    assert WORKBOOK in res.err and part in res.err and "1,500 MB" in res.err and "1024 MB" in res.err
    assert "max_part_mb" in res.err and "[limits]" in res.err
    assert calamine.opened == 0


def big_sheet(workbook: Path, rows: int) -> None:
    """The register with `rows` more rows (openpyxl writes them uncompressed-large, zipped small)."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb[SHEET]
    for i in range(rows):
        ws.append([f"DB-2027-{i:05d}", "上级交办", "凤凰村秸秆禁烧宣传及巡查", "党政办", "王芳", "张建国"])
    wb.save(workbook)


def test_a_part_over_a_configured_limit(book, calamine):
    big_sheet(book, 12_000)  # a worksheet of a few MB uncompressed
    part = sheet_part(book)
    assert zipfile.ZipFile(book).getinfo(part).file_size > 1024 * 1024
    set_limits(book, max_part_mb=1)
    for command in ("check", "flag"):
        res = cli(config_of(book), command)
        assert res.code == 2, (command, res.err)
        assert part in res.err and "1 MB" in res.err and "max_part_mb" in res.err
    assert calamine.opened == 0


def test_all_parts_together_over_the_limit(book, calamine):
    with zipfile.ZipFile(book, "a") as zf:  # two parts of 0.6 MB each
        for n in (1, 2):
            zf.writestr(f"xl/media/extra{n}.bin", b"\0" * 600_000, compress_type=zipfile.ZIP_DEFLATED)
    set_limits(book, max_part_mb=1, max_total_mb=1)
    res = cli(config_of(book), "check")
    assert res.code == 2 and WORKBOOK in res.err and "max_total_mb" in res.err
    assert calamine.opened == 0


def test_a_file_over_the_limit_is_not_even_read(book, monkeypatch, calamine):
    with zipfile.ZipFile(book, "a") as zf:  # 1.5 MB that does not compress (a photo, say)
        zf.writestr("xl/media/photo.bin", bytes(range(256)) * 6000, compress_type=zipfile.ZIP_STORED)
    set_limits(book, max_part_mb=1)
    calls = refuse_reading(monkeypatch, book, lambda: AssertionError("read"), after=10**6)
    res = cli(config_of(book), "check")
    assert res.code == 2 and WORKBOOK in res.err and "max_part_mb" in res.err
    assert calls[0] == 0


def test_declared_sizes_that_lie_are_held_to_by_the_zip_readers(book):
    """A part that declares less than it inflates to: calamine's zip reader stops at the declared
    size, and so does Python's zipfile (our look and the write-back): so the declared size, which
    [limits] checks, bounds what is ever inflated."""
    big_sheet(book, 12_000)
    part = sheet_part(book)
    declare_size(book, part, 4096)
    book_ = REAL_CALAMINE.from_path(str(book))
    with pytest.raises(pc.XmlError, match="larger than its declared uncompressed size"):
        book_.get_sheet_by_name(SHEET)
    with zipfile.ZipFile(book) as zf, zf.open(part) as fh, pytest.raises(zipfile.BadZipFile, match="CRC"):
        fh.read()  # stops at the declared 4096 bytes, where the CRC of the whole cannot match
    for command in ("check", "flag"):
        res = cli(config_of(book), command)
        assert res.code == 2, (command, res.err)
        no_internal_error(res)
        assert WORKBOOK in res.err and part in res.err


@pytest.mark.parametrize("dimension", ["declared", "absent"])
def test_rows_over_a_configured_limit(book, calamine, dimension):
    if dimension == "absent":  # then the rows and cells themselves are looked at
        rewrite_part(book, sheet_part(book), lambda d: re.sub(rb"<dimension [^>]*/>", b"", d))
    set_limits(book, max_rows=10)
    res = cli(config_of(book), "check")
    assert res.code == 2, res.err
    assert f"“{SHEET}”" in res.err and sheet_part(book) in res.err and "第 14 行" in res.err
    assert "10 行" in res.err and "max_rows" in res.err and "Excel/WPS" in res.err
    assert calamine.opened == 1 and SHEET not in calamine.sheets  # opened, but that sheet never built


def test_cells_over_a_configured_limit(book, calamine):
    set_limits(book, max_cells=100)  # the register is A1:L14, 168 cells
    res = cli(config_of(book), "flag")
    assert res.code == 2, res.err
    assert "L14" in res.err and "168" in res.err and "100" in res.err and "max_cells" in res.err
    assert calamine.opened == 1 and SHEET not in calamine.sheets


def run_process(*args: str) -> subprocess.CompletedProcess:
    """The CLI in its own process: a reader that aborts would take pytest down with it."""
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.mark.parametrize("dimension", ["declared", "absent"])
def test_a_stray_cell_at_the_far_corner_is_refused_not_an_abort(book, dimension):
    """One character at XFD1048576 makes the used range 17 billion cells: calamine would try to
    allocate them all and abort the process without a word."""
    wb = openpyxl.load_workbook(book)
    wb[SHEET]["XFD1048576"] = " "
    wb.save(book)
    part = sheet_part(book)
    if dimension == "absent":  # a writer that leaves <dimension> out: the cells are looked at
        rewrite_part(book, part, lambda d: re.sub(rb"<dimension [^>]*/>", b"", d))
    res = run_process("check", "--config", str(config_of(book)), "--today", TODAY)
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    assert "XFD1048576" in res.stderr and part in res.stderr and "max_cells" in res.stderr


# --- 16. whitespace far below the data ---------------------------------------------------------------

LAST_ROW = 1_048_576


def findings_of(workbook: Path) -> list[dict]:
    res = cli(config_of(workbook), "check", "--format", "json")
    assert res.code == 1, res.err  # the fixture has its mistakes on purpose
    return res.json()["findings"]


def row_xml(workbook: Path, row: int) -> bytes:
    """The <row> element of the register's worksheet with that number (b"" when there is none)."""
    xml = zipfile.ZipFile(workbook).read(sheet_part(workbook))
    m = re.search(rb'<row r="%d"[^>]*?(?:/>|>.*?</row>)' % row, xml, re.S)
    return m.group(0) if m else b""


def test_a_stray_space_at_the_last_row_is_not_a_data_row(book):
    wb = openpyxl.load_workbook(book)
    wb.save(book)  # as openpyxl saves it, with and without the space
    before = findings_of(book)
    wb[SHEET][f"A{LAST_ROW}"] = " "
    wb.save(book)
    assert findings_of(book) == before

    res = cli(config_of(book), "flag", "--format", "json")
    assert res.code == 1, res.err
    assert len(res.json()["items"]) == 12 and max(i["row"] for i in res.json()["items"]) == 14
    last = row_xml(book, LAST_ROW)
    assert last and b'r="A%d"' % LAST_ROW in last  # the person's space is still there
    assert not re.search(rb'r="[M-O]%d"' % LAST_ROW, last)  # and nothing of ours next to it
    assert openpyxl.load_workbook(book)[SHEET]["M14"].value == "正常"  # the register itself was flagged


def test_whitespace_of_every_kind_below_the_data_is_not_data(book):
    """Spaces, the full-width space people type with a Chinese input method, tabs; in several rows
    and columns, with empty rows between them."""
    wb = openpyxl.load_workbook(book)
    wb.save(book)
    before = findings_of(book)
    ws = wb[SHEET]
    ws["A40"], ws["C41"], ws["L900"], ws["B5000"] = "\u3000", " \t ", "\u3000 ", "\n"
    wb.save(book)
    assert findings_of(book) == before


def test_an_old_status_below_the_data_is_still_cleared(book):
    """A row whose data is gone but which still holds our old status is a stale row, also when
    only whitespace follows it further down."""
    res = cli(config_of(book), "flag")
    assert res.code == 1, res.err
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    for col in "ABCDEFGHIJKL":  # the last task's data deleted; our M14:O14 left behind
        ws[f"{col}14"].value = None
    ws["C5000"] = " "
    wb.save(book)
    res = cli(config_of(book), "flag")
    assert res.code == 1, res.err
    ws = openpyxl.load_workbook(book)[SHEET]
    assert [ws[f"{c}14"].value for c in "MNO"] == [None, None, None]
    assert ws["M13"].value == "逾期办结"
    assert not re.search(rb'r="[M-O]5000"', row_xml(book, 5000))


def test_trailing_whitespace_rows_from_sheets_are_not_data(gs):
    """table.py is shared: Google Sheets hands the same million-row tail over as rows of values."""
    sheets = register_sheets()
    rows = sheets[SHEET]
    gs.create(sheets)
    before = cli(gs.config, "check", "--format", "json").json()["findings"]
    rows += [[] for _ in range(5000)] + [[None, "  "], ["\u3000"]]
    gs.create(sheets)
    res = cli(gs.config, "check", "--format", "json")
    assert res.code == 1 and res.json()["findings"] == before


CELLS = st.sampled_from(["", None, " ", "\u3000", "\t\n", "x", 0, 0.0, False, 1.5, float("nan")])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.lists(CELLS, max_size=4), st.just([]), st.just([""] * 3)), max_size=12))
def test_content_rows_cuts_exactly_the_trailing_whitespace_rows(grid):
    """The run-at-a-time cut agrees with the plain definition: drop the last row while every cell
    is empty or whitespace (0 and False are content)."""
    def plain(value: object) -> bool:
        return value is None or (isinstance(value, float) and value != value) or (
            isinstance(value, str) and not value.strip())

    end = len(grid)
    while end and all(plain(v) for v in grid[end - 1]):
        end -= 1
    assert content_rows(grid) == end
