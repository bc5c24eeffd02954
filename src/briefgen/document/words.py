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
    "prepared_for_government": "Prepared for the {government}",
    "applies_facts": "Applies because {country} {facts}.",
    "applies_facts_scenario": "Applies because {country} {facts}, under the scenario ‘{scenario}’.",
    "applies_scenario": "Applies under the scenario ‘{scenario}’.",
    "fact_records": "records “{label}” as {value}",
    "series_fell": "saw its {label} fall by {change} between {start} and {end}",
    "series_rose": "saw its {label} rise by {change} between {start} and {end}",
    "institution_generic": "{name}",
    "draft": "DRAFT – not for distribution",
    "summary_recommendation": "The brief makes one recommendation to the Government of {government}: {items}.",
    "summary_no_recommendations": "The brief makes no recommendation to the Government of {government} at present.",
    "summary_item": "“{title}” (recommendation {number})",
    # the country lead: why this country's brief says what it says ({facts}: "owes its largest
    # lender 43% of its public external debt (2019) and borders the river"; {action}: a title as
    # a verb phrase)
    "lead_first": "Because {country} {facts}, its government should {action} (recommendation {number}).",
    "lead_first_rest": (
        "Because {country} {facts}, its government should {action} (recommendation {number}), "
        "as well as {rest}."
    ),
    "lead_next": "And because {country} {facts}, it should also {action} (recommendation {number}).",
    "lead_then": "As {country} {facts}, the brief further recommends that it {action} (recommendation {number}).",
    "lead_item": "{action} (recommendation {number})",
    "lead_plain": "The brief recommends that the Government of {government} {items}.",
    "number_words": "zero,one,two,three,four,five,six,seven,eight,nine,ten,eleven,twelve",
    "footer": "{title} · {country}",
    "yes": "yes",
    "no": "no",
    "quoted": "“{text}”",
    # the follow-up: where a government stands with a recommendation (the five-step scale)
    "progress": "Progress so far",
    "progress_status": "{status} ({date})",
    "progress_status_illustrative": "{status} ({date}; illustrative assessment)",
    "status_not_assessed": "Not assessed",
    "status_no_progress": "No progress",
    "status_limited": "Limited progress",
    "status_some": "Some progress",
    "status_substantial": "Substantial progress",
    "status_full": "Full implementation",
    "trend_first": "first assessment",
    "trend_up": "improved",
    "trend_down": "worsened",
    "trend_same": "unchanged",
    # the implementation report: a document of its own on the follow-up
    "report": "Implementation report",
    "report_subtitle": "What each government has done with the recommendations",
    "report_as_of": "Assessments up to {date}",
    "report_illustrative": (
        "Illustrative: the assessments in this report are examples made up to show how the follow-up "
        "works. They are not an assessment of any government."
    ),
    "report_matrix": "Where each government stands",
    "report_matrix_note": (
        "Each cell gives the latest assessment of the recommendation as a whole: its status, its month "
        "and how it moved since the assessment before it. A dash: the recommendation is not in that "
        "government's brief."
    ),
    "report_recommendation": "Recommendation",
    "report_not_assessed": "not assessed",
    "report_chart": "Statuses over time",
    "report_chart_alt": "{title}: a step chart, one panel per country, one line per recommendation.",
    "report_chart_line": "{country}, recommendation {number}: {statuses}.",
    "report_chart_source": "the assessments in this report",
    "report_overdue": "Steps past their horizon",
    "report_overdue_note": (
        "Steps whose horizon, counted from the edition that first made the recommendation, had passed "
        "by {date} with no assessment of full implementation."
    ),
    "report_overdue_step": "Recommendation {number}, step {step}: {text}",
    "report_overdue_due": "Due {due}; not fully implemented in {countries}.",
    "report_overdue_country": "{country} ({status})",
    "report_whole": "The recommendation as a whole",
    "report_step": "Step {step}: {text}",
    "report_lead": "Lead",
    "report_assessor": "Assessed by",
    "report_illustrative_mark": "illustrative assessment",
    # "Changes since edition N": the box and its sentences
    "changes": "Changes since edition {edition}",
    "no_changes": "Nothing in this brief has changed since edition {edition}.",
    "change_first_brief": "This is the first brief prepared for {country}.",
    "change_new_recommendation": "New: recommendation {number}, “{title}”, now applies.",
    "change_renumbered": "“{title}” is now recommendation {number} (was {was}).",
    "change_revised": "Recommendation {rec}: revised {fields}.",
    "change_new_evidence": "Recommendation {rec}: new evidence: {claim} ({citation})",
    "change_evidence_withdrawn": "Recommendation {rec}: evidence withdrawn: {claim} ({citation})",
    "change_evidence_updated": "Recommendation {rec}: evidence updated: “{was}” → “{now}” ({citation}).",
    "change_step_added": "Recommendation {rec}: new step {number}: {text}.",
    "change_step_withdrawn": "Recommendation {rec}: step withdrawn: {text}.",
    "change_step_updated": "Recommendation {rec}: step {number} updated: “{was}” → “{now}”.",
    "change_no_longer_applies": "“{title}” no longer applies to {country}.",
    "change_fact_added": "Profile: {label} added: {value}.",
    "change_fact_changed": "Profile: {label} is now {value}, previously {was}.",
    "change_part_summary": "The executive summary",
    "change_part_section": "Section “{heading}”",
    "change_text_updated": "{part} updated: “{was}” → “{now}”.",
    "change_text_added": "{part} adds a paragraph: “{text}”.",
    "change_text_removed": "{part} no longer includes “{text}”.",
    "change_new_section": "New section: {heading}.",
    "change_progress": "{recommendation}: from “{was}” to “{now}” ({date}).",
    "change_progress_first": "{recommendation}: first assessed, “{now}” ({date}).",
    "changes_continued": "Changes since edition {edition} (continued)",
    "changes_more": "Further changes are listed before the recommendations.",
    "field_title": "the title",
    "field_trigger": "when it applies",
    "field_action": "the action",
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
    "alt_compare": "{country} is highlighted; {others} are drawn in grey, each named at the end of its line.",
    "alt_others_latest": "Latest values of the others: {values}.",
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
    "locator_chapter": "ch. {pages}",
    "locator_figure": "fig. {pages}",
    "locator_section": "sec. {pages}",
    "locator_paragraph": "para. {pages}",
    # the letters that mark a table's sources and tell apart one author's works of one year
    # (2020a, 2020b), in the language's alphabet, comma-separated
    "note_letters": "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z",
    # why a recommendation applies ("Applies because …")
    "because_scenario": "scenario: {scenario}",
    "because_not_recorded": "{label}: not recorded",
    "because_value": "{label}: {value}",
    "because_gt": "{label}: {value}, above {threshold}",
    "because_gte": "{label}: {value}, at least {threshold}",
    "because_lt": "{label}: {value}, below {threshold}",
    "because_lte": "{label}: {value}, at most {threshold}",
    "draft_translation": "Draft translation",
    "draft_translation_share": "Draft translation: {share} of the text not yet translated",
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
    "alt_gap": ("{country} ({years})", "{country} ({years})"),
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

