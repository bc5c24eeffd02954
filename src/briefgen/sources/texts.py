"""Which texts of a brief's sources are translated, and each one's name (`msgctxt`).

A text is named by its file and field path: `brief.yaml:sections[1].body`,
`recommendations/deepen-balancing.yaml:action.steps[2]`, `KZ.yaml:facts.trade.label`; a
summary or section body given as passages names each one's text (`brief.yaml:summary[2].text`),
and the profiles' fact sentences and institutions' names are texts too
(`KG.yaml:facts.borders_xinjiang.sentence`, `KG.yaml:institutions.foreign-ministry`); an
assessment of the follow-up is named by what it assesses and when
(`tracking/KZ.yaml:deepen-balancing@2021-03-18.summary`). The
brief's own texts go to `briefs/<brief>/translations/<lang>.po`, the shared profiles' texts
to `briefs/countries/translations/<lang>.po`. One more entry per state is not a field: the
official name as it follows "the Government of" (`KZ.yaml:official_name@genitive`), so the
translator gives it in the case the phrase needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from briefgen.document.formatting import humanise
from briefgen.document.words import government
from briefgen.models import Condition, CountryProfile, FactTest, Passage, StatusTest
from briefgen.models.conditions import leaves
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.profiles import figure_facts, shown_facts, shown_highlights
from briefgen.sources.yamlsource import Loc

BRIEF = "brief"
COUNTRIES = "countries"
GENITIVE = "@genitive"

ITEM = object()
"""A pattern step: every item of a list."""
KEY = object()
"""A pattern step: every key of a mapping."""

BRIEF_FIELDS: tuple[tuple[Any, ...], ...] = (
    ("title",),
    ("subtitle",),
    ("series",),
    ("organisation",),
    ("summary",),
    ("summary", ITEM),
    ("summary", ITEM, "text"),
    ("sections", ITEM, "heading"),
    ("sections", ITEM, "body"),
    ("sections", ITEM, "body", ITEM),
    ("sections", ITEM, "body", ITEM, "text"),
    ("scenarios", KEY, "label"),
    ("figures", ITEM, "title"),
)
RECOMMENDATION_FIELDS: tuple[tuple[Any, ...], ...] = (
    ("title",),
    ("horizon",),
    ("audience", "institutions", ITEM),
    ("trigger", "summary"),
    ("trigger", "watch", ITEM),
    ("action", "summary"),
    ("action", "steps", ITEM),
    ("action", "steps", ITEM, "text"),
    ("rationale",),
    ("evidence", ITEM, "claim"),
    ("country_notes", KEY),
)
SOURCE_FIELDS: tuple[tuple[Any, ...], ...] = (
    (KEY, "author"),
    (KEY, "title"),
    (KEY, "description"),
    (KEY, "container"),
    (KEY, "publisher"),
)
"""A work's texts: its description always; its organisation author, title, container and
publisher where the translator gives them (optional: untranslated, they print as the work has them)."""
OPTIONAL_SOURCE_FIELDS = frozenset({"author", "title", "container", "publisher"})
DATIVE = "@dative"
COUNTRY_FIELDS: tuple[tuple[Any, ...], ...] = (
    ("name",),
    ("official_name",),
    ("government",),
    ("government", ITEM, "name"),
    ("capital",),
    ("capital", ITEM, "name"),
    ("facts", KEY, "label"),
    ("facts", KEY, "unit"),
    ("facts", KEY, "value"),
    ("facts", KEY, "sentence"),
    ("institutions", KEY),
    ("institutions", KEY, ITEM, "name"),
    ("highlights", ITEM),
    ("highlights", ITEM, "text"),
)


@dataclass(frozen=True)
class SourceText:
    """One translatable text of the sources."""

    catalog: str
    """`brief` or `countries`."""
    context: str
    """The `msgctxt`: file and field, `recommendations/x.yaml:action.steps[2]`."""
    english: str
    """The source text (the `msgid`)."""
    part: str
    """The loaded part it belongs to (`brief`, `rec:<id>`, `country:<CODE>`)."""
    loc: Loc
    """Its path in the part's data."""
    country: str | None
    """The one country whose brief alone shows it, if any."""
    comment: str = ""
    """A note for the translator."""
    forms: tuple[tuple[str, str], ...] = ()
    """The text in other languages as the source itself gives it (an official name's `forms`):
    a language given here needs no translation."""
    optional: bool = False
    """Left untranslated, the text prints as the source has it, and the translation is complete
    without it (a work's real title, publisher or organisation author; a name's dative)."""

    def given(self, language: str) -> str | None:
        """Return the source's own form of the text in `language`, if it gives one."""
        found = dict(self.forms)
        return found.get(language) or found.get(language.split("-")[0].lower())


