"""Cross-file rules, checked once every file of a brief has been read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.document.text import citations_in
from briefgen.errors import Problem
from briefgen.models import Condition, FactTest, OfficialName, Passage, Source
from briefgen.models.brief import TailoredText
from briefgen.models.conditions import leaves
from briefgen.sources.citecheck import malformed_citations
from briefgen.sources.diagnostics import did_you_mean
from briefgen.sources.markdown_subset import unsupported
from briefgen.sources.numbering import duplicate_numbers
from briefgen.sources.profiles import check_profiles, shown_facts, shown_highlights
from briefgen.sources.repetition import repetition_problems
from briefgen.sources.yamlsource import Loc, dotted

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief


def text_fields(loaded: LoadedBrief, *, tracking: bool = True) -> Iterator[tuple[str, Loc, str]]:
    """Yield every Markdown text of the brief as (part, field path, text).

    `tracking`: the follow-up's texts too (a loader checks those file by file, see
    `sources.tracking.unchecked_texts`).
    """
    brief = loaded.brief
    yield "brief", ("title",), brief.title
    if brief.subtitle:
        yield "brief", ("subtitle",), brief.subtitle
    yield from _tailored_texts(brief.summary, ("summary",))
    for i, section in enumerate(brief.sections):
        yield "brief", ("sections", i, "heading"), section.heading
        yield from _tailored_texts(section.body, ("sections", i, "body"))
    for name, scenario in brief.scenarios.items():
        yield "brief", ("scenarios", name, "label"), scenario.label
    for rec in loaded.recommendations:
        part = f"rec:{rec.id}"
        yield part, ("title",), rec.title
        yield part, ("trigger", "summary"), rec.trigger.summary
        for i, text in enumerate(rec.trigger.watch):
            yield part, ("trigger", "watch", i), text
        yield part, ("action", "summary"), rec.action.summary
        for i, step in enumerate(rec.action.steps):
            if isinstance(step, str):
                yield part, ("action", "steps", i), step
            else:
                yield part, ("action", "steps", i, "text"), step.text
        if rec.rationale:
            yield part, ("rationale",), rec.rationale
        for i, item in enumerate(rec.evidence):
            yield part, ("evidence", i, "claim"), item.claim
        for code, note in rec.country_notes.items():
            yield part, ("country_notes", code), note
    for code, assessments in loaded.tracking.items() if tracking else ():
        part = f"track:{code}"
        for i, assessment in enumerate(assessments):
            yield part, (i, "summary"), assessment.summary
            for j, evidence in enumerate(assessment.evidence):
                yield part, (i, "evidence", j, "claim"), evidence.claim
    for code, profile in loaded.countries.items():
        part = f"country:{code}"
        yield part, ("name",), profile.name
        yield part, ("official_name",), profile.official_name
        named: list[tuple[Loc, OfficialName]] = [
            ((field,), value)
            for field in ("government", "capital")
            if (value := getattr(profile, field)) is not None
        ]
        named += [(("institutions", key), value) for key, value in profile.institutions.items()]
        for loc, value in named:
            if isinstance(value, str):
                yield part, loc, value
                continue
            for i, term in enumerate(value):
                yield part, (*loc, i, "name"), term.name
        for i, text in shown_highlights(brief, profile):
            yield part, ("highlights", i), text
        for name, fact in shown_facts(brief, profile):
            if fact.label:
                yield part, ("facts", name, "label"), fact.label
            if isinstance(fact.value, str):
                yield part, ("facts", name, "value"), fact.value


_PLAIN_FIELDS = {
    "title",
    "subtitle",
    "heading",
    "label",
    "name",
    "official_name",
    "government",
    "capital",
    "value",
}
"""Fields that are one plain line, not Markdown: they print as typed."""


def _names_outside_their_dates(loaded: LoadedBrief) -> list[Problem]:
    """Return a warning for each official name the brief prints that no form covers on its date.

    The names printed: each government's (`government`) and the institutions its
    recommendations address. A brief dated before a name's first form prints the first, after
    its last the last, which may be a name the state had not yet, or no longer, used.
    """
    brief = loaded.brief
    day = brief.date
    printed: dict[str, set[str]] = {}
    for rec in loaded.recommendations:
        if rec.status != "active":
            continue
        receiving = brief.countries if rec.audience.countries == "all" else rec.audience.countries
        for code in receiving:
            printed.setdefault(code, set()).update(rec.audience.institutions)
    out: list[Problem] = []
    for code in brief.countries:
        profile = loaded.countries.get(code)
        if profile is None:
            continue
        named: list[tuple[Loc, OfficialName]] = []
        if profile.government is not None:
            named.append((("government",), profile.government))
        named += [
            (("institutions", k), profile.institutions[k])
            for k in sorted(printed.get(code, ()))
            if k in profile.institutions
        ]
        for loc, value in named:
            if isinstance(value, str) or any(term.valid_on(day) for term in value):
                continue
            spans = "; ".join(f"'{t.name}' {t.valid_from or '…'} to {t.valid_to or '…'}" for t in value)
            out.append(
                loaded.problem(
                    f"country:{code}",
                    loc,
                    f"the brief is dated {day.isoformat()}, outside every form of this name ({spans}): "
                    "add the form in use on that date, with `valid_from` / `valid_to`",
                    severity="warning",
                )
            )
    return out


def _tailored_texts(value: TailoredText, loc: Loc) -> Iterator[tuple[str, Loc, str]]:
    if isinstance(value, str):
        yield "brief", loc, value
        return
    for i, item in enumerate(value):
        if isinstance(item, str):
            yield "brief", (*loc, i), item
        elif item.text is not None:
            yield "brief", (*loc, i, "text"), item.text


def _passage_conditions(loaded: LoadedBrief) -> Iterator[tuple[Loc, Passage]]:
    """Yield every tailored paragraph of the summary and sections with where it stands."""
    brief = loaded.brief
    texts: list[tuple[Loc, TailoredText]] = [(("summary",), brief.summary)]
    texts += [(("sections", i, "body"), s.body) for i, s in enumerate(brief.sections)]
    for loc, value in texts:
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Passage):
                    yield (*loc, i), item


_TextField = tuple[str, Loc, str]
"""One Markdown text of the brief: (part, field path, text), as `text_fields` yields them."""


@dataclass(frozen=True)
class _CrossFile:
    """What the cross-file rules look names up in: the works a brief may cite, the facts defined."""

    loaded: LoadedBrief
    sources: Mapping[str, Source]
    """The works a brief may cite: the shared bibliography's, then its own."""
    bibliography: str
    """The name of the brief's bibliography file, as the messages give it."""
    country_facts: frozenset[str]
    scenario_facts: frozenset[str]
    profiles_read: bool
    """Whether every country's profile was read, so that its facts are all known."""

    @classmethod
    def of(cls, loaded: LoadedBrief) -> _CrossFile:
        """Return what the rules look up in `loaded`."""
        brief = loaded.brief
        return cls(
            loaded=loaded,
            sources={**loaded.shared_sources, **loaded.sources},  # a brief may cite a shared work
            bibliography=loaded.files["sources"].name if "sources" in loaded.files else "sources.yaml",
            country_facts=frozenset(name for p in loaded.countries.values() for name in p.facts),
            scenario_facts=frozenset(name for s in brief.scenarios.values() for name in s.facts),
            profiles_read=set(brief.countries) <= set(loaded.countries),
        )

    def is_known(self, key: str) -> bool:
        """Return whether a cited key names a work, or one whose problems were reported already."""
        # a work that sources.yaml has but could not read was reported there, once
        return key in self.sources or key in self.loaded.sources_in_error or self.loaded.sources_unread

    def source_missing(self, part: str, loc: Loc, key: str) -> Problem:
        """Return the error for a `source` that names no work of the bibliography."""
        more = did_you_mean(key, self.sources)
        return self.loaded.problem(part, loc, f"source '{key}' is not in {self.bibliography}{more}")

    def country_problems(self, part: str, loc: Loc, code: str, *, key: bool = False) -> list[Problem]:
        """Return an error if `code` is not one of the brief's countries."""
        countries = self.loaded.brief.countries
        if code in countries:
            return []
        message = f"{code} is not one of the brief's countries ({', '.join(countries)})"
        return [self.loaded.problem(part, loc, message, key=key)]

    def condition_problems(self, part: str, loc: Loc, condition: Condition | None) -> list[Problem]:
        """Return an error for each fact a condition tests that no profile or scenario defines."""
        if condition is None:
            return []
        problems: list[Problem] = []
        for test_loc, test in _fact_tests(condition, loc):
            scope, name = test.fact.split(".", 1)
            defined = self.country_facts if scope == "country" else self.scenario_facts
            if scope == "country" and not self.profiles_read:
                continue  # a profile that could not be read was reported; its facts are unknown
            if name not in defined:
                where = "country profile" if scope == "country" else "scenario"
                more = did_you_mean(name, defined, cutoff=0.5, prefix=f"{scope}.")
                problems.append(
                    self.loaded.problem(
                        part, (*test_loc, "fact"), f"no {where} of this brief defines '{name}'{more}"
                    )
                )
        return problems