PLACEHOLDER = re.compile(r"\{(\w+)(?:@\w+)?\}")
"""A `{name}` slot in a phrase; `{name@dative}` asks for a grammatical form of the value (`Name`)."""
_SLOT = re.compile(r"\{(\w+)(?:@(\w+))?\}")


class Name(str):
    """A name that carries its grammatical forms, for phrases that decline it.

    `fill("Данные по {country@dative}", country=Name("Казахстан", {"dative": "Казахстану"}))`
    gives «Данные по Казахстану»; a form the name lacks falls back to the name itself. The
    forms come from the countries' catalog (`KZ.yaml:name@dative`), so translators decide them.
    """

    forms: Mapping[str, str]

    def __new__(cls, text: str, forms: Mapping[str, str] | None = None) -> Name:
        """Return `text` with its `forms` (case -> form)."""
        made = super().__new__(cls, text)
        made.forms = dict(forms or {})
        return made

    def form(self, case: str) -> str:
        """Return the name in `case` (`dative`), or the name itself where no form is given."""
        return self.forms.get(case) or str(self)

    def __reduce__(self) -> tuple[type[Name], tuple[str, dict[str, str]]]:
        return (Name, (str(self), dict(self.forms)))


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
    """Return a phrase with its `{placeholders}` filled: fill("For {country}", country="Peru").

    `{country@dative}` takes the value's dative where it is a `Name` that has one.
    """

    def slot(match: re.Match[str]) -> str:
        name, case = match.group(1), match.group(2)
        if name not in values:
            return match.group(0)
        value = values[name]
        if case and isinstance(value, Name):
            return value.form(case)
        return str(value)

    return _ORDINAL_TK.sub(_ordinal_tk, _SLOT.sub(slot, phrase))


