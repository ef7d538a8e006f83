"""Write-back of a large register in bounded memory (issue 16): the patched worksheet is streamed
from the old package into the new one, a piece at a time, and never held whole; every part we do
not patch is copied as it is.

The register is generated (50,000 rows, xlsxwriter, shared strings as Excel/WPS save them) and the
write-back is a real `XlsxSource.apply` of a `SheetPatch`, as `assistant flag` makes it.
"""

from __future__ import annotations

import gc
import io
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc

from assistant.sources.xlsx import XlsxSource
from assistant.writeback import Fill, SheetPatch

ROWS = 50_000
SHEET = "督查督办台账"
HEADERS = ["编号", "事项", "责任单位", "责任人", "截止日期", "进度"]
OURS = {"预警状态": 6, "剩余工作日": 7, "校验提示": 8}
LABELS = ["逾期", "临期", "正常", "已办结"]
FILLS = [Fill("FFFFC7CE"), Fill("FFFFEB9C"), Fill("FFC6EFCE"), None]
LEGEND = "红色：逾期；黄色：临期；绿色：正常"


def _register(path: Path) -> Path:
    import xlsxwriter

    rng = random.Random(16)
    wb = xlsxwriter.Workbook(str(path))
    border = wb.add_format({"border": 1})
    date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, "凤凰镇督查督办台账（2026年）")
    for c, h in enumerate(HEADERS):
        ws.write_string(1, c, h, border)
    for r in range(2, ROWS + 2):
        ws.write_string(r, 0, f"DB-2026-{r:05d}", border)
        ws.write_string(r, 1, rng.choice(["道路硬化", "河道清淤", "危房改造", "环境整治"]), border)
        ws.write_string(r, 2, rng.choice(["农业办", "城建办", "综治办"]), border)
        ws.write_string(r, 3, rng.choice(["张伟", "王芳", "李娜", "刘洋"]), border)
        ws.write_number(r, 4, 46000 + rng.randrange(400), date)
        ws.write_number(r, 5, rng.randrange(101), border)
    archive = wb.add_worksheet("历史台账")  # a part we never patch
    for r in range(200):
        archive.write_row(r, 0, [f"DB-2025-{r:05d}", "已归档", r])
    wb.close()
    return path


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> bytes:
    return _register(tmp_path_factory.mktemp("big") / "台账.xlsx").read_bytes()


def _patch() -> SheetPatch:
    rng = random.Random(20261120)
    rows = list(range(3, ROWS + 3))
    kinds = [rng.randrange(4) for _ in rows]
    findings = [f"第{n}行：截止日期不是日期" if rng.random() < 0.02 else None for n in rows]
    return SheetPatch(
        sheet=SHEET, header_row=2, columns=dict(OURS), new_columns=list(OURS), rows=rows,
        values={"预警状态": [LABELS[k] for k in kinds],
                "剩余工作日": [None if k == 3 else rng.randrange(-30, 60) for k in kinds],
                "校验提示": findings},
        fills={"预警状态": [FILLS[k] for k in kinds], "剩余工作日": [FILLS[k] for k in kinds],
               "校验提示": [Fill("FFFFC7CE") if f else None for f in findings]},
        style_column=0, numbers={"剩余工作日"}, wrap={"校验提示"},
        highlights=[f"E{n}" for n, f in zip(rows, findings) if f], highlight=Fill("FFFFC7CE", "FF9C0006"),
        widths={"预警状态": 10.0, "剩余工作日": 10.0, "校验提示": 48.0}, notes={"预警状态": LEGEND})


def _source(tmp_path: Path, data: bytes, name: str = "台账.xlsx") -> XlsxSource:
    path = tmp_path / name
    path.write_bytes(data)
    source = XlsxSource("凤凰镇", path, backups=tmp_path / "backups", scratch=tmp_path / "state" / "tmp")
    source.grids([SHEET])  # the read a plan is made from (and its fingerprint)
    return source


def _members(data: bytes) -> list[tuple[str, int, int, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, i.CRC, i.compress_size, zf.read(i)) for i in zf.infolist()]


