"""Pydantic models of the source files; no I/O."""

from briefgen.models.brief import (
    Author,
    Brief,
    FigureSpec,
    Marking,
    Passage,
    ProfileChoice,
    Scenario,
    Section,
)
from briefgen.models.conditions import AllOf, AnyOf, Condition, FactTest, NotOf, SeriesTest
from briefgen.models.country import CountryProfile, Fact, Highlight
from briefgen.models.recipient import Recipient, Recipients
from briefgen.models.recommendation import Action, Audience, Evidence, Recommendation, Trigger
from briefgen.models.source import Source, Sources

__all__ = [
    "Action",
    "AllOf",
    "AnyOf",
    "Audience",
    "Author",
    "Brief",
    "Condition",
    "CountryProfile",
    "Evidence",
    "Fact",
    "FactTest",
    "FigureSpec",
    "Highlight",
    "Marking",
    "NotOf",
    "Passage",
    "ProfileChoice",
    "Recipient",
    "Recipients",
    "Recommendation",
    "Scenario",
    "Section",
    "SeriesTest",
    "Source",
    "Sources",
    "Trigger",
]
