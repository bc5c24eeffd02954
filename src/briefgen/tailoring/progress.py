"""The follow-up in a brief: where a government stands with each recommendation, and what moved.

A recommendation's status for a country is its latest assessment as a whole (`step` left
out); one never so assessed is `not-assessed`. Assessments of single steps count for
`track --overdue` and the implementation report, not for the status. Pure: the loaded
sources in, plain data out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from briefgen.document.citations import page_locator
from briefgen.document.doctree import Citation, CiteItem, Inline, Paragraph, RichText, Text
from briefgen.document.formatting import month_year
from briefgen.document.model import Progress, TailoredBrief
from briefgen.document.words import say
from briefgen.models import Assessment, CountryProfile
from briefgen.models.tracking import STATUSES
from briefgen.sources.aggregate import LoadedBrief
from briefgen.tailoring.sentences import institution_name

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«(]*[A-ZА-ЯЁÀ-ÝĀ-ſ0-9])")


def status_key(status: str) -> str:
    """Return the fixed-word key of a status: `status_no_progress`."""
    return "status_" + status.replace("-", "_")


def status_label(status: str, language: str) -> str:
    """Return a status as a reader reads it: "Some progress"."""
    return say(language, status_key(status))


def rank(status: str) -> int:
    """Return a status's place on the scale (`not-assessed` 0, `full` 5)."""
    return [str(s) for s in STATUSES].index(status)


def history(
    assessments: Iterable[Assessment], recommendation: str, step: int | str | None = None
) -> list[Assessment]:
    """Return the assessments of one recommendation (as a whole, or one step of it), oldest first."""
    found = [a for a in assessments if a.recommendation == recommendation and a.step == step]
    return sorted(found, key=lambda a: a.date)


def latest(assessments: Iterable[Assessment]) -> dict[str, Assessment]:
    """Return each recommendation's latest assessment as a whole."""
    out: dict[str, Assessment] = {}
    for item in assessments:
        if item.step is not None:
            continue
        known = out.get(item.recommendation)
        if known is None or item.date > known.date:
            out[item.recommendation] = item
    return out


def latest_statuses(assessments: Iterable[Assessment]) -> dict[str, str]:
    """Return each assessed recommendation's latest status as a whole (what status tests read)."""
    return {rec: item.status for rec, item in latest(assessments).items()}


def first_sentence(text: RichText) -> tuple[Inline, ...]:
    """Return the first sentence of a text's first paragraph, as inlines (its emphasis kept)."""
    paragraph = next((b for b in text.blocks if isinstance(b, Paragraph)), None)
    if paragraph is None:
        return ()
    out: list[Inline] = []
    for node in paragraph.children:
        if isinstance(node, Text):
            end = _SENTENCE_END.search(node.text)
            if end is not None:
                out.append(Text(node.text[: end.start()].rstrip(), node.lang))
                return tuple(out)
        out.append(node)
    return tuple(out)


def evidence_citation(assessment: Assessment, language: str) -> tuple[CiteItem, ...]:
    """Return the works an assessment's evidence cites, each once, its locators joined ("pp. 8, 9")."""
    locators: dict[str, list[str]] = {}
    for item in assessment.evidence:
        found = locators.setdefault(item.source, [])
        if item.locator and item.locator not in found:
            found.append(item.locator)
    return tuple(CiteItem(key, page_locator(", ".join(found), language)) for key, found in locators.items())


def progress_line(
    loaded: LoadedBrief, assessment: Assessment, profile: CountryProfile, language: str
) -> Progress:
    """Return the line a brief prints under a recommendation: status, month, first sentence, cited."""
    items = evidence_citation(assessment, language)
    inlines = list(first_sentence(loaded.rich(assessment.summary)))
    stop = "."
    last = inlines[-1] if inlines else None
    if isinstance(last, Text) and last.text.rstrip()[-1:] in (".", "!", "?"):
        stop = last.text.rstrip()[-1]
        inlines[-1] = Text(last.text.rstrip()[:-1], last.lang)
    inlines = [node for node in inlines if not (isinstance(node, Text) and not node.text)]
    ending = inlines[-1] if inlines else None
    if isinstance(ending, Citation):  # "… rule (Rabatel, 2013; UNESCO, 2021)."
        inlines.pop()
        items = tuple(dict.fromkeys((*ending.items, *items)))
    if inlines and isinstance(inlines[-1], Text):
        inlines[-1] = Text(inlines[-1].text.rstrip(), inlines[-1].lang)
    citation = Citation(items, loaded.bibliography.cite(items))
    return Progress(
        recommendation=assessment.recommendation,
        status=assessment.status,
        label=status_label(assessment.status, language),
        date=assessment.date,
        date_text=month_year(assessment.date, language),
        text=(*inlines, Text(" "), citation, Text(stop)),
        lead=institution_name(profile, assessment.lead, language, loaded.institution_names),
        illustrative=assessment.illustrative,
    )


def statuses_of(assessments: Iterable[Assessment]) -> tuple[tuple[str, str, dt.date], ...]:
    """Return (recommendation, status, date) of each latest assessment as a whole, by recommendation."""
    return tuple((rec, item.status, item.date) for rec, item in sorted(latest(assessments).items()))


def progress_changes(before: TailoredBrief, after: TailoredBrief) -> list[str]:
    """Return the changes box's lines on the follow-up: each recommendation whose status moved
    since the previous edition ("Recommendation 2: from “Limited progress” to “Some progress”
    (March 2021)."), or that was assessed for the first time."""
    language = after.language
    was = {rec: status for rec, status, _ in before.statuses}
    numbers = {r.id: r.number for r in after.recommendations}
    titles: Mapping[str, str] = {d.recommendation: d.title for d in after.decisions}
    lines = []
    ordered: Sequence[tuple[str, str, dt.date]] = sorted(
        after.statuses, key=lambda s: (numbers.get(s[0], 10**6), s[0])
    )
    for rec, status, day in ordered:
        if was.get(rec) == status:
            continue
        if rec in numbers:
            name = say(language, "recommendation", number=numbers[rec])
        else:
            name = say(language, "quoted", text=titles.get(rec, rec))
        date = month_year(day, language)
        now = status_label(status, language)
        if rec in was:
            before_label = status_label(was[rec], language)
            line = say(language, "change_progress", recommendation=name, was=before_label, now=now, date=date)
        else:
            line = say(language, "change_progress_first", recommendation=name, now=now, date=date)
        lines.append(line)
    return lines
