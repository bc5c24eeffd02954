"""The bibliography: `briefs/<brief>/sources.yaml` (or a CSL-JSON or BibTeX export), a mapping from key to work."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    RootModel,
    SerializerFunctionWrapHandler,
    Strict,
    StringConstraints,
    model_serializer,
    model_validator,
)

from briefgen.models.common import Day, Line, Slug, SourceModel

Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"]+$", max_length=2000)]
Doi = Annotated[str, StringConstraints(pattern=r"^10\.[0-9]{4,9}/[^\s<>\"]+$", max_length=300)]

_DETAILS = ("volume", "issue", "pages", "doi", "description")


class Source(SourceModel):
    """One cited work."""

    type: Literal["report", "article", "book", "news", "dataset", "webpage"]
    """Kind of work."""
    author: list[Line] | Line
    """Personal authors as a list ("Chen, Li"), or one organisation as text ("World Bank")."""
    title: Line | None = None
    """Title of the work, as the work itself gives it (in its own language)."""
    description: Line | None = None
    """What the work is, in the brief's words, where its real title is not known (`Report on
    the 1997 oil pipeline agreement`): printed in square brackets, and translated with the
    brief. Give either `title` or `description`."""
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
    volume: Line | None = None
    """Volume of the journal or series (`12`)."""
    issue: Line | None = None
    """Issue or number within the volume (`3`)."""
    pages: Line | None = None
    """Pages of the work within its container (`45-67`)."""
    doi: Doi | None = None
    """Digital Object Identifier, without `https://doi.org/` (`10.5194/tc-7-81-2013`); printed as a link."""

    @model_validator(mode="after")
    def _title_or_description(self) -> Source:
        if (self.title is None) == (self.description is None):
            raise ValueError(
                "give the work's `title`, or a `description` of it where the title is not known (not both)"
            )
        return self

    @property
    def named(self) -> str:
        """Return the title, or the description where the title is not known."""
        return self.title or self.description or ""

    @model_serializer(mode="wrap")
    def _omit_absent_details(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        """Leave out the bibliographic details a work does not have, so that works written
        before they existed keep their frozen form (and released editions their hashes)."""
        data: dict[str, object] = handler(self)
        for name in (*_DETAILS, "title"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


class Sources(RootModel[dict[Slug, Source]]):
    """Every work the brief cites, by key."""
