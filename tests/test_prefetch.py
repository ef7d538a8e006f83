"""The early read of `check` and `flag` (assistant/prefetch.py): the source it hands over reads what
a fresh one reads, and whatever goes wrong early is reported by the real read, as before."""

from __future__ import annotations

from assistant import prefetch
from assistant.config import load_config
from assistant.sources.xlsx.source import from_config

SCHEMA = """
register: tasks
title: 督查督办台账
fields:
  - { name: 编号, required: true }
  - { name: 完成时限, type: date }
"""


def _office(office, sheet="督查督办台账"):
    office.schema("tasks", SCHEMA)
    office.workbook({"说明": [["本簿说明"]], sheet: [["编号", "完成时限"], ["DB-1", "2026-11-30"], ["", "下周"]]})
    office.write_config()
    return office


def test_the_warmed_source_reads_what_a_fresh_one_reads(office):
    _office(office, sheet=" 督查督办台账 ")  # matched as the real read matches: spaces do not count
    prefetch.start(office.config)
    config = load_config(office.config)
    wb = config.workbooks[0]
    warmed = prefetch.claim(wb, config)
    assert warmed is not None
    assert prefetch.claim(wb, config) is None  # handed over once
    fresh = from_config(wb, config)
    assert warmed.read_sheets(["督查督办台账"]) == fresh.read_sheets(["督查督办台账"])
    assert warmed.fingerprint == fresh.fingerprint


def test_a_source_warmed_under_another_config_is_not_handed_over(office, tmp_path):
    _office(office)
    prefetch.start(office.config)
    other = tmp_path / "other.toml"
    other.write_text(office.config.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "data").mkdir()
    config = load_config(other)
    assert prefetch.claim(config.workbooks[0], config) is None
    prefetch.forget()
    assert not prefetch._pending


def test_a_broken_workbook_is_reported_by_the_read_as_before(office):
    _office(office)
    (office.root / "data" / "镇.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    res = office.check()
    assert res.code == 2
    assert "镇.xlsx" in res.err and "Traceback" not in res.err
    assert not prefetch._pending  # nothing left behind for the next command


def test_nothing_is_read_early_for_a_config_or_register_that_is_not_there(office):
    prefetch.start(office.root / "missing.toml")
    assert not prefetch._pending
    _office(office)
    prefetch.start(office.config, register="roster")  # no schema of that register
    assert not prefetch._pending
    res = office.check("--register", "roster")
    assert res.code == 2 and "roster" in res.err


def test_what_the_early_read_needs_loads_without_pandas():
    """The early read only overlaps the start-up if it starts before pandas is imported: the config,
    the schemas' sheet names and the xlsx source must come without it."""
    import subprocess
    import sys

    code = ("import sys; import assistant.prefetch, assistant.config, assistant.schema.sheets, "
            "assistant.sources.xlsx.source, assistant.jobs; "
            "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
