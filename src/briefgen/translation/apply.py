"""A brief in a translation language: the same sources, every translatable text translated.

Translating the sources, not the finished document, keeps one tailoring for every language:
conditions, numbering and citations come out the same, and the fixed words and Babel's
numbers and dates follow the brief's `language`. A text whose catalog entry is missing, fuzzy
or made for an older English is untranslated: a strict build stops and lists each one; with
`allow_untranslated` it keeps the English and the brief is marked as a draft translation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from briefgen.errors import Problem, TranslationIncomplete, UsageError
from briefgen.models import Assessment, Brief, CountryProfile, Recommendation, Source
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.catalogs import LanguageCatalogs, TranslationCatalog, catalog_paths
from briefgen.sources.texts import DATIVE, GENITIVE, SourceText, texts
from briefgen.sources.yamlsource import Loc


@dataclasses.dataclass(frozen=True)
class Status:
    """Where one text stands in its catalog."""

    text: SourceText
    state: str
    """`translated`, `fuzzy` or `untranslated`; `original` for an optional text left as the source has it."""
    translation: str
    problem: Problem | None


def statuses(
    loaded: LoadedBrief, language: str, *, by_english: bool = False, also: LanguageCatalogs | None = None
) -> list[Status]:
    """Return each text the brief uses with its state in `language`'s catalogs.

    `by_english`: a text whose own entry does not translate it takes the translation of another
    entry with the same English, or the one an obsolete entry kept (an older edition's step that
    has moved or gone since, say); `also` is a second set of catalogs to look in (the working
    ones, for a release that froze its own).
    """
    catalogs = catalogs_for(loaded, language)
    out = []
    for text in texts(loaded):
        catalog = catalogs.of(text.catalog)
        entry = catalog.entries.get(text.context)
        if entry is None and text.part == "sources":
            # a released edition keeps the shared works among its own: their entries are in
            # the countries' catalog, under the same names
            entry = catalogs.countries.entries.get(text.context)
        given = text.given(language)
        if given:  # the source gives the text in this language itself (an official name's form)
            out.append(Status(text, "translated", given, None))
            continue
        if entry is not None and entry.translation and not entry.fuzzy and entry.english == text.english:
            out.append(Status(text, "translated", entry.translation, None))
            continue
        if by_english:
            earlier = _by_english(text, [catalog, *([also.of(text.catalog)] if also is not None else [])])
            if earlier:
                out.append(Status(text, "translated", earlier, None))
                continue
        if text.optional and (entry is None or not entry.translation):
            out.append(Status(text, "original", "", None))  # printed as the source has it
            continue
        if entry is None:
            state, why, line = "untranslated", "not in the catalog yet (run `briefgen translate`)", 1
        elif entry.english != text.english:
            state, why, line = (
                "fuzzy",
                "the English changed since it was translated (run `briefgen translate`)",
                entry.line,
            )
        elif entry.fuzzy:
            state, why, line = "fuzzy", "fuzzy: check the translation against the new English", entry.line
        else:
            state, why, line = "untranslated", "untranslated", entry.line
        problem = Problem(catalog.path, line, 1, text.context, why)
        out.append(Status(text, state, "", problem))
    return out


def _by_english(text: SourceText, catalogs: list[TranslationCatalog]) -> str:
    """Return a translation of the same English from any of `catalogs` (an entry, else an obsolete
    one); a text of several paragraphs that no entry has whole is translated paragraph by paragraph,
    as far as the catalogs know them (an older edition's summary, later split into passages)."""
    known: dict[str, str] = {}
    for catalog in reversed(catalogs):
        known.update({english.strip(): translated for english, translated in catalog.earlier.items()})
        known.update(
            {
                e.english.strip(): e.translation
                for e in catalog.entries.values()
                if e.translation and not e.fuzzy
            }
        )
    whole = known.get(text.english.strip())
    if whole:
        return whole
    paragraphs = [p.strip() for p in text.english.split("\n\n") if p.strip()]
    if len(paragraphs) > 1 and any(p in known for p in paragraphs):  # the rest stays as it was
        return "\n\n".join(known.get(p, p).strip() for p in paragraphs) + "\n"
    return ""


def catalogs_for(loaded: LoadedBrief, language: str) -> LanguageCatalogs:
    """Return the catalogs of a language the brief declares, read when the brief was loaded."""
    found = loaded.translations.get(language)
    if isinstance(found, LanguageCatalogs):
        return found
    if language not in loaded.brief.languages:
        raise UsageError(
            f"{loaded.id} is not published in '{language}' (brief.yaml languages: "
            f"{', '.join(loaded.brief.languages)})"
        )
    from briefgen.sources.catalogs import TranslationCatalog

    paths = catalog_paths(loaded.root, language)
    return LanguageCatalogs(
        language, TranslationCatalog(paths["brief"]), TranslationCatalog(paths["countries"])
    )


def localise(
    loaded: LoadedBrief,
    language: str,
    *,
    countries: Sequence[str] = (),
    allow_untranslated: bool = False,
    by_english: bool = False,
    also: LanguageCatalogs | None = None,
) -> LoadedBrief:
    """Return the brief in `language`; raise TranslationIncomplete listing what is not translated.

    Only the texts `countries`' briefs show must be translated (default: every country's).
    """
    if language == loaded.brief.languages[0] and language == loaded.brief.language:
        return loaded
    found = statuses(loaded, language, by_english=by_english, also=also)
    untranslated: dict[str, tuple[str, ...]] = {}
    for code in loaded.brief.countries:
        untranslated[code] = tuple(
            s.text.context for s in found if s.state in _PENDING and s.text.country in (None, code)
        )
    if not allow_untranslated:
        _refuse_untranslated(found, set(countries) or set(loaded.brief.countries), language)

    data = _source_data(loaded)
    names = _put_translations(data, found, language)
    _translate_part_names(data["brief"], loaded.brief)
    brief = Brief.model_validate(data["brief"]).model_copy(update={"language": language})
    recommendations = tuple(
        Recommendation.model_validate(data[f"rec:{r.id}"]) for r in loaded.recommendations
    )
    profiles = {code: CountryProfile.model_validate(data[f"country:{code}"]) for code in loaded.countries}
    tracking = {
        code: tuple(Assessment.model_validate(a) for a in data[f"track:{code}"]) for code in loaded.tracking
    }
    sources = {key: Source.model_validate(work) for key, work in data["sources"].items()}
    shared = {key: Source.model_validate(work) for key, work in data["shared-sources"].items()}
    previous = loaded.previous
    if previous is not None:
        previous = _previous_in(previous, loaded, language)
    return dataclasses.replace(
        loaded,
        brief=brief,
        recommendations=recommendations,
        countries=profiles,
        tracking=tracking,
        sources=sources,
        shared_sources=shared,
        previous=previous,
        government_of=names.government_of,
        name_forms=names.name_forms,
        institution_names=names.institutions,
        untranslated={c: m for c, m in untranslated.items() if m},
        untranslated_share={code: _share(found, code) for code, missing in untranslated.items() if missing},
        _texts={},
    )


_PENDING = ("untranslated", "fuzzy")


def _refuse_untranslated(found: Sequence[Status], wanted: set[str], language: str) -> None:
    """Raise TranslationIncomplete listing each text the `wanted` countries' briefs need and
    `language`'s catalogs do not translate."""
    blocking = [
        s.problem
        for s in found
        if s.problem is not None and (s.text.country is None or s.text.country in wanted)
    ]
    if blocking:
        raise TranslationIncomplete(language, blocking)


def _source_data(loaded: LoadedBrief) -> dict[str, Any]:
    """Return the brief's source models as data, each by the `part` its texts name: the data the
    translations are put into."""
    data: dict[str, Any] = {"brief": loaded.brief.model_dump(mode="json", by_alias=True)}
    for rec in loaded.recommendations:
        data[f"rec:{rec.id}"] = rec.model_dump(mode="json", by_alias=True)
    for code, profile in loaded.countries.items():
        data[f"country:{code}"] = profile.model_dump(mode="json", by_alias=True)
    for code, assessments in loaded.tracking.items():
        data[f"track:{code}"] = [a.model_dump(mode="json", by_alias=True) for a in assessments]
    data["sources"] = {
        key: work.model_dump(mode="json", by_alias=True) for key, work in loaded.sources.items()
    }
    data["shared-sources"] = {
        key: work.model_dump(mode="json", by_alias=True) for key, work in loaded.shared_sources.items()
    }
    return data


@dataclasses.dataclass(frozen=True)
class _Names:
    """The translated names a brief keeps beside its source models."""

    government_of: dict[str, str]
    """Each state's name as it follows "the Government of"."""
    name_forms: dict[str, dict[str, str]]
    """Each state's short name in the cases phrases decline it to."""
    institutions: dict[str, str]
    """Each addressed institution's name, by its slug."""


def _put_translations(data: dict[str, Any], found: Sequence[Status], language: str) -> _Names:
    """Put each translated text into `data` where its source text is (an untranslated state's
    name as Babel gives it); return the names kept beside the models."""
    name_forms: dict[str, dict[str, str]] = {}
    government_of: dict[str, str] = {}
    institutions: dict[str, str] = {}
    for status in found:
        text = status.text
        if status.state != "translated":
            name = _territory_name(text, language)
            if name is None:
                continue
            status = dataclasses.replace(status, translation=name)
        if text.context.endswith(GENITIVE):
            government_of[str(text.country)] = status.translation
        elif text.context.endswith(DATIVE):
            name_forms.setdefault(str(text.country), {})["dative"] = status.translation
        elif len(text.loc) == 3 and text.loc[:2] == ("audience", "institutions"):
            slug = data[text.part]["audience"]["institutions"][text.loc[2]]
            institutions[slug] = status.translation
        else:
            _set(data[text.part], text.loc, status.translation)
    return _Names(government_of, name_forms, institutions)


def _share(found: Sequence[Status], country: str) -> float:
    """Return the share of a country's brief's text (in characters of the source) not yet translated."""
    mine = [s for s in found if s.text.country in (None, country) and s.state != "original"]
    total = sum(len(s.text.english) for s in mine)
    pending = sum(len(s.text.english) for s in mine if s.state in _PENDING)
    return pending / total if total else 0.0


def _translate_part_names(translated: dict[str, Any], source: Brief) -> None:
    """Name the sections that `changes.wording_only` marks by their translated headings."""
    headings = {s.heading: translated["sections"][i]["heading"] for i, s in enumerate(source.sections)}
    marks = translated.get("changes", {}).get("wording_only", {})
    for edition, parts in marks.items():
        marks[edition] = [headings.get(part, part) for part in parts]


def _previous_in(previous: LoadedBrief, current: LoadedBrief, language: str) -> LoadedBrief:
    """Return the previous release in `language`, so "Changes since" compares like with like.

    Its own frozen catalogs are used when it has them, else the current ones; what neither
    translates stays English (the box then says what changed in the words the brief had).
    """
    if language not in previous.brief.languages and language in current.translations:
        previous = dataclasses.replace(
            previous,
            brief=previous.brief.model_copy(update={"languages": [previous.brief.language, language]}),
            translations={language: current.translations[language]},
        )
    elif language not in previous.translations and language in current.translations:
        previous = dataclasses.replace(previous, translations={language: current.translations[language]})
    working = current.translations.get(language)
    also = working if isinstance(working, LanguageCatalogs) else None
    return localise(previous, language, allow_untranslated=True, by_english=True, also=also)


def _territory_name(text: SourceText, language: str) -> str | None:
    """Return Babel's name of the state, for an untranslated name in a draft translation."""
    if text.part.startswith("country:") and text.loc in (("name",), ("official_name",)):
        from briefgen.document.formatting import locale_for

        return locale_for(language).territories.get(str(text.country))
    return None


def _set(data: Any, loc: Loc, value: str) -> None:
    node = data
    for step in loc[:-1]:
        node = node[step]
    node[loc[-1]] = value
