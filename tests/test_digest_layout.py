"""The leaders' mail as it is read: the fixture office's digests and reminders, made by the real jobs
into the file outbox, their HTML part opened in headless Chromium as a mail client shows it (after
css-inline) at a phone's 375 and 420 px and a desktop's 1000 px; the columns every row of a section
shares said once above it; items whose deadline cannot be read listed with their cell, and sent to
their owner to correct.
"""

from __future__ import annotations

import datetime as dt
import email
import re
import unicodedata
from email import policy
from pathlib import Path

import lxml.html
import pytest

from tests.browser import show
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import OUTBOX_MAIL, TASKS, Task, make_office

LONG = ("关于推进凤凰村人居环境整治提升三年行动方案落实情况的督查反馈意见整改，请于月底前报送整改台账和佐证材料，"
        "详见 https://www.example.gov.cn/notice/2026/renjuhuanjing-zhengzhi-tisheng-sannian-xingdong-fangan.html")
# More rows than the fixture's: long units and content, four-character names, two items due soon
# for 李明 with different owners, and 王芳 with an item due soon besides her unreadable deadline.
EXTRA = [
    Task("DB-2026-013", "上级交办", LONG, "社会事务办公室（民政所）", "周婷", "张建国", dt.date(2026, 10, 8),
         dt.date(2026, 11, 16), 0.3, "推进中"),
    Task("DB-2026-014", "党委会议定", "村级活动场所提档升级", "村镇建设和生态环境保护中心", "欧阳建国", "李明",
         dt.date(2026, 11, 2), dt.date(2026, 11, 25), 0.5, "推进中"),
    Task("DB-2026-015", "领导批示", "乡村振兴示范点材料汇总", "党政办", "王芳", "张建国", dt.date(2026, 11, 2),
         dt.date(2026, 11, 24), 0.5, "推进中"),
]
LEADER = '\n[[recipients]]\nname = "李明"\nemail = "liming@example.gov.cn"\nscope = { "分管领导" = "李明" }\n'


def mails(folder: Path, besides: frozenset[Path] = frozenset()) -> list[email.message.EmailMessage]:
    """The mails in the outbox, but those in `besides` (the files seen before)."""
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((folder / "outbox").glob("*.eml")) if p not in besides]


def outbox(folder: Path) -> frozenset[Path]:
    return frozenset((folder / "outbox").glob("*.eml"))


def body(msg: email.message.EmailMessage, subtype: str) -> str:
    return msg.get_body(preferencelist=(subtype,)).get_content()


def to(msg: email.message.EmailMessage) -> str:
    return msg["To"].addresses[0].addr_spec


def build(root: Path) -> Path:
    """The fixture office with the extra rows, 张书记 (everything) and 李明 (his area) as recipients."""
    make_office(root, [*TASKS, *EXTRA])
    config = root / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8") + OUTBOX_MAIL + LEADER, encoding="utf-8")
    return config


def job(config: Path, name: str, today: str = TODAY) -> None:
    res = run_cli(name, "--config", config, "--today", today)
    assert res.code == 0, res.out + res.err


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each mail of one digest run and one reminder run: its HTML part as a page, by subject kind and
    reader ("digest 张书记", "remind 王芳")."""
    root = tmp_path_factory.mktemp("office") / "凤凰镇"
    config = build(root)
    job(config, "digest")
    job(config, "remind")
    pages = {}
    for msg in mails(root):
        kind = {"【督办周报】": "digest", "【督办提醒】": "remind", "【逾期督办】": "escalate"}[msg["Subject"][:6]]
        name = msg["To"].addresses[0].display_name
        page = root / f"{kind}-{name}.html"
        page.write_text(body(msg, "html"), encoding="utf-8")
        pages[f"{kind} {name}"] = page
    assert {"digest 张书记", "digest 李明", "remind 王芳", "escalate 张建国"} <= set(pages)
    return pages


# --- in the browser --------------------------------------------------------------------------------

MEASURE = """
const W = window.innerWidth, out = {wide: [], cells: [], broken: []};
const box = r => [Math.round(r.left), Math.round(r.right)];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.left < -0.5 || r.right > W + 0.5)) out.wide.push(el.tagName + ' ' + el.textContent.trim().slice(0, 30));
}
for (const cell of document.querySelectorAll('td, th')) {
  const r = cell.getBoundingClientRect();
  if (r.width === 0 || cell.querySelector('table')) continue;  // hidden; or a bar's cell, its own table
  const range = document.createRange();
  range.selectNodeContents(cell);
  const c = range.getBoundingClientRect();
  if (c.width > 0 && (c.left < r.left - 0.5 || c.right > r.right + 0.5))
    out.cells.push(cell.textContent.trim().slice(0, 30) + ' ' + box(c) + ' in ' + box(r));
}
// a name, key, date or cell (an element whose whole text is one of them): on one line, its line
// boxes all at one height; a tile: its number above its label, two lines
const lines = el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top))).size;
};
const names = new Set(arguments[0]);
out.names = 0;
for (const el of document.querySelectorAll('td, span')) {
  const text = el.textContent.trim();
  if (!names.has(text) || el.getBoundingClientRect().width === 0) continue;
  out.names++;
  if (lines(el) !== 1) out.broken.push(text + ' on ' + lines(el) + ' lines');
}
for (const td of document.querySelectorAll('table.counts td'))
  if (lines(td) !== 2) out.broken.push(td.textContent.trim() + ' on ' + lines(td) + ' lines');
