"""The follow-up: `briefs/<brief>/tracking/<CODE>.yaml`, what one government did with each recommendation.

A list of dated assessments. Each grades one recommendation (or one of its steps) on the
five-step scale of the EU's country-specific recommendations, plus "not assessed", says in a
paragraph what was done, names the institution that leads (an id of the country profile's
`institutions`) and cites its evidence like a recommendation's evidence.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel, Strict

from briefgen.models.common import Day, Line, Markdown, Slug, SourceModel

Status = Literal["not-assessed", "no-progress", "limited", "some", "substantial", "full"]
"""Where a government stands with a recommendation: the five-step scale, or not assessed."""

STATUSES: tuple[Status, ...] = ("not-assessed", "no-progress", "limited", "some", "substantial", "full")
"""The scale in order: a status later in this tuple is further along."""


class AssessmentEvidence(SourceModel):
    """What an assessment rests on: a claim and the work it comes from."""

    claim: Markdown
    """The claim, as a recommendation's evidence states one."""
    source: Slug
    """Key of the work in sources.yaml."""
    locator: Line | None = None
    """Where in the work: a page (`3`), pages (`12-14`) or a locator such as `para. 4`."""


class Assessment(SourceModel):
    """One dated assessment of what the government did with a recommendation (or one step)."""

    recommendation: Slug
    """Id of the recommendation assessed."""
    step: Annotated[int, Strict(), Field(ge=1, le=1000)] | Slug | None = None
    """One step of it, by its number in the recommendation (1 is the first); absent means the
    recommendation as a whole, whose latest assessment is the status a brief shows."""
    date: Day
    """When the assessment was made (YYYY-MM-DD); never after the brief's date."""
    status: Status
    """`no-progress`, `limited`, `some`, `substantial`, `full` (implementation), or `not-assessed`."""
    summary: Markdown
    """One paragraph: what was done, by whom, with what result; its first sentence is what a
    brief prints beside the status."""
    lead: Slug
    """The institution that leads, as an id of the country profile's `institutions`
    (`economy-ministry`), so that it is named as that government names it."""
    evidence: Annotated[list[AssessmentEvidence], Field(min_length=1)]
    """What the assessment rests on: at least one claim with its source."""
    assessor: Line
    """Who assessed: a team or a role, not a private person's name."""
    illustrative: bool = False
    """An example, not a real assessment: every page that prints it says so."""


class Tracking(RootModel[list[Assessment]]):
    """The assessments of one country, oldest first or in any order."""
