"""HTML: a tailored brief through the Jinja2 templates under `templates/`.

The templates get the `TailoredBrief` and its document tree, nothing else; the tree is walked
here, in Python, into `Markup`, and every piece of text from the data goes through `escape`
on the way, so `<img src=…>` or `{{ 7*7 }}` in a YAML field prints as those characters. The
environment autoescapes and is strict about undefined variables, so a typo in a template is
an error, not an empty string. The same HTML, with the stylesheet left out, feeds the PDF.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import ClassVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup, escape

from briefgen import __version__
from briefgen.document.doctree import (
    Block,
    BulletList,
    Citation,
    Code,
    Emphasis,
    Footnote,
    Inline,
    LineBreak,
    Link,
    NumberedList,
    Paragraph,
    RichText,
    Strong,
    Text,
)
from briefgen.document.model import TailoredBrief, source_notes
from briefgen.document.outline import outline
from briefgen.document.text import script_runs
from briefgen.document.words import fill, pieces, words
from briefgen.errors import RenderError
from briefgen.render import templates_dir

BASE_TEMPLATE = "base.html"
STYLESHEET = "print.css"
_SAFE_HREF = re.compile(r"^(https?://|mailto:)[^\s<>\"'`]*$", re.IGNORECASE)


class HtmlRenderer:
    """Render a tailored brief as one standalone UTF-8 HTML page (stylesheet inlined)."""

    format: ClassVar[str] = "html"

    def __init__(self, templates: Path | None = None) -> None:
        self.templates = (templates or templates_dir()).resolve()
        self.env = _environment(self.templates)
        self._stylesheet: str | None = None

    @property
    def stylesheet(self) -> str:
        """Return the print stylesheet's text (read once)."""
        if self._stylesheet is None:
            css = (self.templates / STYLESHEET).read_text(encoding="utf-8")
            if "</" in css:  # it is inlined into <style>: it must not be able to close it
                raise RenderError(f"{STYLESHEET} must not contain '</'")
            self._stylesheet = css
        return self._stylesheet

    def render(self, brief: TailoredBrief) -> bytes:
        """Return the brief as a standalone HTML page that opens on its own."""
        return self.document(brief, inline_css=True).encode("utf-8")

    def document(self, brief: TailoredBrief, *, inline_css: bool) -> str:
        """Return the brief's HTML; without `inline_css` the caller supplies the stylesheet."""
        template = self.env.get_template(BASE_TEMPLATE)
        labels = words(brief.language)
        try:
            return template.render(
                brief=brief,
                parts=outline(brief),
                labels=labels,
                stylesheet=Markup(self.stylesheet) if inline_css else None,
                page_css=Markup(_page_css(labels, draft=brief.draft)),
                generator=f"briefgen {__version__}",
            )
        except TemplateError as exc:
            raise RenderError(f"template error rendering {brief.slug}: {exc}") from exc


def _environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    filters: Mapping[str, Callable[..., object]] = {
        "rich": rich_html,
        "inlines": inline_html,
        "cite": citation_html,
        "fill": fill,
        "source_notes": source_notes,
        "anchor": anchor,
    }
    env.filters.update(filters)
    return env


def rich_html(text: RichText | None) -> Markup:
    """Return a text field's blocks as HTML."""
    if text is None:
        return Markup("")
    return _blocks(text.blocks)


def inline_html(content: RichText | Iterable[Inline] | None) -> Markup:
    """Return inline HTML for a one-line field (a title, a table cell) or a tuple of inlines."""
    if content is None:
        return Markup("")
    children = content.inlines() if isinstance(content, RichText) else tuple(content)
    return Markup("").join(_inline(child) for child in children)


def citation_html(citation: Citation) -> Markup:
    """Return an author-date citation in parentheses: "(Chen, 2020, p. 3)"."""
    return Markup('<span class="citation">({})</span>').format(citation.text)


def anchor(text: str) -> str:
    """Return a stable, safe id for an element, derived from `text`."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return f"{slug or 'part'}-{digest}"


def _blocks(blocks: Iterable[Block]) -> Markup:
    return Markup("").join(_block(block) for block in blocks)


def _block(block: Block) -> Markup:
    if isinstance(block, Paragraph):
        return Markup("<p>{}</p>\n").format(inline_html(block.children))
    if isinstance(block, BulletList):
        return Markup("<ul>\n{}</ul>\n").format(_items(block.items))
    if isinstance(block, NumberedList):
        start = Markup(' start="{}"').format(int(block.start)) if block.start != 1 else Markup("")
        return Markup("<ol{}>\n{}</ol>\n").format(start, _items(block.items))
    raise RenderError(f"unknown block {type(block).__name__}")


def _items(items: Iterable[tuple[Block, ...]]) -> Markup:
    out = []
    for item in items:
        if len(item) == 1 and isinstance(item[0], Paragraph):  # a tight item: no <p> inside
            out.append(Markup("<li>{}</li>\n").format(inline_html(item[0].children)))
        else:
            out.append(Markup("<li>{}</li>\n").format(_blocks(item)))
    return Markup("").join(out)


def _inline(node: Inline) -> Markup:
    if isinstance(node, Text):
        if node.lang:
            return Markup('<span lang="{}">{}</span>').format(node.lang, node.text)
        runs = script_runs(node.text)
        if len(runs) == 1 and isinstance(runs[0], Text) and not runs[0].lang:
            return escape(node.text)
        return Markup("").join(_inline(run) for run in runs)
    if isinstance(node, Emphasis):
        return Markup("<em>{}</em>").format(inline_html(node.children))
    if isinstance(node, Strong):
        return Markup("<strong>{}</strong>").format(inline_html(node.children))
    if isinstance(node, Code):
        return Markup("<code>{}</code>").format(node.text)
    if isinstance(node, LineBreak):
        return Markup("<br>")
    if isinstance(node, Link):
        if not _SAFE_HREF.match(node.href):  # the parser only makes these; never trust it twice
            return inline_html(node.children)
        return Markup('<a href="{}">{}</a>').format(node.href, inline_html(node.children))
    if isinstance(node, Citation):
        return citation_html(node)
    if isinstance(node, Footnote):
        return Markup('<span class="footnote">{}</span>').format(inline_html(node.children))
    raise RenderError(f"unknown inline {type(node).__name__}")


def _css_string(text: str) -> str:
    """Return `text` as a double-quoted CSS string, every risky character escaped."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;-_()/":
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return '"' + "".join(out) + '"'


def _page_css(labels: Mapping[str, str], *, draft: bool = False) -> str:
    """Return the @page rule that writes "Page N of M" in the brief's own words.

    A draft translation says so in the top right corner of every page.
    """
    parts: list[str] = []
    for text, slot in pieces(labels["page"]):
        if slot is None:
            parts.append(_css_string(text))
            continue
        counter = {"page": "page", "pages": "pages"}.get(slot)
        if counter is None:
            raise RenderError(f"the page label has an unknown placeholder {{{slot}}}")
        parts.append(f"counter({counter})")
    rule = "@page { @bottom-right { content: " + " ".join(parts) + "; } }"
    if draft:
        mark = _css_string(labels["draft_translation"])
        box = (
            f"@top-right {{ content: {mark}; font-family: 'Noto Sans', sans-serif; font-size: 7.5pt;"
            " font-weight: 600; color: #9b1c1c; vertical-align: bottom; padding-bottom: 5mm; }"
        )
        rule += f"\n@page {{ {box} }}\n@page :first {{ {box} }}"
    return rule
