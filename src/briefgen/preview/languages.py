"""The languages a brief is published in, and how complete each translation catalog is."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import briefgen.reading as reading
from briefgen.sources.layout import project_folder

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief

TRANSLATIONS_DIR = "translations"


@dataclass(frozen=True)
class Language:
    """One language of the brief, as the overview shows it."""

    code: str
    name: str
    source: bool
    """The language the sources are written in (nothing to translate)."""
    translated: int = 0
    total: int = 0
    catalog: bool = False
    """Whether `translations/<code>.po` exists."""

    @property
    def percent(self) -> int:
        """Return the share of messages translated, rounded down, in per cent."""
        return 100 * self.translated // self.total if self.total else 0


def languages(loaded: LoadedBrief) -> list[Language]:
    """Return the brief's languages: the source one first, then each translation's progress."""
    brief = loaded.brief
    codes = list(getattr(brief, "languages", None) or [brief.language])
    out = [Language(codes[0], _name(codes[0]), source=True)]
    for code in codes[1:]:
        out.append(_catalog(loaded.root / TRANSLATIONS_DIR / f"{code}.po", code))
    return out


def _catalog(path: Path, code: str) -> Language:
    try:  # by the rules of every read: a FIFO or a link out of the project counts as no catalog
        raw = reading.read_file(path, reading.CATALOG, within=project_folder(path.parent.parent))
    except reading.UnreadableFile:
        return Language(code, _name(code), source=False)
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(raw))
    messages = [m for m in catalog if m.id]
    done = [m for m in messages if _translated(m.string) and not m.fuzzy]
    return Language(code, _name(code), source=False, translated=len(done), total=len(messages), catalog=True)


def _translated(string: object) -> bool:
    if isinstance(string, (tuple, list)):  # plural forms: every form must be there
        return bool(string) and all(string)
    return bool(string)


def _name(code: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code.replace("-", "_")).english_name)
    except (ValueError, UnknownLocaleError):
        return code
