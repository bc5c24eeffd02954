"""Hyphenation a Russian editor accepts: never inside a name, never three hyphens in a row.

WeasyPrint hyphenates with Pyphen where the stylesheet says `hyphens: auto`, but knows neither
proper names nor CSS's `hyphenate-limit-lines`, and, given `hyphens: auto`, a word in an inline
element that does not fit makes it hyphenate the first word of the line before instead (a
short first line). So the PDF of a hyphenated language is hyphenated by hand, as a typesetter
marks a manuscript:

- `soft_hyphens()` puts soft hyphens (U+00AD) into each word of the body's text where Pyphen
  would break it, at least three letters on each side, except a word that starts with a
  capital letter (in Russian, a name: Китай, Пекине, Синьцзяне, Казахстан, Кыргызской) and a
  word shorter than six letters; the page is marked `soft-hyphens`, where the stylesheet sets
  paragraphs, list items and table cells `hyphens: manual` (they break only at those marks)
  and everything else `hyphens: none`. A soft hyphen is never printed, nor extracted with
  the text, unless a line ends at it.
- No paragraph has a third hyphenated line in a row (CSS's `hyphenate-limit-lines: 2`, which
  WeasyPrint does not have): `render/engine.py` wraps WeasyPrint's line iteration, and the line
  after two hyphenated ones is set with its soft hyphens taken out, so it ends between words.
- What the layout still got wrong (a WeasyPrint without the functions wrapped, a paragraph whose
  lines are counted apart) is settled afterwards: `overruns()` reads a laid-out document and
  returns the words that ended the third hyphenated line in a row of one paragraph, and those
  paragraphs; `keep_whole()` takes the words' soft hyphens out. Keeping one word whole moves the
  breaks of the lines after it, so a paragraph may need it again further on: the PDF renderer
  sets those paragraphs alone (`galley()`: the page with nothing else in its body, a small part
  of its layout) until none has such a run, and only then lays the page out again
  (`render/pdf.py`).

On screen (the standalone HTML page) nothing is hyphenated. `bind_text` gives every text of
the page, fixed words included, the language's non-breaking spaces.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from functools import cache
from typing import Any

from briefgen.document.typography import bind

HYPHENATED = frozenset({"ru"})
"""Languages whose body text is hyphenated (Pyphen has a dictionary for them)."""
MAX_RUN = 2
"""The most hyphenated lines one after another (a third is never allowed)."""
SHY = "\u00ad"
"""The soft hyphen: a place a word may break, printed only where a line ends."""
SOFT_HYPHENS_CLASS = "soft-hyphens"
"""The class of the `<html>` element of a page hyphenated by hand (print.css)."""
MIN_LETTERS = 6
"""The shortest word hyphenated."""
EDGE_LETTERS = 3
"""The fewest letters before or after a break."""

Paragraph = tuple[str, int]
"""A block of the page: its tag and its place among the page's elements of that tag (("p", 12))."""

_PIECES = re.compile(r"(<[^>]*>)")
_OPEN_TAG = re.compile(r"^<([A-Za-z][\w-]*)")
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_RAW_TEXT = frozenset({"script", "style", "textarea", "title"})
"""Elements whose content is text to the parser, whatever it looks like (`a > b` in a stylesheet)."""
_SKIP_OPEN = re.compile(r"^<(style|svg|script|title|code)\b", re.IGNORECASE)
_WORD = re.compile(r"(?<![\w&#])[^\W\d_]+(?!\w)")  # not the name of an entity (&amp;)


def bind_text(markup: str, language: str) -> str:
    """Return the page's markup with the language's non-breaking spaces in every text of its body."""
    primary = language.split("-")[0].lower()
    return "".join(bind(piece, primary) if is_text else piece for piece, is_text in _text_pieces(markup))


def soft_hyphens(markup: str, language: str) -> str:
    """Return the page's markup with soft hyphens where its words may break (see the module)."""
    primary = language.split("-")[0].lower()
    if primary not in HYPHENATED:
        return markup
    dictionary = _dictionary(primary)

    def mark(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) < MIN_LETTERS or not word[0].islower():
            return word
        marked: str = dictionary.inserted(word, hyphen=SHY)
        return marked

    out: list[str] = []
    for piece, is_text in _text_pieces(markup):
        if not is_text:
            if piece.startswith("<html"):
                piece = piece[:-1] + f' class="{SOFT_HYPHENS_CLASS}">'
            out.append(piece)
            continue
        out.append(_WORD.sub(mark, piece))
    return "".join(out)


def keep_whole(markup: str, words: Collection[str]) -> str:
    """Return the markup with the soft hyphens of `words` (as marked) taken out, wherever they stand."""
    if not words:
        return markup
    ordered = sorted(words, key=len, reverse=True)
    out: list[str] = []
    for piece, is_text in _text_pieces(markup):
        if is_text:
            for word in ordered:
                piece = piece.replace(word, word.replace(SHY, ""))
        out.append(piece)
    return "".join(out)


