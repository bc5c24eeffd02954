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

from jinja2 import Environment, StrictUndefined, TemplateError
from markupsafe import Markup, escape

import briefgen.reading as reading
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
    Table,
    Text,
    plain_inlines,
)
from briefgen.document.model import Figure, TailoredBrief, source_notes
from briefgen.document.outline import CARD_OPENING, card, changes_split, outline
from briefgen.document.report import ImplementationReport, StatusChart
from briefgen.document.text import script_runs
from briefgen.document.theme import Theme
from briefgen.document.words import fill, pieces, words
from briefgen.errors import RenderError
from briefgen.render import fontmetrics, hyphenation, templates_dir
from briefgen.render.templatefiles import TemplateFiles
from briefgen.render.theme import DEFAULT_HEADING_FONT, logo_data_url, theme_css
from briefgen.version import __version__

BASE_TEMPLATE = "base.html"
REPORT_TEMPLATE = "report.html"
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
            css = reading.read_text(self.templates / STYLESHEET, reading.TEMPLATE, within=self.templates)
            if "</" in css:  # it is inlined into <style>: it must not be able to close it
                raise RenderError(f"{STYLESHEET} must not contain '</'")
            self._stylesheet = css
        return self._stylesheet

    def compile_templates(self) -> None:
        """Compile the page's templates now, as the first document would."""
        self.env.get_template(BASE_TEMPLATE)
        for name in self.env.list_templates(filter_func=lambda name: name.startswith("partials/")):
            self.env.get_template(name)

    def render(self, brief: TailoredBrief) -> bytes:
        """Return the brief as a standalone HTML page that opens on its own."""
        return self.document(brief, inline_css=True).encode("utf-8")

    def document(
        self,
        brief: TailoredBrief,
        *,
        inline_css: bool,
        logo_src: str | None = None,
        figure_placeholders: bool = False,
        looks: tuple[str, ...] = (),
    ) -> str:
        """Return the brief's HTML; without `inline_css` the caller supplies the stylesheets.

        The theme's logo is a `data:` URL unless the caller names where it is (`logo_src`).
        With `figure_placeholders`, each figure is an empty `<svg>` of its drawing's size
        (`inlinesvg.placeholder`), for a caller that puts the drawings in after laying out.
        `looks` are classes of the page that set it differently: `tight` a little closer (the PDF's
        try at saving a nearly empty last page).
        """
        template = self.env.get_template(BASE_TEMPLATE)
        labels = words(brief.language)
        theme = brief.theme
        letterhead = _letterhead(theme, brief.organisation, logo_src)
        themed = theme_css(theme) if inline_css else ""
        try:
            markup = template.render(
                brief=brief,
                parts=outline(brief),
                labels=labels,
                letterhead=letterhead,
                stylesheet=Markup(self.stylesheet) if inline_css else None,
                theme_css=Markup(themed) if themed else None,
                page_css=Markup(_page_css(labels, brief)),
                generator=f"briefgen {__version__}",
                figure_placeholders=figure_placeholders,
                looks=looks,
            )
        except TemplateError as exc:
            raise RenderError(f"template error rendering {brief.slug}: {exc}") from exc
        # the language's non-breaking spaces in every text, fixed words included
        return hyphenation.bind_text(markup, brief.language)

    def render_report(self, report: ImplementationReport) -> bytes:
        """Return an implementation report as a standalone HTML page."""
        return self.report_document(report, inline_css=True).encode("utf-8")

    def report_document(
        self, report: ImplementationReport, *, inline_css: bool, logo_src: str | None = None
    ) -> str:
        """Return an implementation report's HTML, on the briefs' page and stylesheet."""
        labels = words(report.language)
        themed = theme_css(report.theme) if inline_css else ""
        try:
            return self.env.get_template(REPORT_TEMPLATE).render(
                report=report,
                labels=labels,
                letterhead=_letterhead(report.theme, report.organisation, logo_src),
                stylesheet=Markup(self.stylesheet) if inline_css else None,
                theme_css=Markup(themed) if themed else None,
                page_css=Markup(_page_css(labels, report)),
                generator=f"briefgen {__version__}",
            )
        except TemplateError as exc:
            raise RenderError(f"template error rendering {report.slug}: {exc}") from exc


