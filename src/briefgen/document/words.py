"""Every fixed word that reaches a page, a copy or a cover note, keyed, with `{placeholders}`.

Renderers, the change sentences, the stamp line and the cover note take their words from here
and never spell them out, so the DOCX and the PDF say the same thing. A phrase that holds a
name ("Prepared for the Government of {government}") is one entry, whole, because languages
order and inflect the pieces differently.

The English below is the source; every other language is a GNU gettext catalog shipped in the
package, `locale/<lang>/LC_MESSAGES/briefgen.po`, read with Babel at first use and cached.
Each entry's `msgctxt` is its key, so the English can be reworded without losing the entry.
A phrase with a count is a plural entry (`msgid_plural`), chosen by the catalog's own
`Plural-Forms` rule (Russian has three forms). The `{government}` slot takes the state's name
as it follows "the Government of" in that language: the countries' translation catalog gives
it per state (`KZ.yaml:official_name@genitive`: «Республики Казахстан»), so translators, not
code, decide its case; English adds "the" by the rule below.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

ENGLISH: Mapping[str, str] = {
    # the brief's parts and labels
    "summary": "Executive summary",
    "at_a_glance": "At a glance: {country}",
    "fact": "Fact",
    "value": "Value",
    "year": "Year",
    "source": "Source",
    "sources": "Sources",
    "highlights": "Highlights",
    "analysis": "Analysis",
    "recommendations": "Recommendations",
    "recommendation": "Recommendation {number}",
    "when": "When this applies",
    "applies": "Applies because",
    "watch": "Indicators to watch",
    "what": "What to do",
    "why": "Why",
    "evidence": "Evidence",
    "for_country": "For {country}",
    "horizon": "Horizon",
    "addressed_to": "Addressed to",
    "references": "References",
    "accessed": "accessed {date}",
    "edition": "Edition {edition}",
    "analysis_date": "Analysis as of {date}",
    "scenario": "Scenario: {scenario}",
    "page": "Page {page} of {pages}",
    "notes": "Notes",
    "prepared_for": "Prepared for the Government of {government}",
    "applies_facts": "Applies because {country} {facts}.",
    "applies_facts_scenario": "Applies because {country} {facts}, under the scenario ‘{scenario}’.",
    "applies_scenario": "Applies under the scenario ‘{scenario}’.",
    "fact_records": "records “{label}” as {value}",
    "institution_generic": "{name}",
    "draft": "DRAFT – not for distribution",
    "summary_recommendation": "The brief makes one recommendation to the Government of {government}: {items}.",
    "summary_no_recommendations": "The brief makes no recommendation to the Government of {government} at present.",
    "summary_item": "“{title}” (recommendation {number})",
    "number_words": "zero,one,two,three,four,five,six,seven,eight,nine,ten,eleven,twelve",
    "footer": "{title} · {country}",
    "yes": "yes",
    "no": "no",
    # "Changes since edition N": the box and its sentences
    "changes": "Changes since edition {edition}",
    "no_changes": "Nothing in this brief has changed since edition {edition}.",
    "change_first_brief": "This is the first brief prepared for {country}.",
    "change_new_recommendation": "New: recommendation {number}, “{title}”, now applies.",
    "change_renumbered": "“{title}” is now recommendation {number} (was {was}).",
    "change_revised": "“{title}”: revised {fields}.",
    "change_new_evidence": "“{title}”: new evidence: {claim} ({citation})",
    "change_evidence_withdrawn": "“{title}”: evidence withdrawn: {claim} ({citation})",
    "change_no_longer_applies": "“{title}” no longer applies to {country}.",
    "change_fact_added": "Profile: {label} added: {value}.",
    "change_fact_changed": "Profile: {label} is now {value}, previously {was}.",
    "change_summary_revised": "The executive summary was revised.",
    "change_new_section": "New section: {heading}.",
    "change_section_revised": "Section “{heading}” was revised.",
    "field_title": "the title",
    "field_trigger": "when it applies",
    "field_action": "the action",
    "field_steps": "the steps",
    "field_rationale": "the rationale",
    "field_country_note": "the country note",
    "list_and": "{items} and {last}",
    "with_year": "{value} ({year})",
    # figures: the caption's label (before the title) and the source line's label, in the
    # document's one label style (no colon, as the profile table's "Sources"), and the alt text
    "figure": "Figure {number}",
    "figure_source": "Source",
    "figure_sources": "Sources",
    "alt_intro": "{kind} chart: {title}, {start}–{end}.",
    "alt_line": "Line",
    "alt_bar": "Bar",
    "alt_compare": "{country} is highlighted; {others} are shown in grey for comparison.",
    "alt_recipient": (
        "{country}: {first} in {first_year}; highest {high} in {high_year}, lowest {low} in {low_year}."
    ),
    "alt_latest": "Latest value: {latest} in {latest_year}.",
    "alt_range": (
        "Across the countries shown, values range from {low} ({low_country}, {low_year}) "
        "to {high} ({high_country}, {high_year})."
    ),
    "alt_gaps": "No value is recorded for {gaps}.",
    "locator_page": "p. {pages}",
    "locator_pages": "pp. {pages}",
    # why a recommendation applies ("Applies because …")
    "because_scenario": "scenario: {scenario}",
    "because_not_recorded": "{label}: not recorded",
    "because_value": "{label}: {value}",
    "because_gt": "{label}: {value}, above {threshold}",
    "because_gte": "{label}: {value}, at least {threshold}",
    "because_lt": "{label}: {value}, below {threshold}",
    "because_lte": "{label}: {value}, at most {threshold}",
    "draft_translation": "Draft translation",
    # numbered copies and their cover notes
    "stamp": "Copy {copy} · Prepared for {title}, {institution}",
    "subject": "{title}: edition {edition}, copy {copy}",
    # the greeting agrees with the grammatical gender of the form of address where the language
    # wants it (Russian «Уважаемый …» / «Уважаемая …»); where both forms are the same, no gender is asked
    "cover_greeting_masculine": "Dear {name},",
    "cover_greeting_feminine": "Dear {name},",
    "cover_enclosed": (
        "Please find enclosed copy {copy} of edition {edition} of “{title}”,\n"
        "dated {date}, prepared for the Government of {government}."
    ),
    "cover_changes": "Changes since edition {edition}:",
    "cover_files": "Enclosed: {files}",
    "cover_handling": (
        "This copy is numbered and recorded for your office. Please do not forward it beyond the\n"
        "distribution its handling marking allows."
    ),
    "cover_closing": "Yours sincerely,",
}
"""The source language's words: the keys every catalog translates."""

