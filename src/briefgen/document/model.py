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
from dataclasses import dataclass, field
from typing import Any, Literal

from briefgen.canonical import canonical_json as plain_canonical_json
from briefgen.document.doctree import Citation, Inline, RichText, Text
from briefgen.document.theme import DEFAULT_THEME, Theme
from briefgen.document.words import government, note_letter, prepared_for


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
class SourceField:
    """A source field whose text a brief shows, as a Word brief's anchors name it."""

    key: str
    """The field's key, as the PO catalogs' `msgctxt`: `recommendations/x.yaml:action.steps[2]`."""
    digest: str
    """The SHA-256 (first 16 hex digits) of the text the brief was made from: the field's value,
    or its translation in a translated brief; a review compares it to today's."""
    shape: Literal["text", "inline", "line", "claim"]
    """How the brief shows it: paragraphs (`text`), one run of rich text (`inline`, a title),
    typeset plain text (`line`, a heading or fact label), or an evidence claim, its full stop
    after the citation (`claim`)."""
    translated: bool | None = None
    """In a translated brief, whether the catalog translated it (False: the English stands)."""
    english: str = ""
    """In a translated brief, the digest of the English the translation was made for."""


def text_digest(text: str) -> str:
    """Return the digest a SourceField keeps of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ProfileRow:
    """One line of the "At a glance" table."""

    name: str
    label: str
    value: str
    year: int | None
    source: str | None
    """Author-date label of the source ("World Bank, 2020"), if any."""
    label_origin: str | None = field(default=None, compare=False)
    """The key of the field the label comes from."""
    number: float | None = None
    """The value as a number, when it is one: what the changes box compares."""
    rank: int | None = field(default=None, metadata={"canonical": False})
    """The country's place among the brief's countries by this value (1: the highest), when a number.

    Not part of the document's content (its canonical JSON): it moves when another country's
    value does, and this document changes only if the changes box then says so."""


@dataclass(frozen=True)
class EvidenceItem:
    """A claim kept for this country, with its citation."""

    claim: RichText
    citation: Citation
    countries: tuple[str, ...] | None

    def cited(self) -> tuple[Inline, ...]:
        """Return the claim with its citation before the closing full stop: "… 1980s (UNESCO, 2021)."."""
        claim, tail = self.parts()
        return (*claim, *tail)

    def parts(self) -> tuple[tuple[Inline, ...], tuple[Inline, ...]]:
        """Return the claim without its closing full stop, and what follows it: citation and stop."""
        inlines = list(self.claim.inlines())
        last = inlines[-1] if inlines else None
        stop = ""
        if isinstance(last, Text) and last.text.rstrip().endswith("."):
            stop = "."
            inlines[-1] = Text(last.text.rstrip()[:-1], last.lang)
        return tuple(inlines), (Text(" "), self.citation, Text(stop))


@dataclass(frozen=True)
class Progress:
    """Where the government stands with a recommendation: its latest assessment as a whole."""

    recommendation: str
    status: str
    """Its place on the scale: `not-assessed`, `no-progress`, `limited`, `some`, `substantial`, `full`."""
    label: str
    """The status in the brief's words ("Some progress")."""
    date: dt.date
    date_text: str
    """The month of the assessment, as the brief's language writes it ("March 2021")."""
    text: tuple[Inline, ...]
    """The assessment's first sentence, its evidence cited."""
    lead: str
    """The institution that leads, as the government names it."""
    illustrative: bool = False
    """An example, not a real assessment: printed as such."""


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
    progress: Progress | None = None
    """The follow-up: the latest assessment of it as a whole for this country, if any."""