def _heading_family(brief: TailoredBrief | ImplementationReport) -> str:
    return brief.theme.heading_font or DEFAULT_HEADING_FONT


def _letterhead(theme: Theme, organisation: str, logo_src: str | None) -> dict[str, object] | None:
    """Return the theme's letterhead for the title block (logo and address), or None."""
    if theme.logo is None and not theme.organisation:
        return None
    if theme.logo is not None and logo_src is None:
        logo_src = logo_data_url(theme.logo)
    return {
        "logo": logo_src if theme.logo is not None else None,
        "lines": theme.organisation,
        "alt": theme.organisation[0] if theme.organisation else organisation,
    }


def _environment(templates: Path) -> Environment:
    env = Environment(
        loader=TemplateFiles(templates),
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
        "changes_split": changes_split,
        "anchor": anchor,
        "chart": chart_svg,
        "card": card,
        "status_chart": status_chart_svg,
    }
    env.filters.update(filters)
    env.globals["CARD_OPENING"] = CARD_OPENING
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


def chart_svg(figure: Figure, *, placeholder: bool = False) -> Markup:
    """Return a figure as inline SVG (or its placeholder); matplotlib draws it, imported only here."""
    from briefgen.render import inlinesvg

    # The SVG is matplotlib's; the one text from the data, the alt text, is escaped into its
    # <title>.
    return Markup(inlinesvg.placeholder(figure) if placeholder else inlinesvg.inline_svg(figure))


def status_chart_svg(chart: StatusChart) -> Markup:
    """Return the implementation report's chart as inline SVG (matplotlib, imported only here)."""
    from briefgen.render import inlinesvg

    return Markup(inlinesvg.status_chart_svg(chart))


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
    if isinstance(block, Table):
        return _table(block)
    raise RenderError(f"unknown block {type(block).__name__}")


def _table(table: Table) -> Markup:
    """A table in the text, styled as the profile table."""

    def cells(row: tuple[tuple[Inline, ...], ...], tag: str) -> Markup:
        out = []
        for n, cell in enumerate(row):
            align = table.align[n] if n < len(table.align) else ""
            attr = Markup(' class="align-{}"').format(align) if align else Markup("")
            scope = Markup(' scope="col"') if tag == "th" else Markup("")
            out.append(
                Markup("<{}{}{}>{}</{}>").format(Markup(tag), scope, attr, inline_html(cell), Markup(tag))
            )
        return Markup("<tr>{}</tr>\n").format(Markup("").join(out))

    head = Markup("<thead>\n{}</thead>\n").format(cells(table.header, "th")) if table.header else Markup("")
    body = Markup("").join(cells(row, "td") for row in table.rows)
    return Markup('<table class="facts data">\n{}<tbody>\n{}</tbody>\n</table>\n').format(head, body)


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
        shown = plain_inlines(node.children)
        if shown == node.href:  # a printed URL: it breaks only after a slash or before a dot
            return Markup('<a href="{}" class="url">{}</a>').format(node.href, url_html(shown))
        return Markup('<a href="{}">{}</a>').format(node.href, inline_html(node.children))
    if isinstance(node, Citation):
        return citation_html(node)
    if isinstance(node, Footnote):
        return Markup('<span class="footnote">{}</span>').format(inline_html(node.children))
    raise RenderError(f"unknown inline {type(node).__name__}")


_URL_BREAK = re.compile(r"(?<=[^/:]/)(?=[^/])|(?<=\w)(?=\.[^\W\d])")


def url_html(url: str) -> Markup:
    """Return a URL as pieces that never break inside (not at a hyphen, not after "https://"),
    with a break opportunity after each slash of the path and before each dot."""
    pieces = [p for p in _URL_BREAK.split(url) if p]
    return Markup("<wbr>").join(Markup('<span class="nobr">{}</span>').format(p) for p in pieces)


