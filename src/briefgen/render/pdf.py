"""PDF: the brief's HTML laid out by WeasyPrint, tagged (PDF/UA-1), every glyph embedded.

WeasyPrint (imported through `render/engine.py`, for this module, the URL fetcher and the
stamping of copies, which reuses this module's font configuration and fetcher) is not imported
until a PDF is made or copies are prepared, so the command line starts without it. One
renderer instance keeps one `FontConfiguration`, one parsed stylesheet and one image cache for
every document it makes.

Same brief, same bytes: the dates come from the brief (`dcterms.created`/`modified`), the
file identifier is a hash of the HTML, and nothing reads the clock.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from functools import cache, partial
from pathlib import Path
from typing import Any, ClassVar

from briefgen.document.model import TailoredBrief
from briefgen.document.report import ImplementationReport
from briefgen.document.theme import Theme
from briefgen.errors import RenderError
from briefgen.render import LAST_PAGE_MIN, charts, fontmetrics, hyphenation, inlinesvg, pdftags
from briefgen.render.engine import CSS, HTML, FontConfiguration, page_fill, replace_inline_svgs
from briefgen.render.fetcher import SafeFetcher
from briefgen.render.html import STYLESHEET, HtmlRenderer
from briefgen.render.theme import DEFAULT_HEADING_FONT, theme_css

PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with a structure tree, /Lang and /MarkInfo (ISO 14289-1); `pdftags` finishes the tree."""


_WEASYPRINT_LOGGERS = ("weasyprint", "weasyprint.progress")
_HYPHENATION_PASSES = 6
"""Layouts at most, of the page and of a galley, to break up runs of hyphenated lines that the line
breaking let through (the bundled Russian briefs need none)."""
Laid = tuple[str, Any, frozenset[str]]
"""A page laid out: its markup, WeasyPrint's document and the words kept whole for its hyphens."""
_LAYOUT_LOCK = threading.Lock()
"""One layout at a time per process: the shared font configuration is not made for threads."""


@cache
def shared_font_config() -> FontConfiguration:
    """Return the process's one font configuration, shared by every WeasyPrint document."""
    return FontConfiguration()


