"""Tailor a brief for one government: a pure function of the sources (no I/O, no clock)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from briefgen.document.citations import page_locator
from briefgen.document.doctree import Citation, CiteItem, Paragraph, RichText, walk_inlines
from briefgen.document.formatting import fact_value, humanise, long_date, percent
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
from briefgen.document.words import government, say
from briefgen.errors import TailoringError
from briefgen.models import Condition, CountryProfile, Recommendation
from briefgen.models.brief import ChangesPolicy, TailoredText
from briefgen.models.country import Highlight
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.fieldkeys import BRIEF_FILE, field_key, profile_file, recommendation_file
from briefgen.sources.numbering import brief_numbers
from briefgen.sources.profiles import shown_facts, shown_highlights
from briefgen.tailoring.conditions import PartVerdict, decide_part, evaluate
from briefgen.tailoring.effects import changes_since
from briefgen.tailoring.figures import tailor_figures
from briefgen.tailoring.lead import country_lead
from briefgen.tailoring.origins import Origins
from briefgen.tailoring.passages import recommendations_sentence, tailor_text
from briefgen.tailoring.progress import latest, latest_statuses, progress_line, statuses_of
from briefgen.tailoring.sentences import applies_sentence, government_name, institution_name


def tailor(loaded: LoadedBrief, country: str, scenario: str | None = None) -> TailoredBrief:
    """Return `country`'s finished brief under `scenario` (default: the brief's active scenario).

    When the sources carry the previous released edition, the brief says what changed for this
    country since then; nothing is added to a tailored brief after this returns.
    """
    tailored = _tailor(loaded, country, scenario)
    if loaded.previous is None:
        return tailored
    return dataclasses.replace(
        tailored, changes=changes_from(loaded.previous, tailored, loaded.brief.changes)
    )


def changes_from(old: LoadedBrief, after: TailoredBrief, policy: ChangesPolicy | None = None) -> ChangesSince:
    """Return what changed in the brief `after` since the edition whose sources are `old`.

    `policy` is the newer brief's `changes:` (what is material, what was wording only); its
    marks of wording-only revisions count only against the edition just before.
    """
    before = None
    if after.country in old.brief.countries:
        scenario = after.scenario if after.scenario in old.brief.scenarios else None
        before = _tailor(old, after.country, scenario)
    if policy is not None and old.brief.edition != after.edition - 1:
        policy = policy.model_copy(update={"wording_only": {}})
    return changes_since(old.brief.edition, before, after, policy)


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
    origins = Origins(loaded, country)

    decisions: list[Decision] = []
    kept: list[tuple[Recommendation, tuple[LeafResult, ...]]] = []
    numbers = brief_numbers(loaded.recommendations)
    assessments = loaded.tracking.get(country, ())
    statuses = latest_statuses(assessments)
    for rec in sorted(loaded.recommendations, key=lambda r: (r.priority, r.id)):
        decision = _decide(rec, country, country_facts, scenario_facts, country_series, statuses)
        decisions.append(decision)
        if decision.included:
            kept.append((rec, decision.leaves))

    kept.sort(key=lambda pair: numbers[pair[0].id])  # by number: an explicit one may come first
    assessed = latest(assessments)
    facts = _Facts(country, country_facts, scenario_facts, country_series, statuses)
    tailored_recs: list[TailoredRecommendation] = []
    parts_of: dict[str, tuple[PassageDecision, ...]] = {}
    for rec, leaves in kept:
        tailored, parts = _tailor_recommendation(
            loaded,
            rec,
            numbers[rec.id],
            leaves,
            profile,
            typeset(active.label, language, smart_quotes=True) if active else None,
            language,
            facts,
            origins,
        )
        if rec.id in assessed:
            progress = progress_line(loaded, assessed[rec.id], profile, language)
            tailored = dataclasses.replace(tailored, progress=progress)
        tailored_recs.append(tailored)
        parts_of[rec.id] = parts
    recommendations = tuple(tailored_recs)
    decisions = [dataclasses.replace(d, parts=parts_of.get(d.recommendation, ())) for d in decisions]
    profile_file_name = profile_file(country)
    profile_rows = tuple(
        ProfileRow(
            name=name,
            label=typeset(fact.label or humanise(name), language, smart_quotes=True),
            value=fact_value(fact, language),
            year=fact.current_year,
            source="; ".join(bibliography.labels[k] for k in fact.cited if k in bibliography.labels) or None,
            label_origin=origins.note(
                field_key(profile_file_name, ("facts", name, "label")), fact.label or humanise(name), "line"
            ),
            number=_number(fact.current),
            rank=_rank(loaded, name, fact.current),
        )
        for name, fact in shown_facts(brief, profile)
    )
    passages: list[PassageDecision] = []
    government_of = loaded.government_of.get(country) or government(profile.official_name, language)
    lead, _ = country_lead(recommendations, decisions, profile, language, government_of)
    generated = {
        "lead": lead,
        "recommendations": recommendations_sentence(
            recommendations, profile.official_name, language, loaded.government_of.get(country)
        ),
    }

    def text_for(value: TailoredText, part: str, field: str) -> RichText:
        rich, decided = tailor_text(
            loaded,
            value,
            part,
            country,
            country_facts,
            scenario_facts,
            generated,
            country_series,
            origins=origins,
            field=field,
        )
        passages.extend(decided)
        return rich

    summary = text_for(brief.summary, "summary", "summary")
    made = {p.index for p in passages if p.part == "summary" and p.included}
    summary_items = brief.summary if isinstance(brief.summary, list) else []
    shown_generated = tuple(
        generated[item.generated]
        for index, item in enumerate(summary_items)
        if index in made and not isinstance(item, str) and item.generated is not None
    )
    sections = tuple(
        (heading, text_for(s.body, heading, f"sections[{i}].body"))
        for i, s in enumerate(brief.sections)
        for heading in (typeset(s.heading, language, smart_quotes=True),)
    )
    section_origins = tuple(
        origins.note(field_key(BRIEF_FILE, ("sections", i, "heading")), s.heading, "line")
        for i, s in enumerate(brief.sections)
    )
    highlights = tuple(
        origins.rich(field_key(profile_file_name, _highlight_loc(index, profile.highlights[index])), text)
        for index, text in shown_highlights(brief, profile)
    )
    figures = tailor_figures(
        brief, country, loaded.countries, bibliography, language, loaded.theme, loaded.name_forms
    )

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
        government_body=government_name(profile, language, brief.date),
        draft_translation=bool(loaded.untranslated.get(country)),
        draft_translation_note=_draft_note(loaded, country, language),
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
        generated=shown_generated,
        references=references,
        figures=figures,
        draft=loaded.draft,
        theme=loaded.theme.in_language(language),
        title_origin=origins.note(field_key(BRIEF_FILE, ("title",)), brief.title, "line"),
        subtitle_origin=(
            origins.note(field_key(BRIEF_FILE, ("subtitle",)), brief.subtitle, "line")
            if brief.subtitle
            else None
        ),
        section_origins=section_origins,
        fields=origins.fields(),
        statuses=statuses_of(assessments),
    )


def _highlight_loc(index: int, highlight: str | Highlight) -> tuple[str | int, ...]:
    """Return a shown highlight's field path: by its id where it has one, as the catalogs name it."""
    if isinstance(highlight, str):
        return ("highlights", index)
    return ("highlights", highlight.id, "text") if highlight.id else ("highlights", index, "text")