def check_brief(loaded: LoadedBrief, *, complete: bool = True) -> list[Problem]:
    """Return every problem that only shows when the files are read together.

    When some file could not be read (`complete` false), warnings that depend on seeing every
    file, such as an uncited source, are left out: they would only be noise.
    """
    from briefgen.sources.tracking import check_tracking, unchecked_texts

    context = _CrossFile.of(loaded)
    fields = [*text_fields(loaded, tracking=False), *unchecked_texts(loaded)]
    problems = _markdown_problems(loaded, fields)
    citation_problems, cited = _citation_problems(context, fields)
    problems += citation_problems
    problems += _scenario_problems(loaded)
    problems += _change_problems(context)
    problems += _passage_problems(context)
    recommendation_problems, evidence_cited = _recommendation_problems(context)
    problems += recommendation_problems
    problems += _institution_name_problems(loaded)
    problems += _names_outside_their_dates(loaded)
    problems += _number_problems(loaded)
    profile_problems, profile_cited = check_profiles(loaded)
    problems += profile_problems
    tracking_problems, tracking_cited = check_tracking(loaded, context.is_known)
    problems += tracking_problems
    problems += _marking_problems(loaded)
    problems += _recipient_problems(context)
    if complete:  # evidence that says again what a section says; works never cited
        problems += repetition_problems(loaded)
        problems += _uncited_problems(loaded, cited | evidence_cited | profile_cited | tracking_cited)
    return problems


