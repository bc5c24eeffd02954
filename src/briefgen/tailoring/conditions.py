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

Series leaves, `{series: country.<name>, latest: {OP: N}}` and
`{series: country.<name>, change: {from: Y1, to: Y2, OP: N, relative: false}}`, test a fact's
series (year -> value; OP one of `gt`, `gte`, `lt`, `lte`):

- `latest` compares the value of the latest year the series has, however old that year is.
- `change` compares value(Y2) - value(Y1), in the series' unit; with `relative: true`,
  (value(Y2) - value(Y1)) / value(Y1), a fraction (`lt: -0.2` = fell by more than 20%).
- A gap is never filled: when the fact has no series, or the series has no value for Y1 or
  Y2 (or, relative, value(Y1) is 0), the test is false, like a fact that is not defined.

A status leaf, `{status: {in: [no-progress, limited]}}` (or `equals`), tests the follow-up:
the latest status of a recommendation for the country, from its assessments as a whole
(`tracking/<CODE>.yaml`); a recommendation never assessed as a whole is `not-assessed`. It
tests the recommendation the condition belongs to, or the one it names (`recommendation:`).

Each evaluation records the leaves that decided the outcome, with the value each fact had, so
`briefgen explain` and the briefs can say exactly why a recommendation applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefgen.document.model import MISSING, LeafResult
from briefgen.models import AllOf, AnyOf, Condition, FactTest, NotOf, SeriesTest, StatusTest
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


def series_measure(test: SeriesTest, series: Mapping[int, float] | None) -> tuple[str, Any]:
    """Return the series leaf's measure in words and its value (MISSING where a gap decides)."""
    if test.latest is not None:
        return "latest", series[max(series)] if series else MISSING
    change = test.change
    assert change is not None
    words = f"{'relative change' if change.relative else 'change'} {change.from_}-{change.to}"
    if not series or change.from_ not in series or change.to not in series:
        return words, MISSING
    start, end = series[change.from_], series[change.to]
    if change.relative:
        return words, (end - start) / start if start else MISSING
    return words, end - start


def evaluate(
    condition: Condition | None,
    country_facts: Mapping[str, Scalar],
    scenario_facts: Mapping[str, Scalar],
    country_series: Mapping[str, Mapping[int, float]] | None = None,
    statuses: Mapping[str, str] | None = None,
    recommendation: str | None = None,
) -> Verdict:
    """Evaluate `condition`; no condition always holds.

    `statuses`: the latest status of each assessed recommendation for this country (one never
    assessed is `not-assessed`); `recommendation`: the one the condition belongs to, which a
    status leaf tests unless it names another.
    """
    if condition is None:
        return Verdict(True, ())
    if isinstance(condition, StatusTest):
        subject = condition.recommendation or recommendation
        status = (statuses or {}).get(subject, "not-assessed") if subject else MISSING
        match = condition.status
        holds = status is not MISSING and (status == match.equals or status in (match.in_ or ()))
        return Verdict(
            holds, (LeafResult(f"status.{subject}", match.operator, match.operand, status, holds),)
        )
    if isinstance(condition, SeriesTest):
        name = condition.series.split(".", 1)[1]
        found = (country_series or {}).get(name) if condition.series.startswith("country.") else None
        measure, number = series_measure(condition, found)
        comparison = condition.latest or condition.change
        assert comparison is not None
        test = FactTest.model_validate({"fact": condition.series, comparison.operator: comparison.operand})
        holds = leaf_holds(test, number)
        return Verdict(
            holds,
            (LeafResult(condition.series, comparison.operator, comparison.operand, number, holds, measure),),
        )
    if isinstance(condition, FactTest):
        scope, name = condition.fact.split(".", 1)
        facts = country_facts if scope == "country" else scenario_facts
        value = facts.get(name, MISSING)
        holds = leaf_holds(condition, value)
        return Verdict(
            holds, (LeafResult(condition.fact, condition.operator, condition.operand, value, holds),)
        )
    if isinstance(condition, NotOf):
        inner = evaluate(
            condition.not_, country_facts, scenario_facts, country_series, statuses, recommendation
        )
        return Verdict(not inner.holds, inner.deciding)
    if isinstance(condition, AllOf):
        results = [
            evaluate(c, country_facts, scenario_facts, country_series, statuses, recommendation)
            for c in condition.all
        ]
        failing = next((r for r in results if not r.holds), None)
        if failing is not None:
            return Verdict(False, failing.deciding)
        return Verdict(True, tuple(leaf for r in results for leaf in r.deciding))
    assert isinstance(condition, AnyOf)
    results = [
        evaluate(c, country_facts, scenario_facts, country_series, statuses, recommendation)
        for c in condition.any
    ]
    passing = next((r for r in results if r.holds), None)
    if passing is not None:
        return Verdict(True, passing.deciding)
    return Verdict(False, tuple(leaf for r in results for leaf in r.deciding))


@dataclass(frozen=True)
class PartVerdict:
    """Whether one tailored part (a paragraph, a step, an evidence item) is kept, and why."""

    included: bool
    reason: str
    """In explain's words: `condition fails: country.x equals True (value False): false`."""
    leaves: tuple[LeafResult, ...] = ()
    """The fact tests that decided it (none when a country list or no condition did)."""


def decide_part(
    countries: Sequence[str] | None,
    condition: Condition | None,
    country: str,
    country_facts: Mapping[str, Scalar],
    scenario_facts: Mapping[str, Scalar],
    country_series: Mapping[str, Mapping[int, float]] | None = None,
    *,
    statuses: Mapping[str, str] | None = None,
    recommendation: str | None = None,
) -> PartVerdict:
    """Decide a part that carries `countries` and `when` as a recommendation does: both must hold.

    `statuses` and `recommendation` are the follow-up's, for status tests (see `evaluate`).
    """
    if countries is not None and country not in countries:
        return PartVerdict(False, f"countries are {', '.join(countries)}; {country} is not among them")
    if condition is None:
        return PartVerdict(True, "no condition" if countries is None else f"{country} is among its countries")
    verdict = evaluate(condition, country_facts, scenario_facts, country_series, statuses, recommendation)
    tests = "; ".join(leaf.describe() for leaf in verdict.deciding)
    return PartVerdict(
        verdict.holds, f"condition {'holds' if verdict.holds else 'fails'}: {tests}", verdict.deciding
    )
