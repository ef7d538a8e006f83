"""assistant.toml: every mistake names the file and the key, and exits 2."""

from __future__ import annotations

import pytest

from tests.conftest import MINIMAL_SCHEMA, run_cli


@pytest.fixture
def folder(minimal_office):
    return minimal_office


def test_valid_minimal_config_checks(folder):
    folder.write_config()
    res = folder.check()
    assert res.code == 0, res.err
    assert "没有发现问题" in res.out


@pytest.mark.parametrize(
    "extra, key, expected",
    [
        ("[mail]\ntransprt = \"smtp\"\n", "mail.transprt", "是不是“transport”"),
        ("[mail]\ntransport = \"pigeon\"\n", "mail.transport", "file | smtp"),
        ("[mail]\nport = \"465\"\n", "mail.port", "整数"),
        ("[mail]\npassword = \"hunter2\"\n", "mail.password", "env"),
        ("[[recipients]]\nname = \"张书记\"\nemail = \"zhang\"\n", "recipients[0].email", "邮箱"),
        ("[[recipients]]\nname = \"张书记\"\nemail = \"z@example.gov.cn\"\nscope = \"some\"\n", "recipients[0].scope", "all"),
        ("[jobs.digest]\ncron = \"30 8 * * 1\"\nworkdays = true\n", "jobs.digest.workdays", "workdays_only"),
        ("[jobs.digest]\nworkdays_only = \"yes\"\n", "jobs.digest.workdays_only", "true 或 false"),
        ("[calendar]\nholidays = { \"2027-01-01\" = 1 }\n", "calendar.holidays", "YYYY-MM-DD"),
    ],
)
def test_bad_keys_and_types_name_file_and_key(folder, extra, key, expected):
    folder.write_config(extra)
    res = folder.check()
    assert res.code == 2
    assert "assistant.toml" in res.err and key in res.err and expected in res.err
    assert "Traceback" not in res.err + res.out
    assert "hunter2" not in res.err + res.out


def test_office_section_checked(folder):
    folder.config.parent.mkdir(parents=True, exist_ok=True)
    folder.config.write_text('[office]\nname = "镇"\ntimezone = "Mars/Base"\n[[workbooks]]\nname="a"\nsource="data/镇.xlsx"\n',
                             encoding="utf-8")
    res = folder.check()
    assert res.code == 2 and "office.timezone" in res.err and "Asia/Shanghai" in res.err


def test_toml_syntax_error(folder):
    folder.config.write_text('[office\nname = "x"', encoding="utf-8")
    res = folder.check()
    assert res.code == 2 and "assistant.toml" in res.err and "TOML" not in res.out


def test_missing_config_file_says_how_to_create(tmp_path):
    res = run_cli("check", "--config", tmp_path / "nope.toml")
    assert res.code == 2
    assert "找不到配置文件" in res.err and "assistant init" in res.err


def test_config_from_environment(folder, monkeypatch, tmp_path):
    folder.write_config()
    monkeypatch.setenv("ASSISTANT_CONFIG", str(folder.config))
    monkeypatch.chdir(tmp_path)
    res = run_cli("check", "--today", "2026-11-20")
    assert res.code == 0, res.err


def test_paths_relative_to_config_file(folder, monkeypatch, tmp_path):
    folder.write_config()
    monkeypatch.chdir(tmp_path)  # not the config's folder
    assert run_cli("check", "--config", folder.config, "--today", "2026-11-20").code == 0


def test_unknown_register_listed_in_workbook(folder):
    folder.write_config(workbooks='[[workbooks]]\nname = "凤凰镇"\nsource = "data/镇.xlsx"\nregisters = ["taks"]\n')
    res = folder.check()
    assert res.code == 2 and "taks" in res.err and "是不是“tasks”" in res.err


def test_listed_register_whose_sheet_is_missing_is_an_error(folder):
    folder.schema("roster", "register: roster\ntitle: 人员名册\nfields:\n  - { name: 姓名 }\n")
    folder.write_config(workbooks='[[workbooks]]\nname = "凤凰镇"\nsource = "data/镇.xlsx"\nregisters = ["tasks", "roster"]\n')
    res = folder.check()
    assert res.code == 2 and "人员名册" in res.err and "台账" in res.err


def test_register_held_by_no_workbook_is_a_warning(folder):
    folder.schema("roster", "register: roster\ntitle: 人员名册\nfields:\n  - { name: 姓名 }\n")
    folder.write_config()
    res = folder.check()
    assert res.code == 0
    assert "roster" in res.err and "已跳过" in res.err  # a notice: on stderr (issue 15)


