"""The languages a brief is published in, and how complete each translation catalog is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief


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
    """Whether a catalog of the language exists (the brief's or the profiles')."""

    @property
    def percent(self) -> int:
        """Return the share of messages translated, rounded down, in per cent."""
        return 100 * self.translated // self.total if self.total else 0


def languages(loaded: LoadedBrief) -> list[Language]:
    """Return the brief's languages: the source one first, then each translation's progress.

    A translation's progress counts both of its catalogs, the brief's and the shared country
    profiles' (`translations/<code>.po` beside the brief and beside the profiles), as loaded.
    """
    brief = loaded.brief
    codes = list(getattr(brief, "languages", None) or [brief.language])
    out = [Language(codes[0], _name(codes[0]), source=True)]
    for code in codes[1:]:
        catalogs = loaded.translations.get(code)
        if catalogs is None:
            out.append(Language(code, _name(code), source=False))
            continue
        entries = [e for c in (catalogs.brief, catalogs.countries) for e in c.entries.values()]
        done = [e for e in entries if e.translation and not e.fuzzy]
        exists = catalogs.brief.exists or catalogs.countries.exists
        out.append(Language(code, _name(code), False, len(done), len(entries), catalog=exists))
    return out


def _name(code: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code.replace("-", "_")).english_name)
    except (ValueError, UnknownLocaleError):
        return code
