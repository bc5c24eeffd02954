"""Word: one government's brief as a DOCX built on the style reference in templates/.

The look (page, fonts, sizes, spacing, colours, list numbering, the profile table's rules) lives
in `templates/reference.docx`; this module only says which named style each part of a brief
takes, so an office restyles every brief by editing that one file. The raw XML python-docx has
no API for (footnotes, fields, list restarts, repeating header rows) is `briefgen.render.ooxml`'s;
what stands around the text on every page (headers, footers, letterhead, draft mark) is
`briefgen.render.wordpage`'s.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from docx import Document
from docx.document import Document as WordDocument
from docx.shared import Cm, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

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
    Strong,
    Table,
    Text,
)
from briefgen.document.model import ProfileRow, TailoredBrief, TailoredRecommendation, source_notes
from briefgen.document.outline import Part, outline
from briefgen.document.words import fill, words
from briefgen.render import ooxml, templates_dir
from briefgen.render.wordpage import PageFurniture
from briefgen.render.wordreference import StyleBook, StyleReferences

REFERENCE_DOCX = "reference.docx"
"""The style reference, under the templates folder."""

FOOTNOTE_STYLE = "footnote text"  # Word's internal name of its built-in "Footnote Text"
PROFILE_COLUMNS = (0.58, 0.28, 0.14)
"""Shares of the text width for the profile table's fact, value and year columns."""
FIGURE_WIDTH_CM = 16.0
"""Width of a figure in Word (LOOK.md)."""
NUMBER_INDENT = Twips(567)
"""Where a recommendation's title starts, after its large number (10 mm)."""

# Word and LibreOffice choose CJK fonts and line breaking by region-qualified tags.
_WORD_LANGUAGE = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
_PAGE_LOCATOR = re.compile(r"\b(pp?)\. (?=\w)")


@dataclass(frozen=True)
class _Look:
    """The character formatting that nesting in the document tree adds up to."""

    italic: bool = False
    bold: bool = False
    style: str | None = None
    in_footnote: bool = False


class DocxRenderer:
    """Render a tailored brief as a Word document."""

    format: ClassVar[str] = "docx"

    def __init__(self, reference: Path | None = None) -> None:
        path = reference if reference is not None else templates_dir() / REFERENCE_DOCX
        self._references = StyleReferences(reading.read_file(path, reading.TEMPLATE, within=path.parent))

    def render(self, brief: TailoredBrief) -> bytes:
        """Return the DOCX file for `brief`: the same brief gives the same bytes."""
        reference, styles = self._references.for_theme(brief.theme)
        document = Document(io.BytesIO(reference))
        _BriefWriter(document, brief, styles).write()
        buffer = io.BytesIO()
        document.save(buffer)
        return ooxml.normalise_package(buffer.getvalue())


def _text(value: str) -> str:
    """Return data text as the document may hold it (XML-forbidden control characters dropped)."""
    return ooxml.xml_safe(value)


