"""Carry a reviewer's edit of the text a document shows into the source text it was made from.

The document shows a field typeset: Markdown marks gone, citations printed ("(Chen, 2020)"),
quotes curled, footnotes inline as `^[…]`. The source holds `*emphasis*`, `[@chen2020]` and
straight quotes. The two are aligned character by character (what they share lines up), and
each stretch the reviewer inserted, deleted or replaced in the shown text is put at the same
place in the source. The caller then makes the document's text of the result again and checks
that it reads as the reviewer's: an edit that cannot be placed faithfully (one that cuts into
a citation, say) is refused, never guessed.
"""

from __future__ import annotations

import difflib


def carry(shown_before: str, shown_after: str, source: str) -> str | None:
    """Return `source` with the changes from `shown_before` to `shown_after`; None if unplaceable."""
    if shown_before == shown_after:
        return source
    places = _places(shown_before, source)
    edits = []
    matcher = difflib.SequenceMatcher(None, shown_before, shown_after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        text = shown_after[j1:j2]
        if i1 == i2:  # an insertion: after the character before it, else before the one after it
            if i1 > 0 and places[i1 - 1] is not None:
                at = places[i1 - 1] + 1  # type: ignore[operator]
            elif i1 < len(shown_before) and places[i1] is not None:
                at = places[i1]  # type: ignore[assignment]
            elif not shown_before:
                at = len(source)
            else:
                return None
            if text[:1].isspace():  # a word added after emphasised words goes after the closing marks
                while at < len(source) and source[at] in _MARKS and source[at - 1 : at] not in ("", " "):
                    at += 1
            edits.append((at, at, text))
            continue
        first, last = places[i1], places[i2 - 1]
        if first is None or last is None:
            return None
        if last - first != i2 - 1 - i1 and not _only_marks(source[first : last + 1], shown_before[i1:i2]):
            return None  # the stretch is written otherwise in the source (a citation, a link)
        edits.append((first, last + 1, text))
    out = source
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _places(shown: str, source: str) -> list[int | None]:
    """Return, for each character of `shown`, the place of the same character in `source`."""
    places: list[int | None] = [None] * len(shown)
    matcher = difflib.SequenceMatcher(None, shown, source, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            places[a + k] = b + k
    return places


_MARKS = set("*_`")


def _only_marks(source: str, shown: str) -> bool:
    """Return whether `source` is `shown` with Markdown emphasis marks added (nothing else)."""
    return "".join(c for c in source if c not in _MARKS) == "".join(c for c in shown if c not in _MARKS)
