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
    Figure,
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
from briefgen.models import Assessment, Condition, CountryProfile, Recommendation
from briefgen.models.brief import ChangesPolicy, Scenario, TailoredText
from briefgen.models.country import Highlight
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.fieldkeys import BRIEF_FILE, field_key, profile_file, recommendation_file
from briefgen.sources.numbering import brief_numbers
from briefgen.sources.profiles import shown_facts, shown_highlights
from briefgen.tailoring.conditions import PartVerdict, decide_part, evaluate
from briefgen.tailoring.effects import changes_since
from briefgen.tailoring.figures import tailor_figures
from briefgen.tailoring.lead import country_lead
from briefgen.tailoring.origins import Origins, Shape
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
    """Return `country`'s brief under `scenario`, before any changes since an earlier edition."""
    ctx = _start(loaded, country, scenario)
    decisions, kept = _decide_each(ctx)
    recommendations, parts_of = _tailor_included(ctx, kept)
    decided = tuple(dataclasses.replace(d, parts=parts_of.get(d.recommendation, ())) for d in decisions)
    profile = _profile_rows(ctx)
    body = _tailor_body(ctx, recommendations, decided)
    highlights = tuple(
        ctx.origins.rich(
            field_key(ctx.profile_file, _highlight_loc(index, ctx.profile.highlights[index])), text
        )
        for index, text in shown_highlights(loaded.brief, ctx.profile)
    )
    figures = tailor_figures(
        loaded.brief,
        country,
        loaded.countries,
        loaded.bibliography,
        ctx.language,
        loaded.theme,
        loaded.name_forms,
    )
    return _assemble(ctx, _Parts(recommendations, decided, profile, body, highlights, figures))


@dataclass(frozen=True)
class _Tailoring:
    """One country's brief under one scenario in the making: what each of its parts is made from.

    `origins` records the source fields in the order they are first shown, so the parts are
    made in the order the brief lists its fields.
    """

    loaded: LoadedBrief
    country: str
    scenario_id: str | None
    active: Scenario | None
    profile: CountryProfile
    assessments: tuple[Assessment, ...]
    facts: _Facts
    origins: Origins

    @property
    def language(self) -> str:
        """The language the brief is tailored in."""
        return self.loaded.brief.language

    @property
    def profile_file(self) -> str:
        """The country profile's file, as field keys name it."""
        return profile_file(self.country)

    @property
    def scenario_label(self) -> str | None:
        """The active scenario's label, typeset; None without a scenario."""
        return typeset(self.active.label, self.language, smart_quotes=True) if self.active else None


@dataclass(frozen=True)
class _Body:
    """The brief's own text for one country: its summary and sections, as tailored."""

    summary: RichText
    sections: tuple[tuple[str, RichText], ...]
    section_origins: tuple[str | None, ...]
    passages: tuple[PassageDecision, ...]
    generated: tuple[str, ...]


@dataclass(frozen=True)
class _Parts:
    """The tailored parts of one country's brief, before they are put together."""

    recommendations: tuple[TailoredRecommendation, ...]
    decisions: tuple[Decision, ...]
    profile: tuple[ProfileRow, ...]
    body: _Body
    highlights: tuple[RichText, ...]
    figures: tuple[Figure, ...]


def _start(loaded: LoadedBrief, country: str, scenario: str | None) -> _Tailoring:
    """Check that the brief has `country` and `scenario`; return what its brief is made from."""
    brief = loaded.brief
    if country not in brief.countries:
        raise TailoringError(f"{country} is not one of {brief.id}'s countries ({', '.join(brief.countries)})")
    scenario_id = scenario if scenario is not None else brief.scenario
    if scenario_id is not None and scenario_id not in brief.scenarios:
        known = ", ".join(brief.scenarios) or "none"
        raise TailoringError(f"{brief.id} has no scenario '{scenario_id}' (it has: {known})")
    active = brief.scenarios.get(scenario_id) if scenario_id else None
    profile = loaded.countries[country]
    assessments = loaded.tracking.get(country, ())
    facts = _Facts(
        country,
        {name: fact.current for name, fact in profile.facts.items() if fact.current is not None},
        dict(active.facts) if active else {},
        {name: fact.series for name, fact in profile.facts.items() if fact.series},
        latest_statuses(assessments),
    )
    origins = Origins(loaded, country)
    return _Tailoring(loaded, country, scenario_id, active, profile, assessments, facts, origins)