out.scroll = document.documentElement.scrollWidth;
out.heads = [...document.querySelectorAll('tr.head')].map(tr => getComputedStyle(tr).display);
out.cards = [...document.querySelectorAll('tr.card')].map(tr => getComputedStyle(tr).display);
return out;
"""
ROWS_SHOWN = [*TASKS, *EXTRA]
NAMES = sorted({unicodedata.normalize("NFKC", v) for t in ROWS_SHOWN for v in (t.key, t.unit, t.owner, t.leader)}
               | {t.due.isoformat() for t in ROWS_SHOWN if isinstance(t.due, dt.date)}
               | {"H8", "H11", "凤凰镇", "督查督办台账", "人员名册", "分管领导：李明", "分管领导：张建国", "责任人：王芳"})
PHONES, DESKTOP = [375, 420], 1000


@pytest.mark.parametrize("width", [*PHONES, DESKTOP])
@pytest.mark.parametrize("mail", ["digest 张书记", "digest 李明", "remind 王芳", "escalate 张建国"])
def test_nothing_is_wider_than_the_screen_and_no_name_is_broken(chromium, sent, mail, width):
    show(chromium, sent[mail], (width, 900))
    m = chromium.execute_script(MEASURE, NAMES)
    assert m["scroll"] <= width, "the page scrolls sideways"
    assert m["wide"] == [], "wider than the window"
    assert m["cells"] == [], "content wider than its cell"
    assert m["names"] >= 8, "the names and keys were not found: the test would show nothing"
    assert m["broken"] == [], "a name or key wraps inside itself"
    # a phone reads cards (no header row), a desktop the tables as before
    assert m["heads"] and set(m["heads"]) == ({"none"} if width in PHONES else {"table-row"})
    assert set(m["cards"]) == ({"flex"} if width in PHONES else {"table-row"})


ROWS = """
return [...document.querySelectorAll('tr.card')].filter(tr => tr.querySelector('.c-key')).map(tr => {
  const top = sel => { const el = tr.querySelector(sel); return el ? Math.round(el.getBoundingClientRect().top) : null; };
  return {key: tr.querySelector('.c-key').innerText, keyTop: top('.c-key'), daysTop: top('.c-days, .c-cell'),
          contentTop: top('.c-content'), height: tr.getBoundingClientRect().height,
          // each cell as read: its label (the ::before the phone rules add) and its text
          cells: [...tr.cells].map(td => [getComputedStyle(td, '::before').content.replace(/^"|"$/g, ''), td.innerText])};
});
"""
TILES = """
return [...document.querySelectorAll('table.counts td')].map(td => {
  const r = td.getBoundingClientRect(); return {top: Math.round(r.top), right: r.right, text: td.innerText}; });