# `tk` writes an ordinal as the number and a suffix that follows the vowels of the number's last
# word (vowel harmony): 1-nji (bir), 6-njy (alty), 10-njy (on), 126-njy (ýüz ýigrimi alty). Its
# catalog writes "-nji"; the number filled in decides. No other language writes "-nji"/"-njy".
_ORDINAL_TK = re.compile(r"(?<![\w.,])(\d+)-nj[iy]\b")
_TK_UNITS_BACK = {6, 9}  # alty, dokuz (bir, iki, üç, dört, bäş, ýedi, sekiz are front)
_TK_TENS_BACK = {1, 3, 4, 6, 9}  # on, otuz, kyrk, altmyş, togsan (ýigrimi, elli, ýetmiş, segsen: front)


def ordinal_suffix_tk(number: int) -> str:
    """Return the `tk` ordinal suffix for `number`: "nji" or "njy", by its last word's vowels."""
    if number == 0:
        back = True  # nol
    elif number % 10:
        back = number % 10 in _TK_UNITS_BACK
    elif number % 100:
        back = (number // 10) % 10 in _TK_TENS_BACK
    elif number % 1000:
        back = False  # ýüz
    elif number % 1_000_000:
        back = False  # müň
    else:
        back = True  # million, milliard
    return "njy" if back else "nji"


def _ordinal_tk(match: re.Match[str]) -> str:
    return f"{match.group(1)}-{ordinal_suffix_tk(int(match.group(1)))}"


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


def prepared_for(
    official_name: str, language: str, government_of: str | None = None, government_body: str | None = None
) -> str:
    """Return "Prepared for the Government of the French Republic" in `language`.

    `government_body` is the government's own full name, where the profile gives it (as
    "Prepared for the …" ends: "Cabinet of Ministers of Ruritania", in Russian its genitive);
    otherwise `government_of`, the state's name as it follows "the Government of" in `language`
    when a translation gives it (the Russian genitive), or the English rule's.
    """
    if government_body:
        return say(language, "prepared_for_government", government=government_body)
    name = government_of or government(official_name, language)
    return say(language, "prepared_for", government=name)


def note_letter(index: int, language: str = "en") -> str:
    """Return the `index`-th (from 0) letter that marks a note or a work's year: a, b, … z, aa, ab.

    The letters are the language's own (`note_letters`: а, б, в … in Russian, as GOST lists
    them), so a Russian table's sources and «Yau, 2020а» use Cyrillic letters.
    """
    letters = words(language)["note_letters"].split(",")
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, len(letters))
        out = letters[rest] + out
    return out


def join_list(items: Sequence[str], language: str) -> str:
    """Return "a, b and c" in `language`."""
    if len(items) < 2:
        return "".join(items)
    return say(language, "list_and", items=", ".join(items[:-1]), last=items[-1])


def with_year(value: str, year: int | None, language: str) -> str:
    """Return "43% (2019)", or the value alone when there is no year."""
    return say(language, "with_year", value=value, year=year) if year else value
