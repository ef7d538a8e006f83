"""The report in the terminal: fits 80 columns (CJK two cells wide), every table's title and headers,
figures formatted (1,234 · 34.5% · +2 / −3 · "—"), flagged rows marked without colour too, the
totals row, long text cut with "…", charts as text bars; and cell text can neither restyle the
screen nor be read as markup."""

from __future__ import annotations

import io
import itertools
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from assistant.i18n import using
from assistant.reports.model import Column, Section, Table
from assistant.reports.render_table import console_for, show
from tests.report_samples import BULLETIN_TEXT_EN, BULLETIN_TEXT_ZH, FLAGGED, UNITS_EN, UNITS_ZH, sample_report


def shown(lang: str = "zh", report=None, width: int = 80, styles: bool = False) -> str:
    con = Console(width=width, record=True, color_system="standard" if styles else None,
                  force_terminal=styles, file=io.StringIO())
    with using(lang):
        show(report or sample_report(lang), con)
    return con.export_text(styles=styles)


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def header_shown(lines: list[str], label: str) -> bool:
    """Whether `label` is on one line, or stacked in one column over two or three lines, as a
    wrapped header is: its pieces aligned on their left or right edge."""
    if any(label in line for line in lines):
        return True
    english = " " in label
    units = label.split(" ") if english else list(label)
    sep = " " if english else ""
    for k in (2, 3):
        for cuts in itertools.combinations(range(1, len(units)), k - 1):
            bounds = (0, *cuts, len(units))
            pieces = [sep.join(units[a:b]) for a, b in zip(bounds, bounds[1:])]
            if any(_stacked(lines[i:i + k], pieces) for i in range(len(lines) - k + 1)):
                return True
    return False


def _stacked(lines: list[str], pieces: list[str]) -> bool:
    spans = [{(cell_len(line[:m.start()]), cell_len(line[:m.start()]) + cell_len(piece))
              for m in re.finditer(re.escape(piece), line)} for piece, line in zip(pieces, lines)]
    if not all(spans):
        return False
    lefts = set.intersection(*({a for a, _ in s} for s in spans))
    rights = set.intersection(*({b for _, b in s} for s in spans))
    return bool(lefts or rights)


def row_of(lines: list[str], start: str) -> str:
    return next(line for line in lines if start in line)


# --- 1. fits 80 columns, everything there ---------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_line_fits_80_cells_and_every_table_and_header_is_there(lang):
    report = sample_report(lang)
    text = shown(lang)
    lines = lines_of(text)
    assert max(cell_len(line) for line in lines) <= 80
    assert lines[0] == report.title
    assert report.office in lines[1] and "2026-11-20" in lines[1]
    assert ("2026年第47周（11月16日—11月22日）" if lang == "zh" else "week 47 of 2026 (11/16–11/22)") in lines[1]
    for notice in report.notices:
        assert any(line.endswith(notice) for line in lines), notice
    for block in report.blocks:
        if isinstance(block, Table):
            assert block.title in lines, block.title
            for column in block.columns:
                assert header_shown(lines, column.label), (block.title, column.label)
    paragraph = BULLETIN_TEXT_ZH if lang == "zh" else BULLETIN_TEXT_EN
    flowing = "".join(line.strip() for line in lines) if lang == "zh" else " ".join(line.strip() for line in lines)
    assert paragraph in flowing, "a section's paragraph is wrapped, not cut"


def test_chinese_is_wrapped_between_characters_and_no_line_starts_with_a_comma():
    report = sample_report("zh")
    note = ("在编 = 用工性质为在编、状态不是调出或离职（抽调、借出仍计入在编，另列“不在岗”）；缺编 = 编制数 − 在编数"
            "（不小于 0）；缺编率超过 30% 的标为红色。")
    report.table("units").note = note
    section = report.blocks[0]
    assert isinstance(section, Section)
    # 39 characters fill a line indented by 2 cells
    section.paragraphs = ["甲" * 39 + "，" + "乙" * 20, "丙" * 38 + "（丁）"]
    lines = lines_of(shown("zh", report))
    at = lines.index("  " + "甲" * 38)
    assert lines[at + 1] == "  甲，" + "乙" * 20, "the comma stays with the character before it"
    at = lines.index("  " + "丙" * 38)
    assert lines[at + 1] == "  （丁）", "an opening bracket stays with the character after it"
    first = next(i for i, line in enumerate(lines) if line.startswith("在编 ="))
    # Full but for "岗”）；", which goes to the next line whole: not broken after "在编 =" as rich would.
    assert cell_len(lines[first]) == 74 and lines[first + 1].startswith("岗”）；")
    assert lines[first] + lines[first + 1] == note


