"""Pydantic models of the source files; no I/O."""

from briefgen.models.brief import Author, Brief, Passage, Scenario, Section
from briefgen.models.conditions import AllOf, AnyOf, Condition, FactTest, NotOf
from briefgen.models.country import CountryProfile, Fact
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
    "NotOf",
    "Passage",
    "Recipient",
    "Recipients",
    "Recommendation",
    "Scenario",
    "Section",
    "Source",
    "Sources",
    "Trigger",
]
