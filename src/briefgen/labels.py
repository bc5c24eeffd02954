"""The fixed words of a brief ("Executive summary", "When this applies"), shared by every renderer.

Renderers take these words from here, never spell them out themselves, so the DOCX and the PDF
say the same thing and a translation is one more table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ENGLISH: Mapping[str, str] = {
    "summary": "Executive summary",
    "at_a_glance": "At a glance: {country}",
    "fact": "Fact",
    "value": "Value",
    "year": "Year",
    "source": "Source",
    "sources": "Sources",
    "highlights": "Highlights",
    "analysis": "Analysis",
    "recommendations": "Recommendations",
    "recommendation": "Recommendation {number}",
    "when": "When this applies",
    "applies": "Applies because",
    "watch": "Indicators to watch",
    "what": "What to do",
    "why": "Why",
    "evidence": "Evidence",
    "for_country": "For {country}",
    "horizon": "Horizon",
    "addressed_to": "Addressed to",
    "references": "References",
    "edition": "Edition {edition}",
    "scenario": "Scenario: {scenario}",
    "page": "Page {page} of {pages}",
    "changes": "Changes since edition {edition}",
    "no_changes": "Nothing in this brief has changed since edition {edition}.",
    "notes": "Notes",
    "figure": "Figure {number}. {title}",
    "figure_source": "Source: {sources}",
    "figure_sources": "Sources: {sources}",
    "alt_intro": "{kind} chart: {title}, {start}–{end}.",
    "alt_line": "Line",
    "alt_bar": "Bar",
    "alt_compare": "{country} is highlighted; {others} are shown in grey for comparison.",
    "alt_recipient": (
        "{country}: {first} in {first_year}; highest {high} in {high_year}, lowest {low} in {low_year}."
    ),
    "alt_latest": "Latest value: {latest} in {latest_year}.",
    "alt_range": (
        "Across the countries shown, values range from {low} ({low_country}, {low_year}) "
        "to {high} ({high_country}, {high_year})."
    ),
    "alt_gaps": "No value is recorded for {gaps}.",
    "and": "and",
}


def labels(language: str) -> Mapping[str, str]:
    """Return the brief's fixed words in `language` (English until a translation exists)."""
    return ENGLISH


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(label: str, **values: object) -> str:
    """Return a fixed phrase with its `{placeholders}` filled: fill("For {country}", country="Peru")."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), label)
