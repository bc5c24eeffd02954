"""Evidence that repeats the analysis: a claim whose sentence says again what a section's sentence says.

A reader meets the same figures twice ("USD 50.2 bn to 30 bn" in the analysis, then again
under a recommendation's evidence) and wonders whether they missed a difference. `validate`
warns, naming both places, so the analyst can keep each figure where it does its work.

The measure, on normalised text (citations, footnotes and emphasis marks dropped, lower case,
words and numbers as tokens, English function words left out): the overlap coefficient of the
two sentences' content words, |A ∩ B| / min(|A|, |B|). A claim sentence repeats a section
sentence when it is at least `THRESHOLD` and they share at least `SHARED` content words (and,
where both give figures other than years, at least one figure): the same figures and the same
nouns, whatever the order or the connecting words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Problem
from briefgen.models import Passage
from briefgen.sources.yamlsource import Loc, dotted

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief

THRESHOLD = 0.5
"""Share of the shorter sentence's content words that the other sentence has too."""
SHARED = 5
"""Content words two sentences must share, so that two short sentences on one topic are not flagged."""

_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "into",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "so",
        "such",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "after",
        "before",
        "about",
        "over",
        "under",
        "between",
        "against",
        "during",
        "through",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "there",
        "here",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "own",
        "same",
        "only",
        "very",
        "can",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
        "must",
        "also",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "us",
    ]
)
_YEAR = re.compile(r"(1[89]|20)\d\d(-\d\d(\d\d)?)?")
_CITATION = re.compile(r"\[@[^\]]*\]")
_FOOTNOTE = re.compile(r"\^\[(?:[^\[\]]|\[[^\]]*\])*\]")
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n\s*|\n\s*(?:[-*+]|\d+[.)])\s+")
"""Where one sentence ends and the next begins: after . ! or ? at a capital or a figure (not inside
"6.5"), at a blank line, and at a list item."""
_TOKEN = re.compile(r"[\w’'%-]+(?:\.\d+)?")


@dataclass(frozen=True)
class _Sentence:
    part: str
    loc: Loc
    offset: int
    """Where the sentence starts in the field's text."""
    text: str
    words: frozenset[str]


def content_words(sentence: str) -> frozenset[str]:
    """Return a sentence's content words, normalised: lower case, no function words."""
    tokens = (t.strip("-’'").lower() for t in _TOKEN.findall(sentence))
    return frozenset(t for t in tokens if t and t not in _FUNCTION_WORDS)


def repeats(a: frozenset[str], b: frozenset[str]) -> bool:
    """Return whether two sentences' content words say the same thing (see the module's measure).

    Two sentences that each give figures (other than years) but not one figure in common report
    different facts in the same frame ("USD 7.1 bn" against "USD 14.3 bn"): not a repetition.
    """
    shared = len(a & b)
    if shared < SHARED or shared / min(len(a), len(b)) < THRESHOLD:
        return False
    figures_a, figures_b = _figures(a), _figures(b)
    return not (figures_a and figures_b and not figures_a & figures_b)


def _figures(words: frozenset[str]) -> frozenset[str]:
    """Return the numbers among content words, leaving out years and spans of years."""
    return frozenset(w for w in words if any(c.isdigit() for c in w) and not _YEAR.fullmatch(w))


def _sentences(part: str, loc: Loc, text: str) -> Iterator[_Sentence]:
    # citations and footnotes are blanked, not removed, so offsets still point into the source text
    plain = _FOOTNOTE.sub(
        lambda m: " " * len(m.group(0)), _CITATION.sub(lambda m: " " * len(m.group(0)), text)
    )
    plain = plain.replace("*", " ")
    starts = [0, *(m.end() for m in _BOUNDARY.finditer(plain))]
    for begin, end in zip(starts, [*starts[1:], len(plain)], strict=True):
        sentence = plain[begin:end]
        words = content_words(sentence)
        if words:
            start = begin + len(sentence) - len(sentence.lstrip())
            shown = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(sentence.split()))
            yield _Sentence(part, loc, start, shown, words)


def _section_sentences(loaded: LoadedBrief) -> Iterator[tuple[str, _Sentence]]:
    for i, section in enumerate(loaded.brief.sections):
        loc: Loc = ("sections", i, "body")
        if isinstance(section.body, str):
            yield from ((section.heading, s) for s in _sentences("brief", loc, section.body))
            continue
        for j, item in enumerate(section.body):
            if isinstance(item, str):
                yield from ((section.heading, s) for s in _sentences("brief", (*loc, j), item))
            elif isinstance(item, Passage) and item.text is not None:
                yield from ((section.heading, s) for s in _sentences("brief", (*loc, j, "text"), item.text))


def repetition_problems(loaded: LoadedBrief) -> list[Problem]:
    """Warn for each evidence claim that repeats a sentence of the brief's sections, naming both places."""
    sections = list(_section_sentences(loaded))
    problems = []
    for rec in loaded.recommendations:
        if rec.status != "active":
            continue
        for i, item in enumerate(rec.evidence):
            for claim in _sentences(f"rec:{rec.id}", ("evidence", i, "claim"), item.claim):
                found = next(((h, s) for h, s in sections if repeats(claim.words, s.words)), None)
                if found is None:
                    continue
                heading, sentence = found
                where = _where(loaded, sentence)
                problems.append(
                    _at(
                        loaded,
                        claim,
                        f"this evidence repeats a sentence of the section “{heading}” ({where}): "
                        f"“{_short(sentence.text)}”; say it in one place",
                    )
                )
                break
    return problems


def _where(loaded: LoadedBrief, sentence: _Sentence) -> str:
    """Return the file (from the briefs folder) and line a sentence stands on: `andes-water/brief.yaml:57`."""
    path = loaded.files[sentence.part]
    positions = loaded.positions.get(path)
    line = (
        positions.locate_in_text(sentence.loc, sentence.offset, _field(loaded, sentence))[0]
        if positions
        else 1
    )
    try:
        shown = path.relative_to(loaded.root.parent)
    except ValueError:
        shown = Path(path.name)
    return f"{shown}:{line}"


def _at(loaded: LoadedBrief, sentence: _Sentence, message: str) -> Problem:
    path = loaded.files[sentence.part]
    positions = loaded.positions.get(path)
    if positions is None:
        return loaded.problem(sentence.part, sentence.loc, message, severity="warning")
    line, col = positions.locate_in_text(sentence.loc, sentence.offset, _field(loaded, sentence))
    return Problem(path, line, col, dotted(sentence.loc), message, severity="warning")


def _field(loaded: LoadedBrief, sentence: _Sentence) -> str:
    """Return the source text of the field a sentence stands in."""
    if sentence.part == "brief":
        node: object = loaded.brief.model_dump(by_alias=True)
    else:
        rec = next(r for r in loaded.recommendations if f"rec:{r.id}" == sentence.part)
        node = rec.model_dump(by_alias=True)
    for step in sentence.loc:
        node = node[step]  # type: ignore[index]
    return str(node)


def _short(text: str, words: int = 14) -> str:
    found = text.split()
    return text if len(found) <= words else " ".join(found[:words]) + "…"
