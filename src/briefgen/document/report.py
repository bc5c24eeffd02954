"""The implementation report: a document of its own on the follow-up of one brief.

What each government has done with the recommendations: the matrix of latest statuses, a chart
of statuses over time, the steps past their horizon, and per country each assessment with its
evidence. Made by `briefgen.tailoring.report`, rendered by the same renderers and page
furniture as the briefs (`HtmlRenderer.report_document`, `PdfRenderer.render_report`,
`DocxRenderer.render_report`). Plain dataclasses and the rich-text tree, like `TailoredBrief`:
a renderer never sees the sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefgen.document.doctree import RichText
from briefgen.document.model import EvidenceItem, Reference
from briefgen.document.theme import DEFAULT_THEME, Theme


@dataclass(frozen=True)
class MatrixCell:
    """One recommendation for one country in the report's matrix."""

    country: str
    applies: bool
    status: str
    label: str
    """The status in the report's words; "" when there is no assessment."""
    month: str
    """The month of the latest assessment ("September 2021"); "" without one."""
    trend: str
    """How it moved since the assessment before, in words ("improved"); "" without one."""


@dataclass(frozen=True)
class MatrixRow:
    """One recommendation across the countries."""

    number: int
    title: str
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class StatusSeries:
    """One recommendation's statuses over time in one country: (date, place on the scale)."""

    country: str
    number: int
    points: tuple[tuple[dt.date, int], ...]


@dataclass(frozen=True)
class StatusChart:
    """Statuses over time, one panel per country: drawn by `render.statuschart`."""

    title: str
    label: str
    """"Figure 1"."""
    countries: tuple[tuple[str, str], ...]
    """(code, name) of each panel, in the brief's order."""
    series: tuple[StatusSeries, ...]
    scale: tuple[str, ...]
    """The status labels from `not-assessed` to `full`, in the report's words."""
    start: dt.date
    end: dt.date
    alt: str
    source_label: str
    source: str
    language: str
    accent: str | None = None
    font: str | None = None


@dataclass(frozen=True)
class ReportAssessment:
    """One assessment as the report prints it."""

    status: str
    label: str
    date: dt.date
    month: str
    trend: str
    summary: RichText
    lead: str
    assessor: str
    evidence: tuple[EvidenceItem, ...]
    illustrative: bool


@dataclass(frozen=True)
class ReportPart:
    """The assessments of one recommendation as a whole, or of one of its steps (newest first)."""

    heading: str
    """"The recommendation as a whole", or "Step 2: …"."""
    assessments: tuple[ReportAssessment, ...]
    step: int | None = None


@dataclass(frozen=True)
class ReportRecommendation:
    """One recommendation in one country's section."""

    number: int
    title: str
    applies: bool
    parts: tuple[ReportPart, ...]


@dataclass(frozen=True)
class ReportCountry:
    """One government's follow-up."""

    code: str
    name: str
    recommendations: tuple[ReportRecommendation, ...]


@dataclass(frozen=True)
class ImplementationReport:
    """Everything the implementation report shows, in one language.

    The fields the page furniture reads are named as a brief's (`title`, `series`, `marking`,
    `country_name`, `draft`, `theme`…), so the report's pages look like the briefs'.
    """

    brief_id: str
    edition: int
    language: str
    date: dt.date
    date_text: str
    title: str
    subtitle: str
    series: str
    organisation: str
    marking: str | None
    country_name: str
    """What the foot of each page says after the title: "Implementation report"."""
    as_of: str
    """"Assessments up to 15 November 2021"."""
    countries: tuple[tuple[str, str], ...]
    matrix: tuple[MatrixRow, ...]
    chart: StatusChart | None
    overdue: tuple[tuple[str, str], ...]
    """Each step past its horizon: (the step, when it was due and where it is not fully implemented)."""
    overdue_note: str
    sections: tuple[ReportCountry, ...]
    references: tuple[Reference, ...]
    illustrative: bool
    """Whether any assessment shown is illustrative: the report then says so up front."""
    draft: bool = False
    draft_translation: bool = False
    draft_translation_note: str | None = None
    """What every page says of a draft translation (see `TailoredBrief.draft_translation_note`)."""
    theme: Theme = DEFAULT_THEME
    authors: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """Return the output file stem: `<brief>-implementation-report-e<edition>`."""
        return f"{self.brief_id}-implementation-report-e{self.edition}"

    @property
    def prepared_for(self) -> str:
        """Return what the document's description says (the subtitle)."""
        return self.subtitle