def _problem_in_text(loaded: LoadedBrief, field: _TextField, offset: int, message: str) -> Problem:
    """Return a problem at character `offset` of a text field (at 1:1 if its file has no positions)."""
    part, loc, text = field
    path = loaded.files[part]
    positions = loaded.positions.get(path)
    line, col = positions.locate_in_text(loc, offset, text) if positions else (1, 1)
    return Problem(path, line, col, dotted(loc), message)


def _markdown_problems(loaded: LoadedBrief, fields: list[_TextField]) -> list[Problem]:
    """Return an error for each thing the Markdown subset does not support, at its line."""
    problems: list[Problem] = []
    for field in fields:
        _, loc, text = field
        if loc and (loc[-1] in _PLAIN_FIELDS or loc[0] == "institutions"):  # plain lines, not Markdown
            continue
        problems += [
            _problem_in_text(loaded, field, offset, message) for offset, message in unsupported(text)
        ]
    return problems


def _citation_problems(context: _CrossFile, fields: list[_TextField]) -> tuple[list[Problem], set[str]]:
    """Return the errors of the citations in the texts (malformed, or naming no work), and the keys cited."""
    problems: list[Problem] = []
    cited: set[str] = set()
    for field in fields:
        text = field[2]
        for offset, message in malformed_citations(text, context.sources):
            problems.append(_problem_in_text(context.loaded, field, offset, message))
        for item, offset in citations_in(text):
            cited.add(item.key)
            if not context.is_known(item.key):
                more = did_you_mean(item.key, context.sources)
                message = f"citation [@{item.key}] names no work in {context.bibliography}{more}"
                problems.append(_problem_in_text(context.loaded, field, offset, message))
    return problems, cited


def _scenario_problems(loaded: LoadedBrief) -> list[Problem]:
    """Return an error if the brief tailors for a scenario it does not define."""
    brief = loaded.brief
    if brief.scenario is None or brief.scenario in brief.scenarios:
        return []
    known = ", ".join(brief.scenarios) or "none are defined"
    return [
        loaded.problem(
            "brief",
            ("scenario",),
            f"scenario '{brief.scenario}' is not one of the brief's scenarios ({known})",
        )
    ]


