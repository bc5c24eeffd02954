"""Tailor a brief for one government: a pure function of the sources (no I/O, no clock)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from briefgen.document.citations import page_locator
from briefgen.document.doctree import Citation, CiteItem, RichText, walk_inlines
from briefgen.document.formatting import fact_value, humanise, long_date
from briefgen.document.model import (
    ChangesSince,
    Decision,
    EvidenceItem,
    LeafResult,
    PassageDecision,
    ProfileRow,
    Reference,
    TailoredBrief,
    TailoredRecommendation,
)
from briefgen.document.typography import typeset
from briefgen.errors import TailoringError
from briefgen.models import CountryProfile, Recommendation
from briefgen.models.brief import TailoredText
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.numbering import brief_numbers
from briefgen.sources.profiles import shown_facts, shown_highlights
from briefgen.tailoring.conditions import evaluate
from briefgen.tailoring.effects import changes_since
from briefgen.tailoring.figures import tailor_figures
from briefgen.tailoring.passages import tailor_text
from briefgen.tailoring.sentences import applies_sentence, institution_name


def tailor(loaded: LoadedBrief, country: str, scenario: str | None = None) -> TailoredBrief:
    """Return `country`'s finished brief under `scenario` (default: the brief's active scenario).

    When the sources carry the previous released edition, the brief says what changed for this
    country since then; nothing is added to a tailored brief after this returns.
    """
    tailored = _tailor(loaded, country, scenario)
    if loaded.previous is None:
        return tailored
    return dataclasses.replace(tailored, changes=changes_from(loaded.previous, tailored))


def changes_from(old: LoadedBrief, after: TailoredBrief) -> ChangesSince:
    """Return what changed in the brief `after` since the edition whose sources are `old`."""
    before = None
    if after.country in old.brief.countries:
        scenario = after.scenario if after.scenario in old.brief.scenarios else None
        before = _tailor(old, after.country, scenario)
    return changes_since(old.brief.edition, before, after)


def _tailor(loaded: LoadedBrief, country: str, scenario: str | None) -> TailoredBrief:
    brief = loaded.brief
    if country not in brief.countries:
        raise TailoringError(f"{country} is not one of {brief.id}'s countries ({', '.join(brief.countries)})")
    scenario_id = scenario if scenario is not None else brief.scenario
    if scenario_id is not None and scenario_id not in brief.scenarios:
        known = ", ".join(brief.scenarios) or "none"
        raise TailoringError(f"{brief.id} has no scenario '{scenario_id}' (it has: {known})")
    active = brief.scenarios.get(scenario_id) if scenario_id else None
    profile = loaded.countries[country]
    country_facts = {name: fact.current for name, fact in profile.facts.items() if fact.current is not None}
    country_series = {name: fact.series for name, fact in profile.facts.items() if fact.series}
    scenario_facts = dict(active.facts) if active else {}
    language = brief.language
    bibliography = loaded.bibliography

    decisions: list[Decision] = []
    kept: list[tuple[Recommendation, tuple[LeafResult, ...]]] = []
    numbers = brief_numbers(loaded.recommendations)
    for rec in sorted(loaded.recommendations, key=lambda r: (r.priority, r.id)):
        decision = _decide(rec, country, country_facts, scenario_facts, country_series)
        decisions.append(decision)
        if decision.included:
            kept.append((rec, decision.leaves))

    kept.sort(key=lambda pair: numbers[pair[0].id])  # by number: an explicit one may come first
    recommendations = tuple(
        _tailor_recommendation(
            loaded,
            rec,
            number,
            leaves,
            profile,
            typeset(active.label, language, smart_quotes=True) if active else None,
            language,
        )
        for rec, leaves in kept
        for number in (numbers[rec.id],)
    )
    profile_rows = tuple(
        ProfileRow(
            name=name,
            label=typeset(fact.label or humanise(name), language, smart_quotes=True),
            value=fact_value(fact, language),
            year=fact.current_year,
            source="; ".join(bibliography.labels[k] for k in fact.cited if k in bibliography.labels) or None,
        )
        for name, fact in shown_facts(brief, profile)
    )
    passages: list[PassageDecision] = []

    def text_for(value: TailoredText, part: str) -> RichText:
        rich, decided = tailor_text(
            loaded,
            value,
            part,
            country,
            country_facts,
            scenario_facts,
            recommendations,
            profile.official_name,
        )
        passages.extend(decided)
        return rich

    summary = text_for(brief.summary, "summary")
    sections = tuple(
        (heading, text_for(s.body, heading))
        for s in brief.sections
        for heading in (typeset(s.heading, language, smart_quotes=True),)
    )
    highlights = tuple(loaded.rich(text) for _, text in shown_highlights(brief, profile))
    figures = tailor_figures(brief, country, loaded.countries, bibliography, language, loaded.theme)

    cited = _cited_keys(summary, [body for _, body in sections], highlights, recommendations)
    cited.update(key for _, fact in shown_facts(brief, profile) for key in fact.cited)
    cited.update(key for figure in figures for key in figure.sources)
    references = tuple(
        Reference(key, bibliography.labels[key], bibliography.reference(key))
        for key in sorted(cited, key=bibliography.sort_key)
        if key in bibliography.labels
    )
    # a released edition is dated by its release; the analysis date shows beside it when it differs
    edition_date = loaded.released or brief.date
    analysis_date = brief.date if brief.date != edition_date else None
    return TailoredBrief(
        brief_id=brief.id,
        edition=brief.edition,
        language=language,
        date=edition_date,
        date_text=long_date(edition_date, language),
        analysis_date=analysis_date,
        analysis_date_text=long_date(analysis_date, language) if analysis_date else None,
        title=typeset(brief.title, language, smart_quotes=True),
        subtitle=typeset(brief.subtitle, language, smart_quotes=True) if brief.subtitle else None,
        series=brief.series,
        organisation=brief.organisation,
        authors=tuple(a.name for a in brief.authors),
        marking=brief.marking_in(language),
        country=country,
        country_name=profile.name,
        official_name=profile.official_name,
        government_of=loaded.government_of.get(country),
        draft_translation=bool(loaded.untranslated.get(country)),
        scenario=scenario_id,
        scenario_label=typeset(active.label, language, smart_quotes=True) if active else None,
        scenario_is_default=scenario_id == brief.scenario,
        summary=summary,
        sections=sections,
        analysis_position=brief.analysis_position,
        profile=profile_rows,
        highlights=highlights,
        recommendations=recommendations,
        decisions=tuple(decisions),
        passages=tuple(passages),
        references=references,
        figures=figures,
        draft=loaded.draft,
        theme=loaded.theme.in_language(language),
    )


def _decide(
    rec: Recommendation,
    country: str,
    country_facts: dict[str, Any],
    scenario_facts: dict[str, Any],
    country_series: dict[str, Any],
) -> Decision:
    def decision(included: bool, by: Any, reason: str, leaves: tuple[LeafResult, ...] = ()) -> Decision:
        return Decision(rec.id, rec.title, rec.priority, included, by, reason, leaves)

    if rec.status != "active":
        return decision(False, "status", f"status is {rec.status}")
    audience = rec.audience.countries
    if audience != "all" and country not in audience:
        return decision(False, "audience", f"audience is {', '.join(audience)}; {country} is not in it")
    if rec.trigger.when is None:
        return decision(True, "always", "no condition: applies whenever the audience includes the country")
    verdict = evaluate(rec.trigger.when, country_facts, scenario_facts, country_series)
    words = "; ".join(leaf.describe() for leaf in verdict.deciding)
    return decision(
        verdict.holds,
        "condition",
        f"condition {'holds' if verdict.holds else 'fails'}: {words}",
        verdict.deciding,
    )


def _tailor_recommendation(
    loaded: LoadedBrief,
    rec: Recommendation,
    number: int,
    leaves: tuple[LeafResult, ...],
    profile: CountryProfile,
    scenario_label: str | None,
    language: str,
) -> TailoredRecommendation:
    bibliography = loaded.bibliography
    evidence = []
    for item in rec.evidence:
        if item.countries is not None and profile.code not in item.countries:
            continue
        cite = (CiteItem(item.source, page_locator(item.pages, language)),)
        evidence.append(
            EvidenceItem(
                claim=loaded.rich(item.claim),
                citation=Citation(cite, bibliography.cite(cite)),
                countries=tuple(item.countries) if item.countries is not None else None,
            )
        )
    note = rec.country_notes.get(profile.code)
    return TailoredRecommendation(
        number=number,
        id=rec.id,
        title=loaded.rich(rec.title),
        priority=rec.priority,
        horizon=rec.horizon,
        institutions=tuple(
            dict.fromkeys(
                institution_name(profile, i, language, loaded.institution_names)
                for i in rec.audience.institutions
            )
        ),
        trigger=loaded.rich(rec.trigger.summary),
        applies_because=applies_sentence(leaves, profile, scenario_label, language),
        watch=tuple(loaded.rich(w) for w in rec.trigger.watch),
        action=loaded.rich(rec.action.summary),
        steps=tuple(loaded.rich(s) for s in rec.action.steps),
        rationale=loaded.rich(rec.rationale) if rec.rationale else None,
        evidence=tuple(evidence),
        country_note=loaded.rich(note) if note else None,
    )


def _cited_keys(
    summary: RichText,
    bodies: Iterable[RichText],
    highlights: Iterable[RichText],
    recommendations: Iterable[TailoredRecommendation],
) -> set[str]:
    texts: list[RichText] = [summary, *bodies, *highlights]
    keys: set[str] = set()
    for rec in recommendations:
        texts += [rec.title, rec.trigger, rec.action, *rec.steps, *rec.watch]
        texts += [t for t in (rec.rationale, rec.country_note) if t is not None]
        for item in rec.evidence:
            texts.append(item.claim)
            keys.update(ci.key for ci in item.citation.items)
    for text in texts:
        for node in walk_inlines(text.blocks):
            if isinstance(node, Citation):
                keys.update(ci.key for ci in node.items)
    return keys
