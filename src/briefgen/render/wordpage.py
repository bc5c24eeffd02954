"""Word: what stands around a brief's text on every page (headers, footers, letterhead, draft mark).

Page one has a header of its own: the theme's letterhead (logo and address) over the band with
the series on the left and the marking on the right. Every other page's header carries the
marking; a working draft says so in both, and across every page as Word's own watermark. The
foot of every page says "Title · Country", the marking and "Page N of M", as the PDF's page
margins do. `render.docx` writes the body; `render.stamp` adds a copy's line under the foot.
"""

from __future__ import annotations

from collections.abc import Mapping

from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.section import Section, _Footer
from docx.shared import Length, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from briefgen.document.model import TailoredBrief
from briefgen.document.report import ImplementationReport
from briefgen.document.words import fill, pieces
from briefgen.render import fontmetrics, ooxml
from briefgen.render.ooxml import xml_safe as _text
from briefgen.render.theme import DEFAULT_HEADING_FONT, LOGO_HEIGHT_MM, logo_png
from briefgen.render.wordreference import StyleBook

FOOTER_SHARES = (0.49, 0.33, 0.18)
"""The widths of a page foot's three boxes (title and country, marking, page number), as shares."""
DRAFT_COLOUR = "#a23b2a"
"""The draft mark's red, as print.css has it (the diagonal is this at 13% of its strength)."""
_DIAGONAL_TYPE_PT = 30.0
_DIAGONAL_MAX_PT = 620.0
"""About the diagonal of an A4 page's text block less a margin: a longer mark gets smaller type."""


def _text_width(section: Section) -> Length:
    return Length((section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0))


