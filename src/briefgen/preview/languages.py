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
    fuzzy: int = 0
    catalog: bool = False
    """Whether a catalog of the language exists (the brief's or the profiles')."""

    @property
    def percent(self) -> int:
        """Return the share of messages translated, rounded down, in per cent."""
        return 100 * self.translated // self.total if self.total else 0


def languages(loaded: LoadedBrief) -> list[Language]:
    """Return the brief's languages: the source one first, then each translation's progress.

    A translation's progress counts every text the brief prints, in both catalogs it uses: the
    brief's own and the shared country profiles' (`translations/<code>.po` beside the brief and
    beside the profiles), as `briefgen validate` counts them. An entry the profiles' catalog
    holds for another brief is not counted; one this brief needs that no catalog holds yet is.
    """
    from briefgen.translation.apply import catalogs_for, statuses

    brief = loaded.brief
    codes = list(getattr(brief, "languages", None) or [brief.language])
    out = [Language(codes[0], _name(codes[0]), source=True)]
    for code in codes[1:]:
        found = statuses(loaded, code)
        catalogs = catalogs_for(loaded, code)
        exists = catalogs.brief.exists or catalogs.countries.exists
        done = sum(s.state == "translated" for s in found)
        fuzzy = sum(s.state == "fuzzy" for s in found)
        out.append(Language(code, _name(code), False, done, len(found), fuzzy, catalog=exists))
    return out


def language_names(loaded: LoadedBrief) -> list[tuple[str, str]]:
    """Return the brief's languages, source first, each with its English name (no counting)."""
    brief = loaded.brief
    return [(code, _name(code)) for code in list(getattr(brief, "languages", None) or [brief.language])]


def _name(code: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code.replace("-", "_")).english_name)
    except (ValueError, UnknownLocaleError):
        return code
