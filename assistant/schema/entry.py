"""What a person may type into a field's cells, as spreadsheet data validation: one rule per field,
drawn from its schema (type, enum, minimum/maximum, max_length…), written to xlsx through openpyxl
or to Google Sheets as a setDataValidation request.

The rule only guides typing (a drop-down, a date picker, a message while the cell is selected); it
never replaces `assistant check`, which still reads every cell as the schema says. So a rule is
never stricter than the check: an option a spreadsheet cannot express (a pattern, a reference) is
left to the check and only named in the prompt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.fieldtypes import TYPES
from assistant.i18n import tr, using
from assistant.schema.model import Field
from assistant.text import col_letter, display

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

Bound = float | dt.date | str | None  # a number, a date, "today", or none

# Excel's limits (longer texts make Excel call the file corrupt): a drop-down's inline list, the
# prompt's title and its text.
MAX_LIST = 255
MAX_TITLE = 32
MAX_PROMPT = 255
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LAST_DAY = dt.date(9999, 12, 31)
_WHOLE = 2_147_483_647  # whole/decimal validation needs bounds: without the schema's, these
_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "integer": "0", "id_card": "@", "phone": "@"}


@dataclass(frozen=True)
class EntryRule:
    """What a cell of a field may hold. `kind`: "list" (one of `choices`), "whole", "decimal",
    "date" (between `minimum` and `maximum`, either may be None; "today" is the day it is typed),
    "length" (text of `minimum`..`maximum` characters), or "any" (no restriction: a prompt only)."""

    kind: str
    title: str  # the prompt's title: the column's name
    prompt: str  # shown while the cell is selected
    choices: tuple[str, ...] = ()
    minimum: Bound = None
    maximum: Bound = None
    error: str = ""  # shown when a value is refused


def entry_rule(field: Field, lang: str) -> EntryRule | None:
    """The rule for `field`'s cells in `lang`; None when there is nothing to say or check."""
    with using(lang):
        opts = field.options
        lo, hi = opts.get("minimum"), opts.get("maximum")
        kind, error = "any", ""
        choices: tuple[str, ...] = ()
        if "enum" in opts:
            kind, choices = "list", tuple(display(v) for v in opts["enum"])
            error = tr("entry.error.list")
        elif field.type == "boolean":
            kind, choices = "list", (tr("entry.yes"), tr("entry.no"))
            error = tr("entry.error.list")
        elif field.type == "integer":
            kind, error = "whole", tr("entry.error.whole")
        elif field.type in ("number", "percent"):
            kind, error = "decimal", tr("entry.error.decimal")
        elif field.type in ("date", "datetime"):
            kind, error = "date", tr("entry.error.date")
        elif "max_length" in opts or "min_length" in opts:
            kind, lo, hi = "length", opts.get("min_length"), opts.get("max_length")
            error = tr("entry.error.length")
        prompt = _prompt(field, kind, choices, lo, hi)
        if kind == "any" and not prompt:
            return None
        if kind == "list" or field.type == "percent":
            # a list has no bounds; 35% typed into a cell is 0.35 there but 35 points to the check,
            # so percent bounds are only named in the prompt (never stricter than the check)
            lo = hi = None
        if lo is not None or hi is not None:
            error += tr("entry.error.range", range=_range_text(lo, hi))
        return EntryRule(kind, field.name[:MAX_TITLE], prompt[:MAX_PROMPT], choices, lo, hi, error)


def owned_rule(header: str, lang: str) -> EntryRule:
    """The prompt on a column the assistant fills in (`outputs`): nothing to type there."""
    with using(lang):
        return EntryRule("any", header[:MAX_TITLE], tr("entry.owned"))