class PageFurniture:
    """Write the headers and footers of one brief's document."""

    def __init__(
        self,
        document: WordDocument,
        brief: TailoredBrief | ImplementationReport,
        styles: StyleBook,
        words: Mapping[str, str],
    ) -> None:
        self.doc = document
        self.brief = brief
        self.styles = styles
        self.words = words

    def write(self) -> None:
        """Put the marking in every page's header and "Page N of M" in every footer.

        Page one has a header of its own: the band that opens the title block, with the series
        on the left and the marking on the right.
        """
        brief = self.brief
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True

        band = section.first_page_header.paragraphs[0]
        self.letterhead(band)
        ooxml.set_paragraph_style(band, self.styles.id("Band"))
        band.add_run(_text(brief.series or ""))
        draft = self.words["draft"] if brief.draft else None
        # the marking on the right and a draft's words under it, as the PDF's band has them
        # (side by side, a long pair, as in Russian, wrapped under the series)
        for n, words in enumerate(w for w in (brief.marking, draft) if w):
            run = band.add_run()
            if n:
                run.add_break()
            run.add_text("\t" + _text(words))

        header = " · ".join(w for w in (brief.marking, draft) if w)
        if header:
            section.header.paragraphs[0].add_run(_text(header))
        if draft:  # across every page too, as the PDF has it, behind the text
            for number, page_header in enumerate((section.first_page_header, section.header), start=1):
                self.draft_diagonal(page_header.paragraphs[-1], draft, number)
        if brief.draft_translation:  # a draft translation says so on every page
            for page_header in (section.header, section.first_page_header):
                note = brief.draft_translation_note or self.words["draft_translation"]
                page_header.add_paragraph().add_run(_text(note)).bold = True

        # "Title · Country", the marking, "Page N of M": loose pages can be sorted and handled
        footer_words = fill(self.words["footer"], title=brief.title, country=brief.country_name)
        for footer in (section.footer, section.first_page_footer):
            self.footer_line(footer, footer_words)

    def footer_line(self, footer: _Footer, title_and_country: str) -> None:
        """Put the foot of a page in three boxes, as the PDF's page margins have them.

        The title and country on the left (wrapping onto a second line when they are long, as a
        Russian title is), the marking in the middle, "Page N of M" on the right: a borderless
        one-row table, so a long title never runs into the marking as text before a tab would.
        The footer's own paragraph stays below it, empty and 1 pt high (a footer ends with a
        paragraph). A copy's stamp is a row of its own under the boxes (`render.stamp`).
        """
        width = _text_width(self.doc.sections[0])
        line = footer.paragraphs[0]
        table = footer.add_table(rows=1, cols=3, width=width)
        ooxml.move_before(table, line)
        ooxml.flush_cells(table)
        boxes = (
            (FOOTER_SHARES[0], WD_ALIGN_PARAGRAPH.LEFT),
            (FOOTER_SHARES[1], WD_ALIGN_PARAGRAPH.CENTER),
            (FOOTER_SHARES[2], WD_ALIGN_PARAGRAPH.RIGHT),
        )
        paragraphs = []
        for column, cell, (share, alignment) in zip(table.columns, table.rows[0].cells, boxes, strict=True):
            box = Length(int(width * share))
            column.width = cell.width = box  # the grid's width and the cell's, as Word writes both
            paragraph = cell.paragraphs[0]
            ooxml.set_paragraph_style(paragraph, self.styles.id("Footer"))
            paragraph.alignment = alignment
            paragraphs.append(paragraph)
        left, middle, right = paragraphs
        left.add_run(_text(title_and_country))
        middle.add_run(_text(self.brief.marking or ""))
        self._page_of_pages(right)
        line.paragraph_format.space_before = line.paragraph_format.space_after = Pt(0)
        line.paragraph_format.line_spacing = Pt(1)

    def draft_diagonal(self, paragraph: WordParagraph, text: str, number: int) -> None:
        """Put the draft mark across the page from the header that `paragraph` ends.

        Word stretches a watermark's text to its box, always on one line, so the box takes the
        text's own proportions: its width in the heading face (`fontmetrics`, the PDF's measure)
        at 30 pt (the PDF's diagonal is at most 34 pt type), and never wider than the diagonal of
        a page's text block: a long translation gets smaller letters of the same shape.
        """
        font = self.brief.theme.heading_font or DEFAULT_HEADING_FONT
        em = fontmetrics.width_em(text, font) or 1.0
        height = min(_DIAGONAL_TYPE_PT, _DIAGONAL_MAX_PT / em)
        width = em * height
        ooxml.add_watermark(
            paragraph, text, number=number, font=font, colour=DRAFT_COLOUR, width_pt=width, height_pt=height
        )

    def letterhead(self, band: WordParagraph) -> None:
        """Put the theme's logo and the organisation's address above page one's band.

        A borderless two-cell table, the form Word letterheads take: the logo left, the
        address right.
        """
        theme = self.brief.theme
        if theme.logo is None and not theme.organisation:
            return
        section = self.doc.sections[0]
        table = section.first_page_header.add_table(rows=1, cols=2, width=_text_width(section))
        ooxml.move_before(table, band)
        ooxml.flush_cells(table)
        logo_cell, address_cell = table.rows[0].cells
        if theme.logo is not None:
            picture = logo_cell.paragraphs[0]
            ooxml.set_paragraph_style(picture, self.styles.id("Header"))
            picture.alignment = WD_ALIGN_PARAGRAPH.LEFT  # the Header style centres the marking
            picture.paragraph_format.space_after = Mm(2)
            # described as the page's letterhead describes it: by the organisation's name
            alt = theme.organisation[0] if theme.organisation else self.brief.organisation
            ooxml.add_picture(picture, logo_png(theme.logo), None, alt, height=Mm(LOGO_HEIGHT_MM))
        for n, line in enumerate(theme.organisation):
            paragraph = address_cell.paragraphs[0] if n == 0 else address_cell.add_paragraph()
            ooxml.set_paragraph_style(paragraph, self.styles.id("Header"))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(_text(line))
            run.bold = n == 0
            ooxml.plain_letters(run)  # the Header style's spaced small caps suit a marking, not an address

    def _page_of_pages(self, paragraph: WordParagraph) -> None:
        fields = {"page": "PAGE", "pages": "NUMPAGES"}
        for text, slot in pieces(self.words["page"]):
            if slot is None:
                paragraph.add_run(text)
            elif slot in fields:
                ooxml.add_field(paragraph, fields[slot])


def line_under_foot(footer: _Footer) -> WordParagraph:
    """Return a new, empty line under the foot that `PageFurniture` wrote in `footer`.

    It is a row of its own under the three boxes, spanning them: LibreOffice shows no paragraph
    that follows a table in a footer. A footer without the boxes gets a paragraph at its end.
    """
    if not footer.tables:
        return footer.add_paragraph()
    row = footer.tables[-1].add_row()
    cell: _Cell = row.cells[0].merge(row.cells[-1])
    for extra in cell.paragraphs[1:]:
        ooxml.drop_paragraph(extra)
    line: WordParagraph = cell.paragraphs[0]
    return line
