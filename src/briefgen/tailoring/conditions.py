"""Evaluate a trigger's `when` condition against one country profile and one scenario.

Never as code: the condition is a tree of models, walked here. The meaning, in one place:

- `country.<name>` is the profile's fact value; `scenario.<name>` the active scenario's fact.
- A fact that is not defined makes its test false, whatever the operator, except `exists`
  (`exists: true` is false, `exists: false` is true).
- `equals` and `in` compare like with like: a number equals a number of the same value
  (`1 == 1.0`), text equals the same text, true/false only true/false. A number never equals
  text, and `true` never equals `1`.
- `gt`, `gte`, `lt`, `lte` hold only for numbers (not true/false, not text); on anything
  else the test is false.
- `all([])` is true, `any([])` is false, `not` inverts.

Each evaluation records the leaves that decided the outcome, with the value each fact had, so
`briefgen explain` and the briefs can say exactly why a recommendation applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from briefgen.document.model import MISSING, LeafResult
from briefgen.models import AllOf, AnyOf, Condition, FactTest, NotOf
from briefgen.models.common import Scalar


@dataclass(frozen=True)
class Verdict:
    """Whether a condition holds, and the leaves that decided it."""

    holds: bool
    deciding: tuple[LeafResult, ...]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(value: Any, operand: Any) -> bool:
    if isinstance(value, bool) or isinstance(operand, bool):
        return isinstance(value, bool) and isinstance(operand, bool) and value == operand
    if _is_number(value) and _is_number(operand):
        return bool(value == operand)
    if isinstance(value, str) and isinstance(operand, str):
        return value == operand
    return False


def leaf_holds(test: FactTest, value: Any) -> bool:
    """Return whether one fact test holds for `value` (MISSING when the fact is not defined)."""
    op, operand = test.operator, test.operand
    if op == "exists":
        return (value is not MISSING) == bool(operand)
    if value is MISSING:
        return False
    if op == "equals":
        return _same(value, operand)
    if op == "in":
        return any(_same(value, candidate) for candidate in operand)
    if not (_is_number(value) and _is_number(operand)):
        return False
    if op == "gt":
        return bool(value > operand)
    if op == "gte":
        return bool(value >= operand)
    if op == "lt":
        return bool(value < operand)
    return bool(value <= operand)  # lte


def evaluate(
    condition: Condition | None,
    country_facts: Mapping[str, Scalar],
    scenario_facts: Mapping[str, Scalar],
) -> Verdict:
    """Evaluate `condition`; no condition always holds."""
    if condition is None:
        return Verdict(True, ())
    if isinstance(condition, FactTest):
        scope, name = condition.fact.split(".", 1)
        facts = country_facts if scope == "country" else scenario_facts
        value = facts.get(name, MISSING)
        holds = leaf_holds(condition, value)
        return Verdict(
            holds, (LeafResult(condition.fact, condition.operator, condition.operand, value, holds),)
        )
    if isinstance(condition, NotOf):
        inner = evaluate(condition.not_, country_facts, scenario_facts)
        return Verdict(not inner.holds, inner.deciding)
    if isinstance(condition, AllOf):
        results = [evaluate(c, country_facts, scenario_facts) for c in condition.all]
        failing = next((r for r in results if not r.holds), None)
        if failing is not None:
            return Verdict(False, failing.deciding)
        return Verdict(True, tuple(leaf for r in results for leaf in r.deciding))
    assert isinstance(condition, AnyOf)
    results = [evaluate(c, country_facts, scenario_facts) for c in condition.any]
    passing = next((r for r in results if r.holds), None)
    if passing is not None:
        return Verdict(True, passing.deciding)
    return Verdict(False, tuple(leaf for r in results for leaf in r.deciding))
