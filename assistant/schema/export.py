"""A register as a Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.fieldtypes import FALSE_WORDS, TRUE_WORDS
from assistant.schema.model import Register

_TYPES = {"string": "string", "integer": "integer", "number": "number", "percent": "number", "date": "date",
          "datetime": "datetime", "boolean": "boolean", "phone": "string", "email": "string", "id_card": "string"}
_FORMATS = {"email": "email"}
# What our types accept, as a pattern on the cell's text: a mobile number may carry spaces, dashes,
# brackets and +86/0086 (a number stored as a number is a string no Table Schema pattern reads).
_SEP = r"[\s\-()（）]*"
_PATTERNS = {"phone": rf"{_SEP}(?:(?:\+|00)?8{_SEP}6{_SEP})?1{_SEP}[3-9](?:{_SEP}\d){{9}}{_SEP}", "id_card": r"\d{17}[\dXx]"}


def _spellings(words: frozenset[str]) -> list[str]:
    """Every way a person writes a word that our boolean reads case-insensitively: yes, Yes, YES."""
    return sorted({v for w in words for v in (w, w.upper(), w.capitalize())})


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def table_schema(reg: Register) -> dict[str, Any]:
    fields = []
    for f in reg.fields:
        out: dict[str, Any] = {"name": f.name, "type": _TYPES[f.type]}
        if f.description:
            out["description"] = f.description
        if f.type in _FORMATS:
            out["format"] = _FORMATS[f.type]
        if f.type == "boolean":  # 是/否, √/×, … as our boolean reads them (Table Schema's default is true/false only)
            out["trueValues"], out["falseValues"] = _spellings(TRUE_WORDS), _spellings(FALSE_WORDS)
        if f.type == "percent":  # 35% as 35: the number with its % sign around it
            out["bareNumber"] = False
        c: dict[str, Any] = {}
        if f.required:
            c["required"] = True
        if f.unique:
            c["unique"] = True
        o = f.options
        if "enum" in o:
            c["enum"] = o["enum"]
        if "pattern" in o or f.type in _PATTERNS:
            c["pattern"] = o.get("pattern", _PATTERNS.get(f.type, "")).lstrip("^").rstrip("$")
        for k in ("minimum", "maximum"):
            if k in o and o[k] != "today":
                c[k] = _plain(o[k])
        for ours, theirs in (("min_length", "minLength"), ("max_length", "maxLength")):
            if ours in o:
                c[theirs] = o[ours]
        if c:
            out["constraints"] = c
        fields.append(out)
    schema: dict[str, Any] = {"fields": fields}
    if reg.key:
        schema["primaryKey"] = [reg.key]
    refs = [{"fields": [f.name], "reference": {"resource": f.options["references"]["register"],
                                                "fields": [f.options["references"]["field"]]}}
            for f in reg.fields if "references" in f.options]
    if refs:
        schema["foreignKeys"] = refs
    return schema