class PdfRenderer:
    """Render a tailored brief as a tagged, print-ready A4 PDF."""

    format: ClassVar[str] = "pdf"

    def __init__(self, templates: Path | None = None) -> None:
        self.html = HtmlRenderer(templates)
        self.templates = self.html.templates
        self.fetcher = SafeFetcher(self.templates)
        self.font_config = shared_font_config()
        self.image_cache: dict[str, Any] = {}
        self.base_url = self.templates.as_uri() + "/"
        self.stylesheet = CSS(
            string=self.html.stylesheet,
            base_url=self.base_url + STYLESHEET,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )
        self._themes: dict[Theme, tuple[SafeFetcher, list[CSS]]] = {}
        self.last_page: tuple[int, float] | None = None
        """The page count and the last page's fill of the latest document (None: not measured)."""
        self.layouts = 0
        """How many times WeasyPrint laid out the latest document (a galley of a few paragraphs
        counts too): 1 unless hyphenation, the balancing pass or a drawing asked for more."""
        self.tighter = False
        """Whether the latest document is the tighter setting (`_balanced`)."""
        for name in _WEASYPRINT_LOGGERS:  # its INFO progress lines are not the user's business
            logging.getLogger(name).setLevel(logging.WARNING)

    def warm_up(self) -> None:
        """Do now what the first document would do once: compile the page's templates and read the
        heading face's measures for the draft mark and the running heads."""
        self.html.compile_templates()
        fontmetrics.face(DEFAULT_HEADING_FONT)

    def render(self, brief: TailoredBrief) -> bytes:
        """Return the brief as PDF bytes.

        The page is laid out with placeholders of the figures' size and the drawings painted in
        their place (`_with_drawings`): the figures' SVG elements are then never styled by the
        page's CSS, which took time and changed nothing, and drawings a worker was
        promised (see `charts.using_drawings`) are waited for only when the layout is done.
        """
        fetcher, stylesheets = self._themed(brief.theme)
        theme = brief.theme
        logo_src = None
        if theme.logo is not None and theme.folder is not None:
            logo_src = (Path(theme.folder) / theme.logo.name).as_uri()  # served from the theme folder

        def layout(*looks: str, drawn: bool = False, whole: frozenset[str] = frozenset()) -> Laid:
            page = self.html.document(
                brief, inline_css=False, logo_src=logo_src, figure_placeholders=True, looks=looks
            )
            if drawn:  # the drawings in from the start, not their placeholders
                page = _inline_drawings(brief, page)[0]
            return self._hyphenated(brief, page, fetcher, stylesheets, whole)

        with _LAYOUT_LOCK:
            self.layouts, self.tighter = 0, False
            try:
                markup, document, whole = self._balanced(layout)
                if brief.figures:
                    charts.keep_promise()
                    markup, document, fits = self._with_drawings(brief, markup, document)
                    if not fits:  # a drawing of another size than its placeholder: set the page anew
                        markup, document, whole = self._balanced(partial(layout, drawn=True), whole)
                fills = page_fill(document)
                self.last_page = (len(fills), fills[-1]) if fills else None
                identifier = hashlib.sha256(markup.encode("utf-8")).hexdigest()[:32].encode("ascii")
                pdf = document.write_pdf(
                    pdf_variant=PDF_VARIANT, pdf_identifier=identifier, finisher=pdftags.finish
                )
            except RenderError:
                raise
            except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
                raise RenderError(f"could not lay out {brief.slug} as PDF: {exc}") from exc
        if not isinstance(pdf, bytes):
            raise RenderError(f"WeasyPrint returned no PDF for {brief.slug}")
        return pdf

    def render_report(self, report: ImplementationReport) -> bytes:
        """Return an implementation report as PDF bytes: tagged, on the briefs' pages.

        Its one chart is inline SVG from the start (no placeholder: no worker waits for it).
        """
        fetcher, stylesheets = self._themed(report.theme)
        theme = report.theme
        logo_src = None
        if theme.logo is not None and theme.folder is not None:
            logo_src = (Path(theme.folder) / theme.logo.name).as_uri()
        markup = self.html.report_document(report, inline_css=False, logo_src=logo_src)
        with _LAYOUT_LOCK:
            self.layouts, self.tighter, self.last_page = 0, False, None
            try:
                document = self._laid_out(markup, fetcher, stylesheets)
                identifier = hashlib.sha256(markup.encode("utf-8")).hexdigest()[:32].encode("ascii")
                pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier)
            except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
                raise RenderError(f"could not lay out {report.slug} as PDF: {exc}") from exc
        if not isinstance(pdf, bytes):
            raise RenderError(f"WeasyPrint returned no PDF for {report.slug}")
        return pdf

    def _balanced(self, layout: Any, whole: frozenset[str] = frozenset()) -> Laid:
        """Return the page laid out, and laid out again, a little tighter (`tight`), when its last
        page is less than `LAST_PAGE_MIN` full and the tighter setting saves that page.

        The tighter page starts with the words the first kept whole: its lines are as wide, so
        the same runs of hyphens would come back, each costing a layout to find again.
        """
        markup, document, whole = layout(whole=whole)
        laid_out: Any = None
        fills = page_fill(document) or []
        if len(fills) > 1 and fills[-1] < LAST_PAGE_MIN:
            tighter, laid_out, tighter_whole = layout("tight", whole=whole)
            if len(laid_out.pages) < len(document.pages):
                markup, document, whole = tighter, laid_out, tighter_whole
        self.tighter = document is laid_out
        return markup, document, whole

    def _laid_out(self, markup: str, fetcher: SafeFetcher, stylesheets: list[CSS]) -> Any:
        self.layouts += 1
        return HTML(string=markup, base_url=self.base_url, url_fetcher=fetcher).render(
            font_config=self.font_config,
            stylesheets=stylesheets,
            cache=self.image_cache,
            pdf_variant=PDF_VARIANT,
        )

    def _hyphenated(
        self,
        brief: TailoredBrief,
        markup: str,
        fetcher: SafeFetcher,
        stylesheets: list[CSS],
        whole: frozenset[str] = frozenset(),
    ) -> Laid:
        """Return the markup and its layout with never three hyphenated lines in a row, and the
        words kept whole for it (`whole`: words to keep whole from the start).

        The words are hyphenated by hand (soft hyphens, never in a name), and WeasyPrint, as it
        sets the lines, ends the line after two hyphenated ones between words
        (`engine.AT_MOST_TWO_HYPHENATED_LINES`): one layout. The page laid out is still read,
        and where it has a run all the same, the word that ends its third line is kept whole
        (`hyphenation`); keeping it whole moves the paragraph's later breaks, which may make
        another run: the paragraphs with runs are set alone (`_settled`) until they have none,
        and the page is laid out once more. A language that is not hyphenated is laid out once.
        """
        if brief.language.split("-")[0].lower() not in hyphenation.HYPHENATED:
            return markup, self._laid_out(markup, fetcher, stylesheets), whole
        markup = hyphenation.keep_whole(hyphenation.soft_hyphens(markup, brief.language), whole)
        document = self._laid_out(markup, fetcher, stylesheets)
        for _ in range(_HYPHENATION_PASSES):
            words, paragraphs = hyphenation.overruns(document)
            if not words:
                break
            settled = self._settled(markup, words, paragraphs, fetcher, stylesheets)
            whole |= settled
            markup = hyphenation.keep_whole(markup, settled)
            document = self._laid_out(markup, fetcher, stylesheets)
        return markup, document, whole

    def _settled(
        self,
        markup: str,
        words: set[str],
        paragraphs: set[hyphenation.Paragraph],
        fetcher: SafeFetcher,
        stylesheets: list[CSS],
    ) -> frozenset[str]:
        """Return `words` and every word that must also be kept whole for `paragraphs` to have no
        run of three hyphenated lines, found on a galley of those paragraphs alone."""
        whole = set(words)
        page = hyphenation.galley(hyphenation.keep_whole(markup, whole), paragraphs) if paragraphs else None
        if page is None:  # not found in the markup: the page itself is laid out again
            return frozenset(whole)
        for _ in range(_HYPHENATION_PASSES):
            more, _paragraphs = hyphenation.overruns(self._laid_out(page, fetcher, stylesheets))
            if not more - whole:
                break
            whole |= more
            page = hyphenation.keep_whole(page, more)
        return frozenset(whole)

    def _with_drawings(self, brief: TailoredBrief, markup: str, document: Any) -> tuple[str, Any, bool]:
        """Return the markup and the layout with the drawings where their placeholders are, and
        whether each drawing fitted its placeholder exactly.

        The markup is then the one with the drawings in from the start (its hash is the file's
        identifier), and the document the one laid out from it (tested, byte for byte); where a
        drawing does not fit, the caller lays the page out again from scratch.
        """
        markup, drawn, fits = _inline_drawings(brief, markup)
        if not drawn or (fits and replace_inline_svgs(document, drawn) == len(drawn)):
            return markup, document, True
        return markup, document, False

    def _themed(self, theme: Theme) -> tuple[SafeFetcher, list[CSS]]:
        """Return the fetcher and stylesheets for `theme`: the theme folder served, its CSS last."""
        if theme.folder is None or theme.is_default:
            return self.fetcher, [self.stylesheet]
        known = self._themes.get(theme)
        if known is None:
            folder = Path(theme.folder)
            fetcher = SafeFetcher(self.templates, also=(folder,))
            extra = CSS(
                string=theme_css(theme),
                base_url=folder.as_uri() + "/",  # url(...) in the theme's CSS names its own files
                url_fetcher=fetcher,
                font_config=self.font_config,
            )
            known = self._themes[theme] = (fetcher, [self.stylesheet, extra])
        return known


def _inline_drawings(brief: TailoredBrief, markup: str) -> tuple[str, dict[str, str], bool]:
    """Return the markup with each figure's drawing in place of its placeholder, the drawings by
    element id, and whether each drawing has exactly its placeholder's size."""
    drawn: dict[str, str] = {}
    fits = True
    for figure in brief.figures:
        stand_in = inlinesvg.placeholder(figure)
        if stand_in not in markup:  # not shown in this document
            continue
        drawing = inlinesvg.inline_svg(figure)
        fits = fits and drawing.startswith(stand_in.removesuffix("</svg>"))
        markup = markup.replace(stand_in, drawing)
        drawn[f"figure-{figure.number}-alt"] = drawing
    return markup, drawn, fits
