"""Trigger conditions: one documented meaning for every case, never evaluated as code."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.models import AllOf, AnyOf, FactTest, NotOf
from briefgen.models.recommendation import Trigger
from briefgen.tailoring.conditions import evaluate


def when(data: Any) -> Any:
    return Trigger.model_validate({"summary": "s", "when": data}).when


def holds(
    condition: Any, country: dict[str, Any] | None = None, scenario: dict[str, Any] | None = None
) -> bool:
    return evaluate(when(condition), country or {}, scenario or {}).holds


@pytest.mark.unit
@pytest.mark.parametrize(
    ("test", "value", "expected"),
    [
        ({"equals": "recovering"}, "recovering", True),
        ({"equals": "recovering"}, "stalled", False),
        ({"equals": 1}, 1.0, True),
        ({"equals": 1}, True, False),  # true is not the number 1
        ({"equals": True}, 1, False),
        ({"equals": "1"}, 1, False),  # text never equals a number
        ({"in": ["a", "b"]}, "b", True),
        ({"in": ["a", 2]}, 2.0, True),
        ({"in": []}, "a", False),
        ({"gt": 0.2}, 0.3, True),
        ({"gt": 0.3}, 0.3, False),
        ({"gte": 0.3}, 0.3, True),
        ({"lt": 0.1}, 0.05, True),
        ({"lte": 0.1}, 0.1, True),
        ({"gte": 0.1}, "0.5", False),  # comparing text with a number is false, not an error
        ({"gte": 0}, True, False),  # true/false is not a number
        ({"exists": True}, 0, True),
        ({"exists": False}, 0, False),
    ],
)
def test_a_fact_test_compares_like_with_like(test: dict[str, Any], value: Any, expected: bool) -> None:
    assert holds({"fact": "country.x", **test}, {"x": value}) is expected


@pytest.mark.unit
@pytest.mark.parametrize("op", [{"equals": 1}, {"in": [1]}, {"gt": 0}, {"gte": 0}, {"lt": 9}, {"lte": 9}])
def test_a_missing_fact_makes_every_test_false(op: dict[str, Any]) -> None:
    assert holds({"fact": "country.absent", **op}, {"other": 1}) is False


@pytest.mark.unit
def test_a_missing_fact_is_what_exists_false_asks_for() -> None:
    assert holds({"fact": "country.absent", "exists": False}) is True
    assert holds({"fact": "country.absent", "exists": True}) is False


@pytest.mark.unit
def test_country_and_scenario_facts_are_read_from_their_own_scope() -> None:
    condition = {"fact": "scenario.economy", "equals": "up"}
    assert holds(condition, country={"economy": "up"}, scenario={"economy": "down"}) is False
    assert holds(condition, country={"economy": "down"}, scenario={"economy": "up"}) is True


@pytest.mark.unit
def test_the_deciding_leaf_of_a_failing_all_is_the_first_that_failed() -> None:
    condition = when(
        {
            "all": [
                {"fact": "country.a", "equals": 1},
                {"fact": "country.b", "gte": 5},
                {"fact": "country.c", "equals": 1},
            ]
        }
    )
    verdict = evaluate(condition, {"a": 1, "b": 2, "c": 0}, {})
    assert not verdict.holds
    assert [(leaf.fact, leaf.value) for leaf in verdict.deciding] == [("country.b", 2)]


@pytest.mark.unit
def test_the_deciding_leaf_of_a_passing_any_is_the_first_that_held() -> None:
    condition = when({"any": [{"fact": "scenario.s", "equals": "x"}, {"fact": "country.b", "gte": 5}]})
    verdict = evaluate(condition, {"b": 7}, {"s": "y"})
    assert verdict.holds and [leaf.fact for leaf in verdict.deciding] == ["country.b"]


@pytest.mark.unit
def test_a_text_that_looks_like_code_is_just_compared() -> None:
    assert holds({"fact": "country.x", "equals": "__import__('os').system('true')"}, {"x": "1"}) is False


# --- properties -------------------------------------------------------------------------

NAMES = ["a", "b", "c", "d"]
values = st.one_of(
    st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3)
)
SCOPES = st.sampled_from(["country", "scenario"])


def _leaf(scope: str, name: str, op: str, operand: Any) -> FactTest:
    return FactTest.model_validate({"fact": f"{scope}.{name}", op: operand})


leaves = st.one_of(
    st.builds(
        _leaf,
        SCOPES,
        st.sampled_from(NAMES),
        st.just("equals"),
        st.one_of(st.booleans(), st.integers(-5, 5), st.text(max_size=2)),
    ),
    st.builds(
        _leaf, SCOPES, st.sampled_from(NAMES), st.sampled_from(["gt", "gte", "lt", "lte"]), st.floats(-10, 10)
    ),
    st.builds(_leaf, SCOPES, st.sampled_from(NAMES), st.just("exists"), st.booleans()),
    st.builds(_leaf, SCOPES, st.sampled_from(NAMES), st.just("in"), st.lists(st.integers(-3, 3), max_size=3)),
)
conditions = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(lambda xs: AllOf.model_validate({"all": xs}), st.lists(children, max_size=3)),
        st.builds(lambda xs: AnyOf.model_validate({"any": xs}), st.lists(children, max_size=3)),
        st.builds(lambda x: NotOf.model_validate({"not": x}), children),
    ),
    max_leaves=12,
)
profiles = st.dictionaries(st.sampled_from(NAMES), values, max_size=4)


@pytest.mark.unit
@given(conditions, profiles, profiles)
def test_evaluation_never_raises_on_any_profile(
    condition: Any, country: dict[str, Any], scenario: dict[str, Any]
) -> None:
    verdict = evaluate(condition, country, scenario)
    assert isinstance(verdict.holds, bool)


@pytest.mark.unit
@given(conditions, profiles, profiles)
def test_not_inverts(condition: Any, country: dict[str, Any], scenario: dict[str, Any]) -> None:
    negated = NotOf.model_validate({"not": condition})
    assert evaluate(negated, country, scenario).holds is not evaluate(condition, country, scenario).holds


@pytest.mark.unit
@given(profiles, profiles)
def test_all_of_nothing_holds_and_any_of_nothing_does_not(
    country: dict[str, Any], scenario: dict[str, Any]
) -> None:
    assert evaluate(AllOf.model_validate({"all": []}), country, scenario).holds is True
    assert evaluate(AnyOf.model_validate({"any": []}), country, scenario).holds is False


@pytest.mark.unit
@given(st.lists(conditions, max_size=4), profiles, profiles)
def test_all_and_any_agree_with_their_parts(
    parts: list[Any], country: dict[str, Any], scenario: dict[str, Any]
) -> None:
    results = [evaluate(p, country, scenario).holds for p in parts]
    assert evaluate(AllOf.model_validate({"all": parts}), country, scenario).holds is all(results)
    assert evaluate(AnyOf.model_validate({"any": parts}), country, scenario).holds is any(results)
