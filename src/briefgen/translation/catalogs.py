"""The translation catalogs of a brief: read, checked like sources, frozen into an edition.

`briefs/<brief>/translations/<lang>.po` holds the brief's own texts and
`briefs/countries/translations/<lang>.po` the shared profiles' texts. A PO file that does not
parse, or a translation that drops or changes a citation `[@key]`, a footnote `^[…]`, a link
target or a `{placeholder}` of its English, is a problem naming the PO file and line.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.document.doctree import DIRECTION_CONTROLS, UNPRINTABLE, control_named
from briefgen.errors import Problem
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.layout import COUNTRIES_DIR, project_folder
from briefgen.translation.fields import BRIEF, COUNTRIES

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
class Catalog:
    """One PO file (or its frozen copy), its entries by context."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    exists: bool = False


@dataclass
class LanguageCatalogs:
    """The two catalogs of one translation language."""

    language: str
    brief: Catalog
    countries: Catalog

    def of(self, kind: str) -> Catalog:
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


def read_catalog(path: Path, language: str, problems: list[Problem]) -> Catalog:
    """Return the entries of one PO file (none when it is missing), adding its problems."""
    from babel.messages.pofile import PoFileError, PoFileParser

    catalog = Catalog(path)
    if not os.path.lexists(path):
        return catalog
    catalog.exists = True
    try:
        text = reading.read_text(path, reading.CATALOG, within=project_folder(path.parent.parent))
    except reading.UnreadableFile as exc:
        problems.extend(exc.problems)
        return catalog
    try:
        bad = _syntax_error(text)
        if bad is not None:
            problems.append(Problem(path, bad[0], 1, "", f"not a valid PO file: {bad[1]}"))
            return catalog
        po = _strict_catalog()(locale=language.replace("-", "_"))
        PoFileParser(po, abort_invalid=True).parse(io.BytesIO(text.encode("utf-8")))
    except PoFileError as exc:
        problems.append(Problem(path, exc.lineno + 1, 1, "", f"not a valid PO file: {exc}"))
        return catalog
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, 1, "", f"not a valid PO file: {exc}"))
        return catalog
    for line, context, first in po.duplicates:
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
        entry = Entry(message.context, message.id, translation, message.fuzzy, line)
        before = catalog.entries.get(message.context)
        if before is not None:
            problems.append(
                Problem(
                    path,
                    line,
                    1,
                    message.context,
                    f"a second entry for this msgctxt (the first is at line {before.line})",
                )
            )
            continue
        catalog.entries[message.context] = entry
        if translation:
            for complaint in markup_changes(message.id, translation):
                problems.append(Problem(path, line, 1, message.context, complaint))
            for complaint in _controls(translation, right_to_left):
                problems.append(Problem(path, line, 1, message.context, complaint))
    return catalog


@cache
def _strict_catalog() -> Any:
    """Return a Babel catalog class that remembers a second entry for the same text.

    (Babel merges it into the first, keeping the first translation, without a word.) Made on
    first use, so that loading a brief without translations does not import Babel's catalogs.
    """
    from babel.messages.catalog import Catalog as PoCatalog

    class StrictCatalog(PoCatalog):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.duplicates: list[tuple[int, str, int]] = []

        def __setitem__(self, id: Any, message: Any) -> None:
            first = self.get(id, message.context) if id else None
            if first is not None:
                self.duplicates.append((message.lineno or 1, message.context or "", first.lineno or 1))
            super().__setitem__(id, message)

    return StrictCatalog


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


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_PO_STRING}\s*$")


def _syntax_error(text: str) -> tuple[int, str] | None:
    """Return the first line that is neither a comment nor a keyword with a quoted string.

    Babel's reader forgives an unquoted `msgstr` by dropping its first and last characters;
    a translation must not be silently cut, so such a line is an error here.
    """
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not _PO_LINE.match(stripped):
            shown = stripped if len(stripped) <= 60 else stripped[:57] + "..."
            return number, f"expected a keyword and a quoted string, or a quoted string, not {shown!r}"
    return None


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


def freeze(loaded: LoadedBrief) -> dict[str, Any]:
    """Return the translations the brief uses, per language and catalog, for an edition file."""
    from briefgen.translation.fields import texts

    used = texts(loaded)
    frozen: dict[str, Any] = {}
    for language, catalogs in sorted(loaded.translations.items()):
        out: dict[str, dict[str, list[str]]] = {BRIEF: {}, COUNTRIES: {}}
        for text in used:
            entry = catalogs.of(text.catalog).entries.get(text.context)
            if entry is not None and entry.translation and not entry.fuzzy and entry.english == text.english:
                out[text.catalog][text.context] = [entry.english, entry.translation]
        frozen[language] = out
    return frozen


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
            catalogs[kind] = Catalog(path, entries, exists=True)
        loaded.translations[language] = LanguageCatalogs(language, catalogs[BRIEF], catalogs[COUNTRIES])
