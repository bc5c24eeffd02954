"""The brief: `briefs/<brief>/brief.yaml`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, Strict, model_validator

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
from briefgen.models.conditions import Condition


class Author(SourceModel):
    """An author of the brief."""

    name: Line
    """Name."""
    affiliation: Line | None = None
    """Institution."""


class Passage(SourceModel):
    """One paragraph of the summary or of an analysis section, kept only where it applies."""

    text: Markdown | None = None
    """The paragraph."""
    countries: list[CountryCode] | None = None
    """Show only in these countries' briefs; absent means every brief."""
    when: Condition | None = None
    """Show only where this condition holds (as a recommendation's `when`)."""
    generated: Literal["lead", "recommendations"] | None = None
    """`lead`: the country lead, sentences on the facts that decided this country's brief and what
    it recommends; `recommendations`: one sentence naming the recommendations this brief contains."""

    @model_validator(mode="after")
    def _one_kind(self) -> Passage:
        if (self.text is None) == (self.generated is None):
            raise ValueError(
                "a passage has either `text` or `generated: lead` (or `recommendations`), not both or neither"
            )
        return self


TailoredText = Markdown | list[Markdown | Passage]
"""Text that is the same everywhere (Markdown), or paragraphs each tailored (a list)."""


class Section(SourceModel):
    """A section of analysis; its paragraphs may be tailored like the summary's."""

    heading: Line
    """Section heading."""
    body: TailoredText
    """Section text: Markdown, or a list of paragraphs (Markdown, or passages)."""


class Scenario(SourceModel):
    """A named state of the world that triggers can test."""

    label: Line
    """How briefs name the scenario."""
    facts: dict[FactName, Scalar] = {}
    """Facts of this scenario; triggers refer to them as `scenario.<name>`."""


class ProfileChoice(SourceModel):
    """What of the shared country profiles this brief shows; absent, it shows everything."""

    facts: list[FactName] | None = None
    """Facts of the "At a glance" table, in this order; a profile without one of them skips it.
    Facts left out are not printed but still drive conditions."""
    highlights: list[Slug] | None = None
    """Highlights shown: those whose id or one of whose tags is listed, in the profile's order."""


class FigureSpec(SourceModel):
    """A chart of one series fact, drawn for each country's brief."""

    id: Slug
    """Identifier of the figure."""
    title: Line
    """Title printed above it, after "Figure N."."""
    kind: Literal["line", "bar"] = "line"
    """A line over the years, or bars (one a year; with `compare`, the latest year's value per country)."""
    fact: FactName
    """The series fact drawn (`trade_with_china_usd_bn`)."""
    years: tuple[int, int]
    """First and last year drawn, `[2010, 2019]`."""
    compare: Literal["region"] | None = None
    """`region`: draw the brief's other countries in grey, the recipient in the accent colour."""
    place: str = "profile"
    """Where it stands: `profile` (after "At a glance") or the heading of an analysis section."""

    @model_validator(mode="after")
    def _years_in_order(self) -> FigureSpec:
        if self.years[0] > self.years[1]:
            raise ValueError(
                f"years must run from the earlier to the later ({self.years[0]} > {self.years[1]})"
            )
        return self


class ChangeRule(SourceModel):
    """When a new value of a profile fact is worth a line in the "Changes since edition N" box.

    Any one rule that holds is enough; a value that is not a number (yes/no, text) is listed
    whenever it changes."""

    relative: float | None = Field(default=None, ge=0, le=1000)
    """A change of at least this fraction of the earlier value (`0.05`: 5% up or down)."""
    rank: bool = False
    """A change of the country's place among the brief's countries by this fact."""
    sign: bool = False
    """A value that turns from positive to negative, or back (growth to decline)."""


class ChangesPolicy(SourceModel):
    """What the "Changes since edition N" box lists: material changes only."""

    material: ChangeRule = ChangeRule(relative=0.05)
    """When a profile value is listed (default: a 5% relative change). A change that alters whether
    a recommendation, a step or an evidence item applies to the country is listed whatever its size."""
    facts: dict[FactName, ChangeRule] = {}
    """A fact's own rule, in place of `material` (`trade_with_china_usd_bn: {relative: 0.1}`)."""
    wording_only: dict[Annotated[int, Field(ge=1, le=9999)], list[Line]] = {}
    """Parts whose revision in an edition changed only its wording, by that edition: `summary` or a
    section's heading (`2: [summary]`). The box leaves them out."""


