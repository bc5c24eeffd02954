"""The follow-up at a glance: recommendations by countries, each cell's latest status.

Plain dataclasses, made by `briefgen.tailoring.followup` and read by `briefgen track`'s
presenters (text, JSON, CSV, XLSX) and the implementation report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TRENDS = ("first", "up", "down", "same")
"""How a cell's latest status compares with the assessment before it."""


@dataclass(frozen=True)
class Cell:
    """One recommendation for one country: does it apply, and where does the government stand."""

    recommendation: str
    country: str
    applies: bool
    """Whether the recommendation is in this country's brief (as `explain` decides)."""
    status: str
    """The latest status as a whole; `not-assessed` when there is no assessment."""
    date: dt.date | None
    """The date of that assessment."""
    previous: str | None
    """The status of the assessment before it, if any."""
    trend: str | None
    """`first`, `up`, `down` or `same` (None without an assessment)."""
    lead: str | None
    """The lead institution's id, as the latest assessment names it."""
    lead_name: str | None
    """The lead institution as the government names it."""
    assessments: int
    """How many assessments of it as a whole there are."""


@dataclass(frozen=True)
class Row:
    """One recommendation, its cells in the brief's order of countries."""

    recommendation: str
    number: int
    title: str
    horizon: str | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class OverdueStep:
    """A step past the horizon it was given, with no assessment of full implementation."""

    recommendation: str
    number: int
    title: str
    step: int
    step_text: str
    country: str
    horizon: str
    given: dt.date
    """When the recommendation was first released (the date of that edition)."""
    due: dt.date
    status: str
    """The step's latest status (or the recommendation's, when the step has none)."""


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of one brief: the matrix, and the steps past their horizon."""

    brief_id: str
    edition: int
    date: dt.date
    countries: tuple[tuple[str, str], ...]
    """(code, name) in the brief's order."""
    rows: tuple[Row, ...]
    overdue: tuple[OverdueStep, ...] = ()
    as_of: dt.date | None = None
    """The day `overdue` was worked out for."""
    undated: tuple[tuple[str, str], ...] = ()
    """(recommendation, horizon) whose horizon is not a duration: their steps are not checked."""

    def cells(self) -> tuple[Cell, ...]:
        """Return every cell, row by row."""
        return tuple(cell for row in self.rows for cell in row.cells)
