"""The brief: `briefs/<brief>/brief.yaml`."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

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


class Author(SourceModel):
    """An author of the brief."""

    name: Line
    """Name."""
    affiliation: Line | None = None
    """Institution."""


class Section(SourceModel):
    """A section of analysis, common to every country's brief."""

    heading: Line
    """Section heading."""
    body: Markdown
    """Section text."""


class Scenario(SourceModel):
    """A named state of the world that triggers can test."""

    label: Line
    """How briefs name the scenario."""
    facts: dict[FactName, Scalar] = {}
    """Facts of this scenario; triggers refer to them as `scenario.<name>`."""


class Brief(SourceModel):
    """A brief: the text common to every country, and which countries get it."""

    id: Slug
    """Identifier, equal to the folder name."""
    title: Line
    """Title."""
    subtitle: Line | None = None
    """Subtitle."""
    series: Line | None = None
    """Publication series (`Policy Brief`)."""
    organisation: Line
    """Publishing organisation; the document's author."""
    authors: list[Author] = []
    """Authors."""
    date: date
    """Date of the current edition."""
    edition: int = Field(default=1, ge=1)
    """The working edition number."""
    language: LanguageCode = "en"
    """Language of this source text."""
    marking: Line | None = None
    """Handling marking printed on every page (`OFFICIAL`)."""
    summary: Markdown
    """Executive summary."""
    sections: list[Section] = []
    """Analysis common to every country."""
    scenarios: dict[Slug, Scenario] = {}
    """Named states of the world that triggers can test."""
    scenario: Slug | None = None
    """The active scenario; `--scenario` overrides it."""
    countries: list[CountryCode] = Field(min_length=1)
    """One tailored brief is made for each of these countries."""
    analysis_position: Literal["before-recommendations", "after-recommendations"] = "before-recommendations"
    """Where the analysis sections stand: before the recommendations, or after them."""
    theme: Line | None = None
    """Theme folder, relative to this brief (`../theme`); default: the brief's `theme/`, else `briefs/theme/`."""
