"""The HTML report (assistant/reports/render_html.py, svg.py, templates/report.html) as people see
it: in headless Chromium at 375 px (a phone) and 1280 px (a desktop), printed to PDF on A4, inlined
for mail, and published as a district's folder of pages.

The reports are built by hand, shaped like the real ones: a staffing table of 12 units with long
names and rates, a bulletin's overdue items with long text, a bar chart, a line chart over 8 weeks,
two sections, notices, and a district of 3 townships.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import css_inline
import lxml.html
import pytest

from assistant.errors import UsageError
from assistant.i18n import tr, using
from assistant.reports.filenames import page_names
from assistant.reports.model import Chart, Column, Report, Section, Table
from assistant.reports.period import containing
from assistant.reports.render_html import MANIFEST, page, publish
from tests.browser import show
from tests.pdf_text import A4, Pdf

TODAY = dt.date(2026, 11, 27)
WEEK = containing("week", TODAY)
OFFICE = "凤凰镇党政办"
UNITS = ["凤凰镇农业农村综合服务中心", "党政综合办公室", "社会事务办公室（民政所）", "经济发展办公室", "平安建设办公室",
         "自然资源和规划所", "财政所", "退役军人服务站", "文化旅游体育服务中心", "综合行政执法队", "便民服务中心",
         "村镇建设和生态环境保护中心"]
CONTENT = "关于推进凤凰村人居环境整治提升三年行动方案落实情况的督查反馈意见整改，请于月底前报送整改台账和佐证材料"
SIZES = ["phone", "desktop"]


# --- the reports ---------------------------------------------------------------------------------

def staffing_table(units: list[str] = UNITS) -> Table:
    rows = [dict(unit=u, quota=10 + 113 * i, staff=8 + i, vacant=2 + i % 3, rate=(2 + i % 3) / (10 + i),
                 delta=i % 5 - 2, years=3.5 + i / 4, over=i % 4 == 0) for i, u in enumerate(units)]
    if len(rows) > 3:
        rows[1]["rate"] = 0.345
        rows[3]["rate"] = None  # no figure
    return Table("units", "各单位在编在岗情况",
                 [Column("unit", "单位"), Column("quota", "编制数", "int"), Column("staff", "在编人数", "int"),
                  Column("vacant", "空编数", "int"), Column("rate", "空编率", "rate"), Column("delta", "较上期", "delta"),
                  Column("years", "平均任职年限", "number")],
                 rows, total=dict(unit="合计", quota=12345, staff=200, vacant=30, rate=0.15, delta=1, years=4.0),
                 note="空编率 = 空编数 ÷ 编制数；较上期为在编人数的变化。", flag="over")


def overdue_table(n: int = 14) -> Table:
    rows = [dict(key=f"DB-2026-{i:03d}", content=CONTENT * (1 + i % 2), unit=UNITS[i % len(UNITS)],
                 due=f"2026-10-{i + 1:02d}", days=i + 3) for i in range(n)]
    return Table("overdue", "逾期事项", [Column("key", "编号"), Column("content", "事项内容"), Column("unit", "责任单位"),
                                     Column("due", "办结时限", "date"), Column("days", "逾期工作日", "int")], rows)


def weeks_table() -> Table:
    rows = [dict(week=f"2026-W{41 + i}", overdue=3 + i * 2 % 7, due_soon=5 - i % 3) for i in range(8)]
    return Table("weeks", "近8周逾期和临期事项", [Column("week", "周"), Column("overdue", "逾期", "int"),
                                          Column("due_soon", "临期", "int")], rows)


def by_week_table() -> Table:
    """Twelve weeks across: wider than a phone, and than an A4 page unless the print styles fit it."""
    weeks = [Column(f"w{w}", f"第{w}周", "int") for w in range(37, 49)]
    rows = [{"unit": u, **{c.key: (i * 7 + k * 13) % 20 * 101 for k, c in enumerate(weeks)}} for i, u in enumerate(UNITS)]
    return Table("by_week", "各单位近12周逾期事项", [Column("unit", "单位"), *weeks], rows)


def bulletin(title: str = "2026年第48周督查督办通报", office: str = OFFICE) -> Report:
    return Report(
        "bulletin", title, office, WEEK, TODAY,
        [Section("总体情况", ["本周共有督办事项 120 件，其中逾期 14 件、临期 5 件，逾期事项较上周增加 2 件。"]),
         staffing_table(),
         Chart("vacancy", "各单位空编率", "bar", "units", "unit", ["rate"]),
         overdue_table(),
         weeks_table(),
         Chart("trend", "逾期和临期趋势", "line", "weeks", "week", ["overdue", "due_soon"]),
         by_week_table(),
         Table("soon", "临期事项", [Column("key", "编号")], [], empty="本周无临期事项"),
         Chart("soon_chart", "临期事项分布", "bar", "soon", "key", ["key"]),
         Section("下步要求", ["各责任单位要对照逾期事项逐项销号，确保按期办结。"])],
        data={}, notices=["工作簿“平安镇.xlsx”无法读取，未计入本报告。"])


TOWNSHIPS = ["凤凰镇", "平安镇", "新区/开发区:一期"]


def district() -> Report:
    rows = [dict(township=name, items=40 + 7 * i, overdue=3 + i, rate=(3 + i) / (40 + 7 * i))
            for i, name in enumerate([*TOWNSHIPS, "青山镇"])]  # 青山镇: no page of its own
    table = Table("townships", "各乡镇督办事项", [Column("township", "乡镇"), Column("items", "事项数", "int"),
                                           Column("overdue", "逾期", "int"), Column("rate", "逾期率", "rate")],
                  rows, link="township")
    parts = {name: Report("bulletin", f"{name}2026年第48周督查督办通报", f"{name}党政办", WEEK, TODAY,
                          [staffing_table(UNITS[:3])], data={}) for name in TOWNSHIPS}
    return Report("district", "2026年第48周全区督查督办通报", "示范区政府办", WEEK, TODAY,
                  [table, Chart("overdue", "各乡镇逾期率", "bar", "townships", "township", ["rate"])],
                  data={}, parts=parts)


@pytest.fixture(scope="module")
def bulletin_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "bulletin.html"
    path.write_text(page(bulletin()), encoding="utf-8")
    return path


# --- what the browser reports --------------------------------------------------------------------

OVERFLOW = """
const W = window.innerWidth, bad = [];
for (const el of document.querySelectorAll('body *')) {
  const box = el.closest('.scroll');
  if (box && box !== el) continue;  // inside a table's own scroll box
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.left < -0.5 || r.right > W + 0.5)) bad.push(el.tagName + ' ' + el.textContent.trim().slice(0, 30));
}
return {scroll: document.documentElement.scrollWidth, inner: W, bad: bad,
        clip: [getComputedStyle(document.documentElement).overflowX, getComputedStyle(document.body).overflowX]};
