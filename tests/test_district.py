"""A district office: one workbook per township. `check` and `flag` hold one workbook's tables at a
time (memory bounded by a workbook, not the district), while references still resolve across the
workbooks of the office."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from assistant.sources.xlsx.source import XlsxSource
from assistant.table import Table
from tests.conftest import TODAY, run_cli
from tests.fixtures_xlsx import SHEET, TASKS, Task, build_register, make_office

TOWNS = ["凤凰镇", "石桥镇", "青龙镇", "白鹤镇"]


def district(root: Path, towns: list[str] = TOWNS) -> Path:
    """An office whose config lists one workbook per township, each with the task register and the
    roster; returns the config."""
    make_office(root)
    config = root / "assistant.toml"
    text = config.read_text(encoding="utf-8")
    head = text.split("[[workbooks]]")[0]
    books = "".join(f'[[workbooks]]\nname = "{t}"\nsource = "data/{t}.xlsx"\n\n' for t in towns)
    config.write_text(head + books, encoding="utf-8")
    for t in towns:
        build_register(root / "data" / f"{t}.xlsx", title=f"{t}督查督办台账（2026年）")
    return config


def live_tables() -> dict[str, int]:
    """Parsed tables alive in this process right now, by workbook."""
    gc.collect()
    out: dict[str, int] = {}
    for obj in gc.get_objects():
        if isinstance(obj, Table):
            out[obj.workbook] = out.get(obj.workbook, 0) + 1
    return out


@pytest.mark.parametrize("command", ["check", "flag"])
def test_one_workbook_at_a_time(tmp_path, monkeypatch, command):
    """Whenever a workbook is read, the only tables held are those of the workbook being judged,
    and (flag) every earlier workbook has already been written back. (The office has the whole
    pack's schemas and the workbooks hold two registers: the others are looked for, too.)
    Watched in this process, so with one worker; each worker process runs this same loop over the
    workbooks it is given (test_parallel.py)."""
    config = district(tmp_path / "office")
    config.write_text(config.read_text(encoding="utf-8") + "\n[limits]\nworkers = 1\n", encoding="utf-8")
    reads: list[tuple[str, bool, dict[str, int], list[str]]] = []
    read_sheets = XlsxSource.read_sheets
    books = {t: tmp_path / "office" / "data" / f"{t}.xlsx" for t in TOWNS}
    original = {t: p.read_bytes() for t, p in books.items()}

    def observed(self, wanted):
        written = [t for t in TOWNS if books[t].read_bytes() != original[t]]
        reads.append((self.name, SHEET in wanted, live_tables(), written))
        return read_sheets(self, wanted)

    monkeypatch.setattr(XlsxSource, "read_sheets", observed)
    res = run_cli(command, "--config", config, "--today", TODAY, "--format", "json")
    assert res.code == 1, res.err  # the fixture register has mistakes on purpose
    assert [name for name, own, _, _ in reads if own] == TOWNS  # each judged once, in order
    judged = None
    for name, own, alive, written in reads:
        judged = name if own else judged
        others = {wb: n for wb, n in alive.items() if wb != judged}
        assert others == {}, f"reading {name} (judging {judged}): tables of {others} still held"
        if command == "flag" and own:
            assert written == TOWNS[:TOWNS.index(name)], f"reading {name}: written back so far {written}"
    if command == "flag":
        assert all(books[t].read_bytes() != original[t] for t in TOWNS)


def test_output_is_the_same_for_every_township(tmp_path):
    """Judged one by one, every township's workbook gets the findings and items it gets alone."""
    config = district(tmp_path / "office", TOWNS[:2])
    res = run_cli("flag", "--config", config, "--today", TODAY, "--format", "json", "--dry-run")
    assert res.code == 1, res.err
    items = json.loads(res.out)["items"]
    by_town = {t: sorted((i["row"], i["status"], i["days_left"]) for i in items if i["workbook"] == t)
               for t in TOWNS[:2]}
    assert by_town[TOWNS[0]] == by_town[TOWNS[1]] and by_town[TOWNS[0]]
    check = run_cli("check", "--config", config, "--today", TODAY, "--format", "json").json()["findings"]
    per = {t: sorted((f["row"], f["code"], f.get("column")) for f in check if f["workbook"] == t) for t in TOWNS[:2]}
    assert per[TOWNS[0]] == per[TOWNS[1]] and per[TOWNS[0]]


def test_a_register_a_workbook_lacks_is_looked_up_in_the_others(tmp_path):
    """A township workbook listing only its task register: 责任人 resolves against the roster kept in
    another workbook of the office (read once for that), and a name in no roster is reported."""
    root = tmp_path / "office"
    make_office(root)
    config = root / "assistant.toml"
    head = config.read_text(encoding="utf-8").split("[[workbooks]]")[0]
    config.write_text(head + '[[workbooks]]\nname = "石桥镇"\nsource = "data/石桥镇.xlsx"\nregisters = ["tasks"]\n\n'
                      '[[workbooks]]\nname = "凤凰镇"\nsource = "data/凤凰镇.xlsx"\n', encoding="utf-8")
    build_register(root / "data" / "凤凰镇.xlsx")
    stranger = Task(**{**TASKS[0].__dict__, "key": "DB-2026-099", "owner": "钱多多"})
    build_register(root / "data" / "石桥镇.xlsx", [*TASKS, stranger])
    findings = run_cli("check", "--config", config, "--today", TODAY, "--format", "json").json()["findings"]
    unknown = [(f["workbook"], f["value"]) for f in findings if f["code"] == "unknown_reference"]
    assert ("石桥镇", "钱多多") in unknown
    # every other name resolves as it does in the workbook holding the roster
    assert sorted(v for wb, v in unknown if wb == "石桥镇" and v != "钱多多") == \
        sorted(v for wb, v in unknown if wb == "凤凰镇")


def test_digest_keeps_of_each_workbook_only_what_delivering_reads(tmp_path, monkeypatch):
    """digest and remind need every workbook's items at once: while the next workbook is read, the
    earlier ones' tables hold only the columns a digest or a reminder reads (a recipient's scope
    field, the directory's name and e-mail), not every parsed column."""
    import datetime as dt

    from assistant.api import load_office, make_context
    from assistant.digests import tracked
    from assistant.judge import judge

    config = district(tmp_path / "office", TOWNS[:3])
    with config.open("a", encoding="utf-8") as fh:
        fh.write('\n[[recipients]]\nname = "李镇长"\nemail = "liming@example.gov.cn"\nscope = { "分管领导" = "李明" }\n')
    held: list[dict[str, set[str]]] = []
    read_sheets = XlsxSource.read_sheets

    def observed(self, wanted):
        gc.collect()
        held.append({f"{o.workbook}/{o.register.id}": set(o.frame.columns) for o in gc.get_objects()
                     if isinstance(o, Table) and o.workbook != self.name})
        return read_sheets(self, wanted)

    monkeypatch.setattr(XlsxSource, "read_sheets", observed)
    office = load_office(config)
    j = judge(make_context(office, dt.date.fromisoformat(TODAY), "zh"))
    assert held[-1], "the earlier workbooks' tables are kept for the digest"
    for table, columns in held[-1].items():
        assert columns <= {"分管领导", "姓名", "邮箱"}, f"{table} keeps {sorted(columns)}"
    mine = tracked(j, {"分管领导": "李明"})  # the scope still selects, in every workbook
    assert {i.workbook for i in mine} == set(TOWNS[:3]) and all(i.leader == "李明" for i in mine)
