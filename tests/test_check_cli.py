"""`assistant init`, `assistant check` and `assistant demo` on the sample office: the JSON contract
of docs/design.md §6, the readable report, exit codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TODAY, run_cli

FINDING_KEYS = ["workbook", "register", "sheet", "row", "column", "cell", "key", "code", "severity", "value", "message"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office") / "凤凰镇"
    res = run_cli("init", folder, "--today", TODAY)
    assert res.code == 0, res.err
    return folder


def check(sample, *args):
    return run_cli("check", "--config", sample / "assistant.toml", "--today", TODAY, *args)


def test_init_creates_the_working_folder(sample):
    for part in ("assistant.toml", "sheets_schema/tasks.yaml", "sheets_schema/roster.yaml", "data/凤凰镇.xlsx"):
        assert (sample / part).is_file(), part
    for part in ("templates", "outbox", ".assistant"):
        assert (sample / part).is_dir(), part


def test_init_refuses_to_overwrite(sample):
    before = (sample / "assistant.toml").read_text(encoding="utf-8")
    (sample / "assistant.toml").write_text(before + "\n# admin's note\n", encoding="utf-8")
    res = run_cli("init", sample)
    assert res.code == 2 and "assistant.toml" in res.err and "--force" in res.err
    assert "# admin's note" in (sample / "assistant.toml").read_text(encoding="utf-8")


def test_init_force_overwrites(tmp_path):
    folder = tmp_path / "o"
    assert run_cli("init", folder).code == 0
    (folder / "assistant.toml").write_text("broken", encoding="utf-8")
    assert run_cli("init", folder, "--force").code == 0
    assert "[office]" in (folder / "assistant.toml").read_text(encoding="utf-8")


def test_finding_json_has_every_field():
    import dataclasses

    from assistant.findings import Finding

    assert [f.name for f in dataclasses.fields(Finding)] == FINDING_KEYS


def test_json_contract(sample):
    res = check(sample, "--format", "json")
    assert res.code == 1
    doc = json.loads(res.out)
    assert list(doc) == ["ok", "counts", "findings"]
    assert doc["ok"] is False
    assert doc["counts"] == {"error": sum(f["severity"] == "error" for f in doc["findings"]),
                             "warning": sum(f["severity"] == "warning" for f in doc["findings"])}
    for f in doc["findings"]:
        assert list(f) == FINDING_KEYS
    bad_date = next(f for f in doc["findings"] if f["value"] == "2026.13.45")
    assert bad_date == {"workbook": "凤凰镇", "register": "tasks", "sheet": "督查督办台账", "row": 6,
                        "column": "完成时限", "cell": "H6", "key": "DB-2026-004", "code": "invalid_date",
                        "severity": "error", "value": "2026.13.45", "message": "完成时限“2026.13.45”不是有效日期"}


def test_sample_mistakes_are_reported_with_cells(sample):
    doc = check(sample, "--format", "json").json()
    got = {(f["register"], f["cell"], f["code"]) for f in doc["findings"]}
    expected = {
        ("tasks", "H6", "invalid_date"),  # 2026.13.45
        ("tasks", "I7", "invalid_percent"),  # 五十
        ("tasks", "A8", "duplicate_value"), ("tasks", "A9", "duplicate_value"),
        ("tasks", "H8", "invalid_date"),  # 下周五
        ("tasks", "J10", "not_in_enum"),  # 已完成
        ("tasks", "K11", "required_if"),  # 已办结 without 办结日期
        ("tasks", "H12", "compare_failed"),  # deadline before assigned date
        ("tasks", "E13", "unknown_reference"),  # 张三 not in the roster
        ("tasks", "K17", "empty_unless"),  # 办结日期 while 未启动
        ("roster", "I10", "invalid_phone"),  # 10 digits
        ("roster", "F14", "not_in_enum"),  # 在职
        ("roster", "J11", "invalid_email"),
    }
    assert expected <= got
    # The full-width date and the phone stored as a number are fine.
    assert not any(f["cell"] == "H16" and f["register"] == "tasks" for f in doc["findings"])
    assert not any(f["cell"] == "I11" and f["register"] == "roster" for f in doc["findings"])


def test_text_report_grouped_by_sheet(sample):
    res = check(sample)
    assert res.code == 1
    assert "凤凰镇 · 督查督办台账（tasks，15 行）" in res.out
    assert "凤凰镇 · 人员名册（roster，20 行）" in res.out
    assert "H6" in res.out and "完成时限“2026.13.45”不是有效日期" in res.out
    assert "合计：" in res.out


def test_english(sample):
    res = check(sample, "--lang", "en")
    assert "is not a valid date" in res.out and "Total:" in res.out
    doc = check(sample, "--lang", "en", "--format", "json").json()
    assert any(f["message"] == '完成时限 "2026.13.45" is not a valid date' for f in doc["findings"])


def test_register_option(sample):
    doc = check(sample, "--format", "json", "--register", "roster").json()
    assert {f["register"] for f in doc["findings"]} == {"roster"}
    # Narrowed to tasks, the roster is still read for the 责任人 reference check.
    doc = check(sample, "--format", "json", "--register", "tasks").json()
    assert {f["register"] for f in doc["findings"]} == {"tasks"}
    assert any(f["code"] == "unknown_reference" and f["cell"] == "E13" for f in doc["findings"])
    assert "人员名册（roster" not in check(sample, "--register", "tasks").out
    res = check(sample, "--register", "rooster")
    assert res.code == 2 and "是不是“roster”" in res.err


def test_exit_0_when_only_warnings(tmp_path):
    folder = tmp_path / "o"
    run_cli("init", folder, "--today", TODAY)
    # Only the roster's e-mail problem is a warning; keep that register alone.
    doc = run_cli("check", "--config", folder / "assistant.toml", "--today", TODAY, "--format", "json",
                  "--register", "roster").json()
    assert doc["ok"] is False
    from openpyxl import load_workbook

    wb = load_workbook(folder / "data" / "凤凰镇.xlsx")
    ws = wb["人员名册"]
    ws["I10"] = "13981300007"
    ws["F14"] = "在岗"
    ws["F17"] = "抽调"  # as 人员变动 says
    ws["G18"] = dt.date(2026, 3, 2)
    ws["D19"] = "无"
    ws["D23"] = "党政"
    ws.delete_rows(22)  # 张伟 entered twice
    wb.save(folder / "data" / "凤凰镇.xlsx")
    res = run_cli("check", "--config", folder / "assistant.toml", "--today", TODAY, "--format", "json",
                  "--register", "roster")
    assert res.code == 0
    doc = res.json()
    assert doc["ok"] is True and doc["counts"] == {"error": 0, "warning": 1}


def test_demo_runs_the_cycle_and_exits_0(tmp_path):
    res = run_cli("demo", tmp_path / "demo", "--today", TODAY)
    assert res.code == 0, res.err
    assert "H6" in res.out and "demo" in res.out
    assert (tmp_path / "demo" / "data" / "凤凰镇.xlsx").exists()
    again = run_cli("demo", tmp_path / "demo", "--today", TODAY)  # reuses the folder
    assert again.code == 0 and "已创建" not in again.out
