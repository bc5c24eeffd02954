"""The country lead: the summary's paragraph on what in this country's situation decided its brief.

Built from the tailoring's own decisions, never from a list of titles: for each recommendation,
the country facts that made it apply or that chose its steps and evidence for this country
(each said by its profile's `sentence`, as "Applies because" says it), woven with the
recommendation's title into whole sentences of the catalogs:

    Because Ruritania owes its largest lender 43% of its public external debt (2019), the brief
    asks its government to professionalise the business environment (recommendation 2), as well
    as to monitor the lender's domestic drivers (recommendation 1). And because Ruritania is a
    member of the regional alliance, it should also deepen a balanced foreign policy
    (recommendation 3).

A recommendation that no country fact decided (it applies everywhere, or under the scenario
alone) is named in the first sentence that has facts, so that no sentence of the lead could be
printed for another country with only the name changed. A brief in which no fact decided
anything gets one plain sentence naming what it recommends, and `validate` warns about it
unless the summary has a paragraph of its own for that country.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.document.model import Decision, LeafResult, TailoredRecommendation
from briefgen.document.words import join_list, say
from briefgen.models import CountryProfile
from briefgen.tailoring.sentences import leaf_clause


def decided_by_facts(decision: Decision, profile: CountryProfile) -> list[LeafResult]:
    """Return the country fact tests that decided a recommendation for this country and held: in
    its trigger, and in the conditions of the steps and evidence it kept."""
    leaves = list(decision.leaves)
    for part in decision.parts:
        if part.included:
            leaves.extend(part.leaves)
    found: list[LeafResult] = []
    for leaf in leaves:
        scope, name = leaf.fact.split(".", 1)
        if leaf.holds and leaf.defined and scope == "country" and name in profile.facts and leaf not in found:
            found.append(leaf)
    return found


def action_phrase(title: str) -> str:
    """Return a recommendation's title as the verb phrase of a sentence: "monitor the lender's …".

    A title is an imperative sentence, so it starts with its verb: the first letter is lowered
    (unless the first word is an acronym) and a closing full stop dropped.
    """
    text = title.strip().removesuffix(".")
    first = text.split(" ", 1)[0]
    if not text or (len(first) > 1 and first.isupper()):
        return text
    return text[0].lower() + text[1:]


def country_lead(
    recommendations: Sequence[TailoredRecommendation],
    decisions: Sequence[Decision],
    profile: CountryProfile,
    language: str,
    government: str,
) -> tuple[str, bool]:
    """Return the lead paragraph, and whether any country fact decided it (a trigger-derived lead)."""
    if not recommendations:
        return say(language, "summary_no_recommendations", government=government), False
    by_id = {d.recommendation: d for d in decisions}
    factual: list[tuple[TailoredRecommendation, list[str]]] = []
    plain: list[TailoredRecommendation] = []
    for rec in recommendations:
        leaves = decided_by_facts(by_id[rec.id], profile)
        if leaves:
            clauses = list(dict.fromkeys(leaf_clause(leaf, profile, language) for leaf in leaves))
            factual.append((rec, clauses))
        else:
            plain.append(rec)

    def item(rec: TailoredRecommendation) -> str:
        return say(language, "lead_item", action=action_phrase(rec.title.plain()), number=rec.number)

    if not factual:
        items = join_list([item(rec) for rec in plain], language)
        return say(language, "lead_plain", government=government, items=items), False
    sentences = []
    for n, (rec, clauses) in enumerate(factual):
        values = {
            "country": profile.name,
            "facts": join_list(clauses, language),
            "action": action_phrase(rec.title.plain()),
            "number": rec.number,
        }
        if n == 0:
            key = "lead_first_rest" if plain else "lead_first"
            rest = join_list([item(r) for r in plain], language)
            sentences.append(say(language, key, rest=rest, **values))
        else:
            sentences.append(say(language, "lead_next" if n % 2 else "lead_then", **values))
    return " ".join(sentences), True
