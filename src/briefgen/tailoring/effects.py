"""What changed in one country's brief since an earlier edition, in the brief's own words.

The sentences of the "Changes since edition N" box: a pure comparison of two tailored briefs
of the same country, one from each edition.
"""

from __future__ import annotations

from typing import Any

from briefgen.document.doctree import RichText
from briefgen.document.model import ChangesSince, TailoredBrief
from briefgen.document.words import join_list, say, with_year
from briefgen.tailoring.progress import progress_changes


def changes_since(edition: int, before: TailoredBrief | None, after: TailoredBrief) -> ChangesSince:
    """Return what changed in `after` since edition `edition`, whose brief was `before`.

    `before` is None when that edition had no brief for this country.
    """
    language = after.language
    if before is None:
        return ChangesSince(edition, (say(language, "change_first_brief", country=after.country_name),))
    return ChangesSince(edition, (*progress_changes(before, after), *_effect_lines(before, after)))


def _effect_lines(before: TailoredBrief, after: TailoredBrief) -> list[str]:
    language = after.language
    lines: list[str] = []
    old_recs = {r.id: r for r in before.recommendations}
    new_recs = {r.id: r for r in after.recommendations}
    for rec in after.recommendations:
        title = rec.title.plain()
        if rec.id not in old_recs:
            lines.append(say(language, "change_new_recommendation", number=rec.number, title=title))
            continue
        prior = old_recs[rec.id]
        if prior.number != rec.number:
            lines.append(say(language, "change_renumbered", title=title, number=rec.number, was=prior.number))
        revised = [say(language, key) for key, a, b in _compare_fields(prior, rec) if a != b]
        if revised:
            lines.append(say(language, "change_revised", title=title, fields=join_list(revised, language)))
        old_evidence = {(e.claim.plain(), e.citation.text) for e in prior.evidence}
        new_evidence = {(e.claim.plain(), e.citation.text) for e in rec.evidence}
        for claim, cite in sorted(new_evidence - old_evidence):
            lines.append(say(language, "change_new_evidence", title=title, claim=claim, citation=cite))
        for claim, cite in sorted(old_evidence - new_evidence):
            lines.append(say(language, "change_evidence_withdrawn", title=title, claim=claim, citation=cite))
    for rec in before.recommendations:
        if rec.id not in new_recs:
            lines.append(
                say(language, "change_no_longer_applies", title=rec.title.plain(), country=after.country_name)
            )
    old_rows = {row.name: row for row in before.profile}
    for row in after.profile:
        prior_row = old_rows.get(row.name)
        now = with_year(row.value, row.year, language)
        if prior_row is None:
            lines.append(say(language, "change_fact_added", label=row.label, value=now))
        elif prior_row.year == row.year and prior_row.value != row.value:
            # a value revised for the same year: the year once, after the label, not twice
            label = with_year(row.label, row.year, language)
            lines.append(
                say(language, "change_fact_changed", label=label, value=row.value, was=prior_row.value)
            )
        elif (prior_row.value, prior_row.year) != (row.value, row.year):
            was = with_year(prior_row.value, prior_row.year, language)
            lines.append(say(language, "change_fact_changed", label=row.label, value=now, was=was))
    if before.summary != after.summary:
        lines.append(say(language, "change_summary_revised"))
    old_sections = dict(before.sections)
    for heading, body in after.sections:
        if heading not in old_sections:
            lines.append(say(language, "change_new_section", heading=heading))
        elif old_sections[heading] != body:
            lines.append(say(language, "change_section_revised", heading=heading))
    return lines


def _compare_fields(a: Any, b: Any) -> list[tuple[str, Any, Any]]:
    """Return (word key of the field, old value, new value) for each field a reader would name."""

    def text(value: RichText | None) -> str:
        return value.plain() if value is not None else ""

    return [
        ("field_title", text(a.title), text(b.title)),
        ("field_trigger", (text(a.trigger), a.applies_because), (text(b.trigger), b.applies_because)),
        ("field_action", text(a.action), text(b.action)),
        ("field_steps", [text(s) for s in a.steps], [text(s) for s in b.steps]),
        ("field_rationale", text(a.rationale), text(b.rationale)),
        ("field_country_note", text(a.country_note), text(b.country_note)),
    ]
