"""The tailored brief: everything one government's brief shows, format-neutral.

`tailor()` makes it, finished (the changes since the previous edition included); renderers,
the redline, copies and `explain` read it and nothing else. It holds plain dataclasses and the
rich-text tree only, so a renderer worker that receives one imports neither the loader nor
pydantic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from briefgen.canonical import canonical_json as plain_canonical_json
from briefgen.document.doctree import Citation, Inline, RichText, Text
from briefgen.document.theme import DEFAULT_THEME, Theme
from briefgen.document.words import government, prepared_for


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"  # one object in every process: a worker's `is MISSING` still holds


MISSING: Any = _Missing()
"""The value of a fact that is not defined."""


@dataclass(frozen=True)
class LeafResult:
    """One fact test, the value the fact had, and its outcome."""

    fact: str
    operator: str
    operand: Any
    value: Any
    holds: bool
    measure: str | None = None
    """For a series leaf: `latest`, `change 2013-2019` or `relative change 2013-2019`."""

    @property
    def defined(self) -> bool:
        """Return whether the fact was defined."""
        return self.value is not MISSING

    def describe(self) -> str:
        """Return the test in words: `country.debt_share gte 0.3 (value 0.43): true`."""
        value = "not defined" if not self.defined else f"value {self.value!r}"
        fact = f"{self.fact} {self.measure}" if self.measure else self.fact
        return f"{fact} {self.operator} {self.operand!r} ({value}): {'true' if self.holds else 'false'}"


@dataclass(frozen=True)
class ProfileRow:
    """One line of the "At a glance" table."""

    name: str
    label: str
    value: str
    year: int | None
    source: str | None
    """Author-date label of the source ("World Bank, 2020"), if any."""


@dataclass(frozen=True)
class EvidenceItem:
    """A claim kept for this country, with its citation."""

    claim: RichText
    citation: Citation
    countries: tuple[str, ...] | None

    def cited(self) -> tuple[Inline, ...]:
        """Return the claim with its citation before the closing full stop: "… 1980s (UNESCO, 2021)."."""
        inlines = list(self.claim.inlines())
        last = inlines[-1] if inlines else None
        stop = ""
        if isinstance(last, Text) and last.text.rstrip().endswith("."):
            stop = "."
            inlines[-1] = Text(last.text.rstrip()[:-1], last.lang)
        return (*inlines, Text(" "), self.citation, Text(stop))


@dataclass(frozen=True)
class TailoredRecommendation:
    """A recommendation as one country's brief shows it."""

    number: int
    id: str
    title: RichText
    priority: int
    horizon: str | None
    institutions: tuple[str, ...]
    """The institutions addressed, as this government names them."""
    trigger: RichText
    applies_because: str | None
    """The sentence saying what made it apply for this country; None when it always applies."""
    watch: tuple[RichText, ...]
    action: RichText
    steps: tuple[RichText, ...]
    rationale: RichText | None
    evidence: tuple[EvidenceItem, ...]
    country_note: RichText | None


@dataclass(frozen=True)
class Decision:
    """Why one recommendation is in or out of one country's brief."""

    recommendation: str
    title: str
    priority: int
    included: bool
    decided_by: Literal["status", "audience", "condition", "always"]
    reason: str
    leaves: tuple[LeafResult, ...]


@dataclass(frozen=True)
class PassageDecision:
    """Why one paragraph of the summary or of a section is in or out of one country's brief."""

    part: str
    """`summary`, or the heading of the analysis section."""
    index: int
    """Its place in that part's list of paragraphs, from 0."""
    opening: str
    """Its first words, to recognise it by."""
    included: bool
    reason: str


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list."""

    key: str
    label: str
    entry: tuple[Inline, ...]


@dataclass(frozen=True)
class SeriesLine:
    """One country's values in a figure."""

    country: str
    name: str
    points: tuple[tuple[int, float], ...]
    highlighted: bool


@dataclass(frozen=True)
class Figure:
    """A chart as one country's brief shows it: the renderers draw it with `briefgen.render.charts`."""

    id: str
    number: int
    label: str
    """"Figure 1": printed in the label style before the title."""
    title: str
    """"Exports by year", typeset."""
    place: str
    """`profile`, or the heading of the analysis section it closes."""
    kind: str
    years: tuple[int, int]
    unit: str | None
    lines: tuple[SeriesLine, ...]
    """One a country, in the brief's order; the recipient's is `highlighted`."""
    source_label: str
    """"Source" or "Sources": printed in the label style before `source_names`."""
    source_names: tuple[str, ...]
    """The author-date labels of the works drawn from: "World Bank, 2020"."""
    sources: tuple[str, ...]
    """Keys of the works cited by the source line."""
    alt: str
    """The figure in words, for a reader who cannot see it (generated from the data)."""
    language: str
    accent: str | None = None
    """The theme's accent colour (`#rrggbb`) for the recipient's series; None keeps the bundled one."""
    font: str | None = None
    """The theme's label font for the chart's text; None keeps the bundled sans."""

    @property
    def caption(self) -> str:
        """Return the caption as plain text: "Figure 1. Exports by year"."""
        return f"{self.label}. {self.title}"

    @property
    def source_line(self) -> str:
        """Return the source line as plain text: "Source: World Bank, 2020"."""
        return f"{self.source_label}: {'; '.join(self.source_names)}"


