"""Editorial warnings that need the tailored briefs: a country whose page one says nothing of its own.

`validate` (and so `build`) reports them; they never stop a build.
"""

from __future__ import annotations

from briefgen.errors import Problem
from briefgen.models import Passage
from briefgen.sources.aggregate import LoadedBrief


def editorial_problems(loaded: LoadedBrief) -> list[Problem]:
    """Return the editorial warnings of a brief that loaded without errors."""
    return lead_problems(loaded)


def lead_problems(loaded: LoadedBrief) -> list[Problem]:
    """Warn for each country whose summary has neither a lead that facts decided nor a note of its own.

    Only a brief whose summary asks for the country lead (`generated: lead`) is checked: under its
    active scenario, a country for which no country fact decided anything gets the plain lead, one
    sentence naming what the brief recommends, unless the analyst wrote it a paragraph
    (`countries: [XX]`).
    """
    from briefgen.document.words import government
    from briefgen.tailoring.core import tailor
    from briefgen.tailoring.lead import country_lead

    summary = loaded.brief.summary
    if not isinstance(summary, list):
        return []
    passages = [(i, p) for i, p in enumerate(summary) if isinstance(p, Passage)]
    lead_at = next((i for i, p in passages if p.generated == "lead"), None)
    if lead_at is None:
        return []
    problems = []
    for code in loaded.brief.countries:
        if code not in loaded.countries:
            continue
        own_note = any(p.countries is not None and code in p.countries for _, p in passages)
        if own_note:
            continue
        brief = tailor(loaded, code)
        profile = loaded.countries[code]
        name = brief.government_of or government(profile.official_name, brief.language)
        _, decided = country_lead(brief.recommendations, brief.decisions, profile, brief.language, name)
        if not decided:
            problems.append(
                loaded.problem(
                    "brief",
                    ("summary", lead_at, "generated"),
                    f"{code} has no country lead: no fact of its profile decided a recommendation, a step "
                    f"or an evidence item, so its summary only names the recommendations; write it a "
                    f"paragraph (`- text: …` with `countries: [{code}]`) or test its facts in a condition",
                    severity="warning",
                )
            )
    return problems
