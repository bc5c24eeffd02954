"""Sentences a reader reads instead of the machinery: why a recommendation applies, and whom
it addresses, in that government's own names.

"Applies because Ruritania borders the sea and owes its largest lender 38% of its public debt
(2019), under the scenario ‘Growth resumes’": each fact the condition found true says
itself through its profile's `sentence` (a predicate after the country's name, `{value}` where
the value goes), or through a generic form built from its label when it has none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from briefgen.document.formatting import fact_value, humanise, scalar_value
from briefgen.document.model import MISSING, LeafResult
from briefgen.document.words import fill, join_list, say
from briefgen.models import CountryProfile, OfficialName, Term, terms


def fact_clause(name: str, profile: CountryProfile, language: str) -> str:
    """Return what a fact says about the country, as a predicate: "owes its largest lender 38% of … (2019)".

    A fact kept as a series says its latest point, with that point's year.
    """
    fact = profile.facts[name]
    current, year = fact.current, fact.current_year
    value = fact_value(fact, language)
    if isinstance(current, bool):
        value = say(language, "yes" if current else "no")
    if fact.sentence and current is not False:  # a yes/no fact's sentence says the "yes"
        clause = fill(fact.sentence, value=value)
    else:
        clause = say(language, "fact_records", label=fact.label or humanise(name), value=value)
    return say(language, "with_year", value=clause, year=year) if year else clause


def _series_clause(leaf: LeafResult, profile: CountryProfile, language: str) -> str:
    """Return what a series change test found, as a predicate: "saw “Exports” fall by 54% between 2013 and 2016"."""
    name = leaf.fact.split(".", 1)[1]
    fact = profile.facts[name]
    measure = leaf.measure or ""
    years = re.findall(r"\d{4}", measure)
    relative = measure.startswith("relative")
    # a relative change reads in whole percent ("fell by 54%"), as prose rounds it
    change = scalar_value(
        round(abs(leaf.value), 2) if relative else abs(leaf.value),
        "share" if relative else fact.unit,
        language,
    )
    label = _in_sentence(fact.label or humanise(name))
    if len(years) != 2 or leaf.value == 0:
        found = f"{measure.replace('-', '–')} {scalar_value(leaf.value, 'share' if relative else fact.unit, language)}"
        return say(language, "fact_records", label=label, value=found)
    key = "series_fell" if leaf.value < 0 else "series_rose"
    return say(language, key, label=label, change=change, start=years[0], end=years[1])


def leaf_clause(leaf: LeafResult, profile: CountryProfile, language: str) -> str:
    """Return what a country fact test that held found, as a predicate after the country's name."""
    name = leaf.fact.split(".", 1)[1]
    if leaf.measure and leaf.measure != "latest":  # a series leaf that compared a change
        return _series_clause(leaf, profile, language)
    return fact_clause(name, profile, language)


def _in_sentence(label: str) -> str:
    """Return a label as it reads inside a sentence: its first letter lowered, unless an acronym starts it."""
    first = label.split(" ", 1)[0]
    if not label or (len(first) > 1 and first.isupper()):
        return label
    return label[0].lower() + label[1:]


def applies_sentence(
    leaves: Iterable[LeafResult], profile: CountryProfile, scenario_label: str | None, language: str
) -> str | None:
    """Return "Applies because <country> <facts>, under the scenario ‘…’." or None when it always applies."""
    clauses: list[str] = []
    scenario = False
    for leaf in leaves:
        if not leaf.holds:
            continue
        scope, name = leaf.fact.split(".", 1)
        if scope == "scenario":
            scenario = True
        elif name in profile.facts and leaf.value is not MISSING:
            clause = leaf_clause(leaf, profile, language)
            if clause not in clauses:
                clauses.append(clause)
    label = scenario_label if scenario else None
    if clauses and label:
        return say(
            language,
            "applies_facts_scenario",
            country=profile.name,
            facts=join_list(clauses, language),
            scenario=label,
        )
    if clauses:
        return say(language, "applies_facts", country=profile.name, facts=join_list(clauses, language))
    if label:
        return say(language, "applies_scenario", scenario=label)
    return None


def term_on(name: OfficialName, on: dt.date | None) -> Term:
    """Return the form of an official name in use on `on` (the brief's date).

    A date before every form gets the first, after every form the last (`validate` warns about
    both: `name_outside_its_dates`); no date gets the latest form.
    """
    forms = terms(name)
    if on is None:
        return forms[-1]
    for form in forms:
        if form.valid_on(on):
            return form
    later = [form for form in forms if form.valid_from is not None and form.valid_from > on]
    return later[0] if later else forms[-1]


def name_on(name: OfficialName, language: str, on: dt.date | None) -> str:
    """Return an official name as it was on `on`, in `language`: the termbase's one answer.

    The form in use that day (`term_on`), in the language's own form where the profile gives
    one (`forms`), else as the profile (translated by the countries' catalog) has it.
    """
    form = term_on(name, on)
    primary = language.split("-")[0].lower()
    return form.forms.get(language) or form.forms.get(primary) or form.name


def institution_name(
    profile: CountryProfile,
    institution: str,
    language: str,
    translated: Mapping[str, str] | None = None,
    *,
    on: dt.date | None = None,
) -> str:
    """Return the institution as the country's government named it on `on`, or a readable generic name.

    The one function for an institution's name (a recommendation's addressees, an assessment's
    lead, a recipient's institution): `institution` is its id in the profile, `on` the date of
    the document that prints it (the brief's date; absent: the latest name). `translated`: the
    brief's own translations of its institution ids (a translated brief), used when the profile
    does not name the institution.
    """
    named = profile.institutions.get(institution)
    if named is not None:
        return name_on(named, language, on)
    found = (translated or {}).get(institution)
    if found:
        return found
    return say(language, "institution_generic", name=humanise(institution.replace("-", "_")))


def capital_name(profile: CountryProfile, language: str, on: dt.date | None = None) -> str | None:
    """Return the country's capital as it was named on `on` (Astana, Nur-Sultan, Astana), or None."""
    return name_on(profile.capital, language, on) if profile.capital is not None else None


def government_name(profile: CountryProfile, language: str, on: dt.date | None = None) -> str | None:
    """Return the government's full official name on `on`, as "Prepared for the …" ends, or None."""
    return name_on(profile.government, language, on) if profile.government is not None else None
