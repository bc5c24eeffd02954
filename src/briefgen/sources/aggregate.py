"""The loaded sources of one brief: every file validated, with where each came from.

Everything after loading (tailoring, editions, validation rules, fonts) takes this aggregate;
none of them needs the loader for a type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from briefgen.document.citations import Bibliography
from briefgen.document.doctree import RichText
from briefgen.document.theme import DEFAULT_THEME, Theme
from briefgen.errors import Problem
from briefgen.models import Assessment, Brief, CountryProfile, Recipient, Recommendation, Source
from briefgen.sources.yamlsource import Loc, Positions


@dataclass
class LoadedBrief:
    """Every source one brief needs, validated, with where each came from."""

    root: Path
    brief: Brief
    recommendations: tuple[Recommendation, ...]
    countries: Mapping[str, CountryProfile]
    sources: Mapping[str, Source]
    """The brief's own bibliography (its sources.yaml)."""
    recipients: tuple[Recipient, ...] | None
    files: dict[str, Path] = field(default_factory=dict)
    """Source file of each part: `brief`, `sources`, `recipients`, `theme`, `rec:<id>`, `country:<CODE>`,
    `track:<CODE>`, `shared-sources`."""
    positions: dict[Path, Positions] = field(default_factory=dict, repr=False)
    warnings: list[Problem] = field(default_factory=list)
    sources_in_error: frozenset[str] = frozenset()
    """Keys of works that sources.yaml names but could not be read: citing them is no new error."""
    sources_unread: bool = False
    """True when sources.yaml could not be read at all: citations cannot be checked."""
    draft: bool = False
    """The working edition, read to be built or previewed: until it is released, its documents
    say DRAFT on every page. A frozen edition never is one."""
    released: dt.date | None = None
    """The day this edition was released (a frozen edition); None for the working sources."""
    previous: LoadedBrief | None = None
    """The latest released edition before this one: what "Changes since edition N" compares with."""
    shared_sources: Mapping[str, Source] = field(default_factory=dict)
    """The bibliography shared by the country profiles (`countries/sources.yaml`)."""
    shared_used: tuple[str, ...] = ()
    """Keys of the shared works this brief cites (set by the loader once every file is read)."""
    translations: dict[str, Any] = field(default_factory=dict, repr=False)
    """Each translation language's catalogs (`briefgen.sources.catalogs.LanguageCatalogs`)."""
    government_of: dict[str, str] = field(default_factory=dict)
    """In a translated brief: each state's name as it follows "the Government of"."""
    institution_names: dict[str, str] = field(default_factory=dict)
    """In a translated brief: each addressed institution's translated name."""
    untranslated: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """In a translated brief: per country, the entries left in the source language."""
    untranslated_share: dict[str, float] = field(default_factory=dict)
    """In a translated brief: per country, the share of its text (in characters) left in the
    source language."""
    name_forms: dict[str, dict[str, str]] = field(default_factory=dict)
    """In a translated brief: each state's short name in the cases phrases decline it to
    (`dative`: «Казахстану»), as the countries' catalog gives them."""
    theme: Theme = DEFAULT_THEME
    """The organisation's look (see sources/theme.py); the bundled one when there is no theme."""
    tracking: Mapping[str, tuple[Assessment, ...]] = field(default_factory=dict)
    """The follow-up (`tracking/<CODE>.yaml`): each country's assessments, in the file's order."""
    tracking_texts: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """What each tracking file's own text checks found (`sources.tracking.TextFacts`)."""
    _texts: dict[str, RichText] = field(default_factory=dict, repr=False, compare=False)
    _decided: dict[tuple[str, str, str | None], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """`tailoring.core.decide`'s answers, asked again by the follow-up's checks and matrix."""

    @property
    def id(self) -> str:
        """Return the brief's id."""
        return self.brief.id

    @property
    def works(self) -> Mapping[str, Source]:
        """Return every work this brief cites: the shared ones it uses, then its own.

        Only the shared works the brief cites are taken, so a work added to the shared
        bibliography for another brief never changes this brief's author-date labels.
        """
        if not self.shared_used:
            return self.sources
        return {**{key: self.shared_sources[key] for key in self.shared_used}, **self.sources}

    @cached_property
    def bibliography(self) -> Bibliography:
        """Return the brief's works with their author-date labels."""
        return Bibliography.of(self.works, self.brief.language)

    def rich(self, text: str) -> RichText:
        """Return a text field parsed into the document tree; each text is parsed once."""
        from briefgen.document.text import parse

        parsed = self._texts.get(text)
        if parsed is None:
            parsed = self._texts[text] = parse(text, self.bibliography.cite, self.brief.language)
        return parsed

    def problem(
        self, part: str, loc: Loc, message: str, *, key: bool = False, severity: str = "error"
    ) -> Problem:
        """Return a problem located at `loc` in the file of `part`."""
        path = self.files[part]
        positions = self.positions.get(path) or Positions(path)
        return positions.problem(loc, message, key=key, severity=severity)
