"""The format-neutral document tree that every renderer walks.

Text fields are parsed into this tree once (see `briefgen.document.text`); the DOCX and HTML renderers
walk it and never see Markdown or YAML, so the two formats cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters no document can hold: XML 1.0 forbids them (DOCX and HTML are XML or near it).

The sources refuse them with a located problem; a renderer drops any that reach it anyway.
"""

DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that reorder how the text around them displays: the right-to-left override U+202E
shows `gpj.exe` as `exe.jpg`. Only right-to-left text has a use for them, and briefgen lays its
documents out left to right: sources refuse them; a catalog of a right-to-left language may hold them."""


def control_named(char: str) -> str:
    """Return how a problem names a control character: "U+202E (right-to-left override)"."""
    import unicodedata

    name = unicodedata.name(char, "").lower()
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


@dataclass(frozen=True)
class Text:
    """Plain text; `lang` is set on runs in another script (`zh-Hans` for Han characters)."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Emphasis:
    """Emphasised (italic) text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    """Strong (bold) text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    """A literal span, shown in a monospaced font."""

    text: str


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class Link:
    """A hyperlink to an http(s) or mailto address."""

    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class CiteItem:
    """One work cited, with its optional locator (`p. 12`)."""

    key: str
    locator: str | None = None


@dataclass(frozen=True)
class Citation:
    """An author-date citation; `text` is the resolved "Chen, 2020, p. 3" without brackets."""

    items: tuple[CiteItem, ...]
    text: str = ""


@dataclass(frozen=True)
class Footnote:
    """A footnote, anchored where it stands in the text; renderers number them."""

    children: tuple[Inline, ...]


Inline = Text | Emphasis | Strong | Code | LineBreak | Link | Citation | Footnote


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class BulletList:
    """An unordered list; each item is a sequence of blocks."""

    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class NumberedList:
    """An ordered list starting at `start`."""

    items: tuple[tuple[Block, ...], ...]
    start: int = 1


@dataclass(frozen=True)
class Table:
    """A table (a GFM pipe table): a header row and body rows of inline cells."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[str, ...] = ()
    """Each column's alignment: "left", "center", "right" or "" (the default)."""


Block = Paragraph | BulletList | NumberedList | Table


@dataclass(frozen=True)
class RichText:
    """A parsed text field: a sequence of blocks."""

    blocks: tuple[Block, ...] = field(default_factory=tuple)
    origins: tuple[str | None, ...] = field(default=(), compare=False)
    """The source field each block comes from (its key, `recommendations/x.yaml:action.steps[2]`),
    parallel to `blocks`; empty where nobody said. A Word brief anchors each field's blocks.
    Where a text came from is not what it says: two texts that say the same are equal."""

    def from_field(self, key: str) -> RichText:
        """Return this text, every block of it marked as coming from the field `key`."""
        return RichText(self.blocks, (key,) * len(self.blocks))

    def by_field(self) -> list[tuple[str | None, tuple[Block, ...]]]:
        """Return the blocks in runs that come from one field each (None: from no field)."""
        origins = self.origins or (None,) * len(self.blocks)
        runs: list[tuple[str | None, list[Block]]] = []
        for origin, block in zip(origins, self.blocks, strict=True):
            if runs and runs[-1][0] == origin:
                runs[-1][1].append(block)
            else:
                runs.append((origin, [block]))
        return [(origin, tuple(blocks)) for origin, blocks in runs]

    def inlines(self) -> tuple[Inline, ...]:
        """Return the inline content of a one-paragraph text (for titles and table cells)."""
        if len(self.blocks) == 1 and isinstance(self.blocks[0], Paragraph):
            return self.blocks[0].children
        out: list[Inline] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                if out:
                    out.append(Text(" "))
                out.extend(block.children)
        return tuple(out)

    def plain(self) -> str:
        """Return the text without markup, citations as "(Chen, 2020)", footnotes dropped."""
        return " ".join(_plain_block(b) for b in self.blocks).strip()


def plain_inlines(children: tuple[Inline, ...]) -> str:
    """Return inline content as plain text."""
    out = []
    for child in children:
        if isinstance(child, Text | Code):
            out.append(child.text)
        elif isinstance(child, LineBreak):
            out.append(" ")
        elif isinstance(child, Citation):
            out.append(f"({child.text})")
        elif isinstance(child, Emphasis | Strong | Link):
            out.append(plain_inlines(child.children))
    return "".join(out)


def _plain_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return plain_inlines(block.children)
    if isinstance(block, Table):
        return " ".join(plain_inlines(cell) for row in (block.header, *block.rows) for cell in row)
    return " ".join(_plain_block(b) for item in block.items for b in item)


def walk_inlines(blocks: tuple[Block, ...]) -> list[Inline]:
    """Return every inline node under `blocks`, depth first, footnote contents included."""
    found: list[Inline] = []

    def visit(children: tuple[Inline, ...]) -> None:
        for child in children:
            found.append(child)
            if isinstance(child, Emphasis | Strong | Link | Footnote):
                visit(child.children)

    for block in blocks:
        if isinstance(block, Paragraph):
            visit(block.children)
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                for cell in row:
                    visit(cell)
        else:
            for item in block.items:
                for inner in walk_inlines(item):
                    found.append(inner)
    return found
