"""The translation catalogs of a brief: read, checked like sources, frozen into an edition.

`briefs/<brief>/translations/<lang>.po` holds the brief's own texts and
`briefs/countries/translations/<lang>.po` the shared profiles' texts. A PO file that does not
parse, or a translation that drops or changes a citation `[@key]`, a footnote `^[…]`, a link
target or a `{placeholder}` of its English, is a problem naming the PO file and line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import Problem
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.layout import COUNTRIES_DIR
from briefgen.sources.texts import BRIEF, COUNTRIES

TRANSLATIONS_DIR = "translations"


@dataclass(frozen=True)
class Entry:
    """One entry of a PO catalog."""

    context: str
    english: str
    translation: str
    fuzzy: bool = False
    line: int = 0


@dataclass
class TranslationCatalog:
    """One PO file (or its frozen copy), its entries by context."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    exists: bool = False
    earlier: dict[str, str] = field(default_factory=dict)
    """Translations of texts the sources no longer have (the obsolete `#~` entries), by English: an
    earlier edition's "Changes since" quotes them in the translation it once had."""


@dataclass
class LanguageCatalogs:
    """The two catalogs of one translation language."""

    language: str
    brief: TranslationCatalog
    countries: TranslationCatalog

    def of(self, kind: str) -> TranslationCatalog:
        """Return the catalog for `brief` or `countries` texts."""
        return self.brief if kind == BRIEF else self.countries


def catalog_paths(root: Path, language: str) -> dict[str, Path]:
    """Return where a brief's two catalogs for `language` are."""
    return {
        BRIEF: root / TRANSLATIONS_DIR / f"{language}.po",
        COUNTRIES: root.parent / COUNTRIES_DIR / TRANSLATIONS_DIR / f"{language}.po",
    }


def read_translations(loaded: LoadedBrief) -> list[Problem]:
    """Read the catalogs of every translation language into `loaded`; return their problems."""
    problems: list[Problem] = []
    for language in loaded.brief.languages[1:]:
        paths = catalog_paths(loaded.root, language)
        catalogs = {kind: read_catalog(path, language, problems) for kind, path in paths.items()}
        loaded.translations[language] = LanguageCatalogs(language, catalogs[BRIEF], catalogs[COUNTRIES])
    problems.extend(_check_recipients(loaded))
    return problems


def read_catalog(path: Path, language: str, problems: list[Problem]) -> TranslationCatalog:
    """Return the entries of one PO file (none when it is missing), adding its problems."""
    from briefgen.document.pofile import PoSyntaxError, read_po

    catalog = TranslationCatalog(path)
    if not path.is_file():
        return catalog
    catalog.exists = True
    try:
        po = read_po(path.read_bytes(), language)
    except PoSyntaxError as exc:
        problems.append(Problem(path, exc.line, 1, "", f"not a valid PO file: {exc}"))
        return catalog
    for message in po:
        if not message.id or not isinstance(message.id, str) or not message.context:
            continue
        translation = message.string if isinstance(message.string, str) else ""
        line = message.lineno or 1
        entry = Entry(message.context, message.id, translation, message.fuzzy, line)
        catalog.entries[message.context] = entry
        if translation:
            for complaint in markup_changes(message.id, translation):
                problems.append(Problem(path, line, 1, message.context, complaint))
    for message in po.obsolete.values():
        if (
            isinstance(message.id, str)
            and isinstance(message.string, str)
            and message.string
            and not message.fuzzy
        ):
            catalog.earlier.setdefault(message.id, message.string)
    return catalog


