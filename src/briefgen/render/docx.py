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
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.xmlchemy import BaseOxmlElement
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
    RichText,
    Strong,
    Table,
    Text,
)
from briefgen.document.model import (
    ChangeLine,
    ProfileRow,
    Progress,
    TailoredBrief,
    TailoredRecommendation,
    source_notes,
)
from briefgen.document.outline import Part, card, changes_split, outline
from briefgen.document.report import ImplementationReport, ReportAssessment, ReportCountry, StatusChart
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

    def render_report(self, report: ImplementationReport) -> bytes:
        """Return an implementation report as a Word document, on the briefs' styles and pages."""
        reference, styles = self._references.for_theme(report.theme)
        document = Document(io.BytesIO(reference))
        _ReportWriter(document, report, styles).write()
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
        self.anchors = ooxml.Anchors()

    def write(self) -> None:
        ooxml.clear_body(self.doc)
        ooxml.set_default_language(self.doc, self.brief.language)
        self.properties()
        PageFurniture(self.doc, self.brief, self.styles, self.words).write()
        parts: Mapping[Part, Callable[[], None]] = {
            "title": self.title_block,
            "changes": self.changes,
            "changes_continued": self.changes_continued,
            "summary": self.summary,
            "profile": self.profile,
            "analysis": self.analysis,
            "recommendations": self.recommendations,
            "references": self.references,
        }
        for part in outline(self.brief):
            parts[part]()
        self.source_map()

    def source_map(self) -> None:
        """Say, in the document, which source field each anchor names (what `review` reads back)."""
        brief = self.brief
        attributes = {
            "brief": brief.brief_id,
            "edition": str(brief.edition),
            "language": brief.language,
            "country": brief.country,
            "draft": "true" if brief.draft else "false",
        }
        if brief.scenario:
            attributes["scenario"] = brief.scenario
        known = {f.key: f for f in brief.fields}
        fields = []
        for name, key in self.anchors.placed:
            entry = {"anchor": name, "key": key}
            field = known.get(key)
            if field is not None:
                entry.update(digest=field.digest, shape=field.shape)
                if field.translated is not None:
                    entry["translated"] = "true" if field.translated else "false"
                if field.english:
                    entry["english"] = field.english
            fields.append(entry)
        ooxml.write_source_map(self.doc, attributes, fields)

    @contextmanager
    def anchored(self, key: str | None, paragraph: WordParagraph | None = None) -> Iterator[None]:
        """Anchor what is written inside the block as the text of field `key` (nothing if None).

        With `paragraph`, the runs added to it; otherwise the paragraphs added where paragraphs go.
        """
        if key is None:
            yield
            return
        element = paragraph._p if paragraph is not None else _element_of(self.container)
        mark = self.anchors.mark(element)
        yield
        self.anchors.wrap(element, mark, key)

    # --- the parts of a brief, in reading order ---------------------------------------------------

    def properties(self) -> None:
        brief = self.brief
        props = self.doc.core_properties
        props.title = _text(brief.title)
        props.subject = _text(brief.prepared_for)
        props.author = _text(brief.author)
        props.last_modified_by = _text(brief.author)
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
        # Dated by the edition, never by the clock, so the same brief gives the same bytes.
        midnight = dt.datetime.combine(brief.date, dt.time(), tzinfo=dt.UTC)
        props.created = midnight
        props.modified = midnight

    def title_block(self) -> None:
        brief = self.brief
        self.plain("Title", brief.title, brief.title_origin)
        if brief.subtitle:
            self.plain("Subtitle", brief.subtitle, brief.subtitle_origin)
        self.plain("Prepared For", brief.prepared_for)
        meta = [brief.organisation, fill(self.words["edition"], edition=brief.edition), brief.date_text]
        if not brief.scenario_is_default and brief.scenario_label:
            meta.append(fill(self.words["scenario"], scenario=brief.scenario_label))
        self.plain("Metadata", " · ".join(meta))
        if brief.analysis_date_text:
            self.plain("Metadata", fill(self.words["analysis_date"], date=brief.analysis_date_text))
        if brief.authors:
            self.plain("Metadata", ", ".join(brief.authors))

    def changes(self) -> None:
        """From edition 2 on: what changed in this country's brief, up front for those who hold it."""
        changes = self.brief.changes
        assert changes is not None  # the outline shows this part only when there are changes
        boxed, more = changes_split(changes)
        if boxed:
            self._changes_box(self.words["changes"], boxed, self.words["changes_more"] if more else None)
        else:
            self._changes_box(
                self.words["changes"], (), fill(self.words["no_changes"], edition=changes.edition)
            )

    def changes_continued(self) -> None:
        """Write the changes that did not fit the box on page one, where the recommendations start."""
        changes = self.brief.changes
        assert changes is not None
        self._changes_box(self.words["changes_continued"], changes_split(changes)[1], None)

    def _changes_box(self, heading: str, items: Iterable[ChangeLine], note: str | None) -> None:
        """Write a box of change lines: a one-cell table, the form Word users know for a boxed note."""
        changes = self.brief.changes
        assert changes is not None
        box = self.doc.add_table(rows=1, cols=1)
        box.style = self.doc.styles["Changes Box"]
        cell = box.rows[0].cells[0]
        self.container = cell
        try:
            self.plain("Box Heading", fill(heading, edition=changes.edition))
            ooxml.drop_paragraph(cell.paragraphs[0])  # a new cell's own empty paragraph
            lines = tuple((Paragraph((Text(item.text),)),) for item in items)
            if lines:
                self.blocks((BulletList(lines),), "Box Text")
            if note:
                self.plain("Box Text", note)
        finally:
            self.container = self.doc

    def summary(self) -> None:
        self.plain("Heading 1", self.words["summary"])
        self.text(self.brief.summary, "Summary")

    def profile(self) -> None:
        brief = self.brief
        self.plain("Heading 1", fill(self.words["at_a_glance"], country=brief.country_name))
        if brief.profile:
            self.profile_table(brief.profile)
        if brief.highlights:
            self.label_line(self.words["highlights"])
            self.items("List Bullet", brief.highlights)
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
        marked, sources = source_notes(rows, self.brief.language)
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
            self._cell(fact, "Table Text", row.label, row.label_origin)
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
                self.run(notes, "\u202f" + source + ("; " if n < len(sources) - 1 else "."))

    def _cell(self, cell: _Cell, style: str, text: str, origin: str | None = None) -> None:
        paragraph = cell.paragraphs[0]
        ooxml.set_paragraph_style(paragraph, self.styles.id(style))
        if text:
            with self.anchored(origin, paragraph):
                paragraph.add_run(_text(text))

    def analysis(self) -> None:
        origins = self.brief.section_origins or (None,) * len(self.brief.sections)
        for (heading, body), origin in zip(self.brief.sections, origins, strict=True):
            self.plain("Heading 1", heading, origin)
            self.text(body)
            self.figures(heading)

    def recommendations(self) -> None:
        self.plain("Heading 1", self.words["recommendations"])
        for rec in self.brief.recommendations:
            self.recommendation(rec)

    def recommendation(self, rec: TailoredRecommendation) -> None:
        """Write one recommendation as a card whose heading never ends a page, part by part."""
        for part in card(rec):
            getattr(self, f"card_{part}")(rec)

    def card_heading(self, rec: TailoredRecommendation) -> None:
        heading = self.paragraph("Heading 2")
        heading.paragraph_format.left_indent = NUMBER_INDENT
        heading.paragraph_format.first_line_indent = -NUMBER_INDENT
        self.run(heading, str(rec.number), "Heading Number")
        heading.add_run("\t")
        with self.anchored(_origin(rec.title), heading):
            self.inlines(heading, rec.title.inlines(), "Heading 2")

    def card_meta(self, rec: TailoredRecommendation) -> None:
        meta: list[tuple[str, str]] = []
        if rec.horizon:
            meta.append((self.words["horizon"], rec.horizon))
        if rec.institutions:
            meta.append((self.words["addressed_to"], "; ".join(rec.institutions)))
        line = self.paragraph("Metadata")
        line.paragraph_format.keep_with_next = True
        for n, (label, value) in enumerate(meta):
            self.run(line, ("\u2003" if n else "") + label + " ", "Label Inline")
            self.run(line, value)

    def card_progress(self, rec: TailoredRecommendation) -> None:
        assert rec.progress is not None  # the card shows this part only when there is one
        self.progress(rec.progress)

    def card_when(self, rec: TailoredRecommendation) -> None:
        self.label_line(self.words["when"])
        self.text(rec.trigger)
        if rec.applies_because:
            self.plain("Normal", rec.applies_because)

    def card_watch(self, rec: TailoredRecommendation) -> None:
        self.label_line(self.words["watch"])
        self.items("List Bullet", rec.watch)

    def card_what(self, rec: TailoredRecommendation) -> None:
        self.label_line(self.words["what"])
        self.text(rec.action)
        if rec.steps:
            self.items("List Number", rec.steps)

    def card_why(self, rec: TailoredRecommendation) -> None:
        assert rec.rationale is not None  # the card shows this part only when there is one
        self.label_line(self.words["why"])
        self.text(rec.rationale)

    def card_evidence(self, rec: TailoredRecommendation) -> None:
        self.label_line(self.words["evidence"])
        for item in rec.evidence:  # the claim is the field; its citation and stop are not
            paragraph = self.paragraph("List Bullet")
            claim, tail = item.parts()
            with self.anchored(_origin(item.claim), paragraph):
                self.inlines(paragraph, claim, "List Bullet")
            self.inlines(paragraph, tail, "List Bullet")

    def card_country_note(self, rec: TailoredRecommendation) -> None:
        assert rec.country_note is not None  # the card shows this part only when there is one
        opening = self.paragraph("Country Note")
        opening.paragraph_format.keep_with_next = True
        self.run(opening, fill(self.words["for_country"], country=self.brief.country_name), "Label")
        self.text(rec.country_note, "Country Note")

    def progress(self, progress: Progress) -> None:
        """Write the follow-up line: the status and its month in bold, then the first sentence, cited."""
        line = self.paragraph("Normal")
        line.paragraph_format.keep_with_next = True
        self.run(line, self.words["progress"] + " ", "Label Inline")
        key = "progress_status_illustrative" if progress.illustrative else "progress_status"
        status = self.run(line, fill(self.words[key], status=progress.label, date=progress.date_text))
        if status is not None:
            status.bold = True
        self.run(line, " · ")
        self.inlines(line, progress.text, "Normal")

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

    def plain(self, style: str, text: str, origin: str | None = None) -> WordParagraph:
        """Append a paragraph of plain text in `style` (anchored as field `origin`'s, if given)."""
        paragraph = self.paragraph(style)
        with self.anchored(origin, paragraph):
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

    def text(self, text: RichText, style: str = "Normal") -> None:
        """Append a text's paragraphs in `style`, each field's paragraphs anchored as its own."""
        for origin, blocks in text.by_field():
            with self.anchored(origin):
                self.blocks(blocks, style)

    def items(self, style: str, texts: Iterable[RichText]) -> None:
        """Append a list in `style` (List Number counts from 1), one item a text, each anchored."""
        num = ooxml.restart_numbering(self.doc, style) if style == "List Number" else None
        for text in texts:
            with self.anchored(_origin(text)):
                self._list_item(text.blocks, style, num, 0)

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


