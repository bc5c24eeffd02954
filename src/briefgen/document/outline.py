"""The order of a brief's parts: written here once, followed by every format.

The DOCX writer, the HTML templates (one partial per part), the redline (the DOCX writer's
output compared) and the benchmark's peer export all walk `outline(brief)`; a part is added or
moved here and nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from briefgen.document.model import TailoredBrief

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