"""


@pytest.mark.parametrize("width", PHONES)
def test_on_a_phone_each_item_is_a_compact_card_and_the_tiles_wrap(chromium, sent, width):
    show(chromium, sent["digest 张书记"], (width, 900))
    cards = chromium.execute_script(ROWS)
    assert {c["key"] for c in cards} >= {"DB-2026-001", "DB-2026-013", "DB-2026-006", "DB-2026-009"}
    for c in cards:
        assert c["keyTop"] == c["daysTop"], f"{c['key']}: its days (or cell) beside the key"
        assert c["contentTop"] > c["keyTop"], f"{c['key']}: its content below the key"
    card = next(c for c in cards if c["key"] == "DB-2026-013")  # every column but the shared leader, labelled
    assert card["cells"][0] == ["none", "DB-2026-013"] and card["cells"][1][1].startswith("关于推进凤凰村")
    assert card["cells"][2:] == [["责任单位", "社会事务办公室(民政所)"], ["责任人", "周婷"], ["完成时限", "2026-11-16"],
                                 ["逾期工作日", "4"]]
    short = next(c for c in cards if c["key"] == "DB-2026-006")
    assert short["height"] < 140, "a card of a short item is a few lines"
    tiles = chromium.execute_script(TILES)
    assert len(tiles) == 7 and len({t["top"] for t in tiles}) == 2, "seven tiles in two rows"
    assert all(t["right"] <= width for t in tiles)


# --- what the mail says ----------------------------------------------------------------------------

def section(html: str, heading: str) -> tuple[list[str], list[str], list[list[str]]]:
    """(lines said above the table, its header, its rows) of the section whose <h2> starts with `heading`."""
    doc = lxml.html.fromstring(html)
    h2 = next(h for h in doc.iter("h2") if h.text_content().startswith(heading))
    said: list[str] = []
    for el in h2.itersiblings():
        if el.tag == "table":
            rows = [[c.text_content().strip() for c in tr.iter("td", "th")] for tr in el.iter("tr")]
            return said, rows[0], rows[1:]
        said += [s.text_content() for s in el.iter("span")]
    raise AssertionError(f"no table after {heading}")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return build(tmp_path / "凤凰镇")


def test_a_column_every_row_shares_is_said_once_above_the_section(config):
    job(config, "digest")
    by_to = {to(m): m for m in mails(config.parent)}
    li, everyone = body(by_to["liming@example.gov.cn"], "html"), body(by_to["zhang@example.gov.cn"], "html")
    # 李明's due-soon items: his name is not repeated on every row; the owners and units differ, so stay
    said, header, rows = section(li, "临期事项")
    assert said == ["分管领导：李明"]
    assert header == ["编号", "事项", "责任单位", "责任人", "完成时限", "剩余工作日"]
    assert [r[:4] for r in rows] == [["DB-2026-002", "石桥村道路破损修复", "规划建设办", "吴刚"],
                                     ["DB-2026-014", "村级活动场所提档升级", "村镇建设和生态环境保护中心", "欧阳建国"]]
    assert li.count("李明") == 1 + 3  # the greeting; once above each of his sections (due soon, behind, to verify)
    # everyone's overdue items: one leader, different owners and units
    said, header, rows = section(everyone, "逾期事项")
    assert said == ["分管领导：张建国"]
    assert header == ["编号", "事项", "责任单位", "责任人", "完成时限", "逾期工作日"]
    assert [r[0] for r in rows] == ["DB-2026-001", "DB-2026-013"]
    # different leaders: every column stays
    said, header, _ = section(everyone, "待核实事项")
    assert said == [] and "分管领导" in header
    # the plain-text part says it once too
    text = body(by_to["liming@example.gov.cn"], "plain")
    soon = text.split("临期事项")[1].split("进度滞后")[0]
    assert soon.splitlines()[1] == "分管领导：李明"
    assert "DB-2026-014 村级活动场所提档升级（责任单位：村镇建设和生态环境保护中心，责任人：欧阳建国），" in soon
    assert "分管领导：" not in soon.split("\n", 2)[2]


def test_items_whose_deadline_cannot_be_read_are_listed_with_their_cell(config):
    job(config, "digest")
    by_to = {to(m): m for m in mails(config.parent)}
    said, header, rows = section(body(by_to["zhang@example.gov.cn"], "html"), "待核实事项")
    assert header == ["编号", "事项", "责任单位", "责任人", "分管领导", "单元格", "问题"]
    assert rows == [["DB-2026-006", "人口普查数据复核", "党政办", "王芳", "张建国", "H8", "完成时限“2026.13.45”不是有效日期"],
                    ["DB-2026-009", "防汛应急预案修订", "应急办", "郑强", "李明", "H11", "完成时限“=SUM(A1)”不是有效日期"]]
    said, header, rows = section(body(by_to["liming@example.gov.cn"], "html"), "待核实事项（1 项")
    assert rows == [["DB-2026-009", "防汛应急预案修订", "H11", "完成时限“=SUM(A1)”不是有效日期"]]
    assert said == ["责任单位：应急办", "责任人：郑强", "分管领导：李明"]
    text = body(by_to["zhang@example.gov.cn"], "plain")
    assert "- DB-2026-006 人口普查数据复核（责任单位：党政办，责任人：王芳，分管领导：张建国）：H8 完成时限“2026.13.45”不是有效日期" in text


def test_an_unreadable_deadline_in_english(config):
    text = config.read_text(encoding="utf-8").replace('email = "liming@example.gov.cn"',
                                                      'email = "liming@example.gov.cn"\nlang = "en"')
    config.write_text(text, encoding="utf-8")
    job(config, "digest")
    li = next(m for m in mails(config.parent) if to(m) == "liming@example.gov.cn")
    said, header, rows = section(body(li, "html"), "To verify")
    # what is wrong in the reader's language, though the run (and its findings) spoke Chinese
    assert header == ["Key", "Item", "Cell", "Problem"]
    assert rows == [["DB-2026-009", "防汛应急预案修订", "H11", '完成时限 "=SUM(A1)" is not a valid date']]
    assert said == ["Unit: 应急办", "Owner: 郑强", "Leader: 李明"]
    assert 'DB-2026-009 防汛应急预案修订: H11 完成时限 "=SUM(A1)" is not a valid date' in body(li, "plain")


def test_an_empty_deadline_nothing_requires_is_named_too(config):
    schema = config.parent / "sheets_schema" / "tasks.yaml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("    description: 要求办结的日期\n    required: true\n",
                                   "    description: 要求办结的日期\n"), encoding="utf-8")
    from openpyxl import load_workbook

    path = next((config.parent / "data").glob("*.xlsx"))
    wb = load_workbook(path)
    wb["督查督办台账"]["H4"] = None  # DB-2026-002's deadline
    wb.save(path)
    job(config, "digest")
    everyone = next(m for m in mails(config.parent) if to(m) == "zhang@example.gov.cn")
    _, _, rows = section(body(everyone, "html"), "待核实事项")
    assert ["DB-2026-002", "石桥村道路破损修复", "规划建设办", "吴刚", "李明", "H4", "完成时限未填写或不是日期"] in rows


def test_the_owner_is_asked_to_correct_the_cell_once_a_day_in_one_mail(config):
    job(config, "remind")
    first = mails(config.parent)
    wang = [m for m in first if to(m) == "user3@example.gov.cn"]
    assert len(wang) == 1, "王芳: one mail for her item due soon and her unreadable deadline"
    html, text = body(wang[0], "html"), body(wang[0], "plain")
    assert "DB-2026-015" in text and re.search(r"您负责的以下 \d+ 项事项临近或已超过完成时限", text)
    assert "您负责的以下 1 项事项的完成时限无法识别，请在台账中改正所列单元格" in text
    assert "- DB-2026-006 人口普查数据复核：H8 完成时限“2026.13.45”不是有效日期" in text
    doc = lxml.html.fromstring(html)
    fix = doc.xpath("//table[.//td[contains(@class, 'c-cell')]]")[0]
    assert [c.text_content() for c in fix.xpath(".//tr[@class='card']/td")] == \
        ["DB-2026-006", "人口普查数据复核", "H8", "完成时限“2026.13.45”不是有效日期"]
    zheng = [m for m in first if to(m) == "user6@example.gov.cn"]
    assert len(zheng) == 1 and "H11 完成时限“=SUM(A1)”不是有效日期" in body(zheng[0], "plain")
    # the leaders are not told (nothing is escalated that has no deadline)
    assert all("DB-2026-006" not in body(m, "plain") for m in first if m["Subject"].startswith("【逾期督办】"))
    seen = outbox(config.parent)
    job(config, "remind")  # the same day: not again
    assert outbox(config.parent) == seen
    job(config, "remind", "2026-11-23")  # the next working day: asked again
    again = [m for m in mails(config.parent, seen) if to(m) == "user3@example.gov.cn"]
    assert len(again) == 1 and "H8" in body(again[0], "plain")


def test_the_phone_rules_survive_inlining(config):
    """css-inline copies the rules into style attributes; the @media rules stay in a <style> element
    and win over them with !important. No script: mail clients ignore it."""
    job(config, "digest")
    html = body(mails(config.parent)[0], "html")
    doc = lxml.html.fromstring(html)
    (style,) = doc.iter("style")
    assert style.text.strip().startswith("@media screen and (max-width: 640px)")
    assert "display: none !important" in style.text and "tr.card" in style.text
    assert doc.xpath("//td[contains(@class, 'c-key')]/@style")  # the rest is inlined
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert not list(doc.iter("script"))

