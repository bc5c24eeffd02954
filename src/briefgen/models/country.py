"""A country profile: `briefs/countries/<CODE>.yaml`, shared by every brief."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from briefgen.models.common import (
    CountryCode,
    FactName,
    LanguageCode,
    Line,
    Markdown,
    Scalar,
    Slug,
    SourceModel,
)


class Fact(SourceModel):
    """One sourced fact about a country, which triggers can test and briefs quote."""

    value: Scalar
    """The value: a number, true/false, or text."""
    year: Annotated[int, Strict()] | None = Field(default=None, ge=1000, le=3000)
    """The year the value refers to."""
    source: Slug | None = None
    """Key of the work in the brief's sources.yaml that the value comes from."""
    label: Line | None = None
    """How the profile table names the fact (default: its name, humanised)."""
    unit: Line | None = None
    """Shown after the value (`USD bn`); `share` means a fraction shown as a percentage."""
    sentence: Line | None = None
    """What the fact says, after the country's name, `{value}` for the value (`owes its largest lender {value}
    of its public external debt`): how "Applies because …" says it."""


class CountryProfile(SourceModel):
    """A government's country profile: names, facts and highlights."""

    code: CountryCode
    """ISO 3166-1 alpha-2 code, equal to the file name (`FR`)."""
    name: Line
    """Short name (`France`)."""
    official_name: Line
    """Official name, used in "Prepared for the Government of …" (`French Republic`)."""
    capital: Line | None = None
    """Capital city."""
    languages: list[LanguageCode] = []
    """Official or working languages, as language codes."""
    facts: dict[FactName, Fact] = {}
    """Facts by name; triggers refer to them as `country.<name>`."""
    highlights: list[Markdown] = []
    """Short lines for the profile box."""
    institutions: dict[Slug, Line] = {}
    """The government's own names of the institutions recommendations address, by id
    (`foreign-ministry: Ministry of Foreign Affairs of the Republic of Ruritania`)."""