PLURALS: Mapping[str, tuple[str, str]] = {
    "cover_count": (
        "The brief makes {count} recommendation to your government.",
        "The brief makes {count} recommendations to your government.",
    ),
    "summary_recommendations": (
        "The brief makes {count} recommendation to the Government of {government}: {items}.",
        "The brief makes {count} recommendations to the Government of {government}: {items}.",
    ),
}
"""Phrases with a count, singular and plural English; `say_count` picks the form.

`{count}` may be a number or its word (`number_words`, in the gender the phrase's noun takes):
the form follows the number either way ("две рекомендации", "пять рекомендаций")."""

LANGUAGES = ("en", "ru", "kk", "ky", "tg", "tk", "uz")
"""The languages whose fixed words ship with briefgen (`en` is the source)."""

PLACEHOLDER = re.compile(r"\{(\w+)\}")
"""A `{name}` slot in a phrase."""


# English puts "the" before a state's official name when it is a common noun phrase
# ("the French Republic", "the United Kingdom") and not before a plain name ("Georgia").
_ARTICLE_FIRST = {
    "Republic",
    "Kingdom",
    "State",
    "Plurinational",
    "Federal",
    "United",
    "Islamic",
    "Principality",
    "Sultanate",
    "Democratic",
    "People's",
    "Commonwealth",
    "Grand",
}
_ARTICLE_LAST = {"Republic", "Kingdom", "Federation", "Emirates", "States", "Islands"}


@dataclass(frozen=True)
class FixedWords:
    """One language's fixed words, read from its PO file."""

    language: str
    words: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]
    plural: Callable[[int], int]
    """gettext's rule: the index of the plural form for a count."""


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


ENGLISH_CATALOG = FixedWords("en", ENGLISH, PLURALS, _english_plural)