def _element_of(container: ooxml.BlockContainer) -> BaseOxmlElement:
    """Return the XML element paragraphs are added to: the body's, or a table cell's."""
    if isinstance(container, _Cell):
        return container._tc
    body: BaseOxmlElement = container.element.body  # type: ignore[attr-defined]
    return body


def _origin(text: RichText) -> str | None:
    """Return the one field a text comes from, if it comes from one."""
    found = set(text.origins)
    return found.pop() if len(found) == 1 else None


def _citation_text(citation: Citation) -> str:
    """Return "Chen, 2020, p.\u00a03": the locator never parted from its number by a line end."""
    text = citation.text or "; ".join(item.key for item in citation.items)
    return _PAGE_LOCATOR.sub(lambda m: f"{m.group(1)}.\u00a0", text)


# --- what a Word brief shows of each source field, as `review` reads it back ------------------------

PARAGRAPH_BREAK = "\n\n"
"""Between two paragraphs of one field, as its text is read back (Markdown's own separator)."""


def shown_text(text: RichText | tuple[Inline, ...] | str) -> str:
    """Return what the DOCX shows of a text as its anchor holds it, read back as plain text.

    Paragraphs (list items and table cells too) are separated by a blank line, a footnote is
    `^[…]` where its mark stands, a citation reads as printed: "(Chen, 2020, p. 3)". `review`
    compares a reviewer's file with it, and checks an edit carried into the sources by it.
    """
    if isinstance(text, str):
        return _text(text)
    if isinstance(text, RichText):
        paragraphs: list[str] = []
        _shown_blocks(text.blocks, paragraphs)
        return PARAGRAPH_BREAK.join(paragraphs).strip("\n")
    return _shown_inlines(text, False)