def overruns(document: Any) -> tuple[set[str], set[Paragraph]]:
    """Return the words, as marked, that end a third hyphenated line in a row of one paragraph,
    and those paragraphs.

    Reads WeasyPrint's layout boxes (a line box's text, its paragraph's element); a WeasyPrint
    whose boxes differ gives nothing, and the page stays as laid out.
    """
    found: set[str] = set()
    elements: list[Any] = []
    try:
        lines = list(_lines(document))
        run = 0
        element: Any = None
        for n, (parent, text, hyphen) in enumerate(lines):
            if parent is not element:
                element, run = parent, 0
            if not text.endswith(hyphen):
                run = 0
                continue
            run += 1
            if run > MAX_RUN:
                words = text[: -len(hyphen)].split()
                following = lines[n + 1][1].split() if n + 1 < len(lines) else []
                word = (words[-1] if words else "") + (following[0] if following else "")
                word = re.sub(rf"^[^\w{SHY}]+|[^\w{SHY}]+$", "", word)
                if SHY in word:
                    found.add(word)
                    elements.append(parent)
                run = 0  # the next layout sets this paragraph again: count afresh
        return found, _places(document, elements)
    except (AttributeError, TypeError, KeyError, IndexError):
        return set(), set()


def galley(markup: str, paragraphs: Collection[Paragraph]) -> str | None:
    """Return the page with only `paragraphs`, and the elements they stand in, in its body.

    Where a paragraph's lines break depends on its text and its measure, not on the page it
    falls on, so the galley finds the breaks of those paragraphs for a small part of the cost of
    laying out the page. (An element whose width depended on a neighbour left out would break
    differently: the renderer checks the page it finally lays out.) None if a paragraph is not
    found in the markup.
    """
    pieces = [piece for piece in _PIECES.split(markup) if piece]
    counts: dict[str, int] = {}
    names: dict[int, str] = {}
    parents: dict[int, int | None] = {}
    ends: dict[int, int] = {}
    stack: list[int] = []
    chosen: list[int] = []
    body: int | None = None
    raw: str | None = None
    for i, piece in enumerate(pieces):
        if raw is not None:
            if piece.lower().startswith(f"</{raw}"):
                raw = None
                ends[stack.pop()] = i
            continue
        if piece.startswith("</"):
            name = piece[2:-1].strip().lower()
            if name not in (names[j] for j in stack):
                continue  # a stray end tag: the parser drops it too
            while stack:
                j = stack.pop()
                ends[j] = i
                if names[j] == name:
                    break
            continue
        opened = _OPEN_TAG.match(piece)
        if opened is None:
            continue  # text, a comment, the doctype
        name = opened.group(1).lower()
        place = counts.get(name, 0)
        counts[name] = place + 1
        names[i], parents[i] = name, (stack[-1] if stack else None)
        if (name, place) in paragraphs:
            chosen.append(i)
        if name == "body":
            body = i
        if name in _VOID or piece.endswith("/>"):
            ends[i] = i
        else:
            stack.append(i)
            raw = name if name in _RAW_TEXT else None
    if body is None or body not in ends or len(chosen) != len(set(paragraphs)):
        return None
    keep = set(range(body + 1)) | set(range(ends[body], len(pieces)))
    for i in chosen:
        if i not in ends:
            return None
        keep.update(range(i, ends[i] + 1))
        parent = parents[i]
        while parent is not None and parent != body:
            keep.update((parent, ends.get(parent, parent)))
            parent = parents[parent]
    return "".join(pieces[i] for i in sorted(keep))


def _places(document: Any, elements: list[Any]) -> set[Paragraph]:
    """Return each element's tag and its place among the page's elements of that tag."""
    roots = [box.element for box in document.pages[0]._page_box.children if box.element_tag == "html"]
    if not elements or not roots:
        return set()
    root = roots[0]
    wanted = {id(element) for element in elements}
    counts: dict[str, int] = {}
    places: set[Paragraph] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        place = counts.get(element.tag, 0)
        counts[element.tag] = place + 1
        if id(element) in wanted:
            places.add((element.tag, place))
    return places


def _lines(document: Any) -> Iterator[tuple[Any, str, str]]:
    """Yield each line of the document: its paragraph's element, its text, its hyphen character."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    for page in document.pages:
        for box in page._page_box.descendants():
            if not isinstance(box, LineBox):
                continue
            texts = [child for child in box.descendants() if isinstance(child, TextBox)]
            if not texts:
                continue
            text = "".join(child.text for child in texts).rstrip()
            hyphen = texts[-1].style["hyphenate_character"] or "‐"
            yield getattr(box, "element", None), text, hyphen


@cache
def _dictionary(language: str) -> Any:
    import pyphen

    return pyphen.Pyphen(lang=language, left=EDGE_LETTERS, right=EDGE_LETTERS)


def _text_pieces(markup: str) -> Iterator[tuple[str, bool]]:
    """Yield the markup's pieces, each with whether it is text of the body a reader sees."""
    body = False
    skipping: str | None = None
    for piece in _PIECES.split(markup):
        if not piece:
            continue
        if piece.startswith("<"):
            lower = piece.lower()
            if lower.startswith("<body"):
                body = True
            if skipping is None:
                opened = _SKIP_OPEN.match(piece)
                if opened and not piece.endswith("/>"):
                    skipping = opened.group(1).lower()
            elif lower.startswith(f"</{skipping}"):
                skipping = None
            yield piece, False
        else:
            yield piece, body and skipping is None