class Marking(SourceModel):
    """A handling marking: the sender's policy, in the analyst's own words for each language."""

    wording: dict[LanguageCode, Line]
    """The exact words printed on every page and in the subject line, per language the brief is
    published in (`{en: NOT FOR PUBLICATION, ru: НЕ ДЛЯ ПУБЛИКАЦИИ}`); never translated by a catalog."""
    email: bool = True
    """Whether copies under this marking may go by email (`false` for a restricted one:
    `distribute` then refuses to email them, naming the recipients)."""
    outbox: bool = True
    """Whether copies under this marking may be written to the outbox as drafts."""


MarkingText = Line | dict[LanguageCode, Line] | Marking
"""A marking: one wording (a one-language brief), a wording per language, or the full policy."""


def marking_loc(marking: MarkingText | None, language: str) -> tuple[str, ...]:
    """Return where a marking's wording in `language` stands in brief.yaml (for problems)."""
    if isinstance(marking, dict):
        return ("marking", language)
    if isinstance(marking, Marking):
        return ("marking", "wording", language)
    return ("marking",)


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
    date: Day
    """Date of the analysis. Page one dates a released edition by its release (recorded by
    `briefgen release`), and prints this date beside it when the two differ; a working draft
    shows this date."""
    edition: Annotated[int, Strict()] = Field(default=1, ge=1, le=9999)
    """The working edition number, 1 to 9999."""
    languages: list[LanguageCode] = []
    """Languages the brief is published in: the first is its sources' language, the rest are
    translations (`[en, ru]`). Default: `[language]`."""
    language: LanguageCode = "en"
    """Language of this text: the first of `languages` (the older single-language form)."""
    marking: MarkingText | None = None
    """Handling marking printed on every page and in each copy's subject line: the exact
    wording for each language the brief is published in (`{en: OFFICIAL, ru: …}`), or
    `{wording: {…}, email: false}` to keep copies out of email. A plain string is valid for a
    brief published in one language only."""

    @property
    def handling(self) -> Marking | None:
        """Return the marking as a policy (a plain string is the source language's wording)."""
        if self.marking is None or isinstance(self.marking, Marking):
            return self.marking
        if isinstance(self.marking, str):
            return Marking(wording={self.languages[0]: self.marking})
        return Marking(wording=dict(self.marking))

    def marking_in(self, language: str) -> str | None:
        """Return the marking's words in `language` (the source language's where none is given)."""
        handling = self.handling
        if handling is None:
            return None
        return handling.wording.get(language) or handling.wording.get(self.languages[0])

    summary: TailoredText
    """Executive summary: Markdown, or a list of paragraphs (Markdown, or passages with
    `countries`/`when`, or `generated: lead`, the country lead)."""
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
    profile: ProfileChoice | None = None
    """Which facts and highlights of the shared profiles this brief shows."""
    figures: list[FigureSpec] = []
    """Charts of series facts, numbered in reading order."""
    theme: Line | None = None
    """Theme folder, relative to this brief (`../theme`); default: the brief's `theme/`, else `briefs/theme/`."""
    changes: ChangesPolicy = ChangesPolicy()
    """What the "Changes since edition N" box lists: which profile changes are material, and which
    revisions were wording only."""

    @model_validator(mode="before")
    @classmethod
    def _languages(cls, data: Any) -> Any:
        """Read the older `language: ru` as `languages: [ru]`; reject an unknown or repeated code."""
        if not isinstance(data, dict):
            return data
        languages, language = data.get("languages"), data.get("language")
        if not languages:
            return {**data, "languages": [language or "en"]}
        if not isinstance(languages, list) or not all(isinstance(c, str) for c in languages):
            return data  # the field's own validation says what is wrong
        from babel import Locale, UnknownLocaleError

        for code in languages:
            try:
                Locale.parse(code.replace("-", "_"))
            except (UnknownLocaleError, ValueError):
                raise ValueError(
                    f"unknown language code '{code}' in languages (a BCP 47 tag such as `en`, `ru`, `kk`)"
                ) from None
        if len(set(languages)) != len(languages):
            raise ValueError(f"a language is listed twice in languages {languages}")
        if language is None:
            return {**data, "language": languages[0]}
        return data