def _css_string(text: str) -> str:
    """Return `text` as a double-quoted CSS string, every risky character escaped."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;-_()/":
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x} ")  # the space ends the escape and is not printed
    return '"' + "".join(out) + '"'


_NOTE_WIDTH = "42mm"
"""The width of a draft translation's note in the top right corner of every page."""
_HEAD_WIDTH = "84mm"
"""The running head's width beside that note: centred on the page, clear of the note."""


def _page_css(labels: Mapping[str, str], brief: TailoredBrief | ImplementationReport | None = None) -> str:
    """Return the @page rules that write the footer ("Title · Country", "Page N of M") and the
    handling marking at the foot of every page, in the brief's own words; a draft translation
    says so in the top right corner of every page; a draft's diagonal mark gets the size its
    words fit in."""
    parts: list[str] = []
    for text, slot in pieces(labels["page"]):
        if slot is None:
            parts.append(_css_string(text))
            continue
        counter = {"page": "page", "pages": "pages"}.get(slot)
        if counter is None:
            raise RenderError(f"the page label has an unknown placeholder {{{slot}}}")
        parts.append(f"counter({counter})")
    rules = "@bottom-right { content: " + " ".join(parts) + "; }"
    extra = ""
    if brief is not None and brief.draft_translation:
        mark = _css_string(brief.draft_translation_note or labels["draft_translation"])
        # beside the running head, in a column of its own: the two never run into each other,
        # however long the language makes them (each wraps within its width instead)
        box = (
            f"@top-right {{ content: {mark}; font-family: 'Noto Sans', sans-serif; font-size: 7.5pt;"
            " font-weight: 600; color: #9b1c1c; vertical-align: bottom; padding-bottom: 5mm;"
            f" width: {_NOTE_WIDTH}; text-align: right; }}"
        )
        extra = f"\n@page {{ {box} }}\n@page :first {{ {box} }}"
    if brief is not None:
        footer = fill(labels["footer"], title=brief.title, country=brief.country_name)
        rules += " @bottom-left { content: " + _css_string(footer) + "; }"
        if brief.marking:
            rules += " @bottom-center { content: " + _css_string(brief.marking) + "; }"
        capitals = _real_capitals(brief, labels)
        if brief.draft:  # the running header says it too, so every page's text does
            # the diagonal's size from its text's width (in the page's CSS, not a style attribute,
            # which the preview's Content-Security-Policy refuses)
            size = fontmetrics.diagonal_type(labels["draft"], _heading_family(brief))[0]
            extra += f"\n.draft-diagonal {{ font-size: {size}pt; }}"
            head = " · ".join(w for w in (brief.marking, labels["draft"]) if w)
            beside = f" width: {_HEAD_WIDTH};" if brief.draft_translation else ""
            rules += " @top-center { content: " + _css_string(head) + ";" + capitals + beside + " }"
            if capitals:
                rules += " @bottom-center {" + capitals + " }"
            return "@page { " + rules + " } @page :first { @top-center { content: none; } }" + extra
        if capitals:
            rules += " @top-center {" + capitals + " } @bottom-center {" + capitals + " }"
    return "@page { " + rules + " }" + extra


def _real_capitals(brief: TailoredBrief | ImplementationReport, labels: Mapping[str, str]) -> str:
    """Return the running heads' declarations for real capitals, where the heading face has no
    small capitals for their letters (Noto Sans has them for Latin only), else nothing.

    A face without them would leave Cyrillic lower case under `font-variant-caps`; capitals
    a step smaller read as the small capitals of the Latin pages.
    """
    head = " ".join(w for w in (brief.marking, labels["draft"] if brief.draft else None) if w)
    if fontmetrics.has_small_caps(head, _heading_family(brief)):
        return ""
    return (
        " font-variant-caps: normal; text-transform: uppercase; font-size: 7pt; letter-spacing: 0.08em;"
        " font-kerning: none;"  # wider spacing splits the words of the extracted text
    )
