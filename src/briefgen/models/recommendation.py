"""A recommendation: `briefs/<brief>/recommendations/<id>.yaml`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from briefgen.models.common import CountryCode, Line, Markdown, Slug, SourceModel
from briefgen.models.conditions import Condition


class Audience(SourceModel):
    """Whom the recommendation addresses."""

    countries: Literal["all"] | list[CountryCode] = "all"
    """`all` the brief's countries, or a list of codes."""
    institutions: list[Slug] = []
    """Institutions addressed (`foreign-ministry`)."""


class Trigger(SourceModel):
    """The situation in which the recommendation applies."""

    summary: Markdown
    """The situation, in words."""
    when: Condition | None = None
    """Structured condition on country and scenario facts; absent means always."""
    watch: list[Markdown] = []
    """Indicators to monitor."""


class Step(SourceModel):
    """A step kept only in the briefs of the countries it fits."""

    text: Markdown
    """The step."""
    countries: list[CountryCode] | None = None
    """Show only in these countries' briefs; absent means every brief."""
    when: Condition | None = None
    """Show only where this condition holds (as a recommendation's `when`)."""


class Action(SourceModel):
    """What the government should do."""

    summary: Markdown
    """The action in a sentence or two."""
    steps: list[Markdown | Step] = []
    """Concrete steps, in order: text (every brief), or `{text, countries, when}` (only where it fits)."""

    def step_text(self, index: int) -> str:
        """Return the text of step `index` (from 0), whether it is plain or tailored."""
        step = self.steps[index]
        return step if isinstance(step, str) else step.text


class Evidence(SourceModel):
    """A factual claim that supports the recommendation, with its source."""

    claim: Markdown
    """The claim."""
    source: Slug
    """Key of the work in sources.yaml."""
    pages: Line | None = None
    """Page or pages of the work (`3`, `12-14`)."""
    countries: list[CountryCode] | None = None
    """Show only in these countries' briefs; absent means every brief."""
    when: Condition | None = None
    """Show only where this condition holds (as a recommendation's `when`)."""


class Recommendation(SourceModel):
    """One recommendation to the governments of the brief."""

    id: Slug
    """Identifier, equal to the file name."""
    title: Line
    """Title, as an imperative sentence."""
    priority: Annotated[int, Strict()] = Field(ge=1, le=1000)
    """1 is most urgent; orders recommendations in each brief."""
    number: int | None = Field(default=None, ge=1, le=1000)
    """Its number in every country's brief; default: by priority, then id, after explicit numbers."""
    horizon: Line | None = None
    """Time frame (`12-24 months`)."""
    audience: Audience = Audience()
    """Countries and institutions addressed."""
    trigger: Trigger
    """When it applies."""
    action: Action
    """What to do."""
    rationale: Markdown | None = None
    """Why."""
    evidence: list[Evidence] = []
    """Claims with sources."""
    country_notes: dict[CountryCode, Markdown] = {}
    """A paragraph added for one country's brief."""
    status: Literal["active", "retired"] = "active"
    """`retired` recommendations are kept for history and not rendered."""
