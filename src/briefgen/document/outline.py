"""The order of a brief's parts, and of a recommendation card's: written here once, followed by every format.

The DOCX writer, the HTML templates (one partial per part), the redline (the DOCX writer's
output compared) and the benchmark's peer export all walk `outline(brief)` and, inside each
recommendation, `card(rec)`; a part is added or moved here and nowhere else.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from briefgen.document.model import ChangeLine, ChangesSince, TailoredBrief, TailoredRecommendation

Part = Literal[
    "title", "changes", "summary", "profile", "analysis", "changes_continued", "recommendations", "references"
]

READING_ORDER: tuple[Part, ...] = (
    "title",
    "changes",
    "summary",
    "profile",
    "analysis",
    "changes_continued",
    "recommendations",
    "references",
)
"""The parts in reading order, for a brief that puts its analysis before its actions. The changes
that do not fit the box on page one continue where the recommendations start."""

BOX_LINES = 12
"""Lines of text the changes box on page one holds at most: with its heading and padding, a third
of page one's text area (252 mm; 13 pt a line at the box's 9.5 pt). Tested from the PDF's text
positions, in English and Russian."""

CHARS_PER_LINE = 78
"""Characters of a change line on one printed line of the box, counted low (Cyrillic and a long
word that wraps early): an estimate that errs towards a shorter box."""


def changes_split(changes: ChangesSince) -> tuple[tuple[ChangeLine, ...], tuple[ChangeLine, ...]]:
    """Return the change lines the box on page one shows, and those that continue before the recommendations.

    Every format splits alike, by the lines of text each change takes; when some must move on, the
    box keeps a line to say where they went.
    """
    items = changes.items

    def height(item: ChangeLine) -> int:
        return max(1, math.ceil(len(item.text) / CHARS_PER_LINE))

    if sum(height(item) for item in items) <= BOX_LINES:
        return items, ()
    used, count = 1, 0  # one line says where the rest went
    for item in items:
        if used + height(item) > BOX_LINES and count:
            break
        used += height(item)
        count += 1
    return items[:count], items[count:]


def outline(brief: TailoredBrief) -> tuple[Part, ...]:
    """Return the parts `brief` shows, in reading order; a part with nothing to show is left out.

    A brief with `analysis_position: after-recommendations` swaps those two parts (the changes
    that continue still come just before the recommendations).
    """
    order = list(READING_ORDER)
    if brief.analysis_position == "after-recommendations" and {"analysis", "recommendations"} <= set(order):
        order.remove("analysis")
        order.insert(order.index("recommendations") + 1, "analysis")
    continued = brief.changes is not None and bool(changes_split(brief.changes)[1])
    shown = {
        "changes": brief.changes is not None,
        "changes_continued": continued,
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

CARD_OPENING: tuple[CardPart, ...] = ("heading", "meta", "progress")
"""The parts a page never separates; the page keeps them with the label and first lines of the
part that follows (print.css), not with all of it, so a long trigger does not leave a hole."""


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
