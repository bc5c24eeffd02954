"""Find text that looks like a citation but is not one, and say what was meant.

`[@Xing1996]` or `[@xing1996 p. 17]` is not a citation in briefgen's Markdown (keys are lower
case; a locator follows a comma), so it would print as typed. Each such text is a problem with
the form that works, the nearest key of sources.yaml filled in.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator

from briefgen.document.text import CITE_ITEM

# `[@` up to the next `]` on the same line; code spans are blanked out before the search
_LOOKS_LIKE_CITATION = re.compile(r"\[\s*@[^\]\n]*\]")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")
_PART = re.compile(r"^\s*@?\s*([^\s,;]*)\s*,?\s*(.*?)\s*$", re.DOTALL)


def malformed_citations(text: str, keys: Collection[str]) -> Iterator[tuple[int, str, str]]:
    """Yield (offset, as written, suggested form) for each malformed citation in `text`."""
    if "@" not in text:
        return
    searched = _CODE_SPAN.sub(lambda m: " " * len(m.group()), text)
    for match in _LOOKS_LIKE_CITATION.finditer(searched):
        written = match.group()
        parts = written[1:-1].split(";")
        if all(CITE_ITEM.match(part) for part in parts):
            continue  # well formed; whether the key exists is checked with the sources
        yield match.start(), written, "[" + "; ".join(_suggest(part, keys) for part in parts) + "]"


def _suggest(part: str, keys: Collection[str]) -> str:
    if CITE_ITEM.match(part):
        return part.strip()
    found = _PART.match(part)
    raw, locator = (found.group(1), found.group(2)) if found else (part.strip(), "")
    key = raw.lower()
    if key not in keys:
        close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
        key = close[0] if close else re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "key"
    return f"@{key}, {locator}" if locator else f"@{key}"