@pytest.mark.parametrize("width", [80, 60])
def test_a_table_too_wide_is_shown_in_parts_with_no_figure_cut(width):
    report = sample_report("zh")
    columns = [Column("unit", "单位")] + [Column(f"c{i}", f"第{i}项指标", "int") for i in range(14)]
    report.blocks = [Table("wide", "十四项指标", columns,
                           [{"unit": UNITS_ZH[0], **{f"c{i}": 123456 * i for i in range(14)}}])]
    lines = lines_of(shown("zh", report, width=width))
    assert max(cell_len(line) for line in lines) <= width
    figures = " ".join(lines)
    for i in range(14):
        assert f"{123456 * i:,}" in figures, i
    rows = [lines[i + 1] for i, line in enumerate(lines) if line.startswith("────")]
    assert len(rows) >= 2, "the table in parts"
    assert all(row.startswith("凤凰镇党政综合办公室") for row in rows), "the name keeps 10 characters a line"
    counts = [len(re.findall(r"\d[\d,]*", row)) for row in rows]
    assert sum(counts) == 14 and max(counts) - min(counts) <= 1, f"shared out evenly: {counts}"


# --- 2. figures ------------------------------------------------------------------------------------

def test_figures_are_formatted_by_kind():
    lines = lines_of(shown("zh"))
    finance = row_of(lines, "凤凰镇财政所")
    assert re.search(r"凤凰镇财政所\s+1,234\s+1,200\s+2\.8%\s+−34\s+9\.0\s+2026-04-20$", finance), finance
    first = row_of(lines, UNITS_ZH[0][:10])
    assert re.search(r"12\s+11\s+8\.3%\s+\+1\s+4\.3\s+2026-10-09$", first), "4.25 rounds as Excel shows it"
    veterans = row_of(lines, "凤凰镇退役军人服务站")
    assert re.search(r"3\s+3\s+0\.0%\s+—\s+—\s+2026-06-01$", veterans), "no figure: —"
    social = row_of(lines, "凤凰镇社会事务办公室")
    assert social.endswith("—")
    total_at = next(i for i, line in enumerate(lines) if line.strip().startswith("合计"))
    assert re.search(r"合计\s+1,338\s+1,284\s+4\.0%\s+−38\s+—\s+—$", lines[total_at])
    assert lines[total_at - 1].strip() == "", "a line apart from the units"
    assert lines.index(finance) < total_at


def test_flagged_rows_are_marked_without_colour_and_red_with_it():
    lines = lines_of(shown("zh"))
    marked = [line for line in lines if line.startswith("!")]
    assert len(marked) == 1 and UNITS_ZH[FLAGGED][:8] in marked[0]
    assert "标“!”的行需要关注" in lines
    en = lines_of(shown("en"))
    assert [line for line in en if line.startswith("!")][0].split()[1] == UNITS_EN[FLAGGED].split()[0]
    assert 'Rows marked "!" need attention' in en
    coloured = shown("zh", styles=True)
    flagged = next(line for line in coloured.splitlines() if UNITS_ZH[FLAGGED][:8] in line)
    assert "\x1b[31m" in flagged, "red"
    others = [line for line in coloured.splitlines() if "凤凰镇财政所" in line]
    assert others and "\x1b[31m" not in others[0]
    total = next(line for line in coloured.splitlines() if "合计" in line and "1,338" in line)
    assert "\x1b[1m" in total, "the totals row is bold"


def test_a_totals_row_over_the_line_is_marked_too():
    report = sample_report("zh")
    units = report.table("units")
    assert units.total is not None
    units.total["over"] = True
    lines = lines_of(shown("zh", report))
    assert [line.split()[1] for line in lines if line.startswith("!")] == [UNITS_ZH[FLAGGED], "合计"]


