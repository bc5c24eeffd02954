"""A trigger's structured `when` condition: all / any / not and fact tests."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from briefgen.models.common import Number, Scalar, SourceModel

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
        for key in ("all", "any", "not", "fact"):
            if key in value:
                return "@" + key
        return None
    kinds: dict[type, str] = {AllOf: "@all", AnyOf: "@any", NotOf: "@not", FactTest: "@fact"}
    return kinds.get(type(value))


Condition = Annotated[
    Annotated[AllOf, Tag("@all")]
    | Annotated[AnyOf, Tag("@any")]
    | Annotated[NotOf, Tag("@not")]
    | Annotated[FactTest, Tag("@fact")],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with one of: all, any, not, fact",
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