@cache
def catalog(language: str) -> FixedWords:
    """Return the fixed words of `language` (or its primary subtag); English for any other.

    A missing or fuzzy entry falls back to the English of that one key.
    """
    primary = language.split("-")[0].lower()
    if primary == "en" or primary not in LANGUAGES:
        return ENGLISH_CATALOG
    from briefgen.document.pofile import read_po

    catalog_file = files("briefgen.document") / "locale" / primary / "LC_MESSAGES" / "briefgen.po"
    po = read_po(catalog_file.read_bytes(), primary)
    found: dict[str, str] = dict(ENGLISH)
    plurals: dict[str, tuple[str, ...]] = dict(PLURALS)
    for message in po:
        if not message.id or not message.context or message.fuzzy:
            continue
        if isinstance(message.string, tuple | list):
            if all(message.string):
                plurals[message.context] = tuple(message.string)
        elif message.string:
            found[message.context] = message.string
    return FixedWords(primary, found, plurals, gettext.c2py(po.plural_expr))


def words(language: str) -> Mapping[str, str]:
    """Return the fixed words in `language`, English where no catalog has them."""
    return catalog(language).words


def say_count(language: str, key: str, count: int, *, spelled: bool = False, **values: object) -> str:
    """Return the plural phrase `key` for `count`, in the form `language`'s rule picks.

    `spelled`: the count in words (`number_words`) up to twelve, in digits beyond.
    """
    found = catalog(language)
    forms = found.plurals[key]
    index = min(found.plural(count), len(forms) - 1)
    shown: object = count
    if spelled:
        numbers = found.words["number_words"].split(",")
        shown = numbers[count] if 0 <= count < len(numbers) else count
    return fill(forms[index], count=shown, **values)


def fill(phrase: str, **values: object) -> str:
    """Return a phrase with its `{placeholders}` filled: fill("For {country}", country="Peru")."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), phrase)


def say(language: str, key: str, **values: object) -> str:
    """Return the phrase `key` in `language`, filled: say("en", "edition", edition=2)."""
    return fill(words(language)[key], **values)


def pieces(phrase: str) -> Iterator[tuple[str, str | None]]:
    """Yield a phrase as (literal text, None) and ("", placeholder name) pieces, in order.

    For formats that put something other than text in a slot, such as Word's PAGE field.
    """
    position = 0
    for match in PLACEHOLDER.finditer(phrase):
        if match.start() > position:
            yield phrase[position : match.start()], None
        yield "", match.group(1)
        position = match.end()
    if position < len(phrase):
        yield phrase[position:], None


def greeting_agrees_with_gender(language: str) -> bool:
    """Return whether a cover note's greeting in `language` depends on the form of address's gender."""
    found = catalog(language).words
    return found["cover_greeting_masculine"] != found["cover_greeting_feminine"]


def greeting(language: str, name: str, gender: str | None) -> str:
    """Return the cover note's greeting, "Dear Director," / «Уважаемый господин директор!».

    Without a gender, only a language whose greeting does not depend on it is asked (validation
    makes sure), so no «Уважаемый(-ая)» placeholder is ever printed.
    """
    key = "cover_greeting_feminine" if gender == "feminine" else "cover_greeting_masculine"
    return say(language, key, name=name)


def government(official_name: str, language: str) -> str:
    """Return a state's official name as it follows "the Government of" in `language`."""
    if catalog(language) is not ENGLISH_CATALOG or official_name.startswith("the "):
        return official_name
    first, last = official_name.split(" ", 1)[0], official_name.split(" ")[-1]
    takes_article = first in _ARTICLE_FIRST or last in _ARTICLE_LAST
    return f"the {official_name}" if takes_article else official_name


def prepared_for(official_name: str, language: str, government_of: str | None = None) -> str:
    """Return "Prepared for the Government of the French Republic" in `language`.

    `government_of` is the name as it follows "the Government of" in `language`, when a
    translation gives it (the Russian genitive); otherwise the English rule makes it.
    """
    name = government_of or government(official_name, language)
    return say(language, "prepared_for", government=name)


def join_list(items: Sequence[str], language: str) -> str:
    """Return "a, b and c" in `language`."""
    if len(items) < 2:
        return "".join(items)
    return say(language, "list_and", items=", ".join(items[:-1]), last=items[-1])


def with_year(value: str, year: int | None, language: str) -> str:
    """Return "43% (2019)", or the value alone when there is no year."""
    return say(language, "with_year", value=value, year=year) if year else value
