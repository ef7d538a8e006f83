"""Checks: field options and rule kinds, each a small class registered by name."""

from assistant.checks import fields as _fields  # noqa: F401  (registers the field checks)
from assistant.checks import rules as _rules  # noqa: F401  (registers the rule kinds)

# isort: split
# after the basic kinds, so that lists of kinds name those first
from assistant.checks import cross as _cross  # noqa: F401  (registers the kinds across registers)
from assistant.checks.base import FIELD_CHECKS, RULES, Context, Opt, check_option

__all__ = ["FIELD_CHECKS", "RULES", "Context", "Opt", "check_option"]
