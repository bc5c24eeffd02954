"""Types shared by every source model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
"""A lowercase identifier: letters, digits and single hyphens (`monitor-domestic-drivers`)."""

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 alpha-2 country code in upper case (`FR`)."""

FactName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
"""A fact's name in snake_case (`trade_with_eu_usd_bn`)."""

LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
"""A BCP 47 language tag (`en`, `ru`, `zh-Hans`)."""

Markdown = Annotated[str, StringConstraints(max_length=100_000)]
"""Text in briefgen's Markdown subset: paragraphs, *emphasis*, **strong**, lists, links,
citations `[@key, p. 12]` and footnotes `^[text]`. Raw HTML is printed as text."""

Line = Annotated[str, StringConstraints(min_length=1, max_length=500)]
"""A short line of plain text."""

Scalar = bool | int | float | str
"""A fact's value: a number, true/false, or text."""


class SourceModel(BaseModel):
    """Base of every model read from a source file: unknown keys are errors."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=False,
        populate_by_name=True,
    )