def _change_problems(context: _CrossFile) -> list[Problem]:
    """Return the errors of the brief's `changes`: facts no profile defines, parts the brief lacks."""
    loaded = context.loaded
    brief = loaded.brief
    problems: list[Problem] = []
    for name in brief.changes.facts:
        if context.profiles_read and name not in context.country_facts:
            more = did_you_mean(name, context.country_facts, cutoff=0.5)
            problems.append(
                loaded.problem(
                    "brief",
                    ("changes", "facts", name),
                    f"no country profile of this brief defines '{name}'{more}",
                    key=True,
                )
            )
    parts = {"summary", *(section.heading for section in brief.sections)}
    for i, part in enumerate(brief.changes.wording_only.get(brief.edition, [])):
        if part not in parts:
            more = did_you_mean(part, parts, cutoff=0.5)
            problems.append(
                loaded.problem(
                    "brief",
                    ("changes", "wording_only", brief.edition, i),
                    f"'{part}' is neither `summary` nor the heading of a section{more}",
                )
            )
    return problems


def _passage_problems(context: _CrossFile) -> list[Problem]:
    """Return the errors of the tailored paragraphs: unknown countries, facts no one defines."""
    problems: list[Problem] = []
    for loc, passage in _passage_conditions(context.loaded):
        for j, code in enumerate(passage.countries or []):
            problems += context.country_problems("brief", (*loc, "countries", j), code)
        problems += context.condition_problems("brief", (*loc, "when"), passage.when)
    return problems


def _recommendation_problems(context: _CrossFile) -> tuple[list[Problem], set[str]]:
    """Return the cross-file errors of each recommendation, and the works its evidence cites.

    Checked: the countries it names, the sources of its evidence and the facts its conditions test.
    """
    problems: list[Problem] = []
    cited: set[str] = set()
    for rec in context.loaded.recommendations:
        part = f"rec:{rec.id}"
        if rec.audience.countries != "all":
            for i, code in enumerate(rec.audience.countries):
                problems += context.country_problems(part, ("audience", "countries", i), code)
        for code in rec.country_notes:
            problems += context.country_problems(part, ("country_notes", code), code, key=True)
        for i, evidence in enumerate(rec.evidence):
            cited.add(evidence.source)
            if not context.is_known(evidence.source):
                problems.append(context.source_missing(part, ("evidence", i, "source"), evidence.source))
            for j, code in enumerate(evidence.countries or []):
                problems += context.country_problems(part, ("evidence", i, "countries", j), code)
            problems += context.condition_problems(part, ("evidence", i, "when"), evidence.when)
        for i, step in enumerate(rec.action.steps):
            if isinstance(step, str):
                continue
            for j, code in enumerate(step.countries or []):
                problems += context.country_problems(part, ("action", "steps", i, "countries", j), code)
            problems += context.condition_problems(part, ("action", "steps", i, "when"), step.when)
        problems += context.condition_problems(part, ("trigger", "when"), rec.trigger.when)
    return problems, cited


def _institution_name_problems(loaded: LoadedBrief) -> list[Problem]:
    """Return a warning for each institution addressed that a receiving country's profile does not name."""
    brief = loaded.brief
    problems: list[Problem] = []
    for rec in loaded.recommendations:
        receiving = brief.countries if rec.audience.countries == "all" else rec.audience.countries
        for i, institution in enumerate(rec.audience.institutions):
            unnamed = [
                code
                for code in receiving
                if code in loaded.countries and institution not in loaded.countries[code].institutions
            ]
            if unnamed:
                problems.append(
                    loaded.problem(
                        f"rec:{rec.id}",
                        ("audience", "institutions", i),
                        f"institution '{institution}' has no name in the profile of {', '.join(unnamed)}; "
                        f"the brief prints a generic name: add `institutions: {{{institution}: …}}` there",
                        severity="warning",
                    )
                )
    return problems


def _number_problems(loaded: LoadedBrief) -> list[Problem]:
    """Return an error for each recommendation given a number another one already has."""
    problems: list[Problem] = []
    for number, ids in duplicate_numbers(loaded.recommendations).items():
        for rec_id in ids[1:]:
            problems.append(
                loaded.problem(
                    f"rec:{rec_id}",
                    ("number",),
                    f"number {number} is already given to '{ids[0]}'; "
                    "each recommendation keeps its own number in every brief",
                )
            )
    return problems