"""

TABLES = """
return [...document.querySelectorAll('table')].map(t => ({
  title: document.getElementById(t.getAttribute('aria-labelledby')).innerText,
  headers: [...t.querySelectorAll('thead th')].map(th => th.innerText),
  rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => td.innerText)),
}));
"""

CHARTS = """
const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height});
return [...document.querySelectorAll('svg')].map(svg => ({
  heading: svg.closest('.chart').previousElementSibling.innerText,
  title: svg.querySelector(':scope > title').textContent,
  box: box(svg.getBoundingClientRect()),
  texts: [...svg.querySelectorAll('text')].map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())})),
  names: [...svg.querySelectorAll('text')].map(t => [...t.querySelectorAll('tspan')].map(s => s.textContent).join('') || t.textContent),
  bars: [...svg.querySelectorAll('rect')].filter(r => r.querySelector('title')).map(r => ({tip: r.querySelector('title').textContent, ...box(r.getBoundingClientRect())})),
  points: [...svg.querySelectorAll('circle > title')].map(t => t.textContent),
}));
"""


def measure(browser: Any, script: str) -> Any:
    return browser.execute_script(script)


def expected_tables(report: Report) -> list[dict]:
    return [{"title": b.title, "headers": [c.label for c in b.columns]}
            for b in report.blocks if isinstance(b, Table) and b.rows]


def assert_nothing_overflows(browser: Any) -> None:
    m = measure(browser, OVERFLOW)
    assert m["scroll"] <= m["inner"], f"the page scrolls sideways: {m}"
    assert m["bad"] == [], "outside the window"
    assert m["clip"] == ["visible", "visible"], "overflow hidden instead of fitted"


# --- layout ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_every_table_is_on_the_page_and_nothing_overflows(chromium, bulletin_page, size):
    show(chromium, bulletin_page, size)
    assert_nothing_overflows(chromium)
    tables = measure(chromium, TABLES)
    assert [{"title": t["title"], "headers": t["headers"]} for t in tables] == expected_tables(bulletin())
    assert [len(t["rows"]) for t in tables] == [12 + 1, 14, 8, 12]  # the staffing table has its totals row
    assert chromium.title == "2026年第48周督查督办通报"


def test_wide_tables_scroll_inside_their_own_box_on_a_phone(chromium, bulletin_page):
    show(chromium, bulletin_page, "phone")
    boxes = measure(chromium, """return [...document.querySelectorAll('.scroll')].map(b => ({
        wide: b.scrollWidth > b.clientWidth, right: b.getBoundingClientRect().right,
        overflow: getComputedStyle(b).overflowX}));""")
    assert len(boxes) == 4
    assert any(b["wide"] for b in boxes), "no table is wider than a phone: the test shows nothing"
    assert all(b["right"] <= 375 and b["overflow"] == "auto" for b in boxes)
    assert_nothing_overflows(chromium)


def test_values_are_formatted_by_their_column_kind(chromium, bulletin_page):
    show(chromium, bulletin_page, "desktop")
    units, overdue, weeks, by_week = measure(chromium, TABLES)
    rows = {r[0]: r for r in units["rows"]}
    assert rows["凤凰镇农业农村综合服务中心"] == ["凤凰镇农业农村综合服务中心", "10", "8", "2", "20.0%", "−2", "3.5"]
    assert rows["党政综合办公室"][4:6] == ["34.5%", "−1"]
    assert rows["社会事务办公室（民政所）"][5] == "0"
    assert rows["经济发展办公室"][4:6] == ["—", "+1"]  # no figure is not 0%
    assert rows["村镇建设和生态环境保护中心"][1] == "1,253"
    assert units["rows"][-1] == ["合计", "12,345", "200", "30", "15.0%", "+1", "4.0"]
    assert overdue["rows"][0] == ["DB-2026-000", CONTENT, UNITS[0], "2026-10-01", "3"]


def test_flagged_rows_stand_out_and_the_totals_row_and_note_follow(chromium, bulletin_page):
    show(chromium, bulletin_page, "desktop")
    look = measure(chromium, """
        const t = document.querySelector('table'), rows = [...t.querySelectorAll('tbody tr')];
        const style = tr => { const s = getComputedStyle(tr.cells[1]); return [s.backgroundColor, s.fontWeight]; };
        const note = t.closest('.scroll').nextElementSibling;
        return {flagged: rows.filter(tr => tr.className === 'flag').map(tr => tr.cells[0].innerText),
                first: style(rows[0]), second: style(rows[1]), total: style(rows[rows.length - 1]),
                note: [note.innerText, note.getBoundingClientRect().top > t.getBoundingClientRect().bottom - 1]};""")
    assert look["flagged"] == [UNITS[0], UNITS[4], UNITS[8]]
    assert look["first"][0] != look["second"][0], "a flagged row has the background of the others"
    assert int(look["first"][1]) >= 600 and int(look["second"][1]) < 600
    assert int(look["total"][1]) >= 600
    assert look["note"] == ["空编率 = 空编数 ÷ 编制数；较上期为在编人数的变化。", True]


def test_the_top_shows_office_period_date_and_the_notices_before_any_figure(chromium, bulletin_page):
    show(chromium, bulletin_page, "phone")
    top = measure(chromium, """return {header: document.querySelector('header').innerText,
        notices: document.querySelector('.notices').innerText,
        order: [document.querySelector('.notices').getBoundingClientRect().bottom,
                document.querySelector('main').getBoundingClientRect().top]};""")
    assert [line for line in top["header"].split("\n") if line] == ["2026年第48周督查督办通报", OFFICE, "统计期间：2026年第48周（11月23日—11月29日）",
                                         "生成日期：2026-11-27"]
    assert "请注意" in top["notices"] and "工作簿“平安镇.xlsx”无法读取，未计入本报告。" in top["notices"]
    assert top["order"][0] <= top["order"][1]


def test_a_table_without_rows_shows_its_empty_text_and_its_chart_is_left_out(chromium, bulletin_page):
    show(chromium, bulletin_page, "desktop")
    empty = measure(chromium, """const h = [...document.querySelectorAll('h3')].find(h => h.innerText === '临期事项');
        return [h.nextElementSibling.tagName, h.nextElementSibling.innerText,
                [...document.querySelectorAll('h3')].map(h => h.innerText)];""")
    assert empty[:2] == ["P", "本周无临期事项"]
    assert "临期事项分布" not in empty[2]


# --- charts ---------------------------------------------------------------------------------------

def _overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 \
        and b["top"] < a["bottom"] - 1


@pytest.mark.parametrize("size", SIZES)
def test_charts_fit_the_window_and_their_labels_are_readable_and_apart(chromium, bulletin_page, size):
    show(chromium, bulletin_page, size)
    charts = measure(chromium, CHARTS)
    assert [(c["heading"], c["title"]) for c in charts] == [("各单位空编率", "各单位空编率"), ("逾期和临期趋势", "逾期和临期趋势")]
    width = chromium.execute_script("return window.innerWidth")
    for chart in charts:
        box = chart["box"]
        assert 0 <= box["left"] and box["right"] <= width and box["width"] > 300
        for t in chart["texts"]:
            assert box["left"] - 0.5 <= t["left"] and t["right"] <= box["right"] + 0.5, f"cut off: {t['text']}"
            assert box["top"] - 0.5 <= t["top"] and t["bottom"] <= box["bottom"] + 0.5, f"cut off: {t['text']}"
            assert t["height"] >= 10, f"too small to read: {t['text']} ({t['height']} px)"
        texts = chart["texts"]
        clashes = [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:] if _overlaps(a, b)]
        assert clashes == []


def test_the_bar_chart_names_every_unit_and_labels_every_bar(chromium, bulletin_page):
    show(chromium, bulletin_page, "phone")
    bars = measure(chromium, CHARTS)[0]
    names = bars["names"]
    assert all(unit in names for unit in UNITS), "a unit's name is cut"
    for label in ("20.0%", "34.5%", "—"):
        assert label in names
    assert len(bars["bars"]) == 12 and "党政综合办公室 空编率 34.5%" in [b["tip"] for b in bars["bars"]]
    # 12 categories with long names: bars run sideways, all as tall as each other
    assert len({round(b["height"]) for b in bars["bars"]}) == 1


def test_few_short_categories_get_upright_bars(chromium, tmp_path):
    report = district()
    path = tmp_path / "district.html"
    path.write_text(page(report), encoding="utf-8")
    show(chromium, path, "phone")
    chart = measure(chromium, CHARTS)[0]
    assert len(chart["bars"]) == 4
    assert len({round(b["width"]) for b in chart["bars"]}) == 1  # upright: as wide as each other
    assert len({round(b["bottom"]) for b in chart["bars"]}) == 1  # on one baseline
    assert {"凤凰镇", "平安镇", "青山镇", "7.5%"} <= set(chart["names"])
    assert_nothing_overflows(chromium)


def test_the_line_chart_shows_the_weeks_and_each_line_ends_with_its_figure(chromium, bulletin_page):
    show(chromium, bulletin_page, "phone")
    trend = measure(chromium, CHARTS)[1]
    assert len(trend["points"]) == 16 and "2026-W48 逾期 3" in trend["points"]
    assert {"逾期", "临期", "2026-W48", "2026-W46"} <= set(trend["names"])  # legend; the latest week named
    labels = {t["text"] for t in trend["texts"]}
    assert {"3", "4"} <= labels  # each line's last figure


# --- nothing from outside, nothing run ----------------------------------------------------------

def test_the_page_is_self_contained_and_has_no_script():
    report = bulletin()
    report.blocks.append(Section("链接", ["https://example.com/x.js", "//cdn.example.com/font.woff"]))
    doc = lxml.html.fromstring(page(report))
    assert doc.xpath("//script | //link | //img | //iframe | //object | //embed | //@*[starts-with(name(), 'on')]") == []
    urls = doc.xpath("//@src | //@href | //@xlink:href", namespaces={"xlink": "http://www.w3.org/1999/xlink"})
    assert [u for u in urls if re.match(r"(?i)\s*([a-z][a-z0-9+.-]*:|//)", u)] == []
    css = " ".join(doc.xpath("//style/text() | //@style"))
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert len(doc.xpath("//svg")) == 2


def test_cell_text_is_shown_as_text_and_never_run(chromium, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    evil = "<script>alert(1)</script>"
    image = '<img src=x onerror="alert(2)">'
    report = bulletin(title=evil, office="</style><script>alert(3)</script>")
    units = report.table("units")
    units.rows[0]["unit"] = evil
    units.rows[1]["unit"] = image
    units.columns[0] = Column("unit", image)
    report.notices.append(evil)
    report.blocks.insert(0, Section(evil, [image]))
    path = tmp_path / "evil.html"
    path.write_text(page(report), encoding="utf-8")
    show(chromium, path, "desktop")
    with pytest.raises(NoAlertPresentException):
        _ = chromium.switch_to.alert
    seen = measure(chromium, """return {scripts: document.querySelectorAll('script, img').length,
        cells: [...document.querySelectorAll('table')[0].querySelectorAll('tbody tr')].slice(0, 2).map(tr => tr.cells[0].innerText),
        header: document.querySelector('thead th').innerText, h1: document.querySelector('h1').innerText,
        svg: [...document.querySelector('svg').querySelectorAll('text')].map(t => t.textContent).join('|'),
        size: getComputedStyle(document.body).fontSize};""")
    assert seen["scripts"] == 0
    assert seen["cells"] == [evil, image] and seen["header"] == image and seen["h1"] == evil
    assert evil[:10] in seen["svg"]
    assert seen["size"] == "15px", "the office's name broke out of the style sheet"
    assert chromium.title == evil


# --- print ----------------------------------------------------------------------------------------

def test_prints_on_a4_with_the_office_and_period_on_every_page_and_rows_whole(chromium, bulletin_page):
    show(chromium, bulletin_page, "desktop")
    pdf = Pdf(base64.b64decode(chromium.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"]))
    pages = pdf.pages()
    assert len(pages) >= 3
    for p in pages:
        width, height = pdf.size(p)
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, (width, height)
    texts = ["".join(pdf.text(p).split()) for p in pages]
    head = "".join(tr("report.html.page_head", office=OFFICE, period=WEEK.label()).split())
    assert all(t.startswith(head) for t in texts), [t[:40] for t in texts]
    on = {}
    for row in overdue_table().rows:
        key_page = next(i for i, t in enumerate(texts) if row["key"] in t)
        assert row["due"] in texts[key_page] and row["content"] in texts[key_page], f"{row['key']} is cut"
        on[row["key"]] = key_page
    assert len(set(on.values())) >= 2, "the table fits one page: the test shows nothing"
    for i in set(on.values()):
        assert "编号事项内容责任单位" in texts[i]  # the header row on every page of the table


def test_the_print_style_sheet_shows_whole_tables_at_the_width_of_an_a4_page(chromium, bulletin_page):
    show(chromium, bulletin_page, (703, 900))  # 210 mm less 2 × 12 mm of margin, at 96 px an inch
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        seen = measure(chromium, """return {
            cut: [...document.querySelectorAll('.scroll')].filter(b => b.scrollWidth > b.clientWidth + 1).length,
            scroll: document.documentElement.scrollWidth,
            ink: [...document.querySelectorAll('th, .notices, tr.flag td')].map(e => getComputedStyle(e).backgroundColor)
                 .filter(c => c !== 'rgba(0, 0, 0, 0)').length};""")
    finally:
        chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert seen == {"cut": 0, "scroll": 703, "ink": 0}


# --- languages and mail ---------------------------------------------------------------------------

def test_english(chromium, tmp_path):
    with using("en"):
        units = Table("units", "Staff by unit", [Column("unit", "Unit"), Column("rate", "Vacancy rate", "rate"),
                                                 Column("delta", "Change", "delta")],
                      [dict(unit="Agriculture", rate=0.2, delta=-2), dict(unit="Finance", rate=None, delta=3)],
                      total=dict(unit="Total", rate=0.1, delta=1))
        report = Report("bulletin", "Supervision bulletin, week 48", "Phoenix Town Office", WEEK, TODAY,
                        [Section("Overview", ["14 items are overdue."]), units,
                         Table("soon", "Due soon", [Column("key", "Key")], [])],
                        data={}, notices=["The workbook of Ping'an could not be read."])
        html = page(report)
    path = tmp_path / "en.html"
    path.write_text(html, encoding="utf-8")
    show(chromium, path, "phone")
    text = measure(chromium, "return document.body.innerText")
    assert measure(chromium, "return document.documentElement.lang") == "en"
    for line in ("Period: week 48 of 2026 (11/23–11/29)", "Generated on 2026-11-27", "Please note", "No data",
                 "This page was generated by office-assistant"):
        assert line in text
    assert measure(chromium, TABLES)[0]["rows"] == [["Agriculture", "20.0%", "−2"], ["Finance", "—", "+3"],
                                                    ["Total", "10.0%", "+1"]]
    assert not re.search("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", text), "Chinese left on an English page"
    assert 'lang="zh-CN"' in page(bulletin())


def test_the_mail_body_after_css_inlining_still_fits_a_phone(chromium, tmp_path):
    """Mail clients drop <style>: the page must read the same from style attributes alone."""
    inlined = css_inline.CSSInliner(load_remote_stylesheets=False).inline(page(bulletin()))
    path = tmp_path / "mail.html"
    path.write_text(inlined, encoding="utf-8")
    show(chromium, path, "phone")
    seen = measure(chromium, """return {styles: document.querySelectorAll('style').length,
        boxes: [...document.querySelectorAll('.scroll')].map(b => getComputedStyle(b).overflowX),
        align: getComputedStyle(document.querySelector('td.num')).textAlign,
        tables: document.querySelectorAll('table').length, charts: document.querySelectorAll('svg').length};""")
    assert seen == {"styles": 0, "boxes": ["auto"] * 4, "align": "right", "tables": 4, "charts": 2}
    assert_nothing_overflows(chromium)


# --- publishing a district ------------------------------------------------------------------------

def test_the_district_page_links_each_township_page(chromium, tmp_path):
    report = district()
    written = publish(report, tmp_path / "pages")
    assert [p.name for p in written] == ["index.html", "凤凰镇.html", "平安镇.html", "新区开发区一期.html"]
    show(chromium, written[0], "phone")
    from selenium.webdriver.common.by import By

    table = chromium.find_element(By.CSS_SELECTOR, "table")
    assert [a.text for a in table.find_elements(By.TAG_NAME, "a")] == TOWNSHIPS  # 青山镇 has no page
    parts = [a.text for a in chromium.find_elements(By.CSS_SELECTOR, "ul.parts a")]
    assert parts == TOWNSHIPS
    table.find_element(By.LINK_TEXT, "新区/开发区:一期").click()
    assert chromium.title == "新区/开发区:一期2026年第48周督查督办通报"
    assert_nothing_overflows(chromium)
    chromium.find_element(By.CSS_SELECTOR, ".up a").click()
    assert chromium.title == "2026年第48周全区督查督办通报"
    chromium.find_element(By.CSS_SELECTOR, "ul.parts").find_element(By.LINK_TEXT, "平安镇").click()
    assert chromium.title == "平安镇2026年第48周督查督办通报"


@pytest.mark.parametrize(("parts", "names"), [
    (["凤凰镇", "a\\b/c:d*e?f\"g<h>i|j", "镇\x07\n", " .隐藏. "], ["凤凰镇.html", "abcdefghij.html", "镇.html", "隐藏.html"]),
    (["CON", "nul.txt", "Com1", "LPT9", "console"], ["_CON.html", "_nul.txt.html", "_Com1.html", "_LPT9.html", "console.html"]),
    (["镇/", "镇:", "镇", "INDEX", "index"], ["镇.html", "镇-2.html", "镇-3.html", "INDEX-2.html", "index-3.html"]),
    (["???", "..", "长" * 80], ["_.html", "_-2.html", "长" * 60 + ".html"]),
])
def test_page_names_are_safe_on_windows_and_linux_and_distinct(parts, names):
    assert list(page_names(parts).values()) == names


def test_publish_replaces_each_page_whole_and_keeps_the_index_when_a_page_fails(tmp_path):
    folder = tmp_path / "共享" / "周报"
    report = district()
    written = publish(report, folder)
    index = (folder / "index.html").read_bytes()
    report.title = "第二次"
    for part in report.parts.values():
        part.title = "第二次"
    (folder / "平安镇.html").unlink()
    (folder / "平安镇.html").mkdir()  # the second township's page cannot be replaced
    with pytest.raises(UsageError) as err:
        publish(report, folder)
    assert "平安镇.html" in err.value.message and err.value.hint
    assert (folder / "index.html").read_bytes() == index, "the index changed though a page it links failed"
    assert "第二次" in (folder / "凤凰镇.html").read_text(encoding="utf-8")  # the one before was replaced whole
    (folder / "平安镇.html").rmdir()
    assert publish(report, folder) == written
    assert "第二次" in (folder / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == sorted([MANIFEST, *(p.name for p in written)]), \
        "a temporary file was left"
    if sys.platform != "win32":  # leaders open the shared folder: the pages have the usual mode, not 0600
        mask = os.umask(0)
        os.umask(mask)
        assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o666 & ~mask}


def test_a_township_gone_from_the_district_loses_its_page_and_nothing_else_is_touched(tmp_path):
    folder = tmp_path / "pages"
    report = district()
    publish(report, folder)
    (folder / "说明.docx").write_bytes(b"a leader's own file")
    (folder / "old.html").write_text("a page someone else made", encoding="utf-8")
    del report.parts["平安镇"]
    written = publish(report, folder)
    assert [p.name for p in written] == ["index.html", "凤凰镇.html", "新区开发区一期.html"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [MANIFEST, "index.html", "凤凰镇.html", "新区开发区一期.html", "说明.docx", "old.html"])
    assert "平安镇.html" not in (folder / "index.html").read_text(encoding="utf-8")


def test_publish_into_a_file_is_a_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError) as err:
        publish(district(), blocker / "pages")
    assert err.value.exit_code == 2 and "not-a-folder" in err.value.message
