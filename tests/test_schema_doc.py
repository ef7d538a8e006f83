"""`assistant schema doc`: the staff's page of a register, in Markdown and HTML, and its example row
that the register's own check accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.config import load_config
from assistant.schema.loader import load_registers
from tests.browser import show
from tests.conftest import TODAY, run_cli

DEFAULTS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "sheets_schema").glob("*.yaml"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder made by `assistant init`: the default schemas, as an office has them."""
    root = tmp_path_factory.mktemp("doc") / "凤凰镇"
    assert run_cli("init", root, "--today", TODAY).code == 0
    return root


def doc(folder: Path, *args: str):
    return run_cli("schema", "doc", *args, "--config", folder / "assistant.toml", "--today", TODAY)


def table_rows(md: str, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table under `## heading` (header row first, separator dropped)."""
    part = md.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in part.splitlines() if line.startswith("| ")]
    rows = [[c.strip().replace("\\|", "|") for c in line[2:-2].split(" | ")] for line in lines]
    return [r for r in rows if set(r) != {"---"}]


# --- Markdown ------------------------------------------------------------------------------------

def test_every_column_is_explained_with_required_marks_types_and_allowed_values(folder):
    res = doc(folder, "tasks")
    assert res.code == 0, res.err
    assert res.out.startswith("# 督查督办台账（tasks）\n\n上级交办、会议议定、领导批示事项的督办台账")
    rows = {r[0]: r for r in table_rows(res.out, "各列怎么填")}
    assert rows["列"] == ["列", "含义", "必填", "填写格式", "可选值", "要求", "相关规则"]
    for name in ("编号", "事项来源", "事项内容", "责任单位", "责任人", "分管领导", "交办日期", "完成时限", "进度(%)",
                 "办理状态", "办结日期", "备注"):
        assert name in rows, name
    assert rows["编号"][2] == "必填" and rows["备注"][2] == "" and rows["办结日期"][2] == ""
    assert rows["办理状态"][4] == "未启动、推进中、已办结"
    assert rows["交办日期"][3] == "日期，如 2026-11-05"
    assert rows["进度(%)"][3].startswith("百分比，如 35%") and rows["进度(%)"][5] == "在 0 到 100 之间"
    # a pattern is shown as the description's example, never as the regex
    assert "格式照 DB-2026-001 填写" in rows["编号"][5] and "不能与其他行重复" in rows["编号"][5]
    assert "\\d" not in res.out and "^DB" not in res.out
    assert "须是人员名册中的“姓名”" in rows["责任人"][5]
    assert "最多 500 个字" in rows["事项内容"][5]
    # the rules that involve a column are listed on its row
    assert "完成时限应不早于交办日期" in rows["交办日期"][6] and "完成时限应不早于交办日期" in rows["完成时限"][6]
    assert "办理状态为已办结时，必须填写办结日期" in rows["办结日期"][6]
    assert "完成时限" not in rows["备注"][6]
    # the assistant's columns
    assert rows["预警状态"][1].startswith("由助手填写") and rows["校验提示"][1].startswith("由助手填写")


def test_rules_deadline_and_assistant_columns_are_sentences(folder):
    out = doc(folder, "tasks").out
    assert "1. 完成时限应不早于交办日期\n" in out
    assert "3. 办结日期应不晚于今天\n" in out
    assert "编号按顺序连续编号，不跳号、不重号（只提醒，不算错误）" in out
    assert "- “完成时限”是这一行的办理期限" in out
    assert "- 办理状态为已办结即为办完，同时填写办结日期" in out
    assert "- 剩余 3 个工作日以内（含当天）标为临期" in out
    assert "- 逾期超过 2 个工作日的，同时告知“分管领导”中的领导" in out
    assert "## 由助手填写的列" in out and "- 剩余工作日：" in out


@pytest.mark.parametrize(("register", "sentences"), [
    ("roster", ["用工性质为临聘/借调时，编制类型填“无”；其他情况不能填“无”", "姓名、单位的组合不能与其他行重复",
                "状态要与人员变动中同一姓名最近一条记录（按日期）的变动类型一致"]),
    ("duty", ["表中出现的每个月，从 1 日到月底每天都要有一行（日期）", "须是人员名册中状态为在岗的“姓名”"]),
    ("vehicles", ["同一车牌号的两条记录，出车时间到返回时间的时间段不能重叠", "按出车时间排列，起始里程不能小于上一条记录的结束里程（每个车牌号分别计算）",
                  "返回时间应晚于出车时间", "格式照 苏A12345 填写"]),
    ("reports", ["每个报送单位每月至少 2 条（按报送日期统计，本月结束后才计算）"]),
    ("quotas", ["人员名册中每个“单位”在本表都要有一行（单位）"]),
    ("seals", ["序号按顺序连续编号，不跳号、不重号，从 1 开始", "审批人应不等于申请人"]),
    ("documents", ["办理时限不填时，按收文日期加若干个工作日推算，天数按紧急程度：特急 1、加急 3、平件 10"]),
    ("petitions", ["办理时限不填时，按登记日期后 60 天推算"]),
    ("meetings", ["同一个人不能同时写在参会人员、缺席人员中"]),
    ("changes", ["变动类型为抽调时，必须填写审批文号", "（仅当变动类型为调出/抽调时核对）"]),
    ("backups", ["B角应不等于A角", "A角、B角中应有人是人员名册中状态为在岗的“姓名”"]),
])
def test_each_rule_kind_reads_as_a_sentence(folder, register, sentences):
    out = doc(folder, register).out
    assert [s for s in sentences if s not in out] == []


def test_every_rule_kind_has_its_own_sentence():
    from assistant.checks import RULES
    from assistant.schema.describe import _FIELD_OPTIONS, _SENTENCES

    assert set(RULES) == set(_SENTENCES) == set(_FIELD_OPTIONS)


VARIANTS = """
register: trips
title: 出车登记
fields:
  - { name: 日期, type: date, required: true, aliases: [出车日期] }
  - { name: 车牌号, required: true, pattern: '^苏[A-Z]\\d{5}$' }
  - { name: 序号, type: integer, required: true }
  - { name: 里程, type: number, required: true, minimum: 0, maximum: 500000 }
  - { name: 单位, required: true, enum: [东村, 西村] }
  - { name: 电话, type: phone, mask: true }
  - { name: 身份证, type: id_card }
  - { name: 邮箱, type: email, min_length: 6, max_length: 60 }
  - { name: 公务, type: boolean }
  - { name: 说明, min_length: 8 }
rules:
  - { kind: coverage, field: 日期, from: 2026-10-01, to: 2026-10-31 }
  - { kind: monotonic, field: 里程, order_by: 日期, group_by: [车牌号], strict: true }
  - { kind: sequence, field: 序号, group_by: [单位], start: 1 }
  - { kind: quota, group_by: 单位, date: 日期, period: week, min: 1, units: [东村, 西村] }
  - { kind: exactly_when, field: 公务, value: 是, when: { 单位: 东村 } }
"""


def test_rule_variants_and_field_options_read_as_sentences_and_the_example_passes(office, tmp_path):
    office.schema("trips", VARIANTS)
    office.workbook({"出车登记": [["日期"]]})
    office.write_config()
    res = run_cli("schema", "doc", "trips", "--config", office.config, "--today", TODAY)
    assert res.code == 0, res.err
    for sentence in ("从2026-10-01到2026-10-31，每天都要有一行（日期）", "按日期排列，里程逐条增加（每个车牌号分别计算）",
                     "序号按顺序连续编号，不跳号、不重号（按单位分别编号），从 1 开始",
                     "每个单位每周至少 1 条（按日期统计，本周结束后才计算）；应有的单位：东村、西村",
                     "单位为东村时，公务填“是”；其他情况不能填“是”", "列标题也可写作：出车日期", "在 0 到 500000 之间",
                     "只显示前 3 位和后 4 位", "6 到 60 个字", "至少 8 个字", "格式照 苏A11111 填写"):
        assert sentence in res.out, sentence
    header, row = table_rows(res.out, "示例行")
    example = dict(zip(header, row))
    assert example["公务"] == "是" and example["单位"] == "东村" and example["序号"] == "1" and len(example["说明"]) >= 8
    write_row(office.root / "data" / "镇.xlsx", "出车登记", 1, header, row)
    findings = office.findings()
    assert [f for f in findings if f["row"] is not None] == [], findings
    assert {f["code"] for f in findings} <= {"coverage_gap", "quota_shortfall"}


def test_without_a_register_every_register_of_the_office_is_on_the_page(folder):
    res = doc(folder)
    assert res.code == 0
    registers = load_registers(load_config(folder / "assistant.toml").schemas_dir)
    assert sorted(registers) == DEFAULTS
    assert [r.title for r in registers.values() if f"# {r.title}（{r.id}）\n" not in res.out] == []


def test_english(folder):
    res = doc(folder, "tasks", "--lang", "en")
    assert res.code == 0
    assert res.out.startswith("# 督查督办台账 (tasks)")
    assert "## What goes in each column" in res.out and "## An example row" in res.out
    rows = {r[0]: r for r in table_rows(res.out, "What goes in each column")}
    assert rows["编号"][2] == "required" and rows["交办日期"][3] == "a date, such as 2026-11-05"
    assert "完成时限 must be on or after 交办日期" in res.out
    assert "必填" not in res.out.replace("必须填写", "")


# --- the example row passes the register's own check ---------------------------------------------

def write_row(path: Path, sheet: str, header_row: int, header: list[str], row: list[str]) -> None:
    """The example row as a person types it: text in each cell, under the header where the schema
    expects it (a title above when the header is lower)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if header_row > 1:
        ws.cell(row=1, column=1, value=f"{sheet}（示例）")
    for c, (name, value) in enumerate(zip(header, row), start=1):
        ws.cell(row=header_row, column=c, value=name)
        if value:
            ws.cell(row=header_row + 1, column=c, value=value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


# a rule over many rows that one row cannot satisfy: every day of the month needs a row
SHEET_WIDE = {"duty": {"coverage_gap"}}


@pytest.mark.parametrize("register", DEFAULTS)
def test_the_example_row_passes_the_check(folder, tmp_path, register):
    res = doc(folder, register)
    header, row = table_rows(res.out, "示例行")
    reg = load_registers(load_config(folder / "assistant.toml").schemas_dir)[register]
    assert header == reg.field_names  # one value per column the staff fill, the assistant's left out
    assert len([v for v in row if v]) >= len([f for f in reg.fields if f.required])
    write_row(tmp_path / "data" / "例.xlsx", reg.sheet, reg.header_row or 1, header, row)
    schemas = (folder / "sheets_schema").as_posix()
    (tmp_path / "assistant.toml").write_text(f'[office]\nname = "测试镇"\nschemas = "{schemas}"\n\n'
                                             '[[workbooks]]\nname = "例"\nsource = "data/例.xlsx"\n', encoding="utf-8")
    res = run_cli("check", "--config", tmp_path / "assistant.toml", "--today", TODAY, "--register", register,
                  "--format", "json")
    findings = res.json()["findings"]
    assert [f for f in findings if f["row"] is not None] == [], findings
    assert {f["code"] for f in findings} <= SHEET_WIDE.get(register, set()), findings


def test_the_example_row_follows_rules_between_columns(folder):
    def example(register: str) -> dict[str, str]:
        header, row = table_rows(doc(folder, register).out, "示例行")
        return dict(zip(header, row))

    tasks = example("tasks")
    assert tasks["编号"] == "DB-2026-001" and tasks["办理状态"] == "未启动" and tasks["办结日期"] == ""  # not done: empty
    assert tasks["交办日期"] < TODAY < tasks["完成时限"]  # assigned before, due ahead
    assert tasks["责任人"] != tasks["分管领导"]
    vehicles = example("vehicles")
    assert vehicles["出车时间"] < vehicles["返回时间"] and float(vehicles["起始里程"]) <= float(vehicles["结束里程"])
    assert example("seals")["序号"] == "1"
    backups = example("backups")
    assert backups["A角"] != backups["B角"]
    roster = example("roster")
    assert (roster["编制类型"], roster["用工性质"]) == ("党政", "在编")


# --- errors and files ----------------------------------------------------------------------------

def test_an_unknown_register_is_exit_2_with_did_you_mean(folder):
    res = doc(folder, "taks")
    assert res.code == 2 and res.out == ""
    assert "“taks”" in res.err and "（是不是“tasks”？）" in res.err and "Traceback" not in res.err
    res = doc(folder, "taks", "--lang", "en")
    assert res.code == 2 and '(did you mean "tasks"?)' in res.err


def test_output_is_written_once_and_overwritten_only_with_force(folder, tmp_path):
    target = tmp_path / "说明" / "tasks.md"
    res = doc(folder, "tasks", "-o", target)
    assert res.code == 0 and res.out == "" and str(target) in res.err
    assert target.read_text(encoding="utf-8").startswith("# 督查督办台账（tasks）")
    target.write_text("edited by hand", encoding="utf-8")
    res = doc(folder, "roster", "-o", target)
    assert res.code == 2 and "已存在" in res.err and "--force" in res.err
    assert target.read_text(encoding="utf-8") == "edited by hand"
    res = doc(folder, "roster", "-o", target, "--force")
    assert res.code == 0 and target.read_text(encoding="utf-8").startswith("# 人员名册（roster）")
    assert [p.name for p in target.parent.iterdir()] == ["tasks.md"]  # no temporary file left


def test_the_html_page_is_self_contained_and_speaks_english_with_lang_en(folder):
    import lxml.html

    res = doc(folder, "tasks", "--format", "html", "--lang", "en")
    assert res.code == 0
    page = lxml.html.fromstring(res.out)
    assert page.get("lang") == "en"
    assert page.xpath("//script | //link | //img | //iframe | //@src | //@*[starts-with(name(), 'on')]") == []
    assert [h.text_content() for h in page.xpath("//h2")][:2] == ["What goes in each column", "Rules between columns"]
    assert "@import" not in res.out and "url(" not in res.out


# --- HTML in a real browser ----------------------------------------------------------------------

def columns_table(browser) -> dict[str, list[str]]:
    return browser.execute_script("""const out = {};
        for (const tr of document.querySelectorAll('table.columns tbody tr'))
            out[tr.cells[0].innerText] = [...tr.cells].map(td => td.innerText.trim());
        return out;""")


def test_the_html_page_shows_each_column_in_its_table(chromium, folder, tmp_path):
    page = tmp_path / "tasks.html"
    assert doc(folder, "tasks", "--format", "html", "-o", page).code == 0
    show(chromium, page, "desktop")
    rows = columns_table(chromium)
    assert rows["办理状态"][:5] == ["办理状态", "未启动、推进中或已办结", "必填", "从可选值中选一个", "未启动、推进中、已办结"]
    assert "完成时限应不早于交办日期" in rows["交办日期"][6]
    assert rows["预警状态"][1].startswith("由助手填写")
    example = chromium.execute_script("return [...document.querySelectorAll('table.example td')].map(td => td.innerText)")
    assert example[0] == "DB-2026-001"
    assert chromium.title == "督查督办台账"
    show(chromium, page, "phone")  # a phone scrolls the wide tables in their own box, not the page
    assert chromium.execute_script("return document.documentElement.scrollWidth") <= 375


def test_the_html_page_of_every_register_links_each_from_its_contents(chromium, folder, tmp_path):
    page = tmp_path / "all.html"
    assert doc(folder, "--format", "html", "-o", page).code == 0
    show(chromium, page, "phone")
    seen = chromium.execute_script("""return {
        links: [...document.querySelectorAll('nav.contents a')].map(a => a.getAttribute('href')),
        sections: [...document.querySelectorAll('section.register')].map(s => s.id),
        width: document.documentElement.scrollWidth,
        narrowest: Math.min(...[...document.querySelectorAll('table.columns td:nth-child(2)')].map(td => td.getBoundingClientRect().width))};""")
    assert seen["sections"] == DEFAULTS and seen["links"] == [f"#{r}" for r in DEFAULTS]
    assert seen["width"] <= 375  # the page never scrolls sideways on a phone …
    assert seen["narrowest"] >= 120  # … and a column's meaning is not squeezed to a character a line


EVIL = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'


def test_text_from_the_schema_is_shown_as_text_and_never_run(chromium, office, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    office.schema("evil", f"""
        register: evil
        title: '{EVIL}'
        sheet: 台账
        description: '{IMAGE}'
        fields:
          - name: 编号
            description: '{EVIL}'
            required: true
            enum: ['{IMAGE}', 'B']
          - name: '</td></tr><script>alert(3)</script>'
        """)
    office.workbook({"台账": [["编号"], ["B"]]})
    office.write_config()
    page = tmp_path / "evil.html"
    res = run_cli("schema", "doc", "evil", "--format", "html", "-o", page, "--config", office.config)
    assert res.code == 0, res.err
    show(chromium, page, "desktop")
    with pytest.raises(NoAlertPresentException):
        _ = chromium.switch_to.alert
    assert chromium.execute_script("return document.querySelectorAll('script, img').length") == 0
    rows = columns_table(chromium)
    assert rows["编号"][1] == EVIL and rows["编号"][4] == f"{IMAGE}、B"
    assert "</td></tr><script>alert(3)</script>" in rows
    assert chromium.execute_script("return document.querySelector('h1').innerText") == f"{EVIL}（evil）"
    assert chromium.execute_script("return document.querySelector('p.description').innerText") == IMAGE
    assert chromium.title == EVIL
