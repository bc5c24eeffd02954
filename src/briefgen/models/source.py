"""The bibliography: `briefs/<brief>/sources.yaml`, a mapping from key to work."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel, Strict, StringConstraints

from briefgen.models.common import Day, Line, Slug, SourceModel

Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"]+$", max_length=2000)]


class Source(SourceModel):
    """One cited work."""

    type: Literal["report", "article", "book", "news", "dataset", "webpage"]
    """Kind of work."""
    author: list[Line] | Line
    """Personal authors as a list ("Chen, Li"), or one organisation as text ("World Bank")."""
    title: Line
    """Title of the work."""
    year: Annotated[int, Strict()] = Field(ge=1000, le=3000)
    """Year of publication."""
    container: Line | None = None
    """Journal, newspaper or website the work appeared in."""
    publisher: Line | None = None
    """Publisher or issuing body."""
    url: Url | None = None
    """Web address (http or https)."""
    accessed: Day | None = None
    """Date the web address was last checked."""


class Sources(RootModel[dict[Slug, Source]]):
    """Every work the brief cites, by key."""
