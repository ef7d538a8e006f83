"""The YAML text of a schema draft (assistant/schema/infer.py), written by hand so each field can
carry a comment saying what was seen in its column. Every value is written plain when YAML reads it
back as the same text, else double-quoted (JSON's escapes are YAML's): the draft loads with the
schema loader whatever the headers and cells hold."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import yaml

from assistant.i18n import tr

if TYPE_CHECKING:
    from assistant.schema.infer import InferredField, InferredSchema

MAX_CELLS = 5  # cells named in a comment; more are "…"


def scalar(text: str, flow: bool = False) -> str:
    """`text` as a YAML scalar that reads back as this very string (in a [ ] list when `flow`)."""
    try:
        back = yaml.safe_load(f"[{text}]") if flow else yaml.safe_load(f"k: {text}")
        ok = back == [text] if flow else back == {"k": text}
    except yaml.YAMLError:
        ok = False
    return text if ok and text and "\n" not in text else json.dumps(text, ensure_ascii=False)


def comment(text: str) -> str:
    """One comment line's text: nothing in it may end the line early."""
    return " ".join(text.split())


def cells(names: list[str]) -> str:
    shown = tr("infer.list_sep").join(names[:MAX_CELLS])
    return shown + ("…" if len(names) > MAX_CELLS else "")


def seen(f: InferredField, key: str | None) -> str:
    """What the column held, in the reader's language: `# 13 of 15 values are dates; not dates: H6, H8`."""
    if not f.filled:
        text = tr("infer.seen.nothing", col=f.letter)
    elif f.type == "string" and f.near is not None:
        text = tr("infer.seen.text_like", col=f.letter, n=f.filled, ok=f.near[1], what=tr(f"infer.what.{f.near[0]}"))
    elif f.type == "string":
        text = tr("infer.seen.text", col=f.letter, n=f.filled)
    elif f.bad_cells:
        text = tr("infer.seen.some", col=f.letter, n=f.filled, ok=f.readable, what=tr(f"infer.what.{f.type}"),
                  cells=cells(f.bad_cells))
    else:
        text = tr("infer.seen.all", col=f.letter, n=f.filled, what=tr(f"infer.what.{f.type}"))
    if f.blanks and f.filled:
        text += tr("infer.seen.blanks", n=f.blanks)
    if f.name == key:
        text += tr("infer.seen.key")
    elif f.required:
        text += tr("infer.seen.required")
    if f.enum:
        text += tr("infer.seen.enum", n=len(f.enum))
    return comment(text)


def render(draft: InferredSchema) -> str:
    sep = tr("infer.list_sep")
    lines = [f"# {comment(tr('infer.head.from', file=draft.workbook, sheet=draft.sheet, row=draft.header_row, rows=draft.rows))}",
             f"# {comment(tr('infer.head.review'))}"]
    if draft.derived_id:
        lines.append(f"# {comment(tr('infer.head.register'))}")
    if draft.no_header:
        lines.append(f"# {comment(tr('infer.head.no_header', cols=sep.join(draft.no_header)))}")
    if draft.duplicates:
        lines.append(f"# {comment(tr('infer.head.duplicate', cols=sep.join(draft.duplicates)))}")
    lines += [f"register: {draft.register}", f"title: {scalar(draft.title)}", f"sheet: {scalar(draft.sheet)}"]
    if draft.header_row != 1:
        lines.append(f"header_row: {draft.header_row}")
    if draft.header_rows == 2:
        lines.append("header_rows: 2")
    if draft.key is not None:
        lines.append(f"key: {scalar(draft.key)}")
    lines.append("fields:")
    for f in draft.fields:
        lines.append(f"  # {seen(f, draft.key)}")
        lines.append(f"  - name: {scalar(f.name)}")
        lines.append(f"    type: {f.type}")
        if f.required or f.name == draft.key:
            lines.append("    required: true")
        if f.unique:
            lines.append("    unique: true")
        if f.enum:
            lines.append(f"    enum: [{', '.join(scalar(v, flow=True) for v in f.enum)}]")
    return "\n".join(lines) + "\n"
