"""A trigger's structured `when` condition: all / any / not and fact tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from briefgen.models.common import Number, Scalar, Slug, SourceModel
from briefgen.models.tracking import Status

FactPath = Annotated[str, Field(pattern=r"^(country|scenario)\.[a-z][a-z0-9_]*$")]
"""`country.<fact>` (a fact of the profile being tailored for) or `scenario.<fact>`."""

OPERATORS = ("equals", "in", "gt", "gte", "lt", "lte", "exists")


class FactTest(SourceModel):
    """A leaf: one fact compared with one value, by exactly one operator."""

    fact: FactPath
    """The fact tested: `country.<name>` or `scenario.<name>`."""
    equals: Scalar | None = None
    """True when the fact equals this value."""
    in_: list[Scalar] | None = Field(default=None, alias="in")
    """True when the fact equals one of these values."""
    gt: Number | None = None
    """True when the fact is a number greater than this."""
    gte: Number | None = None
    """True when the fact is a number greater than or equal to this."""
    lt: Number | None = None
    """True when the fact is a number less than this."""
    lte: Number | None = None
    """True when the fact is a number less than or equal to this."""
    exists: bool | None = None
    """True when the fact is (true) or is not (false) defined."""

    @model_validator(mode="after")
    def _one_operator(self) -> FactTest:
        given = [op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(given) != 1:
            found = ", ".join(given) or "none"
            raise ValueError(f"a fact test needs exactly one of {', '.join(OPERATORS)} (found: {found})")
        return self

    @property
    def operator(self) -> str:
        """Return the operator this test uses."""
        return next(op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None)

    @property
    def operand(self) -> Any:
        """Return the value the fact is compared with."""
        return getattr(self, "in_" if self.operator == "in" else self.operator)


class Comparison(SourceModel):
    """A number compared by exactly one of gt, gte, lt, lte."""

    gt: float | None = None
    """True when the number is greater than this."""
    gte: float | None = None
    """True when the number is greater than or equal to this."""
    lt: float | None = None
    """True when the number is less than this."""
    lte: float | None = None
    """True when the number is less than or equal to this."""

    @model_validator(mode="after")
    def _one_operator(self) -> Comparison:
        given = [op for op in ("gt", "gte", "lt", "lte") if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a comparison needs exactly one of gt, gte, lt, lte (found: {', '.join(given) or 'none'})"
            )
        return self

    @property
    def operator(self) -> str:
        """Return the operator used."""
        return next(op for op in ("gt", "gte", "lt", "lte") if getattr(self, op) is not None)

    @property
    def operand(self) -> float:
        """Return the threshold."""
        value: float = getattr(self, self.operator)
        return value


class Change(Comparison):
    """The change of a series between two years, compared with a threshold."""

    from_: int = Field(alias="from", ge=1000, le=3000)
    """The earlier year."""
    to: int = Field(ge=1000, le=3000)
    """The later year."""
    relative: bool = False
    """Compare the change as a fraction of the earlier value (-0.4 = fell by 40%)."""

    @model_validator(mode="after")
    def _years_in_order(self) -> Change:
        if self.from_ >= self.to:
            raise ValueError(f"`from` ({self.from_}) must be earlier than `to` ({self.to})")
        return self


class SeriesTest(SourceModel):
    """A leaf on a series fact: its latest value, or its change between two years."""

    series: FactPath
    """The series fact tested: `country.<name>`."""
    latest: Comparison | None = None
    """Compare the value of the latest year the series has."""
    change: Change | None = None
    """Compare value(to) - value(from) (or, with `relative`, that over value(from))."""

    @model_validator(mode="after")
    def _one_measure(self) -> SeriesTest:
        if (self.latest is None) == (self.change is None):
            raise ValueError("a series test needs exactly one of latest, change")
        return self


class StatusMatch(SourceModel):
    """The statuses a status test accepts: exactly one of `equals` and `in`."""

    equals: Status | None = None
    """True when the status is this one."""
    in_: list[Status] | None = Field(default=None, alias="in")
    """True when the status is one of these."""

    @model_validator(mode="after")
    def _one_operator(self) -> StatusMatch:
        if (self.equals is None) == (self.in_ is None):
            raise ValueError("a status test needs exactly one of equals, in")
        return self

    @property
    def operator(self) -> str:
        """Return the operator used: `equals` or `in`."""
        return "equals" if self.equals is not None else "in"

    @property
    def operand(self) -> Any:
        """Return the status or statuses accepted."""
        return self.equals if self.equals is not None else self.in_


class StatusTest(SourceModel):
    """A leaf on the follow-up: the latest assessed status of a recommendation for the country
    being tailored for (`not-assessed` when it has no assessment as a whole)."""

    status: StatusMatch
    """The statuses for which the test holds: `{in: [no-progress, limited]}`."""
    recommendation: Slug | None = None
    """The recommendation whose status is tested; absent: the recommendation this condition
    belongs to (a summary or section paragraph must name one)."""


class AllOf(SourceModel):
    """True when every condition holds (and when the list is empty)."""

    all: list[Condition]


class AnyOf(SourceModel):
    """True when at least one condition holds (false when the list is empty)."""

    any: list[Condition]


class NotOf(SourceModel):
    """True when the condition does not hold."""

    not_: Condition = Field(alias="not")


def _kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("all", "any", "not", "fact", "series", "status"):
            if key in value:
                return "@" + key
        return None
    kinds: dict[type, str] = {
        AllOf: "@all",
        AnyOf: "@any",
        NotOf: "@not",
        FactTest: "@fact",
        SeriesTest: "@series",
        StatusTest: "@status",
    }
    return kinds.get(type(value))


Condition = Annotated[
    Annotated[AllOf, Tag("@all")]
    | Annotated[AnyOf, Tag("@any")]
    | Annotated[NotOf, Tag("@not")]
    | Annotated[FactTest, Tag("@fact")]
    | Annotated[SeriesTest, Tag("@series")]
    | Annotated[StatusTest, Tag("@status")],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with one of: all, any, not, fact, series, status",
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def leaves(
    condition: Condition, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], FactTest | SeriesTest | StatusTest]]:
    """Yield every test of a condition (fact, series and status leaves) with its field path below `loc`."""
    if isinstance(condition, FactTest | SeriesTest | StatusTest):
        yield loc, condition
    elif isinstance(condition, AllOf):
        for i, child in enumerate(condition.all):
            yield from leaves(child, (*loc, "all", i))
    elif isinstance(condition, AnyOf):
        for i, child in enumerate(condition.any):
            yield from leaves(child, (*loc, "any", i))
    elif isinstance(condition, NotOf):
        yield from leaves(condition.not_, (*loc, "not"))
