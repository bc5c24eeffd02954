"""A redline: one country's brief from one edition to the next, as Word tracked changes.

The redline is the brief itself. Both editions' tailored briefs go through the DOCX renderer, so
the redline has everything the brief has (styles, marking, header and footer, the profile
table, footnotes, italics, list numbering that restarts per recommendation), and then the new
document is marked up against the old one. Their paragraphs and table rows are aligned in
document order by style and text: paragraphs that match stay exactly as rendered; a changed
paragraph carries word-level `w:ins` and `w:del` over its own runs; paragraphs and rows added are
tracked as inserted, and those removed are put back where they were, tracked as deleted. A
ministry's staff review it in Word's (or LibreOffice's) own review pane and accept or reject
each change.

Not tracked, on purpose or for now:

- what a release changes by itself: the old brief is rendered as of the new edition (its
  number, date and "Changes since" box), so the redline shows the edits, not the bookkeeping;
- the text of footnotes (the new note is shown) and formatting changes to the same words.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from briefgen.document.worddiff import WordDiff
from briefgen.render import renderer_for, revisions

if TYPE_CHECKING:
    from briefgen.document.model import TailoredBrief

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SPACES = re.compile(r"(\s+)")
_WORDLIKE = re.compile(r"\w")
_SIMILAR = 0.5
"""How alike (difflib's ratio) a changed paragraph must be to an old one to be shown as edited."""

Aligned = tuple[str, BaseOxmlElement | None, BaseOxmlElement | None]
"""(equal|insert|delete|replace, old element, new element), in reading order."""


def redline(old: TailoredBrief, new: TailoredBrief, *, author: str) -> bytes:
    """Return the DOCX of `new` with every change from `old` as a tracked change by `author`.

    Dated by the new brief, never by the clock: the same two briefs give the same bytes.
    """
    renderer = renderer_for("docx")
    before = revisions.DocxParts(renderer.render(_as_of(old, new)))
    after = revisions.DocxParts(renderer.render(new))
    tracker = revisions.ChangeTracker(author=author, date=dt.datetime.combine(new.date, dt.time()))
    _Redline(before, after, tracker).mark()
    after.set_core_properties(
        title=f"{new.title}: changes from edition {old.edition} to {new.edition}", author=author
    )
    return after.to_bytes()


def _as_of(old: TailoredBrief, new: TailoredBrief) -> TailoredBrief:
    """Return `old` with what a release changes by itself (edition, date, changes box) as in `new`."""
    return dataclasses.replace(
        old, edition=new.edition, date=new.date, date_text=new.date_text, changes=new.changes
    )


class _Redline:
    """Mark up the new document's body against the old one's."""

    def __init__(
        self, old: revisions.DocxParts, new: revisions.DocxParts, tracker: revisions.ChangeTracker
    ) -> None:
        self.old, self.new, self.tracker = old, new, tracker
        self.lists: dict[str, str] = {}
        """Old list instance (numId) -> the new one, from list items found in both documents."""
        self.put_back: list[BaseOxmlElement] = []
        """Old elements copied into the new document as deletions."""

    def mark(self) -> None:
        body = self.new.body
        self._merge(body, _content(self.old.body), _content(body))
        for element in self.put_back:
            self.new.carry_over(element, self.old, self.lists)
        self.tracker.number(body)

    def _merge(
        self, container: BaseOxmlElement, old: list[BaseOxmlElement], new: list[BaseOxmlElement]
    ) -> None:
        """Mark up `container`'s elements `new` against `old`, putting deleted ones back in place."""
        cursor: BaseOxmlElement | None = None
        for op, before, after in _aligned(old, new):
            if after is None:
                assert before is not None
                deleted = copy.deepcopy(before)
                self._deleted(deleted)
                self.put_back.append(deleted)
                if cursor is not None:
                    cursor.addnext(deleted)
                elif new:
                    new[0].addprevious(deleted)
                else:
                    _append(container, deleted)
                cursor = deleted
                continue
            if before is None:
                self._inserted(after)
            else:
                self._changed(before, after, edited=op == "replace")
            cursor = after

    def _inserted(self, element: BaseOxmlElement) -> None:
        if element.tag == _P:
            self.tracker.inserted_paragraph(element)
        else:
            for row in element.iter(_TR) if element.tag == _TBL else (element,):
                self.tracker.inserted_row(row)

    def _deleted(self, element: BaseOxmlElement) -> None:
        if element.tag == _P:
            self.tracker.deleted_paragraph(element)
        else:
            for row in element.iter(_TR) if element.tag == _TBL else (element,):
                self.tracker.deleted_row(row)

    def _changed(self, before: BaseOxmlElement, after: BaseOxmlElement, *, edited: bool) -> None:
        if after.tag == _P:
            old_list, new_list = _list_of(before), _list_of(after)
            if old_list is not None and new_list is not None:
                self.lists.setdefault(old_list, new_list)
            if edited:
                words = WordDiff.of(revisions.paragraph_text(before), revisions.paragraph_text(after))
                self.tracker.changed_words(after, before, whole_words(words.segments))
        elif after.tag == _TBL:
            self._merge(after, before.findall(_TR), after.findall(_TR))
        elif edited:  # a row: its cells side by side
            for old_cell, new_cell in zip(before.findall(_TC), after.findall(_TC), strict=True):
                self._merge(new_cell, _content(old_cell), _content(new_cell))


def whole_words(segments: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return word-diff segments widened so that no change cuts a word (or number) in two.

    A word touched by a change is deleted and inserted whole ("3.1" -> "3.4", not "3.[1->4]"),
    except for punctuation at its ends that did not change ("basins." -> "lakes." keeps the full
    stop). Within each stretch of changes the deleted words come before the inserted ones, as
    Word shows them.
    """
    tokens = [(op, token) for op, text in segments for token in _SPACES.split(text) if token]
    widened: list[tuple[str, str]] = []
    n = 0
    while n < len(tokens):
        if tokens[n][1].isspace():
            widened.append(tokens[n])
            n += 1
            continue
        end = n
        while end < len(tokens) and not tokens[end][1].isspace():
            end += 1
        word = tokens[n:end]
        n = end
        if not any(op != "equal" and _WORDLIKE.search(text) for op, text in word):
            widened += word  # unchanged, or only punctuation added or taken away
            continue
        lead = 0
        while word[lead][0] == "equal" and not _WORDLIKE.search(word[lead][1]):
            lead += 1
        tail = len(word)
        while word[tail - 1][0] == "equal" and not _WORDLIKE.search(word[tail - 1][1]):
            tail -= 1
        middle = word[lead:tail]
        widened += word[:lead]
        widened.append(("delete", "".join(text for op, text in middle if op != "insert")))
        widened.append(("insert", "".join(text for op, text in middle if op != "delete")))
        widened += word[tail:]
    return _deletions_first(widened)


def _deletions_first(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join neighbouring segments of one kind; in each stretch of changes, deleted text first."""
    out: list[tuple[str, str]] = []
    pending = {"delete": "", "insert": ""}
    for op, text in [*segments, ("equal", "")]:
        if op != "equal":
            pending[op] += text
            continue
        out += [(kind, pending[kind]) for kind in ("delete", "insert") if pending[kind]]
        pending = {"delete": "", "insert": ""}
        if out and out[-1][0] == "equal":
            out[-1] = ("equal", out[-1][1] + text)
        elif text:
            out.append(("equal", text))
    return out


def _content(container: BaseOxmlElement) -> list[BaseOxmlElement]:
    """Return the paragraphs and tables of a body or a table cell, in order."""
    return [child for child in container if child.tag in (_P, _TBL)]


def _append(container: BaseOxmlElement, element: BaseOxmlElement) -> None:
    """Append `element` to `container`, before the body's section properties if it is the body."""
    section = container.find(qn("w:sectPr"))
    if section is not None:
        section.addprevious(element)
    else:
        container.append(element)


def _list_of(p: BaseOxmlElement) -> str | None:
    num = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return None if num is None else num.get(qn("w:val"))


def _key(element: BaseOxmlElement) -> tuple[object, ...]:
    """Return what must be the same for two elements to count as unchanged."""
    if element.tag == _P:
        return ("p", revisions.paragraph_style(element), revisions.paragraph_text(element))
    if element.tag == _TBL:
        return ("tbl", revisions.table_style(element))  # rows are compared inside
    return ("tr", *(_key(p) for p in element.iter(_P)), len(element.findall(_TC)))


def _text(element: BaseOxmlElement) -> str:
    return "\n".join(revisions.paragraph_text(p) for p in element.iter(_P))


def _similarity(before: BaseOxmlElement, after: BaseOxmlElement) -> float:
    """Return how alike two elements are, from 0 (not comparable) to 1."""
    if before.tag != after.tag:
        return 0.0
    if before.tag == _TBL:
        return 1.0
    if before.tag == _P and revisions.paragraph_style(before) != revisions.paragraph_style(after):
        return 0.0
    if before.tag == _TR and len(before.findall(_TC)) != len(after.findall(_TC)):
        return 0.0
    return difflib.SequenceMatcher(None, _text(before), _text(after), autojunk=False).ratio()


def _aligned(old: list[BaseOxmlElement], new: list[BaseOxmlElement]) -> Iterator[Aligned]:
    """Yield the elements of both sides aligned, in reading order."""
    matcher = difflib.SequenceMatcher(None, [_key(e) for e in old], [_key(e) for e in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from (("equal", a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True))
        elif tag == "delete":
            yield from (("delete", a, None) for a in old[i1:i2])
        elif tag == "insert":
            yield from (("insert", None, b) for b in new[j1:j2])
        else:
            # changed elements: pair the most similar ones so their words can be compared
            yield from _pair_replacements(old[i1:i2], new[j1:j2])


def _pair_replacements(old: list[BaseOxmlElement], new: list[BaseOxmlElement]) -> Iterator[Aligned]:
    j = 0
    for before in old:
        best, score = None, _SIMILAR
        for k in range(j, len(new)):
            ratio = _similarity(before, new[k])
            if ratio > score:
                best, score = k, ratio
        if best is None:
            yield "delete", before, None
            continue
        for k in range(j, best):
            yield "insert", None, new[k]
        yield "replace", before, new[best]
        j = best + 1
    for k in range(j, len(new)):
        yield "insert", None, new[k]
