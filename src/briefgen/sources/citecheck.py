"""Find text that looks like a citation but is not one, and say what was meant.

`[@Xing1996]` or `[@xing1996 p. 17]` is not a citation in briefgen's Markdown (keys are lower
case; a locator follows a comma), so it would print as typed. Each such text is a problem with
the form that works, the nearest key of sources.yaml filled in; so is a citation left open.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator

from briefgen.document.text import CITE_ITEM

_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")
_PART = re.compile(r"^\s*-?\s*@?\s*([^\s,;]*)\s*,?\s*(.*?)\s*$", re.DOTALL)
# an innermost bracket group: not a footnote's `^[...]`, not a link's text `[...](...)`
_GROUP = re.compile(r"(?<!\^)\[([^\[\]]*)\](?!\()")
# `@key` where a citation key would begin (an e-mail address's @ follows a letter: not one)
_KEY_START = re.compile(r"(?:^|[\s;\-])@[A-Za-z0-9]")
# `[@`, `[ @` or `[-@`: where a citation opens
_OPENING = re.compile(r"\[\s*-?\s*@")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def malformed_citations(text: str, keys: Collection[str]) -> Iterator[tuple[int, str]]:
    """Yield (offset, what is wrong) for each `[@` that does not open a well-formed citation.

    Every bracket holding a citation key is a citation, or a problem: `[@Xing1996]`, `[@xing1996
    p. 17]`, `[-@key]` and `[see @key]` print as typed otherwise, and so does a citation left
    open (`[@xing1996, p. 17 and more`, or one that runs into the next `[@yau2020]`, which would
    swallow it).
    """
    if "@" not in text:
        return
    searched = _CODE_SPAN.sub(lambda m: " " * len(m.group()), text)
    reported: set[int] = set()
    for opening in _OPENING.finditer(searched):
        start = opening.start()
        paragraph = _PARAGRAPH_END.search(searched, start)
        end = paragraph.start() if paragraph else len(searched)
        closing = searched.find("]", start, end)
        inner = searched.find("[", start + 1, end)
        if closing < 0 or 0 <= inner < closing:
            reported.add(start)
            shown = _shown(searched[start : inner if 0 <= inner < closing else end])
            where = "before the next [" if 0 <= inner < closing else ""
            yield start, f"the citation {shown} is not closed: end it with ] {where}".rstrip()
    for group in _GROUP.finditer(searched):
        inside = group.group(1)
        if group.start() in reported or not _KEY_START.search(inside):
            continue
        parts = inside.split(";")
        if all(CITE_ITEM.match(part) for part in parts):
            continue  # well formed; whether the key exists is checked with the sources
        written = group.group()
        meant = "[" + "; ".join(_suggest(part, keys) for part in parts) + "]"
        lead = inside.lstrip()
        why = ""
        if lead.startswith("-"):
            why = " (a citation without the author's name, `[-@key]`, is not supported)"
        elif not lead.startswith("@"):
            words = lead[: lead.index("@")].strip() if "@" in lead else ""
            why = " (words before a key go outside the brackets)"
            meant = f"{words} {meant}".strip()
        yield group.start(), f"{written} is not a citation briefgen understands{why}; did you mean {meant}?"


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _suggest(part: str, keys: Collection[str]) -> str:
    if CITE_ITEM.match(part):
        return part.strip()
    if "@" in part and not part.lstrip().startswith(("@", "-")):  # `see @key`: keep the key, drop the words
        part = part[part.index("@") :]
    found = _PART.match(part)
    raw, locator = (found.group(1), found.group(2)) if found else (part.strip(), "")
    key = raw.lower()
    if key not in keys:
        close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
        key = close[0] if close else re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "key"
    return f"@{key}, {locator}" if locator else f"@{key}"
