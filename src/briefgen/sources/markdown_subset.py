"""What the Markdown subset does not support, found before it can print as raw characters.

A brief's text is parsed with the subset (paragraphs, emphasis, lists, links, citations,
footnotes, GFM pipe tables). Anything else a writer may type by habit (a heading, an image, a
block quote, strike-through, an HTML block) would print as its raw characters, so validation
names it, where it stands, and what to write instead. Raw inline HTML is not an error: it
prints as typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from markdown_it import MarkdownIt

INSTEAD = {
    "heading": "a heading is not part of the text subset: start a new section (`sections:` with a "
    "`heading:`) or write the words in **bold** at the start of a paragraph",
    "image": "images are not supported in the text: describe the figure in words, or link to it "
    "with [words](https://…)",
    "blockquote": "block quotes are not supported: quote inline in “quotation marks”, with a citation",
    "strikethrough": "strike-through is not supported: delete the words (released editions keep the history)",
    "html_block": "HTML blocks are not supported: write paragraphs and lists in Markdown (inline HTML prints as typed)",
}
"""What each unsupported construct is, and what to write instead."""

MAX_LIST_DEPTH = 9
"""Lists nest this deep at most: Word numbers nine levels (0-8), and the parser of the documents stops there."""
_LIST_OPEN = {"bullet_list_open", "ordered_list_open"}
_LIST_CLOSE = {"bullet_list_close", "ordered_list_close"}
_BLOCK_KINDS = {"heading_open": "heading", "blockquote_open": "blockquote", "html_block": "html_block"}
_INLINE_KINDS = {"image": "image", "s_open": "strikethrough"}


@cache
def _detector() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["strikethrough", "table"])


def unsupported(text: str) -> Iterator[tuple[int, str]]:
    """Yield (character offset of its line in `text`, message) for each unsupported construct."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(row: int) -> int:
        return starts[min(row, len(starts) - 1)]

    depth = 0
    too_deep = False
    for token in _detector().parse(text):
        row = token.map[0] if token.map else 0
        if token.type in _LIST_OPEN:
            depth += 1
            if depth > MAX_LIST_DEPTH and not too_deep:
                too_deep = True  # once per text: its deeper lines are the same slip
                yield (
                    offset(row),
                    (
                        f"a list nested {depth} levels deep: the documents show lists at most "
                        f"{MAX_LIST_DEPTH} levels deep (Word's limit) and would leave out what lies deeper; "
                        "flatten it, or split it into separate lists"
                    ),
                )
        elif token.type in _LIST_CLOSE:
            depth -= 1
        kind = _BLOCK_KINDS.get(token.type)
        if kind:
            yield offset(row), INSTEAD[kind]
            continue
        for child in token.children or ():
            kind = _INLINE_KINDS.get(child.type)
            if kind:
                yield offset(row), INSTEAD[kind]