_CITATION_GROUP = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
_CITATION_KEY = re.compile(r"@([a-z0-9]+(?:-[a-z0-9]+)*)")
_LINK_TARGET = re.compile(r"\]\(\s*([^)\s]+)")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def markup_changes(english: str, translation: str) -> list[str]:
    """Return what a translation lost or changed of its English's citations, notes, links, slots."""
    out = []

    def keys(text: str) -> Counter[str]:
        return Counter(k for group in _CITATION_GROUP.findall(text) for k in _CITATION_KEY.findall(group))

    before, after = keys(english), keys(translation)
    if before != after:
        lost = sorted((before - after).elements())
        added = sorted((after - before).elements())
        said = [f"drops citation {', '.join('[@' + k + ']' for k in lost)}"] if lost else []
        said += [f"adds citation {', '.join('[@' + k + ']' for k in added)}"] if added else []
        out.append("the translation " + " and ".join(said) + " of the English")
    notes_before, notes_after = english.count("^["), translation.count("^[")
    if notes_before != notes_after:
        out.append(f"the translation has {notes_after} footnote(s) ^[…] where the English has {notes_before}")
    links_before, links_after = (
        Counter(_LINK_TARGET.findall(english)),
        Counter(_LINK_TARGET.findall(translation)),
    )
    if links_before != links_after:
        lost = sorted((links_before - links_after).elements())
        out.append("the translation changes link targets" + (f": {', '.join(lost)} missing" if lost else ""))
    slots_before, slots_after = set(_PLACEHOLDER.findall(english)), set(_PLACEHOLDER.findall(translation))
    if slots_before != slots_after:
        missing = sorted(slots_before - slots_after)
        extra = sorted(slots_after - slots_before)
        detail = "; ".join([f"missing {{{m}}}" for m in missing] + [f"unknown {{{e}}}" for e in extra])
        out.append(f"the translation's placeholders differ from the English: {detail}")
    return out


def _check_recipients(loaded: LoadedBrief) -> list[Problem]:
    """A recipient whose language the brief is not published in would get a copy they cannot read."""
    problems = []
    published = loaded.brief.languages
    for i, recipient in enumerate(loaded.recipients or ()):
        if recipient.language not in published:
            problems.append(
                loaded.problem(
                    "recipients",
                    (i, "language"),
                    f"{recipient.id} reads '{recipient.language}', but the brief is published in "
                    f"{', '.join(published)} only: add it to brief.yaml's languages and translate, "
                    "or choose one of those",
                )
            )
    return problems


def freeze(loaded: LoadedBrief, previous: LoadedBrief | None = None) -> dict[str, Any]:
    """Return the translations the brief uses, per language and catalog, for an edition file.

    With the `previous` release, also the earlier translations (obsolete entries, by English) of
    that edition's texts, under `earlier`: the changes box quotes them, and the frozen edition
    must quote them as on release day, whatever the catalogs hold later.
    """
    from briefgen.sources.texts import texts

    used = texts(loaded)
    before = _english_of(texts(previous)) if previous is not None else set()
    frozen: dict[str, Any] = {}
    for language, catalogs in sorted(loaded.translations.items()):
        out: dict[str, Any] = {BRIEF: {}, COUNTRIES: {}}
        for text in used:
            entry = catalogs.of(text.catalog).entries.get(text.context)
            if entry is not None and entry.translation and not entry.fuzzy and entry.english == text.english:
                out[text.catalog][text.context] = [entry.english, entry.translation]
        earlier = {
            kind: {en: tr for en, tr in sorted(catalogs.of(kind).earlier.items()) if en.strip() in before}
            for kind in (BRIEF, COUNTRIES)
        }
        if any(earlier.values()):  # (an edition with none keeps the format it always had)
            out["earlier"] = {kind: found for kind, found in earlier.items() if found}
        frozen[language] = out
    return frozen


def _english_of(texts: Any) -> set[str]:
    """Return the English of `texts`, whole and paragraph by paragraph."""
    found: set[str] = set()
    for text in texts:
        found.add(text.english.strip())
        found.update(p.strip() for p in text.english.split("\n\n") if p.strip())
    return found


def thaw(loaded: LoadedBrief, frozen: dict[str, Any], edition: int) -> None:
    """Give an edition's LoadedBrief the catalogs frozen in its file."""
    for language, kinds in frozen.items():
        catalogs = {}
        for kind in (BRIEF, COUNTRIES):
            path = loaded.root / "editions" / f"{edition}.json"
            entries = {
                ctx: Entry(ctx, english, translation)
                for ctx, (english, translation) in kinds.get(kind, {}).items()
            }
            earlier = dict(kinds.get("earlier", {}).get(kind, {}))
            catalogs[kind] = TranslationCatalog(path, entries, exists=True, earlier=earlier)
        loaded.translations[language] = LanguageCatalogs(language, catalogs[BRIEF], catalogs[COUNTRIES])
