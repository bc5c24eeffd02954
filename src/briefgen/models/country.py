"""A country profile: `briefs/countries/<CODE>.yaml`, shared by every brief."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated

from pydantic import AfterValidator, Discriminator, Field, Strict, Tag, model_validator

from briefgen.models.common import (
    CountryCode,
    Day,
    FactName,
    LanguageCode,
    Line,
    Markdown,
    Scalar,
    Slug,
    SourceModel,
)

Year = Annotated[int, Field(ge=1000, le=3000)]
"""A calendar year."""

SeriesValue = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""One point of a series: a finite number (not text, not true/false)."""


class Fact(SourceModel):
    """One sourced fact about a country, which triggers can test and briefs quote."""

    value: Scalar | None = None
    """The value: a number, true/false, or text; a fact with a `series` may leave it out (its
    latest point is then the value)."""
    year: Annotated[int, Strict()] | None = Field(default=None, ge=1000, le=3000)
    """The year the value refers to."""
    source: Slug | None = None
    """Key of the work in the brief's sources.yaml that the value comes from."""
    label: Line | None = None
    """How the profile table names the fact (default: its name, humanised)."""
    unit: Line | None = None
    """Shown after the value (`USD bn`); `share` means a fraction shown as a percentage (0 to 1),
    `percent` a number from 0 to 100."""
    sentence: Line | None = None
    """What the fact says, after the country's name, `{value}` for the value (`owes its largest lender {value}
    of its public external debt`): how "Applies because …" says it."""
    series: dict[Year, SeriesValue] | None = None
    """Values over time, year -> number, years in increasing order; a year with no known value is
    left out (a gap), never guessed."""
    sources: list[Slug] = []
    """Further works the value or series comes from (keys, like `source`)."""

    @model_validator(mode="after")
    def _value_or_series(self) -> Fact:
        if self.value is None and not self.series:
            raise ValueError("a fact needs a `value` or a `series`")
        return self

    @property
    def cited(self) -> tuple[str, ...]:
        """Return the keys of every work the fact cites, `source` first."""
        keys = [self.source] if self.source else []
        return tuple(dict.fromkeys([*keys, *self.sources]))

    @property
    def current(self) -> Scalar | None:
        """Return the value the profile table shows and conditions test: `value`, else the latest point."""
        if self.value is not None:
            return self.value
        return self.series[max(self.series)] if self.series else None

    @property
    def current_year(self) -> int | None:
        """Return the year of `current`."""
        if self.value is not None or not self.series:
            return self.year
        return max(self.series)


class Highlight(SourceModel):
    """A highlight that briefs can choose by id or tag."""

    text: Markdown
    """The line, in the Markdown subset."""
    id: Slug | None = None
    """Identifier a brief chooses it by (`profile.highlights` in brief.yaml)."""
    tags: list[Slug] = []
    """Tags a brief chooses it by (`china`, `water`)."""


class Term(SourceModel):
    """One form of an official name, in use from one day to another (a termbase entry)."""

    name: Line
    """The name in the profile's language (`Office of the President of the Republic of Ruritania`)."""
    valid_from: Day | None = None
    """The first day the name was in use (absent: since before any brief)."""
    valid_to: Day | None = None
    """The last day the name was in use (absent: still in use)."""
    forms: dict[LanguageCode, Line] = {}
    """The name in other languages, as the government itself writes it (`ru: Аппарат Президента
    Кыргызской Республики`); a language given here needs no translation in the catalog."""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Term:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"`valid_to` ({self.valid_to}) is before `valid_from` ({self.valid_from})")
        return self

    def valid_on(self, day: dt.date) -> bool:
        """Return whether the name was in use on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def _in_order(forms: list[Term]) -> list[Term]:
    if not forms:
        raise ValueError("give the name, or at least one form with `name`")
    for earlier, later in itertools.pairwise(forms):
        if earlier.valid_to is None or later.valid_from is None or later.valid_from <= earlier.valid_to:
            raise ValueError(
                f"the forms overlap or are out of order: '{earlier.name}' needs a `valid_to` before "
                f"'{later.name}''s `valid_from` (oldest first)"
            )
    return forms


DatedForms = Annotated[list[Term], AfterValidator(_in_order)]
"""An official name's forms over time, oldest first, none overlapping."""


def _official_name_kind(value: object) -> str:
    return "@forms" if isinstance(value, list | tuple) else "@text"


OfficialName = Annotated[
    Annotated[Line, Tag("@text")] | Annotated[DatedForms, Tag("@forms")],
    Discriminator(_official_name_kind),
]
"""An official name: plain text (valid at every date), or its forms over time, oldest first,
each with `valid_from` / `valid_to`, so that every brief prints the name in use on its date."""


def terms(name: OfficialName) -> list[Term]:
    """Return an official name's forms over time (one undated form for plain text)."""
    return [Term(name=name)] if isinstance(name, str) else list(name)


class CountryProfile(SourceModel):
    """A government's country profile: names, facts and highlights."""

    code: CountryCode
    """ISO 3166-1 alpha-2 code, equal to the file name (`FR`)."""
    name: Line
    """Short name (`France`)."""
    official_name: Line
    """Official name, used in "Prepared for the Government of …" (`French Republic`)."""
    government: OfficialName | None = None
    """The government's full official name, as it ends "Prepared for the …" (`Government of the
    French Republic`); a list of dated forms where it changed (`Cabinet of Ministers of …`).
    Without it, "Prepared for the Government of" and the official name are used."""
    capital: OfficialName | None = None
    """Capital city; a list of dated forms where it was renamed (Astana, Nur-Sultan, Astana)."""
    languages: list[LanguageCode] = []
    """Official or working languages, as language codes."""
    facts: dict[FactName, Fact] = {}
    """Facts by name; triggers refer to them as `country.<name>`."""
    highlights: list[Markdown | Highlight] = []
    """Short lines for the profile box: text, or `{text, id, tags}` so that a brief can choose it."""
    institutions: dict[Slug, OfficialName] = {}
    """The government's own names of the institutions recommendations address, by id
    (`foreign-ministry: Ministry of Foreign Affairs of the Republic of Ruritania`); a list of dated
    forms (`{name, valid_from, valid_to, forms}`) for an institution that was renamed."""