def decide(
    loaded: LoadedBrief,
    rec: Recommendation,
    country: str,
    scenario: str | None = None,
    *,
    statuses: dict[str, str] | None = None,
) -> Decision:
    """Return whether `rec` is in `country`'s brief under `scenario` (default: the active one), and why.

    `statuses`: the country's latest statuses, when the caller has them already. The answer is
    kept with the loaded sources (which do not change once loaded) for the next caller.
    """
    memo = loaded._decided.get((rec.id, country, scenario))
    if memo is not None:
        return memo  # type: ignore[no-any-return]
    brief = loaded.brief
    scenario_id = scenario if scenario is not None else brief.scenario
    active = brief.scenarios.get(scenario_id) if scenario_id else None
    profile = loaded.countries[country]
    country_facts = {name: fact.current for name, fact in profile.facts.items() if fact.current is not None}
    country_series = {name: fact.series for name, fact in profile.facts.items() if fact.series}
    scenario_facts = dict(active.facts) if active else {}
    if statuses is None:
        statuses = latest_statuses(loaded.tracking.get(country, ()))
    decided = _decide(rec, country, country_facts, scenario_facts, country_series, statuses)
    loaded._decided[(rec.id, country, scenario)] = decided
    return decided


def _decide(
    rec: Recommendation,
    country: str,
    country_facts: dict[str, Any],
    scenario_facts: dict[str, Any],
    country_series: dict[str, Any],
    statuses: dict[str, str],
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
    verdict = evaluate(rec.trigger.when, country_facts, scenario_facts, country_series, statuses, rec.id)
    words = "; ".join(leaf.describe() for leaf in verdict.deciding)
    return decision(
        verdict.holds,
        "condition",
        f"condition {'holds' if verdict.holds else 'fails'}: {words}",
        verdict.deciding,
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _rank(loaded: LoadedBrief, name: str, value: Any) -> int | None:
    """Return the place of `value` among the brief's countries' values of fact `name` (1: the highest)."""
    mine = _number(value)
    if mine is None:
        return None
    others = [loaded.countries[c].facts.get(name) for c in loaded.brief.countries if c in loaded.countries]
    numbers = [n for n in (_number(f.current) for f in others if f is not None) if n is not None]
    return 1 + sum(n > mine for n in numbers)


@dataclass(frozen=True)
class _Facts:
    """What a tailored part's condition is evaluated against, for one country and scenario."""

    country: str
    country_facts: dict[str, Any]
    scenario_facts: dict[str, Any]
    country_series: dict[str, Any]
    statuses: dict[str, str]

    def decide(self, countries: list[str] | None, when: Condition | None, recommendation: str) -> PartVerdict:
        """Return whether a part of `recommendation` with `countries` and `when` is kept for this
        country, and why."""
        return decide_part(
            countries,
            when,
            self.country,
            self.country_facts,
            self.scenario_facts,
            self.country_series,
            statuses=self.statuses,
            recommendation=recommendation,
        )


def _opening(text: str) -> str:
    return text if len(text) <= 70 else text[:69] + "…"


def _tailor_recommendation(
    loaded: LoadedBrief,
    rec: Recommendation,
    number: int,
    leaves: tuple[LeafResult, ...],
    profile: CountryProfile,
    scenario_label: str | None,
    language: str,
    facts: _Facts,
    origins: Origins,
) -> tuple[TailoredRecommendation, tuple[PassageDecision, ...]]:
    """Return the recommendation as this country's brief shows it, and which of its tailored
    steps and evidence items were kept, and why."""
    bibliography = loaded.bibliography
    file = recommendation_file(rec.id)

    def text(value: str, *loc: str | int, shape: Any = "text") -> RichText:
        return origins.rich(field_key(file, loc), value, shape)

    parts: list[PassageDecision] = []
    steps = []
    for index, step in enumerate(rec.action.steps):
        if isinstance(step, str):
            steps.append(text(step, "action", "steps", index))
            continue
        verdict = facts.decide(step.countries, step.when, rec.id)
        rich = text(step.text, "action", "steps", index, "text")
        parts.append(
            PassageDecision(
                "steps", index, _opening(rich.plain()), verdict.included, verdict.reason, verdict.leaves
            )
        )
        if verdict.included:
            steps.append(rich)
    evidence = []
    for index, item in enumerate(rec.evidence):
        if item.countries is not None or item.when is not None:
            verdict = facts.decide(item.countries, item.when, rec.id)
            parts.append(
                PassageDecision(
                    "evidence",
                    index,
                    _opening(loaded.rich(item.claim).plain()),
                    verdict.included,
                    verdict.reason,
                    verdict.leaves,
                )
            )
            if not verdict.included:
                continue
        cite = (CiteItem(item.source, page_locator(item.pages, language)),)
        evidence.append(
            EvidenceItem(
                claim=text(item.claim, "evidence", index, "claim", shape="claim"),
                citation=Citation(cite, bibliography.cite(cite)),
                countries=tuple(item.countries) if item.countries is not None else None,
            )
        )
    note = rec.country_notes.get(profile.code)
    tailored = TailoredRecommendation(
        number=number,
        id=rec.id,
        title=text(rec.title, "title", shape="inline"),
        priority=rec.priority,
        horizon=typeset(rec.horizon, language) if rec.horizon else None,
        institutions=tuple(
            dict.fromkeys(
                typeset(
                    institution_name(profile, i, language, loaded.institution_names, on=loaded.brief.date),
                    language,
                )
                for i in rec.audience.institutions
            )
        ),
        trigger=text(rec.trigger.summary, "trigger", "summary"),
        applies_because=_typeset(applies_sentence(leaves, profile, scenario_label, language), language),
        watch=tuple(text(w, "trigger", "watch", i) for i, w in enumerate(rec.trigger.watch)),
        action=text(rec.action.summary, "action", "summary"),
        steps=tuple(steps),
        rationale=text(rec.rationale, "rationale") if rec.rationale else None,
        evidence=tuple(evidence),
        country_note=text(note, "country_notes", profile.code) if note else None,
    )
    return tailored, tuple(parts)


def _draft_note(loaded: LoadedBrief, country: str, language: str) -> str | None:
    """Return "Draft translation: 34% of the text not yet translated", for a draft translation."""
    if not loaded.untranslated.get(country):
        return None
    share = max(loaded.untranslated_share.get(country, 0.0), 0.01)  # never "0%" while any is left
    return say(language, "draft_translation_share", share=percent(share, language))


def _typeset(text: str | None, language: str) -> str | None:
    return typeset(text, language) if text is not None else None


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
        if rec.progress is not None:
            texts.append(RichText((Paragraph(rec.progress.text),)))
        texts += [t for t in (rec.rationale, rec.country_note) if t is not None]
        for item in rec.evidence:
            texts.append(item.claim)
            keys.update(ci.key for ci in item.citation.items)
    for text in texts:
        for node in walk_inlines(text.blocks):
            if isinstance(node, Citation):
                keys.update(ci.key for ci in node.items)
    return keys