def field_texts(brief: TailoredBrief) -> dict[str, str]:
    """Return, for each source field a brief's DOCX anchors, the text it shows (as `shown_text`).

    Walks the brief as the writer does, part by part; a test holds the two together.
    """
    out: dict[str, str] = {}

    def add(key: str | None, text: RichText | tuple[Inline, ...] | str) -> None:
        if key is not None:
            out.setdefault(key, shown_text(text))

    def rich(text: RichText) -> None:
        for origin, blocks in text.by_field():
            add(origin, RichText(blocks))

    add(brief.title_origin, brief.title)
    if brief.subtitle:
        add(brief.subtitle_origin, brief.subtitle)
    rich(brief.summary)
    for row in brief.profile:
        add(row.label_origin, row.label)
    for highlight in brief.highlights:
        rich(highlight)
    origins = brief.section_origins or (None,) * len(brief.sections)
    for (heading, body), origin in zip(brief.sections, origins, strict=True):
        add(origin, heading)
        rich(body)
    for rec in brief.recommendations:
        add(_origin(rec.title), rec.title.inlines())
        for text in (rec.trigger, *rec.watch, rec.action, *rec.steps, rec.rationale, rec.country_note):
            if text is not None:
                rich(text)
        for item in rec.evidence:
            add(_origin(item.claim), item.parts()[0])
    return out