@dataclass(frozen=True)
class ChangesSince:
    """What changed in this country's brief since an earlier edition, in words."""

    edition: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class TailoredBrief:
    """Everything one government's brief shows, format-neutral; renderers walk only this."""

    brief_id: str
    edition: int
    language: str
    date: dt.date
    """The edition's date: the day it was released; a working draft's, the brief's own date."""
    date_text: str
    title: str
    subtitle: str | None
    series: str | None
    organisation: str
    authors: tuple[str, ...]
    marking: str | None
    country: str
    country_name: str
    official_name: str
    scenario: str | None
    scenario_label: str | None
    scenario_is_default: bool
    summary: RichText
    sections: tuple[tuple[str, RichText], ...]
    analysis_position: str
    profile: tuple[ProfileRow, ...]
    highlights: tuple[RichText, ...]
    recommendations: tuple[TailoredRecommendation, ...]
    decisions: tuple[Decision, ...]
    references: tuple[Reference, ...]
    changes: ChangesSince | None = None
    """From edition 2 on: what changed for this country since the previous edition."""
    figures: tuple[Figure, ...] = ()
    """Charts, numbered in reading order; each says where it stands (`place`)."""
    government_of: str | None = None
    """The state's name as it follows "the Government of" in a translation (its genitive)."""
    passages: tuple[PassageDecision, ...] = ()
    """Which tailored paragraphs of the summary and the sections were kept, and why."""
    draft: bool = False
    """Built from the working (unreleased) sources: every page says so; a release never does."""
    draft_translation: bool = False
    """A translation with passages still in the source language: every page says so."""
    theme: Theme = DEFAULT_THEME
    """The organisation's look: letterhead, logo, colour, fonts, extra CSS, Word template, in
    the brief's language."""
    analysis_date: dt.date | None = None
    """The date of the analysis (brief.yaml's `date:`), when it differs from the edition's date."""
    analysis_date_text: str | None = None

    @property
    def author(self) -> str:
        """Return the documents' author property: the theme's, else the brief's organisation."""
        return self.theme.author or self.organisation

    @property
    def prepared_for(self) -> str:
        """Return "Prepared for the Government of the French Republic", in the brief's language."""
        return prepared_for(self.official_name, self.language, self.government_of)

    @property
    def government_name(self) -> str:
        """Return the state's name as it follows "the Government of" in the brief's language."""
        return self.government_of or government(self.official_name, self.language)

    @property
    def slug(self) -> str:
        """Return the output file stem: `<brief>-<country>-e<edition>`."""
        return f"{self.brief_id}-{self.country}-e{self.edition}"

    def canonical_json(self) -> str:
        """Return the brief as canonical JSON: same content, same bytes."""
        return tailored_json(self)


def source_notes(rows: Iterable[ProfileRow]) -> tuple[list[tuple[ProfileRow, str]], list[tuple[str, str]]]:
    """Return the profile rows each with its source's note letter, and the list of sources.

    The table stays compact (fact, value, year); each source is named once, in small grey
    type under it, and rows point to it by letter.
    """
    letters: dict[str, str] = {}
    marked: list[tuple[ProfileRow, str]] = []
    for row in rows:
        letter = ""
        if row.source:
            letter = letters.setdefault(row.source, _letter(len(letters)))
        marked.append((row, letter))
    return marked, [(letter, source) for source, letter in letters.items()]


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def to_data(value: Any) -> Any:
    """Return plain JSON-ready data for a tailored brief or any part of it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            if f.metadata.get("canonical") is False:
                continue
            data[f.name] = to_data(getattr(value, f.name))
        return data
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is MISSING:
        return None
    if isinstance(value, bytes):  # a theme's logo or Word template: its digest stands for it
        return {"sha256": hashlib.sha256(value).hexdigest(), "size": len(value)}
    return value


def tailored_json(value: Any) -> str:
    """Return a tailored brief (or any part of it) as canonical JSON: same content, same bytes."""
    return plain_canonical_json(to_data(value))
