"""Masking: what of a private value (a phone, an ID number) any output may show. One rule, defined
here once: the first 3 and the last 4 characters are kept, the rest become "*" (13812345678 →
138****5678); a value of 7 characters or fewer keeps only its first one (张三丰 → 张**).

Two uses: a field with `mask: true` is masked wherever its value leaves the program (finding value,
key and message; deadline items in digests, reminders, `flag --format json` and the attachment),
and mail masks mobile and ID numbers wherever they stand in cell text (assistant.digests.mask).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np

from assistant.checks.base import Context, FieldCheck, Opt, field_check
from assistant.findings import Finding
from assistant.schema.model import Field, Register
from assistant.text import display

KEEP_HEAD, KEEP_TAIL = 3, 4
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])")


def mask_text(text: str) -> str:
    """One value masked: 138****5678; 张**; '' stays ''."""
    n = len(text)
    if n > KEEP_HEAD + KEEP_TAIL:
        return text[:KEEP_HEAD] + "*" * (n - KEEP_HEAD - KEEP_TAIL) + text[-KEEP_TAIL:]
    return text[:1] + "*" * (n - 1)


def mask_numbers(text: str) -> str:
    """Mobile numbers (138****5678) and ID numbers (110105********002X: the region's 6 digits
    kept, as an ID's owner is not told by them) masked wherever they stand in free text."""
    text = _ID.sub(lambda m: m.group()[:6] + "*" * 8 + m.group()[-4:], text)
    return _MOBILE.sub(lambda m: mask_text(m.group()), text)


def masked_fields(register: Register) -> list[str]:
    return [f.name for f in register.fields if f.options.get("mask")]


@field_check
class Mask(FieldCheck):
    """`mask: true`: nothing to check; the value is masked in every output (mask_findings, and the
    deadline items in assistant.deadlines)."""

    option = "mask"
    spec = Opt("bool")

    def run(self, ctx: Context, f: Field, value: Any) -> list[Finding]:
        return []


def _shown(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else display(value)


def mask_findings(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """The findings of one table with every masked field's value of the finding's row masked in
    `value`, `key` and `message` (a message quotes the cell as typed or as read)."""
    names = masked_fields(ctx.register)
    if not names or not findings:
        return findings
    t = ctx.table
    position = {int(r): i for i, r in enumerate(np.asarray(t.rows))}
    # per masked field: the texts that may stand for its value in a message (typed, and as read)
    forms = {n: (t.frame[n].to_numpy(), ctx.parsed[n].values.to_numpy()) for n in names if ctx.has(n)}
    out = []
    for f in findings:
        texts: set[str] = set()
        if f.row is not None and f.row in position:
            p = position[f.row]
            for raw, read in forms.values():
                texts |= {s.strip() for s in (_shown(raw[p]), _shown(read[p])) if s.strip()}
        if f.column in forms and f.value is not None:
            texts.add(_shown(f.value))
        if not texts:
            out.append(f)
            continue
        message, value, key = f.message, f.value, f.key
        for s in sorted(texts, key=len, reverse=True):  # longest first: a form inside another
            message = message.replace(s, mask_text(s))
        if f.column in forms and value is not None:
            value = mask_text(_shown(value))
        if ctx.register.key in forms and key is not None:
            key = mask_text(key)
        out.append(replace(f, message=message, value=value, key=key))
    return out
