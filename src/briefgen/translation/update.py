"""`briefgen translate`: write the PO catalogs for translators, and check them.

Rerunning keeps every translation. An entry whose English changed (same `msgctxt`, new
`msgid`) becomes fuzzy with the previous English kept as `#| msgid`, so the translator sees
old and new side by side; an entry no longer used becomes obsolete (`#~`). Babel's
`Catalog.update` does the merge, without its guessing of similar strings: an entry is the same
entry when its context (file and field) is the same, never because two texts look alike.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import normalize, write_po

import briefgen.reading as reading
from briefgen.atomic import write_bytes_atomic
from briefgen.errors import Problem, TranslationIncomplete
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.catalogs import catalog_paths
from briefgen.sources.layout import project_folder
from briefgen.sources.texts import BRIEF, COUNTRIES, line_of, texts
from briefgen.translation.apply import catalogs_for, statuses


@dataclass(frozen=True)
class Counts:
    """Where one catalog stands after an update."""

    path: Path
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    def line(self) -> str:
        """Return the counts as `translate` prints them."""
        return (
            f"{self.path}: {self.translated} translated, {self.fuzzy} fuzzy, "
            f"{self.untranslated} untranslated" + (f", {self.obsolete} obsolete" if self.obsolete else "")
        )


def update(loaded: LoadedBrief, language: str) -> list[Counts]:
    """Write (or bring up to date) the brief's two catalogs for `language`; return their counts."""
    if language == loaded.brief.languages[0]:
        from briefgen.errors import UsageError

        raise UsageError(
            f"'{language}' is {loaded.id}'s source language: there is nothing to translate into it"
        )
    catalogs_for(loaded, language)  # a language the brief does not declare is a usage error
    paths = catalog_paths(loaded.root, language)
    used = texts(loaded, printed_only=False)  # the countries catalog serves every brief
    out = []
    for kind in (BRIEF, COUNTRIES):
        path = paths[kind]
        base = loaded.root if kind == BRIEF else path.parent.parent
        template = PoCatalog(locale=language.replace("-", "_"), fuzzy=False)
        for text in (t for t in used if t.catalog == kind):
            where = line_of(loaded, text)
            locations = []
            if where is not None:
                file = loaded.files[text.part]
                try:
                    shown = str(file.relative_to(base))
                except ValueError:
                    shown = where[0]
                locations = [(shown, where[1])]
            template.add(
                text.english,
                locations=locations,
                auto_comments=[text.comment] if text.comment else [],
                context=text.context,
            )
        for message in template:
            message.flags.discard("python-format")  # a "%" in prose is not a format string
        catalog = _existing(path, language, loaded, kind)
        before_obsolete = dict(catalog.obsolete)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        _carry_over(catalog)
        if kind == COUNTRIES:  # one catalog serves every brief: keep the profiles other briefs use
            ours = {f"{code}.yaml:" for code in loaded.brief.countries}
            for key, message in list(catalog.obsolete.items()):
                context = message.context or ""
                if not any(context.startswith(prefix) for prefix in ours) and key not in before_obsolete:
                    del catalog.obsolete[key]
                    catalog[message.id] = message
        data = po_bytes(catalog)
        if not os.path.lexists(path) or _read(path) != data:
            write_bytes_atomic(path, data)
        active = [m for m in catalog if m.id and m.context]
        out.append(
            Counts(
                path,
                translated=sum(1 for m in active if m.string and not m.fuzzy),
                fuzzy=sum(1 for m in active if m.fuzzy),
                untranslated=sum(1 for m in active if not m.string and not m.fuzzy),
                obsolete=len(catalog.obsolete),
            )
        )
    return out


def read_po_file(path: Path, language: str) -> PoCatalog:
    """Read a PO file, with each entry's previous English (`#| msgid`) as its `previous_id`."""
    from briefgen.document.pofile import read_po

    return read_po(_read(path), language)


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_WIDTH = 96


def po_bytes(catalog: PoCatalog) -> bytes:
    """Return a catalog as PO text, each fuzzy entry's previous English as `#| msgid` lines.

    (Babel's writer folds a long previous msgid into one broken comment; this writes it as
    GNU gettext does, one quoted piece per line.)
    """
    for message in catalog:
        message.flags.discard("python-format")  # Babel's guess: a "%" in prose is not a format string
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=_WIDTH, include_previous=False)
    text = buffer.getvalue().decode("utf-8")
    for message in catalog:
        if not message.previous_id or not message.context:
            continue
        pieces = normalize(message.previous_id[0], width=_WIDTH).split("\n")
        lines = [f"#| msgid {pieces[0]}", *(f"#| {piece}" for piece in pieces[1:])]
        anchor = f"msgctxt {normalize(message.context, width=_WIDTH)}\n"
        text = text.replace(anchor, "\n".join(lines) + "\n" + anchor, 1)
    return text.encode("utf-8")


def _read(path: Path) -> bytes:
    """Return a catalog's bytes by the rules of every read; a FIFO or a link out is refused, not replaced."""
    return reading.read_file(path, reading.CATALOG, within=project_folder(path.parent.parent))


def _existing(path: Path, language: str, loaded: LoadedBrief, kind: str) -> PoCatalog:
    if os.path.lexists(path):
        return read_po_file(path, language)
    name = Locale.parse(language.replace("-", "_")).english_name
    what = f"the brief {loaded.id}" if kind == BRIEF else "the shared country profiles"
    catalog = PoCatalog(
        locale=language.replace("-", "_"),
        project="briefgen",
        fuzzy=False,
        header_comment=(
            f"# {name} translation of {what}.\n"
            "# msgctxt names the source file and field; keep [@citations], ^[footnotes],\n"
            "# link targets and {placeholders} as they are in the English."
        ),
    )
    return catalog


def _carry_over(catalog: PoCatalog) -> None:
    """Turn "new entry + obsolete entry with the same context" into one fuzzy entry.

    The old translation stays, marked fuzzy, and the English it was made for is kept as the
    previous msgid (`#| msgid`).
    """
    old_by_context = {m.context: key for key, m in catalog.obsolete.items() if m.context}
    for message in catalog:
        if not message.id or not message.context or message.string:
            continue
        key = old_by_context.pop(message.context, None)
        if key is None:
            continue
        old = catalog.obsolete.pop(key)
        if not old.string:
            continue
        message.string = old.string
        message.flags.add("fuzzy")
        english = old.id if isinstance(old.id, str) else old.id[0]
        message.previous_id = [old.previous_id[0] if old.fuzzy and old.previous_id else english]
        message.user_comments = list(old.user_comments)


def check(loaded: LoadedBrief, languages: list[str]) -> int:
    """Raise TranslationIncomplete listing every untranslated or fuzzy entry; return the count checked."""
    problems: list[Problem] = []
    checked = 0
    for language in languages:
        found = statuses(loaded, language)
        checked += len(found)
        problems.extend(s.problem for s in found if s.problem is not None)
    if problems:
        raise TranslationIncomplete(", ".join(languages), problems)
    return checked
