"""Where each text of a tailored brief comes from: the source field's key, and a digest of its text.

Tailoring marks every text it takes from a field (a recommendation's title and steps, an evidence
claim, a paragraph of the summary, a fact's label…) with the field's key, the same one the PO
catalogs use as `msgctxt`. A Word brief anchors each such text, so that a reviewer's comment or
tracked change on it is read back into the field it belongs to (`briefgen review`).
"""

from __future__ import annotations

from typing import Literal

from briefgen.document.doctree import RichText
from briefgen.document.model import SourceField, text_digest
from briefgen.sources.aggregate import LoadedBrief

Shape = Literal["text", "inline", "line", "claim"]


class Origins:
    """Collects the source fields one brief shows; hands out their texts marked with their keys."""

    def __init__(self, loaded: LoadedBrief, country: str) -> None:
        self._loaded = loaded
        brief = loaded.brief
        self._translation = brief.language != brief.languages[0]
        self._untranslated = frozenset(loaded.untranslated.get(country, ()))
        self._catalogs = loaded.translations.get(brief.language) if self._translation else None
        self._fields: dict[str, SourceField] = {}

    def note(self, key: str, value: str, shape: Shape) -> str:
        """Record that the brief shows field `key`, made from `value`; return the key."""
        if key not in self._fields:
            translated = english = None
            if self._translation:
                translated = key not in self._untranslated
                english = self._english(key) if translated else None
            self._fields[key] = SourceField(
                key,
                text_digest(value),
                shape,
                translated,
                text_digest(english) if english is not None else "",
            )
        return key

    def _english(self, key: str) -> str | None:
        """Return the English a translated field's catalog entry was made for."""
        for catalog in (self._catalogs.brief, self._catalogs.countries) if self._catalogs is not None else ():
            entry = catalog.entries.get(key)
            if entry is not None:
                return str(entry.english)
        return None

    def rich(self, key: str, value: str, shape: Shape = "text") -> RichText:
        """Return `value` parsed, each of its blocks marked as coming from field `key`."""
        self.note(key, value, shape)
        return self._loaded.rich(value).from_field(key)

    def fields(self) -> tuple[SourceField, ...]:
        """Return the fields recorded, in the order the brief first showed them."""
        return tuple(self._fields.values())