def test_long_text_is_cut_with_an_ellipsis_and_formula_text_shown_as_is():
    lines = lines_of(shown("zh"))
    start = lines.index("逾期事项")
    table = lines[start:start + 12]
    text = "\n".join(table)
    assert "…" in text and BULLETIN_TEXT_ZH not in "".join(line.strip() for line in table)
    assert BULLETIN_TEXT_ZH[:8] in text
    assert "=1+1" in text
    first = next(i for i, line in enumerate(table) if line.startswith("DB-2026-001"))
    assert table[first + 2].startswith("DB-2026-007"), "two lines at most for a long text"


# --- 3. charts -------------------------------------------------------------------------------------

def test_charts_are_text_bars_scaled_to_the_largest():
    lines = lines_of(shown("zh"))
    start = lines.index("各单位缺编率")
    bars = lines[start + 1:start + 13]
    by_unit = {line.split()[0]: line for line in bars}
    assert len(by_unit) == 12
    longest = max(bars, key=lambda line: line.count("▇"))
    assert "凤凰镇便民服务中心" in longest and longest.endswith("33.3%")
    assert by_unit["凤凰镇社会事务办公室"].count("▇") == 0 and by_unit["凤凰镇社会事务办公室"].endswith("0.0%")
    finance, flagged = by_unit["凤凰镇财政所"], next(v for k, v in by_unit.items() if k.startswith("凤凰镇综合行政"))
    assert 0 < finance.count("▇") < flagged.count("▇") < longest.count("▇")
    assert flagged.count("▇") == round(32.0 / 33.3333 * longest.count("▇"))
    assert any(line.startswith("凤凰镇党政综合办公") and "…" in line for line in bars), "a long name is cut"
    trend = lines.index("逾期事项走势")
    assert lines[trend + 1] == "逾期" and lines[trend + 10] == "临期"
    assert lines[trend + 2].startswith("2026-W40") and lines[trend + 2].endswith(" 3")


# --- 4. what comes from cells ----------------------------------------------------------------------

def test_cell_text_cannot_restyle_the_screen_or_be_read_as_markup():
    report = sample_report("zh")
    units = report.table("units")
    units.rows[0]["unit"] = "[bold red]假[/bold red]\x1b[2J单位\u202e反"
    report.notices.append("[link=http://x]点我[/link]\x07")
    report.blocks[0].paragraphs[0] = "[blink]闪[/blink]段落"
    units.title = "[reverse]标题[/reverse]"
    text = shown("zh", report, styles=True)
    assert "\x1b[2J" not in text and "\x07" not in text and "\u202e" not in text
    plain = shown("zh", report)
    lines = lines_of(plain)
    at = next(i for i, line in enumerate(lines) if line.startswith("   [bold red]假[/bold "))
    assert lines[at + 1].strip() == "red]␛[2J单位\\u202e反", "shown as written, wrapped at its space"
    assert "[link=http://x]点我[/link]␇" in plain
    assert "  [blink]闪[/blink]段落" in lines and "[reverse]标题[/reverse]" in lines


# --- 5. the console --------------------------------------------------------------------------------

class _Terminal(io.StringIO):
    """Output that says it is a terminal, as a real one does."""

    def isatty(self) -> bool:
        return True


def test_console_for_a_pipe_is_80_columns_without_colour():
    out = io.StringIO()
    con = console_for(out)
    assert con.width == 80 and con.no_color
    with using("zh"):
        show(sample_report("zh"), con)
    printed = out.getvalue()
    assert "\x1b[" not in printed
    assert max(cell_len(line) for line in printed.splitlines()) <= 80


def test_console_for_a_terminal_keeps_colour_unless_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    out = _Terminal()
    con = console_for(out)
    with using("zh"):
        show(sample_report("zh"), con)
    assert "\x1b[31m" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    out = _Terminal()
    con = console_for(out)
    with using("zh"):
        show(sample_report("zh"), con)
    assert "\x1b[31m" not in out.getvalue() and "!  凤凰镇综合行政执法大队" in out.getvalue()