def _grid(path: Path, sheet: str = SHEET) -> list[list]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def test_the_patched_sheet_is_never_held_whole(tmp_path, register):
    """The old write-back held the worksheet's XML (~20 MB for these 50,000 rows) as bytes several
    times over (read, sliced into rows, joined, spliced, compressed): a Python peak of about 90 MB
    in apply. Streamed, apply holds the package as read (~2 MB compressed; it is fingerprinted and
    backed up), a piece or two of inflated rows (1 MB each) with their patched copies, and a
    template per distinct set of our cells. 24 MB leaves room for all of that and for a runtime's
    own allocations, yet is well below one whole copy of the sheet's XML."""
    with zipfile.ZipFile(io.BytesIO(register)) as zf:
        sheet_xml = zf.getinfo("xl/worksheets/sheet1.xml").file_size
    assert sheet_xml > 10 * 2**20, "the register is big enough for the bound to mean something"
    source = _source(tmp_path, register)
    patch = _patch()
    gc.collect()
    tracemalloc.start()
    try:
        report = source.apply([patch], source.fingerprint)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.cells == 3 + 3 * ROWS
    assert peak < 24 * 2**20, f"apply peaked at {peak / 2**20:.0f} MB of Python memory"


def test_a_large_package_round_trips_with_every_other_part_as_it_was(tmp_path, register):
    source = _source(tmp_path, register)
    patch = _patch()
    source.apply([patch], source.fingerprint)
    written = source.path.read_bytes()

    before, after = _members(register), _members(written)
    changed = {"xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml"}  # rows, formats, note's type
    # Same members in the same order (our note's comments, drawing and relationships added at the
    # end), and every part we do not patch byte for byte the same, compressed bytes included.
    assert [m[0] for m in after][: len(before)] == [m[0] for m in before]
    assert {m[0] for m in after[len(before):]} == {"xl/comments1.xml", "xl/drawings/vmlDrawing1.vml",
                                                   "xl/worksheets/_rels/sheet1.xml.rels"}
    untouched = [(b, a) for b, a in zip(before, after) if b[0] not in changed]
    assert len(untouched) == len(before) - len(changed) > 5
    for b, a in untouched:
        assert a == b, f"{b[0]} changed"

    # What people see: every cell they typed as it was, ours as planned, header included.
    (tmp_path / "before.xlsx").write_bytes(register)
    old, new = _grid(tmp_path / "before.xlsx"), _grid(source.path)
    assert len(new) == len(old) == ROWS + 2
    for r, (was, now) in enumerate(zip(old, new)):
        assert now[: len(HEADERS)] == was[: len(HEADERS)], f"row {r + 1} changed"
    assert new[1][6:9] == list(OURS)
    for i, n in enumerate(patch.rows):
        status, days, hint = new[n - 1][6:9]
        assert status == patch.values["预警状态"][i]
        assert days == ("" if patch.values["剩余工作日"][i] is None else float(patch.values["剩余工作日"][i]))
        assert hint == (patch.values["校验提示"][i] or "")
    assert _grid(source.path, "历史台账") == _grid(tmp_path / "before.xlsx", "历史台账")


def _styles_first(data: bytes) -> bytes:
    """The same package with styles.xml before the worksheets, as LibreOffice writes it."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = src.infolist()
        order = [i for i in infos if i.filename == "xl/styles.xml"] + [i for i in infos
                                                                       if i.filename != "xl/styles.xml"]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in order:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def test_styles_before_the_sheet_give_the_same_workbook(tmp_path, register):
    """styles.xml must wait for the rows (their cell formats) when it comes first in the package:
    the sheet then goes through a spooled file, and the result is the same, member for member."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    direct, spooled = _source(tmp_path / "a", register), _source(tmp_path / "b", _styles_first(register))
    direct.apply([_patch()], direct.fingerprint)
    spooled.apply([_patch()], spooled.fingerprint)
    a, b = _members(direct.path.read_bytes()), _members(spooled.path.read_bytes())
    assert [m[0] for m in b][:2] == ["xl/styles.xml", a[0][0]], "the package's order is kept"
    assert sorted(m[0:1] + m[3:] for m in b) == sorted(m[0:1] + m[3:] for m in a)
    assert _grid(spooled.path) == _grid(direct.path)