def _decide_each(
    ctx: _Tailoring,
) -> tuple[list[Decision], list[tuple[Recommendation, tuple[LeafResult, ...]]]]:
    """Return whether each recommendation is in the brief and why (by priority), and those that are."""
    facts = ctx.facts
    decisions: list[Decision] = []
    kept: list[tuple[Recommendation, tuple[LeafResult, ...]]] = []
    for rec in sorted(ctx.loaded.recommendations, key=lambda r: (r.priority, r.id)):
        decision = _decide(
            rec, ctx.country, facts.country_facts, facts.scenario_facts, facts.country_series, facts.statuses
        )
        decisions.append(decision)
        if decision.included:
            kept.append((rec, decision.leaves))
    return decisions, kept


def _tailor_included(
    ctx: _Tailoring, kept: list[tuple[Recommendation, tuple[LeafResult, ...]]]
) -> tuple[tuple[TailoredRecommendation, ...], dict[str, tuple[PassageDecision, ...]]]:
    """Return the included recommendations as the brief shows them, by number, with their latest
    progress; and, by recommendation, which of its tailored parts were kept."""
    loaded = ctx.loaded
    numbers = brief_numbers(loaded.recommendations)
    assessed = latest(ctx.assessments)
    tailored_recs: list[TailoredRecommendation] = []
    parts_of: dict[str, tuple[PassageDecision, ...]] = {}
    # by number: an explicit one may come first
    for rec, leaves in sorted(kept, key=lambda pair: numbers[pair[0].id]):
        tailored, parts = _tailor_recommendation(ctx, rec, numbers[rec.id], leaves)
        if rec.id in assessed:
            progress = progress_line(loaded, assessed[rec.id], ctx.profile, ctx.language)
            tailored = dataclasses.replace(tailored, progress=progress)
        tailored_recs.append(tailored)
        parts_of[rec.id] = parts
    return tuple(tailored_recs), parts_of


def _profile_rows(ctx: _Tailoring) -> tuple[ProfileRow, ...]:
    """Return the rows of the country's profile table: each shown fact, its source and its rank."""
    loaded, language = ctx.loaded, ctx.language
    labels = loaded.bibliography.labels
    return tuple(
        ProfileRow(
            name=name,
            label=typeset(fact.label or humanise(name), language, smart_quotes=True),
            value=fact_value(fact, language),
            year=fact.current_year,
            source="; ".join(labels[k] for k in fact.cited if k in labels) or None,
            label_origin=ctx.origins.note(
                field_key(ctx.profile_file, ("facts", name, "label")), fact.label or humanise(name), "line"
            ),
            number=_number(fact.current),
            rank=_rank(loaded, name, fact.current),
        )
        for name, fact in shown_facts(loaded.brief, ctx.profile)
    )


def _tailor_body(
    ctx: _Tailoring, recommendations: tuple[TailoredRecommendation, ...], decisions: tuple[Decision, ...]
) -> _Body:
    """Return the summary and the sections tailored for the country, with the generated paragraphs
    (the country lead, the list of recommendations) they may hold."""
    loaded, country, language, profile = ctx.loaded, ctx.country, ctx.language, ctx.profile
    brief = loaded.brief
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
        facts = ctx.facts
        rich, decided = tailor_text(
            loaded,
            value,
            part,
            country,
            facts.country_facts,
            facts.scenario_facts,
            generated,
            facts.country_series,
            origins=ctx.origins,
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
        ctx.origins.note(field_key(BRIEF_FILE, ("sections", i, "heading")), s.heading, "line")
        for i, s in enumerate(brief.sections)
    )
    return _Body(summary, sections, section_origins, tuple(passages), shown_generated)


def _references(ctx: _Tailoring, parts: _Parts) -> tuple[Reference, ...]:
    """Return the works the brief cites (in its texts, its profile and its figures), in the
    bibliography's order."""
    brief, bibliography = ctx.loaded.brief, ctx.loaded.bibliography
    body = parts.body
    cited = _cited_keys(
        body.summary, [text for _, text in body.sections], parts.highlights, parts.recommendations
    )
    cited.update(key for _, fact in shown_facts(brief, ctx.profile) for key in fact.cited)
    cited.update(key for figure in parts.figures for key in figure.sources)
    return tuple(
        Reference(key, bibliography.labels[key], bibliography.reference(key))
        for key in sorted(cited, key=bibliography.sort_key)
        if key in bibliography.labels
    )