@dataclass(frozen=True)
class PassageDecision:
    """Why one tailored part is in or out of one country's brief: a paragraph of the summary or
    of a section, or a step or evidence item of a recommendation."""

    part: str
    """`summary`, the heading of the analysis section, or `steps` / `evidence` (of a recommendation)."""
    index: int
    """Its place in that part's list, from 0, as the sources number it."""
    opening: str
    """Its first words, to recognise it by."""
    included: bool
    reason: str
    leaves: tuple[LeafResult, ...] = ()
    """The fact tests of its condition that decided it (none when no condition did)."""


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
    parts: tuple[PassageDecision, ...] = ()
    """For an included recommendation: which of its tailored steps and evidence items were kept, and why."""


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
class ChangeLine:
    """One line of the "Changes since edition N" box: a sentence, and what kind of change it says."""

    kind: str
    """`first-brief`, `recommendation-added`, `recommendation-withdrawn`, `renumbered`, `revised`,
    `step-added`, `step-updated`, `step-withdrawn`, `evidence-added`, `evidence-updated`,
    `evidence-withdrawn`, `fact-added`, `fact-changed`, `summary`, `section-added`, `section`; a
    stage that adds lines (follow-up, for one) names its own kind."""
    text: str


@dataclass(frozen=True)
class ChangesSince:
    """What changed in this country's brief since an earlier edition, in words, line by line."""

    edition: int
    items: tuple[ChangeLine, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        """Return the sentences, in order."""
        return tuple(item.text for item in self.items)

    def extended(self, more: Iterable[ChangeLine]) -> ChangesSince:
        """Return these changes with `more` lines after them (the box splits them all alike)."""
        return dataclasses.replace(self, items=(*self.items, *more))


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
    government_body: str | None = None
    """The government's full official name on the brief's date, as "Prepared for the …" ends
    (the profile's `government`), when the profile gives it."""
    passages: tuple[PassageDecision, ...] = ()
    """Which tailored paragraphs of the summary and the sections were kept, and why."""
    generated: tuple[str, ...] = ()
    """The summary's generated paragraphs (the country lead), as plain text: the changes box
    says what changed in the analyst's own text, not what follows from other changes."""
    draft: bool = False
    """Built from the working (unreleased) sources: every page says so; a release never does."""
    draft_translation: bool = False
    """A translation with passages still in the source language: every page says so."""
    draft_translation_note: str | None = None
    """What every page of a draft translation says: "Draft translation: 34% of the text not yet
    translated" (the share of the text, in characters, still in the source language)."""
    theme: Theme = DEFAULT_THEME
    """The organisation's look: letterhead, logo, colour, fonts, extra CSS, Word template, in
    the brief's language."""
    title_origin: str | None = None
    """The key of the field the title comes from (as `RichText.origins` name them)."""
    subtitle_origin: str | None = None
    """The key of the field the subtitle comes from."""
    section_origins: tuple[str | None, ...] = ()
    """The key of each analysis section's heading, parallel to `sections`."""
    fields: tuple[SourceField, ...] = ()
    """Every source field the brief shows, once: what a Word brief's anchors record of each."""
    statuses: tuple[tuple[str, str, dt.date], ...] = ()
    """The follow-up: (recommendation, latest status, its date) for every recommendation this
    country's government was assessed on as a whole, in the brief or not."""
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
        return prepared_for(self.official_name, self.language, self.government_of, self.government_body)

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


def source_notes(
    rows: Iterable[ProfileRow], language: str = "en"
) -> tuple[list[tuple[ProfileRow, str]], list[tuple[str, str]]]:
    """Return the profile rows each with its source's note letter, and the list of sources.

    The table stays compact (fact, value, year); each source is named once, in small grey
    type under it, and rows point to it by letter, in the language's own alphabet (а, б, в in
    Russian).
    """
    letters: dict[str, str] = {}
    marked: list[tuple[ProfileRow, str]] = []
    for row in rows:
        letter = ""
        if row.source:
            letter = letters.setdefault(row.source, note_letter(len(letters), language))
        marked.append((row, letter))
    return marked, [(letter, source) for source, letter in letters.items()]


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