def _shown_blocks(blocks: Iterable[Block], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(_shown_inlines(block.children, False))
        elif isinstance(block, Table):
            for row in ((block.header,) if block.header else ()) + block.rows:
                columns = max([len(block.header), *(len(r) for r in block.rows)])
                cells = list(row) + [()] * (columns - len(row))
                out.extend(_shown_inlines(cell, False) for cell in cells)
        else:
            for item in block.items:
                _shown_blocks(item, out)


def _shown_inlines(children: Iterable[Inline], in_footnote: bool) -> str:
    out = []
    for child in children:
        if isinstance(child, Text | Code):
            out.append(_text(child.text))
        elif isinstance(child, Emphasis | Strong | Link):
            out.append(_shown_inlines(child.children, in_footnote))
        elif isinstance(child, LineBreak):
            out.append("\n")
        elif isinstance(child, Citation):
            out.append(_text(f"({_citation_text(child)})"))
        elif isinstance(child, Footnote):
            inner = _shown_inlines(child.children, True)
            out.append(f" ({inner})" if in_footnote else f"^[{inner}]")
    return "".join(out)


class _ReportWriter(_BriefWriter):
    """Write an implementation report with the brief writer's building blocks and page furniture."""

    def __init__(self, document: WordDocument, report: ImplementationReport, styles: StyleBook) -> None:
        self.doc = document
        self.report = report
        self.styles = styles
        self.words = words(report.language)
        self.container = document

    def write(self) -> None:
        report = self.report
        ooxml.clear_body(self.doc)
        ooxml.set_default_language(self.doc, report.language)
        self.report_properties()
        PageFurniture(self.doc, report, self.styles, self.words).write()
        self.plain("Title", report.title)
        self.plain("Subtitle", report.subtitle)
        meta = [report.organisation, report.as_of, fill(self.words["edition"], edition=report.edition)]
        self.plain("Metadata", " · ".join(meta))
        if report.illustrative:
            self.boxed(self.words["report_illustrative"])
        self.plain("Heading 1", self.words["report_matrix"])
        self.plain("Normal", self.words["report_matrix_note"])
        for first in range(0, len(report.countries), 5):
            self.matrix(first, report.countries[first : first + 5])
        if report.chart is not None:
            self.status_chart(report.chart)
        if report.overdue:
            self.plain("Heading 1", self.words["report_overdue"])
            self.plain("Normal", report.overdue_note)
            items = tuple(
                (Paragraph((Strong((Text(step),)), LineBreak(), Text(where))),)
                for step, where in report.overdue
            )
            self.blocks((BulletList(items),))
        for country in report.sections:
            self.country(country)
        if report.references:
            self.plain("Heading 1", self.words["references"])
            for reference in report.references:
                self.inlines(self.paragraph("Reference"), reference.entry, "Reference")

    def report_properties(self) -> None:
        report = self.report
        props = self.doc.core_properties
        props.title = _text(f"{report.title}: {report.series}")
        props.subject = _text(report.subtitle)
        props.author = _text(report.organisation)
        props.last_modified_by = _text(report.organisation)
        props.language = _text(report.language)
        props.identifier = _text(report.slug)
        props.keywords = _text("; ".join([report.brief_id, report.series]))
        status = [report.marking] if report.marking else []
        if report.draft:
            status.append(self.words["draft"])
        if status:
            props.content_status = _text(" · ".join(status))
        midnight = dt.datetime.combine(report.date, dt.time(), tzinfo=dt.UTC)
        props.created = midnight
        props.modified = midnight

    def boxed(self, text: str) -> None:
        """Write a note in a box, as the changes box of a brief."""
        box = self.doc.add_table(rows=1, cols=1)
        box.style = self.doc.styles["Changes Box"]
        cell = box.rows[0].cells[0]
        self.container = cell
        try:
            self.plain("Box Text", text)
            ooxml.drop_paragraph(cell.paragraphs[0])
        finally:
            self.container = self.doc

    def matrix(self, first: int, countries: tuple[tuple[str, str], ...]) -> None:
        """Write the matrix for up to five countries: the status in bold, its month and trend under it."""
        table = self.doc.add_table(rows=1, cols=1 + len(countries))
        table.style = self.doc.styles["Profile Table"]
        table.autofit = False
        section = self.doc.sections[0]
        text_width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        first_width = int(text_width * 0.27)
        widths = [first_width, *([int((text_width - first_width) / len(countries))] * len(countries))]
        header = table.rows[0]
        ooxml.repeat_as_header_row(header)
        ooxml.keep_row_on_one_page(header)
        heads = [self.words["report_recommendation"], *(name for _, name in countries)]
        for cell, word in zip(header.cells, heads, strict=True):
            self._cell(cell, "Table Heading", word)
        for row in self.report.matrix:
            added = table.add_row()
            ooxml.keep_row_on_one_page(added)
            self._cell(added.cells[0], "Table Text", f"{row.number}. {row.title}")
            for target, cell in zip(added.cells[1:], row.cells[first : first + len(countries)], strict=True):
                paragraph = target.paragraphs[0]
                ooxml.set_paragraph_style(paragraph, self.styles.id("Table Text"))
                if not cell.applies:
                    self.run(paragraph, "–")
                elif not cell.label:
                    self.run(paragraph, self.words["report_not_assessed"])
                else:
                    status = self.run(paragraph, cell.label)
                    if status is not None:
                        status.bold = True
                    paragraph.add_run().add_break()
                    self.run(paragraph, f"{cell.month} · {cell.trend}")
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
            for box in column.cells:
                box.width = width

    def status_chart(self, chart: StatusChart) -> None:
        from briefgen.render import statuschart

        caption = self.paragraph("Caption")
        self.run(caption, chart.label + " ", "Label Inline")
        self.run(caption, chart.title)
        ooxml.add_picture(self.paragraph("Figure"), statuschart.png(chart), Cm(FIGURE_WIDTH_CM), chart.alt)
        notes = self.paragraph("Table Source")
        self.run(notes, chart.source_label + " ", "Label Inline")
        self.run(notes, chart.source + ".")

    def country(self, country: ReportCountry) -> None:
        heading = self.plain("Heading 1", country.name)
        heading.paragraph_format.page_break_before = True
        for rec in country.recommendations:
            title = self.paragraph("Heading 2")
            title.paragraph_format.left_indent = NUMBER_INDENT
            title.paragraph_format.first_line_indent = -NUMBER_INDENT
            self.run(title, str(rec.number), "Heading Number")
            title.add_run("\t")
            self.run(title, rec.title)
            for part in rec.parts:
                self.label_line(part.heading)
                if not part.assessments:
                    self.plain("Normal", self.words["report_not_assessed"])
                for item in part.assessments:
                    self.assessment(item)

    def assessment(self, item: ReportAssessment) -> None:
        head = self.paragraph("Metadata")
        head.paragraph_format.keep_with_next = True
        status = self.run(head, item.label)
        if status is not None:
            status.bold = True
        self.run(head, f" · {item.month} · {item.trend}")
        if item.illustrative:
            self.run(head, " · " + self.words["report_illustrative_mark"])
        self.blocks(item.summary.blocks)
        meta = self.paragraph("Metadata")
        self.run(meta, self.words["report_lead"] + " ", "Label Inline")
        self.run(meta, item.lead)
        self.run(meta, "\u2003" + self.words["report_assessor"] + " ", "Label Inline")
        self.run(meta, item.assessor)
        if item.evidence:
            self.blocks((BulletList(tuple((Paragraph(e.cited()),) for e in item.evidence)),))