def _recipient_problems(context: _CrossFile) -> list[Problem]:
    """Return the problems of recipients.yaml, if the brief has one: wording, ids, countries, addresses."""
    loaded = context.loaded
    if loaded.recipients is None:
        return []
    problems = recipient_wording_problems(loaded)
    seen: set[str] = set()
    for i, recipient in enumerate(loaded.recipients):
        if recipient.id in seen:
            problems.append(
                loaded.problem("recipients", (i, "id"), f"duplicate recipient id '{recipient.id}'")
            )
        seen.add(recipient.id)
        problems += context.country_problems("recipients", (i, "country"), recipient.country)
        if recipient.channel == "email" and not recipient.email:
            problems.append(
                loaded.problem(
                    "recipients",
                    (i, "channel"),
                    "channel is email but no email address is given",
                )
            )
    return problems


def _uncited_problems(loaded: LoadedBrief, cited: set[str]) -> list[Problem]:
    """Return a warning for each work of the brief's own bibliography that nothing cites."""
    return [
        loaded.problem(
            "sources",
            (key,),
            f"source '{key}' is never cited",
            key=True,
            severity="warning",
        )
        for key in loaded.sources
        if key not in cited
    ]


def _marking_problems(loaded: LoadedBrief) -> list[Problem]:
    """Return an error for each language the brief is published in that its marking has no words for.

    A marking is the sender's policy, worded by the analyst: it is never translated by a
    catalog, so a language without its own wording would print another language's marking.
    """
    brief = loaded.brief
    handling = brief.handling
    if handling is None:
        return []
    missing = [code for code in brief.languages if code not in handling.wording]
    if not missing:
        return []
    given = ", ".join(handling.wording)
    example = ", ".join(f"{code}: …" for code in brief.languages)
    how = (
        f"a plain string is the {brief.languages[0]} wording only"
        if isinstance(brief.marking, str)
        else f"it is worded in {given} only"
    )
    return [
        loaded.problem(
            "brief",
            ("marking",),
            f"the brief is published in {', '.join(brief.languages)}, but the marking has no wording "
            f"for {', '.join(missing)} ({how}): give the exact words for each language, "
            f"{{{example}}}; a marking is the sender's policy and is never translated by a catalog",
        )
    ]


PRINTED_ABOUT_A_RECIPIENT = ("name", "title", "institution")
"""The recipient's fields a copy and its cover note always print, in the recipient's language."""


def recipient_wording_problems(loaded: LoadedBrief) -> list[Problem]:
    """Return an error for each recipient who would get words not in their own language.

    Everything printed about a recipient (name, title, institution, the greeting) must be given
    in the language they read: a plain string is the brief's source language, so a Russian
    reader of an English brief needs `{en: …, ru: …}`. A greeting that agrees with gender in the
    reader's language (Russian «Уважаемый/Уважаемая») needs the `gender` of the form of
    address, or a whole `salutation`: never a placeholder such as «(-ая)».
    """
    from briefgen.document.words import greeting_agrees_with_gender
    from briefgen.models.common import in_language, languages_of

    source = loaded.brief.languages[0]
    problems = []
    for i, recipient in enumerate(loaded.recipients or ()):
        language = recipient.language
        for name in PRINTED_ABOUT_A_RECIPIENT:
            value = getattr(recipient, name)
            if in_language(value, language, source) is not None:
                continue
            given = ", ".join(languages_of(value, source))
            shown = "a plain string, which is" if isinstance(value, str) else "given"
            problems.append(
                loaded.problem(
                    "recipients",
                    (i, name),
                    f"{recipient.id} reads '{language}', but {name} is {shown} in {given} only: "
                    f"give it in their language, {{{given}: …, {language}: …}}; nothing in another "
                    "language is printed into their copy or letter",
                )
            )
        salutation = in_language(recipient.salutation, language, source)
        if salutation is None and recipient.gender is None and greeting_agrees_with_gender(language):
            problems.append(
                loaded.problem(
                    "recipients",
                    (i, "salutation") if recipient.salutation is not None else (i, "id"),
                    f"{recipient.id} reads '{language}', whose greeting agrees with the gender of the "
                    "form of address: give `gender: masculine` or `gender: feminine` (with "
                    f"`courtesy_title: {{{language}: …}}`), or the whole greeting as "
                    f"`salutation: {{{language}: …}}`",
                )
            )
    return problems


def _fact_tests(condition: Condition, loc: Loc) -> Iterator[tuple[Loc, FactTest]]:
    for path, test in leaves(condition, loc):
        if isinstance(test, FactTest):
            yield path, test
