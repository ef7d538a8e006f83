"""office-assistant: validates, flags and reports on a government office's shared spreadsheets.

The public API (docs/api.md): load an office from its config, then run its jobs.

    import assistant
    office = assistant.load_office("assistant.toml")
    result = assistant.check(office)
    print(result.counts, result.exit_code)

Importing the package stays cheap: the names below load their modules on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AssistantError",
    "CheckResult",
    "DigestResult",
    "Finding",
    "FlagResult",
    "JobResult",
    "Office",
    "Outcome",
    "RemindResult",
    "SendOutcome",
    "__version__",
    "check",
    "digest",
    "flag",
    "load_office",
    "remind",
    "run_job",
]

_WHERE = {
    "load_office": "assistant.api", "check": "assistant.api", "flag": "assistant.api", "digest": "assistant.api",
    "remind": "assistant.api", "run_job": "assistant.api",
    "Office": "assistant.office", "Finding": "assistant.findings", "AssistantError": "assistant.errors",
    "Outcome": "assistant.outcome", "JobResult": "assistant.outcome", "SendOutcome": "assistant.sending",
    "CheckResult": "assistant.jobs.check", "FlagResult": "assistant.jobs.flag",
    "DigestResult": "assistant.jobs.digest", "RemindResult": "assistant.jobs.remind",
}

if TYPE_CHECKING:
    from assistant.api import check, digest, flag, load_office, remind, run_job
    from assistant.errors import AssistantError
    from assistant.findings import Finding
    from assistant.jobs.check import CheckResult
    from assistant.jobs.digest import DigestResult
    from assistant.jobs.flag import FlagResult
    from assistant.jobs.remind import RemindResult
    from assistant.office import Office
    from assistant.outcome import JobResult, Outcome
    from assistant.sending import SendOutcome


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
