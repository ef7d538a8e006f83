"""Read the first local workbook while the interpreter loads the rest of the assistant.

`check` and `flag` spend most of their time in two things that do not depend on each other:
python-calamine parsing the sheet (a second for 100,000 rows, without holding the GIL) and importing
pandas and the checks (half a second). Started as soon as the config is known, the parse runs in a
thread alongside the imports; `open_source` then hands the command the source it warmed. Only
the config and the schemas' `sheet:` are read here (assistant/schema/sheets.py), never a field
type: a problem in either is left for the real load to report, with its message and exit code.

One workbook only (the first local one): it hides the start-up once, and an office of twelve
workbooks is not held in memory at once (each is read when its turn comes, as before).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.config import Config, WorkbookConfig
    from assistant.sources.base import Source


@dataclass
class _Warming:
    key: tuple[str, str, str]  # (config file, workbook entry name, its source)
    source: Source
    thread: threading.Thread


_pending: list[_Warming] = []
_lock = threading.Lock()


def start(config_path: Path, register: str | None = None) -> None:
    """Begin reading the first local workbook's register sheets in a thread (best effort)."""
    from assistant.config import load_config
    from assistant.errors import AssistantError
    from assistant.schema.sheets import schema_sheets
    from assistant.sources import is_google_sheet

    try:
        config = load_config(config_path)
    except (AssistantError, OSError):
        return  # the real load says what is wrong
    local = [wb for wb in config.workbooks if not is_google_sheet(wb.source)]
    if not local:
        return
    wb = local[0]
    only = {register} if register else (set(wb.registers) if wb.registers else None)
    sheets = schema_sheets(config.schemas_dir, only)
    if not sheets:
        return
    from assistant.sources.xlsx.source import from_config

    source = from_config(wb, config)
    thread = threading.Thread(target=source.warm, args=(sheets,), name="assistant-prefetch", daemon=True)
    with _lock:
        _pending.append(_Warming(_key(wb, config), source, thread))
    thread.start()


def claim(wb: WorkbookConfig, config: Config | None) -> Source | None:
    """The source warmed for this workbook entry, once its read is done; None if there is none."""
    if config is None:
        return None
    with _lock:
        found = next((w for w in _pending if w.key == _key(wb, config)), None)
        if found is None:
            return None
        _pending.remove(found)
    found.thread.join()
    return found.source


def _key(wb: WorkbookConfig, config: Config) -> tuple[str, str, str]:
    return (str(config.path), wb.name, wb.source)


def forget() -> None:
    """Drop warmed sources nobody claimed (a command that failed before opening its sources)."""
    with _lock:
        pending = list(_pending)
        _pending.clear()
    for w in pending:
        w.thread.join()
        w.source.refresh()
