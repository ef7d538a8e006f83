"""Checks: field options and rule kinds, each a small class registered by name."""

from assistant.checks import conditions as _conditions  # noqa: F401  (disjoint, exactly_when)
from assistant.checks import fields as _fields  # noqa: F401  (registers the field checks)
from assistant.checks import rules as _rules  # noqa: F401  (registers the rule kinds)
from assistant.checks import series as _series  # noqa: F401  (the rule kinds over time)

# isort: split
# after the kinds above, so that lists of kinds name those first; `mask` is listed last
from assistant import masking as _masking  # noqa: F401  (registers the `mask` field option)
from assistant.checks import cross as _cross  # noqa: F401  (registers the kinds across registers)
from assistant.checks.base import FIELD_CHECKS, RULES, Context, Opt, check_option

__all__ = ["FIELD_CHECKS", "RULES", "Context", "Opt", "check_option"]