def _prompt(field: Field, kind: str, choices: tuple[str, ...], lo: Bound, hi: Bound) -> str:
    lines = [field.description.strip()] if field.description else []
    if field.required:
        lines.append(tr("entry.required"))
    if kind in ("whole", "decimal", "date", "length") and (lo is not None or hi is not None):
        lines.append(tr("entry.range." + ("length" if kind == "length" else "value"), range=_range_text(lo, hi)))
    ref = field.options.get("references")
    if isinstance(ref, dict):
        lines.append(tr("entry.references", register=ref.get("register", ""), field=ref.get("field", "")))
    example = choices[0] if choices else (TYPES[field.type].example if field.type != "string" else "")
    if example and kind != "list":  # a drop-down shows its own choices
        lines.append(tr("entry.example", example=example))
    return "\n".join(lines)


def _range_text(lo: Bound, hi: Bound) -> str:
    def show(v: Bound) -> str:
        return tr("entry.today") if v == "today" else display(v)

    if lo is not None and hi is not None:
        return tr("entry.between", low=show(lo), high=show(hi))
    return tr("entry.at_least", low=show(lo)) if lo is not None else tr("entry.at_most", high=show(hi))


def number_format(field: Field) -> str | None:
    """The cells' number format: dates shown as dates, an ID or a phone kept as text (typed as a
    number, an 18-digit ID loses its last digits); None: the General format."""
    return _FORMATS.get(field.type)


# --- xlsx -----------------------------------------------------------------------------------------

def fits_inline(rule: EntryRule) -> bool:
    """Whether Excel can hold the rule's choices in the validation itself: no comma or quote in
    any of them (a comma would split a choice), at most 255 characters in all."""
    inline = ",".join(rule.choices)
    return not any("," in c or '"' in c for c in rule.choices) and len(inline) + 2 <= MAX_LIST


def openpyxl_validation(rule: EntryRule, ref: str, choices_at: str | None = None) -> DataValidation:
    """The rule as an openpyxl DataValidation over `ref` ("C3:C1002"). A list that does not fit
    inline takes its choices from the cells `choices_at` ("'下拉选项'!$A$1:$A$40") when given;
    else it is left to the prompt, and the check decides."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=rule.title, prompt=rule.prompt,
                        sqref=ref)
    kind = rule.kind
    if kind == "list":
        if fits_inline(rule):
            dv.type, dv.formula1 = "list", '"' + ",".join(rule.choices) + '"'
        elif choices_at is not None:
            dv.type, dv.formula1 = "list", choices_at
        else:
            return dv
    elif kind in ("whole", "decimal", "length"):
        dv.type = "textLength" if kind == "length" else kind
        _operator(dv, _number(rule.minimum), _number(rule.maximum), kind)
    elif kind == "date":
        dv.type = "date"
        _operator(dv, _serial(rule.minimum), _serial(rule.maximum), kind)
    if dv.type is not None:
        dv.showErrorMessage, dv.errorTitle, dv.error = True, rule.title, rule.error[:MAX_PROMPT]
    return dv


def _operator(dv: DataValidation, lo: str | None, hi: str | None, kind: str) -> None:
    if lo is not None and hi is not None:
        dv.operator, dv.formula1, dv.formula2 = "between", lo, hi
    elif lo is not None:
        dv.operator, dv.formula1 = "greaterThanOrEqual", lo
    elif hi is not None:
        dv.operator, dv.formula1 = "lessThanOrEqual", hi
    elif kind == "date":  # "a date": any day Excel can hold
        dv.operator, dv.formula1, dv.formula2 = "between", "1", str((_LAST_DAY - _EXCEL_EPOCH).days)
    elif kind == "length":
        dv.operator, dv.formula1 = "greaterThanOrEqual", "0"
    else:
        dv.operator, dv.formula1, dv.formula2 = "between", str(-_WHOLE), str(_WHOLE)


def _number(v: Bound) -> str | None:
    return None if v is None else display(v)


def _serial(v: Bound) -> str | None:
    """A date bound as Excel holds it: the day's serial number, or TODAY() for "today"."""
    if v is None:
        return None
    if v == "today":
        return "TODAY()"
    return str((_as_date(v) - _EXCEL_EPOCH).days)