def _assemble(ctx: _Tailoring, parts: _Parts) -> TailoredBrief:
    """Put the tailored parts together with the brief's front matter: the finished brief."""
    loaded, country, language, profile = ctx.loaded, ctx.country, ctx.language, ctx.profile
    brief, origins = loaded.brief, ctx.origins
    references = _references(ctx, parts)
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
        scenario=ctx.scenario_id,
        scenario_label=ctx.scenario_label,
        scenario_is_default=ctx.scenario_id == brief.scenario,
        summary=parts.body.summary,
        sections=parts.body.sections,
        analysis_position=brief.analysis_position,
        profile=parts.profile,
        highlights=parts.highlights,
        recommendations=parts.recommendations,
        decisions=parts.decisions,
        passages=parts.body.passages,
        generated=parts.body.generated,
        references=references,
        figures=parts.figures,
        draft=loaded.draft,
        theme=loaded.theme.in_language(language),
        title_origin=origins.note(field_key(BRIEF_FILE, ("title",)), brief.title, "line"),
        subtitle_origin=(
            origins.note(field_key(BRIEF_FILE, ("subtitle",)), brief.subtitle, "line")
            if brief.subtitle
            else None
        ),
        section_origins=parts.body.section_origins,
        fields=origins.fields(),
        statuses=statuses_of(ctx.assessments),
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
    ctx: _Tailoring, rec: Recommendation, number: int, leaves: tuple[LeafResult, ...]
) -> tuple[TailoredRecommendation, tuple[PassageDecision, ...]]:
    """Return the recommendation as this country's brief shows it, and which of its tailored
    steps and evidence items were kept, and why."""
    loaded, language, profile = ctx.loaded, ctx.language, ctx.profile
    steps, step_parts = _tailor_steps(ctx, rec)
    evidence, evidence_parts = _tailor_evidence(ctx, rec)
    note = rec.country_notes.get(profile.code)
    tailored = TailoredRecommendation(
        number=number,
        id=rec.id,
        title=_rec_text(ctx, rec, rec.title, "title", shape="inline"),
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
        trigger=_rec_text(ctx, rec, rec.trigger.summary, "trigger", "summary"),
        applies_because=_typeset(applies_sentence(leaves, profile, ctx.scenario_label, language), language),
        watch=tuple(_rec_text(ctx, rec, w, "trigger", "watch", i) for i, w in enumerate(rec.trigger.watch)),
        action=_rec_text(ctx, rec, rec.action.summary, "action", "summary"),
        steps=tuple(steps),
        rationale=_rec_text(ctx, rec, rec.rationale, "rationale") if rec.rationale else None,
        evidence=tuple(evidence),
        country_note=_rec_text(ctx, rec, note, "country_notes", profile.code) if note else None,
    )
    return tailored, (*step_parts, *evidence_parts)


def _rec_text(
    ctx: _Tailoring, rec: Recommendation, value: str, *loc: str | int, shape: Shape = "text"
) -> RichText:
    """Return a text of `rec`, marked as coming from its field at `loc`."""
    return ctx.origins.rich(field_key(recommendation_file(rec.id), loc), value, shape)


def _tailor_steps(ctx: _Tailoring, rec: Recommendation) -> tuple[list[RichText], list[PassageDecision]]:
    """Return the steps of `rec` this country's brief shows, and whether each tailored step was kept, and why."""
    parts: list[PassageDecision] = []
    steps = []
    for index, step in enumerate(rec.action.steps):
        if isinstance(step, str):
            steps.append(_rec_text(ctx, rec, step, "action", "steps", index))
            continue
        verdict = ctx.facts.decide(step.countries, step.when, rec.id)
        rich = _rec_text(ctx, rec, step.text, "action", "steps", index, "text")
        parts.append(
            PassageDecision(
                "steps", index, _opening(rich.plain()), verdict.included, verdict.reason, verdict.leaves
            )
        )
        if verdict.included:
            steps.append(rich)
    return steps, parts


def _tailor_evidence(
    ctx: _Tailoring, rec: Recommendation
) -> tuple[list[EvidenceItem], list[PassageDecision]]:
    """Return the evidence of `rec` this country's brief shows, cited, and whether each tailored
    item was kept, and why."""
    loaded, language = ctx.loaded, ctx.language
    parts: list[PassageDecision] = []
    evidence = []
    for index, item in enumerate(rec.evidence):
        if item.countries is not None or item.when is not None:
            verdict = ctx.facts.decide(item.countries, item.when, rec.id)
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
                claim=_rec_text(ctx, rec, item.claim, "evidence", index, "claim", shape="claim"),
                citation=Citation(cite, loaded.bibliography.cite(cite)),
                countries=tuple(item.countries) if item.countries is not None else None,
            )
        )
    return evidence, parts


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
