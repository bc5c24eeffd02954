"""Change one text in a YAML file and nothing else: comments, quoting, layout and order stay.

ruamel.yaml's parser says where each scalar stands in the file (`scalar_spans`); the new value
is written into that stretch of text alone, as the old one was written (plain, quoted, or a
`|` block), changing only the characters that changed. Where that cannot be done faithfully (a
plain scalar that would now need quotes, a folded `>` block), the scalar is written again whole,
double-quoted, on its own line. Either way the file is parsed again: the field must hold the new
value and every other value must be as it was, or nothing is returned.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from briefgen.sources.yamlsource import Loc


@dataclass(frozen=True)
class ScalarSpan:
    """Where one scalar stands in a YAML text, and how it is written."""

    start: int
    end: int
    style: str | None
    """None (plain), `'`, `"`, `|` or `>`."""
    value: str
    column: int
    """The column its first character stands in (for a block, the indicator's)."""


def scalar_spans(text: str) -> dict[Loc, ScalarSpan]:
    """Return every scalar value of a YAML mapping document by its path (keys and list indexes)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import (
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    spans: dict[Loc, ScalarSpan] = {}
    stack: list[list[Any]] = []  # each open collection: [kind, path, next key or index, expecting key]

    def here() -> Loc | None:
        if not stack:
            return ()
        kind, path, step, expecting_key = stack[-1]
        if kind == "map":
            return None if expecting_key else (*path, step)
        return (*path, step)

    def advance() -> None:
        if not stack:
            return
        frame = stack[-1]
        if frame[0] == "map":
            frame[3] = True
        else:
            frame[2] += 1

    for event in YAML(typ="rt").parse(text):
        if isinstance(event, ScalarEvent):
            loc = here()
            if loc is None:  # a key
                stack[-1][2] = event.value
                stack[-1][3] = False
                continue
            spans[loc] = ScalarSpan(
                event.start_mark.index,
                event.end_mark.index,
                event.style,
                event.value,
                event.start_mark.column,
            )
            advance()
        elif isinstance(event, MappingStartEvent | SequenceStartEvent):
            loc = here() or ()
            stack.append(
                ["map", loc, None, True] if isinstance(event, MappingStartEvent) else ["seq", loc, 0, False]
            )
        elif isinstance(event, MappingEndEvent | SequenceEndEvent):
            stack.pop()
            advance()
    return spans


def replace_scalar(text: str, loc: Loc, value: str) -> str | None:
    """Return `text` with the scalar at `loc` holding `value`, all else unchanged; None if impossible."""
    spans = scalar_spans(text)
    span = spans.get(loc)
    if span is None:
        return None
    for candidate in (_in_place(text, span, value), _whole(text, span, value)):
        if candidate is not None and _only_changed(text, candidate, loc, value):
            return candidate
    return None


def _in_place(text: str, span: ScalarSpan, value: str) -> str | None:
    """Write only the characters that changed, into the scalar as it is written."""
    if span.style == ">":
        return None
    raw = text[span.start : span.end]
    old = span.value
    indent = 0
    if span.style == "|":
        found = _block_indent(raw)
        if found is None:
            return None
        indent = found
        if not value.endswith("\n") and old.endswith("\n"):
            return None  # the chomping indicator would have to change: written whole instead
    to_raw = _alignment(old, raw)
    if to_raw is None:
        return None
    out = raw
    for tag, i1, i2, j1, j2 in reversed(
        difflib.SequenceMatcher(None, old, value, autojunk=False).get_opcodes()
    ):
        if tag == "equal":
            continue
        inserted = _escaped(value[j1:j2], span.style, indent)
        if inserted is None:
            return None
        if i1 == i2:
            at = to_raw[i1 - 1] + 1 if i1 > 0 else to_raw[0]
            out = out[:at] + inserted + out[at:]
        else:
            first, last = to_raw[i1], to_raw[i2 - 1] + 1
            out = out[:first] + inserted + out[last:]
    return text[: span.start] + out + text[span.end :]


def _alignment(old: str, raw: str) -> list[int] | None:
    """Return, for each character of the value, its place in the raw text (and one past the end)."""
    matcher = difflib.SequenceMatcher(None, old, raw, autojunk=False)
    places: list[int | None] = [None] * (len(old) + 1)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            places[a + k] = b + k
    # a character of the value written otherwise in the raw text (an escape, a folded line end)
    last = -1
    for i in range(len(old)):
        if places[i] is None:
            places[i] = last + 1 if last + 1 < len(raw) else None
        if places[i] is None:
            return None
        last = places[i]  # type: ignore[assignment]
    places[len(old)] = (last + 1) if old else 0
    return [p if p is not None else 0 for p in places]


def _block_indent(raw: str) -> int | None:
    lines = raw.split("\n")[1:]
    for line in lines:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return None


def _escaped(text: str, style: str | None, indent: int) -> str | None:
    """Return `text` as it is written inside a scalar of `style`, or None if it cannot be."""
    if style == "'":
        return None if "\n" in text else text.replace("'", "''")
    if style == '"':
        return json.dumps(text, ensure_ascii=False)[1:-1]
    if style == "|":
        return text.replace("\n", "\n" + " " * indent)
    return None if "\n" in text else text


def _whole(text: str, span: ScalarSpan, value: str) -> str | None:
    """Write the scalar again whole: a `|` block kept as a block, anything else double-quoted."""
    raw = text[span.start : span.end]
    if span.style == "|":
        indent = _block_indent(raw)
        if indent is None:
            return None
        header = "|" if value.endswith("\n") else "|-"
        lines = value.rstrip("\n").split("\n")
        body = "\n".join((" " * indent + line) if line else "" for line in lines)
        trailing = raw[len(raw.rstrip("\n")) :] if raw.endswith("\n") else ""
        return text[: span.start] + header + "\n" + body + (trailing or "\n") + text[span.end :]
    return text[: span.start] + json.dumps(value, ensure_ascii=False) + text[span.end :]


def _only_changed(before: str, after: str, loc: Loc, value: str) -> bool:
    """Return whether `after` parses to `before`'s data with only the value at `loc` changed."""
    from ruamel.yaml import YAML

    try:
        old = YAML(typ="safe", pure=True).load(before)
        new = YAML(typ="safe", pure=True).load(after)
    except Exception:  # ruamel's parser and scanner errors have no common base worth naming
        return False
    node: Any = old
    for step in loc[:-1]:
        node = node[step]
    node[loc[-1]] = value
    return bool(old == new)