def test_bad_today_is_usage_error(folder):
    folder.write_config()
    res = run_cli("check", "--config", folder.config, "--today", "2026-13-01")
    assert res.code == 2 and "YYYY-MM-DD" in res.err


def test_english_messages(folder):
    folder.write_config("[mail]\ntransprt = \"smtp\"\n")
    res = folder.check("--lang", "en")
    assert res.code == 2 and "unknown key" in res.err and 'did you mean "transport"' in res.err


def test_secret_is_resolved_lazily_and_never_shown():
    from assistant.config import Secret

    s = Secret(env="SOME_PASSWORD")
    assert "SOME_PASSWORD" in repr(s)
    import os

    os.environ["SOME_PASSWORD"] = "topsecret"
    try:
        assert s.resolve() == "topsecret" and "topsecret" not in repr(s)
    finally:
        del os.environ["SOME_PASSWORD"]


# --- names the config gives must exist: a typo is an error in every command, not a silent no-op ---

SCOPED_SCHEMA = """
register: tasks
title: 台账
fields:
  - { name: 编号, required: true }
  - { name: 分管领导 }
  - { name: 姓名 }
  - { name: 邮箱, type: email }
"""
COMMANDS = [("check",), ("flag",), ("digest",), ("remind",)]


def _run_everywhere(folder, extra: str) -> list:
    folder.schema("tasks", SCOPED_SCHEMA)
    folder.workbook({"台账": [["编号", "分管领导", "姓名", "邮箱"], ["A-1", "李明", "王芳", "wang@example.gov.cn"]]})
    folder.write_config(extra)
    return [run_cli(*cmd, "--config", folder.config, "--today", "2026-11-20") for cmd in COMMANDS]


def test_misspelt_scope_field_is_an_error_in_every_command(folder):
    extra = '[[recipients]]\nname = "李明"\nemail = "li@example.gov.cn"\nscope = { "分管领到" = "李明" }\n'
    for res in _run_everywhere(folder, extra):
        assert res.code == 2, res.err
        assert "recipients[0].scope.分管领到" in res.err and "是不是“分管领导”" in res.err
        assert "Traceback" not in res.err


def test_correct_scope_field_still_loads(folder):
    extra = '[[recipients]]\nname = "李明"\nemail = "li@example.gov.cn"\nscope = { "分管领导" = "李明" }\n'
    assert [r.code for r in _run_everywhere(folder, extra)] == [0, 0, 0, 0]


@pytest.mark.parametrize("directory, key, hint", [
    ('{ register = "tasks", name = "姓名", email = "电子邮箱" }', "mail.directory.email", "是不是“邮箱”"),
    ('{ register = "task", name = "姓名", email = "邮箱" }', "mail.directory.register", "是不是“tasks”"),
    ('{ register = "tasks", name = "名字" }', "mail.directory.name", "台账“tasks”没有字段“名字”"),
])
def test_misspelt_mail_directory_is_an_error_in_every_command(folder, directory, key, hint):
    for res in _run_everywhere(folder, f"[mail]\ndirectory = {directory}\n"):
        assert res.code == 2, res.err
        assert key in res.err and hint in res.err


def test_unknown_job_table_is_an_error_in_every_command(folder):
    for res in _run_everywhere(folder, '[jobs.digset]\ncron = "30 8 * * 1"\n'):
        assert res.code == 2, res.err
        assert "jobs.digset" in res.err and "是不是“digest”" in res.err


@pytest.mark.parametrize("schemas", ["sheets_schema", "schema"])
def test_schema_lint_without_schema_files_is_an_error(office, schemas):
    """No folder, or a mistyped `[office] schemas` beside the real one: never "0 files checked"."""
    office.schema("tasks", MINIMAL_SCHEMA) if schemas != "sheets_schema" else None
    office.root.mkdir(parents=True, exist_ok=True)
    office.config.write_text(f'[office]\nname = "镇"\nschemas = "{schemas}"\n\n'
                             '[[workbooks]]\nname = "凤凰镇"\nsource = "data/镇.xlsx"\n', encoding="utf-8")
    res = run_cli("schema", "lint", "--config", office.config)
    assert res.code == 2, res.out
    assert "没有台账格式文件" in res.err and schemas in res.err
    assert res.out == ""
