"""The order of a brief's parts, and of a recommendation card's: written here once, followed by every format.

The DOCX writer, the HTML templates (one partial per part), the redline (the DOCX writer's
output compared) and the benchmark's peer export all walk `outline(brief)` and, inside each
recommendation, `card(rec)`; a part is added or moved here and nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from briefgen.document.model import TailoredBrief, TailoredRecommendation

Part = Literal["title", "changes", "summary", "profile", "analysis", "recommendations", "references"]

READING_ORDER: tuple[Part, ...] = (
    "title",
    "changes",
    "summary",
    "profile",
    "analysis",
    "recommendations",
    "references",
)
"""The parts in reading order, for a brief that puts its analysis before its actions."""


def outline(brief: TailoredBrief) -> tuple[Part, ...]:
    """Return the parts `brief` shows, in reading order; a part with nothing to show is left out.

    A brief with `analysis_position: after-recommendations` swaps those two parts.
    """
    order = list(READING_ORDER)
    if brief.analysis_position == "after-recommendations" and {"analysis", "recommendations"} <= set(order):
        a, r = order.index("analysis"), order.index("recommendations")
        order[a], order[r] = order[r], order[a]
    shown = {
        "changes": brief.changes is not None,
        "analysis": bool(brief.sections),
        "recommendations": bool(brief.recommendations),
        "references": bool(brief.references),
    }
    return tuple(part for part in order if shown.get(part, True))


CardPart = Literal["heading", "meta", "progress", "when", "watch", "what", "why", "evidence", "country_note"]

CARD_ORDER: tuple[CardPart, ...] = (
    "heading",
    "meta",
    "progress",
    "when",
    "watch",
    "what",
    "why",
    "evidence",
    "country_note",
)
"""A recommendation card's parts in reading order: its number and title; horizon and addressees;
where this government stands on it (the follow-up's latest status); when it applies (and why
here); indicators to watch; what to do (action and steps); why; evidence; the note for this
country."""

CARD_OPENING: tuple[CardPart, ...] = ("heading", "meta", "progress", "when")
"""The parts a page never separates: a card's heading stays with its first lines."""


def card(rec: TailoredRecommendation) -> tuple[CardPart, ...]:
    """Return the parts a recommendation's card shows, in reading order."""
    shown = {
        "meta": bool(rec.horizon or rec.institutions),
        "progress": rec.progress is not None,
        "watch": bool(rec.watch),
        "why": rec.rationale is not None,
        "evidence": bool(rec.evidence),
        "country_note": rec.country_note is not None,
    }
    return tuple(part for part in CARD_ORDER if shown.get(part, True))
