"""How a job ended, and the exit code each ending gives (docs/design.md §6), defined once.

Every job result says its `outcome`; the CLI, `assistant run --once`, `assistant jobs run` and the
scheduler's ledger all read it from there, so a source problem is exit 2 wherever it happens.
"""

from __future__ import annotations

from enum import StrEnum

from assistant.i18n import tr


class Outcome(StrEnum):
    OK = "ok"  # ran, nothing wrong
    DATA_ERRORS = "data_errors"  # ran; the data has errors, or a delivery failed
    PROBLEM = "problem"  # stopped by a usage, config, schema or source problem (the office's to fix)
    ERROR = "error"  # stopped by a bug of ours
    SKIPPED = "skipped"  # not run: not a working day

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self]


EXIT_CODES: dict[Outcome, int] = {
    Outcome.OK: 0,
    Outcome.SKIPPED: 0,
    Outcome.DATA_ERRORS: 1,
    Outcome.PROBLEM: 2,
    Outcome.ERROR: 2,
}


def worst(outcomes: list[Outcome]) -> int:
    """The exit code of several jobs run together: the highest of theirs (0 for none)."""
    return max((o.exit_code for o in outcomes), default=0)


class JobResult:
    """Base of every job's result: a job says its outcome, the exit code follows from it."""

    @property
    def outcome(self) -> Outcome:
        raise NotImplementedError

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code


def problem_line(message: str, hint: str | None) -> str:
    """A problem as the CLI prints it on stderr (after "错误："): the message, then the hint on its
    own line. A job keeps the problems it went on after (a workbook not read or not written)."""
    return message + (f"\n{tr('cli.hint')}{hint}" if hint else "")
