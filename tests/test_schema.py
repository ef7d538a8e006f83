"""Schema language: loading, linting (file, line, register, YAML path, did-you-mean), export."""

from __future__ import annotations

import json
import textwrap

import pytest

from assistant.resources import defaults
from tests.conftest import run_cli

GOOD = """\
register: tasks
title: 督查督办台账
key: 编号
fields:
  - name: 编号
    type: string
  - name: 完成时限
    type: date
  - name: 交办日期
    type: date
  - name: 进度
    type: percent
"""


def lint(tmp_path, text: str, name: str = "tasks.yaml", lang: str | None = None):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    args = ["schema", "lint", p] + (["--lang", lang] if lang else [])
    return run_cli(*args)


def test_default_schemas_lint_clean():
    files = sorted(defaults("sheets_schema").glob("*.yaml"))
    assert {f.stem for f in files} >= {"tasks", "roster"}
    res = run_cli("schema", "lint", *files)
    assert res.code == 0, res.err
    assert "tasks" in res.out and "roster" in res.out


def test_good_schema(tmp_path):
    assert lint(tmp_path, GOOD).code == 0


@pytest.mark.parametrize(
    "addition, path, line, words",
    [
        ("    tpye: date\n", "fields[3].tpye", 13, "是不是“type”"),
        ("    type: dtae\n", "fields[3].type", 13, "是不是“date”"),
        ("    pattern: '^\\d+'\n", "fields[3].pattern", 13, "percent"),
        ("    minimum: many\n", "fields[3].minimum", 13, "数字"),
        ("    severity: fatal\n", "fields[3].severity", 13, "error | warning"),
        ("    enum: 已办结\n", "fields[3].enum", 13, "列表"),
    ],
)
def test_field_option_problems(tmp_path, addition, path, line, words):
    res = lint(tmp_path, GOOD + addition)
    assert res.code == 2
    assert f"tasks.yaml:{line}" in res.err and "[tasks]" in res.err and path in res.err and words in res.err


def test_bad_pattern_regex(tmp_path):
    text = GOOD.replace("    type: string\n", "    type: string\n    pattern: '^(DB'\n", 1)
    res = lint(tmp_path, text)
    assert res.code == 2 and "fields[0].pattern" in res.err and "正则" in res.err


def test_top_level_problems_are_all_reported(tmp_path):
    text = GOOD.replace("register: tasks", "register: Tasks-1") + "colour: red\nkey2: x\n"
    res = lint(tmp_path, text)
    assert res.code == 2
    assert "register" in res.err and "小写" in res.err
    assert "colour" in res.err and "key2" in res.err
    assert "3 处问题" in res.err


def test_key_must_be_a_field(tmp_path):
    res = lint(tmp_path, GOOD.replace("key: 编号", "key: 编 号号"))
    assert res.code == 2 and "key" in res.err and "编 号号" in res.err


def test_duplicate_field_after_normalisation(tmp_path):
    res = lint(tmp_path, GOOD + "  - name: '完成 时限'\n")
    assert res.code == 2 and "fields[4].name" in res.err and "fields[1]" in res.err


def test_duplicate_yaml_key(tmp_path):
    res = lint(tmp_path, GOOD + "title: again\n")
    assert res.code == 2 and "title" in res.err and "两次" in res.err and "tasks.yaml:13" in res.err


def test_yaml_syntax_error_has_line(tmp_path):
    res = lint(tmp_path, GOOD + "  - name: [unclosed\n")
    assert res.code == 2 and "tasks.yaml:" in res.err and "YAML" in res.err
    assert "Traceback" not in res.err


def test_empty_file(tmp_path):
    res = lint(tmp_path, "")
    assert res.code == 2 and "空" in res.err


def test_deadline_and_outputs_checked(tmp_path):
    text = GOOD + textwrap.dedent("""\
        deadline:
          due: 编号
          owner: 责任人
          warn_within: -1
          remind: true
        outputs:
          status: 进度
          colour: 红
        """)
    res = lint(tmp_path, text)
    assert res.code == 2
    for words in ("deadline.due", "日期字段", "deadline.owner", "责任人", "deadline.warn_within",
                  "deadline.remind", "outputs.status", "录入列", "outputs.colour"):
        assert words in res.err, words


def test_deadline_needs_due(tmp_path):
    res = lint(tmp_path, GOOD + "deadline:\n  start: 交办日期\n")
    assert res.code == 2 and "deadline.due" in res.err


def test_references_resolve_across_files(tmp_path):
    tasks = GOOD + "  - name: 责任人\n    references: { register: rostr, field: 姓名 }\n"
    (tmp_path / "tasks.yaml").write_text(tasks, encoding="utf-8")
    (tmp_path / "roster.yaml").write_text("register: roster\nfields:\n  - { name: 姓名 }\n", encoding="utf-8")
    res = run_cli("schema", "lint", tmp_path / "tasks.yaml", tmp_path / "roster.yaml")
    assert res.code == 2 and "rostr" in res.err and "是不是“roster”" in res.err
    (tmp_path / "tasks.yaml").write_text(tasks.replace("rostr", "roster").replace("姓名 }", "名字 }"), encoding="utf-8")
    res = run_cli("schema", "lint", tmp_path / "tasks.yaml", tmp_path / "roster.yaml")
    assert res.code == 2 and "名字" in res.err and "roster" in res.err


def test_duplicate_register_id(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    res = run_cli("schema", "lint", tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert res.code == 2 and "b.yaml" in res.err and "a.yaml" in res.err


def test_lint_in_english(tmp_path):
    res = lint(tmp_path, GOOD + "    tpye: date\n", lang="en")
    assert res.code == 2 and "unknown key" in res.err and 'did you mean "type"' in res.err


def test_check_with_bad_schema_exits_2_and_lists_problems(office):
    office.schema("tasks", GOOD + "    tpye: date\n")
    office.workbook({"督查督办台账": [["编号"]]})
    office.write_config()
    res = office.check()
    assert res.code == 2 and "fields[3].tpye" in res.err and "Traceback" not in res.err


def test_lint_uses_office_schema_folder(office):
    office.schema("tasks", GOOD)
    office.workbook({"督查督办台账": [["编号"]]})
    office.write_config()
    res = run_cli("schema", "lint", "--config", office.config)
    assert res.code == 0 and "tasks" in res.out


def test_export_table_schema(office):
    office.schema("tasks", GOOD.replace("    type: string\n", "    type: string\n    pattern: '^DB-\\d+$'\n    enum: [DB-1]\n", 1))
    office.workbook({"督查督办台账": [["编号"]]})
    office.write_config()
    res = run_cli("schema", "export", "tasks", "--config", office.config)
    doc = json.loads(res.out)
    assert doc["primaryKey"] == ["编号"]
    first = doc["fields"][0]
    assert first["constraints"] == {"required": True, "unique": True, "enum": ["DB-1"], "pattern": "DB-\\d+"}
    assert [f["type"] for f in doc["fields"]] == ["string", "date", "date", "number"]