def _as_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


# --- Google Sheets --------------------------------------------------------------------------------

def sheets_number_format(pattern: str) -> dict:
    """A number format (as `number_format` gives it) as a Sheets NumberFormat."""
    kind = {"yyyy-mm-dd": "DATE", "yyyy-mm-dd hh:mm": "DATE_TIME", "@": "TEXT"}.get(pattern, "NUMBER")
    return {"type": kind, "pattern": pattern}


def sheets_validation(rule: EntryRule, grid_range: dict) -> dict:
    """The rule as a spreadsheets.batchUpdate request: {"setDataValidation": {"range", "rule"}}.
    `strict` refuses what does not fit, as Excel's stop message does; a rule Sheets has no
    condition for is a CUSTOM_FORMULA over the range's first cell (relative, so every cell
    checks itself)."""
    condition: dict[str, Any] | None = None
    kind = rule.kind
    cell = _first_cell(grid_range)
    if kind == "list":
        condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in rule.choices]}
    elif kind in ("whole", "length"):
        value = f"LEN({cell})" if kind == "length" else cell
        tests = [f"ISNUMBER({cell})", f"{cell}=INT({cell})"] if kind == "whole" else []
        tests += [f"{value}>={_number(rule.minimum)}"] if rule.minimum is not None else []
        tests += [f"{value}<={_number(rule.maximum)}"] if rule.maximum is not None else []
        condition = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": f"=AND({','.join(tests)})"}]} \
            if tests else None
    elif kind == "decimal":
        condition = _sheets_between("NUMBER", _number(rule.minimum), _number(rule.maximum))
    elif kind == "date":
        condition = _sheets_dates(rule.minimum, rule.maximum)
    body: dict[str, Any] = {"inputMessage": f"{rule.title}\n{rule.prompt}" if rule.prompt else rule.title}
    if condition is not None:
        body.update(condition=condition, strict=True, showCustomUi=kind == "list")
    else:  # a message alone: Sheets needs a condition, so one that always holds (and refuses nothing)
        body.update(condition={"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=TRUE"}]}, strict=False)
    return {"setDataValidation": {"range": grid_range, "rule": body}}


def _first_cell(grid_range: dict) -> str:
    return f"{col_letter(grid_range.get('startColumnIndex', 0))}{grid_range.get('startRowIndex', 0) + 1}"


def _sheets_between(prefix: str, lo: str | None, hi: str | None) -> dict | None:
    if lo is not None and hi is not None:
        return {"type": f"{prefix}_BETWEEN", "values": [{"userEnteredValue": lo}, {"userEnteredValue": hi}]}
    if lo is not None:
        return {"type": f"{prefix}_GREATER_THAN_EQ", "values": [{"userEnteredValue": lo}]}
    if hi is not None:
        return {"type": f"{prefix}_LESS_THAN_EQ", "values": [{"userEnteredValue": hi}]}
    return {"type": f"{prefix}_GREATER_THAN_EQ", "values": [{"userEnteredValue": str(-_WHOLE)}]}


def _sheets_dates(lo: Bound, hi: Bound) -> dict:
    """Dates as the API takes them in data validation: relativeDate is refused there, so "today"
    is the formula =TODAY(), which ConditionValue accepts."""
    def value(v: Bound) -> dict:
        return {"userEnteredValue": "=TODAY()" if v == "today" else _as_date(v).isoformat()}

    if lo is not None and hi is not None:
        return {"type": "DATE_BETWEEN", "values": [value(lo), value(hi)]}
    if lo is not None:
        return {"type": "DATE_ON_OR_AFTER", "values": [value(lo)]}
    if hi is not None:
        return {"type": "DATE_ON_OR_BEFORE", "values": [value(hi)]}
    return {"type": "DATE_IS_VALID"}


__all__ = ["EntryRule", "entry_rule", "number_format", "openpyxl_validation", "owned_rule", "sheets_number_format",
           "sheets_validation"]