def field_name(loc: Loc) -> str:
    """Return a data path as the context writes it: `action.steps[2]`."""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _walk(data: Any, pattern: tuple[Any, ...], loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    if not pattern:
        yield loc, data
        return
    step, rest = pattern[0], pattern[1:]
    if step is ITEM:
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _walk(item, rest, (*loc, i))
    elif step is KEY:
        if isinstance(data, dict):
            for key, item in data.items():
                yield from _walk(item, rest, (*loc, key))
    elif isinstance(data, dict) and data.get(step) is not None:
        yield from _walk(data[step], rest, (*loc, step))


def texts(loaded: LoadedBrief, *, printed_only: bool = True) -> list[SourceText]:
    """Return every translatable text the brief uses, in source order, each once per context.

    `printed_only` keeps, of the shared profiles, only what this brief can print: the facts its
    table and figures show or its triggers test ("Applies because" names them) and the
    highlights it shows, so a fact another brief adds to a profile never makes this brief's
    translation incomplete. Extraction passes False: the countries catalog is shared, and
    one brief's `translate` must not make another brief's entries obsolete.
    """
    day = loaded.brief.date if printed_only else None
    brief = loaded.brief.model_dump(mode="json", by_alias=True)
    out = list(_texts_of(_Origin(BRIEF, "brief.yaml", "brief"), brief, BRIEF_FIELDS, day=day))
    for rec in sorted(loaded.recommendations, key=lambda r: r.id):
        if rec.status != "active":
            continue
        data = rec.model_dump(mode="json", by_alias=True)
        origin = _Origin(BRIEF, f"recommendations/{rec.id}.yaml", f"rec:{rec.id}")
        out += _texts_of(origin, data, RECOMMENDATION_FIELDS, day=day)
    out += _assessment_texts(loaded)
    tested = _facts_tested(loaded)
    for code in loaded.brief.countries:
        profile = loaded.countries.get(code)
        if profile is None:
            continue
        data = profile.model_dump(mode="json", by_alias=True)
        if printed_only:
            _keep_printed(loaded, profile, data, tested=tested)
        for name, fact in data.get("facts", {}).items():
            if not fact.get("label"):
                fact["label"] = humanise(name)
        origin = _Origin(COUNTRIES, f"{code}.yaml", f"country:{code}", code)
        out += _texts_of(origin, data, COUNTRY_FIELDS, day=day)
        out += _name_forms(code, profile)
    own = {key: work.model_dump(mode="json", by_alias=True) for key, work in loaded.sources.items()}
    out += _texts_of(_Origin(BRIEF, "sources.yaml", "sources"), own, SOURCE_FIELDS, day=day)
    shared_keys = loaded.shared_used if printed_only else tuple(loaded.shared_sources)
    shared = {key: loaded.shared_sources[key].model_dump(mode="json", by_alias=True) for key in shared_keys}
    out += _texts_of(_Origin(COUNTRIES, "sources.yaml", "shared-sources"), shared, SOURCE_FIELDS, day=day)
    return out


@dataclass(frozen=True)
class _Origin:
    """Where texts are taken from: their catalog, their file, the loaded part, the one country."""

    catalog: str
    file: str
    part: str
    country: str | None = None
    """The one country whose brief alone shows the file's texts, if any."""


def _texts_of(
    origin: _Origin, data: Any, patterns: tuple[tuple[Any, ...], ...], *, day: dt.date | None
) -> Iterator[SourceText]:
    """Yield the texts of one file's data that `patterns` name, in order.

    `day`: the brief's date, when only what it prints is wanted (an official name's form of
    another date is left out); None for every form.
    """
    for pattern in patterns:
        for loc, value in _walk(data, pattern):
            if not isinstance(value, str) or not value.strip() or value == "share":
                continue
            english = value.replace("-", " ") if pattern == ("audience", "institutions", ITEM) else value
            forms: tuple[tuple[str, str], ...] = ()
            if pattern[-2:] == (ITEM, "name"):  # one dated form of an official name
                term = data
                for step in loc[:-1]:
                    term = term[step]
                if day is not None and not _valid_on(term, day):
                    continue  # another date's name: not this brief's to translate
                forms = tuple(sorted((term.get("forms") or {}).items()))
            only = str(loc[-1]) if pattern == ("country_notes", KEY) else origin.country
            name = field_name(loc)
            if pattern == ("highlights", ITEM, "text") and data["highlights"][loc[1]].get("id"):
                # named by its id, not its place: a highlight added before it moves nothing
                name = f"highlights.{data['highlights'][loc[1]]['id']}.text"
            optional = pattern in SOURCE_FIELDS and pattern[-1] in OPTIONAL_SOURCE_FIELDS
            yield SourceText(
                origin.catalog,
                f"{origin.file}:{name}",
                english,
                origin.part,
                loc,
                only,
                _translator_note(pattern),
                forms,
                optional,
            )


def _translator_note(pattern: tuple[Any, ...]) -> str:
    """Return the note for the translator of the texts a field pattern names ("" for none)."""
    if pattern == ("audience", "institutions", ITEM):
        return "An institution addressed, as the brief names it."
    if pattern == ("facts", KEY, "sentence"):
        return (
            "What the fact says after the country's name (“Ruritania …”), in "
            "“Applies because …”; keep {value}."
        )
    if pattern in (("institutions", KEY), ("institutions", KEY, ITEM, "name")):
        return "The government's own name of the institution, in its usual form."
    if pattern in SOURCE_FIELDS and pattern[-1] == "description":
        return "What the work is (its real title is not known): printed in square brackets."
    if pattern in SOURCE_FIELDS:
        return (
            "Optional: left empty, the work's own wording is printed. A title stays as the "
            "work has it; a translation may follow it in square brackets."
        )
    if pattern in (("government",), ("government", ITEM, "name")):
        return (
            "The government's full official name as it follows “Prepared for the” "
            "(in Russian, the genitive: «Правительства Республики Казахстан»)."
        )
    return ""


def _assessment_texts(loaded: LoadedBrief) -> Iterator[SourceText]:
    """Yield the texts of the follow-up's assessments, country by country: summary, evidence, assessor."""
    for code in sorted(loaded.tracking):
        for i, item in enumerate(loaded.tracking[code]):
            name = assessment_name(item.recommendation, item.step, item.date.isoformat())
            context = f"tracking/{code}.yaml:{name}"
            part = f"track:{code}"
            yield SourceText(BRIEF, f"{context}.summary", item.summary, part, (i, "summary"), code)
            for j, evidence in enumerate(item.evidence):
                loc = (i, "evidence", j, "claim")
                yield SourceText(BRIEF, f"{context}.evidence[{j}].claim", evidence.claim, part, loc, code)
            comment = "Who made the assessment: a team or an office."
            yield SourceText(
                BRIEF, f"{context}.assessor", item.assessor, part, (i, "assessor"), code, comment
            )


def _keep_printed(
    loaded: LoadedBrief, profile: CountryProfile, data: dict[str, Any], *, tested: set[str]
) -> None:
    """Trim a profile's dumped `data` to what the brief prints of it: the facts its table and
    figures show or its conditions test, and the highlights it shows (the others left as None)."""
    used = {name for name, _ in shown_facts(loaded.brief, profile)}
    used |= {name for name, _ in figure_facts(loaded.brief, profile)} | tested
    data["facts"] = {name: fact for name, fact in data.get("facts", {}).items() if name in used}
    shown = {index for index, _ in shown_highlights(loaded.brief, profile)}
    highlights = data.get("highlights", [])
    data["highlights"] = [h if i in shown else None for i, h in enumerate(highlights)]


def _name_forms(code: str, profile: CountryProfile) -> list[SourceText]:
    """Return the entries of a state's name in the cases phrases need: the official name's genitive
    and the short name's dative."""
    return [
        SourceText(
            COUNTRIES,
            f"{code}.yaml:official_name{GENITIVE}",
            government(profile.official_name, "en"),
            f"country:{code}",
            ("official_name",),
            code,
            "The official name as it follows “the Government of” "
            "(in Russian, the genitive: «Республики Казахстан»).",
        ),
        SourceText(
            COUNTRIES,
            f"{code}.yaml:name{DATIVE}",
            profile.name,
            f"country:{code}",
            ("name",),
            code,
            "Optional: the short name in the dative, where the language declines it "
            "(in Russian: «Казахстану», as in «Данные по Казахстану»).",
            optional=True,
        ),
    ]


def assessment_name(recommendation: str, step: int | str | None, date: str) -> str:
    """Return how a translation names an assessment: by what it assesses and when, not by its place
    in the file (`deepen-balancing@2021-03-18`, `deepen-balancing.step2@2021-03-18`)."""
    what = recommendation if step is None else f"{recommendation}.step{step}"
    return f"{what}@{date}"


def _valid_on(term: dict[str, Any], day: Any) -> bool:
    """Return whether a dated form (as dumped: ISO dates) was in use on `day`."""
    start, end = term.get("valid_from"), term.get("valid_to")
    iso = day.isoformat()
    return (start is None or str(start) <= iso) and (end is None or iso <= str(end))


def line_of(loaded: LoadedBrief, text: SourceText) -> tuple[str, int] | None:
    """Return the YAML file (relative to the briefs folder) and line of a text, when known."""
    path = loaded.files.get(text.part)
    positions = loaded.positions.get(path) if path is not None else None
    if path is None or positions is None:
        return None
    line, _ = positions.locate(text.loc)
    base = loaded.root.parent
    try:
        shown = str(path.relative_to(base))
    except ValueError:
        shown = path.name
    return shown, line


def _facts_tested(loaded: LoadedBrief) -> set[str]:
    """Return the names of the country facts that the brief's conditions test: the active
    recommendations' triggers, steps and evidence, and the tailored paragraphs. "Applies because"
    and the country lead name them."""
    conditions: list[Condition | None] = []
    for rec in loaded.recommendations:
        if rec.status != "active":
            continue
        conditions.append(rec.trigger.when)
        conditions += [step.when for step in rec.action.steps if not isinstance(step, str)]
        conditions += [item.when for item in rec.evidence]
    brief = loaded.brief
    for text in [brief.summary, *(s.body for s in brief.sections)]:
        if isinstance(text, list):
            conditions += [item.when for item in text if isinstance(item, Passage)]
    found: set[str] = set()
    for condition in conditions:
        if condition is None:
            continue
        for _, test in leaves(condition):
            if isinstance(test, StatusTest):
                continue
            path = test.fact if isinstance(test, FactTest) else test.series
            if path.startswith("country."):
                found.add(path.removeprefix("country."))
    return found