class _BriefWriter:
    """Write one brief into a fresh copy of the reference document, top to bottom."""

    def __init__(self, document: WordDocument, brief: TailoredBrief, styles: StyleBook) -> None:
        self.doc = document
        self.brief = brief
        self.styles = styles
        self.words: Mapping[str, str] = words(brief.language)
        self.container: ooxml.BlockContainer = document
        """Where paragraphs go: the body, or the cell of a box."""

    def write(self) -> None:
        ooxml.clear_body(self.doc)
        ooxml.set_default_language(self.doc, self.brief.language)
        self.properties()
        PageFurniture(self.doc, self.brief, self.styles, self.words).write()
        parts: Mapping[Part, Callable[[], None]] = {
            "title": self.title_block,
            "changes": self.changes,
            "summary": self.summary,
            "profile": self.profile,
            "analysis": self.analysis,
            "recommendations": self.recommendations,
            "references": self.references,
        }
        for part in outline(self.brief):
            parts[part]()

    # --- the parts of a brief, in reading order ---------------------------------------------------

    def properties(self) -> None:
        brief = self.brief
        props = self.doc.core_properties
        props.title = _text(brief.title)
        props.subject = _text(brief.prepared_for)
        props.author = _text(brief.organisation)
        props.last_modified_by = _text(brief.organisation)
        props.language = _text(brief.language)
        edition = fill(self.words["edition"], edition=brief.edition)
        props.keywords = _text("; ".join([brief.country_name, brief.country, brief.brief_id, edition]))
        props.identifier = _text(brief.slug)
        if brief.series:
            props.category = _text(brief.series)
        status = [brief.marking] if brief.marking else []
        if brief.draft:  # a working build says so in its properties too
            status.append(self.words["draft"])
            props.title = _text(f"{brief.title} ({self.words['draft']})")
        if status:
            props.content_status = _text(" · ".join(status))
        if brief.subtitle:
            props.comments = _text(brief.subtitle)
        # Dated by the brief, never by the clock, so the same brief gives the same bytes.
        midnight = dt.datetime.combine(brief.date, dt.time(), tzinfo=dt.UTC)
        props.created = midnight
        props.modified = midnight

    def title_block(self) -> None:
        brief = self.brief
        self.plain("Title", brief.title)
        if brief.subtitle:
            self.plain("Subtitle", brief.subtitle)
        self.plain("Prepared For", brief.prepared_for)
        meta = [brief.organisation, brief.date_text, fill(self.words["edition"], edition=brief.edition)]
        if not brief.scenario_is_default and brief.scenario_label:
            meta.append(fill(self.words["scenario"], scenario=brief.scenario_label))
        self.plain("Metadata", " · ".join(meta))
        if brief.authors:
            self.plain("Metadata", ", ".join(brief.authors))

    def changes(self) -> None:
        """From edition 2 on: what changed in this country's brief, up front for those who hold it."""
        changes = self.brief.changes
        assert changes is not None  # the outline shows this part only when there are changes
        # A box, as in print: a one-cell table, the form Word users know for a boxed note.
        box = self.doc.add_table(rows=1, cols=1)
        box.style = self.doc.styles["Changes Box"]
        cell = box.rows[0].cells[0]
        self.container = cell
        try:
            self.plain("Box Heading", fill(self.words["changes"], edition=changes.edition))
            ooxml.drop_paragraph(cell.paragraphs[0])  # a new cell's own empty paragraph
            if changes.lines:
                items = tuple((Paragraph((Text(line),)),) for line in changes.lines)
                self.blocks((BulletList(items),), "Box Text")
            else:
                self.plain("Box Text", fill(self.words["no_changes"], edition=changes.edition))
        finally:
            self.container = self.doc

    def summary(self) -> None:
        self.plain("Heading 1", self.words["summary"])
        self.blocks(self.brief.summary.blocks, "Summary")

    def profile(self) -> None:
        brief = self.brief
        self.plain("Heading 1", fill(self.words["at_a_glance"], country=brief.country_name))
        if brief.profile:
            self.profile_table(brief.profile)
        if brief.highlights:
            self.label_line(self.words["highlights"])
            self.blocks((BulletList(tuple(h.blocks for h in brief.highlights)),))
        self.figures("profile")

    def figures(self, place: str) -> None:
        """Write the figures that stand at `place`: caption, the PNG (16 cm wide, described), source."""
        for figure in self.brief.figures:
            if figure.place != place:
                continue
            from briefgen.render import charts  # matplotlib loads only where a brief has figures

            caption = self.paragraph("Caption")
            self.run(caption, figure.label + " ", "Label Inline")
            self.run(caption, figure.title)
            ooxml.add_picture(self.paragraph("Figure"), charts.png(figure), Cm(FIGURE_WIDTH_CM), figure.alt)
            notes = self.paragraph("Table Source")
            self.run(notes, figure.source_label + " ", "Label Inline")
            self.run(notes, "; ".join(figure.source_names) + ".")

    def profile_table(self, rows: tuple[ProfileRow, ...]) -> None:
        """Write fact, value and year, each row's source a letter; the sources in small type under it.

        The same design as print: a compact table, each source named once.
        """
        words = self.words
        marked, sources = source_notes(rows)
        section = self.doc.sections[0]
        text_width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        widths = [int(text_width * share) for share in PROFILE_COLUMNS]
        table = self.doc.add_table(rows=1, cols=len(widths))
        table.style = self.doc.styles["Profile Table"]
        table.autofit = False

        header = table.rows[0]
        ooxml.repeat_as_header_row(header)
        ooxml.keep_row_on_one_page(header)
        heads = (words["fact"], words["value"], words["year"])
        for cell, word in zip(header.cells, heads, strict=True):
            self._cell(cell, "Table Heading", word)
        for row, letter in marked:
            added = table.add_row()
            ooxml.keep_row_on_one_page(added)
            year = str(row.year) if row.year is not None else ""
            fact, value, year_cell = added.cells
            self._cell(fact, "Table Text", row.label)
            if letter:
                self.run(fact.paragraphs[0], letter, "Source Mark")
            self._cell(value, "Table Text", row.value)
            self._cell(year_cell, "Table Text", year)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width
        if sources:
            notes = self.paragraph("Table Source")
            self.run(notes, words["sources"] + " ", "Label Inline")
            for n, (letter, source) in enumerate(sources):
                self.run(notes, letter, "Source Mark")
                self.run(notes, "\u200a" + source + ("; " if n < len(sources) - 1 else "."))

    def _cell(self, cell: _Cell, style: str, text: str) -> None:
        paragraph = cell.paragraphs[0]
        ooxml.set_paragraph_style(paragraph, self.styles.id(style))
        if text:
            paragraph.add_run(_text(text))

    def analysis(self) -> None:
        for heading, body in self.brief.sections:
            self.plain("Heading 1", heading)
            self.blocks(body.blocks)
            self.figures(heading)

    def recommendations(self) -> None:
        self.plain("Heading 1", self.words["recommendations"])
        for rec in self.brief.recommendations:
            self.recommendation(rec)

    def recommendation(self, rec: TailoredRecommendation) -> None:
        """Write one recommendation as a card whose heading never ends a page."""
        words = self.words
        heading = self.paragraph("Heading 2")
        heading.paragraph_format.left_indent = NUMBER_INDENT
        heading.paragraph_format.first_line_indent = -NUMBER_INDENT
        self.run(heading, str(rec.number), "Heading Number")
        heading.add_run("\t")
        self.inlines(heading, rec.title.inlines(), "Heading 2")

        meta: list[tuple[str, str]] = []
        if rec.horizon:
            meta.append((words["horizon"], rec.horizon))
        if rec.institutions:
            meta.append((words["addressed_to"], "; ".join(rec.institutions)))
        if meta:
            line = self.paragraph("Metadata")
            line.paragraph_format.keep_with_next = True
            for n, (label, value) in enumerate(meta):
                self.run(line, ("\u2003" if n else "") + label + " ", "Label Inline")
                self.run(line, value)

        self.label_line(words["when"])
        self.blocks(rec.trigger.blocks)
        if rec.applies_because:
            self.plain("Normal", rec.applies_because)
        if rec.watch:
            self.label_line(words["watch"])
            self.blocks((BulletList(tuple(w.blocks for w in rec.watch)),))

        self.label_line(words["what"])
        self.blocks(rec.action.blocks)
        if rec.steps:
            self.blocks((NumberedList(tuple(s.blocks for s in rec.steps)),))

        if rec.rationale is not None:
            self.label_line(words["why"])
            self.blocks(rec.rationale.blocks)

        if rec.evidence:
            self.label_line(words["evidence"])
            self.blocks((BulletList(tuple((Paragraph(item.cited()),) for item in rec.evidence)),))

        if rec.country_note is not None:
            opening = self.paragraph("Country Note")
            opening.paragraph_format.keep_with_next = True
            self.run(opening, fill(words["for_country"], country=self.brief.country_name), "Label")
            self.blocks(rec.country_note.blocks, "Country Note")

    def references(self) -> None:
        self.plain("Heading 1", self.words["references"])
        for reference in self.brief.references:
            self.inlines(self.paragraph("Reference"), reference.entry, "Reference")

    # --- building blocks --------------------------------------------------------------------------

    def paragraph(self, style: str) -> WordParagraph:
        """Append an empty paragraph in `style`."""
        paragraph = self.container.add_paragraph()
        ooxml.set_paragraph_style(paragraph, self.styles.id(style))
        return paragraph

    def plain(self, style: str, text: str) -> WordParagraph:
        """Append a paragraph of plain text in `style`."""
        paragraph = self.paragraph(style)
        self.run(paragraph, text)
        return paragraph

    def run(self, target: ooxml.RunContainer, text: str, style: str | None = None) -> Run | None:
        """Append a run of data text (in character style `style`); nothing if no text is left."""
        text = _text(text)
        if not text:
            return None
        run = target.add_run(text)
        if style:
            ooxml.set_run_style(run, self.styles.id(style))
        return run

    def label_line(self, words: str) -> None:
        self.run(self.paragraph("Label Line"), words, "Label")

    def blocks(self, blocks: Iterable[Block], style: str = "Normal", depth: int = 0) -> None:
        """Append paragraphs in `style`, and lists in the list styles, nested `depth` deep."""
        for block in blocks:
            if isinstance(block, Paragraph):
                self.inlines(self.paragraph(style), block.children, style)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, NumberedList):
                num = ooxml.restart_numbering(self.doc, "List Number", block.start, depth)
                for item in block.items:
                    self._list_item(item, "List Number", num, depth)
            else:
                bullets = ooxml.style_numbering(self.doc.styles["List Bullet"]) if depth else None
                for item in block.items:
                    self._list_item(item, "List Bullet", bullets, depth)

    def table(self, block: Table) -> None:
        """Write a table from the text in the profile table's style, its header row repeating."""
        columns = max([len(block.header), *(len(row) for row in block.rows)])
        rows = ((block.header,) if block.header else ()) + block.rows
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = self.doc.styles["Profile Table"]
        for n, (cells, row) in enumerate(zip(rows, table.rows, strict=True)):
            heading = n == 0 and bool(block.header)
            if heading:
                ooxml.repeat_as_header_row(row)
            ooxml.keep_row_on_one_page(row)
            for cell, content in zip(row.cells, cells, strict=False):
                paragraph = cell.paragraphs[0]
                style = "Table Heading" if heading else "Table Text"
                ooxml.set_paragraph_style(paragraph, self.styles.id(style))
                self.inlines(paragraph, content, style)

    def _list_item(self, item: tuple[Block, ...], style: str, num: int | None, depth: int) -> None:
        first = True
        for block in item:
            if not isinstance(block, Paragraph):
                self.blocks((block,), depth=depth + 1)
                continue
            paragraph = self.paragraph(style if first else "List Continue")
            if first and num is not None:
                ooxml.set_numbering(paragraph, num, depth)
            elif not first and depth:
                indent = self.doc.styles["List Continue"].paragraph_format.left_indent or 0
                paragraph.paragraph_format.left_indent = indent * (depth + 1)
            self.inlines(paragraph, block.children, style)
            first = False

    def inlines(
        self,
        paragraph: WordParagraph,
        children: Iterable[Inline],
        style: str,
        look: _Look = _Look(),
        into: ooxml.RunContainer | None = None,
    ) -> None:
        """Append inline content to `paragraph` (of style `style`), or `into` a link inside it."""
        target = into if into is not None else paragraph
        for child in children:
            if isinstance(child, Text):
                run = self._formatted(target, child.text, look)
                if run is not None and child.lang:
                    language = _WORD_LANGUAGE.get(child.lang, child.lang)
                    ooxml.mark_east_asian(run, language, self.styles.cjk_font(style))
            elif isinstance(child, Emphasis):
                self.inlines(paragraph, child.children, style, replace(look, italic=True), into)
            elif isinstance(child, Strong):
                self.inlines(paragraph, child.children, style, replace(look, bold=True), into)
            elif isinstance(child, Code):
                self._formatted(target, child.text, replace(look, style="Code"))
            elif isinstance(child, LineBreak):
                target.add_run().add_break()
            elif isinstance(child, Link):
                link = ooxml.add_hyperlink(paragraph, _text(child.href))
                self.inlines(paragraph, child.children, style, replace(look, style="Hyperlink"), link)
            elif isinstance(child, Citation):
                self._formatted(target, f"({_citation_text(child)})", look)
            elif isinstance(child, Footnote):
                if look.in_footnote:  # Word has no notes inside notes: say it in brackets
                    self._formatted(target, " (", look)
                    self.inlines(paragraph, child.children, style, look, into)
                    self._formatted(target, ")", look)
                else:
                    note = ooxml.add_footnote(paragraph, self.doc)
                    self.inlines(note, child.children, FOOTNOTE_STYLE, _Look(in_footnote=True))

    def _formatted(self, target: ooxml.RunContainer, text: str, look: _Look) -> Run | None:
        run = self.run(target, text, look.style)
        if run is not None and look.italic:
            run.italic = True
        if run is not None and look.bold:
            run.bold = True
        return run


def _citation_text(citation: Citation) -> str:
    """Return "Chen, 2020, p.\u00a03": the locator never parted from its number by a line end."""
    text = citation.text or "; ".join(item.key for item in citation.items)
    return _PAGE_LOCATOR.sub(lambda m: f"{m.group(1)}.\u00a0", text)
