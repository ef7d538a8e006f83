"""`assistant schema export` read by the other side: `frictionless validate` with the exported Table
Schemas on the demo workbook finds what our own check finds, for the constraints both express."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import TODAY, run_cli

pytest.importorskip("frictionless", reason="frictionless is a test extra: pip install -e '.[test]'")

# our finding codes → the Table Schema constraint that says the same; any other code (rules, `today`
# bounds, sequences, …) has no Table Schema counterpart
CODES = {"not_in_enum": "enum", "pattern_mismatch": "pattern", "missing_value": "required", "duplicate_value": "unique",
         "unknown_reference": "reference", "below_minimum": "minimum", "above_maximum": "maximum",
         "too_short": "minLength", "too_long": "maxLength",
         # a mobile or ID number is a Table Schema string with our pattern; an ID's check character is ours alone
         "invalid_phone": "pattern", "invalid_id_card": "pattern", "id_card_checksum": None, "id_card_as_number": None}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export") / "凤凰镇"
    assert run_cli("init", root, "--today", TODAY).code == 0
    return root


def header_row(path: Path, sheet: str, first: str) -> int:
    """The sheet row holding the column headers (titles above it), as a person finds it."""
    ws = load_workbook(path, read_only=True)[sheet]
    return next(n for n, row in enumerate(ws.iter_rows(max_col=1, values_only=True), start=1) if row[0] == first)


def export(demo: Path, register: str) -> dict:
    res = run_cli("schema", "export", register, "--config", demo / "assistant.toml")
    assert res.code == 0, res.err
    return json.loads(res.out)


def frictionless_errors(demo: Path, sheets: dict[str, str]) -> dict[str, set[tuple[int, str, str]]]:
    """(row, field, constraint) of each error `frictionless validate` reports, per resource: a Data
    Package of the registers' sheets, each with its exported schema and a dialect naming the sheet
    and its header row (docs/commands.md, `assistant schema export`)."""
    book = "data/凤凰镇.xlsx"
    resources = []
    for register, sheet in sheets.items():
        schema = export(demo, register)
        row = header_row(demo / book, sheet, schema["fields"][0]["name"])
        resources.append({"name": register, "path": book, "format": "xlsx", "schema": schema,
                          "dialect": {"headerRows": [row], "excel": {"sheet": sheet}}})
    (demo / "datapackage.json").write_text(json.dumps({"name": "office", "resources": resources}, ensure_ascii=False),
                                           encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json", "--json"], cwd=demo,
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    out: dict[str, set[tuple[int, str, str]]] = defaultdict(set)
    for task in report["tasks"]:
        for e in task["errors"]:
            if e["type"] == "type-error":
                out[task["name"]].add((e["rowNumber"], e["fieldName"], "type"))
            elif e["type"] == "constraint-error":
                out[task["name"]].add((e["rowNumber"], e["fieldName"], e["note"].split('"')[1]))
            elif e["type"] == "unique-error":
                out[task["name"]].add((e["rowNumber"], e["fieldName"], "unique"))
            elif e["type"] == "foreign-key":
                out[task["name"]] |= {(e["rowNumber"], name, "reference") for name in e["fieldNames"]}
            elif e["type"] != "primary-key":  # the key's repeat: also its unique-error
                out[task["name"]].add((e.get("rowNumber", 0), e.get("fieldName", ""), e["type"]))
    return out


def our_findings(demo: Path, register: str, schema: dict) -> set[tuple[int, str, str]]:
    """(row, field, constraint) of our check's findings that the exported schema also expresses. A
    repeated value is counted at its repeats (frictionless names the later rows; we name all)."""
    res = run_cli("check", "--config", demo / "assistant.toml", "--today", TODAY, "--format", "json")
    constraints = {f["name"]: {**f.get("constraints", {}), "type": True} for f in schema["fields"]}
    for fk in schema.get("foreignKeys", []):
        constraints[fk["fields"][0]]["reference"] = True
    out, seen = set(), set()
    for f in sorted(res.json()["findings"], key=lambda f: f["row"] or 0):
        if f["register"] != register or f["row"] is None:
            continue
        what = CODES[f["code"]] if f["code"] in CODES else "type" if f["code"].startswith("invalid_") else None
        if what is None or what not in constraints[f["column"]]:
            continue
        if what == "unique" and (f["column"], f["value"]) not in seen:
            seen.add((f["column"], f["value"]))  # the first of a repeated value
            continue
        out.add((f["row"], f["column"], what))
    return out


def test_frictionless_finds_in_the_demo_workbook_what_our_check_finds(demo):
    found = frictionless_errors(demo, {"tasks": "督查督办台账", "roster": "人员名册"})
    tasks = our_findings(demo, "tasks", export(demo, "tasks"))
    assert tasks == {(6, "完成时限", "type"), (7, "进度(%)", "type"), (8, "完成时限", "type"), (9, "编号", "unique"),
                     (10, "办理状态", "enum"), (13, "责任人", "reference")}  # the sample's deliberate mistakes
    # One difference, by design: our date type reads full-width digits (２０２６－１２－３０), Table Schema's does not.
    ws = load_workbook(demo / "data/凤凰镇.xlsx", read_only=True)["督查督办台账"]
    assert next(ws.iter_rows(min_row=15, max_row=15, min_col=8, max_col=8, values_only=True))[0] == "２０２６－１２－３０"
    assert found["tasks"] == tasks | {(15, "完成时限", "type")}
    # the roster: 是/否 read as booleans, a mobile number with spaces accepted, as ours reads them; one
    # difference: a mobile number stored as a number is no Table Schema string
    roster = our_findings(demo, "roster", export(demo, "roster"))
    assert roster == {(10, "手机", "pattern"), (11, "邮箱", "type"), (14, "状态", "enum")}
    assert found["roster"] == roster | {(11, "手机", "type")}


def test_the_export_reads_our_booleans_and_percentages(demo):
    roster = {f["name"]: f for f in export(demo, "roster")["fields"]}
    assert {"是", "√", "Yes", "TRUE"} <= set(roster["是否领导"]["trueValues"])
    assert {"否", "×", "no", "F"} <= set(roster["是否领导"]["falseValues"])
    tasks = {f["name"]: f for f in export(demo, "tasks")["fields"]}
    assert tasks["进度(%)"]["type"] == "number" and tasks["进度(%)"]["bareNumber"] is False
