"""Types shared by every source model."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, Strict, StringConstraints
from pydantic_core import CoreSchema, core_schema

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

MAX_NUMBER = 10**15
"""Numbers lie strictly between -10^15 and 10^15: beyond that a value is a typing slip, and
a decimal rendering of it would lose digits."""

Integer = Annotated[int, Strict(), Field(gt=-MAX_NUMBER, lt=MAX_NUMBER)]
"""A whole number; `true`, `"3"` and `3.0` are refused, not taken as one."""

Number = Annotated[float, Strict(), Field(gt=-MAX_NUMBER, lt=MAX_NUMBER, allow_inf_nan=False)]
"""A finite number within ±10^15; `true` and `"3"` are refused."""

Scalar = bool | Integer | Number | str
"""A fact's value: a number, true/false, or text."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError(f"must be a date without a time, like 2024-03-01 (found {value.isoformat()})")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date ({exc})") from None
    raise ValueError(f"must be a date written YYYY-MM-DD (found {value!r})")


class _DaySchema:
    """A date read from a source by `_day`; from JSON (briefgen's own cache of the follow-up) by
    pydantic-core's strict date parser, which takes exactly YYYY-MM-DD too, without a call into
    Python for each of the 25,000 dates a large follow-up holds."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.json_or_python_schema(
            json_schema=core_schema.date_schema(strict=True),
            python_schema=core_schema.no_info_before_validator_function(_day, handler(source)),
        )


Day = Annotated[dt.date, _DaySchema()]
"""A calendar date written YYYY-MM-DD; a date and time, or a number, is refused."""


class SourceModel(BaseModel):
    """Base of every model read from a source file: unknown keys are errors."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=False,
        populate_by_name=True,
    )


Wording = Line | dict[LanguageCode, Line]
"""A line given in one language (a plain string: the brief's source language) or in several,
`{en: Deputy Minister, ru: Заместитель министра}`."""

Lines = list[Line] | dict[LanguageCode, list[Line]]
"""Lines given in one language (a plain list: the brief's source language) or in several,
`{en: [Institute, 5 Abai Avenue], ru: [Институт, пр. Абая, 5]}`."""


def in_language(value: Any, language: str, source: str) -> Any:
    """Return `value`'s wording in `language`, or None when it has none.

    A value given per language (a mapping) answers for the languages it names; a plain value
    is written in the brief's `source` language and answers for that language only.
    """
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(language)
    return value if language == source else None


def languages_of(value: Any, source: str) -> list[str]:
    """Return the languages `value` is given in (a plain value: the `source` language)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value)
    return [source]
