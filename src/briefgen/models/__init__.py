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
from briefgen.models.conditions import AllOf, AnyOf, Condition, FactTest, NotOf, SeriesTest, StatusTest
from briefgen.models.country import CountryProfile, Fact, Highlight, OfficialName, Term, terms
from briefgen.models.recipient import Recipient, Recipients
from briefgen.models.recommendation import Action, Audience, Evidence, Recommendation, Step, Trigger
from briefgen.models.source import Source, Sources
from briefgen.models.tracking import Assessment, AssessmentEvidence, Tracking

__all__ = [
    "Action",
    "AllOf",
    "AnyOf",
    "Assessment",
    "AssessmentEvidence",
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
    "OfficialName",
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
    "StatusTest",
    "Step",
    "Term",
    "Tracking",
    "Trigger",
    "terms",
]
