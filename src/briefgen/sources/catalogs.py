"""The translation catalogs of a brief: read, checked like sources, frozen into an edition.

`briefs/<brief>/translations/<lang>.po` holds the brief's own texts and
`briefs/countries/translations/<lang>.po` the shared profiles' texts. A PO file that does not
parse, or a translation that drops or changes a citation `[@key]`, a footnote `^[…]`, a link
target or a `{placeholder}` of its English, is a problem naming the PO file and line.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.document.doctree import DIRECTION_CONTROLS, UNPRINTABLE, control_named
from briefgen.errors import Problem
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.layout import COUNTRIES_DIR, project_folder
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
    problems.extend(_undeclared(loaded))
    problems.extend(_check_recipients(loaded))
    return problems


def _undeclared(loaded: LoadedBrief) -> list[Problem]:
    """Warn of the brief's catalogs of languages it does not declare: they are never read.

    (The shared profiles' catalogs serve every brief: a language another brief declares is theirs.)
    """
    folder = loaded.root / TRANSLATIONS_DIR
    if not folder.is_dir():
        return []
    declared = loaded.brief.languages[1:]
    found = []
    for path in sorted(folder.glob("*.po")):
        if path.stem in declared:
            continue
        said = ", ".join(declared) if declared else "none besides its source language"
        message = (
            f"not read: '{path.stem}' is not among the brief's translations ({said}); add it to "
            "languages in brief.yaml, or remove the file"
        )
        found.append(Problem(path, 1, 1, "", message, "warning"))
    return found


def read_catalog(path: Path, language: str, problems: list[Problem]) -> TranslationCatalog:
    """Return the entries of one PO file (none when it is missing), adding its problems.

    The file is read by the rules of every read (`briefgen.reading`): a FIFO, a device, a link out
    of the project or an oversized file is a problem, not a hang. A second entry for the same
    text, control characters and (in a left-to-right language) direction controls are problems.
    """
    from briefgen.document.pofile import PoSyntaxError, read_po

    catalog = TranslationCatalog(path)
    if not os.path.lexists(path):
        return catalog
    catalog.exists = True
    try:
        raw = reading.read_file(path, reading.CATALOG, within=project_folder(path.parent.parent))
    except reading.UnreadableFile as exc:
        problems.extend(exc.problems)
        return catalog
    try:
        po = read_po(raw, language)
    except PoSyntaxError as exc:
        problems.append(Problem(path, exc.line, 1, "", f"not a valid PO file: {exc}"))
        return catalog
    for line, context, first in getattr(po, "duplicates", ()):
        problems.append(
            Problem(
                path, line, 1, context, f"a second entry for the same text (the first is at line {first})"
            )
        )
    right_to_left = _right_to_left(language)
    for message in po:
        if not message.id or not isinstance(message.id, str) or not message.context:
            continue
        translation = message.string if isinstance(message.string, str) else ""
        line = message.lineno or 1
        before = catalog.entries.get(message.context)
        if before is not None:
            message_text = f"a second entry for this msgctxt (the first is at line {before.line})"
            problems.append(Problem(path, line, 1, message.context, message_text))
            continue
        catalog.entries[message.context] = Entry(
            message.context, message.id, translation, message.fuzzy, line
        )
        if translation:
            for complaint in markup_changes(message.id, translation):
                problems.append(Problem(path, line, 1, message.context, complaint))
            for complaint in _controls(translation, right_to_left):
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


def _right_to_left(language: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_")).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


def _controls(translation: str, right_to_left: bool) -> list[str]:
    """Return what a translation holds that no document may: control characters, and direction
    controls unless its language is written right to left."""
    out = []
    bad = UNPRINTABLE.search(translation)
    if bad:
        out.append(f"control character U+{ord(bad.group()):04X} is not allowed in text")
    turned = DIRECTION_CONTROLS.search(translation)
    if turned and not right_to_left:
        out.append(
            f"direction control {control_named(turned.group())} is not allowed in a left-to-right "
            "language's text: it reorders what a reader sees"
        )
    return out


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
