"""Cross-file rules, checked once every file of a brief has been read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from briefgen.document.text import citations_in
from briefgen.errors import Problem
from briefgen.models import Condition, FactTest, Passage
from briefgen.models.brief import TailoredText
from briefgen.models.conditions import leaves
from briefgen.sources.citecheck import malformed_citations
from briefgen.sources.diagnostics import did_you_mean
from briefgen.sources.markdown_subset import unsupported
from briefgen.sources.profiles import check_profiles, shown_facts, shown_highlights
from briefgen.sources.yamlsource import Loc, dotted
from briefgen.tailoring.numbering import duplicate_numbers

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief


def text_fields(loaded: LoadedBrief) -> Iterator[tuple[str, Loc, str]]:
    """Yield every Markdown text of the brief as (part, field path, text)."""
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
        for i, text in enumerate(rec.action.steps):
            yield part, ("action", "steps", i), text
        if rec.rationale:
            yield part, ("rationale",), rec.rationale
        for i, item in enumerate(rec.evidence):
            yield part, ("evidence", i, "claim"), item.claim
        for code, note in rec.country_notes.items():
            yield part, ("country_notes", code), note
    for code, profile in loaded.countries.items():
        part = f"country:{code}"
        for field in ("name", "official_name", "capital"):
            value = getattr(profile, field)
            if value:
                yield part, (field,), value
        for i, text in shown_highlights(brief, profile):
            yield part, ("highlights", i), text
        for name, fact in shown_facts(brief, profile):
            if fact.label:
                yield part, ("facts", name, "label"), fact.label
            if isinstance(fact.value, str):
                yield part, ("facts", name, "value"), fact.value


_PLAIN_FIELDS = {"title", "subtitle", "heading", "label", "name", "official_name", "capital", "value"}
"""Fields that are one plain line, not Markdown: they print as typed."""


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


def check_brief(loaded: LoadedBrief, *, complete: bool = True) -> list[Problem]:
    """Return every problem that only shows when the files are read together.

    When some file could not be read (`complete` false), warnings that depend on seeing every
    file, such as an uncited source, are left out: they would only be noise.
    """
    problems: list[Problem] = []
    brief = loaded.brief
    countries = set(brief.countries)
    own = loaded.sources
    sources = {**loaded.shared_sources, **own}  # a brief may cite a work of the shared bibliography
    cited: set[str] = set()
    bibliography = loaded.files["sources"].name if "sources" in loaded.files else "sources.yaml"

    def is_known(key: str) -> bool:
        # a work that sources.yaml has but could not read was reported there, once
        return key in sources or key in loaded.sources_in_error or loaded.sources_unread

    def source_missing(part: str, loc: Loc, key: str) -> None:
        more = did_you_mean(key, sources)
        problems.append(loaded.problem(part, loc, f"source '{key}' is not in {bibliography}{more}"))

    # what the Markdown subset does not support, at its line
    for part, loc, text in text_fields(loaded):
        if loc and loc[-1] in _PLAIN_FIELDS:
            continue
        for offset, message in unsupported(text):
            path = loaded.files[part]
            positions = loaded.positions.get(path)
            line, col = positions.locate_in_text(loc, offset, text) if positions else (1, 1)
            problems.append(Problem(path, line, col, dotted(loc), message))

    # citations in text
    for part, loc, text in text_fields(loaded):
        for offset, message in malformed_citations(text, sources):
            path = loaded.files[part]
            positions = loaded.positions.get(path)
            line, col = positions.locate_in_text(loc, offset, text) if positions else (1, 1)
            problems.append(Problem(path, line, col, dotted(loc), message))
        for item, offset in citations_in(text):
            cited.add(item.key)
            if not is_known(item.key):
                path = loaded.files[part]
                positions = loaded.positions.get(path)
                line, col = positions.locate_in_text(loc, offset, text) if positions else (1, 1)
                more = did_you_mean(item.key, sources)
                problems.append(
                    Problem(
                        path,
                        line,
                        col,
                        dotted(loc),
                        f"citation [@{item.key}] names no work in {bibliography}{more}",
                    )
                )

    if brief.scenario is not None and brief.scenario not in brief.scenarios:
        known = ", ".join(brief.scenarios) or "none are defined"
        problems.append(
            loaded.problem(
                "brief",
                ("scenario",),
                f"scenario '{brief.scenario}' is not one of the brief's scenarios ({known})",
            )
        )

    country_facts = {name for p in loaded.countries.values() for name in p.facts}
    profiles_read = countries <= set(loaded.countries)
    scenario_facts = {name for s in brief.scenarios.values() for name in s.facts}

    def check_country(part: str, loc: Loc, code: str, *, key: bool = False) -> None:
        if code not in countries:
            problems.append(
                loaded.problem(
                    part,
                    loc,
                    f"{code} is not one of the brief's countries ({', '.join(brief.countries)})",
                    key=key,
                )
            )

    for loc, passage in _passage_conditions(loaded):
        for j, code in enumerate(passage.countries or []):
            check_country("brief", (*loc, "countries", j), code)
        if passage.when is not None:
            for test_loc, test in _fact_tests(passage.when, (*loc, "when")):
                scope, name = test.fact.split(".", 1)
                defined = country_facts if scope == "country" else scenario_facts
                if name not in defined:
                    where = "country profile" if scope == "country" else "scenario"
                    more = did_you_mean(name, defined, cutoff=0.5, prefix=f"{scope}.")
                    problems.append(
                        loaded.problem(
                            "brief", (*test_loc, "fact"), f"no {where} of this brief defines '{name}'{more}"
                        )
                    )

    for rec in loaded.recommendations:
        part = f"rec:{rec.id}"
        if rec.audience.countries != "all":
            for i, code in enumerate(rec.audience.countries):
                check_country(part, ("audience", "countries", i), code)
        for code in rec.country_notes:
            check_country(part, ("country_notes", code), code, key=True)
        for i, evidence in enumerate(rec.evidence):
            cited.add(evidence.source)
            if not is_known(evidence.source):
                source_missing(part, ("evidence", i, "source"), evidence.source)
            for j, code in enumerate(evidence.countries or []):
                check_country(part, ("evidence", i, "countries", j), code)
        if rec.trigger.when is not None:
            for loc, test in _fact_tests(rec.trigger.when, ("trigger", "when")):
                scope, name = test.fact.split(".", 1)
                defined = country_facts if scope == "country" else scenario_facts
                if scope == "country" and not profiles_read:
                    continue  # a profile that could not be read was reported; its facts are unknown
                if name not in defined:
                    where = "country profile" if scope == "country" else "scenario"
                    more = did_you_mean(name, defined, cutoff=0.5, prefix=f"{scope}.")
                    problems.append(
                        loaded.problem(
                            part, (*loc, "fact"), f"no {where} of this brief defines '{name}'{more}"
                        )
                    )

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

    profile_problems, profile_cited = check_profiles(loaded)
    problems.extend(profile_problems)
    cited |= profile_cited

    if loaded.recipients is not None:
        seen: set[str] = set()
        for i, recipient in enumerate(loaded.recipients):
            if recipient.id in seen:
                problems.append(
                    loaded.problem("recipients", (i, "id"), f"duplicate recipient id '{recipient.id}'")
                )
            seen.add(recipient.id)
            check_country("recipients", (i, "country"), recipient.country)
            if recipient.channel == "email" and not recipient.email:
                problems.append(
                    loaded.problem(
                        "recipients",
                        (i, "channel"),
                        "channel is email but no email address is given",
                    )
                )

    for key in own if complete else ():
        if key not in cited:
            problems.append(
                loaded.problem(
                    "sources",
                    (key,),
                    f"source '{key}' is never cited",
                    key=True,
                    severity="warning",
                )
            )
    return problems


def _fact_tests(condition: Condition, loc: Loc) -> Iterator[tuple[Loc, FactTest]]:
    for path, test in leaves(condition, loc):
        if isinstance(test, FactTest):
            yield path, test
